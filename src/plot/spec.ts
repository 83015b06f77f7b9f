/**
 * Plot specs are pure functions from rows to a Vega-Lite spec (a plain JSON object).
 * Nothing here renders or touches the notebook; see render.ts and node/display.ts.
 */

/** A Vega-Lite specification as plain JSON (vega-lite's own type is ESM-only). */
export type VlSpec = Record<string, unknown>;

/** A table row: named plain values. */
export type Row = Record<string, number | string | boolean | null>;

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Options shared by the standard charts. */
export interface ChartOptions {
  /** Chart title. */
  title?: string;
  /** Width and height in pixels. */
  width?: number;
  height?: number;
  /** Axis titles (default: the field names). */
  xTitle?: string;
  yTitle?: string;
  /** Logarithmic x or y scale. */
  xLog?: boolean;
  yLog?: boolean;
  /** Categorical axes: keep categories in row order (default) or sort them alphabetically. */
  sort?: "rows" | "alphabetical";
  /** Longest axis label in pixels before it is cut (default 200). */
  labelLimit?: number;
  /** Draw point markers on lines (default: when there are at most 60 rows). */
  points?: boolean;
}

function base(rows: readonly Row[], o: ChartOptions): VlSpec {
  const spec: VlSpec = {
    $schema: SCHEMA,
    data: { values: rows.map((r) => ({ ...r })) },
    width: o.width ?? 420,
    height: o.height ?? 240,
    config: { font: "sans-serif", view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 } },
  };
  if (o.title !== undefined) spec["title"] = o.title;
  return spec;
}

function axis(field: string, title: string | undefined, log: boolean | undefined, zero = false): Record<string, unknown> {
  const enc: Record<string, unknown> = { field, type: "quantitative", title: title ?? field };
  enc["scale"] = log ? { type: "log" } : { zero };
  return enc;
}

/** A line per `color` group of `y` against `x` (learning curves, sweeps). */
export function lineChart(
  rows: readonly Row[],
  fields: { x: string; y: string; color?: string },
  o: ChartOptions = {},
): VlSpec {
  const encoding: Record<string, unknown> = {
    x: axis(fields.x, o.xTitle, o.xLog),
    y: axis(fields.y, o.yTitle, o.yLog),
  };
  if (fields.color !== undefined) encoding["color"] = { field: fields.color, type: "nominal", title: fields.color };
  return { ...base(rows, o), mark: { type: "line", point: o.points ?? rows.length <= 60 }, encoding };
}

/**
 * Means with 95% interval bands: rows carry `y`, `lo` and `hi` fields (see stats.meanCI).
 */
export function bandChart(
  rows: readonly Row[],
  fields: { x: string; y: string; lo: string; hi: string; color?: string },
  o: ChartOptions = {},
): VlSpec {
  const color = fields.color !== undefined ? { color: { field: fields.color, type: "nominal", title: fields.color } } : {};
  return {
    ...base(rows, o),
    encoding: { x: axis(fields.x, o.xTitle, o.xLog), ...color },
    layer: [
      {
        mark: { type: "errorband", opacity: 0.25 },
        encoding: { y: { ...axis(fields.lo, o.yTitle ?? fields.y, o.yLog) }, y2: { field: fields.hi } },
      },
      { mark: { type: "line", point: true }, encoding: { y: axis(fields.y, o.yTitle, o.yLog) } },
    ],
  };
}

/** Grouped bars: `y` per `x` category, optionally split by `color`. */
export function barChart(
  rows: readonly Row[],
  fields: { x: string; y: string; color?: string },
  o: ChartOptions = {},
): VlSpec {
  const encoding: Record<string, unknown> = {
    x: {
      field: fields.x,
      type: "nominal",
      title: o.xTitle ?? fields.x,
      sort: o.sort === "alphabetical" ? "ascending" : null,
      axis: { labelAngle: -30, labelLimit: o.labelLimit ?? 200 },
    },
    y: axis(fields.y, o.yTitle, o.yLog, true),
  };
  if (fields.color !== undefined) {
    const sort = o.sort === "alphabetical" ? "ascending" : null;
    encoding["color"] = { field: fields.color, type: "nominal", title: fields.color, sort };
    encoding["xOffset"] = { field: fields.color, sort };
  }
  return { ...base(rows, o), mark: "bar", encoding };
}

/** A heatmap of `value` over two discrete axes (phase diagrams). */
export function heatmap(
  rows: readonly Row[],
  fields: { x: string; y: string; value: string },
  o: ChartOptions = {},
): VlSpec {
  return {
    ...base(rows, o),
    mark: "rect",
    encoding: {
      x: { field: fields.x, type: "ordinal", title: o.xTitle ?? fields.x },
      y: { field: fields.y, type: "ordinal", title: o.yTitle ?? fields.y, sort: "descending" },
      color: { field: fields.value, type: "quantitative", title: fields.value },
      tooltip: [{ field: fields.x }, { field: fields.y }, { field: fields.value }],
    },
  };
}

/**
 * A small sparkline (ledger thumbnails): one line per series, no axes. A series with a single
 * point (a quick run with one setting) would draw nothing as a line, so then points are drawn too.
 */
export function sparkline(rows: readonly Row[], fields: { x: string; y: string; color?: string }): VlSpec {
  const enc: Record<string, unknown> = {
    x: { field: fields.x, type: "quantitative", axis: null },
    y: { field: fields.y, type: "quantitative", axis: null, scale: { zero: false } },
  };
  if (fields.color !== undefined) enc["color"] = { field: fields.color, type: "nominal", legend: null };
  const counts = new Map<unknown, number>();
  for (const r of rows) counts.set(fields.color === undefined ? "" : r[fields.color], (counts.get(fields.color === undefined ? "" : r[fields.color]) ?? 0) + 1);
  const lonely = [...counts.values()].some((n) => n < 2);
  return { ...base(rows, { width: 120, height: 36 }), mark: { type: "line", strokeWidth: 1.5, ...(lonely ? { point: { size: 12 } } : {}) }, encoding: enc };
}
