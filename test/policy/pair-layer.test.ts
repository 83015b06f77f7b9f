import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../helpers/backend";
import { Rng } from "../../src/rng";
import { Mlp } from "../../src/policy/mlp";
import { pairPreActivation } from "../../src/policy/pair-layer";

/** The grid [a_i | b_j] for every i, j (row i·nb + j), as `apply` would get it. */
function grid(a: number[], na: number, da: number, b: Float32Array, nb: number, db: number): tf.Tensor2D {
  const x = new Float32Array(na * nb * (da + db));
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      const o = (i * nb + j) * (da + db);
      for (let k = 0; k < da; k++) x[o + k] = a[i * da + k]!;
      x.set(b.subarray(j * db, (j + 1) * db), o + da);
    }
  }
  return tf.tensor2d(x, [na * nb, da + db]);
}

/**
 * Rows of b in three styles: one-hot-like (a few ones, many rows sharing their first terms,
 * as the token policy's state and position features), sparse with arbitrary values, dense.
 */
function bRows(style: "one-hot" | "sparse" | "dense", nb: number, db: number, rng: Rng): Float32Array {
  const b = new Float32Array(nb * db);
  for (let j = 0; j < nb; j++) {
    if (style === "one-hot") {
      b[j * db + rng.int(3)] = 1;
      b[j * db + 3 + rng.int(2)] = 1;
      if (rng.uniform() < 0.5) b[j * db + 5] = 1;
      b[j * db + 6 + (j % (db - 6))] = 1;
    } else {
      for (let k = 0; k < db; k++) if (style === "dense" || rng.uniform() < 0.3) b[j * db + k] = rng.normal();
    }
  }
  return b;
}

const bits = (t: tf.Tensor) => Array.from(t.dataSync());

describe("pair layer: a dense layer on every pairing of two row sets, in the full product's summation order", () => {
  before(setupBackend);

  // The file's claim is bit-identity on the wasm backend (its products accumulate each output
  // from zero in column order, without fused multiply-add); elsewhere only float32 rounding.
  const exact = () => tf.getBackend() === "wasm";

  it("pairPreActivation equals matMul(grid) + bias: one-hot-like, sparse and dense rows of b, empty sides", () => {
    for (const style of ["one-hot", "sparse", "dense"] as const) {
      for (const [seed, na, da, nb, db, out] of [
        [1, 5, 4, 40, 12, 16],
        [2, 1, 3, 7, 9, 5],
        [3, 6, 0, 30, 12, 8],
        [4, 3, 5, 1, 12, 4],
        [5, 48, 12, 200, 16, 64],
      ]) {
        const rng = Rng.fromSeed(seed! * 10 + style.length);
        tf.tidy(() => {
          const a = Array.from({ length: na! * da! }, () => (rng.uniform() < 0.5 ? 1 : rng.normal()));
          const b = bRows(style, nb!, db!, rng);
          const w = tf.tensor2d(
            Array.from({ length: (da! + db!) * out! }, () => rng.normal(0, 0.3)),
            [da! + db!, out!],
          );
          const bias = tf.tensor1d(Array.from({ length: out! }, () => rng.normal(0, 0.1)));
          const want = tf.add(tf.matMul(grid(a, na!, da!, b, nb!, db!), w), bias);
          const got = pairPreActivation(tf.tensor2d(a, [na!, da!]), tf.slice(w, [0, 0], [da!, out!]), b, nb!, tf.slice(w, [da!, 0], [db!, out!]), bias);
          expect(got.shape).to.deep.equal([na! * nb!, out!]);
          const [g, e] = [bits(got), bits(want)];
          if (exact()) expect(g, `${style}, seed ${seed}`).to.deep.equal(e);
          else g.forEach((v, i) => expect(v).to.be.closeTo(e[i]!, 1e-5));
        });
      }
    }
    // No columns on b's side, and rows of b that are all zero.
    tf.tidy(() => {
      const a = tf.tensor2d([1, 2, 3, 4], [2, 2]),
        w = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]),
        bias = tf.tensor1d([0.5, 0, -1]);
      expect(bits(pairPreActivation(a, w, new Float32Array(0), 3, tf.zeros([0, 3]) as tf.Tensor2D, bias))).to.deep.equal(
        bits(tf.add(tf.matMul(tf.tensor2d([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4], [6, 2]), w), bias)),
      );
      const wb = tf.tensor2d([1, -1, 2], [1, 3]);
      expect(bits(pairPreActivation(a, w, new Float32Array([0, 2]), 2, wb, bias))).to.deep.equal(
        bits(tf.add(tf.matMul(tf.tensor2d([1, 2, 0, 1, 2, 2, 3, 4, 0, 3, 4, 2], [4, 3]), tf.concat([w, wb])), bias)),
      );
      expect(() => pairPreActivation(a, w, new Float32Array(5), 2, wb, bias)).to.throw(/5 values for 2 rows/);
    });
  });

  it("Mlp.applyPairs equals apply on the grid (1 to 4 layers), and throws on a width mismatch", () => {
    for (const [seed, sizes] of [
      [1, [17, 16, 16, 7]],
      [2, [17, 8, 3]],
      [3, [17, 4]],
      [4, [17, 32, 16, 8, 6]],
      [5, [37, 64, 64, 13]],
    ] as [number, number[]][]) {
      const rng = Rng.fromSeed(seed);
      const net = new Mlp(sizes, rng.fork("init"));
      try {
        for (const style of ["one-hot", "dense"] as const) {
          tf.tidy(() => {
            const na = 4,
              da = 5,
              nb = 30,
              db = sizes[0]! - da;
            const a = Array.from({ length: na * da }, () => (rng.uniform() < 0.5 ? 1 : 0));
            const b = bRows(style, nb, db, rng);
            const [g, e] = [bits(net.applyPairs(tf.tensor2d(a, [na, da]), b, nb)), bits(net.apply(grid(a, na, da, b, nb, db)))];
            if (exact()) expect(g, `sizes ${sizes}, ${style}`).to.deep.equal(e);
            else g.forEach((v, i) => expect(v).to.be.closeTo(e[i]!, 1e-5));
          });
        }
        tf.tidy(() => {
          expect(() => net.applyPairs(tf.zeros([1, 5]) as tf.Tensor2D, new Float32Array(3), 1)).to.throw(/input columns/);
        });
      } finally {
        net.dispose();
      }
    }
  });

  it("leaves no tensors behind", () => {
    const net = new Mlp([6, 4, 3], Rng.fromSeed(6));
    try {
      const before = tf.memory().numTensors;
      const a = tf.tensor2d([1, 0, 0, 1], [2, 2]);
      tf.tidy(() => net.applyPairs(a, new Float32Array([1, 0, 0, 1, 0, 1, 1, 0]), 2).dataSync());
      a.dispose();
      expect(tf.memory().numTensors).to.equal(before);
    } finally {
      net.dispose();
    }
  });
});
