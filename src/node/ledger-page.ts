/**
 * `reports/index.html`: the ledger of every claim's computed verdict, next to links to
 * every notebook's report. A claim whose notebook has not produced a verdict is shown
 * as "not run" — never as passing.
 */
import { CLAIMS } from "../claims/registry";
import type { Verdict } from "../verdict";
import { escapeHtml, formatCell } from "../table";

/** One notebook report for the index. */
export interface ReportEntry {
  /** File name without extension, e.g. "00-tour". */
  name: string;
  /** The notebook's first heading. */
  title: string;
  /** Whether `reports/<name>.html` exists. */
  built: boolean;
  /** Seconds its last execution took, if known. */
  seconds?: number;
  /** quick or full, if known. */
  mode?: string;
}

const COLORS: Record<string, string> = {
  supported: "#1a7f37",
  "not supported": "#cf222e",
  inconclusive: "#9a6700",
  "not run": "#6e7781",
};

/** The index page's HTML. */
export function ledgerHtml(verdicts: readonly Verdict[], reports: readonly ReportEntry[], footer = ""): string {
  const byClaim = new Map(verdicts.map((v) => [v.claim, v]));
  const rows = CLAIMS.map((c) => {
    const v = byClaim.get(c.claim);
    const status = v?.status ?? "not run";
    const color = COLORS[status];
    const effect = v
      ? `${escapeHtml(v.effect)}<br><b>${formatCell(v.interval.estimate)}</b> [${formatCell(v.interval.lo)}, ${formatCell(v.interval.hi)}] (n = ${v.interval.n})`
      : "—";
    const threshold = v ? escapeHtml(v.thresholdText) : "—";
    const link = v ? `<a href="${encodeURI(v.notebook)}.html">${escapeHtml(v.notebook)}</a>${v.mode === "quick" ? " (quick mode)" : ""}` : "—";
    const thumb = v?.thumbnailSvg ? `<div class="thumb">${v.thumbnailSvg}</div>` : "";
    return (
      `<tr><td>${c.claim}</td><td>${escapeHtml(c.title)}<br><span class="src">${escapeHtml(c.source)}</span></td>` +
      `<td style="color:${color};font-weight:bold">${status}</td><td>${effect}</td><td>${threshold}</td><td>${thumb}</td><td>${link}</td></tr>`
    );
  }).join("\n");
  const list = reports
    .map((r) => {
      const t = r.seconds !== undefined ? ` — ${r.seconds.toFixed(1)} s${r.mode ? `, ${r.mode} mode` : ""}` : "";
      return r.built
        ? `<li><a href="${encodeURI(r.name)}.html">${escapeHtml(r.name)}</a>: ${escapeHtml(r.title)}${t}</li>`
        : `<li>${escapeHtml(r.name)}: ${escapeHtml(r.title)} — <i>not built</i></li>`;
    })
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>rlhf-incentives — claims ledger</title>
<link rel="icon" href="data:,">
<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1f2328; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border-bottom: 1px solid #ddd; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.src { color: #57606a; font-size: 12px; }
.thumb svg { width: 130px; height: auto; }
</style></head><body>
<h1>rlhf-incentives: claims ledger</h1>
<p>Each claim from the post “DPO/PPO-RLHF on LLMs incentivizes sycophancy, exaggeration and deceptive
hallucination, but not misaligned powerseeking” (tailcalled, LessWrong, 2024-06-10) and its comment thread,
tested on a simulated world. Every verdict below was computed by its notebook from the data, against a
threshold fixed before the run; a claim without a verdict file shows as <i>not run</i>.</p>
<table><thead><tr><th>#</th><th>Claim</th><th>Verdict</th><th>Effect, 95% interval</th><th>Threshold</th><th>Figure</th><th>Report</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Reports</h2>
<ul>
${list}
</ul>
${footer}
</body></html>
`;
}
