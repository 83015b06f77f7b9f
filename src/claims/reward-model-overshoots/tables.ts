/**
 * A reward model as a table: the RM reads an output's meaning (context features ⊕ final
 * parser-state features), so its score is a table over (context, final state), and best-of-n
 * on it is computed exactly over a policy's distribution of final states.
 */
import type { RewardModel } from "../../train/reward-model";
import { bestOfNExact } from "../../train/best-of-n";
import { meaningFeatures } from "../kit/world-adapter";
import type { ExactDistribution, World } from "../../world";

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
 * The exact best-of-n distribution over final states per context. The score depends only on
 * the final state, so best-of-n leaves the sequences within a state as the reference has
 * them and this KL is also the sequence-level KL.
 */
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
