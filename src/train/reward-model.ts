/**
 * A Bradley–Terry reward model: an MLP from a feature vector of an output (in this
 * project: the query's context features concatenated with the final parser-state
 * features, i.e. the output's *meaning*; see docs/training.md) to a scalar, fit to
 * pairwise comparisons by maximum likelihood, P(a ≻ b) = σ(r(a) − r(b)).
 * Optional ensembles (bootstrap resamples, independent inits) give a spread for uncertainty.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import { Mlp } from "../policy/mlp";
import { bradleyTerryLoss } from "../losses/bradley-terry";
import { DivergenceGuard, makeOptimizer, optimizerStep, OptimizerName, OPTIMIZERS } from "../tf/optim";
import { checkFinite, checkInteger, checkOneOf, checkPositive } from "../validate";
import { ConfigError } from "../errors";
import { resolveConfig } from "./config";

/** One comparison between outputs with features `a` and `b`. */
export interface Comparison {
  a: number[];
  b: number[];
  /** 1 if a was preferred, 0 if b was, 0.5 for "equal". */
  label: number;
}

export interface RewardModelConfig {
  /** Hidden layer widths of the MLP ([] = linear reward). */
  hidden: number[];
  /** "adam" (default; the RM is not tabular, so no stranded-logit concern) or "sgd". */
  optimizer: OptimizerName;
  /** Learning rate > 0. */
  learningRate: number;
  /** Passes over the training comparisons. */
  epochs: number;
  /** Comparisons per step. */
  batchSize: number;
  /** L2 penalty on weights (≥ 0), keeps scores bounded on separable data. */
  l2: number;
  /** Members of the ensemble (1 = a single model). */
  ensembleSize: number;
  /** Each member trains on a bootstrap resample (only when ensembleSize > 1). */
  bootstrap: boolean;
  /** Stop (before applying the update) when the loss exceeds this × max(1, |first loss|), or is not finite. */
  divergenceFactor: number;
}

export const REWARD_MODEL_DEFAULTS: RewardModelConfig = {
  hidden: [32],
  optimizer: "adam",
  learningRate: 0.01,
  epochs: 20,
  batchSize: 64,
  l2: 1e-4,
  ensembleSize: 1,
  bootstrap: true,
  divergenceFactor: 1000,
};

export function rewardModelConfig(overrides: Partial<RewardModelConfig> = {}): RewardModelConfig {
  return resolveConfig(REWARD_MODEL_DEFAULTS, overrides, (c) => {
    c.hidden.forEach((h, i) => checkInteger(`hidden[${i}]`, h, 1));
    checkOneOf("optimizer", c.optimizer, OPTIMIZERS);
    checkPositive("learningRate", c.learningRate);
    checkInteger("epochs", c.epochs, 1);
    checkInteger("batchSize", c.batchSize, 1);
    checkPositive("l2", c.l2, true);
    checkInteger("ensembleSize", c.ensembleSize, 1);
    checkPositive("divergenceFactor", c.divergenceFactor);
  });
}

/**
 * Every comparison must have feature rows of width `dim` with finite values and a label of
 * 1, 0 or 0.5; a bad one is named by its index (a raw tensor error would not say which).
 */
function checkComparisons(data: readonly Comparison[], dim: number): void {
  if (dim < 1) throw new ConfigError("data[0].a.length", dim, "at least one feature");
  data.forEach((c, i) => {
    for (const side of ["a", "b"] as const) {
      const f = c[side];
      if (!Array.isArray(f) || f.length !== dim)
        throw new ConfigError(`data[${i}].${side}.length`, Array.isArray(f) ? f.length : f, `${dim} (the width of data[0].a)`);
      f.forEach((x, j) => {
        if (typeof x !== "number" || !Number.isFinite(x)) throw new ConfigError(`data[${i}].${side}[${j}]`, x, "a finite number");
      });
    }
    if (c.label !== 1 && c.label !== 0 && c.label !== 0.5)
      throw new ConfigError(`data[${i}].label`, c.label, "1 (a preferred), 0 (b preferred) or 0.5 (equal)");
  });
}

/** A trained reward model (one or several members). Only plain numbers come out. */
export class RewardModel {
  private constructor(readonly members: Mlp[]) {}

  /** Fits a model to `data`. Returns the model and log rows (`step`, `loss`, `accuracy`, `member`). */
  static train(data: Comparison[], overrides: Partial<RewardModelConfig>, rng: Rng): { model: RewardModel; logs: Record<string, number>[] } {
    const cfg = rewardModelConfig(overrides);
    if (data.length === 0) throw new ConfigError("data.length", 0, "at least one comparison");
    const dim = data[0]!.a.length;
    checkComparisons(data, dim);
    const members: Mlp[] = [];
    const logs: Record<string, number>[] = [];
    let net: Mlp | null = null;
    try {
      for (let m = 0; m < cfg.ensembleSize; m++) {
        const mrng = rng.fork(`member${m}`);
        net = new Mlp([dim, ...cfg.hidden, 1], mrng.fork("init"));
        const draw = mrng.fork("batches");
        const set = cfg.ensembleSize > 1 && cfg.bootstrap ? data.map(() => data[draw.int(data.length)]!) : data;
        const opt = makeOptimizer(cfg.optimizer, cfg.learningRate);
        let step = 0;
        const guard = new DivergenceGuard(`reward model (member ${m})`, cfg.divergenceFactor);
        try {
          for (let ep = 0; ep < cfg.epochs; ep++) {
            const perm = draw.shuffle(set.map((_, i) => i));
            for (let s = 0; s < perm.length; s += cfg.batchSize) {
              const batch = perm.slice(s, s + cfg.batchSize).map((i) => set[i]!);
              const res = rewardModelStep(net, opt, batch, cfg.l2, guard);
              checkFinite(++step, "loss", res.loss);
              logs.push({ member: m, step, loss: res.loss, accuracy: res.metrics["accuracy"]! });
            }
          }
        } finally {
          opt.dispose();
        }
        members.push(net);
        net = null;
      }
    } catch (e) {
      // A failed training run leaves no tensors behind: free the members built so far.
      net?.dispose();
      for (const m of members) m.dispose();
      throw e;
    }
    return { model: new RewardModel(members), logs };
  }

  /** Mean score over members for each feature row. */
  score(features: number[][]): number[] {
    return this.scoreWithSpread(features).mean;
  }

  /** Mean and standard deviation over ensemble members for each feature row. */
  scoreWithSpread(features: number[][]): { mean: number[]; std: number[] } {
    if (features.length === 0) return { mean: [], std: [] };
    const dim = this.members[0]!.sizes[0]!;
    features.forEach((f, i) => {
      if (f.length !== dim) throw new ConfigError(`features[${i}].length`, f.length, `${dim}, the width the reward model was trained on`);
    });
    const per = this.members.map((net) => {
      const t = tf.tidy(() => net.apply(tf.tensor2d(features)));
      const out = Array.from(t.dataSync());
      t.dispose();
      return out;
    });
    const k = per.length;
    const mean = features.map((_, i) => per.reduce((s, p) => s + p[i]!, 0) / k);
    const std = features.map((_, i) => Math.sqrt(per.reduce((s, p) => s + (p[i]! - mean[i]!) ** 2, 0) / k));
    return { mean, std };
  }

  /** Scores as a tensor [N] (mean over members), for use inside a trainer's tidy scope. */
  scoreTensor(features: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(tf.addN(this.members.map((n) => n.apply(features))), [-1]).div(this.members.length) as tf.Tensor1D);
  }

  /**
   * Held-out accuracy: the share of pairs where the model prefers the side `labels` marks
   * (1 = a, 0 = b; 0.5 ties are skipped). Pass several label arrays (rater, oracle…) by name;
   * returns `accuracy/<name>` for each.
   */
  accuracy(pairs: { a: number[]; b: number[] }[], labels: Record<string, readonly number[]>): Record<string, number> {
    const sa = this.score(pairs.map((p) => p.a));
    const sb = this.score(pairs.map((p) => p.b));
    const out: Record<string, number> = {};
    for (const [name, lab] of Object.entries(labels)) {
      let right = 0,
        n = 0;
      pairs.forEach((_, i) => {
        const y = lab[i]!;
        if (y === 0.5) return;
        n++;
        if (sa[i]! > sb[i]! === (y === 1)) right++;
      });
      out[`accuracy/${name}`] = n === 0 ? NaN : right / n;
    }
    return out;
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}

/** One optimiser step of the Bradley–Terry loss on a batch (exported for leak tests and benchmarks). */
export function rewardModelStep(net: Mlp, opt: tf.Optimizer, batch: Comparison[], l2: number, guard?: DivergenceGuard) {
  return optimizerStep(
    opt,
    net.variables,
    () => {
      const ra = tf.reshape(net.apply(tf.tensor2d(batch.map((c) => c.a))), [-1]) as tf.Tensor1D;
      const rb = tf.reshape(net.apply(tf.tensor2d(batch.map((c) => c.b))), [-1]) as tf.Tensor1D;
      const y = tf.tensor1d(batch.map((c) => c.label));
      let loss = tf.mean(bradleyTerryLoss(ra, rb, y)) as tf.Scalar;
      if (l2 > 0) loss = tf.add(loss, tf.mul(l2, tf.addN(net.weights.map((w) => tf.sum(tf.square(w)))))) as tf.Scalar;
      const agree = tf.equal(tf.greater(ra, rb), tf.greater(y, 0.5));
      return { loss, metrics: { accuracy: tf.mean(tf.cast(agree, "float32")) as tf.Scalar } };
    },
    guard ? { guard } : {},
  );
}
