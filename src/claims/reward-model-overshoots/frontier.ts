/**
 * Exact frontiers of a terminal reward, on the reference's distribution of final states.
 *
 * A reward that depends on an output only through its final parser state (a reward model's
 * score table, a label limit's Bradley–Terry scores) tilts every sequence ending in a state
 * by the same factor, so the KL-regularised optimum π_ref·exp(R/β)/Z leaves the sequences
 * within a final state as the reference has them: its distribution over final states is
 * p_ref(s)·exp(R(s)/β)/Z per context, and its sequence-level KL equals the KL of that
 * final-state distribution. The same holds for best-of-n. This file computes the tilt on
 * final states directly (milliseconds instead of a token-level backward recursion per β);
 * the tests check it against `tiltAtBeta` (src/incentive/tilt.ts) on the world.
 *
 * Also here: the share of the over-estimation E⁺ = E[max(0, U_bel − U_true)] carried by each
 * behaviour (which behaviours carry the inflation).
 */
import { believedUtility, meanRaterParams, outcomeOf, type ContextDistribution, type ExactDistribution, type PopulationConfig, type TerminalReward, type World } from "../../world";

/** A reward per context per final state of a reference distribution (same order as its `finals`). */
export type RewardRows = Float64Array[];

/** The reward of every final state of `ref` (context by context). */
export function rewardRows(ref: ExactDistribution, reward: TerminalReward): RewardRows {
  return ref.contexts.map((c) => Float64Array.from(c.finals.map((f) => reward(c.entry, f.state))));
}

/** A score table over (context index, state index) as a terminal reward. */
export function tableReward(table: readonly (readonly number[])[]): TerminalReward {
  return (entry, state) => table[entry.context.index]![state.index]!;
}

function withProbs(c: ContextDistribution, probs: ArrayLike<number>, kl: number): ContextDistribution {
  return { ...c, finals: c.finals.map((f, i) => ({ ...f, prob: probs[i]! })), kl };
}

function assemble(ref: ExactDistribution, contexts: ContextDistribution[]): ExactDistribution {
  let kl = 0, w = 0;
  for (const c of contexts) {
    kl += c.entry.weight * c.kl;
    w += c.entry.weight;
  }
  return { contexts, kl: w > 0 ? kl / w : 0 };
}

/** The optimum at KL coefficient β: per context p_ref·exp(R/β)/Z, with its exact KL. */
export function tiltFinals(ref: ExactDistribution, rows: RewardRows, beta: number): ExactDistribution {
  return assemble(
    ref,
    ref.contexts.map((c, ci) => {
      const r = rows[ci]!;
      const n = c.finals.length;
      let mx = -Infinity;
      for (let i = 0; i < n; i++) if (c.finals[i]!.prob > 0) mx = Math.max(mx, r[i]! / beta);
      const q = new Float64Array(n);
      let z = 0;
      for (let i = 0; i < n; i++) {
        const p = c.finals[i]!.prob;
        q[i] = p > 0 ? p * Math.exp(r[i]! / beta - mx) : 0;
        z += q[i]!;
      }
      let kl = 0;
      for (let i = 0; i < n; i++) {
        q[i] = q[i]! / z;
        if (q[i]! > 0) kl += q[i]! * Math.log(q[i]! / c.finals[i]!.prob);
      }
      return withProbs(c, q, Math.max(0, kl));
    }),
  );
}

/** The frontier's end (β → 0): per context, the reference's mass renormalised on the states of highest reward. */
export function frontierEnd(ref: ExactDistribution, rows: RewardRows): ExactDistribution {
  return assemble(
    ref,
    ref.contexts.map((c, ci) => {
      const r = rows[ci]!;
      let mx = -Infinity;
      c.finals.forEach((f, i) => {
        if (f.prob > 0) mx = Math.max(mx, r[i]!);
      });
      const top = c.finals.map((f, i) => (f.prob > 0 && r[i]! >= mx - 1e-12 * Math.max(1, Math.abs(mx)) ? f.prob : 0));
      const z = top.reduce((a, b) => a + b, 0);
      return withProbs(c, top.map((p) => p / z), -Math.log(z));
    }),
  );
}

/** One point of an exact frontier. */
export interface FrontierPoint {
  /** The optimum's final-state distribution (its `kl` is the exact KL to the reference). */
  dist: ExactDistribution;
  /** Its KL coefficient (0 at the frontier's end). */
  beta: number;
  /** False when the requested KL lies beyond the frontier's end (the end is returned). */
  reached: boolean;
}

/**
 * The optimum whose KL to the reference is `kl` (relative tolerance 1e-9), found by bisection
 * on log β (KL falls monotonically as β grows); when even the end of the frontier (β → 0)
 * stays below `kl`, the end, marked `reached: false`.
 */
export function frontierAtKl(ref: ExactDistribution, rows: RewardRows, kl: number): FrontierPoint {
  if (!(kl > 0)) return { dist: tiltFinals(ref, rows, 1e12), beta: Infinity, reached: true };
  const end = frontierEnd(ref, rows);
  if (end.kl <= kl) return { dist: end, beta: 0, reached: end.kl >= kl * (1 - 1e-9) };
  let lo = Math.log(1e-8), hi = Math.log(1e8);
  let best = tiltFinals(ref, rows, Math.exp(hi)), bestBeta = Math.exp(hi);
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    const t = tiltFinals(ref, rows, Math.exp(mid));
    if (Math.abs(t.kl - kl) < Math.abs(best.kl - kl)) {
      best = t;
      bestBeta = Math.exp(mid);
    }
    if (Math.abs(t.kl - kl) <= 1e-9 * kl) break;
    if (t.kl > kl) lo = mid;
    else hi = mid;
    if (hi - lo < 1e-14) break;
  }
  return { dist: best, beta: bestBeta, reached: true };
}

/** E[reward] under a distribution over the same final states as the rows (context-weighted). */
export function expectedRows(dist: ExactDistribution, rows: RewardRows): number {
  let s = 0, w = 0;
  dist.contexts.forEach((c, ci) => {
    const r = rows[ci]!;
    c.finals.forEach((f, i) => (s += c.entry.weight * f.prob * r[i]!));
    w += c.entry.weight;
  });
  return w > 0 ? s / w : NaN;
}

/** Which behaviours carry the over-estimation: shares of E⁺ (they overlap, so they need not sum to 1). */
export type OverestimationShares = {
  /** Share of E⁺ on outputs with evidence on an answer other than the model's own guess. */
  fabricationShare: number;
  /** Share of E⁺ on outputs that give the asker's prior answer where the model's guess differs. */
  sycophancyShare: number;
  /** Share of E⁺ on outputs that state an answer with overclaimed confidence. */
  exaggerationShare: number;
  /** Share of E⁺ on outputs showing at least one of the three. */
  behaviourShare: number;
};

/**
 * The over-estimation E⁺ of a policy split by behaviour, exactly over its final states and
 * the truth posterior; believed utility at the population's mean parameters (as in
 * `exactMetrics`). NaN shares when E⁺ = 0.
 */
export function overestimationShares(world: World, dist: ExactDistribution, population: PopulationConfig): OverestimationShares {
  const params = meanRaterParams(population);
  let total = 0, fab = 0, syc = 0, exa = 0, any = 0;
  for (const c of dist.contexts) {
    const ctx = c.entry.context;
    for (const f of c.finals) {
      if (f.prob === 0) continue;
      const m = f.meaning;
      const answered = m.answer !== null;
      const isFab = m.evidence && answered && m.answer !== ctx.guess;
      const isSyc = ctx.prior !== ctx.guess && m.answer === ctx.prior;
      const isExa = answered && m.confidence === "overclaim";
      c.entry.truthPosterior.forEach((pt, t) => {
        if (pt === 0) return;
        const over = Math.max(0, believedUtility(world.config, params, ctx, t, m) - outcomeOf(world.config, t, m).utility);
        const w = c.entry.weight * f.prob * pt * over;
        total += w;
        if (isFab) fab += w;
        if (isSyc) syc += w;
        if (isExa) exa += w;
        if (isFab || isSyc || isExa) any += w;
      });
    }
  }
  const share = (x: number) => (total > 0 ? x / total : NaN);
  return { fabricationShare: share(fab), sycophancyShare: share(syc), exaggerationShare: share(exa), behaviourShare: share(any) };
}
