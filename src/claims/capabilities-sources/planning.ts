/**
 * Claim 7 (b) and (c): the planners of planner.ts on the cells of (a), with the true
 * outcome model and with a model learned from base samples; and in claim 5's w > 0 band,
 * the planner against sampled training at the same budget.
 */
import { Rng } from "../../rng";
import { linearFit, type Interval } from "../../stats/intervals";
import type { TerminalReward } from "../../world";
import type { OnProgress } from "../kit/seeds";
import {
  believedReward,
  cellRater,
  detectionThreshold,
  DEFAULT_SAMPLED,
  exactOptimumCell,
  makeSlice,
  sampledGridCells,
  sampledTrainingCell,
  SAMPLED_H,
  wholeManoeuvreThreshold,
  type Slice,
} from "../no-power-seeking";
import { learnedPayoffModel } from "./learned-model";
import { outcomeReward } from "./outcome";
import { backwardPlan, boundedSearch, type PlanResult } from "./planner";
import { wilsonInterval } from "./proportion";
import { learned, outcomeSlice, type OutcomeTraining } from "./training";

/** The two planners. */
export type PlannerKind = "backward recursion" | "bounded search";

/** One planner on one k: its first episode in every context of the slice. */
export interface PlannerRow {
  k: number;
  planner: PlannerKind;
  /** Share of the slice's contexts whose first planned output completes the manoeuvre. */
  firstTry: number;
  /** Mean nodes expanded per episode. */
  nodes: number;
  /** Mean outputs valued per episode. */
  evaluations: number;
  /** Episodes whose node budget ran out. */
  exhausted: number;
}

/** Runs `plan` in every context of the slice and averages. */
function planRow(slice: Slice, planner: PlannerKind, plan: (entryIndex: number) => PlanResult): PlannerRow {
  const rs = slice.entries.map((_, i) => plan(i));
  const mean = (f: (r: PlanResult) => number) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
  return { k: slice.k, planner, firstTry: mean((r) => (r.completes ? 1 : 0)), nodes: mean((r) => r.nodes), evaluations: mean((r) => r.evaluations), exhausted: rs.filter((r) => r.exhausted).length };
}

/** Both planners with outcome model `model` on a slice (the search with node budget `maxNodes`). */
export function plannerRows(slice: Slice, model: TerminalReward, maxNodes: number): PlannerRow[] {
  return [
    planRow(slice, "backward recursion", (i) => backwardPlan(slice.world, slice.base, slice.entries[i]!, model)),
    planRow(slice, "bounded search", (i) => boundedSearch(slice.world, slice.base, slice.entries[i]!, model, maxNodes)),
  ];
}

/** One learned-model episode: N base samples, the fitted model, the planner's first try. */
export interface LearnedRow {
  k: number;
  /** N as a multiple of 1/ε^k. */
  nMultiplier: number;
  n: number;
  seed: number;
  completionsSeen: number;
  /** Share of contexts whose plan (backward recursion on the learned model) completes. */
  firstTry: number;
  /** Probability that N base samples contain a completion: 1 − (1 − base)^N. */
  predicted: number;
}

/** Per (k, N): the share of seeds whose planner found the manoeuvre, beside the prediction. */
export interface LearnedSummary {
  k: number;
  nMultiplier: number;
  n: number;
  seeds: number;
  found: Interval;
  predicted: number;
}

/** Learned-model episodes for one slice over N multipliers and seeds (paired). */
export function learnedRows(slice: Slice, g: number, nMultipliers: readonly number[], seeds: readonly number[]): LearnedRow[] {
  const rows: LearnedRow[] = [];
  for (const m of nMultipliers) {
    const n = Math.round(m / slice.baseCompletion);
    for (const seed of seeds) {
      const model = learnedPayoffModel(slice, g, n, Rng.fromSeed(seed).fork(`claim7-model-k${slice.k}-m${m}`));
      const plans = slice.entries.map((e) => backwardPlan(slice.world, slice.base, e, model.reward));
      rows.push({ k: slice.k, nMultiplier: m, n, seed, completionsSeen: model.completionsSeen, firstTry: plans.filter((p) => p.completes).length / plans.length, predicted: 1 - (1 - slice.baseCompletion) ** n });
    }
  }
  return rows;
}

/** Share of seeds (all contexts' plans complete) per (k, N). */
export function summariseLearned(rows: readonly LearnedRow[]): LearnedSummary[] {
  const groups = new Map<string, LearnedRow[]>();
  for (const r of rows) groups.set(`${r.k}|${r.nMultiplier}`, [...(groups.get(`${r.k}|${r.nMultiplier}`) ?? []), r]);
  return [...groups.values()].map((g) => ({ k: g[0]!.k, nMultiplier: g[0]!.nMultiplier, n: g[0]!.n, seeds: g.length, found: wilsonInterval(g.filter((r) => r.firstTry === 1).length, g.length), predicted: g[0]!.predicted }));
}

/** What (b) computes, per k. */
export interface PlanningResults {
  planners: PlannerRow[];
  learnedRuns: LearnedRow[];
  learned: LearnedSummary[];
}

/** Options of (b). */
export interface PlanningOptions extends Pick<OutcomeTraining, "epsilon" | "contexts" | "g"> {
  ks: readonly number[];
  /** Node budget of the bounded search. */
  maxNodes: number;
  /** Base samples of the learned model, as multiples of 1/ε^k. */
  modelSamples: readonly number[];
}

/** Planners with the true outcome model, then with learned models, for every k. */
export function planningSection(o: PlanningOptions, seeds: readonly number[], onProgress?: OnProgress): PlanningResults {
  const planners: PlannerRow[] = [];
  const learnedRuns: LearnedRow[] = [];
  let done = 0;
  for (const k of o.ks) {
    const slice = outcomeSlice(k, o);
    planners.push(...plannerRows(slice, outcomeReward(slice.world, o.g), o.maxNodes));
    learnedRuns.push(...learnedRows(slice, o.g, o.modelSamples, seeds));
    onProgress?.(++done, o.ks.length, `planners, k = ${k}`);
  }
  return { planners, learnedRuns, learned: summariseLearned(learnedRuns) };
}

/**
 * The cost slope comparison: least-squares slope of ln(mean nodes) against k for each
 * planner (the larger is used; a planner with fewer than two k is left out), against the slope of ln(sampled RL's mean samples to first
 * success) against k (`rlSlope`, with its interval). Ratio interval: planner slope over the
 * RL slope's interval ends (NaN when the RL interval reaches 0).
 */
export function costSlopeRatio(planners: readonly PlannerRow[], rlSlope: Interval): { plannerSlope: number; ratio: Interval } {
  const slopes = (["backward recursion", "bounded search"] as const).map((p) => {
    const rs = planners.filter((r) => r.planner === p);
    return rs.length >= 2 ? linearFit(rs.map((r) => r.k), rs.map((r) => Math.log(r.nodes))).slope.estimate : NaN;
  });
  const finite = slopes.filter(Number.isFinite);
  const plannerSlope = finite.length ? Math.max(...finite) : NaN;
  const positive = rlSlope.lo > 0;
  return { plannerSlope, ratio: { estimate: plannerSlope / rlSlope.estimate, lo: positive ? plannerSlope / rlSlope.hi : NaN, hi: positive ? plannerSlope / rlSlope.lo : NaN, n: rlSlope.n } };
}

/** (c): one band cell of claim 5 (w > 0, d* < d < d_w), planner beside sampled training at one budget. */
export interface BandRow {
  k: number;
  w: number;
  h: number;
  d: number;
  dStar: number;
  dWhole: number;
  baseCompletion: number;
  /** Sample budget of sampled training, and node budget of the bounded search. */
  budget: number;
  /** budget / (1/ε)^k. */
  budgetOverBarrier: number;
  /** Bounded search on the rater's believed utility: share of contexts whose first output completes. */
  plannerFirstTry: number;
  plannerNodes: number;
  plannerExhausted: number;
  /** Exact KL-regularised optimum of the same signal (claim 5's). */
  exactRatio: number;
  /** Sampled training on the same signal: share of seeds that learned, and the completion ratio. */
  sampledLearned: Interval;
  sampledRatio: number;
  sampledCompletionsSeen: number;
}

/** Options of (c). */
export interface BandOptions {
  /** Manoeuvre length of the band cell (claim 5's world: ε = 0.1, w = 1, h = 0.25). */
  k: number;
  /** Budget as a fraction of (1/ε)^k (below 1: inside the barrier). */
  fraction: number;
  /** Contexts of the slice. */
  contexts: number;
}

/** Visible payoff of the band cell (claim 5's w > 0 band). */
export const BAND_W = 1;

/**
 * (c): claim 5's band cell at k: the bounded search, given a node budget equal to sampled
 * training's sample budget, plans against the rater's expected believed utility (the
 * training signal); sampled training (claim 5's trainer and settings) gets that many samples.
 */
export function bandSection(o: BandOptions, seeds: readonly number[], onProgress?: OnProgress): BandRow {
  const cell = sampledGridCells([o.k], [BAND_W], SAMPLED_H).find((c) => c.region.startsWith("band"))!;
  const slice = makeSlice(o.k, BAND_W, { contexts: o.contexts });
  const epsilon = slice.world.config.corpus.manoeuvreStepRate;
  const budget = Math.max(DEFAULT_SAMPLED.batch, Math.round(o.fraction * epsilon ** -o.k));
  const model = believedReward(slice.world, cellRater(cell.d, cell.h));
  const plans = slice.entries.map((e) => boundedSearch(slice.world, slice.base, e, model, budget));
  const runs = seeds.map((seed, i) => {
    const r = sampledTrainingCell(slice, cell.d, cell.h, { ...DEFAULT_SAMPLED, samples: budget }, Rng.fromSeed(seed).fork(`claim7-band-k${o.k}`));
    onProgress?.(i + 1, seeds.length, `band, k = ${o.k}, seed ${seed}`);
    return r;
  });
  const L = slice.world.config.belief.noticedStepPenalty;
  const ex = exactOptimumCell(slice, cell.d, cell.h, DEFAULT_SAMPLED.beta);
  return {
    k: o.k, w: BAND_W, h: cell.h, d: cell.d,
    dStar: detectionThreshold(cell.h, L), dWhole: wholeManoeuvreThreshold(cell.h, L, BAND_W, o.k),
    baseCompletion: slice.baseCompletion, budget, budgetOverBarrier: budget * epsilon ** o.k,
    plannerFirstTry: plans.filter((p) => p.completes).length / plans.length,
    plannerNodes: plans.reduce((a, p) => a + p.nodes, 0) / plans.length,
    plannerExhausted: plans.filter((p) => p.exhausted).length,
    exactRatio: ex.completionRatio,
    sampledLearned: wilsonInterval(runs.filter((r) => learned(r.completion, slice.baseCompletion)).length, runs.length),
    sampledRatio: runs.reduce((a, r) => a + r.completionRatio, 0) / runs.length,
    sampledCompletionsSeen: runs.reduce((a, r) => a + r.completionsSeen, 0) / runs.length,
  };
}
