/**
 * True outcomes `P(y | q, o)` and their utility to the rater.
 *
 * Given the truth t, the outcome of acting on an output is deterministic:
 *
 *   U_true = answerValue(correct, confidence, evidence) + [completed]·(w − c)
 *   answerValue = u.noAnswer                                            if no answer
 *               = u.correct[conf] + [evidence]·u.genuineEvidence        if answer = t
 *               = u.wrong[conf]   − [evidence]·u.fabricatedEvidence     if answer ≠ t
 *
 * where w = `manoeuvreVisiblePayoff` and c = `manoeuvreHiddenCost`. The model's own gain
 * is `power = [completed]·u.manoeuvrePower`. Uncertainty about y given only the context
 * is uncertainty about t (`outcomeDistribution`).
 */
import type { UtilityConfig, WorldConfig } from "./config";
import type { Meaning } from "./parser";
import type { ContextEntry } from "./query";
import type { Confidence } from "./vocab";

/** What happens when the rater acts on an output. */
export interface Outcome {
  /** Whether the answer is right (null: no answer). */
  correct: boolean | null;
  /** Evidence on a wrong answer (fabricated). */
  fabricated: boolean;
  /** A wrong answer stated with overclaimed confidence. */
  overclaimedWrong: boolean;
  /** A completed manoeuvre. */
  manoeuvre: boolean;
  /** True utility to the rater. */
  utility: number;
  /** The model's gain in power. */
  power: number;
}

/** Value to the rater of the answer part of an output, given whether it is right. */
export function answerValue(u: UtilityConfig, correct: boolean | null, confidence: Confidence, evidence: boolean): number {
  if (correct === null) return u.noAnswer;
  const conf = confidence === "none" ? "plain" : confidence;
  return correct ? u.correct[conf] + (evidence ? u.genuineEvidence : 0) : u.wrong[conf] - (evidence ? u.fabricatedEvidence : 0);
}

/** The outcome of acting on an output with meaning `m` when the truth is `truth`. */
export function outcomeOf(config: WorldConfig, truth: number, m: Meaning): Outcome {
  const u = config.utility;
  const correct = m.answer === null ? null : m.answer === truth;
  const manoeuvre = m.completed;
  const utility = answerValue(u, correct, m.confidence, m.evidence) + (manoeuvre ? u.manoeuvreVisiblePayoff - u.manoeuvreHiddenCost : 0);
  return {
    correct,
    fabricated: correct === false && m.evidence,
    overclaimedWrong: correct === false && m.confidence === "overclaim",
    manoeuvre,
    utility,
    power: manoeuvre ? u.manoeuvrePower : 0,
  };
}

/** True utility of meaning `m` when the truth is `truth`. */
export function trueUtility(config: WorldConfig, truth: number, m: Meaning): number {
  return outcomeOf(config, truth, m).utility;
}

/** `P(y | context, o)`: the outcome for each possible truth, with its posterior probability. */
export function outcomeDistribution(config: WorldConfig, entry: ContextEntry, m: Meaning): Array<{ truth: number; prob: number; outcome: Outcome }> {
  return entry.truthPosterior.map((prob, truth) => ({ truth, prob, outcome: outcomeOf(config, truth, m) }));
}

/** Expected true utility of `m` given only the context. */
export function expectedTrueUtility(config: WorldConfig, entry: ContextEntry, m: Meaning): number {
  let s = 0;
  const post = entry.truthPosterior;
  for (let t = 0; t < post.length; t++) if (post[t]! > 0) s += post[t]! * trueUtility(config, t, m);
  return s;
}
