/**
 * Reading claim 1's rows: effects at matched KL (each seed's metric-versus-KL curve
 * interpolated, the base model as its KL-0 point), paired over seeds, and the verdict's
 * parts. Pure functions of the rows and the thresholds, so a verdict can be recomputed from
 * saved results.
 */
import { meanCI, type Interval } from "../../stats/intervals";
import { allOf, decide, type Hypothesis } from "../../verdict";
import { bandChart, type VlSpec } from "../../plot/spec";
import { interpolateAt } from "../kit/seeds";
import { evidenceParts, makePart, type Decision, type Part } from "../kit/contract";
import { MATCHING_BEHAVIOUR, RNO_THRESHOLDS, type AblatedBias, type RatersNotOutcomesBudget, type RnoThresholds } from "./budget";
import type { RnoAgreementRow, RnoBaseRow, RnoCurveRow, RnoMetricName, RnoRow } from "./run";

const isCurve = (r: RnoRow): r is RnoCurveRow => r.method !== "agreement";
const isBase = (r: RnoRow): r is RnoBaseRow & RnoCurveRow => r.method === "base";
const isAgreement = (r: RnoRow): r is RnoAgreementRow & RnoRow => r.method === "agreement";

/**
 * The value of `metric` at KL `at` on one seed's curve for one labeller and method
 * ("offline": the β sweep with the base model as the KL-0 point). Null when `at` is
 * beyond the largest KL that seed reached.
 */
export function atKl(rows: readonly RnoRow[], seed: number, labeller: string, metric: RnoMetricName, at: number, method: "offline" | "online" = "offline"): number | null {
  const pts: { x: number; y: number }[] = [];
  for (const r of rows) {
    if (r.seed !== seed || !isCurve(r)) continue;
    const base = r.method === "base";
    if (!base && !(r.method === method && r.labeller === labeller)) continue;
    pts.push({ x: base ? 0 : r.kl, y: r[metric] });
  }
  return interpolateAt(pts, at);
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

/** One point of a curve summarised over seeds. */
export type KlGridRow = { labeller: string; metric: RnoMetricName; kl: number; value: number; lo: number; hi: number; n: number };

/** Curves on a KL grid: per (labeller, seed) interpolated metric, summarised over seeds as mean and 95% band. */
export function klGridRows(rows: readonly RnoRow[], labellers: readonly string[], metrics: readonly RnoMetricName[], grid: readonly number[]): KlGridRow[] {
  const out: KlGridRow[] = [];
  for (const l of labellers)
    for (const metric of metrics)
      for (const k of grid) {
        const ci = perSeedCI(rows, (s) => atKl(rows, s, l, metric, k));
        if (ci.n === 0) continue;
        out.push({ labeller: l, metric, kl: k, value: ci.estimate, lo: Number.isFinite(ci.lo) ? ci.lo : ci.estimate, hi: Number.isFinite(ci.hi) ? ci.hi : ci.estimate, n: ci.n });
      }
  return out;
}

/** The headline hypothesis (the ledger's effect); the status combines every part with `allOf`. */
export function ratersNotOutcomesHypothesis(t: RnoThresholds = RNO_THRESHOLDS): Hypothesis {
  return {
    claim: 1,
    effect: `inflation gap (believed − true utility), rater-DPO − oracle-DPO, at KL ${t.kl} nats; all parts must hold`,
    direction: "above",
    threshold: t.inflationGap,
    thresholdText: `> ${t.inflationGap} (and every part below)`,
  };
}

const BEHAVIOURS: { key: "sycophancy" | "exaggeration" | "hallucination" | "inflationGap"; metric: RnoMetricName; label: string }[] = [
  { key: "sycophancy", metric: "sycophancyRate", label: "sycophancy rate" },
  { key: "exaggeration", metric: "exaggerationRate", label: "exaggeration rate" },
  { key: "hallucination", metric: "hallucinationRate", label: "hallucination rate" },
  { key: "inflationGap", metric: "inflationGap", label: "inflation gap" },
];

/** Base value of a metric for one seed. */
function baseValue(rows: readonly RnoRow[], seed: number, metric: RnoMetricName): number | null {
  const r = rows.find((x) => x.seed === seed && isBase(x));
  return r && isBase(r) ? r[metric] : null;
}

/** Growth of `metric` over the base at KL `kl` for one labeller and seed. */
function growth(rows: readonly RnoRow[], seed: number, labeller: string, metric: RnoMetricName, kl: number): number | null {
  const x = atKl(rows, seed, labeller, metric, kl), b0 = baseValue(rows, seed, metric);
  return x === null || b0 === null ? null : x - b0;
}

/**
 * Every part of claim 1's verdict, computed from the rows (all evidence):
 * 1–4. rater − oracle at KL `kl` for sycophancy, exaggeration, hallucination, inflation gap (above threshold);
 * 5. growth with pressure: the inflation-gap effect at `klHigh` minus at `klLow` (above 0);
 * 6–8. per ablated bias: its matching behaviour's growth over the base at `kl` (below that behaviour's threshold);
 * 9. dose-response: hallucination at `kl` under v = min minus under v = max (above `verifyDose`).
 * Parts whose labellers are absent from the rows are left out.
 */
export function ratersNotOutcomesParts(rows: readonly RnoRow[], t: RnoThresholds = RNO_THRESHOLDS): Part[] {
  const parts: Part[] = [];
  const push = (key: string, effect: string, direction: "above" | "below", threshold: number, ci: Interval) =>
    parts.push(
      makePart(
        { key, effect, direction, threshold, thresholdText: `${direction === "above" ? ">" : "<"} ${threshold}`, role: "evidence" },
        { estimate: ci.estimate, lo: ci.lo, hi: ci.hi, n: ci.n },
        decide,
      ),
    );
  const diff = (s: number, a: string, b: string, metric: RnoMetricName, k: number) => {
    const x = atKl(rows, s, a, metric, k), y = atKl(rows, s, b, metric, k);
    return x === null || y === null ? null : x - y;
  };
  for (const bh of BEHAVIOURS) {
    push(bh.key, `${bh.label}: rater − oracle at KL ${t.kl}`, "above", t[bh.key], perSeedCI(rows, (s) => diff(s, "rater", "oracle", bh.metric, t.kl)));
  }
  push(
    "pressure",
    `inflation-gap effect grows with KL: (rater − oracle) at KL ${t.klHigh} minus at KL ${t.klLow}`,
    "above",
    0,
    perSeedCI(rows, (s) => {
      const hi = diff(s, "rater", "oracle", "inflationGap", t.klHigh), lo = diff(s, "rater", "oracle", "inflationGap", t.klLow);
      return hi === null || lo === null ? null : hi - lo;
    }),
  );
  const names = new Set(rows.map((r) => r.labeller));
  const thresholdOf: Record<string, number> = { sycophancyRate: t.sycophancy, exaggerationRate: t.exaggeration, hallucinationRate: t.hallucination };
  for (const [bias, metric] of Object.entries(MATCHING_BEHAVIOUR) as [AblatedBias, RnoMetricName][]) {
    const l = `rater, no ${bias}`;
    if (!names.has(l)) continue;
    push(`ablation/${bias}`, `${bias} bias off: growth of ${metric} over the base at KL ${t.kl}`, "below", thresholdOf[metric]!, perSeedCI(rows, (s) => growth(rows, s, l, metric, t.kl)));
  }
  const vValues = [...names].filter((n) => n.startsWith("rater, v = ")).map((n) => Number(n.slice("rater, v = ".length))).sort((a, b) => a - b);
  if (vValues.length >= 2) {
    const lo = vValues[0]!, hi = vValues[vValues.length - 1]!;
    push(
      "verify",
      `hallucination rate: v = ${lo} rater − v = ${hi} rater at KL ${t.kl}`,
      "above",
      t.verifyDose,
      perSeedCI(rows, (s) => diff(s, `rater, v = ${lo}`, `rater, v = ${hi}`, "hallucinationRate", t.kl)),
    );
  }
  return parts;
}

/** The claim's decision: every evidence part must hold (`allOf`); the headline is the inflation-gap part. */
export function ratersNotOutcomesDecision(rows: readonly RnoRow[], t: RnoThresholds = RNO_THRESHOLDS): Decision {
  const parts = ratersNotOutcomesParts(rows, t);
  const headline = parts.find((p) => p.key === "inflationGap")!.interval;
  return { status: allOf(evidenceParts(parts).map((p) => p.status)), headline, parts };
}

/** One row of the verdict-parts table. */
export type VerdictPartRow = { part: string; prediction: string; estimate: number; lo: number; hi: number; seeds: number; status: Part["status"] };

/** The parts as the notebook's verdict table (part, prediction, estimate, interval, seeds, status). */
export function verdictPartsTable(parts: readonly Part[]): VerdictPartRow[] {
  return parts.map((p) => ({
    part: p.effect,
    prediction: p.thresholdText,
    estimate: p.interval.estimate,
    lo: p.interval.lo,
    hi: p.interval.hi,
    seeds: p.interval.n,
    status: p.status,
  }));
}

/** Per labeller: agreement with the oracle next to each behaviour's growth over the base (Δ …, with lo/hi). */
export type AgreementGrowthRow = { labeller: string; agreement: number; agreement_lo: number; agreement_hi: number } & { [growth: `Δ ${string}`]: number };

/**
 * Per labeller: agreement with the oracle on random base pairs next to the growth over the
 * base of each behaviour at KL `kl` (mean over seeds with 95% intervals).
 */
export function agreementVersusGrowth(rows: readonly RnoRow[], kl: number): AgreementGrowthRow[] {
  const agreements = rows.filter(isAgreement);
  const labellers = [...new Set(agreements.map((r) => r.labeller))];
  return labellers.map((l) => {
    const ag = perSeedCI(rows, (s) => agreements.find((r) => r.seed === s && r.labeller === l)?.agreement ?? null);
    const out: AgreementGrowthRow = { labeller: l, agreement: ag.estimate, agreement_lo: ag.lo, agreement_hi: ag.hi };
    for (const bh of BEHAVIOURS) {
      const g = perSeedCI(rows, (s) => growth(rows, s, l, bh.metric, kl));
      out[`Δ ${bh.label}`] = g.estimate;
      out[`Δ ${bh.label} lo`] = g.lo;
      out[`Δ ${bh.label} hi`] = g.hi;
    }
    return out;
  });
}

/** Mean exact KL and pairs of one training condition. */
export type KlReachedRow = { method: "offline" | "online"; labeller: string; beta: number; pairs: number; kl: number; kl_lo: number; kl_hi: number; seeds: number };

/** Mean exact KL reached per (method, labeller, β), with 95% intervals over seeds. */
export function klReached(rows: readonly RnoRow[]): KlReachedRow[] {
  const runs = rows.filter((r): r is RnoCurveRow & { method: "offline" | "online" } => r.method === "offline" || r.method === "online");
  const keys = new Map<string, { method: "offline" | "online"; labeller: string; beta: number }>();
  for (const r of runs) keys.set(`${r.method}|${r.labeller}|${r.beta}`, { method: r.method, labeller: r.labeller, beta: r.beta });
  return [...keys.values()].map((k) => {
    const xs = runs.filter((r) => r.method === k.method && r.labeller === k.labeller && r.beta === k.beta);
    const kl = meanCI(xs.map((r) => r.kl));
    const pairs = meanCI(xs.map((r) => r.pairs));
    return { ...k, pairs: pairs.estimate, kl: kl.estimate, kl_lo: kl.lo, kl_hi: kl.hi, seeds: xs.length };
  });
}

/** Hallucination at the matched KL for one verification rate (or the base model, v = null). */
export type VerifySweepRow = { labeller: string; v: number | null; hallucination: number; lo: number; hi: number; seeds: number };

/**
 * The dose-response in v: hallucination at KL `kl` for each fixed-v rater and the typical
 * population (whose mean v is `typicalV`), sorted by v (`curve`); `table` adds the base model.
 */
export function verifySweep(rows: readonly RnoRow[], b: Pick<RatersNotOutcomesBudget, "verifyValues">, kl: number, typicalV: number): { curve: (VerifySweepRow & { v: number })[]; table: VerifySweepRow[] } {
  const labellers = [...b.verifyValues.map((v) => ({ name: `rater, v = ${v}`, v })), { name: "rater", v: typicalV }];
  const curve = labellers
    .map(({ name, v }) => {
      const ci = perSeedCI(rows, (s) => atKl(rows, s, name, "hallucinationRate", kl));
      return { labeller: name, v, hallucination: ci.estimate, lo: Number.isFinite(ci.lo) ? ci.lo : ci.estimate, hi: Number.isFinite(ci.hi) ? ci.hi : ci.estimate, seeds: ci.n };
    })
    .sort((x, y) => x.v - y.v);
  const base = perSeedCI(rows, (s) => baseValue(rows, s, "hallucinationRate"));
  return { curve, table: [...curve, { labeller: "base model (KL 0)", v: null, hallucination: base.estimate, lo: base.lo, hi: base.hi, seeds: base.n }] };
}

/**
 * Small band charts of `value` (with `lo`/`hi`) against KL, one per metric, side by side in
 * `columns` columns (a Vega-Lite concat of `bandChart`s; rows as from `klGridRows`).
 */
export function metricPanels(rows: readonly KlGridRow[], panels: readonly { metric: string; title: string }[], o: { columns?: number; color?: string; width?: number; height?: number } = {}): VlSpec {
  const specs = panels.map(({ metric, title }) => {
    const spec = bandChart(rows.filter((r) => r.metric === metric), { x: "kl", y: "value", lo: "lo", hi: "hi", color: o.color ?? "labeller" }, { title, width: o.width ?? 230, height: o.height ?? 150, xTitle: "exact KL to the base (nats)", yTitle: title });
    const { $schema: _s, config, ...rest } = spec as Record<string, unknown>;
    void _s;
    void config;
    return rest;
  });
  const first = bandChart([], { x: "kl", y: "value", lo: "lo", hi: "hi" }) as Record<string, unknown>;
  return { $schema: first["$schema"], config: first["config"], columns: o.columns ?? 4, concat: specs } as VlSpec;
}
