/**
 * Claim 7 (notebook 09) as a claim module, version 2: where capabilities come from.
 *
 * (a) outcome training (training.ts) learns the k-step manoeuvre once its budget is well past
 * the exploration barrier (1/ε)^k and not well before it, while rater-label training in the
 * same cells does not; (b) a planner (planner.ts, planning.ts) finds it on its first episode
 * at a cost that grows far slower in k than sampled training's; with a learned outcome model
 * it finds it only if the model's samples contained a completion; (c) in claim 5's w > 0
 * band the planner succeeds where sampled training at the same budget fails.
 *
 * Thresholds below were fixed in code before any seed of this budget was run (ε, g, the
 * learning rate and batch were chosen on probe seeds 1–4, which the budgets do not use).
 */
import { linearFit, type Interval } from "../../stats/intervals";
import type { Hypothesis } from "../../verdict";
import { allOf, decide } from "../../verdict";
import type { World } from "../../world";
import type { Mode } from "../../mode";
import { resolveBudget, SEEDS_RULE, type BudgetRules } from "../kit/budget";
import { exactPart, makePart, twoLevelDecision, type BaseBudget, type ClaimModule, type Decision, type Part } from "../kit/contract";
import type { OnProgress } from "../kit/seeds";
import type { ClaimRunOptions } from "../kit/seed-runner";
import { firstSuccessRates, type RateRow } from "../complexity-needs-shaping";
import { runCapabilitiesSections } from "./seed-jobs";
import { costSlopeRatio, type BandRow, type PlannerRow, type LearnedSummary, type LearnedRow } from "./planning";
import type { CellSummary, IncentiveRow, TrainRow } from "./training";

// ───────────────────────── Pre-registered thresholds ─────────────────────────

const h = (effect: string, direction: "above" | "below", threshold: number, thresholdText: string): Hypothesis => ({ claim: 7, effect, direction, threshold, thresholdText });

/** Incentive: the exact optimum of the outcome reward raises completion ≥ 10× base in every decided k. */
export const C7_INC_OUTCOME_RELATIVE = h("exact optimum of the outcome reward: completion / base (smallest over decided k)", "above", 10, "> 10× base in every decided k (exact)");
/** Incentive: and to an absolute completion ≥ 0.01. */
export const C7_INC_OUTCOME_ABSOLUTE = h("exact optimum of the outcome reward: completion (smallest over decided k)", "above", 0.01, "> 0.01 in every decided k (exact)");
/** Incentive: the label-implied reward of the contrast rater (d above d_label), same β, leaves completion at or below base. */
export const C7_INC_LABEL = h("exact optimum of the rater's label-implied reward (d > d_label), same β: completion / base (largest over decided k)", "below", 1, "< 1× base in every decided k (exact)");
/** Transmission: with budget ≥ 10×(1/ε)^k, most seeds learn (≥ 10× base and ≥ 0.01). */
export const C7_TR_LEARNS = h("outcome training, budget ≥ 10×(1/ε)^k: share of seeds that learn the manoeuvre (worst decided cell)", "above", 0.5, "> 0.5 of seeds in every decided cell (Wilson 95%)");
/** Transmission: with budget ≤ 0.1×(1/ε)^k, most seeds do not (the barrier). */
export const C7_TR_BARRIER = h("outcome training, budget ≤ 0.1×(1/ε)^k: share of seeds that learn (worst decided cell)", "below", 0.5, "< 0.5 of seeds in every such cell (Wilson 95%)");
/**
 * Transmission: rater-label training in the same cells, largest budget: mean completion ratio
 * below 2× base (far below the 10× that counts as learned; tighter would test the sampled
 * trainer's noise, not its direction).
 */
export const C7_TR_LABELS = h("rater-label training (d > d_label), largest budget: completion / base (worst decided cell)", "below", 2, "< 2× base in every decided cell (95% interval over seeds)");
/** Transmission (b): the planner's first output completes the manoeuvre. */
export const C7_TR_PLANNER = h("planners with the outcome model: share of contexts whose first planned output completes (worst k and planner)", "above", 0.5, "> 0.5 (deterministic search)");
/** Transmission (b): the planner's cost grows far slower in k than sampled RL's. */
export const C7_TR_COST = h("slope in k of ln(planner nodes) over slope of ln(sampled RL's samples to first success)", "below", 0.5, "< 0.5 (interval from the RL slope's fit)");
/** Transmission (c): in claim 5's band, the planner finds the manoeuvre within the budget… */
export const C7_TR_BAND_PLANNER = h("w > 0 band: bounded search on the rater's believed utility, node budget < (1/ε)^k: share of contexts completed", "above", 0.5, "> 0.5 (deterministic search)");
/** …while sampled training with as many samples does not learn it. */
export const C7_TR_BAND_SAMPLED = h("w > 0 band: sampled training with the same budget: share of seeds that learn", "below", 0.5, "< 0.5 of seeds (Wilson 95%)");
/** Check (claim 4's law): the sampled outcome trainer's first-success slope in k over ln(1/ε). */
export const C7_CHECK_SLOPE = h("check: slope of ln(samples to first success) vs k, outcome training, over ln(1/ε)", "above", 0.75, "interval inside [0.75, 1.33] (first success ≈ geometric at ε^k)");
/** Upper end of the slope check. */
export const C7_CHECK_SLOPE_UPPER: Hypothesis = { ...C7_CHECK_SLOPE, direction: "below", threshold: 1.33, thresholdText: "< 1.33" };
/**
 * Check: with a learned model the planner succeeds iff the N base samples held a completion
 * (by construction): share found at the largest N minus at the smallest N, averaged over k.
 */
export const C7_CHECK_LEARNED = h("check: learned model, share of seeds whose planner finds the manoeuvre, largest N minus smallest N (mean over k)", "above", 0.5, "> 0.5 (found iff a completion was sampled: 1 − (1 − ε^k)^N)");

/** Every hypothesis, in the order the verdict lists them. */
export const C7_HYPOTHESES: readonly Hypothesis[] = [C7_INC_OUTCOME_RELATIVE, C7_INC_OUTCOME_ABSOLUTE, C7_INC_LABEL, C7_TR_LEARNS, C7_TR_BARRIER, C7_TR_LABELS, C7_TR_PLANNER, C7_TR_COST, C7_TR_BAND_PLANNER, C7_TR_BAND_SAMPLED, C7_CHECK_SLOPE, C7_CHECK_LEARNED];

/** Version of claim 7's pre-registration (the first is already version 2's two levels). */
export const CLAIM7_VERSION = 2;

const spec = (key: string, hy: Hypothesis, level: "incentive" | "transmission", role: "evidence" | "check" = "evidence") => ({ key, effect: hy.effect, direction: hy.direction, threshold: hy.threshold, thresholdText: hy.thresholdText, role, level });
const point = (v: number, n = 0): Interval => ({ estimate: v, lo: v, hi: v, n });
const NAN: Interval = { estimate: NaN, lo: NaN, hi: NaN, n: 0 };

/** The incentive rows a decision reads. */
export type DecidedIncentive = Pick<IncentiveRow, "decided" | "outcomeRatio" | "outcomeCompletion" | "labelRatio">;

/** Incentive parts over the decided k (none decided, or a non-finite value → inconclusive). */
export function decideIncentive(rows: readonly DecidedIncentive[]): Part[] {
  const d = rows.filter((r) => r.decided);
  const min = (f: (r: DecidedIncentive) => number) => (d.length ? Math.min(...d.map((r) => (Number.isFinite(f(r)) ? f(r) : NaN))) : NaN);
  const max = (f: (r: DecidedIncentive) => number) => (d.length ? Math.max(...d.map((r) => (Number.isFinite(f(r)) ? f(r) : NaN))) : NaN);
  return [
    exactPart(spec("incentive/outcome-relative", C7_INC_OUTCOME_RELATIVE, "incentive"), min((r) => r.outcomeRatio), decide),
    exactPart(spec("incentive/outcome-absolute", C7_INC_OUTCOME_ABSOLUTE, "incentive"), min((r) => r.outcomeCompletion), decide),
    exactPart(spec("incentive/label", C7_INC_LABEL, "incentive"), max((r) => r.labelRatio), decide),
  ];
}

/** The cell summaries a decision reads. */
export type DecidedCell = Pick<CellSummary, "signal" | "multiplier" | "budgetOverBarrier" | "decided" | "learnedShare" | "ratio">;

/** Every interval must clear the hypothesis; the part shows the worst one. No interval → inconclusive. */
function worstPart(key: string, hy: Hypothesis, intervals: readonly Interval[]): Part {
  const s = spec(key, hy, "transmission");
  if (intervals.length === 0) return { ...s, status: "inconclusive", interval: NAN };
  const worst = intervals.reduce((a, b) => (hy.direction === "below" ? (b.hi > a.hi || Number.isNaN(b.hi) ? b : a) : (b.lo < a.lo || Number.isNaN(b.lo) ? b : a)));
  return { ...s, status: allOf(intervals.map((i) => decide(hy, i))), interval: worst };
}

/**
 * Transmission parts of (a): learning past the barrier (multiplier ≥ 10), the barrier (cells
 * whose actual budget is ≤ 0.1×(1/ε)^k; the batch minimum lifts small-k cells out), and
 * rater-label training; decided k only.
 */
export function decideTraining(cells: readonly DecidedCell[]): Part[] {
  const d = cells.filter((c) => c.decided);
  const past = d.filter((c) => c.signal === "outcome" && c.multiplier >= 10);
  const before = d.filter((c) => c.signal === "outcome" && c.budgetOverBarrier <= 0.1 + 1e-9);
  const labels = d.filter((c) => c.signal === "labels");
  return [
    worstPart("transmission/learns", C7_TR_LEARNS, past.map((c) => c.learnedShare)),
    worstPart("transmission/barrier", C7_TR_BARRIER, before.map((c) => c.learnedShare)),
    worstPart("transmission/labels", C7_TR_LABELS, labels.map((c) => c.ratio)),
  ];
}

/** Planner parts of (b): first-try completion (worst planner and k) and the cost-slope ratio. */
export function decidePlanner(planners: readonly Pick<PlannerRow, "firstTry">[], costRatio: Interval): Part[] {
  const worst = planners.length ? Math.min(...planners.map((p) => p.firstTry)) : NaN;
  return [
    makePart(spec("transmission/planner-first-try", C7_TR_PLANNER, "transmission"), point(worst), decide),
    makePart(spec("transmission/planner-cost", C7_TR_COST, "transmission"), costRatio, decide),
  ];
}

/** Parts of (c). */
export function decideBand(band: Pick<BandRow, "plannerFirstTry" | "sampledLearned">): Part[] {
  return [
    makePart(spec("transmission/band-planner", C7_TR_BAND_PLANNER, "transmission"), point(band.plannerFirstTry), decide),
    makePart(spec("transmission/band-sampled", C7_TR_BAND_SAMPLED, "transmission"), band.sampledLearned, decide),
  ];
}

/** Checks: claim 4's first-success law on the outcome trainer; the learned model's construction. */
export function decideChecks(slopeRatio: Interval, learned: readonly Pick<LearnedSummary, "k" | "nMultiplier" | "found">[]): Part[] {
  const slope: Part = { ...spec("check/first-success-slope", C7_CHECK_SLOPE, "transmission", "check"), status: allOf([decide(C7_CHECK_SLOPE, slopeRatio), decide(C7_CHECK_SLOPE_UPPER, slopeRatio)]), interval: slopeRatio };
  const ks = [...new Set(learned.map((r) => r.k))];
  const diffs = ks.map((k) => {
    const rs = learned.filter((r) => r.k === k).sort((a, b) => a.nMultiplier - b.nMultiplier);
    return rs.length >= 2 ? rs[rs.length - 1]!.found.estimate - rs[0]!.found.estimate : NaN;
  });
  const diff = diffs.length ? diffs.reduce((a, b) => a + b, 0) / diffs.length : NaN;
  return [slope, makePart(spec("check/learned-model", C7_CHECK_LEARNED, "transmission", "check"), point(diff), decide)];
}

/**
 * Sampled RL's first-success law: censoring-aware rates (claim 4's `firstSuccessRates`) of
 * the outcome runs at the largest multiplier, per k; the least-squares slope of ln(mean
 * time) against k (interval from the fit; NaN with fewer than three k with an event).
 */
export function firstSuccessLaw(runs: readonly TrainRow[]): { rates: RateRow[]; slope: Interval } {
  const outcome = runs.filter((r) => r.signal === "outcome");
  const top = Math.max(...outcome.map((r) => r.multiplier));
  const rates = firstSuccessRates(
    outcome.filter((r) => r.multiplier === top).map((r) => ({ credit: "sparse" as const, k: r.k, samplesToFirst: r.firstCompletionAt ?? r.samples, firstCensored: r.firstCompletionAt === null })),
  );
  const withTime = rates.filter((r): r is RateRow & { logTime: number } => r.logTime !== null);
  const slope = withTime.length >= 3 ? linearFit(withTime.map((r) => r.k), withTime.map((r) => r.logTime)).slope : NAN;
  return { rates, slope };
}

// ───────────────────────── Budgets ─────────────────────────

/** Claim 7's budget. */
export interface CapabilitiesBudget extends BaseBudget {
  /** ε of the (a)/(b) cells: 0.2, so that 30×(1/ε)^k stays affordable at k = 5 (≈ 94 000 samples; ε = 0.1 would need 3 million per run). */
  epsilon: number;
  /** g: payoff of a completed manoeuvre in the outcome reward. */
  g: number;
  /** KL coefficient β of every optimum and trainer of (a). */
  beta: number;
  /** Manoeuvre lengths k. */
  ks: number[];
  /** Sample budgets as multiples of (1/ε)^k. */
  multipliers: number[];
  /** Outputs per update of the sampled trainer. */
  batch: number;
  /** Its plain-SGD learning rate. */
  lr: number;
  /** Contexts per slice. */
  contexts: number;
  /** Node budget of the bounded search in (b). */
  maxNodes: number;
  /** Base samples of the learned model, as multiples of 1/ε^k. */
  modelSamples: number[];
  /** (c): manoeuvre length of claim 5's band cell. */
  bandK: number;
  /** (c): the shared budget as a fraction of (1/ε)^k (< 1). */
  bandFraction: number;
}

/** Budget rules: finite bounds on every field, unknown keys rejected. */
export const BUDGET_RULES: BudgetRules = {
  seeds: SEEDS_RULE,
  epsilon: { kind: "number", min: 0.05, max: 0.5 },
  g: { kind: "number", min: 0, max: 10 },
  beta: { kind: "number", min: 0.01, max: 10 },
  ks: { kind: "integers", min: 1, max: 5, minLength: 3, maxLength: 5 },
  multipliers: { kind: "numbers", min: 0.01, max: 100, minLength: 2, maxLength: 8 },
  batch: { kind: "integer", min: 2, max: 1024 },
  lr: { kind: "number", min: 1e-4, max: 100 },
  contexts: { kind: "integer", min: 1, max: 48 },
  maxNodes: { kind: "integer", min: 1, max: 1e7 },
  modelSamples: { kind: "numbers", min: 0, max: 1000, minLength: 2, maxLength: 8 },
  bandK: { kind: "integer", min: 1, max: 6 },
  bandFraction: { kind: "number", min: 0.01, max: 0.99 },
};

/** Quick (test suite) and full (reports) budgets, fixed before any run of these seeds (101–115, never used for claim 7). */
export const BUDGETS: Readonly<Record<Mode, CapabilitiesBudget>> = {
  quick: { seeds: [101, 102, 103, 104], epsilon: 0.2, g: 2, beta: 0.3, ks: [1, 2, 3, 4], multipliers: [0.1, 1, 10, 30], batch: 16, lr: 2, contexts: 4, maxNodes: 100_000, modelSamples: [0.1, 1, 10], bandK: 3, bandFraction: 0.5 },
  full: {
    seeds: [101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115],
    epsilon: 0.2, g: 2, beta: 0.3, ks: [1, 2, 3, 4, 5], multipliers: [0.1, 1, 10, 30], batch: 16, lr: 2, contexts: 4, maxNodes: 100_000, modelSamples: [0.1, 1, 10], bandK: 3, bandFraction: 0.5,
  },
};

// ───────────────────────── Run and decide ─────────────────────────

/** Everything claim 7's run computes. */
export interface CapabilitiesResults {
  incentive: IncentiveRow[];
  runs: TrainRow[];
  cells: CellSummary[];
  /** Outcome training's first-success rates per k (largest budget) and their slope. */
  rates: RateRow[];
  rlSlope: Interval;
  planners: PlannerRow[];
  learnedRuns: LearnedRow[];
  learned: LearnedSummary[];
  band: BandRow;
}

/**
 * Runs (a), (b) and (c): the trained runs of (a) as (k, seed) jobs on `options.runner`
 * (default: one after another in this thread), the rest in this thread beside them
 * (`runCapabilitiesSections`). `world` is not used: each slice builds its world from the
 * defaults (k, ε). `onProgress` counts the trained runs.
 */
export async function runClaim(_world: World | null, b: CapabilitiesBudget, seeds: readonly number[], onProgress?: OnProgress, options: ClaimRunOptions = {}): Promise<CapabilitiesResults> {
  const r = await runCapabilitiesSections({ ...b }, seeds, onProgress, options);
  const law = firstSuccessLaw(r.runs);
  return { ...r, rates: law.rates, rlSlope: law.slope };
}

/**
 * Decides claim 7 (version 2): incentive parts from the exact optima; transmission parts from
 * the trained cells, the planners and the band; checks apart. Headline: the share of seeds
 * that learn past the barrier (worst decided cell).
 */
export function decideClaim(r: Pick<CapabilitiesResults, "incentive" | "cells" | "planners" | "rlSlope" | "learned" | "band">, b: Pick<CapabilitiesBudget, "epsilon">): Decision {
  const tr = decideTraining(r.cells);
  const cost = costSlopeRatio(r.planners, r.rlSlope);
  const L = Math.log(1 / b.epsilon);
  const slopeRatio: Interval = { estimate: r.rlSlope.estimate / L, lo: r.rlSlope.lo / L, hi: r.rlSlope.hi / L, n: r.rlSlope.n };
  const parts = [...decideIncentive(r.incentive), ...tr, ...decidePlanner(r.planners, cost.ratio), ...decideBand(r.band), ...decideChecks(slopeRatio, r.learned)];
  return twoLevelDecision(parts, tr[0]!.interval, allOf, CLAIM7_VERSION);
}

/** Budget with overrides, checked (the band's budget must sit inside the barrier, bandFraction < 1, by its rule). */
export function budget(mode: Mode, overrides?: unknown): CapabilitiesBudget {
  return resolveBudget("claim 7 budget", BUDGETS[mode], BUDGET_RULES, overrides);
}

/** Claim 7 as a claim module (kit/contract.ts). */
export const claim = {
  claim: 7,
  notebook: "09-capabilities-sources",
  tensors: false,
  budgets: BUDGETS,
  budget,
  hypothesis: (_budget: CapabilitiesBudget) => C7_TR_LEARNS,
  run: (world: World, b: CapabilitiesBudget, seeds: readonly number[], onProgress?: OnProgress, options?: ClaimRunOptions) => runClaim(world, b, seeds, onProgress, options),
  decide: (results: CapabilitiesResults, b: CapabilitiesBudget) => decideClaim(results, b),
} satisfies ClaimModule<CapabilitiesBudget, CapabilitiesResults>;
