/**
 * Claim 1's budgets (version 2), fixed before the run: what is computed exactly (the
 * incentive level: label limits on the human corpus, the v grid, the KL grid), what is
 * trained (documents, pairs, βs, which seeds train the side conditions and report their
 * shortfall), the thresholds each part must clear and the KL budgets they are read at.
 * Quick mode is the test suite's smoke test; full mode is the experiment. Every budget is
 * checked field by field (finite bounds, unknown keys rejected) before any work.
 */
import { ConfigError } from "../../errors";
import { checkField, resolveBudget, SEEDS_RULE, type BudgetRules } from "../kit/budget";
import type { BaseBudget } from "../kit/contract";
import type { Mode } from "../../mode";
import type { WorldMetrics } from "../../world";

/**
 * The biases the claim ablates, and the behaviour each one feeds (the behaviour that
 * should stop growing when the bias is off). Version 2 pairs evidence credulity with
 * fabrication (evidence on an answer the model's own guess disagrees with), not with the
 * hallucination rate, which also counts honest errors.
 */
export const MATCHING_BEHAVIOUR = {
  sycophancy: "sycophancyRate",
  confidence: "exaggerationRate",
  evidenceCredulity: "fabricationRate",
} as const satisfies Record<string, keyof WorldMetrics>;

/** A bias the claim can switch off (one with a matching behaviour). */
export type AblatedBias = keyof typeof MATCHING_BEHAVIOUR;

/** Thresholds and KL read points of claim 1 (version 2), fixed before running; the same at both levels. */
export interface RnoThresholds {
  /** The matched KL (nats) at which every effect is read. */
  kl: number;
  /** Low and high KL of the "grows with optimisation pressure" part. */
  klLow: number;
  klHigh: number;
  /**
   * Margins per behaviour: the rater raises it over the base by more than this ("rater
   * raises" parts, direction above), and the oracle raises it by less than this ("oracle
   * does not raise" parts, direction below).
   */
  sycophancy: number;
  exaggeration: number;
  fabrication: number;
  inflationGap: number;
  /** Ablations: an ablated rater's growth of its matching behaviour must stay below this share of the full rater's (paired by seed when trained). */
  ablationShare: number;
  /** Dose-response: the slope of fabrication against v (per unit v, over the v grid, at `kl`) must lie below this (negative). */
  verifySlope: number;
}

/** The thresholds of version 2 (full mode). */
export const RNO_THRESHOLDS: RnoThresholds = {
  kl: 0.5,
  klLow: 0.25,
  klHigh: 0.75,
  sycophancy: 0.05,
  exaggeration: 0.02,
  fabrication: 0.02,
  inflationGap: 0.05,
  ablationShare: 0.25,
  verifySlope: -0.02,
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
  /** DPO βs of the rater (every seed): their KLs bracket the read points. */
  betas: number[];
  /**
   * DPO βs of the noisy oracle (every seed). Its soft labels pull less than the rater's, so
   * it needs smaller βs to reach the matched KL.
   */
  oracleBetas: number[];
  /** DPO βs of the side conditions (ablated and fixed-v raters). */
  sideBetas: number[];
  /** The first `sideSeeds` seeds of the run also train the side conditions (time budget: see the notebook). */
  sideSeeds: number;
  /** The first `shortfallSeeds` seeds report each rater and oracle run's shortfall from its own exact limit. */
  shortfallSeeds: number;
  /** Biases switched off one at a time. */
  ablations: AblatedBias[];
  /** The v grid of the dose-response (fixed verification rates), at both levels. */
  verifyValues: number[];
  /**
   * β grid of the exact curves of the rater and the oracle (shown only: an exact tilt at a
   * given β is cheap, one at a requested KL needs a search, so only the read points are
   * solved for their KL).
   */
  curveBetas: number[];
  /** Random corpus pairs for each labeller's agreement with the oracle (a fixed seed: descriptive only). */
  agreementPairs: number;
  /** Thresholds and KL read points of the verdict. */
  thresholds: RnoThresholds;
}

/** The seeds of version 2's full run: never used before (version 1 used 1–5). */
export const RNO_SEEDS_FULL = [101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115];

/**
 * The budgets of each mode. Quick mode's tiny budget moves the policy only ≈ 0.05–0.1 nats,
 * so it reads the same effects at smaller KLs (otherwise no trained curve reaches the read
 * points); its verdict is marked "quick" in the ledger and decides nothing.
 *
 * Full mode fits about six minutes on an idle machine: 15 seeds of the rater and the oracle
 * at two βs each (chosen so their KLs bracket the read points 0.25, 0.5 and 0.75); the side conditions (three ablations, five v values,
 * one β whose KL lies above 0.5 for each of them in version 1) on the first 4 seeds; the
 * shortfall from each run's own exact limit (a label limit on that seed's base network,
 * ≈ 100 meanings per context, the most expensive step) on the first 2 seeds. (Pre-registered
 * as 6 and 3; cut to 4 and 2 before the full run when timing seeds 102 and 103 on a nearly
 * idle machine put the full run at about 6.9 minutes.)
 */
export const RNO_BUDGETS: Readonly<Record<Mode, RatersNotOutcomesBudget>> = {
  quick: {
    seeds: [101, 102],
    trainDocs: 1000,
    heldOutDocs: 100,
    pairs: 300,
    epochs: 1,
    betas: [0.25],
    oracleBetas: [0.25],
    sideBetas: [0.25],
    sideSeeds: 1,
    shortfallSeeds: 1,
    ablations: ["sycophancy"],
    verifyValues: [0, 1],
    curveBetas: [0.5, 1, 2, 4],
    agreementPairs: 2000,
    thresholds: { ...RNO_THRESHOLDS, kl: 0.02, klLow: 0.01, klHigh: 0.03 },
  },
  full: {
    seeds: RNO_SEEDS_FULL,
    trainDocs: 10000,
    heldOutDocs: 1000,
    pairs: 4000,
    epochs: 2,
    betas: [0.8, 0.4],
    // Amended before the full run: the pre-registered oracle βs were the rater's {0.8, 0.4},
    // which on seed 101 (the timing run) took the noisy oracle only to 0.25 and 0.40 nats,
    // so no oracle part could be read at 0.5; β 0.2 reached 1.0 and 1.1 nats on seeds 101
    // and 102 (KL only was looked at). See the notebook's "what changed".
    oracleBetas: [0.4, 0.2],
    sideBetas: [0.35],
    sideSeeds: 4,
    shortfallSeeds: 2,
    ablations: ["sycophancy", "confidence", "evidenceCredulity"],
    verifyValues: [0, 0.25, 0.5, 0.75, 1],
    curveBetas: [0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 0.8, 1.2, 2, 4],
    agreementPairs: 20000,
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
  oracleBetas: BETAS,
  sideBetas: BETAS,
  sideSeeds: { kind: "integer", min: 0, max: 100 },
  shortfallSeeds: { kind: "integer", min: 0, max: 100 },
  ablations: { kind: "subset", options: Object.keys(MATCHING_BEHAVIOUR) },
  verifyValues: { kind: "numbers", min: 0, max: 1, minLength: 0, maxLength: 20 },
  curveBetas: { kind: "numbers", min: 0.001, max: 1000, minLength: 0, maxLength: 30 },
  agreementPairs: { kind: "integer", min: 1, max: 1_000_000 },
  thresholds: {
    kind: "object",
    rules: {
      kl: KL,
      klLow: KL,
      klHigh: KL,
      sycophancy: RATE,
      exaggeration: RATE,
      fabrication: RATE,
      inflationGap: { kind: "number", min: -10, max: 10 },
      ablationShare: { kind: "number", min: 0, max: 1 },
      verifySlope: RATE,
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
  checkDistinct(`${NAME}.betas`, checked.betas);
  checkDistinct(`${NAME}.oracleBetas`, checked.oracleBetas);
  checkDistinct(`${NAME}.sideBetas`, checked.sideBetas);
  checkDistinct(`${NAME}.curveBetas`, checked.curveBetas);
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
