/**
 * Notebook 01 ("Raters and outcomes"): the measurements it shows. Each returns plain row
 * arrays, ready for a table or a Vega-Lite spec.
 */
import type { Rng } from "../rng";
import { makeWorldConfig, type DeepPartial, type PopulationConfig, type WorldConfig } from "../world/config";
import { corpusTable } from "../world/corpus";
import { exactDistribution } from "../world/exact";
import { exactMetrics } from "../world/metrics";
import { outcomeOf } from "../world/outcome";
import type { Meaning } from "../world/parser";
import { sampleOutput, type PolicyTable } from "../world/policy-table";
import { meanRaterParams, PRESET_NAMES, PRESETS, sampleRater } from "../world/population";
import { sampleQuery, type Context } from "../world/query";
import { believedUtility, judge, judgeOracle } from "../world/rater";
import { describeMeaning } from "../world/pretty";
import { createWorld, type World } from "../world/world";
import { OUTPUT_TYPES, preferenceRate, raterOracleAgreement, type AgreementRow, type OutputType } from "../world/agreement";

/** `raterOracleAgreement` for every preset (in the given world, its population replaced by the preset's). */
export function agreementByPreset(world: World, pairs: number, rng: Rng): Array<AgreementRow & { bandLo: number; bandHi: number }> {
  return PRESET_NAMES.map((name) => {
    const preset = PRESETS[name];
    const row = raterOracleAgreement(world, preset.population, pairs, rng.fork(name), corpusTable(world), name);
    return { ...row, bandLo: preset.agreementBand[0], bandHi: preset.agreementBand[1] };
  });
}

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

