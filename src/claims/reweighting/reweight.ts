/**
 * Route (a), the incentive level: the exact KL-optimal response to a labeller's training
 * signal, read as a reweighting of the algorithms.
 *
 * The labeller's infinite-data reward is the Bradley–Terry fit s(c, m) to its exact labels
 * on pairs drawn from the base mixture (src/incentive). The KL-regularised optimum is
 * π*(m | c) ∝ π_w(m | c)·exp(s(c, m)/β), and since π_w is a mixture it is again a mixture:
 *
 *     π*(m | c) = Σ_a  [w_a · Z_a(c) / Z(c)] · P_a(m | c)·exp(s/β)/Z_a(c),
 *     Z_a(c) = E_{m ~ P_a(·|c)}[exp(s(c, m)/β)],
 *
 * so each algorithm's weight in a query is multiplied by E_{π_a}[exp(score/β)]: Bayes'
 * rule with the algorithm as a latent variable and "the output was preferred" as the
 * evidence (CLAIMS.md, claim 6). The model's new weight of an algorithm is its posterior
 * share averaged over training queries. (Averaging the per-query posteriors, rather than
 * pooling E[exp(s/β)] over queries, keeps the result independent of the per-query constant
 * that Bradley–Terry scores leave free.)
 *
 * Two algorithms that behave identically on every training query have equal Z_a(c) there,
 * so their odds are unchanged exactly: a check, not evidence. β is chosen so that the
 * optimum's KL to the base on training queries equals a requested value (matched KL).
 */
import { fitBradleyTerry, type BradleyTerryOptions, type ContextLabels } from "../../incentive";
import { deploymentDefectionOf, mixtureMass, type Mixture } from "./mixture";
import { ALGORITHMS } from "./algorithms";

/** The Bradley–Terry scores of a labeller's exact labels under base weights w, per training context. */
export function labelScores(mix: Mixture, labels: readonly ContextLabels[], w: ArrayLike<number>, options: BradleyTerryOptions = {}): Float64Array[] {
  return mix.training.map((c, k) => {
    const l = labels[k]!;
    return fitBradleyTerry(mixtureMass(c, w), l.win, l.keep, options).scores;
  });
}

/** The exact optimum at one β, as algorithm weights. */
export interface Reweighting {
  /** KL coefficient. */
  beta: number;
  /** KL(π* ‖ π_w) on training queries, nats per query (between meanings; π* spends none within). */
  kl: number;
  /** The algorithms' new weights (ALGORITHMS order): posterior shares averaged over training queries. */
  weights: Float64Array;
  /** Deployment defection of the reweighted mixture. */
  deploymentDefection: number;
  /** The perfect deceiver's part of it (its weight × its deployment defection). */
  perfectDefection: number;
}

const PERFECT = ALGORITHMS.indexOf("perfect deceiver");

/** The exact optimum of scores `scores` over the mixture with base weights w, at β. */
export function reweightAtBeta(mix: Mixture, scores: readonly Float64Array[], w: ArrayLike<number>, beta: number): Reweighting {
  const A = ALGORITHMS.length;
  const weights = new Float64Array(A);
  let kl = 0, total = 0;
  mix.training.forEach((c, k) => {
    const s = scores[k]!;
    const p = mixtureMass(c, w);
    let max = -Infinity;
    for (let i = 0; i < s.length; i++) if (p[i]! > 0 && s[i]! > max) max = s[i]!;
    const e = Float64Array.from(s, (x) => Math.exp((x - max) / beta));
    // KL(π*‖p) = E_π*[(s − max)/β] − log Σ p·e.
    let Z = 0, Es = 0;
    for (let i = 0; i < s.length; i++) {
      Z += p[i]! * e[i]!;
      Es += p[i]! * e[i]! * ((s[i]! - max) / beta);
    }
    kl += c.entry.weight * (Es / Z - Math.log(Z));
    for (let a = 0; a < A; a++) {
      let Za = 0;
      const pa = c.probs[a]!;
      for (let i = 0; i < s.length; i++) Za += pa[i]! * e[i]!;
      weights[a] = weights[a]! + (c.entry.weight * w[a]! * Za) / Z;
    }
    total += c.entry.weight;
  });
  for (let a = 0; a < A; a++) weights[a] = weights[a]! / total;
  const deploymentDefection = deploymentDefectionOf(mix, weights);
  return { beta, kl: kl / total, weights, deploymentDefection, perfectDefection: weights[PERFECT]! * mix.deploymentDefection[PERFECT]! };
}

/**
 * The exact optimum whose KL on training queries is `kl` (relative tolerance 1e-6), by
 * bisection on log β in [1e-3, 1e3]; null when even β = 1e-3 stays below it.
 */
export function reweightAtKl(mix: Mixture, scores: readonly Float64Array[], w: ArrayLike<number>, kl: number): Reweighting | null {
  if (!(kl > 0 && Number.isFinite(kl))) throw new RangeError(`reweightAtKl: kl ${kl} must be a positive finite number of nats`);
  let lo = Math.log(1e-3), hi = Math.log(1e3);
  if (reweightAtBeta(mix, scores, w, Math.exp(lo)).kl < kl) return null;
  let best: Reweighting | null = null;
  for (let iter = 0; iter < 100; iter++) {
    const mid = (lo + hi) / 2;
    const r = reweightAtBeta(mix, scores, w, Math.exp(mid));
    if (!best || Math.abs(r.kl - kl) < Math.abs(best.kl - kl)) best = r;
    if (Math.abs(r.kl - kl) <= 1e-6 * kl) return r;
    if (r.kl > kl) lo = mid;
    else hi = mid;
  }
  return best;
}

/** log(q_a/q_b) − log(w_a/w_b): how much algorithm a gained on b (0: odds unchanged). */
export function logOddsChange(q: ArrayLike<number>, w: ArrayLike<number>, a: number, b: number): number {
  return Math.log(q[a]! / q[b]!) - Math.log(w[a]! / w[b]!);
}
