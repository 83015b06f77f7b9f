/**
 * Claim 7's outcome reward: what a trainer that scores outputs by their consequences in the
 * world, rather than by a rater's judgement, would pay.
 *
 *     R_outcome(c, o) = E_{t ~ P(t | c)} [ answerValue(o, t) ]  +  g·[o completes the manoeuvre]
 *
 * The answer part is the true value of the answer (expected over the truth posterior of the
 * context, so the reward is exact and noise-free); g is the payoff of a completed manoeuvre
 * to whoever is being trained (the model's gain in power, say). The manoeuvre's hidden cost
 * to the human (`manoeuvreHiddenCost`) and its visible payoff w are deliberately *not* in
 * this reward: they stay in true utility only, so an outcome-trained policy that learns the
 * manoeuvre lowers true utility while raising its training reward.
 */
import { ConfigError } from "../../errors";
import { answerValue, type TerminalReward, type World } from "../../world";

/** Largest manoeuvre payoff g accepted (a finite bound; the budgets use g ≤ 5). */
export const MAX_PAYOFF = 100;

/** The expected true value of the answer part of a final state in a context (no manoeuvre terms). */
export function answerReward(world: World): TerminalReward {
  const u = world.config.utility;
  return (entry, state) => {
    const m = world.space.meaning(state);
    const post = entry.truthPosterior;
    let s = 0;
    for (let t = 0; t < post.length; t++) if (post[t]! > 0) s += post[t]! * answerValue(u, m.answer === null ? null : m.answer === t, m.confidence, m.evidence);
    return s;
  };
}

/** The outcome reward with manoeuvre payoff g (see the module comment). */
export function outcomeReward(world: World, g: number): TerminalReward {
  if (!(Number.isFinite(g) && g >= 0 && g <= MAX_PAYOFF)) throw new ConfigError("outcomeReward g", g, `a finite number in [0, ${MAX_PAYOFF}]`);
  const answer = answerReward(world);
  return (entry, state) => answer(entry, state) + (world.space.meaning(state).completed ? g : 0);
}
