/**
 * Route (b), the transmission level without a network: DPO whose only parameters are the
 * mixture's logits θ (w = softmax θ, starting at the base weights), trained on sampled
 * labelled pairs from training queries. The policy is the mixture π_θ(m | c) = Σ_a w_a·P_a(m | c)
 * and the reference is the base mixture, so the DPO loss (Rafailov et al. 2023) is
 *
 *     −log σ( β·[ log π_θ(m⁺|c)/π_ref(m⁺|c) − log π_θ(m⁻|c)/π_ref(m⁻|c) ] ),
 *
 * with the exact gradient ∂ log π_θ(m|c)/∂θ_b = w_b·(P_b(m|c)/π_θ(m|c) − 1). Full-batch
 * Adam on the mean loss (six parameters: no minibatch noise is needed to make it honest).
 *
 * Algorithms that behave identically on every training query (the honest algorithm and the
 * perfect deceiver) leave the loss flat along their odds, but the gradient in logits is
 * proportional to each one's weight, so their odds drift with training: the routes report
 * how far.
 */
import type { ContextLabels } from "../../incentive";
import type { Rng } from "../../rng";
import { ALGORITHMS } from "./algorithms";
import { mixtureMass, type Mixture } from "./mixture";

/** One labelled pair: a training context (index into `Mixture.training`), the preferred and the other item. */
export interface WeightPair {
  context: number;
  win: number;
  lose: number;
}

/**
 * Draws `n` labelled pairs: a training query by its probability, two outputs from the base
 * mixture, and the labeller's label drawn from its exact probability (a skipped or "equal"
 * comparison is dropped and redrawn). Equivalent in distribution to asking a freshly drawn
 * rater of the population (src/world/rater.ts's `judge`), which the labels module tests.
 */
export function sampleWeightPairs(mix: Mixture, labels: readonly ContextLabels[], w: ArrayLike<number>, n: number, rng: Rng): WeightPair[] {
  const weights = mix.training.map((c) => c.entry.weight);
  const masses = mix.training.map((c) => mixtureMass(c, w));
  const out: WeightPair[] = [];
  let tries = 0;
  while (out.length < n) {
    if (++tries > 100 * n + 1000) throw new Error(`sampleWeightPairs: fewer than ${n} kept labels in ${tries} comparisons (does the labeller skip almost everything?)`);
    const k = rng.categorical(weights);
    const i = rng.categorical(masses[k]!);
    const j = rng.categorical(masses[k]!);
    const l = labels[k]!;
    const M = l.items.length;
    const keep = l.keep[i * M + j]!;
    const u = rng.next();
    if (u >= keep) continue;
    const firstWins = u < l.win[i * M + j]!;
    out.push(firstWins ? { context: k, win: i, lose: j } : { context: k, win: j, lose: i });
  }
  return out;
}

/** Configuration of DPO on the mixture's logits. */
export interface WeightDpoConfig {
  /** DPO's β. */
  beta: number;
  /** Full-batch Adam steps. */
  steps: number;
  /** Adam learning rate. */
  lr: number;
}

/** What a run returns. */
export interface WeightDpoRun {
  /** Trained weights (ALGORITHMS order). */
  weights: Float64Array;
  /** Final mean DPO loss. */
  loss: number;
  /** Final gradient norm (≈ 0 at the empirical optimum). */
  gradNorm: number;
}

function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/** Trains the logits on the pairs from base weights w0. Deterministic (no randomness). */
export function trainWeightDpo(mix: Mixture, pairs: readonly WeightPair[], w0: ArrayLike<number>, config: WeightDpoConfig): WeightDpoRun {
  if (pairs.length === 0) throw new RangeError("trainWeightDpo: no pairs to train on");
  const A = ALGORITHMS.length;
  // Per pair, each algorithm's probability of the preferred and the other output, and the reference log-ratio.
  const Pw = pairs.map((p) => Float64Array.from(mix.training[p.context]!.probs, (pa) => pa[p.win]!));
  const Pl = pairs.map((p) => Float64Array.from(mix.training[p.context]!.probs, (pa) => pa[p.lose]!));
  const dot = (w: Float64Array, v: Float64Array): number => {
    let s = 0;
    for (let a = 0; a < A; a++) s += w[a]! * v[a]!;
    return s;
  };
  const base = Float64Array.from({ length: A }, (_, a) => w0[a]!);
  const ref = pairs.map((_, k) => Math.log(dot(base, Pw[k]!)) - Math.log(dot(base, Pl[k]!)));
  const theta = Float64Array.from(base, Math.log);
  const m = new Float64Array(A), v = new Float64Array(A);
  const [b1, b2, eps] = [0.9, 0.999, 1e-12];
  let loss = 0, gradNorm = 0;
  const weightsOf = (): Float64Array => {
    let max = -Infinity;
    for (const t of theta) max = Math.max(max, t);
    const e = Float64Array.from(theta, (t) => Math.exp(t - max));
    const z = e.reduce((s, x) => s + x, 0);
    return e.map((x) => x / z);
  };
  for (let step = 0; step <= config.steps; step++) {
    const w = weightsOf();
    const g = new Float64Array(A);
    loss = 0;
    for (let k = 0; k < pairs.length; k++) {
      const pw = dot(w, Pw[k]!), pl = dot(w, Pl[k]!);
      const z = config.beta * (Math.log(pw) - Math.log(pl) - ref[k]!);
      loss -= logSigmoid(z);
      const coef = -config.beta * (1 - Math.exp(logSigmoid(z)));
      for (let a = 0; a < A; a++) g[a] = g[a]! + coef * w[a]! * (Pw[k]![a]! / pw - Pl[k]![a]! / pl);
    }
    loss /= pairs.length;
    gradNorm = 0;
    for (let a = 0; a < A; a++) {
      g[a] = g[a]! / pairs.length;
      gradNorm += g[a]! * g[a]!;
    }
    gradNorm = Math.sqrt(gradNorm);
    if (step === config.steps) break;
    for (let a = 0; a < A; a++) {
      m[a] = b1 * m[a]! + (1 - b1) * g[a]!;
      v[a] = b2 * v[a]! + (1 - b2) * g[a]! * g[a]!;
      const mh = m[a]! / (1 - Math.pow(b1, step + 1));
      const vh = v[a]! / (1 - Math.pow(b2, step + 1));
      theta[a] = theta[a]! - (config.lr * mh) / (Math.sqrt(vh) + eps);
    }
  }
  return { weights: weightsOf(), loss, gradNorm };
}

/** KL(π_q ‖ π_w) between two mixtures on training queries, between meanings (nats per query). */
export function mixtureKl(mix: Mixture, q: ArrayLike<number>, w: ArrayLike<number>): number {
  let kl = 0, total = 0;
  for (const c of mix.training) {
    const p = mixtureMass(c, q), r = mixtureMass(c, w);
    let k = 0;
    for (let i = 0; i < p.length; i++) if (p[i]! > 0) k += p[i]! * Math.log(p[i]! / r[i]!);
    kl += c.entry.weight * k;
    total += c.entry.weight;
  }
  return kl / total;
}
