/**
 * PPO on a tabular policy (a one-token "sequence" per context), with the KL penalty in
 * the reward (k1 or k3), fixed or adaptive coefficient, a tabular value head, GAE
 * (one step: A = R − V), whitened advantages, clipped surrogate, minibatch epochs.
 * Read top to bottom in CleanRL's order: rollout → rewards → advantages → epochs → log.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import { TabularPolicy, oneHot } from "../policy/tabular";
import { clippedSurrogate, valueLoss } from "../losses/ppo";
import { KL_ESTIMATORS_PLAIN, KL_ESTIMATOR_NAMES, KlEstimatorName } from "../losses/kl";
import { DivergenceGuard, makeOptimizer, optimizerStep, OptimizerName, OPTIMIZERS } from "../tf/optim";
import { checkInteger, checkNumberTable, checkOneOf, checkPositive, checkRange } from "../validate";
import { linearDecay, resolveConfig } from "./config";
import { tabularDistances } from "./tabular-dpo";
import { AdaptiveKlSettings, makeKlController } from "./kl-controller";
import { whiten } from "./advantages";

export interface TabularPpoConfig {
  /** Initial KL coefficient β > 0. */
  beta: number;
  /** KL estimator used in the reward penalty: "k1" (gradient-correct; reaches π*) or "k3". */
  klEstimator: KlEstimatorName;
  /** Adaptive β toward a target KL (Ziegler et al. 2019), or null for fixed β. */
  adaptiveKl: AdaptiveKlSettings | null;
  /** "sgd" (default) or "adam". */
  optimizer: OptimizerName;
  /** Learning rate > 0. */
  learningRate: number;
  /** "linear" decay of the SGD rate to 0 over the run, or "none". */
  lrSchedule: "none" | "linear";
  /** Number of rollout/update iterations. */
  iterations: number;
  /** Samples per rollout. */
  batchSize: number;
  /** PPO epochs over each rollout. */
  epochs: number;
  /** Minibatches per epoch (batchSize must be divisible by it). */
  minibatches: number;
  /** Clip range ε ∈ (0, 1) of the probability ratio. */
  clipRange: number;
  /** Weight of the value loss in the total loss. */
  vfCoef: number;
  /** Whiten advantages per rollout (TRL default). */
  whitenAdvantages: boolean;
  /** Log a row every `logEvery` iterations. */
  logEvery: number;
  /** Stop when the loss or gradient norm exceeds this many times its first value (or is not finite), before the update. */
  divergenceFactor: number;
}

export const TABULAR_PPO_DEFAULTS: TabularPpoConfig = {
  beta: 0.5,
  klEstimator: "k1",
  adaptiveKl: null,
  optimizer: "sgd",
  learningRate: 0.5,
  lrSchedule: "linear",
  iterations: 200,
  batchSize: 512,
  epochs: 2,
  minibatches: 2,
  clipRange: 0.2,
  vfCoef: 0.5,
  whitenAdvantages: false,
  logEvery: 10,
  divergenceFactor: 1000,
};

export function tabularPpoConfig(overrides: Partial<TabularPpoConfig> = {}): TabularPpoConfig {
  return resolveConfig(TABULAR_PPO_DEFAULTS, overrides, (c) => {
    checkPositive("beta", c.beta);
    checkOneOf("klEstimator", c.klEstimator, KL_ESTIMATOR_NAMES);
    checkOneOf("optimizer", c.optimizer, OPTIMIZERS);
    checkPositive("learningRate", c.learningRate);
    checkOneOf("lrSchedule", c.lrSchedule, ["none", "linear"] as const);
    checkInteger("iterations", c.iterations, 1);
    checkInteger("batchSize", c.batchSize, 1);
    checkInteger("epochs", c.epochs, 1);
    checkInteger("minibatches", c.minibatches, 1, c.batchSize);
    if (c.batchSize % c.minibatches !== 0) checkInteger("minibatches", c.minibatches, -1, -1); // not a divisor
    checkRange("clipRange", c.clipRange, 1e-6, 0.999);
    checkPositive("vfCoef", c.vfCoef, true);
    checkInteger("logEvery", c.logEvery, 1);
    checkPositive("divergenceFactor", c.divergenceFactor);
  });
}

/** Trains `policy` in place on rewards `reward[c][y]`; returns log rows (see docs/training.md). */
export function trainTabularPpo(
  policy: TabularPolicy,
  ref: TabularPolicy,
  reward: number[][],
  overrides: Partial<TabularPpoConfig>,
  rng: Rng,
  target?: number[][],
): Record<string, number>[] {
  const cfg = tabularPpoConfig(overrides);
  checkNumberTable("reward", reward, policy.numContexts, policy.numActions);
  const opt = makeOptimizer(cfg.optimizer, cfg.learningRate);
  const guard = new DivergenceGuard("tabular PPO", cfg.divergenceFactor);
  const values = tf.tidy(() => tf.variable(tf.zeros([policy.numContexts]), true));
  const kl = makeKlController(cfg.beta, cfg.adaptiveKl);
  const klFn = KL_ESTIMATORS_PLAIN[cfg.klEstimator];
  const refP = ref.probs();
  const nC = policy.numContexts;
  const B = cfg.batchSize;
  const mb = B / cfg.minibatches;
  const logs: Record<string, number>[] = [];
  try {
    for (let it = 1; it <= cfg.iterations; it++) {
      // 1. Rollout from the current policy.
      const p = policy.probs();
      const ctx = Array.from({ length: B }, () => rng.int(nC));
      const act = ctx.map((c) => rng.categorical(p[c]!));
      const oldLogp = ctx.map((c, i) => Math.log(p[c]![act[i]!]!));
      const refLogp = ctx.map((c, i) => Math.log(refP[c]![act[i]!]!));
      const v = values.dataSync();
      const oldV = ctx.map((c) => v[c]!);
      // 2. Rewards: score minus the per-token KL penalty.
      const scores = ctx.map((c, i) => reward[c]![act[i]!]!);
      const kls = oldLogp.map((lp, i) => klFn(lp, refLogp[i]!));
      const beta = kl.value;
      const R = scores.map((s, i) => s - beta * kls[i]!);
      // 3. Advantages (GAE over one step: A = R − V) and returns.
      const rawAdv = R.map((r, i) => r - oldV[i]!);
      const adv = cfg.whitenAdvantages ? whiten(rawAdv) : rawAdv;
      const returns = R;
      // 4. PPO epochs over shuffled minibatches.
      const scale = cfg.lrSchedule === "linear" ? linearDecay(it - 1, cfg.iterations) : 1;
      const acc: Record<string, number> = {};
      let nUpd = 0;
      for (let ep = 0; ep < cfg.epochs; ep++) {
        const perm = rng.shuffle(Array.from({ length: B }, (_, i) => i));
        for (let m = 0; m < cfg.minibatches; m++) {
          const ix = perm.slice(m * mb, (m + 1) * mb);
          const res = optimizerStep(
            opt,
            [policy.logits, values],
            () => {
              const lp = policy.logProbsOf(ix.map((i) => ctx[i]!), ix.map((i) => act[i]!));
              const s = clippedSurrogate(lp, tf.tensor1d(ix.map((i) => oldLogp[i]!)), tf.tensor1d(ix.map((i) => adv[i]!)), cfg.clipRange);
              const vPred = tf.squeeze(tf.matMul(oneHot(ix.map((i) => ctx[i]!), nC), tf.reshape(values, [nC, 1])), [1]) as tf.Tensor1D;
              const vl = tf.mean(valueLoss(vPred, tf.tensor1d(ix.map((i) => oldV[i]!)), tf.tensor1d(ix.map((i) => returns[i]!)), Infinity)) as tf.Scalar;
              const pl = tf.mean(s.losses) as tf.Scalar;
              const logpAll = policy.logProbs();
              const ent = tf.div(tf.neg(tf.sum(tf.mul(tf.exp(logpAll), logpAll))), nC) as tf.Scalar;
              return {
                loss: tf.add(pl, tf.mul(vl, cfg.vfCoef)) as tf.Scalar,
                metrics: {
                  "loss/policy": pl,
                  "loss/value": vl,
                  "policy/approxkl": tf.mean(s.approxKl) as tf.Scalar,
                  "policy/clipfrac": tf.mean(s.clipped) as tf.Scalar,
                  "policy/entropy": ent,
                },
              };
            },
            { gradScale: scale, guard },
          );
          for (const [k, x] of Object.entries(res.metrics)) acc[k] = (acc[k] ?? 0) + x;
          nUpd++;
        }
      }
      // 5. Log and adapt β.
      const meanKl = mean(kls);
      kl.update(meanKl, B);
      if (it % cfg.logEvery === 0 || it === cfg.iterations) {
        const row: Record<string, number> = {
          step: it,
          "objective/kl": meanKl,
          "objective/scores": mean(scores),
          "objective/rlhf_reward": mean(R),
          "objective/kl_coef": beta,
          "val/explained_variance": explainedVariance(oldV, returns),
        };
        for (const [k, x] of Object.entries(acc)) row[k] = x / nUpd;
        logs.push({ ...row, ...tabularDistances(policy.probs(), refP, target) });
      }
    }
  } finally {
    opt.dispose();
    values.dispose();
  }
  return logs;
}

function mean(x: number[]): number {
  return x.reduce((a, b) => a + b, 0) / x.length;
}

/** 1 − Var(returns − values)/Var(returns) (CleanRL's explained_variance). NaN-safe: 0 if Var(returns) = 0. */
export function explainedVariance(values: number[], returns: number[]): number {
  const vr = variance(returns);
  if (vr === 0) return 0;
  return 1 - variance(returns.map((r, i) => r - values[i]!)) / vr;
}

function variance(x: number[]): number {
  const m = mean(x);
  return x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length;
}
