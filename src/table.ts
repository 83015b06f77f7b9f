/**
 * Run logs as tables. Rows are plain objects; danfojs DataFrames are built from them
 * when a notebook wants grouping or CSV export (danfojs loads lazily: it takes ~0.7 s).
 *
 * Why `danfojs` and not `danfojs-node`: both are version 1.2.0 of the same library with
 * the same DataFrame API, but `danfojs-node` hard-depends on `@tensorflow/tfjs-node`,
 * whose install script downloads a native TensorFlow build (impossible without internet,
 * and a second tfjs-core next to ours). `danfojs` runs on Node and in the browser (the
 * planned explorable report), shares our single `@tensorflow/tfjs`, and needs only two
 * npm `overrides` (see README).
 */
import Papa from "papaparse";
import type { Row } from "./plot/spec";

/** How {@link htmlTable} formats numbers and captions. */
export interface TableOptions {
  /** Significant digits for numbers (default 4). */
  digits?: number;
  /** Caption above the table. */
  caption?: string;
  /** Show at most this many rows (default 200), with a note saying how many were left out. */
  maxRows?: number;
  /**
   * The columns, in order (default: the rows' keys in first-seen order). Needed for a table
   * that may come out empty: its CSV then still has a header.
   */
  columns?: readonly string[];
}

/** A danfojs DataFrame of the rows (loads danfojs on first use). */
export async function toDataFrame(rows: readonly Row[]): Promise<import("danfojs").DataFrame> {
  const dfd = await import("danfojs");
  return new dfd.DataFrame(rows.map((r) => ({ ...r })));
}

/** `columns` followed by any other keys of the rows, in first-seen order. */
export function tableColumns(rows: readonly Row[], columns: readonly string[] = []): string[] {
  const out = [...columns];
  for (const r of rows) for (const k of Object.keys(r)) if (!out.includes(k)) out.push(k);
  return out;
}

/**
 * Rows as RFC 4180 CSV (fields with commas, quotes or newlines are quoted), written by
 * papaparse — danfojs' own `toCSV` does not quote. Columns: `columns`, then the rows' other
 * keys in first-seen order; missing values are empty. No rows: the header line alone. No rows
 * and no columns is refused (a CSV without a header reads as nothing at all).
 */
export function toCsv(rows: readonly Row[], columns?: readonly string[]): string {
  const cols = tableColumns(rows, columns);
  if (cols.length === 0) throw new Error("toCsv: no rows and no columns; pass the columns so the CSV has a header");
  if (rows.length === 0) return Papa.unparse([cols], { newline: "\n" }) + "\n";
  return Papa.unparse({ fields: cols, data: rows.map((r) => cols.map((c) => r[c] ?? null)) }, { newline: "\n" }) + "\n";
}

/** Formats one value for display. */
export function formatCell(v: Row[string], digits = 4): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(digits - 1) : Number(v.toPrecision(digits)).toString();
  }
  return String(v);
}

/** Rows as a self-contained HTML table (escaped; numbers right-aligned). */
export function htmlTable(rows: readonly Row[], o: TableOptions = {}): string {
  const digits = o.digits ?? 4;
  const maxRows = o.maxRows ?? 200;
  const cols = tableColumns(rows, o.columns);
  const shown = rows.slice(0, maxRows);
  const head = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = shown
    .map(
      (r) =>
        "<tr>" +
        cols
          .map((c) => {
            const v = r[c] ?? null;
            const align = typeof v === "number" ? ' style="text-align:right"' : "";
            return `<td${align}>${escapeHtml(formatCell(v, digits))}</td>`;
          })
          .join("") +
        "</tr>",
    )
    .join("\n");
  const caption = o.caption !== undefined ? `<caption>${escapeHtml(o.caption)}</caption>` : "";
  const more = rows.length > shown.length ? `<p>… ${rows.length - shown.length} more rows in the CSV.</p>` : "";
  return `<table class="rlhf-table">${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${more}`;
}

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
