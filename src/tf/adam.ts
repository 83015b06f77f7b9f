/**
 * Adam (Kingma & Ba 2015) with TensorFlow.js's exact arithmetic, applied on plain float32
 * arrays: one read of each gradient and one write of each variable per step, instead of
 * ≈ 15 small kernels per variable in `tf.train.adam`.
 *
 * Why: the trainers' networks are small (64-wide layers), so a step's cost is mostly the
 * fixed cost of each TensorFlow.js kernel call (≈ 10 µs of CPU on the wasm backend), not
 * arithmetic. Adam's update is elementwise, and TensorFlow.js computes it as a chain of
 * float32 kernels (m·β₁ + g·(1 − β₁), …, value + (−lr)·m̂ / (√v̂ + ε)). Each float32
 * operation here is that kernel's operation on the same operands, rounded to float32 with
 * `Math.fround` (exact: a float64 sum, product, quotient or square root of float32 values,
 * rounded once to float32, equals the correctly rounded float32 result), in the same
 * order. So the weights are bit-identical to `tf.train.adam`'s on every backend whose
 * kernels round correctly (test/tf/adam.test.ts checks it against `tf.train.adam`).
 *
 * One difference, on purpose: moments are kept per variable name. `tf.train.adam` keeps
 * them by position in the gradient map, so a step whose map lacks a variable would give
 * the next variable the wrong moments; no trainer here passes such a map.
 */
import * as tf from "@tensorflow/tfjs";
import { checkPositive, checkRange } from "../validate";

const f = Math.fround;

/** A tensor with its variable's name (what `applyGradients` and `getWeights` exchange; not re-exported by `@tensorflow/tfjs`). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** Adam's per-variable state: first and second moments, float32. */
interface Moments {
  m: Float32Array;
  v: Float32Array;
}

/** Adam on plain arrays, bit-identical to `tf.train.adam(learningRate, beta1, beta2)` (see the file comment). */
export class FusedAdam extends tf.Optimizer {
  static get className(): string {
    return "Adam";
  }
  private readonly moments = new Map<string, Moments>();
  /** β₁ᵗ and β₂ᵗ as float32, as TensorFlow.js keeps them in scalar variables. */
  private accBeta1: number;
  private accBeta2: number;
  readonly epsilon: number;

  constructor(
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    epsilon: number | null = null,
  ) {
    super();
    checkPositive("learningRate", learningRate);
    // β < 1: the bias corrections divide by 1 − βᵗ.
    checkRange("beta1", beta1, 0, 0.999999);
    checkRange("beta2", beta2, 0, 0.999999);
    if (epsilon !== null) checkPositive("epsilon", epsilon, true);
    this.accBeta1 = f(beta1);
    this.accBeta2 = f(beta2);
    this.epsilon = epsilon ?? tf.backend().epsilon();
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs: [string, tf.Tensor][] = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor]) : Object.entries(variableGradients);
    // The scalars as the kernels see them (numbers become float32 scalar tensors).
    const b1 = f(this.beta1), b2 = f(this.beta2);
    const c1 = f(1 - this.beta1), c2 = f(1 - this.beta2);
    const oneMinusAcc1 = f(1 - this.accBeta1), oneMinusAcc2 = f(1 - this.accBeta2);
    const eps = f(this.epsilon), minusLr = f(-this.learningRate);
    const registered = tf.engine().registeredVariables;
    for (const [name, gradient] of pairs) {
      if (gradient == null) continue;
      const variable = registered[name];
      if (!variable) throw new Error(`FusedAdam: no variable named ${name}`);
      const g = gradient.dataSync() as Float32Array;
      const w = variable.dataSync() as Float32Array;
      let st = this.moments.get(name);
      if (!st) {
        st = { m: new Float32Array(w.length), v: new Float32Array(w.length) };
        this.moments.set(name, st);
      }
      const { m, v } = st;
      const out = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        const mi = f(f(m[i]! * b1) + f(gi * c1));
        const vi = f(f(v[i]! * b2) + f(f(gi * gi) * c2));
        m[i] = mi;
        v[i] = vi;
        const mHat = f(mi / oneMinusAcc1);
        const vHat = f(vi / oneMinusAcc2);
        out[i] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + eps)) * minusLr) + w[i]!);
      }
      const next = tf.tensor(out, variable.shape, "float32");
      variable.assign(next);
      next.dispose();
    }
    this.accBeta1 = f(this.accBeta1 * b1);
    this.accBeta2 = f(this.accBeta2 * b2);
    this.incrementIterations();
  }

  override dispose(): void {
    this.moments.clear();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const iterations = await this.saveIterations();
    const names = [...this.moments.keys()];
    return [
      iterations,
      ...names.map((n) => ({ name: `${n}/m`, tensor: tf.tensor(this.moments.get(n)!.m, registeredShape(n)) })),
      ...names.map((n) => ({ name: `${n}/v`, tensor: tf.tensor(this.moments.get(n)!.v, registeredShape(n)) })),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.accBeta1 = f(Math.pow(this.beta1, this.iterations + 1));
    this.accBeta2 = f(Math.pow(this.beta2, this.iterations + 1));
    this.moments.clear();
    const half = rest.length / 2;
    for (let i = 0; i < half; i++) {
      const name = rest[i]!.name.replace(/\/m$/, "");
      this.moments.set(name, { m: Float32Array.from(rest[i]!.tensor.dataSync()), v: Float32Array.from(rest[i + half]!.tensor.dataSync()) });
    }
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

function registeredShape(name: string): number[] {
  const v = tf.engine().registeredVariables[name];
  if (!v) throw new Error(`FusedAdam: no variable named ${name}`);
  return v.shape;
}
