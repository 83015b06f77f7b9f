/**
 * A small multilayer perceptron (tanh hidden layers, linear output) whose weights come
 * from a passed-in Rng. Owns its variables: call `dispose()`.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import { glorotVariable, constantVariable } from "../tf/init";
import { fastTanh } from "../tf/kernels";
import { pairPreActivation } from "./pair-layer";
import { checkInteger } from "../validate";

export class Mlp {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];

  /**
   * @param sizes layer widths, input first and output last, e.g. [inputDim, 64, 64, vocab]
   * @param rng   the "init" stream; weights are Glorot-normal, biases 0
   * @param trainable false for a frozen network (a reference policy)
   */
  constructor(
    readonly sizes: readonly number[],
    rng: Rng | null,
    trainable = true,
  ) {
    if (sizes.length < 2) checkInteger("sizes.length", sizes.length, 2);
    sizes.forEach((s, i) => checkInteger(`sizes[${i}]`, s, 1));
    if (rng) {
      for (let i = 0; i + 1 < sizes.length; i++) {
        this.weights.push(glorotVariable(rng, sizes[i]!, sizes[i + 1]!, trainable));
        this.biases.push(constantVariable([sizes[i + 1]!], 0, trainable));
      }
    }
  }

  /** Forward pass: x [N, sizes[0]] → [N, sizes.at(-1)]. Call inside tidy. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h: tf.Tensor2D = x;
    for (let i = 0; i < this.weights.length; i++) {
      h = tf.add(tf.matMul(h, this.weights[i]!), this.biases[i]!) as tf.Tensor2D;
      if (i + 1 < this.weights.length) h = fastTanh(h); // tanh as 2σ(2x) − 1 (src/tf/kernels.ts)
    }
    return h;
  }

  /**
   * The forward pass on every pairing of a row of `a` with a row of `b` (plain numbers,
   * [nb, sizes[0] − cols(a)] row-major): output row i·nb + j is `apply([a_i | b_j])`, the
   * inputs concatenated, with the same numbers as `apply` on the wasm backend. For
   * evaluation only (no gradient is meant to flow through it). Call inside tidy.
   *
   * - The first layer is computed without building the rows(a) × nb input grid
   *   ({@link pairPreActivation}): a·W₁ᵃ once per row of a, then b's nonzero terms and the
   *   bias added in the full product's order.
   * - tanh is 2σ(2x) − 1 as in `fastTanh`, with the 2x taken from weights and biases doubled
   *   beforehand (doubling is exact in binary floating point, so σ sees the same float and
   *   one elementwise pass per layer is saved).
   */
  applyPairs(a: tf.Tensor2D, b: Float32Array, nb: number): tf.Tensor2D {
    const da = a.shape[1];
    const db = this.sizes[0]! - da;
    if (db < 0 || b.length !== nb * db) throw new RangeError(`applyPairs: ${da} + ${nb > 0 ? b.length / nb : 0} input columns; expected ${this.sizes[0]}`);
    const last = this.weights.length - 1;
    // Layers with a tanh after them get doubled weights and bias (pre-activation 2x).
    const scale = <T extends tf.Tensor>(t: T, i: number): T => (i < last ? (tf.mul(t, 2) as T) : t);
    const w = scale(this.weights[0]! as tf.Tensor2D, 0);
    const h = this.sizes[1]!;
    let x = pairPreActivation(a, tf.slice(w, [0, 0], [da, h]), b, nb, tf.slice(w, [da, 0], [db, h]), scale(this.biases[0]! as tf.Tensor1D, 0));
    for (let i = 1; i <= last; i++) {
      x = tf.sub(tf.mul(tf.sigmoid(x), 2), 1); // tanh of layer i − 1, from its doubled pre-activation
      x = tf.add(tf.matMul(x, scale(this.weights[i]! as tf.Tensor2D, i)), scale(this.biases[i]! as tf.Tensor1D, i)) as tf.Tensor2D;
    }
    return x;
  }

  /** All variables (for the optimiser). */
  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  /** A copy with the same weights; frozen (non-trainable) unless `trainable`. */
  copy(trainable = false): Mlp {
    const m = new Mlp(this.sizes, null);
    for (let i = 0; i < this.weights.length; i++) {
      m.weights.push(tf.variable(this.weights[i]!, trainable));
      m.biases.push(tf.variable(this.biases[i]!, trainable));
    }
    return m;
  }

  /** Copies `other`'s weights into this network (same sizes). */
  assign(other: Mlp): void {
    for (let i = 0; i < this.weights.length; i++) {
      this.weights[i]!.assign(other.weights[i]!);
      this.biases[i]!.assign(other.biases[i]!);
    }
  }

  /** Weights as plain nested arrays (for saving). */
  toJSON(): { sizes: number[]; weights: number[][]; biases: number[][] } {
    return {
      sizes: [...this.sizes],
      weights: this.weights.map((w) => Array.from(w.dataSync())),
      biases: this.biases.map((b) => Array.from(b.dataSync())),
    };
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
