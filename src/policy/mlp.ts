/**
 * A small multilayer perceptron (tanh hidden layers, linear output) whose weights come
 * from a passed-in Rng. Owns its variables: call `dispose()`.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import { glorotVariable, constantVariable } from "../tf/init";
import { fastTanh } from "../tf/kernels";
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
