/**
 * The opening and closing moves every notebook shares: choose the backend and show the
 * provenance block first; show and record the computed verdict last.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { initBackend } from "../tf/backend";
import { currentMode, type Mode } from "../mode";
import { provenance, provenanceHtml, type Provenance } from "./provenance";
import { showHtml } from "./display";
import { parseVerdictJson, writeVerdict } from "./artifacts";
import { escapeHtml, formatCell } from "../table";
import { makeVerdict, type Verdict, type VerdictPart } from "../verdict";
import type { BaseBudget, ClaimModule, Decision, Part } from "../claims/kit/contract";
import type { SeedRunner } from "../claims/kit/seed-runner";
import { seedPool } from "./seed-pool";

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

/** A claim notebook's run: the notebook run plus the claim module, its validated budget and who runs its seeds. */
export interface ClaimRun<B extends BaseBudget, R> extends NotebookRun {
  claim: ClaimModule<B, R>;
  budget: B;
  /** The seeds' runner for `claim.run(…, { runner })`: worker threads ({@link seedPool}; `RLHF_WORKERS=1`: one after another in the kernel). */
  runner: SeedRunner;
}

/**
 * Opens a claim notebook: reads the mode once, validates the module's budget for it (with
 * optional overrides, before any work) and the worker count (`workers`, else
 * `RLHF_WORKERS`, else the machine's cores), then starts the notebook with the budget's seeds.
 */
export async function startClaim<B extends BaseBudget, R>(claim: ClaimModule<B, R>, options: { overrides?: unknown; tensors?: boolean; workers?: number } = {}): Promise<ClaimRun<B, R>> {
  const mode = currentMode();
  const budget = claim.budget(mode, options.overrides);
  const runner = seedPool(options.workers === undefined ? {} : { workers: options.workers });
  const tensors = options.tensors ?? (claim.tensors === false ? false : undefined);
  const run = await startNotebook({ seeds: budget.seeds, ...(tensors === undefined ? {} : { tensors }) });
  return { ...run, claim, budget, runner };
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
 * decision, shows it, and writes it to the ledger. Version 1 keeps evidence parts only, as
 * `{ effect, status, interval }`; version 2 adds the claim's version, each level's status,
 * every evidence part's level and threshold, and its checks (listed apart).
 */
export function recordClaim<B extends BaseBudget, R>(run: ClaimRun<B, R>, decision: Decision, options: { thumbnailSvg?: string } = {}): Verdict {
  const verdict = claimVerdict(run.claim, run.budget, run.mode, run.seeds, decision, options);
  recordVerdict(verdict);
  return verdict;
}

/**
 * The verdict of a decided claim (what {@link recordClaim} shows and records; the CLI's
 * `rlhf claim` writes it to its own folder instead of the ledger).
 */
export function claimVerdict<B extends BaseBudget, R>(claim: ClaimModule<B, R>, budget: B, mode: Mode, seeds: readonly number[], decision: Decision, options: { thumbnailSvg?: string } = {}): Verdict {
  const v2 = decision.version !== undefined && decision.version >= 2;
  const asPart = (p: Part): VerdictPart => (v2 ? { effect: p.effect, status: p.status, interval: p.interval, level: p.level, threshold: p.thresholdText } : { effect: p.effect, status: p.status, interval: p.interval });
  const parts = decision.parts.filter((p) => p.role === "evidence").map(asPart);
  return makeVerdict(claim.hypothesis(budget), decision.headline, {
    notebook: claim.notebook,
    mode,
    seeds: [...seeds],
    status: decision.status,
    parts,
    ...(v2 ? { version: decision.version!, checks: decision.parts.filter((p) => p.role === "check").map(asPart) } : {}),
    ...(v2 && decision.levels ? { levels: decision.levels } : {}),
    ...(options.thumbnailSvg === undefined ? {} : { thumbnailSvg: options.thumbnailSvg }),
  });
}

const COLORS: Record<Verdict["status"], string> = {
  supported: "#1a7f37",
  "not supported": "#cf222e",
  inconclusive: "#9a6700",
};

function partItem(p: VerdictPart): string {
  const iv = p.interval;
  const value = iv.n === 0 ? `exact ${formatCell(iv.estimate)}` : `${formatCell(iv.estimate)} [${formatCell(iv.lo)}, ${formatCell(iv.hi)}], n = ${iv.n}`;
  return `<li>${escapeHtml(p.effect)}: <b style="color:${COLORS[p.status]}">${p.status}</b> (${value}${p.threshold ? `; threshold ${escapeHtml(p.threshold)}` : ""})</li>`;
}

/** The verdict as an HTML box (also used by the ledger). */
export function verdictHtml(v: Verdict): string {
  const i = v.interval;
  const levelLine = (name: "incentive" | "transmission", title: string) => {
    const s = v.levels?.[name];
    const ps = (v.parts ?? []).filter((p) => p.level === name);
    if (!s && ps.length === 0) return "";
    return `<div style="margin-top:6px"><b>${title}</b>: <b style="color:${s ? COLORS[s] : "#6e7781"}">${s ?? "no part"}</b><ul style="margin:2px 0">${ps.map(partItem).join("")}</ul></div>`;
  };
  const body = v.levels
    ? levelLine("incentive", "Incentive level (exact limits)") +
      levelLine("transmission", "Transmission level (trained runs)") +
      (v.checks && v.checks.length > 0 ? `<div style="margin-top:6px;color:#555"><b>Checks</b> (true by construction; not part of the verdict)<ul style="margin:2px 0">${v.checks.map(partItem).join("")}</ul></div>` : "")
    : (v.parts ?? []).length > 0
      ? `<ul>${(v.parts ?? []).map(partItem).join("")}</ul>`
      : "";
  return (
    `<div class="rlhf-verdict" style="border:2px solid ${COLORS[v.status]};padding:8px 12px;margin:8px 0">` +
    `<div style="font-size:120%">Claim ${v.claim}${v.version ? ` (version ${v.version})` : ""}: <b style="color:${COLORS[v.status]}">${v.status}</b></div>` +
    `<div>${escapeHtml(v.effect)} = <b>${formatCell(i.estimate)}</b>${i.n > 0 ? `, 95% interval [${formatCell(i.lo)}, ${formatCell(i.hi)}] over n = ${i.n}` : " (exact)"}; threshold: ${escapeHtml(v.thresholdText)}</div>` +
    body +
    `<div style="font-size:85%;color:#555">mode ${v.mode}, seeds ${v.seeds.join(", ")}; computed by the notebook ${escapeHtml(v.notebook)}</div></div>`
  );
}

/** Shows the verdict and writes it to the ledger. */
export function recordVerdict(v: Verdict): void {
  writeVerdict(v);
  showHtml(verdictHtml(v), `Claim ${v.claim}: ${v.status}`);
}

/** The version-1 verdict of a claim, as archived in results/v1/ (null if none was archived). */
export function archivedVerdict(claim: number, version = 1): Verdict | null {
  const file = path.resolve(__dirname, "..", "..", "results", `v${version}`, `claim-${claim}.json`);
  if (!fs.existsSync(file)) return null;
  return parseVerdictJson(fs.readFileSync(file, "utf8")) as Verdict;
}

/**
 * Shows what an earlier version of a claim decided (archived verdict file, not recomputed),
 * with its parts, so a notebook keeps the old result visible next to the new decision.
 */
export function showArchivedVerdict(claim: number, version = 1): Verdict | null {
  const v = archivedVerdict(claim, version);
  if (!v) {
    showHtml(`<p><i>No archived version-${version} verdict for claim ${claim}.</i></p>`, `no v${version} verdict`);
    return null;
  }
  showHtml(
    `<div style="opacity:0.85"><div style="font-size:90%;color:#555">Archived version-${version} verdict (results/v${version}/claim-${claim}.json, full mode; not recomputed):</div>${verdictHtml(v)}</div>`,
    `Claim ${claim}, version ${version}: ${v.status}`,
  );
  return v;
}
