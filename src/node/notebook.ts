/**
 * The opening and closing moves every notebook shares: choose the backend and show the
 * provenance block first; show and record the computed verdict last.
 */
import { initBackend } from "../tf/backend";
import { currentMode, type Mode } from "../mode";
import { provenance, provenanceHtml, type Provenance } from "./provenance";
import { showHtml } from "./display";
import { writeVerdict } from "./artifacts";
import { escapeHtml, formatCell } from "../table";
import type { Verdict } from "../verdict";

/** What a notebook knows about its run after {@link startNotebook}. */
export interface NotebookRun {
  mode: Mode;
  seeds: number[];
  backend: string;
  provenance: Provenance;
}

/**
 * Starts a notebook: initialises TensorFlow.js (unless `tensors: false`), then shows
 * the provenance block. Seeds are chosen by the notebook (fewer in quick mode).
 */
export async function startNotebook(options: { seeds: number[]; tensors?: boolean }): Promise<NotebookRun> {
  const backend = options.tensors === false ? "none" : (await initBackend()).name;
  const p = provenance(options.seeds, backend);
  showHtml(provenanceHtml(p), `provenance: ${p.commit.slice(0, 12)} mode=${p.mode} backend=${backend}`);
  return { mode: currentMode(), seeds: [...options.seeds], backend, provenance: p };
}

const COLORS: Record<Verdict["status"], string> = {
  supported: "#1a7f37",
  "not supported": "#cf222e",
  inconclusive: "#9a6700",
};

/** The verdict as an HTML box (also used by the ledger). */
export function verdictHtml(v: Verdict): string {
  const i = v.interval;
  const parts = (v.parts ?? [])
    .map(
      (p) =>
        `<li>${escapeHtml(p.effect)}: <b style="color:${COLORS[p.status]}">${p.status}</b> ` +
        `(${formatCell(p.interval.estimate)} [${formatCell(p.interval.lo)}, ${formatCell(p.interval.hi)}])</li>`,
    )
    .join("");
  return (
    `<div class="rlhf-verdict" style="border:2px solid ${COLORS[v.status]};padding:8px 12px;margin:8px 0">` +
    `<div style="font-size:120%">Claim ${v.claim}: <b style="color:${COLORS[v.status]}">${v.status}</b></div>` +
    `<div>${escapeHtml(v.effect)} = <b>${formatCell(i.estimate)}</b>, 95% interval [${formatCell(i.lo)}, ${formatCell(i.hi)}] ` +
    `over n = ${i.n}; threshold: ${escapeHtml(v.thresholdText)}</div>` +
    (parts ? `<ul>${parts}</ul>` : "") +
    `<div style="font-size:85%;color:#555">mode ${v.mode}, seeds ${v.seeds.join(", ")}; computed by the notebook ${escapeHtml(v.notebook)}</div></div>`
  );
}

/** Shows the verdict and writes it to the ledger. */
export function recordVerdict(v: Verdict): void {
  writeVerdict(v);
  showHtml(verdictHtml(v), `Claim ${v.claim}: ${v.status}`);
}
