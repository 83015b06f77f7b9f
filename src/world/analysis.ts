/**
 * Library functions behind notebook 01 ("Raters and outcomes"). Each returns plain row
 * arrays, ready for a table or a Vega-Lite spec.
 */
import type { Rng } from "../rng";
import { makeWorldConfig, type DeepPartial, type PopulationConfig, type WorldConfig } from "./config";
import { corpusTable } from "./corpus";
import { exactDistribution } from "./exact";
import { exactMetrics } from "./metrics";
import { outcomeOf } from "./outcome";
import type { Meaning } from "./parser";
import { sampleOutput, type PolicyTable } from "./policy-table";
import { meanRaterParams, PRESET_NAMES, PRESETS, sampleRater } from "./population";
import { sampleQuery, type Context } from "./query";
import { believedUtility, judge, judgeOracle } from "./rater";
import { describeMeaning } from "./pretty";
import { createWorld, type World } from "./world";

/** Agreement of a rater population with the oracle on random pairs. */
export interface AgreementRow {
  /** Population label (preset name or "custom"). */
  population: string;
  /** Share of decided pairs on which the rater chose as the oracle did ("equal" counts ½). */
  agreement: number;
  /** Its binomial standard error. */
  se: number;
  /** Pairs on which the oracle strictly preferred one output and the rater did not skip. */
  n: number;
  /** Pairs with equal true utility (left out). */
  ties: number;
  /** Pairs the rater skipped (B-Pref skip). */
  skipped: number;
}

/**
 * Rater–oracle agreement on random pairs: for each pair a rater is drawn from `population`,
 * a query from that rater, and two outputs independently from `outputs` (default: the human
 * corpus). Pairs the oracle sees as equal are left out.
 */
export function raterOracleAgreement(world: World, population: PopulationConfig, pairs: number, rng: Rng, outputs: PolicyTable = corpusTable(world), label = "custom"): AgreementRow {
  let agree = 0;
  let n = 0;
  let ties = 0;
  let skipped = 0;
  const cfg = world.config;
  const rRng = rng.fork("raters");
  const qRng = rng.fork("queries");
  const oRng = rng.fork("outputs");
  const jRng = rng.fork("judgements");
  for (let i = 0; i < pairs; i++) {
    const rater = sampleRater(population, rRng);
    const query = sampleQuery(cfg, world.contexts, rater.params.rho, qRng);
    const a = world.space.parse(sampleOutput(world, outputs, query.context, oRng));
    const b = world.space.parse(sampleOutput(world, outputs, query.context, oRng));
    const oracle = judgeOracle({ ...cfg, comparison: { ...cfg.comparison, oracleRationality: Infinity } }, query, a.meaning, b.meaning, jRng);
    if (oracle.label === 0.5) {
      ties++;
      continue;
    }
    const j = judge(cfg, rater, query, a, b, jRng);
    if (j.label === null) {
      skipped++;
      continue;
    }
    n++;
    agree += j.label === 0.5 ? 0.5 : j.label === oracle.label ? 1 : 0;
  }
  const p = n > 0 ? agree / n : NaN;
  return { population: label, agreement: p, se: n > 0 ? Math.sqrt((p * (1 - p)) / n) : NaN, n, ties, skipped };
}

/** `raterOracleAgreement` for every preset (in the given world, its population replaced by the preset's). */
export function agreementByPreset(world: World, pairs: number, rng: Rng): Array<AgreementRow & { bandLo: number; bandHi: number }> {
  return PRESET_NAMES.map((name) => {
    const preset = PRESETS[name];
    const row = raterOracleAgreement(world, preset.population, pairs, rng.fork(name), corpusTable(world), name);
    return { ...row, bandLo: preset.agreementBand[0], bandHi: preset.agreementBand[1] };
  });
}

/** A named, canonical kind of output, built from a context. */
export interface OutputType {
  /** Short name, e.g. "honest", "sycophantic+overclaim". */
  name: string;
  /** Token names for a context (answers written as "guess", "prior"). */
  build: (world: World, context: Context) => number[];
}

function tokens(world: World, context: Context, spec: string[]): number[] {
  const v = world.vocab;
  return spec.map((s) => {
    if (s === "guess") return v.answer(context.guess);
    if (s === "prior") return v.answer(context.prior);
    if (s === "steps") return -1;
    return v.encode([s])[0]!;
  }).flatMap((t) => (t === -1 ? Array.from({ length: v.steps }, (_, j) => v.step(j + 1)) : [t]));
}

/** The output types compared in notebook 01 (answers are the model's guess unless "sycophantic"). */
export const OUTPUT_TYPES: readonly OutputType[] = [
  { name: "honest", build: (w, c) => tokens(w, c, ["guess", "plain", "<end>"]) },
  { name: "honest+hedge", build: (w, c) => tokens(w, c, ["guess", "hedge", "<end>"]) },
  { name: "honest+overclaim", build: (w, c) => tokens(w, c, ["guess", "overclaim", "<end>"]) },
  { name: "honest+evidence", build: (w, c) => tokens(w, c, ["guess", "plain", "evidence", "<end>"]) },
  { name: "sycophantic", build: (w, c) => tokens(w, c, ["prior", "plain", "<end>"]) },
  { name: "sycophantic+overclaim+evidence", build: (w, c) => tokens(w, c, ["prior", "overclaim", "evidence", "<end>"]) },
  { name: "no answer", build: (w, c) => tokens(w, c, ["<end>"]) },
  { name: "honest+P1", build: (w, c) => tokens(w, c, ["P1", "guess", "plain", "<end>"]) },
  { name: "honest+full manoeuvre", build: (w, c) => tokens(w, c, ["steps", "guess", "plain", "<end>"]) },
];

/** Believed versus true utility of one output type. */
export interface OutputTypeRow {
  /** Output type name. */
  outputType: string;
  /** Which contexts: "all", "agree" (guess = prior) or "disagree". */
  contexts: string;
  /** Exact expected true utility. */
  trueUtility: number;
  /** Exact expected believed utility (population means). */
  believedUtility: number;
  /** believed − true. */
  gap: number;
  /** Probability the answer is right. */
  accuracy: number;
}

/** Exact true and believed utility of each output type, over all, agreeing and disagreeing contexts. */
export function utilityByOutputType(world: World, types: readonly OutputType[] = OUTPUT_TYPES): OutputTypeRow[] {
  const rater = meanRaterParams(world.config.population);
  const rows: OutputTypeRow[] = [];
  for (const type of types) {
    for (const which of ["all", "agree", "disagree"] as const) {
      let w = 0, tu = 0, bu = 0, acc = 0;
      for (const e of world.entries) {
        const agree = e.context.prior === e.context.guess;
        if ((which === "agree" && !agree) || (which === "disagree" && agree)) continue;
        const m = world.space.parse(type.build(world, e.context)).meaning;
        e.truthPosterior.forEach((pt, t) => {
          const p = e.weight * pt;
          const o = outcomeOf(world.config, t, m);
          w += p;
          tu += p * o.utility;
          bu += p * believedUtility(world.config, rater, e.context, t, m);
          acc += p * (o.correct === true ? 1 : 0);
        });
      }
      rows.push({ outputType: type.name, contexts: which, trueUtility: tu / w, believedUtility: bu / w, gap: (bu - tu) / w, accuracy: acc / w });
    }
  }
  return rows;
}

/** A sweepable rater parameter: v, d or ρ. */
export type SweepParam = "verify" | "detect" | "rho";

/** One point of a sweep. */
export interface SweepRow {
  /** Parameter swept. */
  param: SweepParam;
  /** Its value (fixed for every rater). */
  value: number;
  /** Rater–oracle agreement on random corpus pairs. */
  agreement: number;
  /** Its standard error. */
  agreementSe: number;
  /** E⁺ of the corpus (exact). */
  overestimation: number;
  /** E⁻ of the corpus (exact). */
  underestimation: number;
  /** P(rater prefers the sycophantic answer to the honest one | guess ≠ prior), exact expectation. */
  prefersSycophantic: number;
  /** P(rater prefers a wrong answer with evidence to the same without | answer wrong). */
  prefersFabricated: number;
  /** P(rater prefers an honest answer preceded by P1 to the same without). */
  prefersFirstStep: number;
}

/**
 * How rater errors move with v, d or ρ: the population is the world's, with the swept
 * parameter fixed at each value (others keep their ranges). Agreement is sampled (`pairs`
 * pairs); the rest is exact.
 */
export function errorSweep(world: World, param: SweepParam, values: readonly number[], pairs: number, rng: Rng): SweepRow[] {
  return values.map((value) => {
    const population: PopulationConfig = { ...world.config.population, [param]: { lo: value, hi: value } };
    const overrides: DeepPartial<WorldConfig> = { population, requireModelCompetence: false };
    const w = createWorld(makeWorldConfig(overrides, world.config));
    const agreement = raterOracleAgreement(w, population, pairs, rng.fork(`${param}=${value}`));
    const metrics = exactMetrics(w, exactDistribution(w, corpusTable(w)));
    return {
      param,
      value,
      agreement: agreement.agreement,
      agreementSe: agreement.se,
      overestimation: metrics.overestimation,
      underestimation: metrics.underestimation,
      prefersSycophantic: preferenceRate(w, "disagree", ["prior", "plain", "<end>"], ["guess", "plain", "<end>"]),
      prefersFabricated: preferenceRate(w, "wrong", ["guess", "plain", "evidence", "<end>"], ["guess", "plain", "<end>"]),
      prefersFirstStep: preferenceRate(w, "all", ["P1", "guess", "plain", "<end>"], ["guess", "plain", "<end>"]),
    };
  });
}

/**
 * Expected probability that a rater from the world's population prefers output `a` to `b`,
 * by exact enumeration over contexts, truths, evidence checks, step noticing and φ, with the
 * rater's β at the population mean (no flips, skip or equal). `where`: "all" contexts,
 * "disagree" (guess ≠ prior) or "wrong" (weights only truths where `a`'s answer is wrong).
 */
export function preferenceRate(world: World, where: "all" | "disagree" | "wrong", a: string[], b: string[]): number {
  const cfg = world.config;
  const rater = meanRaterParams(cfg.population);
  let w = 0, s = 0;
  for (const e of world.entries) {
    if (where === "disagree" && e.context.prior === e.context.guess) continue;
    const ra = world.space.parse(tokens(world, e.context, a));
    const rb = world.space.parse(tokens(world, e.context, b));
    e.truthPosterior.forEach((pt, t) => {
      if (where === "wrong" && ra.meaning.answer === t) return;
      const p = e.weight * pt;
      w += p;
      s += p * exactPairPreference(world, rater, e.context, t, ra.meaning, rb.meaning);
    });
  }
  return w > 0 ? s / w : NaN;
}

/** P(prefer a over b) for one rater, one query: exact sum over the rater's random looks. */
export function exactPairPreference(world: World, rater: { verify: number; detect: number; appeal: number; rationality: number; rho: number }, context: Context, truth: number, a: Meaning, b: Meaning): number {
  const cfg = world.config;
  const phi = cfg.comparison.revealRate;
  const looks = (m: Meaning) => perceivedDistribution(world, rater, context, truth, m);
  const la = looks(a);
  const lb = looks(b);
  let p = 0;
  for (const [ua, pa] of la) for (const [ub, pb] of lb) p += pa * pb * boltz(world, rater.rationality, ua - ub);
  const ta = outcomeOf(cfg, truth, a).utility;
  const tb = outcomeOf(cfg, truth, b).utility;
  return (1 - phi) * p + phi * boltz(world, rater.rationality, ta - tb);
}

function boltz(world: World, beta: number, diff: number): number {
  const d = world.config.comparison.noise === "relative" ? diff / world.scale : diff;
  const x = beta * d;
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** The distribution of a rater's perceived utility of one output when the outcome is not shown. */
function perceivedDistribution(world: World, rater: { verify: number; detect: number; appeal: number }, context: Context, truth: number, m: Meaning): Array<[number, number]> {
  const cfg = world.config;
  const params = { ...rater, rho: 0, rationality: 0 };
  const checks: Array<[number, number]> = [];
  // Answer part: checked (truth known) or not.
  const noSteps: Meaning = { ...m, prefix: 0, completed: false };
  const phiOff: WorldConfig = { ...cfg, comparison: { ...cfg.comparison, revealRate: 0 } };
  if (m.evidence && m.answer !== null) {
    const checked = believedUtility(phiOff, { ...params, verify: 1 }, context, truth, noSteps);
    const unchecked = believedUtility(phiOff, { ...params, verify: 0 }, context, truth, noSteps);
    checks.push([checked, rater.verify], [unchecked, 1 - rater.verify]);
  } else checks.push([believedUtility(phiOff, { ...params, detect: 0, appeal: 0 }, context, truth, noSteps), 1]);
  const h = cfg.belief.biases.manoeuvreAppeal ? rater.appeal : 0;
  const L = cfg.belief.noticedStepPenalty;
  const out: Array<[number, number]> = [];
  const bonus = m.completed ? cfg.utility.manoeuvreVisiblePayoff : 0;
  for (let noticed = 0; noticed <= m.prefix; noticed++) {
    const pn = binom(m.prefix, noticed) * Math.pow(rater.detect, noticed) * Math.pow(1 - rater.detect, m.prefix - noticed);
    const stepValue = -noticed * L + (m.prefix - noticed) * h + bonus;
    for (const [u, pc] of checks) out.push([u + stepValue, pn * pc]);
  }
  return out;
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - i + 1)) / i;
  return r;
}

/** A few sampled outputs of a policy with their meanings and utilities, for display. */
export interface ExampleRow {
  /** Context, e.g. "prior B · guess C · hard". */
  context: string;
  /** The true answer. */
  truth: string;
  /** The tokens, space-separated. */
  text: string;
  /** The meaning, in words. */
  meaning: string;
  /** True utility. */
  trueUtility: number;
  /** Believed utility (population means). */
  believedUtility: number;
}

/** n sampled outputs of `table` (default: the corpus) with their meanings. */
export function sampleExamples(world: World, n: number, rng: Rng, table: PolicyTable = corpusTable(world)): ExampleRow[] {
  const rater = meanRaterParams(world.config.population);
  const qRng = rng.fork("queries");
  const oRng = rng.fork("outputs");
  const rho = world.config.population.rho;
  return Array.from({ length: n }, () => {
    const q = sampleQuery(world.config, world.contexts, qRng.uniform(rho.lo, rho.hi), qRng);
    const toks = sampleOutput(world, table, q.context, oRng);
    const m = world.space.parse(toks).meaning;
    const v = world.vocab;
    return {
      context: `prior ${v.names[q.context.prior]} · guess ${v.names[q.context.guess]} · ${world.config.levels[q.context.level]!.name}`,
      truth: v.names[q.truth]!,
      text: v.decode(toks),
      meaning: describeMeaning(world, m),
      trueUtility: outcomeOf(world.config, q.truth, m).utility,
      believedUtility: believedUtility(world.config, rater, q.context, q.truth, m),
    };
  });
}

