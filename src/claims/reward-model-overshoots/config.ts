/**
 * Claim 2's settings, version 2: the run config, its validation, the quick and full budgets,
 * the KL grid of the exact frontiers and every threshold. Everything here was fixed before
 * any version-2 result was computed (the pre-registration commit of claim 2 v2).
 */
import type { Hypothesis } from "../../verdict";
import type { Mode } from "../../mode";
import { ConfigError } from "../../errors";
import type { RewardModelConfig } from "../../train/reward-model";
import type { PpoConfig } from "../../train/ppo";
import type { BaseBudget } from "../kit/contract";
import { SEEDS_RULE, type BudgetRules } from "../kit/budget";
import { populationCheck, resolveConfig } from "../kit/run-config";
import { PRESETS, type PopulationConfig } from "../../world";

/** The reward-model settings the experiment sets (the rest of `RewardModelConfig` keeps its defaults). */
export type OvershootRmConfig = Pick<RewardModelConfig, "hidden" | "epochs" | "learningRate" | "batchSize">;
/** The PPO settings the experiment sets (the rest keeps PPO's defaults). */
export type OvershootPpoConfig = Pick<PpoConfig, "iterations" | "batchSize" | "epochs" | "minibatches" | "learningRate">;

export interface OvershootConfig {
  /** Kept labelled pairs each reward model is fitted to (one draw of base-model pairs, labelled by each labeller). */
  rmPairs: number;
  /** Held-out pairs for RM accuracy (against the labeller and against the noisy oracle). */
  heldOutPairs: number;
  /** Base-model pretraining documents. */
  trainDocs: number;
  /** Base-model held-out documents. */
  heldOutDocs: number;
  /** best-of-n values (descriptive curve). */
  ns: number[];
  /** Reward-model settings. */
  rm: OvershootRmConfig;
  /**
   * KL grid of every exact frontier (nats, increasing). The frontier at KL 0 is the
   * reference itself; the last grid value is "the largest pressure" of the fall part. A grid
   * value a frontier cannot reach (its reward's best outputs already carry that much reference
   * mass) is read at the frontier's end (all mass on the reward's best outputs).
   */
  klGrid: number[];
  /** The KL (one of `klGrid`) at which the RM frontier and the label limit are compared (indirection). */
  matchedKl: number;
  /** How many of the seeds (the first ones) also train PPO on the pool's RM (descriptive). */
  ppoSeeds: number;
  /** The PPO run (weak leash, evaluated exactly at `checkpoints` and at its last iteration). */
  ppoBeta: number;
  /** PPO iterations (1-based) after which the policy is evaluated exactly. */
  ppoCheckpoints: number[];
  /** PPO settings. */
  ppo: OvershootPpoConfig;
  /** Gauss–Legendre nodes per smooth rater parameter in the exact label limits (LabelOptions.nodes). */
  limitNodes: number;
  /** The varied rater pool; the consistent rater is its mean parameters (`fixedPopulation(meanRaterParams(pool))`). */
  population: PopulationConfig;
}

/** What a caller may override: any field, the nested trainer settings field by field. */
export type OvershootOverrides = Partial<Omit<OvershootConfig, "rm" | "ppo">> & { rm?: Partial<OvershootRmConfig>; ppo?: Partial<OvershootPpoConfig> };

/** The frontiers' KL grid of version 2 (nats): dense at small KL where the rise sits, up to 3 nats. */
export const KL_GRID: readonly number[] = [0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 2.5, 3];

export const OVERSHOOT_DEFAULTS: OvershootConfig = {
  rmPairs: 2000,
  heldOutPairs: 1000,
  trainDocs: 6000,
  heldOutDocs: 500,
  ns: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
  rm: { hidden: [32], epochs: 10, learningRate: 0.01, batchSize: 64 },
  klGrid: [...KL_GRID],
  matchedKl: 1,
  ppoSeeds: 5,
  ppoBeta: 0.03,
  ppoCheckpoints: [1, 2, 3, 5, 8, 12, 16],
  ppo: { iterations: 20, batchSize: 128, epochs: 2, minibatches: 2, learningRate: 1e-3 },
  limitNodes: 8,
  population: PRESETS.typical.population,
};

const LR_RULE = { kind: "number", min: 1e-9, max: 10 } as const;
const BATCH_RULE = { kind: "integer", min: 1, max: 100_000 } as const;
const EPOCHS_RULE = { kind: "integer", min: 1, max: 1000 } as const;

/** Field rules of {@link OvershootConfig} (every bound finite; `population` has its own check). */
const CONFIG_RULES: BudgetRules = {
  rmPairs: { kind: "integer", min: 2, max: 100_000 },
  heldOutPairs: { kind: "integer", min: 1, max: 100_000 },
  trainDocs: { kind: "integer", min: 1, max: 1_000_000 },
  heldOutDocs: { kind: "integer", min: 1, max: 1_000_000 },
  ns: { kind: "integers", min: 1, max: 1_000_000, minLength: 1, maxLength: 50 },
  rm: { kind: "object", rules: { hidden: { kind: "integers", min: 1, max: 1024, minLength: 1, maxLength: 8 }, epochs: EPOCHS_RULE, learningRate: LR_RULE, batchSize: BATCH_RULE } },
  klGrid: { kind: "numbers", min: 1e-4, max: 50, minLength: 2, maxLength: 50 },
  matchedKl: { kind: "number", min: 1e-4, max: 50 },
  ppoSeeds: { kind: "integer", min: 0, max: 100 },
  ppoBeta: { kind: "number", min: 1e-6, max: 1000 },
  ppoCheckpoints: { kind: "integers", min: 1, max: 10_000, minLength: 0, maxLength: 1000 },
  ppo: { kind: "object", rules: { iterations: { kind: "integer", min: 1, max: 10_000 }, batchSize: BATCH_RULE, epochs: EPOCHS_RULE, minibatches: BATCH_RULE, learningRate: LR_RULE } },
  limitNodes: { kind: "integer", min: 2, max: 24 },
};

const CUSTOM_CHECKS = { population: populationCheck };

/** Checks that relate fields (grid increasing, matched KL on the grid, the PPO split, checkpoints within the run). */
function checkRelations<C extends OvershootConfig>(name: string, c: C): C {
  c.klGrid.forEach((k, i) => {
    if (i > 0 && !(k > c.klGrid[i - 1]!)) throw new ConfigError(`${name}.klGrid[${i}]`, k, `a value above klGrid[${i - 1}] = ${c.klGrid[i - 1]} (the grid is increasing)`);
  });
  if (!c.klGrid.includes(c.matchedKl)) throw new ConfigError(`${name}.matchedKl`, c.matchedKl, `one of klGrid (${c.klGrid.join(", ")})`);
  if (c.ppo.batchSize % c.ppo.minibatches !== 0) throw new ConfigError(`${name}.ppo.minibatches`, c.ppo.minibatches, `an integer that divides ppo.batchSize = ${c.ppo.batchSize}`);
  c.ppoCheckpoints.forEach((it, j) => {
    if (it > c.ppo.iterations) throw new ConfigError(`${name}.ppoCheckpoints[${j}]`, it, `an integer in [1, ppo.iterations = ${c.ppo.iterations}]`);
  });
  return c;
}

/**
 * `overrides` laid over {@link OVERSHOOT_DEFAULTS} (`rm` and `ppo` merged field by field)
 * and checked before any work: unknown keys, wrong types and values outside their range
 * throw a ConfigError naming the field.
 */
export function resolveOvershootConfig(overrides: unknown, name = "overshootSeed config"): OvershootConfig {
  return checkRelations(name, resolveConfig(name, OVERSHOOT_DEFAULTS, CONFIG_RULES, CUSTOM_CHECKS, overrides));
}

/**
 * Thresholds of version 2 (utility units; the world's true utility of the corpus is ≈ 0.7).
 * RISE: true utility at the frontier's peak (over the KL grid) minus at KL 0 must exceed it.
 * FALL: true utility at the peak minus at the largest grid KL must exceed it.
 * ORACLE_FALL: the noisy oracle's label-limit frontier falls by less than this.
 * INDIRECTION_GAP: inflation gap of the RM frontier minus the label limit at `matchedKl` exceeds it.
 * COMPOSITION_SHIFT: the largest change, RM frontier versus label limit at `matchedKl`, in the
 * share of over-estimation carried by fabrication, sycophancy or exaggeration stays below it
 * (the RM's inflation is carried by the rater's behaviours).
 * ORACLE_RM_RATIO (reported): an RM fitted to noisy-oracle labels falls by at most this
 * fraction of the pool RM's fall, paired by seed.
 * CONSISTENT_AGREES (reported): this world agrees with AlpacaFarm when the consistent
 * rater's label limit falls by less than FALL while the pool's falls by more.
 */
export const THRESHOLDS = {
  rise: 0.02,
  fall: 0.02,
  oracleFall: 0.02,
  indirectionGap: 0,
  compositionShift: 0.1,
  oracleRmRatio: 0.25,
} as const;

/** Main hypothesis (the headline): the RM frontier of the varied pool falls from its peak by more than 0.02 at the largest pressure. */
export const OVERSHOOT_HYPOTHESIS: Hypothesis = {
  claim: 2,
  effect: "exact frontier of the pool's reward model: true utility at its peak minus at the largest KL of the grid",
  direction: "above",
  threshold: THRESHOLDS.fall,
  thresholdText: "rise > 0.02 and fall > 0.02 utility units on the exact label-limit frontier (incentive) and on each seed's RM frontier (transmission); the noisy oracle's label limit falls < 0.02; RM frontier − label limit inflation gap at matched KL > 0 with behaviour shares within 0.10",
};

/** A claim-2 budget: the experiment's settings and the seeds. */
export type OvershootBudget = BaseBudget & OvershootConfig;

/** Quick (test suite: every path in seconds, decides nothing) and full (reports: seeds 101–115, never used before) budgets. */
export const BUDGETS: Readonly<Record<Mode, OvershootBudget>> = {
  quick: {
    seeds: [101, 102],
    rmPairs: 600,
    heldOutPairs: 200,
    trainDocs: 500,
    heldOutDocs: 100,
    ns: [1, 4, 32, 256],
    rm: { hidden: [32], epochs: 3, learningRate: 0.01, batchSize: 64 },
    klGrid: [...KL_GRID],
    matchedKl: 1,
    ppoSeeds: 1,
    ppoBeta: 0.03,
    ppoCheckpoints: [2],
    ppo: { iterations: 6, batchSize: 32, epochs: 1, minibatches: 2, learningRate: 1e-3 },
    limitNodes: 4,
    population: PRESETS.typical.population,
  },
  full: { seeds: [101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115], ...OVERSHOOT_DEFAULTS },
};

/** The budget of `mode` with `overrides`, checked before any work. */
export function overshootBudget(mode: Mode, overrides?: unknown): OvershootBudget {
  if (mode !== "quick" && mode !== "full") throw new ConfigError("claim 2 mode", mode, `"quick" or "full"`);
  const name = "claim 2 budget";
  const b = checkRelations(name, resolveConfig(name, BUDGETS[mode], { seeds: SEEDS_RULE, ...CONFIG_RULES }, CUSTOM_CHECKS, overrides) as OvershootBudget);
  if (b.ppoSeeds > b.seeds.length) throw new ConfigError(`${name}.ppoSeeds`, b.ppoSeeds, `an integer in [0, seeds.length = ${b.seeds.length}]`);
  return b;
}
