/**
 * DPO-family training of a tabular policy on preference pairs, with exact-weight
 * (population) or sampled data — the check that the losses reach their closed forms.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import { TabularPolicy } from "../policy/tabular";
import { DPO_LOSS_TYPES, DpoLossType, dpoObjective } from "../losses/dpo";
import { DivergenceGuard, makeOptimizer, optimizerStep, OptimizerName, OPTIMIZERS } from "../tf/optim";
import { ConfigError } from "../errors";
import { checkInteger, checkOneOf, checkPositive, checkRange } from "../validate";
import { resolveConfig } from "./config";
import { klDivergence, totalVariation } from "./closed-form";

/** One preference: in `context`, `chosen` was preferred to `rejected`. */
export interface TabularPreference {
  context: number;
  chosen: number;
  rejected: number;
  /** Weight in the expected loss (full-batch mode); 1 if absent. */
  weight?: number;
}

export interface TabularDpoConfig {
  /** Loss variant, a key of DPO_LOSSES. */
  lossType: DpoLossType;
  /** β > 0: KL temperature (IPO's τ). */
  beta: number;
  /** ε ∈ [0, 0.5): label smoothing for "cdpo" / flip rate for "robust". */
  epsilon: number;
  /** "sgd" (default: Adam can strand rarely-visited logits, CLAIMS.md) or "adam". */
  optimizer: OptimizerName;
  /** Learning rate > 0. */
  learningRate: number;
  /** Number of optimiser steps. */
  steps: number;
  /** Pairs per step; 0 = the full dataset every step, weighted by `weight` (exact expected loss). */
  batchSize: number;
  /** Log a row every `logEvery` steps (and at the last step). */
  logEvery: number;
  /** Stop when the loss or gradient norm exceeds this many times its first value (or is not finite), before the update. */
  divergenceFactor: number;
}

export const TABULAR_DPO_DEFAULTS: TabularDpoConfig = {
  lossType: "sigmoid",
  beta: 0.5,
  epsilon: 0,
  optimizer: "sgd",
  learningRate: 5,
  steps: 500,
  batchSize: 0,
  logEvery: 10,
  divergenceFactor: 1000,
};

export function tabularDpoConfig(overrides: Partial<TabularDpoConfig> = {}): TabularDpoConfig {
  return resolveConfig(TABULAR_DPO_DEFAULTS, overrides, (c) => {
    checkOneOf("lossType", c.lossType, DPO_LOSS_TYPES);
    checkPositive("beta", c.beta);
    checkRange("epsilon", c.epsilon, 0, 0.4999);
    checkOneOf("optimizer", c.optimizer, OPTIMIZERS);
    checkPositive("learningRate", c.learningRate);
    checkInteger("steps", c.steps, 1);
    checkInteger("batchSize", c.batchSize, 0);
    checkInteger("logEvery", c.logEvery, 1);
    checkPositive("divergenceFactor", c.divergenceFactor);
  });
}

/**
 * Exact Bradley–Terry preference data for rewards r[c][y]: every ordered pair (i, j),
 * i ≠ j, drawn from q[c] × q[c] (uniform when absent), weighted by P(i ≻ j) = σ(r_i − r_j).
 * Weights sum to 1 over all contexts (contexts weighted by `contextWeights`, uniform by default).
 */
export function bradleyTerryPairs(r: number[][], q?: number[][], contextWeights?: number[]): TabularPreference[] {
  const out: TabularPreference[] = [];
  const nC = r.length;
  for (let c = 0; c < nC; c++) {
    const rc = r[c]!;
    const qc = q?.[c] ?? rc.map(() => 1 / rc.length);
    const wc = contextWeights?.[c] ?? 1 / nC;
    for (let i = 0; i < rc.length; i++) {
      for (let j = 0; j < rc.length; j++) {
        if (i === j) continue;
        const p = 1 / (1 + Math.exp(-(rc[i]! - rc[j]!)));
        out.push({ context: c, chosen: i, rejected: j, weight: wc * qc[i]! * qc[j]! * p });
      }
    }
  }
  const total = out.reduce((s, x) => s + x.weight!, 0);
  for (const x of out) x.weight! /= total;
  return out;
}

/** `n` sampled Bradley–Terry pairs: context ~ uniform, y, y′ ~ q[c] (distinct), label ~ σ(r_y − r_y′). */
export function sampleBradleyTerryPairs(rng: Rng, r: number[][], q: number[][], n: number): TabularPreference[] {
  const out: TabularPreference[] = [];
  while (out.length < n) {
    const c = rng.int(r.length);
    const a = rng.categorical(q[c]!);
    const b = rng.categorical(q[c]!);
    if (a === b) continue;
    const pa = 1 / (1 + Math.exp(-(r[c]![a]! - r[c]![b]!)));
    out.push(rng.bernoulli(pa) ? { context: c, chosen: a, rejected: b } : { context: c, chosen: b, rejected: a });
  }
  return out;
}

/** Mean over contexts of KL(π(·|c) ‖ π_ref(·|c)) and TV to a target, from plain tables. */
export function tabularDistances(p: number[][], ref: number[][], target?: number[][]): Record<string, number> {
  const kl = p.reduce((s, row, c) => s + klDivergence(row, ref[c]!), 0) / p.length;
  const row: Record<string, number> = { "objective/kl_exact": kl };
  if (target) row["policy/tv_to_target"] = Math.max(...p.map((rowP, c) => totalVariation(rowP, target[c]!)));
  return row;
}

/**
 * Preference data must be non-empty, with finite weights ≥ 0 that do not all vanish
 * (context and action ids are checked by the policy itself).
 */
export function checkTabularPreferences(data: readonly TabularPreference[]): void {
  if (!Array.isArray(data) || data.length === 0) throw new ConfigError("preference data", Array.isArray(data) ? "0 pairs" : data, "at least one pair");
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    const w = data[i]!.weight;
    if (w === undefined) { total += 1; continue; }
    if (typeof w !== "number" || !(Number.isFinite(w) && w >= 0)) throw new ConfigError(`preference data[${i}].weight`, w, "a finite number ≥ 0");
    total += w;
  }
  if (!(total > 0)) throw new ConfigError("preference data weights", total, "a positive total");
}

/**
 * Trains `policy` in place with a DPO-family loss against the frozen `ref`.
 * Returns log rows: `step`, `loss`, TRL's `rewards/*` and `logps/*`, `objective/kl`
 * _exact (exact, mean over contexts) and, given `target`, `policy/tv_to_target` (max over contexts).
 */
export function trainTabularDpo(
  policy: TabularPolicy,
  ref: TabularPolicy,
  data: TabularPreference[],
  overrides: Partial<TabularDpoConfig>,
  rng: Rng,
  target?: number[][],
): Record<string, number>[] {
  const cfg = tabularDpoConfig(overrides);
  checkTabularPreferences(data);
  const opt = makeOptimizer(cfg.optimizer, cfg.learningRate);
  const guard = new DivergenceGuard("tabular DPO", cfg.divergenceFactor);
  const refProbs = ref.probs();
  const logs: Record<string, number>[] = [];
  try {
    const weights = data.map((d) => d.weight ?? 1);
    for (let step = 1; step <= cfg.steps; step++) {
      // 1. The batch: everything (weighted) or a minibatch drawn by weight.
      const idx = cfg.batchSize === 0 ? data.map((_, i) => i) : Array.from({ length: cfg.batchSize }, () => rng.categorical(weights));
      const ctx = idx.map((i) => data[i]!.context);
      const ch = idx.map((i) => data[i]!.chosen);
      const rj = idx.map((i) => data[i]!.rejected);
      const wsum = cfg.batchSize === 0 ? weights.reduce((a, b) => a + b, 0) : 0;
      // 2. Loss and metrics from the same tensors; one optimiser step.
      const res = optimizerStep(opt, [policy.logits], () => {
        const w = cfg.batchSize === 0 ? tf.tensor1d(idx.map((i) => weights[i]! / wsum)) : undefined;
        return dpoObjective(
          cfg.lossType,
          {
            policyChosen: policy.logProbsOf(ctx, ch),
            policyRejected: policy.logProbsOf(ctx, rj),
            refChosen: ref.logProbsOf(ctx, ch),
            refRejected: ref.logProbsOf(ctx, rj),
          },
          { beta: cfg.beta, epsilon: cfg.epsilon },
          w,
        );
      }, { guard });
      // 3. Log.
      if (step % cfg.logEvery === 0 || step === cfg.steps) {
        logs.push({ step, loss: res.loss, ...res.metrics, ...tabularDistances(policy.probs(), refProbs, target) });
      }
    }
  } finally {
    opt.dispose();
  }
  return logs;
}
