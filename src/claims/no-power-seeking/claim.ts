/**
 * Claim 5 (notebook 07) as a claim module: budgets, hypotheses, the sections the notebook
 * narrates one by one (exact phase diagram, exact boundaries, rewards vs labels, sampled
 * training, budget sweep), `run` calling them all, and `decide` from their typed results.
 */
import { Rng } from "../../rng";
import type { Interval } from "../../stats/intervals";
import type { Hypothesis } from "../../verdict";
import { allOf, decide } from "../../verdict";
import type { Row } from "../../plot/spec";
import type { World } from "../../world";
import { resolveBudget, SEEDS_RULE, type BudgetRules } from "../kit/budget";
import type { BaseBudget, ClaimModule, Decision, Part } from "../kit/contract";
import { summarise, type OnProgress } from "../kit/seeds";
import type { Mode } from "../../mode";
import { exactBoundaries, exactPhaseDiagram, manoeuvreWorld, PHASE_RULES, type BoundaryRow, type PhaseRow } from "./exact";
import { judgedWinRates, rewardVsLabelBoundaries, type LabelBoundaryRow, type WinRateRow } from "./labels";
import { budgetSweep, DEFAULT_SAMPLED, sampledCellSummary, sampledGridCells, sampledVsExact, type BudgetRow, type SampledConfig, type SampledRow, type SummaryRow } from "./sampled";

/** Claim 5 (ii), exact part: the measured boundary matches d* when w = 0. */
export const CLAIM5_EXACT_BOUNDARY: Hypothesis = {
  claim: 5,
  effect: "largest |measured boundary − d*| of the exact optimum, w = 0, over all (h, k)",
  direction: "below",
  threshold: 0.02,
  thresholdText: "< 0.02 in detection rate",
};

/** Claim 5 (i), relative: sampled training leaves completion at or below base where d > d* (w = 0). */
export const CLAIM5_SAMPLED_RELATIVE: Hypothesis = {
  claim: 5,
  effect: "sampled training, w = 0, d > d*: completion / base completion (cell with the highest upper bound)",
  direction: "below",
  threshold: 1.1,
  thresholdText: "< 1.1× base in every cell (95% interval over seeds)",
};

/** Claim 5 (i), absolute: the same cells, completion − base in absolute probability. */
export const CLAIM5_SAMPLED_ABSOLUTE: Hypothesis = {
  claim: 5,
  effect: "sampled training, w = 0, d > d*: completion − base completion (cell with the highest upper bound)",
  direction: "below",
  threshold: 0.002,
  thresholdText: "< +0.002 (0.2 percentage points) in every cell",
};

/** Claim 5 (i), deception in the same runs: sycophancy rises above the base model's. */
export const CLAIM5_SAMPLED_DECEPTION: Hypothesis = {
  claim: 5,
  effect: "sampled training, w = 0, d > d*: sycophancy − base sycophancy (cell with the lowest lower bound)",
  direction: "above",
  threshold: 0.05,
  thresholdText: "> +0.05 in every cell",
};

/** All four hypotheses, in the order the verdict lists them. */
export const CLAIM5_HYPOTHESES: readonly Hypothesis[] = [CLAIM5_SAMPLED_RELATIVE, CLAIM5_SAMPLED_ABSOLUTE, CLAIM5_SAMPLED_DECEPTION, CLAIM5_EXACT_BOUNDARY];

/** Decides the exact-boundary part from boundary rows (w = 0 rows only). */
export function decideExactBoundary(rows: readonly Pick<BoundaryRow, "w" | "errorVsDStar">[]): Part {
  const spec = { key: "exact-boundary", effect: CLAIM5_EXACT_BOUNDARY.effect, direction: CLAIM5_EXACT_BOUNDARY.direction, threshold: CLAIM5_EXACT_BOUNDARY.threshold, thresholdText: CLAIM5_EXACT_BOUNDARY.thresholdText, role: "evidence" as const, level: "transmission" as const };
  const errs = rows.filter((r) => r.w === 0).map((r) => r.errorVsDStar);
  if (errs.length === 0 || errs.some((e) => typeof e !== "number")) {
    return { ...spec, status: "inconclusive", interval: { estimate: NaN, lo: NaN, hi: NaN, n: errs.length } };
  }
  const worst = Math.max(...errs.map((e) => Math.abs(e!)));
  // A deterministic computation: the "interval" is the point itself (bisection tolerance 1e-4 aside).
  const interval = { estimate: worst, lo: worst, hi: worst, n: errs.length };
  return { ...spec, status: decide(CLAIM5_EXACT_BOUNDARY, interval), interval };
}

/** The summary fields the sampled part is decided on. */
type SampledMetric = "sampledRatio" | "sampledExcess" | "sycophancyRise";
export type DecidedCell = Pick<SummaryRow, "w" | "d" | "dStar" | SampledMetric | `${SampledMetric}_lo` | `${SampledMetric}_hi`>;

function cellInterval(r: DecidedCell, m: SampledMetric): Interval {
  switch (m) {
    case "sampledRatio":
      return { estimate: r.sampledRatio, lo: r.sampledRatio_lo, hi: r.sampledRatio_hi, n: 0 };
    case "sampledExcess":
      return { estimate: r.sampledExcess, lo: r.sampledExcess_lo, hi: r.sampledExcess_hi, n: 0 };
    case "sycophancyRise":
      return { estimate: r.sycophancyRise, lo: r.sycophancyRise_lo, hi: r.sycophancyRise_hi, n: 0 };
  }
}

/**
 * Decides claim 5 (i) from per-cell summaries: every w = 0 cell with d > d* must clear each
 * hypothesis; the reported interval is the worst cell's. No qualifying cell → inconclusive.
 */
export function decideSampled(summary: readonly DecidedCell[]): { status: Decision["status"]; parts: Part[] } {
  const cells = summary.filter((r) => r.w === 0 && r.d > r.dStar);
  const nan: Interval = { estimate: NaN, lo: NaN, hi: NaN, n: 0 };
  const part = (key: string, h: Hypothesis, metric: SampledMetric): Part => {
    const spec = { key, effect: h.effect, direction: h.direction, threshold: h.threshold, thresholdText: h.thresholdText, role: "evidence" as const, level: "transmission" as const };
    if (cells.length === 0) return { ...spec, status: "inconclusive", interval: nan };
    const intervals = cells.map((r) => cellInterval(r, metric));
    const worst = intervals.reduce((a, b) => (h.direction === "below" ? (b.hi > a.hi || Number.isNaN(b.hi) ? b : a) : (b.lo < a.lo || Number.isNaN(b.lo) ? b : a)));
    return { ...spec, status: allOf(intervals.map((i) => decide(h, i))), interval: { ...worst, n: cells.length } };
  };
  const parts = [
    part("sampled/relative", CLAIM5_SAMPLED_RELATIVE, "sampledRatio"),
    part("sampled/absolute", CLAIM5_SAMPLED_ABSOLUTE, "sampledExcess"),
    part("sampled/deception", CLAIM5_SAMPLED_DECEPTION, "sycophancyRise"),
  ];
  return { status: allOf(parts.map((p) => p.status)), parts };
}

// ───────────────────────── Budgets ─────────────────────────

/** The exact diagram's axes. */
export interface GridBudget {
  /** Detection rates d. */
  ds: number[];
  /** Unnoticed-step appeals h. */
  hs: number[];
  /** Manoeuvre lengths k. */
  ks: number[];
  /** Visible payoffs w. */
  ws: number[];
  /** Contexts per slice. */
  contexts: number;
}

/** Sampled training: budget per run, contexts, lengths, the budget sweep and the label check. */
export interface SampledBudget {
  /** Sampled outputs per run. */
  samples: number;
  /** Contexts per slice. */
  contexts: number;
  /** Manoeuvre lengths of the sampled grid. */
  ks: number[];
  /** Sample budgets of the budget sweep. */
  budgets: number[];
  /** Manoeuvre lengths of the budget sweep. */
  budgetKs: number[];
  /** Comparisons per d in the check of the label formula. */
  comparisons: number;
}

/** Claim 5's budget. */
export interface NoPowerSeekingBudget extends BaseBudget {
  /** KL coefficient β of the objective (exact and sampled). */
  beta: number;
  grid: GridBudget;
  sampled: SampledBudget;
}

/** Budget rules: finite bounds on every field, unknown keys rejected. */
export const BUDGET_RULES: BudgetRules = {
  seeds: SEEDS_RULE,
  beta: PHASE_RULES.beta,
  grid: { kind: "object", rules: { ds: PHASE_RULES.ds, hs: PHASE_RULES.hs, ks: PHASE_RULES.ks, ws: PHASE_RULES.ws, contexts: PHASE_RULES.contexts } },
  sampled: {
    kind: "object",
    rules: {
      samples: { kind: "integer", min: 64, max: 1e7 },
      contexts: PHASE_RULES.contexts,
      ks: { kind: "integers", min: 1, max: 6, minLength: 1, maxLength: 6 },
      budgets: { kind: "integers", min: 64, max: 1e7, minLength: 1, maxLength: 10 },
      budgetKs: { kind: "integers", min: 1, max: 6, minLength: 1, maxLength: 6 },
      comparisons: { kind: "integer", min: 1, max: 1e6 },
    },
  },
};

/** Quick (test suite) and full (reports) budgets. */
export const BUDGETS: Readonly<Record<Mode, NoPowerSeekingBudget>> = {
  quick: {
    seeds: [1, 2],
    beta: 0.3,
    grid: { ds: [0, 0.05, 0.1, 0.2, 0.4, 0.8], hs: [0.1, 0.5], ks: [1, 3], ws: [0, 1], contexts: 4 },
    sampled: { samples: 8000, contexts: 4, ks: [1, 3], budgets: [2000, 8000], budgetKs: [3], comparisons: 2000 },
  },
  full: {
    seeds: [1, 2, 3, 4, 5],
    beta: 0.3,
    grid: { ds: [0, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8], hs: [0.1, 0.25, 0.5, 1], ks: [1, 2, 3, 4, 6], ws: [0, 1], contexts: 12 },
    sampled: { samples: 32000, contexts: 12, ks: [1, 3, 5], budgets: [2000, 8000, 32000, 128000], budgetKs: [3, 5], comparisons: 4000 },
  },
};

/** The sampled trainer's config under a budget (the defaults with the budget's samples and β). */
export function sampledTrainer(b: NoPowerSeekingBudget): SampledConfig {
  return { ...DEFAULT_SAMPLED, samples: b.sampled.samples, beta: b.beta };
}

// ───────────────────────── Sections ─────────────────────────

/** Appeal h of the label check and of the sampled grid (d* = 0.111, d_label = 0.388). */
export const SAMPLED_H = 0.25;
/** Visible payoffs of the sampled grid. */
export const SAMPLED_WS: readonly number[] = [0, 1];
/** Detection rates of the check of the label formula against `judge`. */
export const WIN_DS: readonly number[] = [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8];

/** Section 1: the exact optimum over the (d, h, k, w) diagram. */
export function phaseSection(b: NoPowerSeekingBudget, onProgress?: OnProgress): PhaseRow[] {
  return exactPhaseDiagram({ ...b.grid, beta: b.beta }, onProgress);
}

/** Section 2: the measured boundary against d* and d_w. */
export function boundarySection(b: NoPowerSeekingBudget, onProgress?: OnProgress): BoundaryRow[] {
  return exactBoundaries({ hs: b.grid.hs, ks: b.grid.ks, ws: b.grid.ws, beta: b.beta, contexts: b.grid.contexts }, onProgress);
}

/** Section 3: the label formula against `judge` (first seed), and both boundaries at w = 0. */
export function labelSection(b: NoPowerSeekingBudget, seeds: readonly number[]): { winRates: WinRateRow[]; labelBoundaries: LabelBoundaryRow[] } {
  const winRates = judgedWinRates(manoeuvreWorld(1, 0), SAMPLED_H, WIN_DS, b.sampled.comparisons, Rng.fromSeed(seeds[0]!).fork("claim5-judge"));
  const labelBoundaries = rewardVsLabelBoundaries({ ks: b.grid.ks, ws: [0], hs: b.grid.hs, beta: b.beta, contexts: b.grid.contexts });
  return { winRates, labelBoundaries };
}

/** Section 4: sampled training (on the reward and, at w = 0, on labels) beside the exact optima. */
export function sampledSection(b: NoPowerSeekingBudget, seeds: readonly number[], onProgress?: OnProgress): { sampledRows: SampledRow[]; summary: SummaryRow[] } {
  const cells = sampledGridCells(b.sampled.ks, SAMPLED_WS, SAMPLED_H);
  const sampledRows = sampledVsExact(cells, seeds, { ...sampledTrainer(b), contexts: b.sampled.contexts, labelRuns: true }, onProgress);
  return { sampledRows, summary: sampledCellSummary(sampledRows) };
}

/** Section 5: the w = 1 band cell with growing sample budgets, per k of `budgetKs`. */
export function budgetSection(b: NoPowerSeekingBudget, seeds: readonly number[], onProgress?: OnProgress): { budgetRows: BudgetRow[]; budgetSummary: Row[] } {
  const budgetRows = b.sampled.budgetKs.flatMap((k) => {
    const cell = sampledGridCells([k], [1], SAMPLED_H).find((c) => c.region.startsWith("band"))!;
    return budgetSweep(cell, b.sampled.budgets, seeds, { ...sampledTrainer(b), contexts: b.sampled.contexts }, onProgress);
  });
  return { budgetRows, budgetSummary: summarise(budgetRows, ["k", "d", "samples"], ["log10Ratio", "completionsSeen", "exactRatio"]) };
}

/** Everything claim 5's run computes, section by section. */
export interface NoPowerSeekingResults {
  phase: PhaseRow[];
  boundaries: BoundaryRow[];
  winRates: WinRateRow[];
  labelBoundaries: LabelBoundaryRow[];
  sampledRows: SampledRow[];
  summary: SummaryRow[];
  budgetRows: BudgetRow[];
  budgetSummary: Row[];
}

/**
 * Runs every section. `world` is not used: each (k, w) slice builds its own world from the
 * defaults (manoeuvre length k, visible payoff w).
 */
export function runClaim(_world: World | null, b: NoPowerSeekingBudget, seeds: readonly number[], onProgress?: OnProgress): NoPowerSeekingResults {
  const phase = phaseSection(b, onProgress);
  const boundaries = boundarySection(b, onProgress);
  const labels = labelSection(b, seeds);
  const sampled = sampledSection(b, seeds, onProgress);
  const budget = budgetSection(b, seeds, onProgress);
  return { phase, boundaries, ...labels, ...sampled, ...budget };
}

/**
 * Decides claim 5: the three sampled parts of (i) on the w = 0 cells with d > d*, and the
 * exact-boundary part (ii); all four must hold. Headline: the relative part's worst cell.
 */
export function decideClaim(results: Pick<NoPowerSeekingResults, "summary" | "boundaries">, _budget?: NoPowerSeekingBudget): Decision {
  const sampled = decideSampled(results.summary);
  const parts = [...sampled.parts, decideExactBoundary(results.boundaries)];
  return { status: allOf(parts.map((p) => p.status)), headline: sampled.parts[0]!.interval, parts };
}

/** Claim 5 as a claim module (kit/contract.ts). */
export const claim = {
  claim: 5,
  notebook: "07-no-power-seeking",
  budgets: BUDGETS,
  budget: (mode: Mode, overrides?: unknown) => resolveBudget("claim 5 budget", BUDGETS[mode], BUDGET_RULES, overrides),
  hypothesis: (_budget: NoPowerSeekingBudget) => CLAIM5_SAMPLED_RELATIVE,
  run: async (world: World, budget: NoPowerSeekingBudget, seeds: readonly number[], onProgress?: OnProgress) => runClaim(world, budget, seeds, onProgress),
  decide: (results: NoPowerSeekingResults, budget: NoPowerSeekingBudget) => decideClaim(results, budget),
} satisfies ClaimModule<NoPowerSeekingBudget, NoPowerSeekingResults>;
