/**
 * The autoregressive token policy: a small MLP from
 *   [contextFeatures(query), stateFeatures(parser state of the prefix), one-hot position]
 * to logits over the vocabulary. Because it is Markov in (context, position, state), its
 * whole behaviour is a finite table, which {@link TokenPolicy.policyTable} evaluates in one
 * batched forward pass so the world's exact dynamic programmes can use it.
 *
 * Sequences are token arrays ending with the end token or at `maxLen` tokens. Sampling
 * happens on the JS side from a passed-in Rng (never tf.random). Anything that crosses the
 * module boundary is plain numbers, except the tensor methods meant for trainers
 * (`tokenLogProbs`, `sequenceLogProbs`, `logits`), which must be called inside tf.tidy.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import type { ContextSpace, SequenceSpace } from "../space";
import { Mlp } from "./mlp";
import { oneHot } from "./tabular";
import { ConfigError } from "../errors";
import { segmentSum } from "../tf/segment";
import { reachableRows, type DenseTable, type ReachableRows, type WithDense } from "../dense-table";

/**
 * The real-token rows of an {@link EncodedBatch} (padding dropped), for forward passes that
 * need not spend work on padding: row r is slot `flat[r]` = i·t + p of sequence `seq[r]`.
 */
export interface PackedRows {
  /** Number of real tokens. */
  rows: number;
  /** Features, row-major [rows, inputDim]. */
  x: Float32Array;
  /** Token of each row. */
  tokens: Int32Array;
  /** Sequence index of each row. */
  seq: Int32Array;
  /** Index of each row in the padded [n·t] layout. */
  flat: Int32Array;
}

/** Sequences encoded for a forward pass: one feature row per (sequence, position) slot. */
export interface EncodedBatch {
  /** Number of sequences. */
  n: number;
  /** Slots per sequence (= maxLen). */
  t: number;
  /** Features, row-major [n·t, inputDim]; zero rows for padding. */
  x: Float32Array;
  /** Token at each slot (0 for padding). */
  tokens: Int32Array;
  /** 1 for real tokens, 0 for padding. */
  mask: Float32Array;
  /** Number of real tokens per sequence. */
  lengths: number[];
}

export class TokenPolicy<C, S> {
  readonly net: Mlp;
  readonly inputDim: number;
  private readonly ctxCache = new Map<C, number[]>();

  /**
   * @param hidden hidden layer widths (default [64, 64])
   * @param rng    the "init" stream (null only for copies)
   */
  constructor(
    readonly space: SequenceSpace<S>,
    readonly contextSpace: ContextSpace<C>,
    readonly hidden: readonly number[] = [64, 64],
    rng: Rng | null,
    trainable = true,
    net?: Mlp,
  ) {
    this.inputDim = contextSpace.contextDim + space.stateDim + space.maxLen;
    this.net = net ?? new Mlp([this.inputDim, ...hidden, space.vocabSize], rng, trainable);
    if (this.net.sizes[0] !== this.inputDim) throw new ConfigError("net.sizes[0]", this.net.sizes[0], `= inputDim ${this.inputDim}`);
  }

  /** Trainable variables. */
  get variables(): tf.Variable[] {
    return this.net.variables;
  }

  /** A frozen (non-trainable) copy with the same weights: the reference policy. */
  frozenCopy(): TokenPolicy<C, S> {
    return new TokenPolicy(this.space, this.contextSpace, this.hidden, null, false, this.net.copy(false));
  }

  /** A trainable copy (start fine-tuning from a pretrained base without touching it). */
  trainableCopy(): TokenPolicy<C, S> {
    return new TokenPolicy(this.space, this.contextSpace, this.hidden, null, true, this.net.copy(true));
  }

  /** Context features (cached per context object). */
  contextFeatures(c: C): number[] {
    let f = this.ctxCache.get(c);
    if (!f) {
      f = this.contextSpace.contextFeatures(c);
      this.ctxCache.set(c, f);
    }
    return f;
  }

  /** Writes the input row for (context, position, state) into `out` at `offset`. */
  private writeRow(out: Float32Array, offset: number, cf: number[], pos: number, s: S): void {
    out.set(cf, offset);
    out.set(this.space.stateFeatures(s), offset + cf.length);
    out[offset + cf.length + this.space.stateDim + pos] = 1;
  }

  /** Encodes sequences for `tokenLogProbs`; tokens after the end token or past maxLen are ignored. */
  encode(contexts: readonly C[], sequences: readonly (readonly number[])[]): EncodedBatch {
    const n = sequences.length;
    const t = this.space.maxLen;
    const D = this.inputDim;
    const x = new Float32Array(n * t * D);
    const tokens = new Int32Array(n * t);
    const mask = new Float32Array(n * t);
    const lengths: number[] = [];
    for (let i = 0; i < n; i++) {
      const cf = this.contextFeatures(contexts[i]!);
      let s = this.space.initialState();
      const seq = sequences[i]!;
      let len = 0;
      for (let p = 0; p < t && p < seq.length; p++) {
        const tok = seq[p]!;
        this.writeRow(x, (i * t + p) * D, cf, p, s);
        tokens[i * t + p] = tok;
        mask[i * t + p] = 1;
        len++;
        if (tok === this.space.endToken) break;
        s = this.space.step(s, tok);
      }
      lengths.push(len);
    }
    return { n, t, x, tokens, mask, lengths };
  }

  /** Logits for every slot, [n·t, vocab]. Call inside tidy. */
  logits(b: EncodedBatch): tf.Tensor2D {
    return this.net.apply(tf.tensor2d(b.x, [b.n * b.t, this.inputDim]));
  }

  /** Log-probability of each token, [n, t], 0 at padding. Call inside tidy. */
  tokenLogProbs(b: EncodedBatch, logits?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const lp = tf.logSoftmax(logits ?? this.logits(b));
      const picked = tf.sum(tf.mul(lp, oneHot(b.tokens, this.space.vocabSize)), 1);
      return tf.reshape(tf.mul(picked, tf.tensor1d(b.mask)), [b.n, b.t]) as tf.Tensor2D;
    });
  }

  /** Log-probability of each whole sequence, [n]. Call inside tidy. */
  sequenceLogProbs(b: EncodedBatch): tf.Tensor1D {
    return tf.tidy(() => tf.sum(this.tokenLogProbs(b), 1) as tf.Tensor1D);
  }

  /** Drops the padding rows of `b` (plain numbers; no tensors). */
  pack(b: EncodedBatch): PackedRows {
    const D = this.inputDim;
    const rows = b.lengths.reduce((a, c) => a + c, 0);
    const x = new Float32Array(rows * D), tokens = new Int32Array(rows), seq = new Int32Array(rows), flat = new Int32Array(rows);
    let r = 0;
    for (let i = 0; i < b.n; i++) {
      for (let p = 0; p < b.lengths[i]!; p++, r++) {
        const f = i * b.t + p;
        x.set(b.x.subarray(f * D, (f + 1) * D), r * D);
        tokens[r] = b.tokens[f]!;
        seq[r] = i;
        flat[r] = f;
      }
    }
    return { rows, x, tokens, seq, flat };
  }

  /** Logits of packed rows, [rows, vocab]. Call inside tidy. */
  packedLogits(p: PackedRows): tf.Tensor2D {
    return this.net.apply(tf.tensor2d(p.x, [p.rows, this.inputDim]));
  }

  /** Log-probability of each packed row's token, [rows]. Same values as `tokenLogProbs` at the real slots. Call inside tidy. */
  packedTokenLogProbs(p: PackedRows, logits?: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.sum(tf.mul(tf.logSoftmax(logits ?? this.packedLogits(p)), oneHot(p.tokens, this.space.vocabSize)), 1) as tf.Tensor1D);
  }

  /**
   * Sequence log-probabilities [n] from packed rows: a per-sequence sum in time linear in
   * the number of rows ({@link segmentSum}; differentiable on every backend). For training
   * batches; use `logProbsOf` for large evaluation sets. Call inside tidy.
   */
  packedSequenceLogProbs(p: PackedRows, n: number): tf.Tensor1D {
    return tf.tidy(() => segmentSum(this.packedTokenLogProbs(p), p.seq, n));
  }

  /** Plain-number log-probabilities: per sequence and per token. */
  logProbsOf(contexts: readonly C[], sequences: readonly (readonly number[])[]): { sequence: number[]; tokens: number[][] } {
    if (sequences.length === 0) return { sequence: [], tokens: [] };
    const b = this.encode(contexts, sequences);
    const t = tf.tidy(() => this.tokenLogProbs(b));
    const flat = t.dataSync();
    t.dispose();
    const tokens = b.lengths.map((len, i) => Array.from(flat.subarray(i * b.t, i * b.t + len)));
    return { sequence: tokens.map((row) => row.reduce((a, c) => a + c, 0)), tokens };
  }

  /** Next-token probabilities for a batch of (context, position, state) rows, as plain arrays. */
  nextTokenProbs(rows: readonly { context: C; position: number; state: S }[]): Float32Array[] {
    if (rows.length === 0) return [];
    const D = this.inputDim;
    const x = new Float32Array(rows.length * D);
    rows.forEach((r, i) => this.writeRow(x, i * D, this.contextFeatures(r.context), r.position, r.state));
    const p = tf.tidy(() => tf.softmax(this.net.apply(tf.tensor2d(x, [rows.length, D]))));
    const flat = p.dataSync() as Float32Array;
    p.dispose();
    const V = this.space.vocabSize;
    return rows.map((_, i) => flat.slice(i * V, (i + 1) * V));
  }

  /** Samples one sequence per context, batched over contexts, drawing tokens from `rng`. */
  sample(rng: Rng, contexts: readonly C[]): number[][] {
    const seqs: number[][] = contexts.map(() => []);
    const states: S[] = contexts.map(() => this.space.initialState());
    let active = contexts.map((_, i) => i);
    for (let pos = 0; pos < this.space.maxLen && active.length > 0; pos++) {
      const probs = this.nextTokenProbs(active.map((i) => ({ context: contexts[i]!, position: pos, state: states[i]! })));
      const still: number[] = [];
      active.forEach((i, k) => {
        const tok = rng.categorical(probs[k]!);
        seqs[i]!.push(tok);
        if (tok !== this.space.endToken) {
          states[i] = this.space.step(states[i]!, tok);
          still.push(i);
        }
      });
      active = still;
    }
    return seqs;
  }

  /**
   * The policy as a plain-number table (context, position, state) → next-token probabilities.
   * All (context, position, state) combinations reachable from the initial state
   * ({@link reachableRows}, enumerated once per space) are evaluated in one batched forward
   * pass and stored densely (one Float64Array, each row renormalised once in float64); a
   * lookup is a context index, a per-position map from state key to row, and a view of that
   * row (read-only). Contexts with the same features share rows (one block each). The
   * forward pass never builds the blocks × rows input grid ({@link Mlp.applyPairs}: the
   * first layer's context part once per block, then the (state, position) terms added in
   * the full product's order, so the numbers are those of one `apply` on the grid).
   * Anything else (a state the forward reachability misses, such as one after the end
   * token, or a context with new features) is computed on demand and kept. The returned
   * function carries its dense form (`dense`, see src/dense-table.ts) for exact passes on
   * integer indices.
   */
  policyTable(contexts: readonly C[]): WithDense<(context: C, position: number, state: S) => ArrayLike<number>, C, S> {
    const sp = this.space;
    const V = sp.vocabSize;
    // Reachable (position, state) pairs do not depend on the context: R rows per context.
    const rows = reachableRows(sp);
    const R = rows.count;
    // One block of rows per distinct context feature vector.
    const featureKey = new Map<C, string>();
    const keyOf = (c: C): string => {
      let k = featureKey.get(c);
      if (k === undefined) {
        k = this.contextFeatures(c).join(",");
        featureKey.set(c, k);
      }
      return k;
    };
    const blockOfKey = new Map<string, number>();
    const blocks: C[] = [];
    for (const c of contexts) {
      const k = keyOf(c);
      if (!blockOfKey.has(k)) {
        blockOfKey.set(k, blocks.length);
        blocks.push(c);
      }
    }
    // Inputs: [context features] per block and [state features, position one-hot] per row.
    const cd = this.contextSpace.contextDim;
    const sd = this.inputDim - cd;
    const rest = rowFeatures(rows, sd);
    const ctx = new Float32Array(blocks.length * cd);
    blocks.forEach((c, b) => ctx.set(this.contextFeatures(c), b * cd));
    const table = new Float64Array(blocks.length * R * V);
    if (blocks.length > 0) {
      const p = tf.tidy(() => tf.softmax(this.net.applyPairs(tf.tensor2d(ctx, [blocks.length, cd]), rest, R)));
      const flat = p.dataSync();
      p.dispose();
      for (let o = 0; o < table.length; o += V) renormaliseInto(flat, o, V, table, o);
    }
    const extra = new Map<string, Float64Array>();
    const lookup = (c: C, pos: number, s: S): ArrayLike<number> => {
      const index = rows.index[pos];
      if (index === undefined) throw new ConfigError("position", pos, `an integer in [0, ${sp.maxLen - 1}]`);
      const ck = keyOf(c);
      const k = sp.key(s);
      const b = blockOfKey.get(ck);
      const r = index.get(k);
      if (b !== undefined && r !== undefined) {
        const o = (b * R + r) * V;
        return table.subarray(o, o + V);
      }
      const ek = `${ck}|${pos}|${k}`;
      let row = extra.get(ek);
      if (row === undefined) {
        row = new Float64Array(V);
        renormaliseInto(this.nextTokenProbs([{ context: c, position: pos, state: s }])[0]!, 0, V, row, 0);
        extra.set(ek, row);
      }
      return row;
    };
    const dense: DenseTable<C, S> = { rows, vocabSize: V, probs: table, block: (c) => blockOfKey.get(keyOf(c)) ?? -1 };
    return Object.assign(lookup, { dense });
  }

  dispose(): void {
    this.net.dispose();
  }
}

/**
 * Float32 softmax rows can sum to 1 ± 1e-7; renormalise in float64 for exact DPs:
 * out[at + k] = p[from + k] / Σ p[from..from+n).
 */
function renormaliseInto(p: ArrayLike<number>, from: number, n: number, out: Float64Array, at: number): void {
  let z = 0;
  for (let i = 0; i < n; i++) z += p[from + i]!;
  for (let i = 0; i < n; i++) out[at + i] = p[from + i]! / z;
}

const featuresCache = new WeakMap<ReachableRows<unknown>, Float32Array>();

/**
 * The (state features, position one-hot) input of every reachable row, [R, width]
 * row-major; a function of the space alone, so computed once per row layout.
 */
function rowFeatures<S>(rows: ReachableRows<S>, width: number): Float32Array {
  const key = rows as ReachableRows<unknown>;
  let f = featuresCache.get(key);
  if (f === undefined) {
    const sp = rows.space;
    f = new Float32Array(rows.count * width);
    for (let r = 0; r < rows.count; r++) {
      f.set(sp.stateFeatures(rows.states[r]!), r * width);
      f[r * width + sp.stateDim + rows.positions[r]!] = 1;
    }
    featuresCache.set(key, f);
  }
  return f;
}
