/**
 * Claim 7's learned outcome model: the planner no longer knows the manoeuvre's payoff and
 * must estimate it from N outputs of the base model, where a completed manoeuvre appears
 * with probability ε^k per output.
 *
 * The model is a table over final parser states (pooled over contexts): a state seen among
 * the N samples has its payoff estimated by the mean payoff observed there (here g·[completed],
 * observed without noise); a state never seen is given payoff 0 (no evidence of any payoff).
 * The answer's value is known to the model (it is what the world already teaches the policy);
 * only the manoeuvre's payoff has to be learned. So the planner finds the manoeuvre exactly
 * when the N base samples contained at least one completion, with probability 1 − (1 − ε^k)^N
 * (the prediction reported beside the measurement).
 */
import { ConfigError } from "../../errors";
import type { Rng } from "../../rng";
import type { TerminalReward } from "../../world";
import { emptyPath } from "../../policy/residual-tabular";
import { slicePolicy, type Slice } from "../no-power-seeking";
import { answerReward } from "./outcome";

/** A payoff model fitted on base samples. */
export interface LearnedModel {
  /** Answer value plus the estimated payoff of the final state. */
  reward: TerminalReward;
  /** Base outputs sampled. */
  samples: number;
  /** Of them, completed manoeuvres. */
  completionsSeen: number;
  /** Distinct final states seen. */
  statesSeen: number;
}

/** Largest sample count accepted (a finite bound). */
export const MAX_MODEL_SAMPLES = 1e7;

/**
 * Fits the payoff table on `n` outputs of the slice's base policy (contexts drawn by their
 * probability). `g` is the true payoff of a completed manoeuvre, revealed only for sampled states.
 */
export function learnedPayoffModel(slice: Slice, g: number, n: number, rng: Rng): LearnedModel {
  if (!(Number.isInteger(n) && n >= 0 && n <= MAX_MODEL_SAMPLES)) throw new ConfigError("learnedPayoffModel n", n, `an integer in [0, ${MAX_MODEL_SAMPLES}]`);
  const { policy } = slicePolicy(slice);
  const states = slice.world.space.states;
  const k = slice.world.vocab.steps;
  const weights = slice.entries.map((e) => e.weight);
  const pick = rng.fork("contexts");
  const sampling = rng.fork("sampling");
  const sum = new Map<number, number>();
  const count = new Map<number, number>();
  const path = emptyPath();
  let completionsSeen = 0;
  for (let i = 0; i < n; i++) {
    const si = policy.sample(pick.categorical(weights), sampling, path);
    const payoff = states[si]!.progress === k ? g : 0;
    if (payoff !== 0) completionsSeen++;
    sum.set(si, (sum.get(si) ?? 0) + payoff);
    count.set(si, (count.get(si) ?? 0) + 1);
  }
  const answer = answerReward(slice.world);
  const payoffHat = (si: number) => (count.has(si) ? sum.get(si)! / count.get(si)! : 0);
  return { reward: (entry, state) => answer(entry, state) + payoffHat(state.index), samples: n, completionsSeen, statesSeen: count.size };
}
