/** Claim 2's settings: the run config, its validation, the quick and full budgets, the hypothesis and thresholds. */
import type { Hypothesis } from "../../verdict";
import type { Mode } from "../../mode";
import { ConfigError } from "../../errors";
import type { RewardModelConfig } from "../../train/reward-model";
import type { PpoConfig } from "../../train/ppo";
import type { DpoConfig } from "../../train/dpo";
import type { BaseBudget } from "../kit/contract";
import { SEEDS_RULE, type BudgetRules } from "../kit/budget";
import { objectListCheck, populationCheck, resolveConfig } from "../kit/run-config";
import { PRESETS, type PopulationConfig } from "../../world";

/** The reward-model settings the experiment sets (the rest of `RewardModelConfig` keeps its defaults). */
export type OvershootRmConfig = Pick<RewardModelConfig, "hidden" | "epochs" | "learningRate" | "batchSize">;
/** The PPO settings the experiment sets (β comes from each run; the rest keeps PPO's defaults). */
export type OvershootPpoConfig = Pick<PpoConfig, "iterations" | "batchSize" | "epochs" | "minibatches" | "learningRate">;
/** The offline-DPO settings the experiment sets (β comes from `dpoBetas`). */
export type OvershootDpoConfig = Pick<DpoConfig, "epochs" | "batchSize" | "learningRate">;

export interface OvershootConfig {
  /** RM training-set sizes (kept rater-labelled pairs; nested prefixes of one draw). */
  rmPairs: number[];
  /** The RM size used for PPO and for the DPO comparison (must be one of rmPairs). */
  indirectionPairs: number;
  /** Held-out pairs for RM accuracy (vs rater and vs oracle). */
  heldOutPairs: number;
  /** Base-model pretraining documents. */
  trainDocs: number;
  heldOutDocs: number;
  /** best-of-n values. */
  ns: number[];
  /** Reward-model settings. */
  rm: OvershootRmConfig;
  /**
   * PPO runs: a fixed KL coefficient each, and the iterations after which the policy is
   * evaluated exactly (the last iteration, `ppo.iterations`, always is). The first run is the
   * *trajectory* run (weak leash, many checkpoints) used for the RL Gao fit.
   */
  ppoRuns: PpoRun[];
  ppo: OvershootPpoConfig;
  /** DPO β values and settings. */
  dpoBetas: number[];
  dpo: OvershootDpoConfig;
  /** The rater population. */
  population: PopulationConfig;
}

/** What a caller may override: any field, the nested trainer settings field by field. */
export type OvershootOverrides = Partial<Omit<OvershootConfig, "rm" | "ppo" | "dpo">> & { rm?: Partial<OvershootRmConfig>; ppo?: Partial<OvershootPpoConfig>; dpo?: Partial<OvershootDpoConfig> };

/** One PPO run of the claim-2 experiment. */
export interface PpoRun {
  beta: number;
  /** Iterations (1-based) after which the policy is evaluated exactly. */
  checkpoints: number[];
}

export const OVERSHOOT_DEFAULTS: OvershootConfig = {
  rmPairs: [500, 2000, 8000],
  indirectionPairs: 2000,
  heldOutPairs: 1000,
  trainDocs: 6000,
  heldOutDocs: 500,
  ns: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
  rm: { hidden: [32], epochs: 10, learningRate: 0.01, batchSize: 64 },
  ppoRuns: [
    { beta: 0.03, checkpoints: [1, 2, 3, 5, 8, 12, 16, 20] },
    { beta: 0.3, checkpoints: [20] },
    { beta: 1, checkpoints: [20] },
    { beta: 3, checkpoints: [20] },
  ],
  ppo: { iterations: 20, batchSize: 128, epochs: 2, minibatches: 2, learningRate: 1e-3 },
  dpoBetas: [0.1, 0.3, 1, 3],
  dpo: { epochs: 2, batchSize: 64, learningRate: 1e-3 },
  population: PRESETS.typical.population,
};

const LR_RULE = { kind: "number", min: 1e-9, max: 10 } as const;
const BATCH_RULE = { kind: "integer", min: 1, max: 100_000 } as const;
const EPOCHS_RULE = { kind: "integer", min: 1, max: 1000 } as const;
const COEF_RULE = { kind: "number", min: 1e-6, max: 1000 } as const;

/** Field rules of {@link OvershootConfig} (every bound finite; `ppoRuns` and `population` have their own checks). */
const CONFIG_RULES: BudgetRules = {
  rmPairs: { kind: "integers", min: 1, max: 100_000, minLength: 1, maxLength: 20 },
  indirectionPairs: { kind: "integer", min: 1, max: 100_000 },
  heldOutPairs: { kind: "integer", min: 1, max: 100_000 },
  trainDocs: { kind: "integer", min: 1, max: 1_000_000 },
  heldOutDocs: { kind: "integer", min: 1, max: 1_000_000 },
  ns: { kind: "integers", min: 1, max: 1_000_000, minLength: 1, maxLength: 50 },
  rm: { kind: "object", rules: { hidden: { kind: "integers", min: 1, max: 1024, minLength: 1, maxLength: 8 }, epochs: EPOCHS_RULE, learningRate: LR_RULE, batchSize: BATCH_RULE } },
  ppo: { kind: "object", rules: { iterations: { kind: "integer", min: 1, max: 10_000 }, batchSize: BATCH_RULE, epochs: EPOCHS_RULE, minibatches: BATCH_RULE, learningRate: LR_RULE } },
  dpoBetas: { kind: "numbers", min: 1e-6, max: 1000, minLength: 1, maxLength: 20 },
  dpo: { kind: "object", rules: { epochs: EPOCHS_RULE, batchSize: BATCH_RULE, learningRate: LR_RULE } },
};

const CUSTOM_CHECKS = {
  ppoRuns: objectListCheck({ beta: COEF_RULE, checkpoints: { kind: "integers", min: 1, max: 10_000, minLength: 0, maxLength: 1000 } }, 1, 20),
  population: populationCheck,
};

/** Checks that relate fields (the PPO split, checkpoints within the run, the indirection RM among the sizes). */
function checkRelations(name: string, c: OvershootConfig): OvershootConfig {
  if (!c.rmPairs.includes(c.indirectionPairs)) throw new ConfigError(`${name}.indirectionPairs`, c.indirectionPairs, `one of rmPairs (${c.rmPairs.join(", ")})`);
  if (c.ppo.batchSize % c.ppo.minibatches !== 0) throw new ConfigError(`${name}.ppo.minibatches`, c.ppo.minibatches, `an integer that divides ppo.batchSize = ${c.ppo.batchSize}`);
  c.ppoRuns.forEach((r, i) =>
    r.checkpoints.forEach((it, j) => {
      if (it > c.ppo.iterations) throw new ConfigError(`${name}.ppoRuns[${i}].checkpoints[${j}]`, it, `an integer in [1, ppo.iterations = ${c.ppo.iterations}]`);
    }),
  );
  return c;
}

/**
 * `overrides` laid over {@link OVERSHOOT_DEFAULTS} (`rm`, `ppo` and `dpo` merged field by
 * field) and checked before any work: unknown keys, wrong types and values outside their
 * range throw a ConfigError naming the field.
 */
export function resolveOvershootConfig(overrides: unknown, name = "overshootSeed config"): OvershootConfig {
  return checkRelations(name, resolveConfig(name, OVERSHOOT_DEFAULTS, CONFIG_RULES, CUSTOM_CHECKS, overrides));
}

/** Threshold for the overshoot part: true utility at the largest n is below its best by more than this. */
export const OVERSHOOT_DROP_THRESHOLD = 0.02;
/** Threshold for the indirection part: inflation gap, PPO-on-RM minus DPO-on-labels, at matched KL. */
export const INDIRECTION_THRESHOLD = 0;

/**
 * Main hypothesis: best-of-n on the RM (fit on `indirectionPairs` rater pairs) overshoots:
 * the true utility at the largest n lies more than 0.02 utility units below the best true
 * utility along the curve (interval over seeds).
 */
export const OVERSHOOT_HYPOTHESIS: Hypothesis = {
  claim: 2,
  effect: "best-of-n on the reward model: best true utility along the curve minus true utility at the largest n",
  direction: "above",
  threshold: OVERSHOOT_DROP_THRESHOLD,
  thresholdText: "overshoot > 0.02 utility units, and inflation gap of PPO-on-RM − DPO-on-labels at matched KL (midpoint of the KL range both reach) > 0",
};

/** A claim-2 budget: the experiment's settings and the seeds. */
export type OvershootBudget = BaseBudget & OvershootConfig;

/** Quick (test suite: exercises every path, including matched KL, in seconds) and full (reports) budgets. */
export const BUDGETS: Readonly<Record<Mode, OvershootBudget>> = {
  quick: {
    seeds: [1, 2],
    rmPairs: [200, 600],
    indirectionPairs: 600,
    heldOutPairs: 200,
    trainDocs: 500,
    heldOutDocs: 100,
    ns: [1, 4, 32, 256],
    rm: { hidden: [32], epochs: 3, learningRate: 0.01, batchSize: 64 },
    ppoRuns: [{ beta: 0.03, checkpoints: [2] }, { beta: 1, checkpoints: [] }],
    ppo: { iterations: 6, batchSize: 32, epochs: 1, minibatches: 2, learningRate: 1e-3 },
    dpoBetas: [0.1],
    dpo: { epochs: 1, batchSize: 64, learningRate: 1e-3 },
    population: PRESETS.typical.population,
  },
  full: { seeds: [1, 2, 3, 4, 5], ...OVERSHOOT_DEFAULTS },
};

/** The budget of `mode` with `overrides`, checked before any work. */
export function overshootBudget(mode: Mode, overrides?: unknown): OvershootBudget {
  if (mode !== "quick" && mode !== "full") throw new ConfigError("claim 2 mode", mode, `"quick" or "full"`);
  const name = "claim 2 budget";
  return checkRelations(name, resolveConfig(name, BUDGETS[mode], { seeds: SEEDS_RULE, ...CONFIG_RULES }, CUSTOM_CHECKS, overrides)) as OvershootBudget;
}
