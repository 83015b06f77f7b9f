/**
 * Best-of-n: draw n outputs from the reference policy, keep the one the scorer likes
 * best. Sampled, and exact for an enumerable output set.
 *
 * Exact form. Sort outputs by score; with c_i the reference probability of scoring at most
 * output i's score, P(max of n draws lands in a score level with c_lo < … ≤ c_hi) =
 * c_hi^n − c_lo^n. Within a level of tied outputs the kept draw is the first best one, and
 * since draws are exchangeable its identity is distributed ∝ π_ref inside the level:
 *     π_bon(y) = π_ref(y) / π_ref(level) · (c_hi^n − c_lo^n).
 * Without ties this is π_bon(y_i) = c_i^n − c_{i−1}^n.
 * KL(π_bon ‖ π_ref) ≤ log n − (n − 1)/n (Beirami et al. 2024; the value commonly quoted
 * as exact, equal to it only for continuous outputs with no ties).
 */
import { Rng } from "../rng";
import { checkInteger, checkNumbers, checkScore } from "../validate";
import { ConfigError } from "../errors";
import { expectation, klDivergence } from "./closed-form";

/** The analytic KL bound log n − (n−1)/n. */
export function bestOfNKlBound(n: number): number {
  return Math.log(n) - (n - 1) / n;
}

export interface BestOfNExact {
  /** π_bon over the same outputs as `ref`. */
  probs: number[];
  /** Exact KL(π_bon ‖ π_ref). */
  kl: number;
  /** log n − (n−1)/n. */
  bound: number;
  /** E_{π_bon}[score]. */
  expectedScore: number;
}

/** Exact best-of-n distribution over an enumerable output set (ties handled, see above). */
export function bestOfNExact(ref: readonly number[], scores: readonly number[], n: number): BestOfNExact {
  checkInteger("n", n, 1);
  checkNumbers("ref", ref);
  checkNumbers("scores", scores, ref.length);
  if (!ref.every((p) => p >= 0) || !ref.some((p) => p > 0)) throw new ConfigError("ref", `[${ref.join(", ")}]`, "probabilities ≥ 0, not all 0");
  const order = ref.map((_, i) => i).filter((i) => ref[i]! > 0).sort((a, b) => scores[a]! - scores[b]!);
  const total = order.reduce((s, i) => s + ref[i]!, 0);
  const probs = new Array<number>(ref.length).fill(0);
  let cLo = 0;
  for (let k = 0; k < order.length; ) {
    let j = k;
    let mass = 0;
    while (j < order.length && scores[order[j]!] === scores[order[k]!]) mass += ref[order[j++]!]! / total;
    const cHi = Math.min(1, cLo + mass);
    const pLevel = Math.pow(cHi, n) - Math.pow(cLo, n);
    for (let m = k; m < j; m++) probs[order[m]!] = ((ref[order[m]!]! / total) / mass) * pLevel;
    cLo = cHi;
    k = j;
  }
  return { probs, kl: klDivergence(probs, ref), bound: bestOfNKlBound(n), expectedScore: expectation(probs, scores) };
}

/** One best-of-n draw: n samples from `sample`, the first with the highest `score`. */
export function bestOfNSample<T>(rng: Rng, sample: (rng: Rng) => T, score: (y: T) => number, n: number): T {
  checkInteger("n", n, 1);
  let best = sample(rng);
  let bestScore = checkScore("score callback result", score(best));
  for (let i = 1; i < n; i++) {
    const y = sample(rng);
    const s = checkScore("score callback result", score(y));
    if (s > bestScore) {
      best = y;
      bestScore = s;
    }
  }
  return best;
}

/**
 * Rows for a best-of-n curve (claim 2): for each n, the exact KL, d = √KL, the bound,
 * and the expected proxy and true scores under π_bon selected by the proxy.
 */
export function bestOfNCurve(
  ref: readonly number[],
  proxy: readonly number[],
  truth: readonly number[],
  ns: readonly number[],
): { n: number; kl: number; d: number; bound: number; proxy: number; true: number }[] {
  checkNumbers("truth", truth, ref.length);
  return ns.map((n) => {
    const b = bestOfNExact(ref, proxy, n);
    return { n, kl: b.kl, d: Math.sqrt(b.kl), bound: b.bound, proxy: b.expectedScore, true: expectation(b.probs, truth) };
  });
}
