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
  return writeAtomic(path.join(verdictsDir(), `claim-${v.claim}.json`), JSON.stringify(v, null, 2) + "\n");
}

/** Reads every verdict in a folder (missing folder → none). */
export function readVerdicts(dir: string = verdictsDir()): Verdict[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^claim-\d+\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Verdict)
    .sort((a, b) => a.claim - b.claim);
}

/** Writes `content` to `file` via a temporary file and a rename, creating folders. */
export function writeAtomic(file: string, content: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
  return file;
}
