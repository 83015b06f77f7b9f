/**
 * Exact evaluation against a reward model's score table: the RM is a table over (context,
 * final parser state), so its expected score, best-of-n on it and its disagreement with the
 * raters are computed exactly over a policy's distribution of meanings.
 */
import type { RewardModel } from "../../train/reward-model";
import { bestOfNExact } from "../../train/best-of-n";
import { meaningFeatures } from "../kit/world-adapter";
import { expectedBelievedUtility, expectedTrueUtility, meanRaterParams, type ExactDistribution, type PopulationConfig, type World } from "../../world";

/** Reward-model scores for every (context, parser state): scores[context.index][state.index]. */
export type ScoreTable = number[][];

/** Scores of `rm` for every context and parser state, in one batch. */
export function scoreTable(world: World, rm: RewardModel): ScoreTable {
  const feats: number[][] = [];
  for (const c of world.contexts) for (const s of world.space.states) feats.push(meaningFeatures(world, c, s));
  const flat = rm.score(feats);
  const S = world.space.states.length;
  return world.contexts.map((_, i) => flat.slice(i * S, (i + 1) * S));
}

/** Per (context, state): expected true and population-believed utility over the truth posterior. */
export function utilityTables(world: World, population: PopulationConfig): { truth: number[][]; believed: number[][] } {
  const params = meanRaterParams(population);
  const truth: number[][] = [], believed: number[][] = [];
  for (const e of world.entries) {
    const meanings = world.space.states.map((s) => world.space.meaning(s));
    truth[e.context.index] = meanings.map((m) => expectedTrueUtility(world.config, e, m));
    believed[e.context.index] = meanings.map((m) => expectedBelievedUtility(world.config, params, e, m));
  }
  return { truth, believed };
}

/** E[table] under a distribution (context-weighted). */
export function expectedScore(dist: ExactDistribution, table: number[][]): number {
  let s = 0, w = 0;
  for (const c of dist.contexts) {
    const row = table[c.entry.context.index]!;
    for (const f of c.finals) s += c.entry.weight * f.prob * row[f.state.index]!;
    w += c.entry.weight;
  }
  return s / w;
}

/**
 * RM-versus-rater disagreement on the policy's own outputs: over pairs of independent
 * outputs of the policy for the same query (exact), the share — among pairs the rater's
 * expected believed utility separates — that the RM orders the other way.
 */
export function rmRaterDisagreement(dist: ExactDistribution, rm: ScoreTable, believed: number[][]): number {
  let dis = 0, tot = 0;
  for (const c of dist.contexts) {
    const r = rm[c.entry.context.index]!, b = believed[c.entry.context.index]!;
    const f = c.finals;
    for (let i = 0; i < f.length; i++) {
      for (let j = i + 1; j < f.length; j++) {
        const db = b[f[i]!.state.index]! - b[f[j]!.state.index]!;
        if (Math.abs(db) < 1e-12) continue;
        const w = c.entry.weight * f[i]!.prob * f[j]!.prob;
        tot += w;
        if (db * (r[f[i]!.state.index]! - r[f[j]!.state.index]!) < 0) dis += w;
      }
    }
  }
  return tot > 0 ? dis / tot : NaN;
}

/** The exact best-of-n distribution over final states per context, with meaning-level KL. */
export function bestOfNDistribution(base: ExactDistribution, rm: ScoreTable, n: number): ExactDistribution {
  let kl = 0, w = 0;
  const contexts = base.contexts.map((c) => {
    const row = rm[c.entry.context.index]!;
    const b = bestOfNExact(c.finals.map((f) => f.prob), c.finals.map((f) => row[f.state.index]!), n);
    kl += c.entry.weight * b.kl;
    w += c.entry.weight;
    return { ...c, finals: c.finals.map((f, i) => ({ ...f, prob: b.probs[i]! })), kl: b.kl };
  });
  return { contexts, kl: kl / w };
}
