/**
 * One typed, documented configuration for the simulated world and its raters, with
 * named defaults (`DEFAULT_WORLD_CONFIG`), one merge-and-validate entry point
 * (`makeWorldConfig`) and the ablation switches claim 1 needs (`ablate`).
 *
 * Every bad value raises a `ConfigError` naming the field path (e.g.
 * `population.detect.lo`), the value and the allowed range.
 */
import { ConfigError } from "../errors";
import { checkInteger, checkOneOf, checkPositive, checkProbability, checkRange } from "../validate";

/** One level of query difficulty, as the model experiences it. */
export interface DifficultyLevel {
  /** Display name ("easy", "medium", "hard"). */
  name: string;
  /** Probability that a query has this level. The levels' probabilities sum to 1. */
  prob: number;
  /** Probability that the model's best guess is the true answer at this level. */
  accuracy: number;
}

/** Utility of an answer to the rater, by confidence level. */
export interface ConfidenceValues {
  /** The answer was hedged ("I think … but I'm not sure"). */
  hedge: number;
  /** Plain statement (also used for an answer given without any confidence token). */
  plain: number;
  /** Overclaimed ("definitely …"). */
  overclaim: number;
}

/** The true utility of outcomes to the rater, and the model's own "power". */
export interface UtilityConfig {
  /** Value of acting on a right answer, by confidence. */
  correct: ConfidenceValues;
  /** Value of acting on a wrong answer, by confidence (overclaiming a wrong answer costs most). */
  wrong: ConfidenceValues;
  /** Added when evidence backs a right answer (the evidence is then genuine and useful). ≥ 0. */
  genuineEvidence: number;
  /** Harm subtracted when evidence backs a wrong answer (the evidence is fabricated). ≥ 0. */
  fabricatedEvidence: number;
  /** Value of an output that gives no answer. */
  noAnswer: number;
  /** w: payoff of a completed manoeuvre that the rater can see (true and believed). ≥ 0. */
  manoeuvreVisiblePayoff: number;
  /** Cost of a completed manoeuvre to the rater, visible only in true outcomes. ≥ 0. */
  manoeuvreHiddenCost: number;
  /** Power the model gains from a completed manoeuvre (its own quantity, not the rater's). ≥ 0. */
  manoeuvrePower: number;
}

/** Switches for the rater's systematic errors; `false` turns one bias off (claim 1's ablations). */
export interface BiasSwitches {
  /** Agreement with the rater's prior looks right. */
  sycophancy: boolean;
  /** Confidence looks like competence. */
  confidence: boolean;
  /** Unchecked evidence looks like support. */
  evidenceCredulity: boolean;
  /** An unnoticed manoeuvre step looks mildly helpful (h); off sets h to 0. */
  manoeuvreAppeal: boolean;
}

/** Constants of the rater's belief model `P_r(correct | q, o)` (see docs/world.md). */
export interface BeliefConfig {
  /** Credence the rater gives an answer before looking at agreement, confidence or evidence. In (0, 1). */
  baseBelief: number;
  /** Log-odds added when the answer matches the rater's prior, subtracted when it differs. ≥ 0. */
  agreementShift: number;
  /** Log-odds added for an overclaimed answer and subtracted for a hedged one. ≥ 0. */
  confidenceShift: number;
  /** Log-odds added for evidence the rater does not check. ≥ 0. */
  evidenceShift: number;
  /** L: believed-utility penalty for each manoeuvre step the rater notices. ≥ 0. */
  noticedStepPenalty: number;
  /** Which biases are on. */
  biases: BiasSwitches;
}

/** A uniform range [lo, hi] from which each rater's parameter is drawn (lo = hi fixes it). */
export interface ParamRange {
  lo: number;
  hi: number;
}

/** Distribution of rater parameters: each drawn independently and uniformly from its range. */
export interface PopulationConfig {
  /** ρ: probability that the rater's stated prior is the true answer. */
  rho: ParamRange;
  /** v: probability that the rater checks evidence (and so learns whether the answer is right). */
  verify: ParamRange;
  /** d: probability that the rater notices each manoeuvre step. */
  detect: ParamRange;
  /** h: believed value of a manoeuvre step the rater does not notice. ≥ 0. */
  appeal: ParamRange;
  /** β_r: rationality of the rater's Boltzmann choice (per utility scale when noise is "relative"). ≥ 0. */
  rationality: ParamRange;
}

/** How a judgement turns believed utilities into a label (Bradley–Terry plus peer-tool rater models). */
export interface ComparisonConfig {
  /**
   * "relative": P(first) = σ(β·ΔU / scale), where scale = `utilityScale(config)` (the spread of
   * answer utilities), so rescaling the utilities does not change labels. "absolute": σ(β·ΔU).
   */
  noise: "relative" | "absolute";
  /** φ: probability that the rater sees the true outcome before judging (claim 3). */
  revealRate: number;
  /** Probability that the final label is flipped (AlpacaFarm trains with 0.25; B-Pref's mistake ε). */
  flipRate: number;
  /** γ: B-Pref myopia. A component at token position i of an n-token output is weighted γ^(n−1−i). (0, 1]. */
  myopia: number;
  /** B-Pref "equal": label 0.5 when |ΔU| ≤ equalWithin · scale. ≥ 0 (0 = off). */
  equalWithin: number;
  /** B-Pref "skip": no label when both believed utilities are below skipBelow · scale (null = off). */
  skipBelow: number | null;
  /** β of the oracle, who judges true utility. Infinity = deterministic (ties give 0.5). */
  oracleRationality: number;
}

/** The simulated human writers whose outputs the base model imitates. */
export interface CorpusConfig {
  /** Probability that a writer whose own guess differs from the rater's prior answers with the prior. */
  sycophancyRate: number;
  /** Probability that a writer overclaims the confidence of an answer. */
  overclaimRate: number;
  /** Per difficulty level: probability of hedging when not overclaiming. */
  hedgeByLevel: number[];
  /** Per difficulty level: probability of adding evidence to an answer that is the writer's own guess. */
  evidenceByLevel: number[];
  /** Probability of adding evidence to a sycophantic answer (against the writer's own guess). */
  sycophantEvidenceRate: number;
  /** Probability that a writer gives no answer at all. */
  noAnswerRate: number;
  /** Probability of a filler token at each free position. */
  fillerRate: number;
  /** Probability of a stray, out-of-order manoeuvre token at each free position. */
  strayStepRate: number;
  /**
   * ε: a writer whose first j tokens are P1…Pj (j < k) writes P_{j+1} next with probability ε.
   * This is the only way writers make in-order progress, so P(prefix ≥ j) = ε^j exactly.
   */
  manoeuvreStepRate: number;
}

/** Everything that defines the world and its raters. */
export interface WorldConfig {
  /** A: number of answer options. Integer in [2, 8]. */
  answers: number;
  /** k: number of steps of the manoeuvre. Integer in [1, maxLen − 4]. */
  manoeuvreLength: number;
  /** Maximum output length in tokens, end token included. Integer in [5, 16]. */
  maxLen: number;
  /** Difficulty levels of queries, for the model. */
  levels: DifficultyLevel[];
  /** True utilities. */
  utility: UtilityConfig;
  /** The rater's belief model. */
  belief: BeliefConfig;
  /** The rater population (default: the "typical" preset). */
  population: PopulationConfig;
  /** How judgements become labels. */
  comparison: ComparisonConfig;
  /** The human corpus. */
  corpus: CorpusConfig;
  /**
   * When true (default), every level's model accuracy must exceed the population's mean ρ, so the
   * model is the better judge wherever its guess and the rater's prior disagree.
   */
  requireModelCompetence: boolean;
}

/** The "typical" population (also exported as `PRESETS.typical`). */
export const TYPICAL_POPULATION: PopulationConfig = {
  rho: { lo: 0.45, hi: 0.75 },
  verify: { lo: 0.05, hi: 0.35 },
  detect: { lo: 0.4, hi: 0.8 },
  appeal: { lo: 0.05, hi: 0.25 },
  rationality: { lo: 10, hi: 20 },
};

/** Default world: A = 4 answers, k = 3 steps, outputs of at most 10 tokens. */
export const DEFAULT_WORLD_CONFIG: WorldConfig = {
  answers: 4,
  manoeuvreLength: 3,
  maxLen: 10,
  levels: [
    { name: "easy", prob: 0.4, accuracy: 0.95 },
    { name: "medium", prob: 0.4, accuracy: 0.85 },
    { name: "hard", prob: 0.2, accuracy: 0.72 },
  ],
  utility: {
    correct: { hedge: 0.8, plain: 1.0, overclaim: 1.0 },
    wrong: { hedge: 0.0, plain: -0.3, overclaim: -0.8 },
    genuineEvidence: 0.2,
    fabricatedEvidence: 0.5,
    noAnswer: 0.0,
    manoeuvreVisiblePayoff: 0.5,
    manoeuvreHiddenCost: 3.0,
    manoeuvrePower: 1.0,
  },
  belief: {
    baseBelief: 0.75,
    agreementShift: 1.5,
    confidenceShift: 0.75,
    evidenceShift: 1.0,
    noticedStepPenalty: 2.0,
    biases: { sycophancy: true, confidence: true, evidenceCredulity: true, manoeuvreAppeal: true },
  },
  population: TYPICAL_POPULATION,
  comparison: {
    noise: "relative",
    revealRate: 0,
    flipRate: 0,
    myopia: 1,
    equalWithin: 0,
    skipBelow: null,
    oracleRationality: Infinity,
  },
  corpus: {
    sycophancyRate: 0.15,
    overclaimRate: 0.1,
    hedgeByLevel: [0.1, 0.3, 0.6],
    evidenceByLevel: [0.4, 0.25, 0.1],
    sycophantEvidenceRate: 0.1,
    noAnswerRate: 0.02,
    fillerRate: 0.1,
    strayStepRate: 0.01,
    manoeuvreStepRate: 0.1,
  },
  requireModelCompetence: true,
};

/** A recursive partial of a config, for overrides. Arrays are replaced whole. */
export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/** The bias names that `ablate` accepts. */
export type BiasName = keyof BiasSwitches;

/** All bias names, in display order. */
export const BIAS_NAMES: readonly BiasName[] = ["sycophancy", "confidence", "evidenceCredulity", "manoeuvreAppeal"];

/** Merges `overrides` into the defaults (or into `base`) and validates the result. */
export function makeWorldConfig(overrides: DeepPartial<WorldConfig> = {}, base: WorldConfig = DEFAULT_WORLD_CONFIG): WorldConfig {
  const merged = deepMerge(base, overrides) as WorldConfig;
  validateWorldConfig(merged);
  return merged;
}

/** A copy of `config` with the named biases switched off (claim 1: one bias at a time). */
export function ablate(config: WorldConfig, ...biases: BiasName[]): WorldConfig {
  const switches = { ...config.belief.biases };
  for (const b of biases) {
    checkOneOf("ablate bias", b, BIAS_NAMES);
    switches[b] = false;
  }
  return makeWorldConfig({ belief: { biases: switches } }, config);
}

/**
 * The utility scale used by "relative" noise and by the equal/skip thresholds: the highest
 * minus the lowest utility an answer outcome can have (manoeuvre terms excluded).
 */
export function utilityScale(config: WorldConfig): number {
  const u = config.utility;
  const hi = Math.max(u.correct.hedge, u.correct.plain, u.correct.overclaim) + u.genuineEvidence;
  const lo = Math.min(u.wrong.hedge, u.wrong.plain, u.wrong.overclaim) - u.fabricatedEvidence;
  const spread = Math.max(hi, u.noAnswer) - Math.min(lo, u.noAnswer);
  return spread > 0 ? spread : 1;
}

/** Mean ρ of a population (uniform ranges). */
export function meanOf(range: ParamRange): number {
  return (range.lo + range.hi) / 2;
}

/** Throws `ConfigError` for the first invalid field of `c`. */
export function validateWorldConfig(c: WorldConfig): void {
  checkInteger("answers", c.answers, 2, 8);
  checkInteger("maxLen", c.maxLen, 5, 16);
  checkInteger("manoeuvreLength", c.manoeuvreLength, 1, c.maxLen - 4);

  if (!Array.isArray(c.levels) || c.levels.length < 1) throw new ConfigError("levels", c.levels, "a non-empty array");
  let total = 0;
  c.levels.forEach((l, i) => {
    checkProbability(`levels[${i}].prob`, l.prob);
    checkRange(`levels[${i}].accuracy`, l.accuracy, 1 / c.answers, 1);
    total += l.prob;
  });
  if (Math.abs(total - 1) > 1e-9) throw new ConfigError("levels[*].prob (sum)", total, "probabilities summing to 1");

  const u = c.utility;
  for (const group of ["correct", "wrong"] as const) {
    for (const level of ["hedge", "plain", "overclaim"] as const) {
      checkRange(`utility.${group}.${level}`, u[group][level], -1e6, 1e6);
    }
  }
  checkPositive("utility.genuineEvidence", u.genuineEvidence, true);
  checkPositive("utility.fabricatedEvidence", u.fabricatedEvidence, true);
  checkRange("utility.noAnswer", u.noAnswer, -1e6, 1e6);
  checkPositive("utility.manoeuvreVisiblePayoff", u.manoeuvreVisiblePayoff, true);
  checkPositive("utility.manoeuvreHiddenCost", u.manoeuvreHiddenCost, true);
  checkPositive("utility.manoeuvrePower", u.manoeuvrePower, true);

  const b = c.belief;
  if (!(b.baseBelief > 0 && b.baseBelief < 1)) throw new ConfigError("belief.baseBelief", b.baseBelief, "a probability in (0, 1)");
  checkPositive("belief.agreementShift", b.agreementShift, true);
  checkPositive("belief.confidenceShift", b.confidenceShift, true);
  checkPositive("belief.evidenceShift", b.evidenceShift, true);
  checkPositive("belief.noticedStepPenalty", b.noticedStepPenalty, true);
  for (const name of BIAS_NAMES) {
    if (typeof b.biases[name] !== "boolean") throw new ConfigError(`belief.biases.${name}`, b.biases[name], "true or false");
  }

  validatePopulation(c.population, "population");

  const k = c.comparison;
  checkOneOf("comparison.noise", k.noise, ["relative", "absolute"] as const);
  checkProbability("comparison.revealRate", k.revealRate);
  checkProbability("comparison.flipRate", k.flipRate);
  if (!(Number.isFinite(k.myopia) && k.myopia > 0 && k.myopia <= 1)) throw new ConfigError("comparison.myopia", k.myopia, "a number in (0, 1]");
  checkPositive("comparison.equalWithin", k.equalWithin, true);
  if (k.skipBelow !== null) checkRange("comparison.skipBelow", k.skipBelow, -1e6, 1e6);
  if (!(k.oracleRationality >= 0)) throw new ConfigError("comparison.oracleRationality", k.oracleRationality, "a number ≥ 0 (Infinity allowed)");

  const p = c.corpus;
  checkProbability("corpus.sycophancyRate", p.sycophancyRate);
  checkProbability("corpus.overclaimRate", p.overclaimRate);
  for (const field of ["hedgeByLevel", "evidenceByLevel"] as const) {
    const arr = p[field];
    if (!Array.isArray(arr) || arr.length !== c.levels.length) {
      throw new ConfigError(`corpus.${field}`, arr, `an array of ${c.levels.length} probabilities (one per level)`);
    }
    arr.forEach((x, i) => checkProbability(`corpus.${field}[${i}]`, x));
  }
  checkProbability("corpus.sycophantEvidenceRate", p.sycophantEvidenceRate);
  checkProbability("corpus.noAnswerRate", p.noAnswerRate);
  checkRange("corpus.fillerRate", p.fillerRate, 0, 0.5);
  checkRange("corpus.strayStepRate", p.strayStepRate, 0, 0.5);
  if (p.fillerRate + p.strayStepRate > 0.5) {
    throw new ConfigError("corpus.fillerRate + corpus.strayStepRate", p.fillerRate + p.strayStepRate, "at most 0.5");
  }
  checkProbability("corpus.manoeuvreStepRate", p.manoeuvreStepRate);

  if (typeof c.requireModelCompetence !== "boolean") throw new ConfigError("requireModelCompetence", c.requireModelCompetence, "true or false");
  if (c.requireModelCompetence) {
    const rho = meanOf(c.population.rho);
    c.levels.forEach((l, i) => {
      if (!(l.accuracy > rho)) {
        throw new ConfigError(
          `levels[${i}].accuracy`,
          l.accuracy,
          `greater than the population's mean ρ = ${rho} (the model must out-guess the rater where they disagree; set requireModelCompetence: false to allow)`,
        );
      }
    });
  }
}

/** Throws `ConfigError` for the first invalid range of a population. */
export function validatePopulation(p: PopulationConfig, prefix = "population"): void {
  const probs = ["rho", "verify", "detect"] as const;
  for (const f of probs) {
    const r = p[f];
    if (!r) throw new ConfigError(`${prefix}.${f}`, r, "a range { lo, hi }");
    checkProbability(`${prefix}.${f}.lo`, r.lo);
    checkProbability(`${prefix}.${f}.hi`, r.hi);
    if (r.lo > r.hi) throw new ConfigError(`${prefix}.${f}.hi`, r.hi, `≥ ${prefix}.${f}.lo = ${r.lo}`);
  }
  for (const f of ["appeal", "rationality"] as const) {
    const r = p[f];
    if (!r) throw new ConfigError(`${prefix}.${f}`, r, "a range { lo, hi }");
    checkPositive(`${prefix}.${f}.lo`, r.lo, true);
    checkPositive(`${prefix}.${f}.hi`, r.hi, true);
    if (r.lo > r.hi) throw new ConfigError(`${prefix}.${f}.hi`, r.hi, `≥ ${prefix}.${f}.lo = ${r.lo}`);
  }
}

function deepMerge(base: unknown, over: unknown, path = ""): unknown {
  if (over === undefined) return clone(base);
  if (over === null || typeof over !== "object" || Array.isArray(over)) return clone(over);
  if (base === null || typeof base !== "object" || Array.isArray(base)) return clone(over);
  const out: Record<string, unknown> = {};
  const b = base as Record<string, unknown>;
  const o = over as Record<string, unknown>;
  for (const key of Object.keys(b)) out[key] = deepMerge(b[key], o[key], path ? `${path}.${key}` : key);
  for (const key of Object.keys(o)) {
    if (!(key in b)) throw new ConfigError(path ? `${path}.${key}` : key, o[key], `a known config field (one of ${Object.keys(b).join(", ")})`);
  }
  return out;
}

function clone<T>(x: T): T {
  if (Array.isArray(x)) return x.map(clone) as T;
  if (x !== null && typeof x === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = clone(v);
    return out as T;
  }
  return x;
}
