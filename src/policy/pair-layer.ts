/**
 * A dense layer's pre-activation on every pairing of two sets of input rows, in the same
 * float32 summation order as the full product, for evaluating a network on a grid of
 * (context, state) inputs without building the grid.
 *
 * The full product [a_i | b_j]·W + bias sums its terms one input column at a time, from
 * zero: first a_i's columns, then b_j's, then the bias (the wasm backend's products
 * accumulate each output this way, and `apply` adds the bias afterwards). Splitting it as
 * (a_i·Wᵃ) + (b_j·Wᵇ + bias) would regroup those sums and change the rounding. Here the
 * sums keep their order: a·Wᵃ once per row of a (a product of its own, accumulated from zero
 * exactly as the full product's first columns are), then b_j's nonzero terms added one at a
 * time in column order (zero terms add nothing), then the bias. Rows of b that share their
 * first terms share the partial sums (a prefix tree), so only the last levels are paid for
 * rows(a) × rows(b) entries: for one-hot-like features (the token policy's parser state
 * and position) that is a gather, one add and the bias add over the grid.
 *
 * Same numbers as the full product when the backend accumulates each output from zero in
 * input-column order and multiplies without fused multiply-add; `test/policy/pair-layer.test.ts`
 * checks this bit for bit on the backend in use.
 */
import * as tf from "@tensorflow/tfjs";

/** The prefix tree of the rows' nonzero terms: one level per term. */
interface PrefixLevel {
  /** Parent node (in the previous level) of each node. */
  parent: Int32Array;
  /** Input column of each node's term (or `width` for padding: a row with fewer terms). */
  column: Int32Array;
  /** Input value of each node's term (0 for padding). */
  value: Float32Array;
}

/**
 * Levels of the prefix tree of the rows of `b` ([rows, width] row-major), each row read as
 * its nonzero (column, value) terms in column order, and the node of the last level that
 * each row ends at. Rows with fewer terms are padded with zero terms (adding +0 or −0 to a
 * sum leaves it unchanged unless the sum is zero, where only the sign of zero can differ).
 */
function prefixTree(b: Float32Array, rows: number, width: number): { levels: PrefixLevel[]; leaf: Int32Array } {
  const terms: number[][] = [];
  let depth = 0;
  for (let r = 0; r < rows; r++) {
    const t: number[] = [];
    for (let k = 0; k < width; k++) if (b[r * width + k] !== 0) t.push(k);
    terms.push(t);
    depth = Math.max(depth, t.length);
  }
  const levels: PrefixLevel[] = [];
  let node = new Int32Array(rows); // each row's node at the current level (level 0: the root, 0)
  for (let j = 0; j < depth; j++) {
    const ids = new Map<string, number>();
    const parent: number[] = [], column: number[] = [], value: number[] = [];
    const next = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const k = terms[r]![j];
      const col = k ?? width;
      const v = k === undefined ? 0 : b[r * width + k]!;
      const key = `${node[r]}|${col}|${v}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = parent.length;
        ids.set(key, id);
        parent.push(node[r]!);
        column.push(col);
        value.push(v);
      }
      next[r] = id;
    }
    levels.push({ parent: Int32Array.from(parent), column: Int32Array.from(column), value: Float32Array.from(value) });
    node = next;
  }
  return { levels, leaf: node };
}

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
  const { levels, leaf } = prefixTree(b, nb, width);
  // Level 0: the root, a's own columns summed from zero: [na, 1, out].
  let acc: tf.Tensor = tf.reshape(a.shape[1] > 0 ? tf.matMul(a, wa) : tf.zeros([na, out]), [na, 1, out]);
  // The weight rows with a zero row appended (the padding terms' column).
  const w = tf.concat([wb, tf.zeros([1, out])]);
  for (const level of levels) {
    const n = level.parent.length;
    const terms = tf.mul(tf.gather(w, tf.tensor1d(level.column, "int32")), tf.tensor2d(level.value, [n, 1]));
    // One parent (the root): a broadcast add; otherwise gather each node's parent first.
    const parents = acc.shape[1] === 1 ? acc : tf.gather(acc, tf.tensor1d(level.parent, "int32"), 1);
    acc = tf.add(parents, tf.reshape(terms, [1, n, out]));
  }
  const rows = isIdentity(leaf, acc.shape[1]!) ? acc : tf.gather(acc, tf.tensor1d(leaf, "int32"), 1);
  return tf.add(tf.reshape(rows, [na * nb, out]), bias) as tf.Tensor2D;
}

/** Whether `idx` is 0, 1, …, n−1 (no gather needed). */
function isIdentity(idx: Int32Array, n: number): boolean {
  if (idx.length !== n) return false;
  for (let i = 0; i < n; i++) if (idx[i] !== i) return false;
  return true;
}
