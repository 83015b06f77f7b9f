/**
 * Per-segment sums of a vector (the log-probability of each sequence from the
 * log-probabilities of its packed tokens), in time linear in the number of rows.
 *
 * TensorFlow.js's UnsortedSegmentSum has no wasm kernel, and the gradient of a gather is
 * an UnsortedSegmentSum, so neither runs on the wasm backend. {@link segmentSum} uses the
 * SparseSegmentSum kernel (present on cpu, wasm and tfjs-node) for the forward pass and a
 * gather for the gradient (∂out[s]/∂x[r] = 1 when row r is in segment s), through
 * `tf.customGrad`. {@link denseSegmentSum} is the earlier formulation, a product with an
 * n × rows indicator matrix (quadratic in the batch); it stays as the reference in tests.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../errors";
import { checkInteger } from "../validate";

function checkSegments(x: tf.Tensor1D, segmentIds: ArrayLike<number>, numSegments: number): void {
  checkInteger("numSegments", numSegments, 0);
  if (x.rank !== 1) throw new ConfigError("values.rank", x.rank, "1");
  if (segmentIds.length !== x.shape[0]) throw new ConfigError("segmentIds.length", segmentIds.length, `= number of values ${x.shape[0]}`);
  let prev = 0;
  for (let i = 0; i < segmentIds.length; i++) {
    const s = segmentIds[i]!;
    if (!Number.isInteger(s) || s < prev || s >= numSegments) {
      throw new ConfigError(`segmentIds[${i}]`, s, `a non-decreasing integer in [${prev}, ${numSegments - 1}]`);
    }
    prev = s;
  }
}

/**
 * out[s] = Σ x[r] over the rows r with segmentIds[r] = s, for s < numSegments (0 for an
 * empty segment). `segmentIds` must be sorted (non-decreasing), as packed rows are.
 * Differentiable on every backend. Call inside tidy.
 */
export function segmentSum(x: tf.Tensor1D, segmentIds: ArrayLike<number>, numSegments: number): tf.Tensor1D {
  checkSegments(x, segmentIds, numSegments);
  const ids = Int32Array.from(segmentIds);
  const rows = ids.length;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const v = args[0] as tf.Tensor;
    const value = tf.tidy(() => {
      if (rows === 0) return tf.zeros([numSegments]);
      const summed = tf.sparse.sparseSegmentSum(v as tf.Tensor1D, tf.tensor1d(Int32Array.from({ length: rows }, (_, i) => i), "int32"), tf.tensor1d(ids, "int32"));
      const used = ids[rows - 1]! + 1; // SparseSegmentSum's output stops at the last segment id
      return used < numSegments ? tf.concat([summed, tf.zeros([numSegments - used])]) : summed;
    });
    return { value, gradFunc: (dy: tf.Tensor) => (rows === 0 ? tf.zeros([0]) : tf.gather(dy, tf.tensor1d(ids, "int32"))) };
  });
  return f(x) as tf.Tensor1D;
}

/** The same sums as one product with a dense [numSegments, rows] indicator matrix (reference). Call inside tidy. */
export function denseSegmentSum(x: tf.Tensor1D, segmentIds: ArrayLike<number>, numSegments: number): tf.Tensor1D {
  checkSegments(x, segmentIds, numSegments);
  const rows = segmentIds.length;
  return tf.tidy(() => {
    if (rows === 0) return tf.zeros([numSegments]) as tf.Tensor1D; // XNNPACK refuses an inner size of 0
    const seg = new Float32Array(numSegments * rows);
    for (let r = 0; r < rows; r++) seg[segmentIds[r]! * rows + r] = 1;
    return tf.reshape(tf.matMul(tf.tensor2d(seg, [numSegments, rows]), tf.reshape(x, [rows, 1])), [numSegments]) as tf.Tensor1D;
  });
}
