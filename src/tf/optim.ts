/**
 * The one optimiser-step helper every trainer uses (tfjs-examples' pattern):
 * `variableGrads` → optional global-norm clipping → `applyGradients` → dispose the
 * gradients. Metrics are computed from the same tensors as the loss (inside the same
 * closure) and come back as plain numbers.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOneOf, checkPositive } from "../validate";
import { DivergenceError } from "../errors";
import { FusedAdam } from "./adam";

/**
 * Watches one training run's steps and stops it before a bad update is applied: the loss
 * and the gradient norm must be finite, the loss may not exceed `factor` times
 * max(1, |first step's loss|) (a DPO loss going from 0.69 to 4e6, a pretraining loss of
 * 1e30 nats/token), and the gradient norm may not exceed `factor` times max(1, first
 * step's gradient norm) (an update that would throw the weights far from where training
 * started). Checked inside `optimizerStep`, between computing the gradient and applying it.
 */
export class DivergenceGuard {
  private firstLoss: number | null = null;
  private firstGradNorm: number | null = null;
  private step = 0;
  constructor(
    readonly trainer: string,
    readonly factor = 1000,
  ) {
    checkPositive("divergenceFactor", factor);
  }
  /** Throws DivergenceError when this step's loss or gradient is out of bounds. */
  check(loss: number, gradNorm: number): void {
    this.step++;
    if (!Number.isFinite(loss)) throw new DivergenceError(this.trainer, this.step, "loss", loss, "not finite");
    if (!Number.isFinite(gradNorm)) throw new DivergenceError(this.trainer, this.step, "gradient norm", gradNorm, "not finite");
    if (this.firstLoss === null || this.firstGradNorm === null) {
      this.firstLoss = Math.max(1, Math.abs(loss));
      this.firstGradNorm = Math.max(1, gradNorm);
      return;
    }
    if (Math.abs(loss) > this.factor * this.firstLoss) throw new DivergenceError(this.trainer, this.step, "loss", loss, `bound ±${this.factor} × ${this.firstLoss}`);
    if (gradNorm > this.factor * this.firstGradNorm) throw new DivergenceError(this.trainer, this.step, "gradient norm", gradNorm, `bound ${this.factor} × ${this.firstGradNorm}`);
  }
}

/** Optimisers the trainers offer. "sgd" is plain gradient descent (no momentum). */
export const OPTIMIZERS = ["sgd", "adam"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Makes an optimiser; validates the name and learning rate (field names as given). "adam" is {@link FusedAdam}: `tf.train.adam`'s arithmetic, bit for bit, in fewer kernel calls. */
export function makeOptimizer(name: string, learningRate: number, field = "optimizer"): tf.Optimizer {
  checkOneOf(field, name, OPTIMIZERS);
  checkPositive("learningRate", learningRate);
  return name === "sgd" ? tf.train.sgd(learningRate) : new FusedAdam(learningRate);
}

/** What a loss closure returns: the scalar to minimise and any metrics (scalars) to read out. */
export interface LossOutput {
  loss: tf.Scalar;
  metrics?: Record<string, tf.Scalar>;
}

/** Plain-number result of one optimiser step. */
export interface StepResult {
  loss: number;
  /** Global L2 norm of the gradient before clipping. */
  gradNorm: number;
  metrics: Record<string, number>;
}

export interface StepOptions {
  /** Clip the global gradient norm to this value (off when undefined). */
  clipNorm?: number;
  /** Multiply every gradient by this factor before applying (a learning-rate schedule for SGD). */
  gradScale?: number;
  /** Checked before the update is applied (see DivergenceGuard). */
  guard?: DivergenceGuard;
}

/**
 * One optimiser step on `vars` minimising `f().loss`. Leaves no tensors behind.
 * `f` must be synchronous; it runs inside a tidy scope.
 */
export function optimizerStep(
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  f: () => LossOutput,
  opts: StepOptions = {},
): StepResult {
  let kept: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const out = f();
    kept = {};
    for (const [k, v] of Object.entries(out.metrics ?? {})) kept[k] = tf.keep(v);
    return out.loss;
  }, vars);
  const names = Object.keys(grads);
  const gradNormT = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))))));
  const gradNorm = gradNormT.dataSync()[0]!;
  gradNormT.dispose();
  if (opts.guard) {
    try {
      opts.guard.check(value.dataSync()[0]!, gradNorm);
    } catch (e) {
      tf.dispose([...Object.values(grads), value, ...Object.values(kept)]);
      throw e;
    }
  }
  let scale = opts.gradScale ?? 1;
  if (opts.clipNorm !== undefined && gradNorm > opts.clipNorm) scale *= opts.clipNorm / gradNorm;
  if (scale !== 1 && Number.isFinite(scale)) {
    const scaled: tf.NamedTensorMap = {};
    for (const n of names) scaled[n] = tf.mul(grads[n]!, scale);
    optimizer.applyGradients(scaled);
    tf.dispose(Object.values(scaled));
  } else {
    optimizer.applyGradients(grads);
  }
  tf.dispose(Object.values(grads));
  const loss = value.dataSync()[0]!;
  value.dispose();
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(kept)) {
    metrics[k] = v.dataSync()[0]!;
    v.dispose();
  }
  return { loss, gradNorm, metrics };
}

/** Reads a tensor into a plain array and disposes it. */
export function take(t: tf.Tensor): number[] {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}
