/**
 * Faster formulations of two operations the trainers run on every step, for the
 * WebAssembly backend's sake (same functions, different float rounding):
 *
 * - The gradient of a matrix product. TensorFlow.js's registered BatchMatMul gradient
 *   computes dA = dy·Bᵀ and dB = Aᵀ·dy as products with a transposed input, and the
 *   wasm backend only takes its fast (XNNPACK) path when neither input is transposed.
 *   {@link registerFastGradients} re-registers the gradient so that it transposes
 *   explicitly (an O(size) copy) and then multiplies plain matrices.
 * - tanh. The wasm backend's Tanh is a scalar loop while its Sigmoid is vectorised;
 *   {@link fastTanh} uses tanh(x) = 2·σ(2x) − 1.
 *
 * Both work on every backend; the gradient is registered globally (TensorFlow.js keeps
 * one gradient per kernel name, not one per backend).
 */
import * as tf from "@tensorflow/tfjs";

/** Swaps the last two axes (a matrix transpose of every batch entry). */
function transposeLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(x, perm);
}

/**
 * Sums `g` over the batch axes along which `shape` was broadcast, so the gradient has the
 * input's own shape (TensorFlow's rule for broadcast products; TensorFlow.js's stock
 * gradient throws a shape error in that case instead).
 */
function reduceToShape(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const axes = tf.backend_util.getReductionAxes(shape.slice(0, -2), g.shape.slice(0, -2));
  return tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, shape as number[]);
}

/** The matrix-product gradient with plain (non-transposed) products only. */
export const fastBatchMatMulGrad: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ["a", "b"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const d = dy as tf.Tensor;
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const T = transposeLast;
    // out = op(A)·op(B); the four cases of the stock gradient, each written as plain products.
    let ga: () => tf.Tensor, gb: () => tf.Tensor;
    if (!transposeA && !transposeB) {
      ga = () => tf.matMul(d, T(b)); // dy·Bᵀ
      gb = () => tf.matMul(T(a), d); // Aᵀ·dy
    } else if (!transposeA && transposeB) {
      ga = () => tf.matMul(d, b); // dy·B
      gb = () => tf.matMul(T(d), a); // dyᵀ·A
    } else if (transposeA && !transposeB) {
      ga = () => tf.matMul(b, T(d)); // B·dyᵀ
      gb = () => tf.matMul(a, d); // A·dy
    } else {
      ga = () => tf.matMul(T(b), T(d)); // Bᵀ·dyᵀ
      gb = () => tf.matMul(T(d), T(a)); // dyᵀ·Aᵀ
    }
    return { a: () => reduceToShape(ga(), a.shape), b: () => reduceToShape(gb(), b.shape) };
  },
};

let stockBatchMatMulGrad: tf.GradConfig | undefined;

/**
 * Registers {@link fastBatchMatMulGrad} in place of the stock BatchMatMul gradient.
 * Idempotent; called once by the backend setup (`useBackend`).
 */
export function registerFastGradients(): void {
  const current = tf.getGradient(tf.BatchMatMul);
  if (current === fastBatchMatMulGrad) return;
  stockBatchMatMulGrad ??= current;
  tf.registerGradient(fastBatchMatMulGrad);
}

/** Puts TensorFlow.js's own gradient back (tests compare the two). */
export function restoreStockGradients(): void {
  if (stockBatchMatMulGrad !== undefined) tf.registerGradient(stockBatchMatMulGrad);
}

/** Whether the fast matrix-product gradient is the registered one. */
export function fastGradientsRegistered(): boolean {
  return tf.getGradient(tf.BatchMatMul) === fastBatchMatMulGrad;
}

/**
 * tanh(x) computed as 2·σ(2x) − 1 (the same function; vectorised on the wasm backend),
 * with tanh's own gradient dy·(1 − y²) written from the output y, so that the backward
 * pass is three elementwise kernels rather than the chain rule through four. Call inside tidy.
 */
export function fastTanh<T extends tf.Tensor>(x: T): T {
  return fastTanhGrad(x) as T;
}

const fastTanhGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const y = tf.tidy(() => tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1));
  save([y]);
  return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sub(1, tf.square(saved[0]!))) };
});
