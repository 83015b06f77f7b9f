/**
 * Claim 1's budgets, fixed before the run: what is trained (documents, pairs, β sweeps,
 * labellers), the thresholds each part must clear and the KL budgets they are read at.
 * Quick mode is the test suite's smoke test; full mode is the experiment. Every budget is
 * checked field by field (finite bounds, unknown keys rejected) before any work.
 */
import { ConfigError } from "../../errors";
import { checkField, resolveBudget, SEEDS_RULE, type BudgetRules } from "../kit/budget";
import type { BaseBudget } from "../kit/contract";
import type { Mode } from "../../mode";
import type { WorldMetrics } from "../../world";

/** The biases the claim ablates, and the behaviour each one feeds (the behaviour that should stop growing). */
export const MATCHING_BEHAVIOUR = {
  sycophancy: "sycophancyRate",
  confidence: "exaggerationRate",
  evidenceCredulity: "hallucinationRate",
} as const satisfies Record<string, keyof WorldMetrics>;

/** A bias the claim can switch off (one with a matching behaviour). */
export type AblatedBias = keyof typeof MATCHING_BEHAVIOUR;

/** Thresholds and KL budgets of claim 1, fixed before running. */
export interface RnoThresholds {
  /** The matched KL budget (nats) at which effects are read. */
  kl: number;
  /** Low and high KL for the "grows with optimisation pressure" part. */
  klLow: number;
  klHigh: number;
  /** Minimum rater − oracle effect per quantity at `kl`. */
  sycophancy: number;
  exaggeration: number;
  hallucination: number;
  inflationGap: number;
  /** Minimum hallucination difference between v = 0 and v = 1 raters at `kl`. */
  verifyDose: number;
}

/** The experiment's thresholds (full mode). */
export const RNO_THRESHOLDS: RnoThresholds = {
  kl: 0.5,
  klLow: 0.25,
  klHigh: 1.0,
  sycophancy: 0.05,
  exaggeration: 0.02,
  hallucination: 0.02,
  inflationGap: 0.05,
  verifyDose: 0.02,
};

/** Everything one run of claim 1 needs, fixed before the run. */
export interface RatersNotOutcomesBudget extends BaseBudget {
  /** Base-model pretraining documents (train, held out). */
  trainDocs: number;
  heldOutDocs: number;
  /** Labelled preference pairs per offline DPO run (same count for every labeller). */
  pairs: number;
  /** Offline DPO passes over the pairs. */
  epochs: number;
  /** β sweep for the rater and the oracle (main comparison). */
  betas: number[];
  /** β sweep for the ablated and fixed-v raters. */
  sideBetas: number[];
  /** Biases switched off one at a time. */
  ablations: AblatedBias[];
  /** Fixed verification rates of the dose-response sweep. */
  verifyValues: number[];
  /** Online DPO: βs (rater and oracle each; may be empty), rounds, fresh pairs per round, passes per round. */
  onlineBetas: number[];
  onlineRounds: number;
  onlinePairsPerRound: number;
  onlineEpochs: number;
  /** Random base-model pairs for rater–oracle agreement. */
  agreementPairs: number;
  /** Thresholds and KL budgets of the verdict. */
  thresholds: RnoThresholds;
}

/**
 * The budgets of each mode. Quick mode's tiny budget moves the policy only ≈ 0.05–0.1 nats,
 * so it reads the same effects at smaller KL budgets (otherwise no curve reaches the
 * matched KL and every part would have no data); its verdict is marked "quick" in the
 * ledger and decides nothing.
 */
export const RNO_BUDGETS: Readonly<Record<Mode, RatersNotOutcomesBudget>> = {
  quick: {
    seeds: [1, 2],
    trainDocs: 1000,
    heldOutDocs: 100,
    pairs: 300,
    epochs: 1,
    betas: [0.25],
    sideBetas: [0.25],
    ablations: ["sycophancy"],
    verifyValues: [0, 1],
    onlineBetas: [],
    onlineRounds: 2,
    onlinePairsPerRound: 200,
    onlineEpochs: 1,
    agreementPairs: 500,
    thresholds: { ...RNO_THRESHOLDS, kl: 0.02, klLow: 0.01, klHigh: 0.03 },
  },
  full: {
    seeds: [1, 2, 3, 4, 5],
    trainDocs: 10000,
    heldOutDocs: 1000,
    pairs: 4000,
    epochs: 2,
    betas: [0.25, 0.5, 1, 2],
    sideBetas: [0.25, 0.5], // 0.25 so weakly pulling raters (evidence credulity off) still reach the matched KL of 0.5
    ablations: ["sycophancy", "confidence", "evidenceCredulity"],
    verifyValues: [0, 0.5, 1],
    onlineBetas: [0.5],
    onlineRounds: 10,
    onlinePairsPerRound: 400,
    onlineEpochs: 1,
    agreementPairs: 4000,
    thresholds: RNO_THRESHOLDS,
  },
};

const BETAS = { kind: "numbers", min: 0.001, max: 1000, minLength: 1, maxLength: 20 } as const;
const KL = { kind: "number", min: 0.0001, max: 100 } as const;
const RATE = { kind: "number", min: -1, max: 1 } as const;

/** The rule of every budget field (all bounds finite, so every loop is bounded). */
export const RNO_BUDGET_RULES: BudgetRules = {
  seeds: SEEDS_RULE,
  trainDocs: { kind: "integer", min: 1, max: 1_000_000 },
  heldOutDocs: { kind: "integer", min: 1, max: 1_000_000 },
  pairs: { kind: "integer", min: 1, max: 1_000_000 },
  epochs: { kind: "integer", min: 1, max: 100 },
  betas: BETAS,
  sideBetas: BETAS,
  ablations: { kind: "subset", options: Object.keys(MATCHING_BEHAVIOUR) },
  verifyValues: { kind: "numbers", min: 0, max: 1, minLength: 0, maxLength: 20 },
  onlineBetas: { ...BETAS, minLength: 0 },
  onlineRounds: { kind: "integer", min: 1, max: 1000 },
  onlinePairsPerRound: { kind: "integer", min: 1, max: 1_000_000 },
  onlineEpochs: { kind: "integer", min: 1, max: 100 },
  agreementPairs: { kind: "integer", min: 1, max: 1_000_000 },
  thresholds: {
    kind: "object",
    rules: {
      kl: KL,
      klLow: KL,
      klHigh: KL,
      sycophancy: RATE,
      exaggeration: RATE,
      hallucination: RATE,
      inflationGap: { kind: "number", min: -10, max: 10 },
      verifyDose: RATE,
    },
  },
};

const NAME = "claim 1 budget";

function checkDistinct(field: string, xs: readonly unknown[]): void {
  if (new Set(xs).size !== xs.length) throw new ConfigError(field, xs, "a list without repeats");
}

/**
 * Checks a whole budget (e.g. one built by hand and passed to `run`): every field present
 * and within its rule, lists without repeats, klLow < klHigh. Throws a ConfigError naming
 * the field; returns the budget unchanged.
 */
export function checkRatersNotOutcomesBudget(b: unknown): RatersNotOutcomesBudget {
  if (typeof b !== "object" || b === null || Array.isArray(b)) throw new ConfigError(NAME, b, "an object of budget fields");
  const fields = b as Record<string, unknown>;
  for (const [key, rule] of Object.entries(RNO_BUDGET_RULES)) {
    if (fields[key] === undefined) throw new ConfigError(`${NAME}.${key}`, undefined, "a required field");
    if (rule.kind === "object" && typeof fields[key] === "object" && fields[key] !== null) {
      const inner = fields[key] as Record<string, unknown>;
      for (const k of Object.keys(rule.rules)) if (inner[k] === undefined) throw new ConfigError(`${NAME}.${key}.${k}`, undefined, "a required field");
    }
  }
  const checked = resolveBudget(NAME, b as RatersNotOutcomesBudget, RNO_BUDGET_RULES);
  checkDistinct(`${NAME}.seeds`, checked.seeds);
  checkDistinct(`${NAME}.ablations`, checked.ablations);
  checkDistinct(`${NAME}.verifyValues`, checked.verifyValues);
  const t = checked.thresholds;
  if (!(t.klLow < t.klHigh)) throw new ConfigError(`${NAME}.thresholds.klLow`, t.klLow, `less than thresholds.klHigh (${t.klHigh})`);
  return b as RatersNotOutcomesBudget;
}

/** The budget of `mode` with `overrides` laid over it (thresholds merged field by field), checked before any work. */
export function ratersNotOutcomesBudget(mode: Mode, overrides?: unknown): RatersNotOutcomesBudget {
  if (mode !== "quick" && mode !== "full") throw new ConfigError("mode", mode, 'one of "quick", "full"');
  return checkRatersNotOutcomesBudget(resolveBudget(NAME, RNO_BUDGETS[mode], RNO_BUDGET_RULES, overrides));
}

/** The seeds a run is given, checked like a budget's seeds (1–100 distinct integers ≥ 1). */
export function checkSeeds(seeds: unknown): number[] {
  checkField("seeds", seeds, SEEDS_RULE);
  checkDistinct("seeds", seeds as number[]);
  return seeds as number[];
}
