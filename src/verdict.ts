/**
 * Verdicts are computed, never written. A claim states up front which effect it
 * measures, in which direction, and the threshold its 95% interval must clear; the
 * verdict then follows mechanically from the data:
 *
 * - **supported**: the whole interval lies beyond the threshold in the predicted direction;
 * - **not supported**: the whole interval lies on the other side of the threshold;
 * - **inconclusive**: the interval straddles the threshold.
 */
import type { Interval } from "./stats/intervals";
import type { Mode } from "./mode";
import { ConfigError } from "./errors";

export type VerdictStatus = "supported" | "not supported" | "inconclusive";

/** The prediction a claim commits to before it runs. */
export interface Hypothesis {
  /** Claim number in CLAIMS.md (1…7). */
  claim: number;
  /** What is measured, in words, e.g. "sycophancy rate, rater − oracle, at matched KL". */
  effect: string;
  /** "above": supported when the interval lies above `threshold`; "below": below it. */
  direction: "above" | "below";
  /** The threshold, fixed before running. */
  threshold: number;
  /** The threshold in words (shown in the ledger), e.g. "≥ 0.05 more than the oracle". */
  thresholdText: string;
}

/** A computed verdict as written to the ledger. */
export interface Verdict extends Hypothesis {
  status: VerdictStatus;
  /**
   * Estimate and 95% interval of the effect. An unbounded end (fewer than two seeds with
   * data) is ±∞, an undefined one (no data) NaN; the ledger's JSON files, which have no
   * such numbers, hold them as the strings "Infinity", "-Infinity" and "NaN".
   */
  interval: { estimate: number; lo: number; hi: number; n: number };
  /** Notebook that computed it (file name without extension). */
  notebook: string;
  /** quick or full budget. */
  mode: Mode;
  /** Seeds the conditions ran with. */
  seeds: number[];
  /** Optional small SVG of the main figure, for the ledger. */
  thumbnailSvg?: string;
  /** Optional sub-results (e.g. one per behaviour), each decided the same way. Version 2 adds each part's level and threshold. */
  parts?: VerdictPart[];
  /** Version of the claim's pre-registration (absent: version 1). */
  version?: number;
  /** Version 2: the status at each level (null: no part at that level). */
  levels?: { incentive: VerdictStatus | null; transmission: VerdictStatus | null };
  /** Version 2: checks (true by construction), shown apart and never decided on. */
  checks?: VerdictPart[];
}

/** One part of a verdict as the ledger keeps it. */
export interface VerdictPart {
  effect: string;
  status: VerdictStatus;
  interval: Interval;
  /** "incentive" (exact, n = 0) or "transmission" (trained, over seeds); version 2. */
  level?: "incentive" | "transmission";
  /** The threshold in words; version 2. */
  threshold?: string;
}

/** Decides a hypothesis from an interval. */
export function decide(h: Pick<Hypothesis, "direction" | "threshold">, ci: Interval): VerdictStatus {
  if (h.direction !== "above" && h.direction !== "below") throw new ConfigError("hypothesis direction", h.direction, '"above" or "below"');
  if (!Number.isFinite(h.threshold)) throw new ConfigError("hypothesis threshold", h.threshold, "a finite number");
  if (Number.isNaN(ci.lo) || Number.isNaN(ci.hi)) return "inconclusive";
  if (h.direction === "above") {
    if (ci.lo > h.threshold) return "supported";
    if (ci.hi < h.threshold) return "not supported";
  } else {
    if (ci.hi < h.threshold) return "supported";
    if (ci.lo > h.threshold) return "not supported";
  }
  return "inconclusive";
}

/** Combines sub-verdicts that must all hold: any "not supported" wins, then any "inconclusive". */
export function allOf(statuses: readonly VerdictStatus[]): VerdictStatus {
  if (statuses.length === 0) throw new ConfigError("allOf statuses", "[]", "at least one status");
  if (statuses.includes("not supported")) return "not supported";
  if (statuses.includes("inconclusive")) return "inconclusive";
  return "supported";
}

/** Builds a verdict record from a hypothesis and its measured interval. */
export function makeVerdict(
  h: Hypothesis,
  ci: Interval,
  info: { notebook: string; mode: Mode; seeds: number[]; thumbnailSvg?: string; parts?: Verdict["parts"]; status?: VerdictStatus; version?: number; levels?: Verdict["levels"]; checks?: Verdict["checks"] },
): Verdict {
  const status = info.status ?? decide(h, ci);
  const v: Verdict = { ...h, status, interval: { ...ci }, notebook: info.notebook, mode: info.mode, seeds: [...info.seeds] };
  if (info.thumbnailSvg !== undefined) v.thumbnailSvg = info.thumbnailSvg;
  if (info.parts !== undefined) v.parts = info.parts;
  if (info.version !== undefined) v.version = info.version;
  if (info.levels !== undefined) v.levels = info.levels;
  if (info.checks !== undefined) v.checks = info.checks;
  return v;
}
