/** Deciding claim 2 from the per-seed results. */
import { allOf, decide } from "../../verdict";
import { meanCI, type Interval } from "../../stats/intervals";
import type { Decision, Part } from "../kit/contract";
import { INDIRECTION_THRESHOLD, OVERSHOOT_DROP_THRESHOLD, OVERSHOOT_HYPOTHESIS } from "./config";
import type { SeedResult } from "./experiment";
import { matchedKlGapDifference, overshoot, ppoRiseFall } from "./curves";

/** Claim 2's decision, with the intervals that are reported beside it and not decided. */
export interface OvershootDecision extends Decision {
  /** Matched-KL budgets over seeds (nats). */
  matchedKl: Interval;
  /** Reported, not decided: the same difference with the PPO trajectory run as the PPO curve. */
  trajectoryDiff: Interval;
  trajectoryKl: Interval;
  /** Reported, not decided: true-utility rise over the base model and fall from the peak along the PPO trajectory. */
  ppoRise: Interval;
  ppoFall: Interval;
}

/** `meanCI`, or an all-NaN interval (decided "inconclusive") when there is no value at all. */
function meanCIOrNaN(xs: readonly number[]): Interval {
  return xs.length === 0 ? { estimate: NaN, lo: NaN, hi: NaN, n: 0 } : meanCI(xs);
}

/**
 * Decides claim 2 from per-seed results: the overshoot part (the headline) and the
 * indirection part, both "evidence"; the status is `allOf` them.
 */
export function decideOvershoot(seeds: readonly SeedResult[], indirectionPairs: number): OvershootDecision {
  const drops = seeds.map((s) => overshoot(s.result.bon.filter((r) => r.rmPairs === indirectionPairs)).drop);
  const main = meanCIOrNaN(drops);
  const ok = <T,>(x: T | null): x is T => x !== null;
  const matched = seeds.map((s) => matchedKlGapDifference(s.result.rl)).filter(ok);
  const traj = seeds.map((s) => matchedKlGapDifference(s.result.rl, "inflationGap", "trajectory")).filter(ok);
  const rf = seeds.map((s) => ppoRiseFall(s.result.rl)).filter(ok);
  const ind = meanCIOrNaN(matched.map((m) => m.diff));
  const hInd = { direction: "above", threshold: INDIRECTION_THRESHOLD } as const;
  const parts: Part[] = [
    { key: "overshoot", effect: `best-of-n overshoot (RM on ${indirectionPairs} pairs): max true utility − true utility at largest n > ${OVERSHOOT_DROP_THRESHOLD}`, status: decide(OVERSHOOT_HYPOTHESIS, main), interval: main, direction: OVERSHOOT_HYPOTHESIS.direction, threshold: OVERSHOOT_DROP_THRESHOLD, thresholdText: `> ${OVERSHOOT_DROP_THRESHOLD} utility units`, role: "evidence", level: "transmission" },
    { key: "indirection", effect: `inflation gap, PPO-on-RM (run ends by β) − DPO-on-rater-labels at matched KL (midpoint of shared range) > ${INDIRECTION_THRESHOLD}`, status: decide(hInd, ind), interval: ind, ...hInd, thresholdText: `> ${INDIRECTION_THRESHOLD}`, role: "evidence", level: "transmission" },
  ];
  return {
    status: allOf(parts.map((p) => p.status)),
    headline: main,
    parts,
    matchedKl: meanCIOrNaN(matched.map((m) => m.kl)),
    trajectoryDiff: meanCIOrNaN(traj.map((m) => m.diff)),
    trajectoryKl: meanCIOrNaN(traj.map((m) => m.kl)),
    ppoRise: meanCIOrNaN(rf.map((x) => x.rise)),
    ppoFall: meanCIOrNaN(rf.map((x) => x.fall)),
  };
}
