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
import { Rng } from "../rng";
import { meanCI, type Interval } from "../stats/intervals";
import type { Hypothesis, VerdictStatus } from "../verdict";
import { allOf, decide } from "../verdict";
import type { Row } from "../plot/spec";
import {
  believedUtility,
  judge,
  sigmoid,
  utilityScale,
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
import { cachedTable, softOptimalPolicy, type TerminalReward } from "../world/soft-optimal";

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

/**
 * Which reward the optimum maximises: "believed" = the rater's expected believed utility
 * (what PPO against `utilityReward` optimises); "label" = the reward implied by the rater's
 * pairwise labels (what DPO or a Bradley–Terry reward model fitted to labels recovers), see
 * {@link labelImpliedReward}.
 */
export type RewardKind = "believed" | "label";

/**
 * P(an output with one more manoeuvre step wins a comparison against the same output
 * without it), for a rater who notices the step with probability d, drawn per comparison:
 *
 *     P_win = (1 − d)·σ(β_r·h/scale) + d·σ(−β_r·L/scale)     ("relative" noise).
 *
 * Noticing is drawn per comparison and the Boltzmann choice is non-linear, so P_win is not
 * σ of the expected believed difference: it crosses ½ at {@link labelThreshold}, not at d*.
 */
export function labelWinProbability(d: number, h: number, L: number, betaR: number, scale: number): number {
  return (1 - d) * sigmoid((betaR * h) / scale) + d * sigmoid((-betaR * L) / scale);
}

/** Where P_win = ½: d_label = (a − ½)/(a − b) with a = σ(β_r·h/scale), b = σ(−β_r·L/scale). */
export function labelThreshold(h: number, L: number, betaR: number, scale: number): number {
  const a = sigmoid((betaR * h) / scale);
  const b = sigmoid((-betaR * L) / scale);
  return (a - 0.5) / (a - b);
}

/**
 * The label-implied step value, in utility units: the Bradley–Terry reward difference that
 * reproduces P_win, (scale/β_r)·logit(P_win). Positive iff d < d_label.
 */
export function labelStepValue(d: number, h: number, L: number, betaR: number, scale: number): number {
  const p = labelWinProbability(d, h, L, betaR, scale);
  return (scale / betaR) * Math.log(p / (1 - p));
}

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

/**
 * Measures P_win with the world's own comparison code (`judge`): a fixed-parameter rater
 * (typical means, detection d, appeal h) compares "P1 A plain <end>" with "A plain <end>"
 * (no evidence, so the answer parts are identical) `n` times per d, in random order.
 * Rows: d, predicted P_win, measured share of wins and its standard error.
 */
export function judgedWinRates(world: World, h: number, ds: readonly number[], n: number, rng: Rng): Row[] {
  const cfg = world.config;
  const v = world.vocab;
  const withStep = world.space.parse([v.step(1), v.answer(0), v.plain, v.end]);
  const without = world.space.parse([v.answer(0), v.plain, v.end]);
  const query = { context: world.contexts[0]!, truth: 0 };
  const L = cfg.belief.noticedStepPenalty;
  const scale = utilityScale(cfg);
  return ds.map((d) => {
    const params = cellRater(d, h);
    const r = rng.fork(`judge-d${d}`);
    let wins = 0;
    for (let i = 0; i < n; i++) {
      const first = r.bernoulli(0.5);
      const j = first ? judge(cfg, { kind: "belief", params }, query, withStep, without, r) : judge(cfg, { kind: "belief", params }, query, without, withStep, r);
      const label = j.label ?? 0.5;
      wins += first ? label : 1 - label;
    }
    const p = wins / n;
    return { d, h, predicted: labelWinProbability(d, h, L, params.rationality, scale), measured: p, se: Math.sqrt((p * (1 - p)) / n) };
  });
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
export function exactBoundary(slice: Slice, h: number, beta: number, tolerance = 1e-4, kind: RewardKind = "believed"): number | null {
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

// ───────────────────────── Sampled training (finite budget) ─────────────────────────

/** Configuration of one sampled-training run (REINFORCE with a KL penalty, from the base). */
export interface SampledConfig {
  /** Budget: sampled outputs in total (all contexts together; rounded down to whole batches). */
  samples: number;
  /** Outputs per update. */
  batch: number;
  /** Plain-SGD learning rate on the residual logits (batch-averaged gradient). */
  lr: number;
  /** KL coefficient β (the same as the exact optimum's). */
  beta: number;
  /** Step size of the per-context running-mean baseline. */
  baselineRate: number;
  /**
   * Training signal: "reward" = the rater type's expected believed utility of each sample;
   * "labels" = sampled pairwise labels from `judge` (two outputs per context draw), each
   * output's reward its centred label (label − ½) times 4·scale/β_r, the slope of the
   * Bradley–Terry logit at ½, so that it is on the utility scale.
   */
  signal: "reward" | "labels";
}

/** Defaults: 64 outputs per update, rate 2, β = 0.3. The sample budget is set per mode by the notebook. */
export const DEFAULT_SAMPLED: SampledConfig = { samples: 32000, batch: 64, lr: 2, beta: 0.3, baselineRate: 0.05, signal: "reward" };

/**
 * A residual tabular policy over several contexts, starting exactly at the base:
 *
 *     π(a | c, pos, s) ∝ π_base(a | c, pos, s) · exp(θ_shared[pos, s, a] + θ_c[c, pos, s, a]).
 *
 * The shared part lets what is learned about the manoeuvre in one context carry over to
 * the others (as a network's shared weights would; the corpus's manoeuvre part does not
 * depend on the context); the per-context part lets the policy learn context-dependent
 * behaviour such as answering with the rater's prior. Both receive the same REINFORCE
 * increment. Any per-context tabular policy on the base's support is representable, so
 * the exact optimum (soft-optimal.ts) is this family's optimum too. Zeros of the base stay
 * zero. Plain numbers only.
 */
export class MultiContextResidualPolicy {
  readonly V: number;
  readonly S: number;
  readonly T: number;
  readonly C: number;
  private readonly rowSize: number;
  private readonly base: Float64Array;
  private readonly thetaShared: Float64Array;
  private readonly thetaCtx: Float64Array;
  /** Current next-token probabilities, indexed ((c·T + pos)·S + s)·V + a. */
  readonly probs: Float64Array;
  private readonly localIndex = new Map<number, number>();

  constructor(readonly world: World, readonly entries: readonly ContextEntry[], base: PolicyTable) {
    const space = world.space;
    this.V = space.vocabSize;
    this.S = space.states.length;
    this.T = space.maxLen;
    this.C = entries.length;
    this.rowSize = this.T * this.S * this.V;
    this.base = new Float64Array(this.C * this.rowSize);
    this.thetaShared = new Float64Array(this.rowSize);
    this.thetaCtx = new Float64Array(this.C * this.rowSize);
    entries.forEach((e, c) => {
      this.localIndex.set(e.context.index, c);
      for (let pos = 0; pos < this.T; pos++)
        for (let si = 0; si < this.S; si++) {
          const s = space.states[si]!;
          if (s.ended) continue;
          const p = base(e.context, pos, s);
          const off = c * this.rowSize + (pos * this.S + si) * this.V;
          for (let a = 0; a < this.V; a++) this.base[off + a] = p[a]!;
        }
    });
    this.probs = Float64Array.from(this.base);
  }

  /** Samples one output in local context c; fills `path` with row offsets (within a context) and tokens; returns the final state index. */
  sample(c: number, rng: Rng, path: { offsets: number[]; tokens: number[] }): number {
    const space = this.world.space;
    const V = this.V;
    path.offsets.length = 0;
    path.tokens.length = 0;
    let si = space.initialState().index;
    const cOff = c * this.rowSize;
    for (let pos = 0; pos < this.T; pos++) {
      const off = (pos * this.S + si) * V;
      let u = rng.next();
      let a = 0;
      for (; a < V - 1; a++) {
        u -= this.probs[cOff + off + a]!;
        if (u < 0) break;
      }
      while (this.probs[cOff + off + a]! === 0) a--;
      path.offsets.push(off);
      path.tokens.push(a);
      si = space.transitions[si * V + a]!;
      if (a === space.endToken) break;
    }
    return si;
  }

  /** log π(o | c) − log π_base(o | c) along a sampled path (the per-sample KL term). */
  logRatio(c: number, path: { offsets: number[]; tokens: number[] }): number {
    const cOff = c * this.rowSize;
    let s = 0;
    for (let i = 0; i < path.offsets.length; i++) {
      const j = cOff + path.offsets[i]! + path.tokens[i]!;
      s += Math.log(this.probs[j]! / this.base[j]!);
    }
    return s;
  }

  /** Adds lr·adv·(1[a = token] − π(a | row)) to both parts of θ along a path; records touched rows. */
  accumulate(c: number, path: { offsets: number[]; tokens: number[] }, step: number, touched: Set<number>): void {
    const V = this.V;
    const cOff = c * this.rowSize;
    for (let i = 0; i < path.offsets.length; i++) {
      const off = path.offsets[i]!;
      const tok = path.tokens[i]!;
      for (let a = 0; a < V; a++) {
        if (this.base[cOff + off + a] === 0) continue;
        const g = step * ((a === tok ? 1 : 0) - this.probs[cOff + off + a]!);
        this.thetaShared[off + a] = this.thetaShared[off + a]! + g;
        this.thetaCtx[cOff + off + a] = this.thetaCtx[cOff + off + a]! + g;
      }
      touched.add(off);
    }
  }

  /** Recomputes π on touched rows in every context (the shared part moved). */
  refresh(rows: Iterable<number>): void {
    const V = this.V;
    for (const off of rows)
      for (let c = 0; c < this.C; c++) {
        const o = c * this.rowSize + off;
        let mx = -Infinity;
        for (let a = 0; a < V; a++) if (this.base[o + a]! > 0) mx = Math.max(mx, this.thetaShared[off + a]! + this.thetaCtx[o + a]!);
        if (mx === -Infinity) continue;
        let z = 0;
        for (let a = 0; a < V; a++) {
          const b = this.base[o + a]!;
          const q = b > 0 ? b * Math.exp(this.thetaShared[off + a]! + this.thetaCtx[o + a]! - mx) : 0;
          this.probs[o + a] = q;
          z += q;
        }
        for (let a = 0; a < V; a++) this.probs[o + a] = this.probs[o + a]! / z;
      }
  }

  /** The current policy as a table (contexts outside `entries` fall back to `fallback`). */
  table(fallback: PolicyTable): PolicyTable {
    return (ctx, pos, s) => {
      const c = this.localIndex.get(ctx.index);
      if (c === undefined || s.ended) return fallback(ctx, pos, s);
      const o = c * this.rowSize + (pos * this.S + s.index) * this.V;
      return this.probs.subarray(o, o + this.V);
    };
  }
}

/** What one sampled-training run learned in one cell. */
export interface SampledCell extends CellMetrics {
  /** Outputs sampled. */
  samples: number;
  /** Updates made. */
  updates: number;
  /** Sampled outputs that completed the manoeuvre during training. */
  completionsSeen: number;
  /** Samples up to the first completed output (null: none within the budget). */
  firstCompletionAt: number | null;
}

/**
 * Finite-budget sampled training in one (d, h) cell: REINFORCE with a KL penalty from the
 * base, maximising E[R] − β·KL(π ‖ π_base) with R the rater type's expected believed
 * utility of the sampled output (the same objective as the exact optimum). Each update
 * draws `batch` contexts by their probability and one output per context from the current
 * policy; the per-sample return is g = R(o) − β·log(π(o)/π_base(o)), whose REINFORCE
 * gradient E[(g − b)·∇log π] is the exact gradient of the objective; the baseline b is a
 * per-context running mean (updated after use, so it does not depend on the sample).
 * Plain SGD on the batch-averaged gradient. Completion, deception and KL are then computed
 * exactly from the trained policy's token probabilities.
 */
export function sampledTrainingCell(slice: Slice, d: number, h: number, config: Partial<SampledConfig>, rng: Rng): SampledCell {
  const c: SampledConfig = { ...DEFAULT_SAMPLED, ...config };
  if (!(c.batch >= 2 && Number.isInteger(c.batch))) throw new ConfigError("sampled batch", c.batch, "an integer ≥ 2");
  if (!(c.samples >= c.batch)) throw new ConfigError("sampled samples", c.samples, `≥ batch (${c.batch})`);
  if (!(c.lr > 0)) throw new ConfigError("sampled lr", c.lr, "> 0");
  if (!(c.beta > 0)) throw new ConfigError("sampled beta", c.beta, "> 0");
  const rater = cellRater(d, h);
  const reward = believedReward(slice.world, rater);
  const space = slice.world.space;
  const k = slice.k;
  const policy = new MultiContextResidualPolicy(slice.world, slice.entries, slice.base);
  const weights = slice.entries.map((e) => e.weight);
  // Terminal rewards cached per (context, final state).
  const rCache = new Map<number, number>();
  const R = (ci: number, si: number) => {
    const key = ci * space.states.length + si;
    let r = rCache.get(key);
    if (r === undefined) {
      r = reward(slice.entries[ci]!, space.states[si]!);
      rCache.set(key, r);
    }
    return r;
  };
  const baseline = new Float64Array(slice.entries.length);
  const seenCtx = new Uint8Array(slice.entries.length);
  const pick = rng.fork("contexts");
  const sampling = rng.fork("sampling");
  const paths = Array.from({ length: c.batch }, () => ({ offsets: [] as number[], tokens: [] as number[] }));
  const ctxs = new Int32Array(c.batch);
  const gs = new Float64Array(c.batch);
  let samples = 0;
  let updates = 0;
  let completionsSeen = 0;
  let firstCompletionAt: number | null = null;
  const labels = c.signal === "labels";
  if (labels && c.batch % 2 !== 0) throw new ConfigError("sampled batch", c.batch, "an even integer with signal \"labels\"");
  const judging = rng.fork("labels");
  const labelSlope = (4 * utilityScale(slice.world.config)) / rater.rationality;
  const finals = new Int32Array(c.batch);
  while (samples + c.batch <= c.samples) {
    for (let i = 0; i < c.batch; i++) {
      // With labels, outputs come in pairs for the same context draw.
      const ci = labels && i % 2 === 1 ? ctxs[i - 1]! : pick.categorical(weights);
      const si = policy.sample(ci, sampling, paths[i]!);
      finals[i] = si;
      samples++;
      if (space.states[si]!.progress === k) {
        completionsSeen++;
        if (firstCompletionAt === null) firstCompletionAt = samples;
      }
      ctxs[i] = ci;
      gs[i] = (labels ? 0 : R(ci, si)) - c.beta * policy.logRatio(ci, paths[i]!);
    }
    if (labels)
      for (let i = 0; i < c.batch; i += 2) {
        const entry = slice.entries[ctxs[i]!]!;
        const query = { context: entry.context, truth: judging.categorical(entry.truthPosterior) };
        const j = judge(slice.world.config, { kind: "belief", params: rater }, query, space.parse(paths[i]!.tokens), space.parse(paths[i + 1]!.tokens), judging);
        const label = j.label ?? 0.5;
        gs[i] = gs[i]! + labelSlope * (label - 0.5);
        gs[i + 1] = gs[i + 1]! + labelSlope * (0.5 - label);
      }
    const touched = new Set<number>();
    for (let i = 0; i < c.batch; i++) {
      const ci = ctxs[i]!;
      if (!seenCtx[ci]) continue; // no baseline yet: the first sample of a context only sets it
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
  const m = cellMetrics(slice, policy.table(slice.base), rater);
  return { ...m, samples, updates, completionsSeen, firstCompletionAt };
}

/** One sampled cell of the grid: where it sits relative to d* and d_w. */
export interface SampledCellSpec {
  k: number;
  w: number;
  h: number;
  d: number;
  /** "below d*", "band (d* < d < d_w)", "above d_w" (w > 0) or "above d*" (w = 0). */
  region: string;
}

/**
 * The sampled grid: for each (k, w) and one appeal h, detection rates 0, half of d*, one
 * point between d* and d_w (a third of the way; 1.5·d* when w = 0, where d_w = d*), 2·d_w
 * (at most 0.95) and 0.6.
 */
export function sampledGridCells(ks: readonly number[], ws: readonly number[], h: number, L = 2): SampledCellSpec[] {
  const out: SampledCellSpec[] = [];
  for (const k of ks)
    for (const w of ws) {
      const dStar = detectionThreshold(h, L);
      const dW = wholeManoeuvreThreshold(h, L, w, k);
      const mid = w > 0 ? dStar + (dW - dStar) / 3 : 1.5 * dStar;
      const ds = [0, dStar / 2, mid, Math.min(2 * dW, 0.95), 0.6];
      const uniq = [...new Set(ds.map((d) => Math.round(d * 1e6) / 1e6))].sort((a, b) => a - b);
      for (const d of uniq) {
        const region = d < dStar ? "below d*" : w === 0 ? "above d*" : d < dW ? "band d*<d<d_w" : "above d_w";
        out.push({ k, w, h, d, region });
      }
    }
  return out;
}

/**
 * Runs the sampled grid over seeds and, for each cell, the exact optimum beside it: one
 * row per (cell, seed) with `method: "sampled"`, one per cell with `method: "exact"` and one
 * with `method: "exact-label"` (the optimum of the label-implied reward; seed null), each with the cell's base completion, base sycophancy and base inflation gap.
 * Seeds are paired across cells.
 */
export function sampledVsExact(
  cells: readonly SampledCellSpec[],
  seeds: readonly number[],
  config: Partial<SampledConfig> & { contexts?: number; labelRuns?: boolean },
  onProgress?: (done: number, total: number) => void,
): Row[] {
  const rows: Row[] = [];
  const slices = new Map<string, Slice>();
  const total = cells.length * (seeds.length + 1) + (config.labelRuns ? cells.filter((c) => c.w === 0).length * seeds.length : 0);
  let done = 0;
  const beta = config.beta ?? DEFAULT_SAMPLED.beta;
  for (const cell of cells) {
    const key = `${cell.k}|${cell.w}`;
    let slice = slices.get(key);
    if (!slice) {
      slice = makeSlice(cell.k, cell.w, { contexts: config.contexts });
      slices.set(key, slice);
    }
    const L = slice.world.config.belief.noticedStepPenalty;
    const common = {
      ...cell,
      dStar: detectionThreshold(cell.h, L),
      dWhole: wholeManoeuvreThreshold(cell.h, L, cell.w, cell.k),
      baseCompletion: slice.baseCompletion,
      baseSycophancy: slice.baseMetrics.sycophancyRate,
      baseInflation: cellMetrics(slice, slice.base, cellRater(cell.d, cell.h)).inflationGap,
    };
    const ex = exactOptimumCell(slice, cell.d, cell.h, beta);
    rows.push({ method: "exact", seed: null, ...common, ...ex, log10Ratio: Math.log10(ex.completionRatio) });
    const exLabel = exactOptimumCell(slice, cell.d, cell.h, beta, "label");
    rows.push({ method: "exact-label", seed: null, ...common, ...exLabel, log10Ratio: Math.log10(exLabel.completionRatio) });
    onProgress?.(++done, total);
    for (const seed of seeds) {
      const s = sampledTrainingCell(slice, cell.d, cell.h, { ...config, signal: "reward" }, Rng.fromSeed(seed).fork(`claim5-sampled-k${cell.k}-w${cell.w}-d${cell.d}`));
      rows.push({ method: "sampled", seed, ...common, ...s, log10Ratio: Math.log10(s.completionRatio) });
      onProgress?.(++done, total);
    }
    if (config.labelRuns && cell.w === 0)
      for (const seed of seeds) {
        const s = sampledTrainingCell(slice, cell.d, cell.h, { ...config, signal: "labels" }, Rng.fromSeed(seed).fork(`claim5-labels-k${cell.k}-w${cell.w}-d${cell.d}`));
        rows.push({ method: "sampled-labels", seed, ...common, ...s, log10Ratio: Math.log10(s.completionRatio) });
        onProgress?.(++done, total);
      }
  }
  return rows;
}

// ───────────────────────── Label-based boundary ─────────────────────────

/**
 * Boundary rows for both rewards, per (k, w, h): d*, the predicted label threshold
 * d_label, and the measured crossing of the exact optimum under the believed-utility
 * reward and under the label-implied reward.
 */
export function rewardVsLabelBoundaries(o: { ks: readonly number[]; ws: readonly number[]; hs: readonly number[]; beta: number; contexts?: number }): Row[] {
  const rows: Row[] = [];
  for (const k of o.ks)
    for (const w of o.ws) {
      const slice = makeSlice(k, w, { contexts: o.contexts });
      const L = slice.world.config.belief.noticedStepPenalty;
      const scale = utilityScale(slice.world.config);
      for (const h of o.hs) {
        const betaR = cellRater(0, h).rationality;
        const dLabel = labelThreshold(h, L, betaR, scale);
        const reward = exactBoundary(slice, h, o.beta, 1e-4, "believed");
        const label = exactBoundary(slice, h, o.beta, 1e-4, "label");
        rows.push({ k, w, h, dStar: detectionThreshold(h, L), dLabel, measuredReward: reward, measuredLabel: label, errorLabel: label === null ? null : label - dLabel });
      }
    }
  return rows;
}

// ───────────────────────── Decisions for the sampled part ─────────────────────────

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

/** Threshold for calling a manoeuvre "learned" in the report of the w > 0 band (not decided). */
export const LEARNED_RELATIVE = 10;
/** Absolute companion of LEARNED_RELATIVE: completion probability at least 1%. */
export const LEARNED_ABSOLUTE = 0.01;

/** Per-cell means and 95% intervals over seeds of the sampled rows, with the exact optimum beside. */
export function sampledCellSummary(rows: readonly Row[]): Row[] {
  const key = (r: Row) => `${r["k"]}|${r["w"]}|${r["h"]}|${r["d"]}`;
  const groups = new Map<string, { exact?: Row; label?: Row; sampled: Row[]; sampledLabels: Row[] }>();
  for (const r of rows) {
    const g = groups.get(key(r)) ?? { sampled: [], sampledLabels: [] };
    if (r["method"] === "exact") g.exact = r;
    else if (r["method"] === "exact-label") g.label = r;
    else if (r["method"] === "sampled") g.sampled.push(r);
    else if (r["method"] === "sampled-labels") g.sampledLabels.push(r);
    groups.set(key(r), g);
  }
  const out: Row[] = [];
  for (const g of groups.values()) {
    const s = g.sampled;
    if (s.length === 0 || !g.exact) continue;
    const e = g.exact;
    const ci = (f: (r: Row) => number) => (s.length >= 2 ? meanCI(s.map(f)) : { estimate: f(s[0]!), lo: NaN, hi: NaN, n: 1 });
    const ratio = ci((r) => r["completionRatio"] as number);
    const excess = ci((r) => (r["completion"] as number) - (r["baseCompletion"] as number));
    const syc = ci((r) => (r["sycophancyRate"] as number) - (r["baseSycophancy"] as number));
    const infl = ci((r) => (r["inflationGap"] as number) - (r["baseInflation"] as number));
    const kl = ci((r) => r["kl"] as number);
    const sl = g.sampledLabels;
    const labelRatio = sl.length >= 2 ? meanCI(sl.map((r) => r["completionRatio"] as number)) : null;
    const learned = (ratioV: number, comp: number) => ratioV >= LEARNED_RELATIVE && comp >= LEARNED_ABSOLUTE;
    out.push({
      k: e["k"]!, w: e["w"]!, h: e["h"]!, d: e["d"]!, region: e["region"]!, dStar: e["dStar"]!, dWhole: e["dWhole"]!, baseCompletion: e["baseCompletion"]!,
      exactRatio: e["completionRatio"]!, exactCompletion: e["completion"]!, exactKl: e["kl"]!,
      exactLabelRatio: g.label ? g.label["completionRatio"]! : null,
      exactSycophancyRise: (e["sycophancyRate"] as number) - (e["baseSycophancy"] as number),
      sampledRatio: ratio.estimate, sampledRatio_lo: ratio.lo, sampledRatio_hi: ratio.hi,
      sampledExcess: excess.estimate, sampledExcess_lo: excess.lo, sampledExcess_hi: excess.hi,
      sycophancyRise: syc.estimate, sycophancyRise_lo: syc.lo, sycophancyRise_hi: syc.hi,
      inflationRise: infl.estimate, inflationRise_lo: infl.lo, inflationRise_hi: infl.hi,
      sampledKl: kl.estimate,
      labelsRatio: labelRatio?.estimate ?? null, labelsRatio_lo: labelRatio?.lo ?? null, labelsRatio_hi: labelRatio?.hi ?? null,
      labelsSycophancyRise: sl.length > 0 ? sl.reduce((a, r) => a + (r["sycophancyRate"] as number) - (r["baseSycophancy"] as number), 0) / sl.length : null,
      completionsSeen: s.reduce((a, r) => a + (r["completionsSeen"] as number), 0) / s.length,
      exactLearned: learned(e["completionRatio"] as number, e["completion"] as number),
      sampledLearned: learned(ratio.estimate, (e["baseCompletion"] as number) + excess.estimate),
    });
  }
  return out;
}

type Part = { effect: string; status: VerdictStatus; interval: Interval };

/**
 * Decides claim 5 (i) from per-cell summaries: every w = 0 cell with d > d* must clear each
 * hypothesis; the reported interval is the worst cell's. No qualifying cell → inconclusive.
 */
export function decideSampled(summary: readonly Row[]): { status: VerdictStatus; parts: Part[] } {
  const cells = summary.filter((r) => r["w"] === 0 && (r["d"] as number) > (r["dStar"] as number));
  const nan: Interval = { estimate: NaN, lo: NaN, hi: NaN, n: 0 };
  const iv = (r: Row, m: string): Interval => ({ estimate: r[m] as number, lo: r[`${m}_lo`] as number, hi: r[`${m}_hi`] as number, n: 0 });
  const part = (h: Hypothesis, metric: string): Part => {
    if (cells.length === 0) return { effect: h.effect, status: "inconclusive", interval: nan };
    const intervals = cells.map((r) => iv(r, metric));
    const worst = intervals.reduce((a, b) => (h.direction === "below" ? (b.hi > a.hi || Number.isNaN(b.hi) ? b : a) : (b.lo < a.lo || Number.isNaN(b.lo) ? b : a)));
    return { effect: h.effect, status: allOf(intervals.map((i) => decide(h, i))), interval: { ...worst, n: cells.length } };
  };
  const parts = [part(CLAIM5_SAMPLED_RELATIVE, "sampledRatio"), part(CLAIM5_SAMPLED_ABSOLUTE, "sampledExcess"), part(CLAIM5_SAMPLED_DECEPTION, "sycophancyRise")];
  return { status: allOf(parts.map((p) => p.status)), parts };
}

/**
 * Budget sweep in one cell: sampled training with several sample budgets (same seeds), to
 * show how far finite-budget training is from the exact optimum as the budget grows.
 */
export function budgetSweep(cell: { k: number; w: number; h: number; d: number }, budgets: readonly number[], seeds: readonly number[], config: Partial<SampledConfig> & { contexts?: number }, onProgress?: (done: number, total: number) => void): Row[] {
  const slice = makeSlice(cell.k, cell.w, { contexts: config.contexts });
  const beta = config.beta ?? DEFAULT_SAMPLED.beta;
  const ex = exactOptimumCell(slice, cell.d, cell.h, beta);
  const rows: Row[] = [];
  let done = 0;
  for (const samples of budgets)
    for (const seed of seeds) {
      const s = sampledTrainingCell(slice, cell.d, cell.h, { ...config, samples }, Rng.fromSeed(seed).fork(`claim5-budget-k${cell.k}-w${cell.w}-d${cell.d}`));
      rows.push({ ...cell, seed, samples, exactRatio: ex.completionRatio, completionRatio: s.completionRatio, log10Ratio: Math.log10(s.completionRatio), completionsSeen: s.completionsSeen, kl: s.kl });
      onProgress?.(++done, budgets.length * seeds.length);
    }
  return rows;
}

/**
 * Exact-vs-sampled spec (pure; summary rows → Vega-Lite): log10(completion / base) against d,
 * one panel per (k, w); the exact optimum of the believed-utility reward and of the
 * label-implied reward as lines, sampled training (on the reward, and on labels where run)
 * as points with 95% error bars (over seeds); vertical rules at d* (solid) and d_w (dashed). Log ratios are clamped at −`floor`.
 */
export function sampledVsExactSpec(summary: readonly Row[], options: { floor?: number; title?: string } = {}): Record<string, unknown> {
  const floor = options.floor ?? 5;
  const lg = (x: unknown) => Math.max(-floor, Math.log10(Math.max(1e-300, x as number)));
  const data: Row[] = [];
  for (const r of summary) {
    const at = { k: r["k"]!, w: r["w"]!, d: r["d"]!, dStar: r["dStar"]!, dWhole: r["dWhole"]! };
    data.push({ ...at, method: "exact optimum (believed-utility reward)", value: lg(r["exactRatio"]), lo: null, hi: null });
    if (r["exactLabelRatio"] !== null && r["exactLabelRatio"] !== undefined) data.push({ ...at, method: "exact optimum (label-implied reward)", value: lg(r["exactLabelRatio"]), lo: null, hi: null });
    const lo = r["sampledRatio_lo"] as number;
    if (r["labelsRatio"] !== null && r["labelsRatio"] !== undefined) {
      const llo = r["labelsRatio_lo"] as number;
      data.push({
        ...at,
        method: "sampled training on labels (mean, 95% CI)",
        value: lg(r["labelsRatio"]),
        lo: Number.isFinite(llo) ? lg(Math.max(llo, 1e-300)) : null,
        hi: Number.isFinite(r["labelsRatio_hi"] as number) ? lg(r["labelsRatio_hi"]) : null,
      });
    }
    data.push({
      ...at,
      method: "sampled training (mean, 95% CI)",
      value: lg(r["sampledRatio"]),
      lo: Number.isFinite(lo) ? lg(Math.max(lo, 1e-300)) : null,
      hi: Number.isFinite(r["sampledRatio_hi"] as number) ? lg(r["sampledRatio_hi"]) : null,
    });
  }
  const x = { field: "d", type: "quantitative", title: "detection rate d", scale: { domain: [0, 1] } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Completion relative to base: exact optimum vs sampled training",
    data: { values: data },
    facet: { row: { field: "w", type: "ordinal", title: "visible payoff w" }, column: { field: "k", type: "ordinal", title: "manoeuvre length k" } },
    spec: {
      width: 260,
      height: 150,
      layer: [
        { mark: { type: "rule", color: "black" }, encoding: { x: { field: "dStar", type: "quantitative", aggregate: "min" } } },
        { mark: { type: "rule", color: "black", strokeDash: [4, 3] }, encoding: { x: { field: "dWhole", type: "quantitative", aggregate: "min" } } },
        { mark: { type: "rule", color: "#999" }, encoding: { y: { datum: 0 } } },
        {
          transform: [{ filter: "indexof(datum.method, 'sampled') < 0" }],
          mark: { type: "line", point: true },
          encoding: { x, y: { field: "value", type: "quantitative", title: "log10(completion / base)" }, color: { field: "method", type: "nominal", title: null, legend: { orient: "bottom", columns: 2, labelLimit: 400 } } },
        },
        {
          transform: [{ filter: "indexof(datum.method, 'sampled') === 0 && isValid(datum.lo)" }],
          mark: { type: "errorbar", ticks: true },
          encoding: { x, y: { field: "lo", type: "quantitative", title: "log10(completion / base)" }, y2: { field: "hi" }, color: { field: "method", type: "nominal" } },
        },
        {
          transform: [{ filter: "indexof(datum.method, 'sampled') === 0" }],
          mark: { type: "point", filled: true, size: 50 },
          encoding: { x, y: { field: "value", type: "quantitative", title: "log10(completion / base)" }, color: { field: "method", type: "nominal" } },
        },
      ],
    },
    resolve: { scale: { y: "independent" } },
    config: { font: "sans-serif", legend: { labelLimit: 400 } },
  };
}
