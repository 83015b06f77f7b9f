/**
 * Reading claim 1 (version 2) at both levels. Incentive level: the exact optimum of each
 * labeller's limit at the read points (no seeds). Transmission level: each seed's trained
 * metric-versus-KL curve (the base model is its KL-0 point) interpolated at the read
 * points, paired over seeds. The same parts at both levels; pure functions of the results
 * and the thresholds, so a verdict can be recomputed from saved results.
 */
import { meanCI, mean, type Interval } from "../../stats/intervals";
import { allOf, decide, type Hypothesis } from "../../verdict";
import { bandChart, type VlSpec } from "../../plot/spec";
import { interpolateAt } from "../kit/seeds";
import { exactPart, makePart, twoLevelDecision, type Decision, type Level, type Part } from "../kit/contract";
import { MATCHING_BEHAVIOUR, RNO_THRESHOLDS, type AblatedBias, type RnoThresholds } from "./budget";
import type { RnoIncentive } from "./incentive";
import type { RnoBaseRow, RnoMetricName, RnoOfflineRow, RnoRow } from "./run";

/** What claim 1's `run` returns: both levels. */
export interface RatersNotOutcomesResults {
  incentive: RnoIncentive;
  trained: RnoRow[];
}

const isBase = (r: RnoRow): r is RnoBaseRow & RnoRow => r.method === "base";
const isRun = (r: RnoRow): r is RnoOfflineRow & RnoRow => r.method === "offline";

// ---------------------------------------------------------------- transmission reads

/**
 * The value of `metric` at KL `at` on one seed's trained curve for one labeller (its β
 * runs, with the base model as the KL-0 point). Null when `at` is beyond the largest KL
 * that seed reached, or the labeller did not run on that seed.
 */
export function atKl(rows: readonly RnoRow[], seed: number, labeller: string, metric: RnoMetricName, at: number): number | null {
  const pts: { x: number; y: number }[] = [];
  let runs = 0;
  for (const r of rows) {
    if (r.seed !== seed) continue;
    if (isBase(r)) pts.push({ x: 0, y: r[metric] });
    else if (r.labeller === labeller) {
      pts.push({ x: r.kl, y: r[metric] });
      runs++;
    }
  }
  return runs === 0 ? null : interpolateAt(pts, at);
}

/** Seeds present in the rows, ascending. */
export function seedsOf(rows: readonly RnoRow[]): number[] {
  return [...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b);
}

/** Per-seed values of f (seeds where any needed point is missing are dropped), with a 95% interval. */
export function perSeedCI(rows: readonly RnoRow[], f: (seed: number) => number | null): Interval & { values: number[] } {
  const values = seedsOf(rows).map(f).filter((x): x is number => x !== null && Number.isFinite(x));
  if (values.length === 0) return { estimate: NaN, lo: NaN, hi: NaN, n: 0, values };
  return { ...meanCI(values), values };
}

/** Base value of a metric for one seed. */
function baseValue(rows: readonly RnoRow[], seed: number, metric: RnoMetricName): number | null {
  const r = rows.find((x) => x.seed === seed && isBase(x));
  return r && isBase(r) ? r[metric] : null;
}

/** Trained growth of `metric` over the seed's base at KL `kl` for one labeller. */
export function trainedGrowth(rows: readonly RnoRow[], seed: number, labeller: string, metric: RnoMetricName, kl: number): number | null {
  const x = atKl(rows, seed, labeller, metric, kl), b0 = baseValue(rows, seed, metric);
  return x === null || b0 === null ? null : x - b0;
}

// ---------------------------------------------------------------- incentive reads

/** The exact value of `metric` for a labeller's optimum at KL `kl` (null if not computed or unreachable). */
export function exactAt(inc: RnoIncentive, labeller: string, metric: RnoMetricName, kl: number): number | null {
  const r = inc.rows.find((x) => x.point === "read" && x.labeller === labeller && Math.abs(x.kl - kl) <= 1e-3 * kl);
  return r ? r[metric] : null;
}

/** Exact growth of `metric` over the corpus at KL `kl`. */
export function exactGrowth(inc: RnoIncentive, labeller: string, metric: RnoMetricName, kl: number): number | null {
  const x = exactAt(inc, labeller, metric, kl);
  return x === null ? null : x - inc.base[metric];
}

/** Least-squares slope of ys on xs (null with fewer than two distinct xs). */
export function olsSlope(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length || xs.length < 2) return null;
  const mx = mean(xs), my = mean(ys);
  let sxx = 0, sxy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  return sxx > 0 ? sxy / sxx : null;
}

/** The fixed v values present among a run's labellers (names "rater, v = …"), ascending. */
export function verifyValuesOf(names: Iterable<string>): number[] {
  return [...new Set([...names].filter((n) => n.startsWith("rater, v = ")).map((n) => Number(n.slice("rater, v = ".length))))].sort((a, b) => a - b);
}

// ---------------------------------------------------------------- parts

/** The behaviours of the "rater raises / oracle does not" parts, with their threshold keys. */
export const RNO_BEHAVIOURS: { key: "sycophancy" | "exaggeration" | "fabrication" | "inflationGap"; metric: RnoMetricName; label: string }[] = [
  { key: "sycophancy", metric: "sycophancyRate", label: "sycophancy rate" },
  { key: "exaggeration", metric: "exaggerationRate", label: "exaggeration rate" },
  { key: "fabrication", metric: "fabricationRate", label: "fabrication rate" },
  { key: "inflationGap", metric: "inflationGap", label: "inflation gap" },
];

/** The quantities behind each part, at one level: `value(seed)` for trained parts, `value()` exactly. */
interface PartSpec {
  /** Key without the level, e.g. "rater/fabrication". */
  name: string;
  effect: string;
  direction: "above" | "below";
  threshold: number;
}

/** What each part of claim 1 measures (the same at both levels), for the labellers present. */
export function ratersNotOutcomesPartSpecs(labellers: ReadonlySet<string>, t: RnoThresholds = RNO_THRESHOLDS): PartSpec[] {
  const specs: PartSpec[] = [];
  for (const bh of RNO_BEHAVIOURS) specs.push({ name: `rater/${bh.key}`, effect: `rater raises ${bh.label} over the base at KL ${t.kl}`, direction: "above", threshold: t[bh.key] });
  for (const bh of RNO_BEHAVIOURS) specs.push({ name: `oracle/${bh.key}`, effect: `oracle does not raise ${bh.label} over the base at KL ${t.kl}`, direction: "below", threshold: t[bh.key] });
  specs.push({ name: "pressure", effect: `rater's inflation-gap growth at KL ${t.klHigh} minus at KL ${t.klLow}`, direction: "above", threshold: 0 });
  for (const [bias, metric] of Object.entries(MATCHING_BEHAVIOUR) as [AblatedBias, RnoMetricName][]) {
    if (!labellers.has(`rater, no ${bias}`)) continue;
    specs.push({ name: `ablation/${bias}`, effect: `${bias} bias off: growth of ${metric} at KL ${t.kl} minus ${t.ablationShare} × the full rater's`, direction: "below", threshold: 0 });
  }
  const vs = verifyValuesOf(labellers);
  if (vs.length >= 2) specs.push({ name: "verify-slope", effect: `slope of the fabrication rate at KL ${t.kl} against v over v ∈ {${vs.join(", ")}}`, direction: "below", threshold: t.verifySlope });
  return specs;
}

/**
 * A part's value from a growth reader: `g(labeller, metric, kl)` is the growth over the base
 * (exact, or one seed's trained), null when missing.
 */
function partValue(name: string, g: (labeller: string, metric: RnoMetricName, kl: number) => number | null, vs: readonly number[], t: RnoThresholds): number | null {
  const [head, tail] = name.split("/") as [string, string | undefined];
  if (head === "rater" || head === "oracle") return g(head, RNO_BEHAVIOURS.find((b) => b.key === tail)!.metric, t.kl);
  if (head === "pressure") {
    const hi = g("rater", "inflationGap", t.klHigh), lo = g("rater", "inflationGap", t.klLow);
    return hi === null || lo === null ? null : hi - lo;
  }
  if (head === "ablation") {
    const metric = MATCHING_BEHAVIOUR[tail as AblatedBias];
    const a = g(`rater, no ${tail}`, metric, t.kl), full = g("rater", metric, t.kl);
    return a === null || full === null ? null : a - t.ablationShare * full;
  }
  if (head === "verify-slope") {
    const ys = vs.map((v) => g(`rater, v = ${v}`, "fabricationRate", t.kl));
    return ys.some((y) => y === null) ? null : olsSlope(vs, ys as number[]);
  }
  throw new RangeError(`unknown part ${name}`);
}

/** The incentive-level parts (exact values, n = 0); a value that could not be computed is NaN (inconclusive). */
export function incentiveParts(inc: RnoIncentive, t: RnoThresholds = RNO_THRESHOLDS): Part[] {
  const names = new Set(inc.rows.map((r) => r.labeller));
  const vs = verifyValuesOf(names);
  const g = (l: string, m: RnoMetricName, k: number) => exactGrowth(inc, l, m, k);
  return ratersNotOutcomesPartSpecs(names, t).map((s) =>
    exactPart({ key: `incentive:${s.name}`, effect: s.effect, direction: s.direction, threshold: s.threshold, thresholdText: `${s.direction === "above" ? ">" : "<"} ${s.threshold}` }, partValue(s.name, g, vs, t) ?? NaN, decide),
  );
}

/** The transmission-level parts (mean over seeds with a 95% interval; seeds missing a point are dropped). */
export function transmissionParts(rows: readonly RnoRow[], t: RnoThresholds = RNO_THRESHOLDS): Part[] {
  const names = new Set(rows.filter(isRun).map((r) => r.labeller));
  const vs = verifyValuesOf(names);
  return ratersNotOutcomesPartSpecs(names, t).map((s) => {
    const ci = perSeedCI(rows, (seed) => partValue(s.name, (l, m, k) => trainedGrowth(rows, seed, l, m, k), vs, t));
    return makePart(
      { key: `transmission:${s.name}`, effect: s.effect, direction: s.direction, threshold: s.threshold, thresholdText: `${s.direction === "above" ? ">" : "<"} ${s.threshold}`, level: "transmission" },
      { estimate: ci.estimate, lo: ci.lo, hi: ci.hi, n: ci.n },
      decide,
    );
  });
}

/** The headline hypothesis (the ledger's effect): the trained rater's inflation-gap growth over the base. */
export function ratersNotOutcomesHypothesis(t: RnoThresholds = RNO_THRESHOLDS): Hypothesis {
  return {
    claim: 1,
    effect: `inflation gap (believed − true utility): trained rater-DPO minus its base, at KL ${t.kl} nats; every part at both levels must hold`,
    direction: "above",
    threshold: t.inflationGap,
    thresholdText: `> ${t.inflationGap} (and every part at both levels)`,
  };
}

/** The headline part's key. */
export const RNO_HEADLINE = "transmission:rater/inflationGap";

/** The claim's decision: both levels' parts, each level `allOf` its parts, the claim `allOf` the levels (version 2). */
export function ratersNotOutcomesDecision(results: RatersNotOutcomesResults, t: RnoThresholds = RNO_THRESHOLDS): Decision {
  const parts = [...incentiveParts(results.incentive, t), ...transmissionParts(results.trained, t)];
  const headline = parts.find((p) => p.key === RNO_HEADLINE)!.interval;
  return twoLevelDecision(parts, headline, allOf);
}

// ---------------------------------------------------------------- tables

/** One row of the two-level table: a part at the incentive level beside the same part trained. */
export type TwoLevelRow = {
  part: string;
  threshold: string;
  exact: number | null;
  exactStatus: Part["status"] | null;
  trained: number | null;
  lo: number | null;
  hi: number | null;
  seeds: number;
  trainedStatus: Part["status"] | null;
  agree: "yes" | "no" | "—";
};

/** The parts of both levels side by side (one row per part name), with whether the two statuses agree. */
export function twoLevelTable(parts: readonly Part[]): TwoLevelRow[] {
  const names = [...new Set(parts.map((p) => p.key.split(":")[1]!))];
  return names.map((name) => {
    const e = parts.find((p) => p.key === `incentive:${name}`), r = parts.find((p) => p.key === `transmission:${name}`);
    const any = (e ?? r)!;
    const fin = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
    return {
      part: any.effect,
      threshold: any.thresholdText,
      exact: fin(e?.interval.estimate),
      exactStatus: e?.status ?? null,
      trained: fin(r?.interval.estimate),
      lo: fin(r?.interval.lo),
      hi: fin(r?.interval.hi),
      seeds: r?.interval.n ?? 0,
      trainedStatus: r?.status ?? null,
      agree: e && r ? (e.status === r.status ? "yes" : "no") : "—",
    };
  });
}

/** Parts whose two levels reach different statuses. */
export function disagreements(parts: readonly Part[]): TwoLevelRow[] {
  return twoLevelTable(parts).filter((r) => r.agree === "no");
}

/** Per labeller and metric: exact growth over the corpus and trained growth over the base (mean, 95% interval) at KL `kl`. */
export type GrowthRow = { labeller: string; metric: RnoMetricName; exact: number | null; trained: number | null; lo: number | null; hi: number | null; seeds: number };

/** Growth of each metric over its reference at KL `kl`, at both levels, per labeller. */
export function growthTable(results: RatersNotOutcomesResults, labellers: readonly string[], metrics: readonly RnoMetricName[], kl: number): GrowthRow[] {
  const out: GrowthRow[] = [];
  for (const l of labellers)
    for (const metric of metrics) {
      const ci = perSeedCI(results.trained, (s) => trainedGrowth(results.trained, s, l, metric, kl));
      const fin = (x: number) => (Number.isFinite(x) ? x : null);
      out.push({ labeller: l, metric, exact: exactGrowth(results.incentive, l, metric, kl), trained: fin(ci.estimate), lo: fin(ci.lo), hi: fin(ci.hi), seeds: ci.n });
    }
  return out;
}

/** One point of a curve: exact (lo = hi = value, n = 0) or trained (mean over seeds with a 95% band). */
export type CurveRow = { series: string; labeller: string; level: Level; metric: RnoMetricName; kl: number; value: number; lo: number; hi: number; n: number };

/**
 * Curves against KL for plotting both levels together: the exact optimum of each
 * labeller's limit (KL to the corpus; the corpus at KL 0) and the trained curves
 * interpolated on `grid` (KL to each seed's base; the base at KL 0), as series
 * "<labeller> (exact)" and "<labeller> (trained)".
 */
export function curveRows(results: RatersNotOutcomesResults, labellers: readonly string[], metrics: readonly RnoMetricName[], grid: readonly number[]): CurveRow[] {
  const out: CurveRow[] = [];
  const { incentive: inc, trained } = results;
  for (const l of labellers)
    for (const metric of metrics) {
      const ex = inc.rows.filter((r) => r.labeller === l).sort((a, b) => a.kl - b.kl);
      if (ex.length > 0) {
        out.push({ series: `${l} (exact)`, labeller: l, level: "incentive", metric, kl: 0, value: inc.base[metric], lo: inc.base[metric], hi: inc.base[metric], n: 0 });
        for (const r of ex) out.push({ series: `${l} (exact)`, labeller: l, level: "incentive", metric, kl: r.kl, value: r[metric], lo: r[metric], hi: r[metric], n: 0 });
      }
      for (const k of grid) {
        const ci = perSeedCI(trained, (s) => atKl(trained, s, l, metric, k));
        if (ci.n === 0) continue;
        const band = (x: number) => (Number.isFinite(x) ? x : ci.estimate);
        out.push({ series: `${l} (trained)`, labeller: l, level: "transmission", metric, kl: k, value: ci.estimate, lo: band(ci.lo), hi: band(ci.hi), n: ci.n });
      }
    }
  return out;
}

/** Mean exact KL reached per (labeller, β), with 95% intervals over seeds. */
export type KlReachedRow = { labeller: string; beta: number; pairs: number; kl: number; kl_lo: number | null; kl_hi: number | null; minKl: number; maxKl: number; seeds: number };

/** Exact KL to the base reached by each trained condition. */
export function klReached(rows: readonly RnoRow[]): KlReachedRow[] {
  const runs = rows.filter(isRun);
  const keys = new Map<string, { labeller: string; beta: number }>();
  for (const r of runs) keys.set(`${r.labeller}|${r.beta}`, { labeller: r.labeller, beta: r.beta });
  return [...keys.values()].map((k) => {
    const xs = runs.filter((r) => r.labeller === k.labeller && r.beta === k.beta);
    const kl = meanCI(xs.map((r) => r.kl));
    const fin = (x: number) => (Number.isFinite(x) ? x : null);
    return { ...k, pairs: mean(xs.map((r) => r.pairs)), kl: kl.estimate, kl_lo: fin(kl.lo), kl_hi: fin(kl.hi), minKl: Math.min(...xs.map((r) => r.kl)), maxKl: Math.max(...xs.map((r) => r.kl)), seeds: xs.length };
  });
}

/** One trained run's distance from its own exact limit. */
export type ShortfallRow = { seed: number; labeller: string; beta: number; kl: number; proxy: number; limitProxy: number | null; shortfall: number | null; relative: number | null };

/**
 * Every run that reports a shortfall: its expected score under its labeller's exact limit
 * on its seed's base, the limit optimum's score at the same KL, their difference, and the
 * difference relative to the limit's gain over the base (the base scores 0 on average, as
 * the scores are centred on the base's own distribution).
 */
export function shortfallTable(rows: readonly RnoRow[]): ShortfallRow[] {
  return rows
    .filter(isRun)
    .filter((r) => r.proxy !== null)
    .map((r) => ({
      seed: r.seed,
      labeller: r.labeller,
      beta: r.beta,
      kl: r.kl,
      proxy: r.proxy!,
      limitProxy: r.limitProxy,
      shortfall: r.shortfall,
      relative: r.shortfall !== null && r.limitProxy !== null && r.limitProxy > 0 ? r.shortfall / r.limitProxy : null,
    }));
}

/** The dose-response table: per v, the exact fabrication, honest-error and hallucination rates at KL `kl` and the trained fabrication (mean, 95% interval). */
export type VerifyRow = { v: number; fabricationExact: number | null; honestErrorExact: number | null; hallucinationExact: number | null; fabricationTrained: number | null; lo: number | null; hi: number | null; seeds: number };

/** Each fixed-v rater's rates at KL `kl`, both levels. */
export function verifyTable(results: RatersNotOutcomesResults, vs: readonly number[], kl: number): VerifyRow[] {
  return vs.map((v) => {
    const l = `rater, v = ${v}`;
    const ci = perSeedCI(results.trained, (s) => atKl(results.trained, s, l, "fabricationRate", kl));
    const fin = (x: number) => (Number.isFinite(x) ? x : null);
    return {
      v,
      fabricationExact: exactAt(results.incentive, l, "fabricationRate", kl),
      honestErrorExact: exactAt(results.incentive, l, "honestErrorRate", kl),
      hallucinationExact: exactAt(results.incentive, l, "hallucinationRate", kl),
      fabricationTrained: fin(ci.estimate),
      lo: fin(ci.lo),
      hi: fin(ci.hi),
      seeds: ci.n,
    };
  });
}

/**
 * Small band charts of `value` (with `lo`/`hi`) against KL, one per metric, side by side in
 * `columns` columns (a Vega-Lite concat of `bandChart`s; rows as from `curveRows`).
 */
export function metricPanels(rows: readonly CurveRow[], panels: readonly { metric: string; title: string }[], o: { columns?: number; color?: string; width?: number; height?: number } = {}): VlSpec {
  const specs = panels.map(({ metric, title }) => {
    const spec = bandChart(
      rows.filter((r) => r.metric === metric),
      { x: "kl", y: "value", lo: "lo", hi: "hi", color: o.color ?? "series" },
      { title, width: o.width ?? 230, height: o.height ?? 150, xTitle: "exact KL to the reference (nats)", yTitle: title },
    );
    const { $schema: _s, config, ...rest } = spec as Record<string, unknown>;
    void _s;
    void config;
    return rest;
  });
  const first = bandChart([], { x: "kl", y: "value", lo: "lo", hi: "hi" }) as Record<string, unknown>;
  return { $schema: first["$schema"], config: first["config"], columns: o.columns ?? 4, concat: specs } as VlSpec;
}
