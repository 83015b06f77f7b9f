/**
 * Claim 5's figures: pure functions from typed rows to Vega-Lite specs.
 */
import type { Row } from "../../plot/spec";
import type { PhaseRow } from "./exact";
import type { SummaryRow } from "./sampled";
import type { DpoSummaryRow, LabelBoundaryV2Row, LabelCellRow } from "./label-training";

/** Keys of T whose values are numbers. */
export type NumericKey<T> = { [K in keyof T]-?: T[K] extends number ? K : never }[keyof T];

/**
 * Phase-diagram spec (pure; rows → Vega-Lite): log10(completion / base) over (d, h), one
 * panel per (k, w), diverging colours centred on 0 (= base rate), clamped to ±`clamp`.
 * The black marks show d* for each h.
 */
export function phaseHeatmapSpec(rows: readonly PhaseRow[], options: { value?: NumericKey<PhaseRow>; clamp?: number; title?: string } = {}): Record<string, unknown> {
  const value = options.value ?? "log10Ratio";
  const clamp = options.clamp ?? 3;
  const data = rows.map((r) => {
    const v = r[value];
    return { ...r, shown: Math.max(-clamp, Math.min(clamp, v)), starCell: Math.abs(r.d - r.dStar) };
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

/**
 * Exact-vs-sampled spec (pure; summary rows → Vega-Lite): log10(completion / base) against d,
 * one panel per (k, w); the exact optimum of the believed-utility reward and of the
 * label-implied reward as lines, sampled training (on the reward, and on labels where run)
 * as points with 95% error bars (over seeds); vertical rules at d* (solid) and d_w (dashed). Log ratios are clamped at −`floor`.
 */
export function sampledVsExactSpec(summary: readonly SummaryRow[], options: { floor?: number; title?: string } = {}): Record<string, unknown> {
  const floor = options.floor ?? 5;
  const lg = (x: number) => Math.max(-floor, Math.log10(Math.max(1e-300, x)));
  const data: Row[] = [];
  for (const r of summary) {
    const at = { k: r.k, w: r.w, d: r.d, dStar: r.dStar, dWhole: r.dWhole };
    data.push({ ...at, method: "exact optimum (believed-utility reward)", value: lg(r.exactRatio), lo: null, hi: null });
    if (r.exactLabelRatio !== null && r.exactLabelRatio !== undefined) data.push({ ...at, method: "exact optimum (label-implied reward)", value: lg(r.exactLabelRatio), lo: null, hi: null });
    const lo = r.sampledRatio_lo;
    if (r.labelsRatio !== null && r.labelsRatio !== undefined) {
      const llo = r.labelsRatio_lo as number;
      const lhi = r.labelsRatio_hi as number;
      data.push({
        ...at,
        method: "sampled training on labels (mean, 95% CI)",
        value: lg(r.labelsRatio),
        lo: Number.isFinite(llo) ? lg(Math.max(llo, 1e-300)) : null,
        hi: Number.isFinite(lhi) ? lg(lhi) : null,
      });
    }
    data.push({
      ...at,
      method: "sampled training (mean, 95% CI)",
      value: lg(r.sampledRatio),
      lo: Number.isFinite(lo) ? lg(Math.max(lo, 1e-300)) : null,
      hi: Number.isFinite(r.sampledRatio_hi) ? lg(r.sampledRatio_hi) : null,
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

/**
 * Version 2's boundary figure (pure; rows → Vega-Lite): log10(completion / base) of the label
 * limit's optimum at the matched KL against d, one panel per k (line), DPO on sampled labels
 * as points with 95% error bars where trained, and vertical rules at d* (solid black),
 * d_label (dashed black), the k-step label boundary (dotted grey) and the measured label
 * boundary (red). Log ratios are clamped at −`floor`.
 */
export function labelBoundarySpec(
  cells: readonly LabelCellRow[],
  boundaries: readonly LabelBoundaryV2Row[],
  dpo: readonly DpoSummaryRow[],
  options: { floor?: number; title?: string } = {},
): Record<string, unknown> {
  const floor = options.floor ?? 3;
  const lg = (x: number) => (Number.isFinite(x) && x > 0 ? Math.max(-floor, Math.log10(x)) : null);
  const data: Row[] = [
    ...cells.map((r) => ({ k: r.k, d: r.d, method: "label limit at matched KL (exact)", value: lg(r.completionRatio), lo: null, hi: null })),
    ...dpo.map((r) => ({ k: r.k, d: r.d, method: "DPO on sampled labels (mean, 95% CI)", value: lg(r.ratio), lo: lg(Math.max(r.ratio_lo, 1e-300)), hi: lg(r.ratio_hi) })),
  ];
  const rules: Row[] = boundaries.flatMap((b) => [
    { k: b.k, at: b.dStar, which: "d* = h/(h+L)" },
    { k: b.k, at: b.dLabel, which: "d_label (one step)" },
    ...(b.dLabelK !== null ? [{ k: b.k, at: b.dLabelK, which: "k-step label boundary" }] : []),
    ...(b.measured !== null ? [{ k: b.k, at: b.measured, which: "measured label boundary" }] : []),
  ]);
  const x = { field: "d", type: "quantitative", title: "detection rate d" };
  const y = { field: "value", type: "quantitative", title: "log10(completion / base)" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Label-based training: completion relative to base against detection rate",
    data: { values: [...data, ...rules] },
    facet: { column: { field: "k", type: "ordinal", title: "manoeuvre length k" } },
    spec: {
      width: 330,
      height: 220,
      layer: [
        { mark: { type: "rule", color: "#999" }, encoding: { y: { datum: 0 } } },
        {
          transform: [{ filter: "isValid(datum.at)" }],
          mark: { type: "rule" },
          encoding: {
            x: { field: "at", type: "quantitative" },
            strokeDash: { field: "which", type: "nominal", title: null, scale: { domain: ["d* = h/(h+L)", "d_label (one step)", "k-step label boundary", "measured label boundary"], range: [[1, 0], [6, 3], [2, 2], [1, 0]] } },
            color: { field: "which", type: "nominal", title: null, scale: { domain: ["d* = h/(h+L)", "d_label (one step)", "k-step label boundary", "measured label boundary"], range: ["black", "black", "#888", "#d62728"] } },
          },
        },
        { transform: [{ filter: "isValid(datum.method) && indexof(datum.method, 'DPO') < 0" }], mark: { type: "line", point: true, color: "#1f77b4" }, encoding: { x, y } },
        { transform: [{ filter: "isValid(datum.method) && indexof(datum.method, 'DPO') === 0 && isValid(datum.lo)" }], mark: { type: "errorbar", ticks: true, color: "#ff7f0e" }, encoding: { x, y: { field: "lo", type: "quantitative", title: "log10(completion / base)" }, y2: { field: "hi" } } },
        { transform: [{ filter: "isValid(datum.method) && indexof(datum.method, 'DPO') === 0" }], mark: { type: "point", filled: true, size: 60, color: "#ff7f0e" }, encoding: { x, y } },
      ],
    },
    config: { font: "sans-serif", legend: { labelLimit: 400, orient: "bottom" } },
  };
}
