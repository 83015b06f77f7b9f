/**
 * A tabular softmax policy: one logit per (context, action). Used for exact checks
 * against the closed-form optimum π*(y|x) ∝ π_ref(y|x)·exp(r(x,y)/β).
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import { ConfigError } from "../errors";

export class TabularPolicy {
  /** Logits, shape [numContexts, numActions]. Trainable unless the policy is frozen. */
  readonly logits: tf.Variable;

  private constructor(
    logits: number[][],
    readonly trainable: boolean,
  ) {
    const nA = logits[0]?.length ?? 0;
    if (logits.length === 0 || nA < 1 || logits.some((row) => row.length !== nA)) {
      throw new ConfigError("logits", `${logits.length} rows`, "a non-empty rectangular table");
    }
    this.logits = tf.tidy(() => tf.variable(tf.tensor2d(logits), trainable));
  }

  /** A policy whose probabilities are `probs` (rows sum to 1; zeros become logit −30). */
  static fromProbs(probs: number[][], trainable = true): TabularPolicy {
    return new TabularPolicy(probs.map((row) => row.map((p) => (p > 0 ? Math.log(p) : -30))), trainable);
  }

  /** A policy with given logits. */
  static fromLogits(logits: number[][], trainable = true): TabularPolicy {
    return new TabularPolicy(logits, trainable);
  }

  /** Random logits N(0, scale²) drawn from `rng`. */
  static random(rng: Rng, numContexts: number, numActions: number, scale = 1, trainable = true): TabularPolicy {
    const rows = Array.from({ length: numContexts }, () => Array.from({ length: numActions }, () => rng.normal(0, scale)));
    return new TabularPolicy(rows, trainable);
  }

  get numContexts(): number {
    return this.logits.shape[0]!;
  }
  get numActions(): number {
    return this.logits.shape[1]!;
  }

  /** Log-probabilities, shape [numContexts, numActions] (a tensor; call inside tidy). */
  logProbs(): tf.Tensor2D {
    return tf.logSoftmax(this.logits as tf.Tensor2D);
  }

  /**
   * Log-probabilities of given (context, action) pairs, shape [B] (a tensor; call inside tidy).
   * Selection is by one-hot products, not `tf.gather`: the wasm backend has no kernel for
   * gather's gradient (UnsortedSegmentSum).
   */
  logProbsOf(contexts: ArrayLike<number>, actions: ArrayLike<number>): tf.Tensor1D {
    // An action id past the last action would select nothing and read as log-probability 0.
    checkIndices("contexts", contexts, this.numContexts);
    checkIndices("actions", actions, this.numActions);
    return tf.tidy(() => {
      const rows = tf.matMul(oneHot(contexts, this.numContexts), this.logProbs());
      return tf.sum(tf.mul(rows, oneHot(actions, this.numActions)), 1) as tf.Tensor1D;
    });
  }

  /** Probabilities as plain numbers, [numContexts][numActions]. */
  probs(): number[][] {
    const t = tf.tidy(() => tf.softmax(this.logits as tf.Tensor2D));
    const out = t.arraySync() as number[][];
    t.dispose();
    return out;
  }

  /** Draws one action per entry of `contexts` (on the JS side, from `rng`). */
  sample(rng: Rng, contexts: number[]): number[] {
    const p = this.probs();
    return contexts.map((c) => rng.categorical(p[c]!));
  }

  /** A frozen (non-trainable) copy: the reference policy. */
  frozenCopy(): TabularPolicy {
    const l = this.logits.arraySync() as number[][];
    return new TabularPolicy(l, false);
  }

  dispose(): void {
    this.logits.dispose();
  }
}

/** Throws a ConfigError naming the first entry of `indices` that is not an integer in [0, n). */
export function checkIndices(field: string, indices: ArrayLike<number>, n: number): void {
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= n) throw new ConfigError(`${field}[${i}]`, k, `an integer in [0, ${n - 1}]`);
  }
}

/** A [B, n] float one-hot matrix from plain indices (each an integer in [0, n), else a ConfigError). */
export function oneHot(indices: ArrayLike<number>, n: number): tf.Tensor2D {
  checkIndices("index", indices, n);
  const out = new Float32Array(indices.length * n);
  for (let i = 0; i < indices.length; i++) out[i * n + indices[i]!] = 1;
  return tf.tensor2d(out, [indices.length, n]);
}
