import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");

/** Runs the report runner (the same path as `make reports`) and returns its output. */
export function runReports(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "scripts", "reports.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 20 * 60 * 1000,
  });
}
