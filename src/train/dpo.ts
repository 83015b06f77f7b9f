/**
 * DPO-family fine-tuning of the token policy: offline on a fixed preference dataset, and
 * online (each round: fresh pairs from the current policy, labelled by a callback).
 * Reads top to bottom: reference log-probs once → minibatches → loss from the table → step → log.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import { TokenPolicy, type PackedRows } from "../policy/token-policy";
import { DPO_LOSS_TYPES, DpoLossType, dpoObjective } from "../losses/dpo";
import { DivergenceGuard, makeOptimizer, optimizerStep, OptimizerName, OPTIMIZERS } from "../tf/optim";
import { checkFinite, checkInteger, checkOneOf, checkPositive, checkRange } from "../validate";
import { resolveConfig } from "./config";
import { ConfigError } from "../errors";

/** One preference pair for a context. */
export interface Preference<C> {
  context: C;
  chosen: number[];
  rejected: number[];
}

export interface DpoConfig {
  /** Loss variant, a key of DPO_LOSSES. */
  lossType: DpoLossType;
  /** β > 0 (IPO's τ). */
  beta: number;
  /** ε ∈ [0, 0.5) for "cdpo" / "robust". */
  epsilon: number;
  /** "adam" (default for the MLP policy) or "sgd". */
  optimizer: OptimizerName;
  /** Learning rate > 0. */
  learningRate: number;
  /** Pairs per step. */
  batchSize: number;
  /** Offline: passes over the dataset. Online: optimiser passes over each round's fresh pairs. */
  epochs: number;
  /** Online only: rounds of (sample pairs → label → train). */
  rounds: number;
  /** Online only: fresh pairs per round. */
  pairsPerRound: number;
  /** Global gradient-norm clip (Infinity = off). */
  clipNorm: number;
  /** Stop (before applying the update) when the loss exceeds this × max(1, |first loss|), or is not finite. */
  divergenceFactor: number;
}

export const DPO_DEFAULTS: DpoConfig = {
  lossType: "sigmoid",
  beta: 0.1,
  epsilon: 0,
  optimizer: "adam",
  learningRate: 1e-3,
  batchSize: 64,
  epochs: 1,
  rounds: 10,
  pairsPerRound: 256,
  clipNorm: 1,
  divergenceFactor: 1000,
};

export function dpoConfig(overrides: Partial<DpoConfig> = {}): DpoConfig {
  return resolveConfig(DPO_DEFAULTS, overrides, (c) => {
    checkOneOf("lossType", c.lossType, DPO_LOSS_TYPES);
    checkPositive("beta", c.beta);
    checkRange("epsilon", c.epsilon, 0, 0.4999);
    checkOneOf("optimizer", c.optimizer, OPTIMIZERS);
    checkPositive("learningRate", c.learningRate);
    checkInteger("batchSize", c.batchSize, 1);
    checkInteger("epochs", c.epochs, 1);
    checkInteger("rounds", c.rounds, 1);
    checkInteger("pairsPerRound", c.pairsPerRound, 1);
    if (c.clipNorm !== Infinity) checkPositive("clipNorm", c.clipNorm);
    checkPositive("divergenceFactor", c.divergenceFactor);
  });
}

/** Reference log-probs of chosen and rejected, as plain numbers (computed once per dataset). */
export function referenceLogps<C, S>(ref: TokenPolicy<C, S>, data: readonly Preference<C>[]): { chosen: number[]; rejected: number[] } {
  const ctx = data.map((d) => d.context);
  return {
    chosen: ref.logProbsOf(ctx, data.map((d) => d.chosen)).sequence,
    rejected: ref.logProbsOf(ctx, data.map((d) => d.rejected)).sequence,
  };
}

/**
 * A preference batch encoded once for the policy (padding dropped): both sides in one
 * forward pass, chosen sequences first. Reuse it across steps when the batch repeats.
 */
export interface EncodedPairs {
  n: number;
  packed: PackedRows;
}

/** Encodes `batch` for {@link dpoStep}. */
export function encodePairs<C, S>(policy: TokenPolicy<C, S>, batch: readonly Preference<C>[]): EncodedPairs {
  const ctx = batch.map((d) => d.context);
  const b = policy.encode([...ctx, ...ctx], [...batch.map((d) => d.chosen), ...batch.map((d) => d.rejected)]);
  return { n: batch.length, packed: policy.pack(b) };
}

/**
 * One DPO step on a batch (exported for leak tests, benchmarks and golden runs). Pass
 * `encoded` (from {@link encodePairs}) to skip re-encoding a batch seen before.
 */
export function dpoStep<C, S>(
  policy: TokenPolicy<C, S>,
  opt: tf.Optimizer,
  batch: readonly Preference<C>[],
  refChosen: readonly number[],
  refRejected: readonly number[],
  cfg: Pick<DpoConfig, "lossType" | "beta" | "epsilon" | "clipNorm">,
  encoded: EncodedPairs = encodePairs(policy, batch),
  guard?: DivergenceGuard,
) {
  const n = encoded.n;
  return optimizerStep(
    opt,
    policy.variables,
    () => {
      const both = policy.packedSequenceLogProbs(encoded.packed, 2 * n);
      return dpoObjective(
        cfg.lossType,
        {
          policyChosen: tf.slice(both, 0, n),
          policyRejected: tf.slice(both, n, n),
          refChosen: tf.tensor1d(refChosen as number[]),
          refRejected: tf.tensor1d(refRejected as number[]),
        },
        { beta: cfg.beta, epsilon: cfg.epsilon },
      );
    },
    { clipNorm: cfg.clipNorm, ...(guard ? { guard } : {}) },
  );
}

function trainOnPairs<C, S>(
  policy: TokenPolicy<C, S>,
  ref: TokenPolicy<C, S>,
  opt: tf.Optimizer,
  data: readonly Preference<C>[],
  cfg: DpoConfig,
  rng: Rng,
  logs: Record<string, number>[],
  extra: Record<string, number>,
): void {
  const refLp = referenceLogps(ref, data);
  const guard = new DivergenceGuard("DPO", cfg.divergenceFactor);
  for (let ep = 0; ep < cfg.epochs; ep++) {
    const perm = rng.shuffle(data.map((_, i) => i));
    for (let s = 0; s < perm.length; s += cfg.batchSize) {
      const ix = perm.slice(s, s + cfg.batchSize);
      const batch = ix.map((i) => data[i]!);
      const res = dpoStep(policy, opt, batch, ix.map((i) => refLp.chosen[i]!), ix.map((i) => refLp.rejected[i]!), cfg, encodePairs(policy, batch), guard);
      const step = logs.length + 1;
      checkFinite(step, "loss", res.loss);
      logs.push({ step, ...extra, epoch: ep + 1, loss: res.loss, ...res.metrics, grad_norm: res.gradNorm });
    }
  }
}

/** Offline DPO: trains `policy` in place on `data`. One log row per step (TRL metric names). */
export function trainDpo<C, S>(
  policy: TokenPolicy<C, S>,
  ref: TokenPolicy<C, S>,
  data: readonly Preference<C>[],
  overrides: Partial<DpoConfig>,
  rng: Rng,
): Record<string, number>[] {
  const cfg = dpoConfig(overrides);
  const opt = makeOptimizer(cfg.optimizer, cfg.learningRate);
  const logs: Record<string, number>[] = [];
  try {
    if (data.length === 0) throw new ConfigError("DPO data", "0 pairs", "at least one preference pair");
    trainOnPairs(policy, ref, opt, data, cfg, rng, logs, {});
  } finally {
    opt.dispose();
  }
  return logs;
}

/**
 * Labels a pair: 1 if `a` is preferred, 0 if `b` is, null to skip (a rater's "skip"/"equal").
 * Plain numbers in, plain numbers out: the world's raters plug in here.
 */
export type PairLabeler<C> = (context: C, a: number[], b: number[], rng: Rng) => 1 | 0 | null;

/**
 * Labels the pair (a, b) for `context` and returns it as a preference (chosen first), or
 * null when the labeller skips it. One draw from `rng` per call, as `label` makes it.
 */
export function labelledPreference<C>(label: PairLabeler<C>, context: C, a: number[], b: number[], rng: Rng): Preference<C> | null {
  const y = label(context, a, b, rng);
  if (y === 1) return { context, chosen: a, rejected: b };
  if (y === 0) return { context, chosen: b, rejected: a };
  return null;
}

/**
 * Online DPO: each round draws `pairsPerRound` contexts, samples two outputs per context
 * from the *current* policy, labels them with `label`, and trains `epochs` passes on them.
 * Log rows carry `round` and `pairs/labelled`.
 */
export function trainOnlineDpo<C, S>(
  policy: TokenPolicy<C, S>,
  ref: TokenPolicy<C, S>,
  sampleContexts: (rng: Rng, n: number) => C[],
  label: PairLabeler<C>,
  overrides: Partial<DpoConfig>,
  rng: Rng,
): Record<string, number>[] {
  const cfg = dpoConfig(overrides);
  const opt = makeOptimizer(cfg.optimizer, cfg.learningRate);
  const logs: Record<string, number>[] = [];
  const ctxRng = rng.fork("contexts"), sampRng = rng.fork("sampling"), labRng = rng.fork("labels"), batchRng = rng.fork("batches");
  try {
    for (let round = 1; round <= cfg.rounds; round++) {
      const contexts = sampleContexts(ctxRng, cfg.pairsPerRound);
      const a = policy.sample(sampRng, contexts);
      const b = policy.sample(sampRng, contexts);
      const data: Preference<C>[] = [];
      contexts.forEach((c, i) => {
        const pref = labelledPreference(label, c, a[i]!, b[i]!, labRng);
        if (pref !== null) data.push(pref);
      });
      if (data.length === 0) continue;
      trainOnPairs(policy, ref, opt, data, cfg, batchRng, logs, { round, "pairs/labelled": data.length });
    }
  } finally {
    opt.dispose();
  }
  return logs;
}
