/**
 * Rater populations: each rater's (ρ, v, d, h, β_r) is drawn independently and uniformly
 * from the population's ranges. Three named presets; the agreement band each documents is
 * the share of random corpus pairs (oracle strictly prefers one) on which the rater picks
 * the oracle's choice, measured by `raterOracleAgreement` in the default world and checked by
 * test/world/population.test.ts.
 */
import type { Rng } from "../rng";
import { meanOf, TYPICAL_POPULATION, validatePopulation, type PopulationConfig } from "./config";
import type { Rater, RaterParams } from "./rater";

/** Names of the preset populations. */
export type PresetName = "careful" | "typical" | "hurried";

/** A preset population, with the rater–oracle agreement band it yields in the default world. */
export interface Preset {
  /** Parameter ranges. */
  population: PopulationConfig;
  /** [lo, hi] band of rater–oracle agreement on random corpus pairs (default world). */
  agreementBand: [number, number];
  /** One line on who these raters are. */
  description: string;
}

/** Named populations. */
export const PRESETS: Record<PresetName, Preset> = {
  careful: {
    population: {
      rho: { lo: 0.55, hi: 0.8 },
      verify: { lo: 0.5, hi: 0.9 },
      detect: { lo: 0.7, hi: 0.95 },
      appeal: { lo: 0, hi: 0.1 },
      rationality: { lo: 20, hi: 40 },
    },
    agreementBand: [0.72, 0.79],
    description: "experts with time: check evidence often, notice most manoeuvre steps, choose consistently",
  },
  typical: {
    population: TYPICAL_POPULATION,
    agreementBand: [0.6, 0.68],
    description: "ordinary raters: rarely check evidence, notice about half the steps",
  },
  hurried: {
    population: {
      rho: { lo: 0.35, hi: 0.6 },
      verify: { lo: 0, hi: 0.1 },
      detect: { lo: 0.05, hi: 0.35 },
      appeal: { lo: 0.1, hi: 0.35 },
      rationality: { lo: 3, hi: 8 },
    },
    agreementBand: [0.49, 0.58],
    description: "rushed raters: almost never check, seldom notice steps, noisy choices",
  },
};

/** All preset names, from most to least careful. */
export const PRESET_NAMES: readonly PresetName[] = ["careful", "typical", "hurried"];

/** Draws one rater's parameters from a population. */
export function sampleRaterParams(pop: PopulationConfig, rng: Rng): RaterParams {
  validatePopulation(pop);
  const draw = (r: { lo: number; hi: number }) => (r.lo === r.hi ? r.lo : rng.uniform(r.lo, r.hi));
  return {
    rho: draw(pop.rho),
    verify: draw(pop.verify),
    detect: draw(pop.detect),
    appeal: draw(pop.appeal),
    rationality: draw(pop.rationality),
  };
}

/** Draws one belief-model rater. */
export function sampleRater(pop: PopulationConfig, rng: Rng): Rater {
  return { kind: "belief", params: sampleRaterParams(pop, rng) };
}

/** Draws n raters. */
export function samplePopulation(pop: PopulationConfig, n: number, rng: Rng): Rater[] {
  return Array.from({ length: n }, () => sampleRater(pop, rng));
}

/** The population's mean parameters (exact expectations of believed utility use these). */
export function meanRaterParams(pop: PopulationConfig): RaterParams {
  return {
    rho: meanOf(pop.rho),
    verify: meanOf(pop.verify),
    detect: meanOf(pop.detect),
    appeal: meanOf(pop.appeal),
    rationality: meanOf(pop.rationality),
  };
}

/** The oracle rater; `rho` is used only to draw its queries' priors. */
export function oracleRater(rho = 0.6): Rater {
  return { kind: "oracle", params: { rho, verify: 1, detect: 1, appeal: 0, rationality: Infinity } };
}

/** A population in which every parameter is fixed (lo = hi). */
export function fixedPopulation(p: RaterParams): PopulationConfig {
  const fix = (x: number) => ({ lo: x, hi: x });
  return { rho: fix(p.rho), verify: fix(p.verify), detect: fix(p.detect), appeal: fix(p.appeal), rationality: fix(p.rationality) };
}
