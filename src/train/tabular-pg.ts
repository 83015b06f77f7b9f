/**
 * KL-regularised policy gradient (REINFORCE with a KL penalty in the reward) on a
 * tabular policy: maximise E_π[r] − β·KL(π ‖ π_ref). Its fixed point is the closed form
 * π* ∝ π_ref·exp(r/β). Two gradient modes: "sampled" (REINFORCE with a per-context
 * batch-mean baseline) and "exact" (the same estimator's expectation, summed over actions).
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import { TabularPolicy } from "../policy/tabular";
import { DivergenceGuard, makeOptimizer, optimizerStep, OptimizerName, OPTIMIZERS } from "../tf/optim";
import { checkInteger, checkNumberTable, checkOneOf, checkPositive } from "../validate";
import { linearDecay, resolveConfig } from "./config";
import { tabularDistances } from "./tabular-dpo";

export interface TabularPgConfig {
  /** β > 0, the KL coefficient. */
  beta: number;
  /** "sgd" (default; see CLAIMS.md on Adam stranding rare logits) or "adam". */
  optimizer: OptimizerName;
  /** Learning rate > 0. */
  learningRate: number;
  /** "linear": SGD rate decays linearly to 0 over the run (averages out sampling noise); "none": constant. */
  lrSchedule: "none" | "linear";
  /** Number of optimiser steps. */
  steps: number;
  /** Samples per step (over all contexts). */
  batchSize: number;
  /** "sampled" REINFORCE or its "exact" expectation. */
  gradient: "sampled" | "exact";
  /** Log a row every `logEvery` steps. */
  logEvery: number;
  /** Stop when the loss or gradient norm exceeds this many times its first value (or is not finite), before the update. */
  divergenceFactor: number;
}

export const TABULAR_PG_DEFAULTS: TabularPgConfig = {
  beta: 0.5,
  optimizer: "sgd",
  learningRate: 1,
  lrSchedule: "linear",
  steps: 400,
  batchSize: 512,
  gradient: "sampled",
  logEvery: 10,
  divergenceFactor: 1000,
};

export function tabularPgConfig(overrides: Partial<TabularPgConfig> = {}): TabularPgConfig {
  return resolveConfig(TABULAR_PG_DEFAULTS, overrides, (c) => {
    checkPositive("beta", c.beta);
    checkOneOf("optimizer", c.optimizer, OPTIMIZERS);
    checkPositive("learningRate", c.learningRate);
    checkOneOf("lrSchedule", c.lrSchedule, ["none", "linear"] as const);
    checkInteger("steps", c.steps, 1);
    checkInteger("batchSize", c.batchSize, 1);
    checkOneOf("gradient", c.gradient, ["sampled", "exact"] as const);
    checkInteger("logEvery", c.logEvery, 1);
    checkPositive("divergenceFactor", c.divergenceFactor);
  });
}

/**
 * Trains `policy` in place on rewards `reward[c][y]`. Log rows: `step`, `loss`,
 * `objective/scores` (mean r), `objective/rlhf_reward` (mean r − β·k1), `objective/kl` (mean k1 on the batch), `objective/kl_exact`
 * (exact), `policy/entropy`, and `policy/tv_to_target` given `target`.
 */
export function trainTabularPg(
  policy: TabularPolicy,
  ref: TabularPolicy,
  reward: number[][],
  overrides: Partial<TabularPgConfig>,
  rng: Rng,
  target?: number[][],
): Record<string, number>[] {
  const cfg = tabularPgConfig(overrides);
  checkNumberTable("reward", reward, policy.numContexts, policy.numActions);
  const opt = makeOptimizer(cfg.optimizer, cfg.learningRate);
  const guard = new DivergenceGuard("tabular policy gradient", cfg.divergenceFactor);
  const refP = ref.probs();
  const nC = policy.numContexts;
  const nA = policy.numActions;
  const logs: Record<string, number>[] = [];
  try {
    for (let step = 1; step <= cfg.steps; step++) {
      const p = policy.probs();
      // 1. Rewards with the KL penalty, r − β·(log π − log π_ref), on plain numbers.
      const shaped = (c: number, y: number) => reward[c]![y]! - cfg.beta * (Math.log(p[c]![y]!) - Math.log(refP[c]![y]!));
      let ctx: number[], act: number[], coef: number[];
      let score = 0, rlhf = 0, klEst = 0;
      if (cfg.gradient === "sampled") {
        // 2a. Rollout, then advantages against the per-context batch mean.
        ctx = Array.from({ length: cfg.batchSize }, () => rng.int(nC));
        act = ctx.map((c) => rng.categorical(p[c]!));
        const R = ctx.map((c, i) => shaped(c, act[i]!));
        const sum = new Array<number>(nC).fill(0), cnt = new Array<number>(nC).fill(0);
        ctx.forEach((c, i) => { sum[c]! += R[i]!; cnt[c]! += 1; });
        coef = ctx.map((c, i) => (R[i]! - sum[c]! / cnt[c]!) / cfg.batchSize);
        score = ctx.reduce((s, c, i) => s + reward[c]![act[i]!]!, 0) / cfg.batchSize;
        rlhf = R.reduce((a, b) => a + b, 0) / cfg.batchSize;
        klEst = ctx.reduce((s, c, i) => s + Math.log(p[c]![act[i]!]!) - Math.log(refP[c]![act[i]!]!), 0) / cfg.batchSize;
      } else {
        // 2b. The expectation of the same estimator: every (c, y), weighted by π(y|c)/nC.
        ctx = []; act = []; coef = [];
        for (let c = 0; c < nC; c++) {
          const v = p[c]!.reduce((s, py, y) => s + py * shaped(c, y), 0);
          for (let y = 0; y < nA; y++) {
            ctx.push(c); act.push(y);
            coef.push((p[c]![y]! * (shaped(c, y) - v)) / nC);
            score += (p[c]![y]! * reward[c]![y]!) / nC;
            klEst += (p[c]![y]! * (Math.log(p[c]![y]!) - Math.log(refP[c]![y]!))) / nC;
          }
          rlhf += v / nC;
        }
      }
      // 3. Surrogate −Σ coef·log π(a|c), one optimiser step.
      const scale = cfg.lrSchedule === "linear" ? linearDecay(step - 1, cfg.steps) : 1;
      const res = optimizerStep(
        opt,
        [policy.logits],
        () => {
          const lp = policy.logProbsOf(ctx, act);
          const logp = policy.logProbs();
          const entropy = tf.div(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp))), nC) as tf.Scalar;
          return { loss: tf.neg(tf.sum(tf.mul(lp, tf.tensor1d(coef)))) as tf.Scalar, metrics: { "policy/entropy": entropy } };
        },
        { gradScale: scale, guard },
      );
      if (step % cfg.logEvery === 0 || step === cfg.steps) {
        logs.push({
          step,
          loss: res.loss,
          "objective/scores": score,
          "objective/rlhf_reward": rlhf,
          "objective/kl": klEst,
          ...res.metrics,
          ...tabularDistances(policy.probs(), refP, target),
        });
      }
    }
  } finally {
    opt.dispose();
  }
  return logs;
}
