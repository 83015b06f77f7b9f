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
import { makeVerdict, type Verdict } from "../verdict";
import type { BaseBudget, ClaimModule, Decision, Part } from "../claims/kit/contract";

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
export async function startNotebook(options: { seeds: number[] | Readonly<Record<Mode, number[]>>; tensors?: boolean }): Promise<NotebookRun> {
  const mode = currentMode();
  const seeds = Array.isArray(options.seeds) ? [...options.seeds] : [...(options.seeds as Readonly<Record<Mode, number[]>>)[mode]];
  const backend = options.tensors === false ? "none" : (await initBackend()).name;
  const p = provenance(seeds, backend, mode);
  showHtml(provenanceHtml(p), `provenance: ${p.commit.slice(0, 12)} mode=${p.mode} backend=${backend}`);
  return { mode, seeds, backend, provenance: p };
}

/** A claim notebook's run: the notebook run plus the claim module and its validated budget. */
export interface ClaimRun<B extends BaseBudget, R> extends NotebookRun {
  claim: ClaimModule<B, R>;
  budget: B;
}

/**
 * Opens a claim notebook: reads the mode once, validates the module's budget for it (with
 * optional overrides, before any work), then starts the notebook with the budget's seeds.
 */
export async function startClaim<B extends BaseBudget, R>(claim: ClaimModule<B, R>, options: { overrides?: unknown; tensors?: boolean } = {}): Promise<ClaimRun<B, R>> {
  const mode = currentMode();
  const budget = claim.budget(mode, options.overrides);
  const run = await startNotebook({ seeds: budget.seeds, ...(options.tensors === undefined ? {} : { tensors: options.tensors }) });
  return { ...run, claim, budget };
}

/** The parts as a table: evidence first, then checks (shown, never decided on). */
export function partsTable(parts: readonly Part[]): Record<string, string | number | null>[] {
  const ordered = [...parts.filter((p) => p.role === "evidence"), ...parts.filter((p) => p.role === "check")];
  return ordered.map((p) => ({
    role: p.role,
    part: p.effect,
    estimate: p.interval.estimate,
    lo: Number.isFinite(p.interval.lo) ? p.interval.lo : null,
    hi: Number.isFinite(p.interval.hi) ? p.interval.hi : null,
    n: p.interval.n,
    threshold: p.thresholdText,
    status: p.status,
  }));
}

/**
 * Closes a claim notebook: builds the verdict from the module's hypothesis and the
 * decision, shows it, and writes it to the ledger. The ledger keeps evidence parts
 * only as `{ effect, status, interval }`; checks stay in the notebook's parts table.
 */
export function recordClaim<B extends BaseBudget, R>(run: ClaimRun<B, R>, decision: Decision, options: { thumbnailSvg?: string } = {}): Verdict {
  const parts = decision.parts.filter((p) => p.role === "evidence").map((p) => ({ effect: p.effect, status: p.status, interval: p.interval }));
  const verdict = makeVerdict(run.claim.hypothesis(run.budget), decision.headline, {
    notebook: run.claim.notebook,
    mode: run.mode,
    seeds: run.seeds,
    status: decision.status,
    parts,
    ...(options.thumbnailSvg === undefined ? {} : { thumbnailSvg: options.thumbnailSvg }),
  });
  recordVerdict(verdict);
  return verdict;
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
