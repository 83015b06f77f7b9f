/**
 * Claim 6's figures: pure functions from typed rows to Vega-Lite specs.
 */
import type { ExactRow, WeightRow } from "./claim";
import type { NetworkRow } from "./network";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * The algorithms' weights against KL on training queries, one panel per labeller: the exact
 * reweighting as lines (log of weight / base weight), DPO on the mixture's weights as points
 * (one per seed, at the KL each run reached). KL is measured on training queries.
 */
export function weightCurvesSpec(rows: readonly WeightRow[], options: { title?: string } = {}): Record<string, unknown> {
  const data = rows.map((r) => ({ ...r, logChange: Math.log(r.weight / r.base) }));
  return {
    $schema: SCHEMA,
    title: options.title ?? "How each algorithm's weight moves with optimisation pressure",
    data: { values: data },
    facet: { column: { field: "labeller", type: "nominal", title: null, sort: ["careful", "typical", "hurried", "oracle"] } },
    spec: {
      width: 170,
      height: 170,
      layer: [
        {
          transform: [{ filter: "datum.route === 'exact'" }],
          mark: { type: "line", point: false },
          encoding: {
            x: { field: "kl", type: "quantitative", title: "KL to base (nats)" },
            y: { field: "logChange", type: "quantitative", title: "log(weight / base weight)" },
            color: { field: "algorithm", type: "nominal", title: "algorithm" },
          },
        },
        {
          transform: [{ filter: "datum.route === 'trained'" }],
          mark: { type: "point", filled: true, size: 18, opacity: 0.6 },
          encoding: {
            x: { field: "kl", type: "quantitative" },
            y: { field: "logChange", type: "quantitative" },
            color: { field: "algorithm", type: "nominal" },
            tooltip: [{ field: "algorithm" }, { field: "seed" }, { field: "kl", format: ".3f" }, { field: "weight", format: ".4f" }],
          },
        },
        { mark: { type: "rule", strokeDash: [3, 3], color: "#888" }, encoding: { y: { datum: 0 } } },
      ],
    },
    config: { font: "sans-serif" },
  };
}

/**
 * Deployment defection over (perfect deceiver's base weight) × (labeller), exact: the change
 * from the base mixture (colour) with the defection rate after fine-tuning printed in each cell.
 */
export function defectionGridSpec(rows: readonly ExactRow[], options: { title?: string } = {}): Record<string, unknown> {
  const data = rows.map((r) => ({ ...r, change: r.defection - r.baseDefection, label: `${r.defection.toFixed(3)} (${r.defection - r.baseDefection >= 0 ? "+" : ""}${(r.defection - r.baseDefection).toFixed(3)})` }));
  const m = Math.max(1e-6, ...data.map((d) => Math.abs(d.change)));
  return {
    $schema: SCHEMA,
    title: options.title ?? "Deployment defection after fine-tuning (exact, matched KL)",
    data: { values: data },
    width: 360,
    height: 200,
    encoding: {
      x: { field: "labeller", type: "nominal", sort: ["careful", "typical", "hurried", "oracle"], title: "who labels" },
      y: { field: "perfectWeight", type: "ordinal", sort: "descending", title: "perfect deceiver's base weight" },
    },
    layer: [
      { mark: "rect", encoding: { color: { field: "change", type: "quantitative", title: "change", scale: { scheme: "redblue", reverse: true, domain: [-m, m], domainMid: 0 } } } },
      { mark: { type: "text", fontSize: 10 }, encoding: { text: { field: "label" } } },
    ],
    config: { font: "sans-serif", view: { stroke: null } },
  };
}

/** Route (c): the network's change in deployment defection against the mixture's prediction. */
export function networkSpec(rows: readonly NetworkRow[], options: { title?: string } = {}): Record<string, unknown> {
  const data = rows.filter((r) => r.predictedChange !== null);
  const m = Math.max(1e-4, ...data.flatMap((r) => [Math.abs(r.change), Math.abs(r.predictedChange!)]));
  return {
    $schema: SCHEMA,
    title: options.title ?? "Network versus mixture picture: change in deployment defection",
    data: { values: data },
    width: 260,
    height: 260,
    layer: [
      { data: { values: [{ x: -m, y: -m }, { x: m, y: m }] }, mark: { type: "line", color: "#888", strokeDash: [3, 3] }, encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } } },
      {
        mark: { type: "point", filled: true, size: 60 },
        encoding: {
          x: { field: "predictedChange", type: "quantitative", title: "mixture's prediction (exact, same KL)", scale: { domain: [-m, m] } },
          y: { field: "change", type: "quantitative", title: "network's change", scale: { domain: [-m, m] } },
          color: { field: "labeller", type: "nominal" },
          shape: { field: "seed", type: "nominal" },
          tooltip: [{ field: "labeller" }, { field: "seed" }, { field: "change", format: ".4f" }, { field: "predictedChange", format: ".4f" }, { field: "meaningKl", format: ".3f" }],
        },
      },
    ],
    config: { font: "sans-serif" },
  };
}
