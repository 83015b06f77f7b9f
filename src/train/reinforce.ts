/**
 * REINFORCE on a residual tabular policy (policy/residual-tabular.ts), plain SGD, sequences
 * sampled token by token from the current policy. Two loops, one per baseline:
 *
 *   - {@link trainReinforceToTarget}: one context, the batch-mean reward as baseline, the
 *     summed gradient of each batch; stops when the exact probability of ending in a
 *     success state reaches a target, or at the sample budget (claim 4).
 *   - {@link trainReinforceKl}: several contexts drawn per sample, the KL-regularised
 *     return g = R(o) − β·log(π(o)/π_base(o)) whose REINFORCE gradient is the exact gradient
 *     of E[R] − β·KL(π ‖ π_base), a per-context running-mean baseline, the batch-averaged
 *     gradient; optionally a pairwise-comparison signal (claim 5).
 *
 * Nothing here knows the world: rewards, successes, context draws and comparisons are
 * callbacks on state and context indices.
 */
import type { Rng } from "../rng";
import { ConfigError } from "../errors";
import { checkScore } from "../validate";
import { emptyPath, type ResidualTabularPolicy, type SampledPath } from "../policy/residual-tabular";

const MAX_SAMPLES = 1e9;

function checkBatch(field: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 2 && v <= 1e6)) throw new ConfigError(field, v, "an integer in [2, 1000000]");
}
function checkPositive(field: string, v: number, max: number): void {
  if (!(Number.isFinite(v) && v > 0 && v <= max)) throw new ConfigError(field, v, `a finite number in (0, ${max}]`);
}

/** Configuration of {@link trainReinforceToTarget}. */
export interface ReinforceToTargetConfig {
  /** Sequences per update batch. */
  batch: number;
  /** SGD learning rate on the residual logits (summed, not averaged, over the batch). */
  lr: number;
  /** Stop when the exact success probability reaches this. */
  target: number;
  /** At most this many sampled sequences; a run that reaches it is censored. */
  maxSamples: number;
}

/** The training signal of {@link trainReinforceToTarget}, on final-state indices. */
export interface TargetSignal {
  /** Reward of a sequence ending in `state`. */
  reward(state: number): number;
  /** Whether `state` counts as a success. */
  success(state: number): boolean;
}

/** What a run to target found. */
export interface ReinforceToTargetResult {
  /** Sequences sampled up to and including the first success (or the budget, if censored). */
  samplesToFirst: number;
  /** No success within the budget. */
  firstCensored: boolean;
  /** Sequences sampled until the exact success probability reached the target (or the budget). */
  samplesToTarget: number;
  /** The target was not reached within the budget. */
  targetCensored: boolean;
  /** Updates (batches with a non-zero gradient). */
  updates: number;
  /** Exact success probability at the end. */
  finalCompletion: number;
}

/**
 * REINFORCE from the policy's current state in `context`: batches of `batch` sequences, the
 * batch-mean reward as baseline, θ += lr·Σ (r − mean)·∇log π. A batch of identical rewards
 * has an exactly zero gradient and is skipped (e.g. sparse credit before any success).
 */
export function trainReinforceToTarget(policy: ResidualTabularPolicy, config: ReinforceToTargetConfig, signal: TargetSignal, sampling: Rng, context = 0): ReinforceToTargetResult {
  const c = config;
  checkBatch("batch", c.batch);
  checkPositive("lr", c.lr, 1e6);
  if (!(c.target > 0 && c.target < 1)) throw new ConfigError("target", c.target, "a number in (0, 1)");
  if (!(Number.isInteger(c.maxSamples) && c.maxSamples >= 1 && c.maxSamples <= MAX_SAMPLES)) throw new ConfigError("maxSamples", c.maxSamples, `an integer in [1, ${MAX_SAMPLES}]`);
  const paths: SampledPath[] = Array.from({ length: c.batch }, emptyPath);
  const rewards = new Float64Array(c.batch);
  let samples = 0;
  let first: number | null = null;
  let reached: number | null = null;
  let updates = 0;
  let completion = policy.endProbability(context, signal.success);
  while (samples < c.maxSamples && reached === null) {
    const n = Math.min(c.batch, c.maxSamples - samples);
    let sum = 0;
    let allSame = true;
    for (let i = 0; i < n; i++) {
      const s = policy.sample(context, sampling, paths[i]!);
      samples++;
      if (first === null && signal.success(s)) first = samples;
      rewards[i] = checkScore("reward callback result", signal.reward(s));
      sum += rewards[i]!;
      if (rewards[i] !== rewards[0]) allSame = false;
    }
    if (allSame) continue;
    const mean = sum / n;
    const touched = new Set<number>();
    for (let i = 0; i < n; i++) if (rewards[i] !== mean) policy.accumulate(context, paths[i]!, c.lr * (rewards[i]! - mean), touched);
    policy.refresh(touched, context);
    updates++;
    completion = policy.endProbability(context, signal.success);
    if (completion >= c.target) reached = samples;
  }
  return {
    samplesToFirst: first ?? samples,
    firstCensored: first === null,
    samplesToTarget: reached ?? samples,
    targetCensored: reached === null,
    updates,
    finalCompletion: completion,
  };
}

/** Configuration of {@link trainReinforceKl}. */
export interface ReinforceKlConfig {
  /** Budget: sampled sequences in total (rounded down to whole batches). */
  samples: number;
  /** Sequences per update. */
  batch: number;
  /** Plain-SGD learning rate on the residual logits (batch-averaged gradient). */
  lr: number;
  /** KL coefficient β. */
  beta: number;
  /** Step size of the per-context running-mean baseline. */
  baselineRate: number;
}

/** The training signal of {@link trainReinforceKl}. */
export interface KlSignal {
  /** Draws the context of the next sample (paired samples share their first one's context). */
  pickContext(): number;
  /** Reward of a sequence ending in `state` in `context` (omitted: comparisons only). */
  reward?(context: number, state: number): number;
  /** Whether `state` counts as a success (counted, not rewarded). */
  success(state: number): boolean;
  /**
   * Pairwise comparisons: samples come in pairs from one context draw; `label` is the
   * probability-or-outcome that the first wins, and each sample's return gets
   * ±slope·(label − ½).
   */
  compare?: { slope: number; label(context: number, first: SampledPath, second: SampledPath): number };
}

/** Counts of a KL-regularised run (the trained policy is the one passed in). */
export interface ReinforceKlResult {
  /** Sequences sampled. */
  samples: number;
  /** Updates made. */
  updates: number;
  /** Sampled sequences that ended in a success state. */
  completionsSeen: number;
  /** Samples up to the first success (null: none within the budget). */
  firstCompletionAt: number | null;
}

/**
 * REINFORCE with a KL penalty: per update, `batch` (context, sequence) draws; per sample the
 * return g = R − β·log(π/π_base) of the whole sequence (plus the comparison term), the
 * advantage g − b against a per-context running mean b (updated after use; the first sample
 * of a context only sets it), θ += lr·(g − b)/batch·∇log π.
 */
export function trainReinforceKl(policy: ResidualTabularPolicy, config: ReinforceKlConfig, signal: KlSignal, sampling: Rng): ReinforceKlResult {
  const c = config;
  checkBatch("batch", c.batch);
  if (!(Number.isInteger(c.samples) && c.samples >= c.batch && c.samples <= MAX_SAMPLES)) throw new ConfigError("samples", c.samples, `an integer in [batch (${c.batch}), ${MAX_SAMPLES}]`);
  checkPositive("lr", c.lr, 1e6);
  checkPositive("beta", c.beta, 1e6);
  if (!(c.baselineRate > 0 && c.baselineRate <= 1)) throw new ConfigError("baselineRate", c.baselineRate, "a number in (0, 1]");
  const compare = signal.compare;
  if (compare && c.batch % 2 !== 0) throw new ConfigError("batch", c.batch, "an even integer with pairwise comparisons");
  const baseline = new Float64Array(policy.C);
  const seenCtx = new Uint8Array(policy.C);
  const paths: SampledPath[] = Array.from({ length: c.batch }, emptyPath);
  const ctxs = new Int32Array(c.batch);
  const gs = new Float64Array(c.batch);
  let samples = 0;
  let updates = 0;
  let completionsSeen = 0;
  let firstCompletionAt: number | null = null;
  while (samples + c.batch <= c.samples) {
    for (let i = 0; i < c.batch; i++) {
      const ci = compare && i % 2 === 1 ? ctxs[i - 1]! : signal.pickContext();
      const si = policy.sample(ci, sampling, paths[i]!);
      samples++;
      if (signal.success(si)) {
        completionsSeen++;
        if (firstCompletionAt === null) firstCompletionAt = samples;
      }
      ctxs[i] = ci;
      gs[i] = (signal.reward ? checkScore("reward callback result", signal.reward(ci, si)) : 0) - c.beta * policy.logRatio(ci, paths[i]!);
    }
    if (compare)
      for (let i = 0; i < c.batch; i += 2) {
        const label = compare.label(ctxs[i]!, paths[i]!, paths[i + 1]!);
        gs[i] = gs[i]! + compare.slope * (label - 0.5);
        gs[i + 1] = gs[i + 1]! + compare.slope * (0.5 - label);
      }
    const touched = new Set<number>();
    for (let i = 0; i < c.batch; i++) {
      const ci = ctxs[i]!;
      if (!seenCtx[ci]) continue;
      const adv = gs[i]! - baseline[ci]!;
      if (adv !== 0) policy.accumulate(ci, paths[i]!, (c.lr * adv) / c.batch, touched);
    }
    for (let i = 0; i < c.batch; i++) {
      const ci = ctxs[i]!;
      if (!seenCtx[ci]) {
        baseline[ci] = gs[i]!;
        seenCtx[ci] = 1;
      } else baseline[ci] = baseline[ci]! + c.baselineRate * (gs[i]! - baseline[ci]!);
    }
    policy.refresh(touched);
    updates++;
  }
  return { samples, updates, completionsSeen, firstCompletionAt };
}
