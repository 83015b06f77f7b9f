/**
 * `reports/index.html`: the ledger of every claim's computed verdict, next to links to
 * every notebook's report. A claim whose notebook has not produced a verdict is shown
 * as "not run" — never as passing.
 */
import { CLAIMS } from "../claims/registry";
import type { Verdict, VerdictPart } from "../verdict";
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
  /** The notebook's last run failed (its previous report, if any, is kept). */
  failed?: boolean;
}

const COLORS: Record<string, string> = {
  supported: "#1a7f37",
  "not supported": "#cf222e",
  inconclusive: "#9a6700",
  "not run": "#6e7781",
};

/** One part as a list item: effect, status, value (exact or with its interval), threshold. */
function partLine(p: VerdictPart): string {
  const iv = p.interval;
  const value = iv.n === 0 ? `exact ${formatCell(iv.estimate)}` : `${formatCell(iv.estimate)} [${formatCell(iv.lo)}, ${formatCell(iv.hi)}]`;
  return `<li>${escapeHtml(p.effect)}: <b style="color:${COLORS[p.status]}">${p.status}</b> — ${value}${p.threshold ? ` (${escapeHtml(p.threshold)})` : ""}</li>`;
}

/** The index page's HTML. */
export function ledgerHtml(verdicts: readonly Verdict[], reports: readonly ReportEntry[], footer = ""): string {
  const byClaim = new Map(verdicts.map((v) => [v.claim, v]));
  const rows = CLAIMS.map((c) => {
    const v = byClaim.get(c.claim);
    const status = v?.status ?? "not run";
    const color = COLORS[status];
    const levels = v?.levels
      ? (["incentive", "transmission"] as const)
          .map((l) => {
            const s = v.levels![l];
            return `<div class="lvl">${l}: <b style="color:${COLORS[s ?? "not run"]}">${s ?? "—"}</b></div>`;
          })
          .join("")
      : "";
    const version = v ? `<div class="src">version ${v.version ?? 1}${v.mode === "quick" ? ", quick mode" : ""}</div>` : "";
    const headline = v
      ? `${escapeHtml(v.effect)}<br><b>${formatCell(v.interval.estimate)}</b>${v.interval.n > 0 ? ` [${formatCell(v.interval.lo)}, ${formatCell(v.interval.hi)}] (n = ${v.interval.n})` : " (exact)"}; threshold ${escapeHtml(v.thresholdText)}`
      : "—";
    const partList = (ps: readonly VerdictPart[]) => `<ul class="parts">${ps.map(partLine).join("")}</ul>`;
    // Each level's parts fold under a one-line summary ("9 of 13 supported"), so the ledger reads at a glance.
    const folded = (title: string, ps: readonly VerdictPart[]) => {
      const count = (st: VerdictPart["status"]) => ps.filter((p) => p.status === st).length;
      const rest = (["not supported", "inconclusive"] as const).filter((st) => count(st) > 0).map((st) => `<span style="color:${COLORS[st]}">${count(st)} ${st}</span>`);
      return `<details><summary class="lvl">${title}: ${count("supported")} of ${ps.length} parts supported${rest.length ? ` (${rest.join(", ")})` : ""}</summary>${partList(ps)}</details>`;
    };
    const evidence = v
      ? v.levels
        ? (["incentive", "transmission"] as const)
            .map((l) => {
              const ps = (v.parts ?? []).filter((p) => p.level === l);
              return ps.length ? folded(l, ps) : "";
            })
            .join("")
        : (v.parts ?? []).length
          ? folded("parts", v.parts ?? [])
          : ""
      : "";
    const checks = v?.checks && v.checks.length > 0 ? partList(v.checks) : "—";
    const link = v ? `<a href="${encodeURI(v.notebook)}.html">${escapeHtml(v.notebook)}</a>` : "—";
    const thumb = v?.thumbnailSvg ? `<div class="thumb">${v.thumbnailSvg}</div>` : "";
    return (
      `<tr><td>${c.claim}</td><td>${escapeHtml(c.title)}<br><span class="src">${escapeHtml(c.source)}</span></td>` +
      `<td><b style="color:${color}">${status}</b>${levels}${version}</td><td>${headline}${evidence}</td><td class="checks">${checks}</td><td>${thumb}</td><td>${link}</td></tr>`
    );
  }).join("\n");
  const list = reports
    .map((r) => {
      const t = r.seconds !== undefined ? ` — ${r.seconds.toFixed(1)} s${r.mode ? `, ${r.mode} mode` : ""}` : "";
      const failed = r.failed ? ` — <b style="color:${COLORS["not supported"]}">last run failed</b>${r.built ? " (the report below is from an earlier run)" : ""}` : "";
      return r.built
        ? `<li><a href="${encodeURI(r.name)}.html">${escapeHtml(r.name)}</a>: ${escapeHtml(r.title)}${t}${failed}</li>`
        : `<li>${escapeHtml(r.name)}: ${escapeHtml(r.title)} — <i>not built</i>${failed}</li>`;
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
.parts { margin: 4px 0; padding-left: 16px; font-size: 12px; }
.lvl { font-size: 12px; margin-top: 4px; }
details summary { cursor: pointer; }
.checks { color: #57606a; }
</style></head><body>
<h1>rlhf-incentives: claims ledger</h1>
<p>Each claim from the post “DPO/PPO-RLHF on LLMs incentivizes sycophancy, exaggeration and deceptive
hallucination, but not misaligned powerseeking” (tailcalled, LessWrong, 2024-06-10) and its comment thread,
tested on a simulated world. Every verdict below was computed by its notebook from the data, against a
threshold fixed before the run; a claim without a verdict file shows as <i>not run</i>. Version 2 decides each
claim at two levels: <i>incentive</i> (what the training signal rewards: exact infinite-data limits at a matched KL,
no seeds) and <i>transmission</i> (what comes out of finite labels, a network and an optimiser: trained runs, 95%
intervals over paired seeds); the claim holds when both do. <i>Checks</i> are true by construction (identities,
simulator checks): shown, never part of a verdict.</p>
<table><thead><tr><th>#</th><th>Claim</th><th>Verdict</th><th>Headline and evidence parts</th><th>Checks</th><th>Figure</th><th>Report</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Reports</h2>
<ul>
${list}
</ul>
<h2>Explore</h2>
<p><a href="explore.html">explore.html</a>: move the raters' belief errors, how often they check evidence and notice
manoeuvre steps, the visible payoff and the KL leash, and watch the incentive move — notebooks 03 and 07's exact
incentive level recomputed in your browser (offline, one self-contained file), with a small DPO run to put beside it.</p>
${footer}
</body></html>
`;
}
