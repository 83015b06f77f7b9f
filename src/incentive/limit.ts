/**
 * The label limit of a labeller: what infinitely many of its labels on reference pairs
 * reward, and the policy a KL-regularised trainer on them (DPO, or a reward model with
 * unrestricted scores then exact RL) converges to at a given KL. Deterministic: no seeds.
 */
import { exactDistribution, type ContextEntry, type ExactDistribution, type ParseState, type PolicyTable, type TerminalReward, type World } from "../world";
import { fitBradleyTerry, type BradleyTerryOptions } from "./bradley-terry";
import { contextItems, labelProbabilities, meaningKey, type ContextLabels, type LabelOptions, type Labeller } from "./labels";
import { tiltAtKl, type Tilt, type TiltAtKlOptions } from "./tilt";

/** A labeller's infinite-data reward on a reference's comparisons. */
export interface LabelLimit {
  /** Exact label probabilities per context. */
  labels: ContextLabels[];
  /** Bradley–Terry scores per context index, by meaning key. */
  scores: Map<number, Map<string, number>>;
  /** The scores as a terminal reward (0 for meanings the reference never produces). */
  reward: TerminalReward;
  /** The reference's exact distribution the pairs are drawn from. */
  reference: ExactDistribution;
  /** Largest relative gradient left by the fits (≈ 0). */
  residual: number;
}

/** Fits a labeller's Bradley–Terry scores to its exact labels on pairs drawn from `reference`. */
export function labelLimit(world: World, labeller: Labeller, reference: PolicyTable, options: LabelOptions & BradleyTerryOptions = {}): LabelLimit {
  const dist = exactDistribution(world, reference, undefined, { check: false });
  const labels = labelProbabilities(world, labeller, dist, options);
  const scores = new Map<number, Map<string, number>>();
  let residual = 0;
  for (const c of labels) {
    const fit = fitBradleyTerry(c.mass, c.win, c.keep, options);
    residual = Math.max(residual, fit.residual);
    const m = new Map<string, number>();
    c.items.forEach((item, i) => m.set(meaningKey(item), fit.scores[i]!));
    scores.set(c.entry.context.index, m);
  }
  const reward: TerminalReward = (entry: ContextEntry, state: ParseState) => scores.get(entry.context.index)?.get(meaningKey(world.space.meaning(state))) ?? 0;
  return { labels, scores, reward, reference: dist, residual };
}

/** The label limit's exact KL-regularised optimum at KL `kl` (null if its reward cannot pull that far). */
export function labelLimitAtKl(world: World, limit: LabelLimit, reference: PolicyTable, kl: number, options: TiltAtKlOptions = {}): Tilt | null {
  return tiltAtKl(world, reference, limit.reward, kl, options);
}

/** A policy's proxy reward (the label limit's scores) beside the limit's at the same KL. */
export interface ProxyShortfall {
  /** KL(π ‖ π_ref) of the policy. */
  kl: number;
  /** E_π[score]. */
  proxy: number;
  /** E_{π*}[score] of the label limit's optimum at the policy's KL (NaN if unreachable). */
  limitProxy: number;
  /** limitProxy − proxy: how far optimisation (and finite data) left the policy from its own limit. ≥ 0 up to tolerance. */
  shortfall: number;
}

/** Expected score of a distribution under a terminal reward. */
export function expectedReward(world: World, dist: ExactDistribution, reward: TerminalReward): number {
  let s = 0, w = 0;
  for (const c of dist.contexts) {
    w += c.entry.weight;
    for (const f of c.finals) s += c.entry.weight * f.prob * reward(c.entry, f.state);
  }
  return w > 0 ? s / w : NaN;
}

/**
 * How far a policy sits below its own exact limit: its expected label-limit score against
 * that of the limit's KL-regularised optimum at the same KL (the shortfall in proxy reward).
 * A trained run that reports a behaviour far from its limit may be showing its optimiser,
 * not its incentive.
 */
export function proxyShortfall(world: World, limit: LabelLimit, reference: PolicyTable, policy: PolicyTable): ProxyShortfall {
  const { tilt: _tilt, ...s } = shortfallOfDistribution(world, limit, reference, exactDistribution(world, policy, reference, { check: false }));
  return s;
}

/**
 * {@link proxyShortfall} of a policy whose exact distribution (against `reference`) the
 * caller already has, returning also the limit's optimum at the policy's KL (`tilt`; null
 * when the KL is 0 or cannot be reached), so a caller that also wants that optimum's
 * behaviour does not solve the same tilt twice.
 */
export function shortfallOfDistribution(world: World, limit: LabelLimit, reference: PolicyTable, dist: ExactDistribution): ProxyShortfall & { tilt: Tilt | null } {
  const proxy = expectedReward(world, dist, limit.reward);
  if (!(dist.kl > 1e-12)) return { kl: dist.kl, proxy, limitProxy: proxy, shortfall: 0, tilt: null };
  const t = tiltAtKl(world, reference, limit.reward, dist.kl);
  const limitProxy = t ? expectedReward(world, t.dist, limit.reward) : NaN;
  return { kl: dist.kl, proxy, limitProxy, shortfall: limitProxy - proxy, tilt: t };
}

/**
 * KL between two policies' distributions over output *meanings* (final states grouped by
 * meaning), averaged over contexts. The sequence KL splits exactly into this part plus the
 * expected KL within meanings (how the same answer is phrased). An exact tilt by a reward of
 * meanings spends KL only between meanings; a trained network may also spend it within.
 */
export function meaningKl(policy: ExactDistribution, reference: ExactDistribution): number {
  const refMass = new Map<number, Map<string, number>>();
  for (const c of contextItems(reference)) refMass.set(c.entry.context.index, new Map(c.items.map((m, i) => [meaningKey(m), c.mass[i]!])));
  let kl = 0, w = 0;
  for (const c of contextItems(policy)) {
    const q = refMass.get(c.entry.context.index);
    let k = 0;
    c.items.forEach((m, i) => {
      const qk = q?.get(meaningKey(m)) ?? 0;
      k += qk > 0 ? c.mass[i]! * Math.log(c.mass[i]! / qk) : Infinity;
    });
    kl += c.entry.weight * k;
    w += c.entry.weight;
  }
  return w > 0 ? kl / w : 0;
}
