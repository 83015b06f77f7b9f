import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../helpers/backend";
import { expectNoLeak } from "../helpers/leak";
import { expectConfigError } from "../helpers/config-error";
import { Rng } from "../../src/rng";
import { denseSegmentSum, segmentSum } from "../../src/tf/segment";

/** Sorted segment ids for `lengths` (segment s has lengths[s] rows; 0 = empty). */
function idsOf(lengths: number[]): Int32Array {
  return Int32Array.from(lengths.flatMap((len, s) => Array.from({ length: len }, () => s)));
}

/** Values and gradient (of Σ w ⊙ sum) of one segment-sum implementation. */
function run(f: typeof segmentSum, x: tf.Tensor1D, ids: Int32Array, n: number, w: tf.Tensor1D): { value: Float32Array; grad: Float32Array } {
  const value = tf.tidy(() => f(x, ids, n).dataSync() as Float32Array);
  if (ids.length === 0) return { value, grad: new Float32Array(0) }; // nothing to differentiate
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v as tf.Tensor1D, ids, n), w)))(x);
  const grad = g.dataSync() as Float32Array;
  g.dispose();
  return { value, grad };
}

describe("segment sums: linear-time segmentSum equals the dense indicator product", () => {
  before(setupBackend);

  const cases: { label: string; lengths: number[] }[] = [
    { label: "one segment", lengths: [7] },
    { label: "DPO-shaped: 128 sequences of 1–10 tokens", lengths: Array.from({ length: 128 }, (_, i) => 1 + ((i * 7) % 10)) },
    { label: "empty segments in the middle and at the end", lengths: [3, 0, 2, 0, 0, 4, 0, 0] },
    { label: "empty first segment", lengths: [0, 5, 1] },
    { label: "no rows at all", lengths: [0, 0, 0] },
  ];
  for (const c of cases) {
    it(`values and gradients: ${c.label}`, () => {
      const rng = Rng.fromSeed(c.lengths.length + 1);
      const ids = idsOf(c.lengths);
      const n = c.lengths.length;
      const x = tf.tensor1d(Float32Array.from(ids, () => rng.normal(-2, 1)));
      const w = tf.tensor1d(Float32Array.from({ length: n }, () => rng.normal()));
      try {
        const fast = run(segmentSum, x, ids, n, w), dense = run(denseSegmentSum, x, ids, n, w);
        expect(fast.value.length).to.equal(n);
        expect(fast.grad.length).to.equal(ids.length);
        // Float64 reference sums; both float32 versions within 1e-5 relative to max(1, |sum|).
        let r = 0;
        c.lengths.forEach((len, s) => {
          let sum = 0;
          for (let k = 0; k < len; k++) sum += x.dataSync()[r + k]!;
          r += len;
          expect(fast.value[s]).to.be.closeTo(sum, 1e-5 * Math.max(1, Math.abs(sum)));
          expect(dense.value[s]).to.be.closeTo(sum, 1e-5 * Math.max(1, Math.abs(sum)));
        });
        // Each row's gradient is its segment's weight, exactly, in both.
        const wd = w.dataSync();
        ids.forEach((s, i) => {
          expect(fast.grad[i]).to.equal(wd[s]);
          expect(dense.grad[i]).to.be.closeTo(wd[s]!, 1e-6);
        });
      } finally {
        tf.dispose([x, w]);
      }
    });
  }

  it("leaves no tensors behind (values and gradients)", () => {
    const ids = idsOf([2, 0, 3]);
    const x = tf.tensor1d([1, 2, 3, 4, 5]);
    const w = tf.tensor1d([1, 2, 3]);
    try {
      expectNoLeak(() => tf.tidy(() => segmentSum(x, ids, 3)).dispose(), "segmentSum");
      expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(segmentSum(v as tf.Tensor1D, ids, 3), w)))(x).dispose(), "segmentSum gradient");
    } finally {
      tf.dispose([x, w]);
    }
  });

  it("rejects unsorted, out-of-range and mismatched segment ids with a ConfigError", () => {
    const x = tf.tensor1d([1, 2, 3]);
    try {
      expectConfigError(() => segmentSum(x, [1, 0, 2], 3), "segmentIds[1]");
      expectConfigError(() => segmentSum(x, [0, 1, 3], 3), "segmentIds[2]");
      expectConfigError(() => segmentSum(x, [0, 1], 3), "segmentIds.length");
      expectConfigError(() => denseSegmentSum(x, [0, 0, -1], 3), "segmentIds[2]");
      expectConfigError(() => segmentSum(x, [0, 0, 0], 1.5), "numSegments");
    } finally {
      x.dispose();
    }
  });
});
