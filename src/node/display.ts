/**
 * The one module that talks to the notebook kernel (tslab). Everything a notebook
 * shows goes through here: plots (an interactive Vega-Lite bundle with a static SVG
 * and a text fallback in the same output), tables, markdown, provenance.
 *
 * tslab's public `display` sends one MIME type per output; a Vega-Lite plot needs
 * several in one output (JupyterLab renders the spec, nbconvert's HTML export uses the
 * SVG). That goes through tslab's internal `lastWriteDisplayData` — internal, so it is
 * wrapped here, in one place, and tested. Outside a kernel (a plain script) the text
 * form is printed to stdout instead.
 */
import { renderSvg } from "../plot/render";
import type { VlSpec } from "../plot/spec";
import { escapeHtml, htmlTable, toCsv, type TableOptions } from "../table";
import type { Row } from "../plot/spec";
import { writeArtifact } from "./artifacts";

/** A Jupyter MIME bundle: MIME type → data. */
export type MimeBundle = Record<string, unknown>;

/** The MIME type JupyterLab's built-in Vega-Lite renderer accepts. */
export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";

type WriteDisplayData = (data: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;

function kernelWriter(): WriteDisplayData | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/** True when running inside a tslab kernel that can receive rich output. */
export function inKernel(): boolean {
  return kernelWriter() !== null;
}

/**
 * Sends one output with several MIME types. Outside a kernel, prints the `text/plain`
 * entry. `displayId` lets later calls update the same output in place.
 */
export function displayBundle(bundle: MimeBundle, displayId?: string, update = false): void {
  const write = kernelWriter();
  if (write === null) {
    const text = bundle["text/plain"];
    if (typeof text === "string") process.stdout.write(text.endsWith("\n") ? text : text + "\n");
    return;
  }
  write({ data: bundle, metadata: {}, transient: displayId === undefined ? {} : { display_id: displayId } }, update);
}

/** Shows markdown (rendered by JupyterLab and by nbconvert). */
export function showMarkdown(md: string): void {
  displayBundle({ "text/markdown": md, "text/plain": md });
}

/** Shows raw HTML (with a text fallback). */
export function showHtml(html: string, text = "[html]"): void {
  displayBundle({ "text/html": html, "text/plain": text });
}

/**
 * Shows a Vega-Lite plot: the interactive spec for JupyterLab, a seeded static SVG for
 * the HTML report, and a one-line text description. (Returns nothing, so a cell that
 * ends with it prints nothing more; use `renderSvg` for the SVG itself.)
 */
export async function showPlot(spec: VlSpec, text?: string): Promise<void> {
  const svg = await renderSvg(spec);
  const { $schema: _schema, ...interactive } = spec;
  const title = typeof spec["title"] === "string" ? spec["title"] : "plot";
  displayBundle({ [VEGALITE_MIME]: interactive, "image/svg+xml": svg, "text/plain": text ?? `[Vega-Lite plot: ${title}]` });
}

/**
 * Shows rows as an HTML table and saves them as CSV next to the report (under
 * `<report>/data/<name>.csv`); the table links to an embedded copy, so the link works
 * from a single offline HTML file too.
 */
export async function showTable(rows: readonly Row[], name: string, options: TableOptions = {}): Promise<void> {
  if (rows.length === 0 && (options.columns ?? []).length === 0) {
    // No header can be known: say so instead of writing a 0-byte CSV.
    displayBundle({ "text/html": `<p><i>Table ${escapeHtml(name)}: no rows (no CSV written).</i></p>`, "text/plain": `[table ${name}: no rows]` });
    return;
  }
  const csv = toCsv(rows, options.columns);
  writeArtifact(`${name}.csv`, csv);
  const href = `data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`;
  const link = `<div style="font-size:90%">CSV: <a download="${name}.csv" href="${href}">${name}.csv</a> (${rows.length} rows)</div>`;
  displayBundle({ "text/html": htmlTable(rows, options) + link, "text/plain": `[table ${name}: ${rows.length} rows]` });
}

/**
 * A line of progress that updates in place (one per long loop). Updates are throttled to
 * one every `minIntervalMs` (and always the last one): every update is a kernel message
 * stored in the notebook, and hundreds of them bloat the report and can stall the kernel.
 */
export class Progress {
  private readonly id = `progress-${Math.floor(performance.now() * 1000)}-${counter++}`;
  private first = true;
  private readonly start = performance.now();
  private lastShown = -Infinity;

  constructor(
    private readonly label: string,
    private readonly minIntervalMs = 1000,
  ) {}

  /** Updates the line: `done` of `total` units. */
  update(done: number, total: number, extra = ""): void {
    const now = performance.now();
    if (!this.first && done < total && now - this.lastShown < this.minIntervalMs) return;
    this.lastShown = now;
    const secs = ((now - this.start) / 1000).toFixed(1);
    const text = `${this.label}: ${done}/${total} (${secs} s)${extra ? " " + extra : ""}`;
    if (!inKernel()) {
      if (done === total || this.first) process.stderr.write(text + "\n");
    } else {
      displayBundle({ "text/plain": text }, this.id, !this.first);
    }
    this.first = false;
  }
}
let counter = 0;
