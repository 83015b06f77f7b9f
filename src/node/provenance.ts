/**
 * Provenance of a run: what code, which packages, which backend, which seeds, which
 * budget. Shown at the top of every report (as TRL snapshots its environment and
 * CleanRL names its runs).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { currentMode, type Mode } from "../mode";

/** Everything needed to know where a result came from. */
export interface Provenance {
  /** Git commit of the project, or "unknown" outside a git checkout. */
  commit: string;
  /** True when the working tree had uncommitted changes. */
  dirty: boolean;
  /** Versions of the packages that shape results. */
  packages: Record<string, string>;
  /** Node.js version. */
  node: string;
  /** TensorFlow.js backend in use (or "none" when no tensors were used). */
  backend: string;
  /** The run's seeds. */
  seeds: number[];
  /** quick or full budget. */
  mode: Mode;
}

const TRACKED = ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "@tensorflow/tfjs-node", "vega", "vega-lite", "danfojs", "pure-rand", "tslab"];

/** The project's root: the nearest folder above `from` holding our package.json. */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pj = path.join(dir, "package.json");
    if (fs.existsSync(pj) && (JSON.parse(fs.readFileSync(pj, "utf8")) as { name?: string }).name === "rlhf-incentives") return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    return null;
  }
}

/** Collects provenance for a run with the given seeds and backend. */
export function provenance(seeds: number[], backend = "none", mode: Mode = currentMode()): Provenance {
  const root = projectRoot();
  const packages: Record<string, string> = {};
  for (const name of TRACKED) {
    try {
      const pj = JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")) as { version: string };
      packages[name] = pj.version;
    } catch {
      packages[name] = "not installed";
    }
  }
  const status = git(["status", "--porcelain", "--untracked-files=no"], root);
  return {
    commit: git(["rev-parse", "HEAD"], root) ?? "unknown",
    dirty: status === null ? false : status.length > 0,
    packages,
    node: process.version,
    backend,
    seeds: [...seeds],
    mode,
  };
}

/** Provenance as a compact HTML block. */
export function provenanceHtml(p: Provenance): string {
  const pk = Object.entries(p.packages)
    .map(([k, v]) => `${k} ${v}`)
    .join(" · ");
  const commit = `${p.commit.slice(0, 12)}${p.dirty ? " (uncommitted changes)" : ""}`;
  return (
    `<div class="rlhf-provenance" style="font-size:85%;border:1px solid #ccc;padding:6px 10px;background:#fafafa">` +
    `<b>Provenance</b> — commit <code>${commit}</code> · mode <b>${p.mode}</b> · backend <b>${p.backend}</b> · ` +
    `seeds ${p.seeds.join(", ")} · node ${p.node}<br><span style="color:#555">${pk}</span></div>`
  );
}
