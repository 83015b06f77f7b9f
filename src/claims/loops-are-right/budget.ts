/**
 * Notebook 02's seeds and budgets per mode: the tabular trainers' steps, the base model,
 * the world β sweep and the reward-model study. Checked field by field (finite bounds,
 * unknown keys rejected) before any work.
 */
import { ConfigError } from "../../errors";
import type { Mode } from "../../mode";
import { resolveBudget, type BudgetRules } from "../kit/budget";

/** The notebook's seeds per mode (the world sweep runs once per seed). */
export const SEEDS: Readonly<Record<Mode, number[]>> = { quick: [1], full: [1, 2] };

/** Everything notebook 02 runs, fixed before the run. */
export interface LoopsAreRightBudget {
  /** Steps (iterations) of each tabular trainer in the convergence traces. */
  convergenceSteps: number;
  /** Base-model pretraining documents, one base model per seed. */
  base: { trainDocs: number; heldOutDocs: number };
  /** The world β sweep (see `WorldSweepOptions`; learning rates keep their defaults). */
  sweep: { dpoBetas: number[]; ppoBetas: number[]; dpoPairs: number; dpoEpochs: number; ppoIterations: number; ppoBatchSize: number };
  /** The reward-model study: training and held-out comparisons, training epochs. */
  rewardModel: { trainPairs: number; heldOutPairs: number; epochs: number };
  /** DPO against its own label limit: labelled-pair counts (growing), β, passes over the pairs. */
  limit: { pairs: number[]; beta: number; epochs: number };
}

/** Quick (test suite) and full (reports) budgets. */
export const BUDGETS: Readonly<Record<Mode, LoopsAreRightBudget>> = {
  quick: {
    convergenceSteps: 60,
    base: { trainDocs: 2000, heldOutDocs: 300 },
    sweep: { dpoBetas: [0.5], ppoBetas: [0.2], dpoPairs: 1000, dpoEpochs: 1, ppoIterations: 8, ppoBatchSize: 64 },
    rewardModel: { trainPairs: 1000, heldOutPairs: 600, epochs: 6 },
    limit: { pairs: [300, 1200], beta: 0.5, epochs: 1 },
  },
  full: {
    convergenceSteps: 300,
    base: { trainDocs: 10000, heldOutDocs: 1000 },
    sweep: { dpoBetas: [0.25, 0.5, 1, 2, 4], ppoBetas: [0.05, 0.1, 0.2, 0.4, 0.8], dpoPairs: 4000, dpoEpochs: 2, ppoIterations: 60, ppoBatchSize: 128 },
    rewardModel: { trainPairs: 6000, heldOutPairs: 4000, epochs: 20 },
    limit: { pairs: [500, 2000, 8000], beta: 0.5, epochs: 2 },
  },
};

/** β values of the exact frontier (∞ is the base model itself). */
export const FRONTIER_BETAS: readonly number[] = [Infinity, 8, 4, 2, 1, 0.7, 0.5, 0.35, 0.25, 0.18, 0.12, 0.08, 0.05, 0.03, 0.02];

const COUNT = { kind: "integer", min: 1, max: 1_000_000 } as const;
const BETAS = { kind: "numbers", min: 0.001, max: 1000, minLength: 0, maxLength: 20 } as const;

/** The rule of every budget field (finite bounds, so every loop is bounded). */
export const BUDGET_RULES: BudgetRules = {
  convergenceSteps: { kind: "integer", min: 1, max: 100_000 },
  base: { kind: "object", rules: { trainDocs: COUNT, heldOutDocs: COUNT } },
  sweep: {
    kind: "object",
    rules: {
      dpoBetas: BETAS,
      ppoBetas: BETAS,
      dpoPairs: COUNT,
      dpoEpochs: { kind: "integer", min: 1, max: 100 },
      ppoIterations: { kind: "integer", min: 1, max: 100_000 },
      ppoBatchSize: { kind: "integer", min: 2, max: 100_000 },
    },
  },
  rewardModel: { kind: "object", rules: { trainPairs: COUNT, heldOutPairs: COUNT, epochs: { kind: "integer", min: 1, max: 1000 } } },
  limit: { kind: "object", rules: { pairs: { kind: "numbers", min: 1, max: 1_000_000, minLength: 1, maxLength: 10 }, beta: { kind: "number", min: 0.001, max: 1000 }, epochs: { kind: "integer", min: 1, max: 100 } } },
};

const NAME = "notebook 02 budget";

/** Checks a whole budget (every field present and within its rule); returns it unchanged. */
export function checkLoopsAreRightBudget(b: unknown): LoopsAreRightBudget {
  if (typeof b !== "object" || b === null || Array.isArray(b)) throw new ConfigError(NAME, b, "an object of budget fields");
  const fields = b as Record<string, unknown>;
  for (const [key, rule] of Object.entries(BUDGET_RULES)) {
    if (fields[key] === undefined) throw new ConfigError(`${NAME}.${key}`, undefined, "a required field");
    if (rule.kind === "object" && typeof fields[key] === "object" && fields[key] !== null) {
      const inner = fields[key] as Record<string, unknown>;
      for (const k of Object.keys(rule.rules)) if (inner[k] === undefined) throw new ConfigError(`${NAME}.${key}.${k}`, undefined, "a required field");
    }
  }
  resolveBudget(NAME, b as LoopsAreRightBudget, BUDGET_RULES);
  return b as LoopsAreRightBudget;
}

/** The budget of `mode` with `overrides` laid over it (nested fields merged one level deep), checked. */
export function budget(mode: Mode, overrides?: unknown): LoopsAreRightBudget {
  if (mode !== "quick" && mode !== "full") throw new ConfigError("mode", mode, 'one of "quick", "full"');
  return checkLoopsAreRightBudget(resolveBudget(NAME, BUDGETS[mode], BUDGET_RULES, overrides));
}
