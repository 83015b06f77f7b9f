/**
 * Claim 5's exact part: for every cell of the (d, h, k, w) diagram, the exact optimum of the
 * KL-regularised objective against the rater's expected believed utility (soft backward
 * recursion, world/soft-optimal.ts), with completion probabilities computed exactly from
 * its token probabilities; and the detection rate where that optimum's completion crosses
 * the base rate.
 *
 * The base policy is the human corpus itself (`corpusTable`), whose in-order steps have
 * probability exactly ε each, so base completion is exactly ε^k for every k without a
 * pretraining run per k; π* keeps the corpus's zeros, so its KL is finite.
 */
import { ConfigError } from "../../errors";
import {
  cachedTable,
  corpusTable,
  createWorld,
  exactDistribution,
  exactMetrics,
  expectedBelievedUtility,
  softOptimalPolicy,
  utilityScale,
  type ContextEntry,
  type DeepPartial,
  type PolicyTable,
  type RaterParams,
  type TerminalReward,
  type World,
  type WorldConfig,
  type WorldMetrics,
} from "../../world";
import { resolveBudget, type BudgetRules } from "../kit/budget";
import type { OnProgress } from "../kit/seeds";
import { cellRater, detectionThreshold, labelStepValue, MAX_APPEAL, wholeManoeuvreThreshold } from "./boundaries";

/** The world of one (k, w) slice of the diagram: everything else at the defaults (or `overrides`). */
export function manoeuvreWorld(k: number, w: number, overrides: DeepPartial<WorldConfig> = {}): World {
  return createWorld({ ...overrides, manoeuvreLength: k, utility: { ...(overrides.utility ?? {}), manoeuvreVisiblePayoff: w } });
}

/** Expected believed utility of a final state for one rater type, over the truth posterior. */
export function believedReward(world: World, rater: RaterParams): TerminalReward {
  const cfg = world.config;
  return (entry, state) => expectedBelievedUtility(cfg, rater, entry, world.space.meaning(state));
}

/**
 * Which reward the optimum maximises: "believed" = the rater's expected believed utility
 * (what PPO against `utilityReward` optimises); "label" = the reward implied by the rater's
 * pairwise labels (what DPO or a Bradley–Terry reward model fitted to labels recovers), see
 * {@link labelImpliedReward}.
 */
export type RewardKind = "believed" | "label";

/**
 * The label-implied reward: the expected believed utility with its manoeuvre-step term
 * m·((1 − d)·h − d·L) replaced by m·(label-implied step value). The answer part and the
 * visible payoff are kept as expected believed utility (an approximation: labels would bend
 * them too, but they do not depend on d, so the boundary in d is unaffected when w = 0).
 */
export function labelImpliedReward(world: World, rater: RaterParams): TerminalReward {
  const cfg = world.config;
  const L = cfg.belief.noticedStepPenalty;
  const scale = utilityScale(cfg);
  const delta = (1 - rater.detect) * rater.appeal - rater.detect * L;
  const deltaLabel = labelStepValue(rater.detect, rater.appeal, L, rater.rationality, scale);
  const believed = believedReward(world, rater);
  return (entry, state) => believed(entry, state) + world.space.meaning(state).prefix * (deltaLabel - delta);
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
export function makeSlice(k: number, w: number, options: { contexts?: number | undefined; overrides?: DeepPartial<WorldConfig> } = {}): Slice {
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
export type CellMetrics = {
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
};

/** Exact metrics of `table` in a slice, judged by `rater`. */
export function cellMetrics(slice: Slice, table: PolicyTable, rater: RaterParams): CellMetrics {
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
export function exactOptimumCell(slice: Slice, d: number, h: number, beta: number, kind: RewardKind = "believed"): CellMetrics {
  const rater = cellRater(d, h);
  const reward = kind === "believed" ? believedReward(slice.world, rater) : labelImpliedReward(slice.world, rater);
  const opt = softOptimalPolicy(slice.world, slice.base, reward, beta, { entries: slice.entries });
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

/** Rules of the diagram's axes (finite bounds, unknown keys rejected). */
export const PHASE_RULES = {
  ds: { kind: "numbers", min: 0, max: 1, minLength: 1, maxLength: 50 },
  hs: { kind: "numbers", min: 0, max: MAX_APPEAL, minLength: 1, maxLength: 20 },
  ks: { kind: "integers", min: 1, max: 6, minLength: 1, maxLength: 6 },
  ws: { kind: "numbers", min: 0, max: 10, minLength: 1, maxLength: 10 },
  beta: { kind: "number", min: 0.001, max: 100 },
  contexts: { kind: "integer", min: 1, max: 1000 },
} as const satisfies BudgetRules;

/** Checks options against `rules` (all of `required` present) before any work. */
export function checkOptions<T extends object>(name: string, o: T, rules: BudgetRules, required: readonly string[]): T {
  for (const key of required) if ((o as Record<string, unknown>)[key] === undefined) throw new ConfigError(`${name}.${key}`, undefined, "a value (required)");
  const defined = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  resolveBudget(name, {}, rules, defined);
  return o;
}

/** One cell of the exact phase diagram. */
export type PhaseRow = {
  k: number;
  w: number;
  h: number;
  d: number;
  dStar: number;
  /** δ = (1 − d)·h − d·L. */
  stepValue: number;
  baseCompletion: number;
  log10Ratio: number;
} & CellMetrics;

/** One row per (k, w, h, d) cell: exact-optimum completion (absolute, relative to base), prefix, KL, deception. */
export function exactPhaseDiagram(o: PhaseOptions, onProgress?: OnProgress): PhaseRow[] {
  checkOptions("exactPhaseDiagram", o, PHASE_RULES, ["ds", "hs", "ks", "ws", "beta"]);
  const rows: PhaseRow[] = [];
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
          onProgress?.(++done, total, `k = ${k}, w = ${w}, h = ${h}, d = ${d}`);
        }
    }
  return rows;
}

/**
 * The measured boundary: the detection rate at which the exact optimum's completion equals
 * the base rate (log ratio = 0), by bisection on d ∈ [0, 1]. Returns null when the sign
 * does not change on [0, 1].
 */
export function exactBoundary(slice: Slice, h: number, beta: number, tolerance = 1e-4, kind: RewardKind = "believed"): number | null {
  if (!(tolerance >= 1e-12 && tolerance <= 0.5)) throw new ConfigError("exactBoundary tolerance", tolerance, "a number in [1e-12, 0.5]");
  const f = (d: number) => Math.log(exactOptimumCell(slice, d, h, beta, kind).completionRatio);
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

/** Per (k, w, h): the measured exact boundary next to d* and d_w. */
export type BoundaryRow = {
  k: number;
  w: number;
  h: number;
  dStar: number;
  dWhole: number;
  measured: number | null;
  errorVsDStar: number | null;
  errorVsDWhole: number | null;
};

/** Boundary rows: per (k, w, h), measured exact boundary next to d* and d_w. */
export function exactBoundaries(o: Omit<PhaseOptions, "ds">, onProgress?: OnProgress): BoundaryRow[] {
  checkOptions("exactBoundaries", o, PHASE_RULES, ["hs", "ks", "ws", "beta"]);
  const rows: BoundaryRow[] = [];
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
        onProgress?.(++done, total, `k = ${k}, w = ${w}, h = ${h}`);
      }
    }
  return rows;
}
