import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../helpers/backend";
import { expectNoLeak } from "../helpers/leak";
import { Rng } from "../../src/rng";
import { fastGradientsRegistered, fastTanh, registerFastGradients, restoreStockGradients } from "../../src/tf/kernels";
import { Mlp } from "../../src/policy/mlp";

/** A tensor of standard normal draws from a seeded stream. */
function randn(rng: Rng, shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

/** Max |x − y| / max(1, |y|) over two arrays of the same length. */
function maxRelDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  expect(x.length).to.equal(y.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!) / Math.max(1, Math.abs(y[i]!)));
  return m;
}

/** Gradients of Σ w ⊙ matMul(a, b, tA, tB) with respect to a and b, as flat arrays. */
function productGrads(a: tf.Tensor, b: tf.Tensor, w: tf.Tensor, tA: boolean, tB: boolean): { a: Float32Array; b: Float32Array; shapes: number[][] } {
  const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, tA, tB), w)))([a, b]);
  const out = { a: ga!.dataSync() as Float32Array, b: gb!.dataSync() as Float32Array, shapes: [ga!.shape, gb!.shape] };
  tf.dispose([ga!, gb!]);
  return out;
}

/** The stock gradient's answer (the fast one unregistered for the call). */
function stockGrads(...args: Parameters<typeof productGrads>): ReturnType<typeof productGrads> {
  restoreStockGradients();
  try {
    return productGrads(...args);
  } finally {
    registerFastGradients();
  }
}

const TOL = 1e-5; // float32 rounding of sums of ≤ 64 products of N(0, 1) values, relative to max(1, |value|)

describe("fast kernels: the matrix-product gradient with plain products only", () => {
  before(setupBackend);

  it("is registered by the backend setup", () => {
    expect(fastGradientsRegistered()).to.equal(true);
  });

  const cases: { a: number[]; b: number[]; label: string }[] = [
    { a: [5, 7], b: [7, 3], label: "2-D" },
    { a: [64, 45], b: [45, 64], label: "2-D, MLP-sized" },
    { a: [1, 4], b: [4, 6], label: "2-D, one row" },
    { a: [3, 5, 7], b: [3, 7, 2], label: "batch 3" },
    { a: [2, 3, 4, 5], b: [2, 3, 5, 6], label: "batch 2 × 3" },
  ];
  for (const c of cases) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        it(`equals the stock gradient: ${c.label}, transposeA=${tA}, transposeB=${tB}`, () => {
          const rng = Rng.fromSeed(c.a.length * 100 + (tA ? 10 : 0) + (tB ? 1 : 0) + c.a[0]!);
          const r = c.a.length;
          // Stored shapes of a and b for op(A)·op(B) with op(A) of shape c.a and op(B) of shape c.b.
          const swap = (s: number[]) => [...s.slice(0, r - 2), s[r - 1]!, s[r - 2]!];
          const a = randn(rng, tA ? swap(c.a) : c.a), b = randn(rng, tB ? swap(c.b) : c.b);
          const w = randn(rng, [...c.a.slice(0, -1), c.b.at(-1)!]);
          try {
            const fast = productGrads(a, b, w, tA, tB);
            const stock = stockGrads(a, b, w, tA, tB);
            expect(fast.shapes).to.deep.equal([a.shape, b.shape]);
            expect(fast.shapes).to.deep.equal(stock.shapes);
            expect(maxRelDiff(fast.a, stock.a)).to.be.below(TOL);
            expect(maxRelDiff(fast.b, stock.b)).to.be.below(TOL);
          } finally {
            tf.dispose([a, b, w]);
          }
        });
      }
    }
  }

  // TensorFlow.js's stock gradient throws a shape error when batch axes broadcast; the fast
  // one sums over the broadcast axes (TensorFlow's rule). The reference tiles the smaller
  // input explicitly, takes the stock gradient and sums over the copies.
  const broadcast: { a: number[]; b: number[] }[] = [
    { a: [3, 5, 4], b: [4, 2] },
    { a: [5, 4], b: [3, 4, 2] },
    { a: [1, 5, 4], b: [3, 4, 2] },
    { a: [3, 5, 4], b: [1, 4, 2] },
  ];
  for (const c of broadcast) {
    for (const [tA, tB] of [[false, false], [true, true]] as const) {
      it(`broadcast batch ${JSON.stringify(c.a)} · ${JSON.stringify(c.b)}, transposes ${tA}/${tB}: sums over the broadcast axis`, () => {
        const rng = Rng.fromSeed(c.a.length * 10 + c.b.length + (tA ? 1000 : 0));
        const swap = (s: number[]) => [...s.slice(0, -2), s.at(-1)!, s.at(-2)!];
        const a = randn(rng, tA ? swap(c.a) : c.a), b = randn(rng, tB ? swap(c.b) : c.b);
        const w = randn(rng, [3, 5, 2]);
        const full = (x: tf.Tensor) => (x.rank === 2 ? tf.tile(tf.expandDims(x, 0), [3, 1, 1]) : tf.tile(x, [3 / x.shape[0]!, 1, 1]));
        const [af, bf] = [full(a), full(b)];
        try {
          const fast = productGrads(a, b, w, tA, tB);
          expect(fast.shapes).to.deep.equal([a.shape, b.shape]);
          const ref = stockGrads(af, bf, w, tA, tB);
          const fold = (g: Float32Array, x: tf.Tensor) => g.length === x.size ? g : tf.tidy(() => tf.reshape(tf.sum(tf.tensor(g, [3, ...x.shape.slice(-2)]), 0), x.shape).dataSync());
          expect(maxRelDiff(fast.a, fold(ref.a, a))).to.be.below(TOL);
          expect(maxRelDiff(fast.b, fold(ref.b, b))).to.be.below(TOL);
        } finally {
          tf.dispose([a, b, w, af, bf]);
        }
      });
    }
  }

  it("runs no transposed product in an MLP's backward pass (the stock gradient runs two per layer)", () => {
    const backend = tf.getBackend();
    const kernel = tf.getKernel(tf.BatchMatMul, backend)!;
    const seen: string[] = [];
    tf.unregisterKernel(tf.BatchMatMul, backend);
    tf.registerKernel({
      ...kernel,
      kernelFunc: (args) => {
        const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
        seen.push(`${transposeA ? "T" : "N"}${transposeB ? "T" : "N"}`);
        return kernel.kernelFunc(args);
      },
    });
    const net = new Mlp([6, 8, 8, 3], Rng.fromSeed(4));
    const x = randn(Rng.fromSeed(5), [10, 6]) as tf.Tensor2D;
    const count = () => {
      seen.length = 0;
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.apply(x))), net.variables);
      tf.dispose([value, ...Object.values(grads)]);
      return [...seen];
    };
    try {
      const fast = count();
      restoreStockGradients();
      const stock = count();
      registerFastGradients();
      // 3 forward products; backward: 3 weight gradients + 2 input gradients (the first layer's input is not a variable).
      expect(fast.filter((s) => s !== "NN"), `fast: ${fast.join(" ")}`).to.deep.equal([]);
      expect(fast.length).to.be.at.least(3 + 5);
      expect(stock.filter((s) => s !== "NN").length, `stock: ${stock.join(" ")}`).to.be.at.least(5);
    } finally {
      registerFastGradients();
      tf.unregisterKernel(tf.BatchMatMul, backend);
      tf.registerKernel(kernel);
      tf.dispose([x]);
      net.dispose();
    }
  });

  it("leaves no tensors behind", () => {
    const rng = Rng.fromSeed(9);
    const a = randn(rng, [2, 5, 7]), b = randn(rng, [7, 3]), w = randn(rng, [2, 5, 3]);
    const at = randn(rng, [2, 7, 5]), bt = randn(rng, [3, 7]);
    try {
      expectNoLeak(() => productGrads(a, b, w, false, false), "fast matMul gradient");
      expectNoLeak(() => productGrads(at, bt, w, true, true), "fast matMul gradient, transposed");
    } finally {
      tf.dispose([a, b, w, at, bt]);
    }
  });
});

describe("fast kernels: tanh as 2σ(2x) − 1", () => {
  before(setupBackend);

  it("equals tf.tanh and its gradient within float tolerance, also far out in the tails", () => {
    const rng = Rng.fromSeed(7);
    const values = [...Array.from({ length: 2000 }, () => rng.normal(0, 3)), 0, 1e-8, -1e-8, 20, -20, 90, -90, 1e4, -1e4];
    const x = tf.tensor1d(values);
    try {
      const fast = fastTanh(x), stock = tf.tanh(x);
      const gFast = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(fastTanh(v), tf.range(0, values.length))))(x);
      const gStock = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.tanh(v), tf.range(0, values.length))))(x);
      const [f, s, gf, gs] = [fast, stock, gFast, gStock].map((t) => t.dataSync());
      for (let i = 0; i < values.length; i++) {
        expect(Math.abs(f![i]! - s![i]!), `tanh(${values[i]})`).to.be.below(3e-7);
        expect(Math.abs(f![i]! - Math.tanh(values[i]!)), `tanh(${values[i]}) vs float64`).to.be.below(3e-7);
        expect(Math.abs(gf![i]! - gs![i]!), `tanh'(${values[i]}) × ${i}`).to.be.below(1e-6 * Math.max(1, i));
      }
      tf.dispose([fast, stock, gFast, gStock]);
    } finally {
      x.dispose();
    }
  });

  it("leaves no tensors behind", () => {
    const x = tf.tensor1d([0.5, -2, 3]);
    try {
      expectNoLeak(() => fastTanh(x).dispose(), "fastTanh");
      expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(fastTanh(v)))(x).dispose(), "fastTanh gradient");
    } finally {
      x.dispose();
    }
  });
});
