/**
 * Quick and full mode. One environment switch, `RLHF_QUICK=1`, shrinks every
 * notebook's budget so the test suite can execute them all; full mode is the default
 * (and what `make reports` runs).
 */

/** Which budget a run uses. */
export type Mode = "quick" | "full";

/** Reads the mode from `RLHF_QUICK` ("1"/"true" → quick). Browser-safe: no `process` → full. */
export function currentMode(env: Record<string, string | undefined> = defaultEnv()): Mode {
  const v = (env["RLHF_QUICK"] ?? "").toLowerCase();
  return v === "1" || v === "true" || v === "yes" ? "quick" : "full";
}

/**
 * Picks the quick or full value of a budget: `budget({ quick: 50, full: 2000 }, run.mode)`.
 * The mode is read once, when a notebook starts (`startNotebook`/`startClaim`), and passed
 * down; nothing below re-reads the environment.
 */
export function budget<T>(choices: { quick: T; full: T }, mode: Mode): T {
  return choices[mode];
}

function defaultEnv(): Record<string, string | undefined> {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env ?? {};
}
