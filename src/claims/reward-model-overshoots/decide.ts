/** Deciding claim 2 (version 2) from the exact frontiers; the trained curves are described, not decided. */
import { allOf, decide } from "../../verdict";
import { meanCI, type Interval } from "../../stats/intervals";
import { exactPart, makePart, twoLevelDecision, type Decision, type Part } from "../kit/contract";
import { THRESHOLDS, type OvershootConfig } from "./config";
import { CONSISTENT, ORACLE, POOL, type FrontierRow, type LabellerName, type SeedResult } from "./experiment";
import { frontierCurve, indirectionAt, riseFall, SHARES, type RiseFall } from "./curves";

/** What `decideOvershoot` reads: the label-limit frontiers and the per-seed results. */
export interface OvershootEvidence {
  incentive: readonly FrontierRow[];
  perSeed: readonly SeedResult[];
}

/** A comparison reported beside the verdict, never in it. */
export interface Reported {
  key: string;
  what: string;
  level: "incentive" | "transmission";
  interval: Interval;
}

/** Does this world agree with AlpacaFarm (overoptimisation with the varied pool only)? Read by the pre-registered rule. */
export type AlpacaFarmReading = "agrees" | "disagrees: the consistent rater overshoots too" | "no overshoot with the pool" | "cannot tell";

/** Claim 2's decision, with what is reported beside it. */
export interface OvershootDecision extends Decision {
  reported: Reported[];
  /** The AlpacaFarm comparison at each level (THRESHOLDS.fall on both rater conditions). */
  alpacaFarm: { incentive: AlpacaFarmReading; transmission: AlpacaFarmReading };
}

/** `meanCI`, or an all-NaN interval (decided "inconclusive") when there is no value at all. */
function meanCIOrNaN(xs: readonly number[]): Interval {
  const ok = xs.filter((x) => Number.isFinite(x));
  return ok.length === 0 ? { estimate: NaN, lo: NaN, hi: NaN, n: 0 } : meanCI(ok);
}

const point = (v: number): Interval => ({ estimate: v, lo: v, hi: v, n: 0 });

/** The AlpacaFarm reading from the fall of the pool and of the consistent rater (intervals; exact values are point intervals). */
export function alpacaFarmReading(pool: Interval, consistent: Interval, threshold: number = THRESHOLDS.fall): AlpacaFarmReading {
  if (![pool.lo, pool.hi, consistent.lo, consistent.hi].every(Number.isFinite)) return "cannot tell";
  if (pool.hi <= threshold) return "no overshoot with the pool";
  if (pool.lo > threshold && consistent.hi < threshold) return "agrees";
  if (pool.lo > threshold && consistent.lo > threshold) return "disagrees: the consistent rater overshoots too";
  return "cannot tell";
}

/** Rise and fall of each seed's RM frontier of `labeller` on the corpus. */
function rmRiseFall(perSeed: readonly SeedResult[], labeller: LabellerName): RiseFall[] {
  return perSeed.map((s) => riseFall(frontierCurve(s.result.frontier, labeller, "reward model", "corpus")));
}

/**
 * Decides claim 2 (version 2). Incentive level: the pool's label-limit frontier rises and
 * falls, the noisy oracle's does not fall; the pool RM's frontier against the label limit at
 * `matchedKl` has a larger inflation gap carried by the same behaviours (interval over
 * seeds: the RM is the random element, the optimisation is exact). Transmission level: each
 * seed's pool-RM frontier rises and falls (interval over seeds). Check: no best-of-n or PPO
 * point beats the RM frontier's proxy at its own KL. Reported: the consistent rater, the
 * oracle RM, the AlpacaFarm reading.
 */
export function decideOvershoot(ev: OvershootEvidence, cfg: Pick<OvershootConfig, "matchedKl">): OvershootDecision {
  const T = THRESHOLDS;
  const ll = (l: LabellerName) => riseFall(frontierCurve(ev.incentive, l, "label limit", "corpus"));
  const pool = ll(POOL), oracle = ll(ORACLE), consistent = ll(CONSISTENT);
  const limitCurve = frontierCurve(ev.incentive, POOL, "label limit", "corpus");
  const ind = ev.perSeed.map((s) => indirectionAt(frontierCurve(s.result.frontier, POOL, "reward model", "corpus"), limitCurve, cfg.matchedKl));
  const gap = meanCIOrNaN(ind.map((x) => x?.gap ?? NaN));
  const shift = meanCIOrNaN(ind.map((x) => x?.maxShift ?? NaN));
  const rmPool = rmRiseFall(ev.perSeed, POOL), rmCons = rmRiseFall(ev.perSeed, CONSISTENT), rmOracle = rmRiseFall(ev.perSeed, ORACLE);
  const rise = meanCIOrNaN(rmPool.map((r) => r.rise)), fall = meanCIOrNaN(rmPool.map((r) => r.fall));
  const shortfalls = ev.perSeed.flatMap((s) => [...s.result.bon, ...s.result.ppo].map((r) => r.proxyShortfall));
  const beaten = shortfalls.length === 0 ? NaN : Math.max(0, -Math.min(...shortfalls));
  const above = "above" as const, below = "below" as const;
  const parts: Part[] = [
    exactPart({ key: "incentive/rise", effect: "label limit of the rater pool, exact frontier on the corpus: true utility at its peak − at KL 0", direction: above, threshold: T.rise, thresholdText: `> ${T.rise}` }, pool.rise, decide),
    exactPart({ key: "incentive/fall", effect: `label limit of the rater pool, exact frontier: true utility at its peak − at the largest KL of the grid`, direction: above, threshold: T.fall, thresholdText: `> ${T.fall}` }, pool.fall, decide),
    exactPart({ key: "incentive/oracle-no-fall", effect: "label limit of the noisy oracle, exact frontier: true utility at its peak − at the largest KL", direction: below, threshold: T.oracleFall, thresholdText: `< ${T.oracleFall}` }, oracle.fall, decide),
    makePart({ key: "indirection/gap", effect: `inflation gap, exact frontier of each seed's pool RM − label limit, at KL ${cfg.matchedKl} (corpus reference)`, direction: above, threshold: T.indirectionGap, thresholdText: `> ${T.indirectionGap}`, level: "incentive" }, gap, decide),
    makePart({ key: "indirection/composition", effect: `largest change, RM frontier − label limit at KL ${cfg.matchedKl}, in the share of over-estimation carried by fabrication, sycophancy or exaggeration`, direction: below, threshold: T.compositionShift, thresholdText: `< ${T.compositionShift}`, level: "incentive" }, shift, decide),
    makePart({ key: "transmission/rise", effect: "exact frontier of each seed's pool RM (finite labels, network) on the corpus: true utility at its peak − at KL 0", direction: above, threshold: T.rise, thresholdText: `> ${T.rise}`, level: "transmission" }, rise, decide),
    makePart({ key: "transmission/fall", effect: "exact frontier of each seed's pool RM on the corpus: true utility at its peak − at the largest KL", direction: above, threshold: T.fall, thresholdText: `> ${T.fall}`, level: "transmission" }, fall, decide),
    makePart({ key: "check/frontier-bound", effect: "largest amount by which any best-of-n or PPO point beats the RM frontier's proxy at its own KL (the tilt is the best policy at its KL)", direction: below, threshold: 1e-6, thresholdText: "< 1e-6", level: "transmission", role: "check" }, point(beaten), decide),
  ];
  const consFall = meanCIOrNaN(rmCons.map((r) => r.fall));
  const reported: Reported[] = [
    { key: "consistent/limit/rise", what: "label limit of the consistent rater: rise", level: "incentive", interval: point(consistent.rise) },
    { key: "consistent/limit/fall", what: "label limit of the consistent rater: fall", level: "incentive", interval: point(consistent.fall) },
    { key: "oracle/limit/rise", what: "label limit of the noisy oracle: rise", level: "incentive", interval: point(oracle.rise) },
    { key: "consistent/rm/rise", what: "RM frontier of the consistent rater: rise", level: "transmission", interval: meanCIOrNaN(rmCons.map((r) => r.rise)) },
    { key: "consistent/rm/fall", what: "RM frontier of the consistent rater: fall", level: "transmission", interval: consFall },
    { key: "oracle/rm/rise", what: "RM frontier of the noisy oracle: rise", level: "transmission", interval: meanCIOrNaN(rmOracle.map((r) => r.rise)) },
    { key: "oracle/rm/fall", what: "RM frontier of the noisy oracle: fall", level: "transmission", interval: meanCIOrNaN(rmOracle.map((r) => r.fall)) },
    { key: "oracle/rm/relative", what: `RM frontier falls, noisy oracle − ${T.oracleRmRatio} × pool, paired by seed (< 0: the oracle RM falls by at most ${T.oracleRmRatio} of the pool RM's fall)`, level: "transmission", interval: meanCIOrNaN(rmOracle.map((r, i) => r.fall - T.oracleRmRatio * rmPool[i]!.fall)) },
    ...SHARES.map((k): Reported => ({ key: `indirection/${k}`, what: `${k.replace("Share", "")} share of over-estimation, RM frontier − label limit at KL ${cfg.matchedKl}`, level: "incentive", interval: meanCIOrNaN(ind.map((x) => x?.shares[k] ?? NaN)) })),
  ];
  const d = twoLevelDecision(parts, fall, allOf);
  return { ...d, reported, alpacaFarm: { incentive: alpacaFarmReading(point(pool.fall), point(consistent.fall)), transmission: alpacaFarmReading(fall, consFall) } };
}
