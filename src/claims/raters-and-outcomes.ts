/**
 * Notebook 01 ("Raters and outcomes"): its budgets and the measurements it shows. Each
 * measurement returns plain row arrays, ready for a table or a Vega-Lite spec, and checks
 * its sizes before any work.
 */
import type { Rng } from "../rng";
import { ConfigError } from "../errors";
import type { Mode } from "../mode";
import { checkField, resolveBudget, type BudgetRules } from "./kit/budget";
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

/** The notebook's seeds per mode (one: everything but agreement is exact). */
export const SEEDS: Readonly<Record<Mode, number[]>> = { quick: [1], full: [1] };

/** Sizes of notebook 01's sampled measurements. */
export interface RatersAndOutcomesBudget {
  /** Random pairs per agreement measurement (presets and the agreement ceiling). */
  pairs: number;
  /** Random pairs per point of the error sweeps. */
  sweepPairs: number;
  /** Grid points of the v and d sweeps (the ρ sweep has three fewer). */
  sweepPoints: number;
}

/** Quick (test suite) and full (reports) budgets. */
export const BUDGETS: Readonly<Record<Mode, RatersAndOutcomesBudget>> = {
  quick: { pairs: 600, sweepPairs: 300, sweepPoints: 6 },
  full: { pairs: 20000, sweepPairs: 5000, sweepPoints: 11 },
};

const PAIRS_RULE = { kind: "integer", min: 1, max: 1_000_000 } as const;

/** The rule of every budget field (finite bounds). */
export const BUDGET_RULES: BudgetRules = {
  pairs: PAIRS_RULE,
  sweepPairs: PAIRS_RULE,
  sweepPoints: { kind: "integer", min: 5, max: 101 },
};

/** The budget of `mode` with `overrides` laid over it; a bad field throws a ConfigError naming it. */
export function budget(mode: Mode, overrides?: unknown): RatersAndOutcomesBudget {
  if (mode !== "quick" && mode !== "full") throw new ConfigError("mode", mode, 'one of "quick", "full"');
  return resolveBudget("notebook 01 budget", BUDGETS[mode], BUDGET_RULES, overrides);
}

/** `n` evenly spaced values from `lo` to `hi`, rounded to 3 decimals (the sweeps' grid). */
export function sweepGrid(lo: number, hi: number, n: number): number[] {
  checkField("sweep grid points", n, { kind: "integer", min: 2, max: 1001 });
  return Array.from({ length: n }, (_, i) => +(lo + ((hi - lo) * i) / (n - 1)).toFixed(3));
}

/** `raterOracleAgreement` for every preset (in the given world, its population replaced by the preset's). */
export function agreementByPreset(world: World, pairs: number, rng: Rng): Array<AgreementRow & { bandLo: number; bandHi: number }> {
  checkField("pairs", pairs, PAIRS_RULE);
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
  checkField("param", param, { kind: "oneOf", options: ["verify", "detect", "rho"] });
  checkField(`${param} values`, values, { kind: "numbers", min: 0, max: 1, minLength: 1, maxLength: 1001 });
  checkField("pairs", pairs, PAIRS_RULE);
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

/** A measured quantity of a sweep row (every field but the parameter and its value). */
export type SweepQuantity = Exclude<keyof SweepRow, "param" | "value">;

/** A sweep quantity that is a probability of preferring one output to another. */
export type PreferenceKey = "prefersSycophantic" | "prefersFabricated" | "prefersFirstStep";

/**
 * Where a preference probability crosses ½ along one parameter's sweep (linear
 * interpolation between grid points; rows in sweep order); NaN if it never does.
 */
export function crossHalf(sweep: readonly SweepRow[], param: SweepParam, key: PreferenceKey): number {
  const rs = sweep.filter((r) => r.param === param);
  for (let i = 0; i + 1 < rs.length; i++) {
    const [a, z] = [rs[i]![key] - 0.5, rs[i + 1]![key] - 0.5];
    if (a * z <= 0 && a !== z) return rs[i]!.value + ((rs[i + 1]!.value - rs[i]!.value) * a) / (a - z);
  }
  return NaN;
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
  checkField("examples", n, { kind: "integer", min: 1, max: 10_000 });
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

