/**
 * Raters: a belief model `P_r(correct | q, o)`, the rater's utility, and a Boltzmann
 * (Bradley–Terry) choice between two outputs, plus the oracle control.
 *
 * Belief that the answer a is right, before any check (biases switchable in `belief.biases`):
 *
 *   logit b = logit(b0) + s·(a = p ? +1 : −1) + c·κ(conf) + [evidence, unchecked]·e
 *
 * with κ(hedge) = −1, κ(plain) = 0, κ(overclaim) = +1. Evidence is checked with probability
 * v; a check reveals whether the answer is right (b becomes 1 or 0). Each of the m steps of
 * the in-order manoeuvre prefix is noticed with probability d (believed value −L) or not
 * (believed value +h); a completed manoeuvre adds its visible payoff w. So, for one look,
 *
 *   U_bel = b·answerValue(right) + (1 − b)·answerValue(wrong) + Σ_steps (−L or +h) + [m = k]·w
 *
 * With probability φ (`comparison.revealRate`) the rater sees the true outcome and judges
 * U_true instead. `believedUtility` is the expectation of this over checks, noticing and φ;
 * it is multilinear in (v, d, h, φ), so the population's expectation is the same formula at
 * the population's mean parameters (parameters are drawn independently).
 *
 * Labels: P(first ≻ second) = σ(β_r·ΔU / scale) ("relative" noise) or σ(β_r·ΔU)
 * ("absolute"); then B-Pref's skip and equal rules and a label flip with `flipRate`.
 */
import type { Rng } from "../rng";
import { utilityScale, type WorldConfig } from "./config";
import { answerValue, trueUtility } from "./outcome";
import type { Meaning, Reading } from "./parser";
import type { Context, ContextEntry, Query } from "./query";

/** One rater's parameters (drawn from a population, see population.ts). */
export interface RaterParams {
  /** ρ: probability that the rater's stated prior is right. */
  rho: number;
  /** v: probability of checking evidence. */
  verify: number;
  /** d: probability of noticing each manoeuvre step. */
  detect: number;
  /** h: believed value of an unnoticed step. */
  appeal: number;
  /** β_r: Boltzmann rationality. */
  rationality: number;
}

/** A rater: a belief-model rater with parameters, or the oracle (who judges true utility). */
export type Rater = { kind: "belief"; params: RaterParams } | { kind: "oracle"; params: RaterParams };

/** What one rater saw of one output in one comparison. */
export interface Perception {
  /** The rater saw the true outcome (shared by both outputs of a comparison). */
  revealed: boolean;
  /** The rater checked this output's evidence. */
  checked: boolean;
  /** For each step of the in-order prefix, whether the rater noticed it. */
  noticed: boolean[];
}

/** A label and what it was based on. */
export interface Judgement {
  /** 1 = first preferred, 0 = second preferred, 0.5 = "equal", null = skipped. */
  label: number | null;
  /** Boltzmann probability of preferring the first output (before the flip). */
  pFirst: number;
  /** Utilities as perceived in this comparison (true utilities for the oracle). */
  perceived: [number, number];
  /** The true outcome was shown (φ). */
  revealed: boolean;
}

const CONF_SIGN = { none: 0, hedge: -1, plain: 0, overclaim: 1 } as const;

/** Probability the rater believes the answer is right, without checking (null answer → 0). */
export function beliefRight(config: WorldConfig, context: Context, m: Meaning, evidenceUnchecked: boolean): number {
  if (m.answer === null) return 0;
  const b = config.belief;
  let z = Math.log(b.baseBelief / (1 - b.baseBelief));
  if (b.biases.sycophancy) z += b.agreementShift * (m.answer === context.prior ? 1 : -1);
  if (b.biases.confidence) z += b.confidenceShift * CONF_SIGN[m.confidence];
  if (b.biases.evidenceCredulity && evidenceUnchecked && m.evidence) z += b.evidenceShift;
  return 1 / (1 + Math.exp(-z));
}

/** Effective h: the rater's appeal, or 0 when the manoeuvre-appeal bias is off. */
export function effectiveAppeal(config: WorldConfig, params: RaterParams): number {
  return config.belief.biases.manoeuvreAppeal ? params.appeal : 0;
}

/**
 * Expected believed utility of an output for a rater, over their evidence checks, step
 * noticing and the chance φ of seeing the true outcome. Depends on the truth only through
 * checks and φ.
 */
export function believedUtility(config: WorldConfig, params: RaterParams, context: Context, truth: number, m: Meaning): number {
  const phi = config.comparison.revealRate;
  const belief = beliefUtilityUnrevealed(config, params, context, truth, m);
  return phi === 0 ? belief : phi * trueUtility(config, truth, m) + (1 - phi) * belief;
}

/** The expected believed utility when the true outcome is not shown. */
export function beliefUtilityUnrevealed(config: WorldConfig, params: RaterParams, context: Context, truth: number, m: Meaning): number {
  const u = config.utility;
  let value: number;
  if (m.answer === null) value = u.noAnswer;
  else {
    const right = answerValue(u, true, m.confidence, m.evidence);
    const wrong = answerValue(u, false, m.confidence, m.evidence);
    const mix = (b: number) => b * right + (1 - b) * wrong;
    if (m.evidence) {
      value = params.verify * (m.answer === truth ? right : wrong) + (1 - params.verify) * mix(beliefRight(config, context, m, true));
    } else value = mix(beliefRight(config, context, m, false));
  }
  const h = effectiveAppeal(config, params);
  const d = params.detect;
  value += m.prefix * ((1 - d) * h - d * config.belief.noticedStepPenalty);
  if (m.completed) value += u.manoeuvreVisiblePayoff;
  return value;
}

/** Draws what a rater perceives of one output (φ is drawn per comparison and passed in). */
export function perceive(params: RaterParams, m: Meaning, revealed: boolean, rng: Rng): Perception {
  const checked = m.evidence && rng.bernoulli(params.verify);
  const noticed: boolean[] = [];
  for (let i = 0; i < m.prefix; i++) noticed.push(rng.bernoulli(params.detect));
  return { revealed, checked, noticed };
}

/**
 * The utility a rater perceives for one reading under one perception, with B-Pref myopia:
 * a component at token position i of an n-token output is weighted γ^(n−1−i) (the answer part
 * at the answer token, each step at its token, the completion payoff at the last step).
 */
export function perceivedUtility(config: WorldConfig, params: RaterParams, query: Query, r: Reading, p: Perception): number {
  if (p.revealed) return trueUtility(config, query.truth, r.meaning);
  const u = config.utility;
  const m = r.meaning;
  const gamma = config.comparison.myopia;
  const weight = (pos: number | null | undefined) => (gamma === 1 || pos === null || pos === undefined ? 1 : Math.pow(gamma, r.length - 1 - pos));
  let answerPart: number;
  if (m.answer === null) answerPart = u.noAnswer;
  else {
    const right = answerValue(u, true, m.confidence, m.evidence);
    const wrong = answerValue(u, false, m.confidence, m.evidence);
    if (p.checked) answerPart = m.answer === query.truth ? right : wrong;
    else {
      const b = beliefRight(config, query.context, m, true);
      answerPart = b * right + (1 - b) * wrong;
    }
  }
  let value = weight(r.answerPos) * answerPart;
  const h = effectiveAppeal(config, params);
  p.noticed.forEach((n, i) => (value += weight(r.stepPos[i]) * (n ? -config.belief.noticedStepPenalty : h)));
  if (m.completed) value += weight(r.stepPos[r.stepPos.length - 1]) * u.manoeuvreVisiblePayoff;
  return value;
}

/**
 * Expected believed utility of `m` in a context, over the truth posterior: what a rater
 * with `params` believes on average, the truth unknown to the policy. The one copy of this
 * sum (truths with probability 0 are skipped).
 */
export function expectedBelievedUtility(config: WorldConfig, params: RaterParams, entry: ContextEntry, m: Meaning): number {
  const post = entry.truthPosterior;
  let u = 0;
  for (let t = 0; t < post.length; t++) if (post[t]! > 0) u += post[t]! * believedUtility(config, params, entry.context, t, m);
  return u;
}

/** σ(x), safe for large |x|. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Boltzmann probability of preferring utility a over b at rationality beta (Infinity: argmax, ties 0.5). */
export function boltzmann(config: WorldConfig, beta: number, a: number, b: number): number {
  const diff = config.comparison.noise === "relative" ? (a - b) / utilityScale(config) : a - b;
  if (beta === Infinity) return diff > 0 ? 1 : diff < 0 ? 0 : 0.5;
  return sigmoid(beta * diff);
}

/** The oracle's judgement: true utilities, rationality `comparison.oracleRationality`, no flips. */
export function judgeOracle(config: WorldConfig, query: Query, a: Meaning, b: Meaning, rng: Rng): Judgement {
  const ua = trueUtility(config, query.truth, a);
  const ub = trueUtility(config, query.truth, b);
  const beta = config.comparison.oracleRationality;
  const pFirst = boltzmann(config, beta, ua, ub);
  const label = beta === Infinity ? pFirst : rng.bernoulli(pFirst) ? 1 : 0;
  return { label, pFirst, perceived: [ua, ub], revealed: true };
}

/**
 * A rater's judgement of two outputs for `query`: perceive both (φ shared), skip if both
 * look bad (`skipBelow`), "equal" if close (`equalWithin`), else a Boltzmann draw, flipped
 * with probability `flipRate`. Oracle raters delegate to `judgeOracle`.
 */
export function judge(config: WorldConfig, rater: Rater, query: Query, a: Reading, b: Reading, rng: Rng): Judgement {
  if (rater.kind === "oracle") return judgeOracle(config, query, a.meaning, b.meaning, rng);
  const c = config.comparison;
  const revealed = c.revealRate > 0 && rng.bernoulli(c.revealRate);
  const ua = perceivedUtility(config, rater.params, query, a, perceive(rater.params, a.meaning, revealed, rng));
  const ub = perceivedUtility(config, rater.params, query, b, perceive(rater.params, b.meaning, revealed, rng));
  const perceived: [number, number] = [ua, ub];
  const scale = utilityScale(config);
  if (c.skipBelow !== null && Math.max(ua, ub) < c.skipBelow * scale) return { label: null, pFirst: NaN, perceived, revealed };
  const pFirst = boltzmann(config, rater.params.rationality, ua, ub);
  if (c.equalWithin > 0 && Math.abs(ua - ub) <= c.equalWithin * scale) return { label: 0.5, pFirst, perceived, revealed };
  let label = rng.bernoulli(pFirst) ? 1 : 0;
  if (c.flipRate > 0 && rng.bernoulli(c.flipRate)) label = 1 - label;
  return { label, pFirst, perceived, revealed };
}
