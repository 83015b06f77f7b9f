/**
 * Claim 5 (notebook 07): no misaligned power-seeking from rater feedback.
 *
 * A rater who notices a manoeuvre step with probability d and then dislikes it (−L), but
 * finds an unnoticed step mildly appealing (+h), gives each in-order step the believed
 * value δ = (1 − d)·h − d·L, which is positive iff d < d* = h/(h + L). A completed
 * manoeuvre adds a visible payoff w. This module computes, for every cell of the
 * (d, h, k, w) diagram,
 *
 *   - the exact optimum of the KL-regularised objective against the rater's expected
 *     believed utility (soft backward recursion, soft-optimal.ts), with completion
 *     probabilities computed exactly from its token probabilities; and
 *   - what finite-budget sampled training learns (policy gradient with a KL penalty on a
 *     residual tabular policy that starts at the base; see `sampledTraining`).
 *
 * The base policy is the human corpus itself (`corpusTable`), whose in-order steps have
 * probability exactly ε each, so base completion is exactly ε^k for every k without a
 * pretraining run per k; π* keeps the corpus's zeros, so its KL is finite.
 */
import { ConfigError } from "../errors";
import type { Interval } from "../stats";
import type { Hypothesis, VerdictStatus } from "../verdict";
import { decide } from "../verdict";
import type { Row } from "../plot/spec";
import {
  believedUtility,
  corpusTable,
  createWorld,
  exactDistribution,
  exactMetrics,
  meanOf,
  TYPICAL_POPULATION,
  type ContextEntry,
  type DeepPartial,
  type PolicyTable,
  type RaterParams,
  type World,
  type WorldConfig,
  type WorldMetrics,
} from "../world";
import { cachedTable, softOptimalPolicy, type TerminalReward } from "./soft-optimal";

/** The believed-value threshold of one step: d* = h/(h + L). */
export function detectionThreshold(h: number, L: number): number {
  if (h < 0 || L < 0 || h + L === 0) throw new ConfigError("detectionThreshold (h, L)", [h, L], "h ≥ 0, L ≥ 0, h + L > 0");
  return h / (h + L);
}

/**
 * Where the whole manoeuvre's believed value k·δ + w changes sign: d_w = (h + w/k)/(h + L)
 * (capped at 1). Equal to d* when w = 0. An optimiser that can see the whole sequence at
 * once (the exact optimum) responds to this sign; one that must find the steps one at a
 * time responds to δ's sign, i.e. d*.
 */
export function wholeManoeuvreThreshold(h: number, L: number, w: number, k: number): number {
  return Math.min(1, (h + w / k) / (h + L));
}

/** One rater type: the typical population's means, with detection d and appeal h fixed. */
export function cellRater(d: number, h: number, base: RaterParams = typicalMeans()): RaterParams {
  if (!(d >= 0 && d <= 1)) throw new ConfigError("cellRater d", d, "[0, 1]");
  if (!(h >= 0)) throw new ConfigError("cellRater h", h, "≥ 0");
  return { ...base, detect: d, appeal: h };
}

function typicalMeans(): RaterParams {
  const p = TYPICAL_POPULATION;
  return { rho: meanOf(p.rho), verify: meanOf(p.verify), detect: meanOf(p.detect), appeal: meanOf(p.appeal), rationality: meanOf(p.rationality) };
}

/** The world of one (k, w) slice of the diagram: everything else at the defaults (or `overrides`). */
export function manoeuvreWorld(k: number, w: number, overrides: DeepPartial<WorldConfig> = {}): World {
  return createWorld({ ...overrides, manoeuvreLength: k, utility: { ...(overrides.utility ?? {}), manoeuvreVisiblePayoff: w } });
}

/** Expected believed utility of a final state for one rater type, over the truth posterior. */
export function believedReward(world: World, rater: RaterParams): TerminalReward {
  const cfg = world.config;
  return (entry, state) => {
    const m = world.space.meaning(state);
    let u = 0;
    const post = entry.truthPosterior;
    for (let t = 0; t < post.length; t++) if (post[t]! > 0) u += post[t]! * believedUtility(cfg, rater, entry.context, t, m);
    return u;
  };
}

/** A (k, w) slice with its base policy and exact base metrics, reused across (d, h) cells. */
export interface Slice {
  world: World;
  k: number;
  w: number;
  /** The base policy (the human corpus, cached). */
  base: PolicyTable;
  /** Contexts used (all by default; a subset in quick mode). */
  entries: readonly ContextEntry[];
  /** Exact base completion probability (ε^k). */
  baseCompletion: number;
  /** Exact base metrics (rater-independent parts). */
  baseMetrics: WorldMetrics;
}

/** Builds a slice. `contexts`: how many contexts to use (evenly spaced; default all). */
export function makeSlice(k: number, w: number, options: { contexts?: number; overrides?: DeepPartial<WorldConfig> } = {}): Slice {
  const world = manoeuvreWorld(k, w, options.overrides);
  const base = cachedTable(world, corpusTable(world));
  const entries = pickEntries(world, options.contexts);
  const dist = exactDistribution(world, base, base, { entries });
  const baseMetrics = exactMetrics(world, dist);
  return { world, k, w, base, entries, baseCompletion: baseMetrics.completionRate, baseMetrics };
}

function pickEntries(world: World, n: number | undefined): readonly ContextEntry[] {
  const all = world.entries;
  if (n === undefined || n >= all.length) return all;
  if (!(n >= 1)) throw new ConfigError("contexts", n, "an integer ≥ 1");
  const step = all.length / n;
  return Array.from({ length: n }, (_, i) => all[Math.floor(i * step)]!);
}

/** Metrics of one policy in a (d, h) cell, as plain numbers. */
export interface CellMetrics {
  completion: number;
  /** completion / base completion. */
  completionRatio: number;
  meanPrefix: number;
  kl: number;
  sycophancyRate: number;
  exaggerationRate: number;
  hallucinationRate: number;
  inflationGap: number;
  overestimation: number;
  believedUtility: number;
  trueUtility: number;
}

function cellMetrics(slice: Slice, table: PolicyTable, rater: RaterParams): CellMetrics {
  const dist = exactDistribution(slice.world, table, slice.base, { entries: slice.entries, check: false });
  const m = exactMetrics(slice.world, dist, { rater });
  return {
    completion: m.completionRate,
    completionRatio: m.completionRate / slice.baseCompletion,
    meanPrefix: m.meanPrefix,
    kl: m.kl,
    sycophancyRate: m.sycophancyRate,
    exaggerationRate: m.exaggerationRate,
    hallucinationRate: m.hallucinationRate,
    inflationGap: m.inflationGap,
    overestimation: m.overestimation,
    believedUtility: m.believedUtility,
    trueUtility: m.trueUtility,
  };
}

/** The exact KL-regularised optimum in one cell (rater with detection d, appeal h), and its metrics. */
export function exactOptimumCell(slice: Slice, d: number, h: number, beta: number): CellMetrics {
  const rater = cellRater(d, h);
  const opt = softOptimalPolicy(slice.world, slice.base, believedReward(slice.world, rater), beta, { entries: slice.entries });
  return cellMetrics(slice, opt.table, rater);
}

/** Options of the exact phase diagram. */
export interface PhaseOptions {
  /** Detection rates d. */
  ds: readonly number[];
  /** Unnoticed-step appeals h. */
  hs: readonly number[];
  /** Manoeuvre lengths k. */
  ks: readonly number[];
  /** Visible completion payoffs w. */
  ws: readonly number[];
  /** KL coefficient β of the objective. */
  beta: number;
  /** Contexts per slice (default all). */
  contexts?: number;
}

/** One row per (k, w, h, d) cell: exact-optimum completion (absolute, relative to base), prefix, KL, deception. */
export function exactPhaseDiagram(o: PhaseOptions, onProgress?: (done: number, total: number) => void): Row[] {
  const rows: Row[] = [];
  const total = o.ks.length * o.ws.length * o.hs.length * o.ds.length;
  let done = 0;
  for (const k of o.ks)
    for (const w of o.ws) {
      const slice = makeSlice(k, w, { contexts: o.contexts });
      const L = slice.world.config.belief.noticedStepPenalty;
      for (const h of o.hs)
        for (const d of o.ds) {
          const m = exactOptimumCell(slice, d, h, o.beta);
          rows.push({
            k,
            w,
            h,
            d,
            dStar: detectionThreshold(h, L),
            stepValue: (1 - d) * h - d * L,
            baseCompletion: slice.baseCompletion,
            log10Ratio: Math.log10(m.completionRatio),
            ...m,
          });
          onProgress?.(++done, total);
        }
    }
  return rows;
}

/**
 * The measured boundary: the detection rate at which the exact optimum's completion equals
 * the base rate (log ratio = 0), by bisection on d ∈ [0, 1]. Returns null when the sign
 * does not change on [0, 1].
 */
export function exactBoundary(slice: Slice, h: number, beta: number, tolerance = 1e-4): number | null {
  const f = (d: number) => Math.log(exactOptimumCell(slice, d, h, beta).completionRatio);
  let lo = 0;
  let hi = 1;
  let flo = f(lo);
  const fhi = f(hi);
  if (!(flo > 0) || !(fhi < 0)) return null;
  while (hi - lo > tolerance) {
    const mid = (lo + hi) / 2;
    const fm = f(mid);
    if (fm > 0) {
      lo = mid;
      flo = fm;
    } else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Boundary rows: per (k, w, h), measured exact boundary next to d* and d_w. */
export function exactBoundaries(o: Omit<PhaseOptions, "ds">, onProgress?: (done: number, total: number) => void): Row[] {
  const rows: Row[] = [];
  const total = o.ks.length * o.ws.length * o.hs.length;
  let done = 0;
  for (const k of o.ks)
    for (const w of o.ws) {
      const slice = makeSlice(k, w, { contexts: o.contexts });
      const L = slice.world.config.belief.noticedStepPenalty;
      for (const h of o.hs) {
        const measured = exactBoundary(slice, h, o.beta);
        const dStar = detectionThreshold(h, L);
        const dW = wholeManoeuvreThreshold(h, L, w, k);
        rows.push({ k, w, h, dStar, dWhole: dW, measured, errorVsDStar: measured === null ? null : measured - dStar, errorVsDWhole: measured === null ? null : measured - dW });
        onProgress?.(++done, total);
      }
    }
  return rows;
}

/** Claim 5 (ii), exact part: the measured boundary matches d* when w = 0. */
export const CLAIM5_EXACT_BOUNDARY: Hypothesis = {
  claim: 5,
  effect: "largest |measured boundary − d*| of the exact optimum, w = 0, over all (h, k)",
  direction: "below",
  threshold: 0.02,
  thresholdText: "< 0.02 in detection rate",
};

/** Decides the exact-boundary part from boundary rows (w = 0 rows only). */
export function decideExactBoundary(rows: readonly Row[]): { status: VerdictStatus; interval: Interval } {
  const errs = rows.filter((r) => r["w"] === 0).map((r) => r["errorVsDStar"]);
  if (errs.length === 0 || errs.some((e) => typeof e !== "number")) {
    return { status: "inconclusive", interval: { estimate: NaN, lo: NaN, hi: NaN, n: errs.length } };
  }
  const worst = Math.max(...errs.map((e) => Math.abs(e as number)));
  // A deterministic computation: the "interval" is the point itself (bisection tolerance 1e-4 aside).
  const interval = { estimate: worst, lo: worst, hi: worst, n: errs.length };
  return { status: decide(CLAIM5_EXACT_BOUNDARY, interval), interval };
}


/**
 * Phase-diagram spec (pure; rows → Vega-Lite): log10(completion / base) over (d, h), one
 * panel per (k, w), diverging colours centred on 0 (= base rate), clamped to ±`clamp`.
 * The black marks show d* for each h.
 */
export function phaseHeatmapSpec(rows: readonly Row[], options: { value?: string; clamp?: number; title?: string } = {}): Record<string, unknown> {
  const value = options.value ?? "log10Ratio";
  const clamp = options.clamp ?? 3;
  const data = rows.map((r) => {
    const v = r[value] as number;
    return { ...r, shown: Math.max(-clamp, Math.min(clamp, v)), starCell: Math.abs((r["d"] as number) - (r["dStar"] as number)) };
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Exact optimum: log10(completion / base completion)",
    data: { values: data },
    facet: {
      row: { field: "w", type: "ordinal", title: "visible payoff w" },
      column: { field: "k", type: "ordinal", title: "manoeuvre length k" },
    },
    spec: {
      width: 150,
      height: 110,
      layer: [
        {
          mark: "rect",
          encoding: {
            x: { field: "d", type: "ordinal", title: "detection d", axis: { labelAngle: -60, labelFontSize: 8 } },
            y: { field: "h", type: "ordinal", title: "appeal h", sort: "descending" },
            color: { field: "shown", type: "quantitative", title: `log10 ratio (±${clamp})`, scale: { scheme: "redblue", reverse: true, domain: [-clamp, clamp], domainMid: 0 } },
            tooltip: [{ field: "d" }, { field: "h" }, { field: "completion" }, { field: "completionRatio" }, { field: "dStar" }],
          },
        },
      ],
    },
    config: { font: "sans-serif", view: { stroke: null } },
  };
}
