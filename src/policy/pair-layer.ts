/**
 * A dense layer's pre-activation on every pairing of two sets of input rows, in the same
 * float32 summation order as the full product, for evaluating a network on a grid of
 * (context, state) inputs without building the grid.
 *
 * The full product [a_i | b_j]·W + bias sums its terms one input column at a time, from
 * zero: first a_i's columns, then b_j's, then the bias (the wasm backend's products
 * accumulate each output this way, and `Mlp.apply` adds the bias afterwards). Splitting it
 * as (a_i·Wᵃ) + (b_j·Wᵇ + bias) would regroup those sums and change the rounding (by up to
 * 2.4e-7 on the world's first layer, 1e-5 relative on quick notebook results). Here the
 * sums keep their order: a·Wᵃ once per row of a (a product of its own, accumulated from
 * zero exactly as the full product's first columns are), then b_j's nonzero terms added one
 * at a time in column order (zero terms add nothing), then the bias. That costs one
 * elementwise pass over the grid per nonzero term of b's rows (5 for the token policy's
 * one-hot parser state and position) instead of a product over b's width per grid row.
 * (Sharing partial sums between rows with the same first terms would need a gather over the
 * grid, which the wasm backend runs an order of magnitude slower than an add.)
 *
 * Same numbers as the full product when the backend accumulates each output from zero in
 * column order and multiplies without fused multiply-add; test/policy/pair-layer.test.ts
 * checks this bit for bit on the wasm backend.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * [a_i | b_j]·[wa; wb] + bias for every i (rows of `a`) and j (rows of `b`), as a
 * [rows(a)·rows(b), out] tensor, row i·rows(b) + j; the full product's float32 summation
 * order (see the file comment). `b` is plain numbers ([nb, width] row-major) because its
 * sparsity decides the order of work. Call inside tidy.
 */
export function pairPreActivation(a: tf.Tensor2D, wa: tf.Tensor2D, b: Float32Array, nb: number, wb: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  const na = a.shape[0];
  const out = wb.shape[1];
  const width = wb.shape[0];
  if (b.length !== nb * width) throw new RangeError(`pairPreActivation: ${b.length} values for ${nb} rows of width ${width}`);
  // a's own columns, summed from zero: [na, 1, out].
  let acc: tf.Tensor = tf.reshape(a.shape[1] > 0 ? tf.matMul(a, wa) : tf.zeros([na, out]), [na, 1, out]);
  // Term j of every row of b: a product of b's j-th nonzero entry alone (the rest of the row
  // zeroed) with wb, which is exactly value · weight row (the other products are zeros).
  for (const e of termMatrices(b, nb, width)) acc = tf.add(acc, tf.reshape(tf.matMul(tf.tensor2d(e, [nb, width]), wb), [1, nb, out]));
  if (acc.shape[1] !== nb) acc = tf.tile(acc, [1, nb, 1]);
  return tf.add(tf.reshape(acc, [na * nb, out]), bias) as tf.Tensor2D;
}

/** Row-by-row split of b into its j-th nonzero terms: matrix j holds each row's j-th nonzero entry (or nothing). */
function termMatrices(b: Float32Array, rows: number, width: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    let j = 0;
    for (let k = 0; k < width; k++) {
      const v = b[r * width + k]!;
      if (v === 0) continue;
      if (j === out.length) out.push(new Float32Array(rows * width));
      out[j]![r * width + k] = v;
      j++;
    }
  }
  return out;
}
