/**
 * Where a running notebook puts what it produces besides its HTML: CSV tables and its
 * claim verdict. `make reports` points these at a staging folder and moves them into
 * `reports/` only when the whole notebook succeeded, so a failed run never replaces
 * good results. Opened by hand in JupyterLab, a notebook writes straight to
 * `../reports/` (its working folder is `notebooks/`).
 *
 * Environment: RLHF_ARTIFACTS_DIR (tables), RLHF_VERDICTS_DIR (verdicts), RLHF_NOTEBOOK
 * (the notebook's name, set by the runner).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Verdict } from "../verdict";

/** Folder for this notebook's data files. */
export function artifactsDir(): string {
  return process.env["RLHF_ARTIFACTS_DIR"] ?? path.resolve("..", "reports", "data", notebookName());
}

/** Folder for claim verdicts (one JSON file per claim). */
export function verdictsDir(): string {
  return process.env["RLHF_VERDICTS_DIR"] ?? path.resolve("..", "reports", "verdicts");
}

/** The running notebook's name (set by the runner; "interactive" otherwise). */
export function notebookName(): string {
  return process.env["RLHF_NOTEBOOK"] ?? "interactive";
}

/** Writes a file into the artifacts folder, atomically (write, then rename). */
export function writeArtifact(name: string, content: string): string {
  return writeAtomic(path.join(artifactsDir(), name), content);
}

/** Writes a claim's verdict to `claim-<n>.json` in the verdicts folder; returns the path. */
export function writeVerdict(v: Verdict): string {
  return writeAtomic(path.join(verdictsDir(), `claim-${v.claim}.json`), verdictJson(v));
}

const NON_FINITE = ["NaN", "Infinity", "-Infinity"];

/**
 * A verdict as JSON. JSON has no NaN or infinity, and JSON.stringify writes both as `null`;
 * here they are written as the strings "NaN", "Infinity" and "-Infinity", so an unbounded
 * interval end (±∞: too few seeds) stays distinct from an undefined one (NaN: no data).
 */
export function verdictJson(v: Verdict): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "number" && !Number.isFinite(x) ? String(x) : x), 2) + "\n";
}

/** Parses a verdict file's text, turning the interval ends written by {@link verdictJson} back into numbers. */
export function parseVerdictJson(text: string): unknown {
  return JSON.parse(text, (k, x: unknown) => (["estimate", "lo", "hi"].includes(k) && typeof x === "string" && NON_FINITE.includes(x) ? Number(x) : x));
}

const STATUSES = ["supported", "not supported", "inconclusive"];

/** Why a parsed verdict file is not a verdict (null when it is one). */
export function verdictProblem(v: unknown, file: string): string | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "not a JSON object";
  const x = v as Record<string, unknown>;
  const m = /^claim-(\d+)\.json$/.exec(path.basename(file));
  if (!Number.isInteger(x["claim"]) || (m && Number(m[1]) !== x["claim"])) return `claim ${JSON.stringify(x["claim"])} does not match the file name`;
  if (!STATUSES.includes(x["status"] as string)) return `status ${JSON.stringify(x["status"])} is not one of ${STATUSES.join(", ")}`;
  const iv = x["interval"] as Record<string, unknown> | undefined;
  // null: an interval end written before non-finite values were kept apart (unknown which).
  const num = (k: string) => iv !== undefined && (iv[k] === null || typeof iv[k] === "number");
  if (typeof iv !== "object" || iv === null || !num("estimate") || !num("lo") || !num("hi") || typeof iv["n"] !== "number") return "interval is not {estimate, lo, hi, n}";
  for (const k of ["effect", "thresholdText", "notebook"]) if (typeof x[k] !== "string") return `${k} is not a string`;
  if (x["mode"] !== "quick" && x["mode"] !== "full") return `mode ${JSON.stringify(x["mode"])} is not quick or full`;
  for (const list of ["parts", "checks"]) {
    const ps = x[list];
    if (ps === undefined) continue;
    if (!Array.isArray(ps) || !ps.every((p) => typeof p === "object" && p !== null && STATUSES.includes((p as Record<string, unknown>)["status"] as string))) return `${list} has an entry without a valid status`;
  }
  return null;
}

/**
 * Reads every verdict in a folder (missing folder → none). A file that does not parse or
 * is not a verdict (verdictProblem) is left out and reported to `onInvalid` (default: throw,
 * naming the file).
 */
export function readVerdicts(dir: string = verdictsDir(), onInvalid?: (file: string, reason: string) => void): Verdict[] {
  if (!fs.existsSync(dir)) return [];
  const out: Verdict[] = [];
  for (const f of fs.readdirSync(dir).filter((f) => /^claim-\d+\.json$/.test(f))) {
    const file = path.join(dir, f);
    let v: unknown;
    let problem: string | null;
    try {
      v = parseVerdictJson(fs.readFileSync(file, "utf8"));
      problem = verdictProblem(v, file);
    } catch (e) {
      problem = `not JSON (${(e as Error).message})`;
    }
    if (problem === null) out.push(v as Verdict);
    else if (onInvalid) onInvalid(file, problem);
    else throw new Error(`verdict file ${file}: ${problem}`);
  }
  return out.sort((a, b) => a.claim - b.claim);
}

/** Writes `content` to `file` via a temporary file and a rename, creating folders. */
export function writeAtomic(file: string, content: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
  return file;
}
