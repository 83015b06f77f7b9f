/**
 * The unit of a sweep: one DPO fine-tuning run on the world, as claim 1's transmission level
 * trains it (src/claims/raters-not-outcomes/run.ts, the same functions): pretrain a base
 * model on the world's human corpus, draw one pool of base-model pairs, have one labeller
 * (the rater population, with one bias ablated or not, or the noisy oracle) label them, fine-tune
 * a copy of the base with DPO and evaluate it exactly. A researcher sweeps these: world and
 * rater fields (d, h, v, ρ, φ, …), the labeller, the trainer's β and optimiser, the budget
 * (documents, pairs, network widths), each over seeds.
 *
 * One run → one row: its true and believed utility, every behaviour rate and the exact KL
 * to its base (all of `METRIC_NAMES`), the base model's same metrics (`base_…`), and, with
 * `computeProxy: true`, the labeller's proxy score (expected score under its exact label limit)
 * with the shortfall from that limit's optimum at the run's KL.
 */
import { ConfigError } from "../../errors";
import { Rng } from "../../rng";
import { dpoConfig, trainDpo, type DpoConfig } from "../../train/dpo";
import {
  cachedTable,
  createWorld,
  exactDistribution,
  exactMetrics,
  makeWorldConfig,
  METRIC_NAMES,
  type DeepPartial,
  type MetricName,
  type World,
  type WorldConfig,
} from "../../world";
import { assertFiniteRow, contextSampler, resolveBudget, trainBaseModel, worldPolicyTable, type BudgetRules } from "../kit";
import { labelPairs, rnoLimit, rnoShortfall, type Labeller } from "../raters-not-outcomes/run";
import { MATCHING_BEHAVIOUR, type AblatedBias } from "../raters-not-outcomes/budget";

/** The labellers a run can use. */
export const SWEEP_LABELLERS = ["rater", "oracle"] as const;
/** The biases a rater labeller can have switched off ("none": the full rater). */
export const SWEEP_ABLATIONS = ["none", ...Object.keys(MATCHING_BEHAVIOUR)] as readonly ("none" | AblatedBias)[];

/** Data and network sizes of one run. */
export interface DpoRunBudget {
  /** Base-model pretraining documents (train, held out). */
  trainDocs: number;
  heldOutDocs: number;
  /** Labelled preference pairs of the DPO run (the pool holds 2.5× as many candidates). */
  pairs: number;
  /** Hidden widths of the policy network. */
  hidden: number[];
}

/** Everything that defines one run besides its seed. Every field has a default. */
export interface DpoRunConfig {
  /** Overrides of the default world and its raters (any field of `WorldConfig`, nested). */
  world: DeepPartial<WorldConfig>;
  /** Who labels the pairs: the world's rater population or the noisy oracle. */
  labeller: (typeof SWEEP_LABELLERS)[number];
  /** A rater bias switched off while labelling (metrics stay in the default world); "none" for the oracle. */
  ablate: "none" | AblatedBias;
  /** DPO config overrides (β, loss, optimiser, learning rate, batch, epochs, …). */
  trainer: Partial<DpoConfig>;
  /** Data and network sizes. */
  budget: DpoRunBudget;
  /** Also compute the proxy score under the labeller's exact limit (costs one label limit per run). */
  computeProxy: boolean;
}

/** Defaults: claim 1's quick-mode sizes, the rater, β = 0.25, one epoch. */
export const DEFAULT_DPO_RUN: DpoRunConfig = {
  world: {},
  labeller: "rater",
  ablate: "none",
  trainer: { beta: 0.25, epochs: 1 },
  budget: { trainDocs: 1000, heldOutDocs: 100, pairs: 300, hidden: [64, 64] },
  computeProxy: false,
};

/** Rules of the budget fields (finite bounds: every run ends). */
export const DPO_RUN_BUDGET_RULES: BudgetRules = {
  trainDocs: { kind: "integer", min: 1, max: 1_000_000 },
  heldOutDocs: { kind: "integer", min: 1, max: 1_000_000 },
  pairs: { kind: "integer", min: 1, max: 1_000_000 },
  hidden: { kind: "integers", min: 1, max: 4096, minLength: 0, maxLength: 8 },
};

const TOP_FIELDS = Object.keys(DEFAULT_DPO_RUN) as (keyof DpoRunConfig)[];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Re-raises a ConfigError of a nested config with its field path prefixed. */
function prefixed<T>(prefix: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${prefix}${e.field}`, e.value, e.allowed);
    throw e;
  }
}

/**
 * `overrides` laid over {@link DEFAULT_DPO_RUN} (world, trainer and budget merged field by
 * field) and checked before any work; a ConfigError names the field (e.g. `trainer.beta`,
 * `world.population.verify.lo`), the value and the allowed range. Unknown keys are rejected.
 */
export function resolveDpoRun(overrides: unknown = {}): DpoRunConfig {
  if (!isObject(overrides)) throw new ConfigError("run", overrides, "an object with fields " + TOP_FIELDS.join(", "));
  for (const k of Object.keys(overrides)) {
    if (!(TOP_FIELDS as string[]).includes(k)) throw new ConfigError(k, overrides[k], `a known field (one of ${TOP_FIELDS.join(", ")})`);
  }
  const o = overrides as Partial<DpoRunConfig>;
  for (const k of ["world", "trainer", "budget"] as const) {
    if (o[k] !== undefined && !isObject(o[k])) throw new ConfigError(k, o[k], "an object of fields");
  }
  const world = (o.world ?? {}) as DeepPartial<WorldConfig>;
  prefixed("world.", () => makeWorldConfig(world));
  const labeller = o.labeller ?? DEFAULT_DPO_RUN.labeller;
  if (!(SWEEP_LABELLERS as readonly unknown[]).includes(labeller))
    throw new ConfigError("labeller", labeller, `one of ${SWEEP_LABELLERS.map((s) => JSON.stringify(s)).join(", ")}`);
  const ablate = o.ablate ?? DEFAULT_DPO_RUN.ablate;
  if (!SWEEP_ABLATIONS.includes(ablate)) throw new ConfigError("ablate", ablate, `one of ${SWEEP_ABLATIONS.map((s) => JSON.stringify(s)).join(", ")}`);
  if (labeller === "oracle" && ablate !== "none") throw new ConfigError("ablate", ablate, `"none" when the labeller is the oracle`);
  const trainer = { ...DEFAULT_DPO_RUN.trainer, ...(o.trainer ?? {}) };
  prefixed("trainer.", () => dpoConfig(trainer));
  const budget = resolveBudget<DpoRunBudget>("budget", DEFAULT_DPO_RUN.budget, DPO_RUN_BUDGET_RULES, o.budget ?? {});
  const computeProxy = o.computeProxy ?? DEFAULT_DPO_RUN.computeProxy;
  if (typeof computeProxy !== "boolean") throw new ConfigError("computeProxy", computeProxy, "true or false");
  return { world, labeller, ablate, trainer, budget, computeProxy };
}

/** One run's results: the trained policy's metrics, the base's (`base_…`), and data counts. */
export type DpoRunMetrics = Record<MetricName | `base_${MetricName}`, number> & {
  /** Held-out next-token loss of the base model's pretraining. */
  heldOutLoss: number;
  /** Pairs the labeller decided (≤ budget.pairs; dropped: "equal" or skipped judgements). */
  pairsUsed: number;
  /** Last DPO loss. */
  trainLoss: number | null;
  /** Expected score under the labeller's exact limit (null unless `computeProxy`). */
  proxy: number | null;
  /** Score of that limit's optimum at the run's KL, and its excess over the run's (null unless `computeProxy`). */
  limitProxy: number | null;
  shortfall: number | null;
};

/** Names of every metric of a run row, in column order. */
export const DPO_RUN_METRICS: readonly (keyof DpoRunMetrics)[] = [
  ...METRIC_NAMES,
  "proxy",
  "limitProxy",
  "shortfall",
  "heldOutLoss",
  "pairsUsed",
  "trainLoss",
  ...METRIC_NAMES.filter((m) => m !== "kl").map((m) => `base_${m}` as const),
];

function labellerOf(world: World, c: DpoRunConfig): Labeller {
  if (c.labeller === "oracle") return { name: "oracle", group: "main", judge: { kind: "oracle" } };
  const judge = { kind: "population" as const, population: world.config.population };
  return c.ablate === "none" ? { name: "rater", group: "main", judge } : { name: `rater, no ${c.ablate}`, group: "ablation", judge, ablated: c.ablate };
}

/**
 * Runs one DPO fine-tuning run with `seed` (streams forked from `Rng.fromSeed(seed)` as in
 * claim 1: "base", "pool/…", "labels/<labeller>", "dpo/<labeller>/<β>"). The config is
 * checked first. Deterministic: same config and seed, same numbers.
 */
export async function runDpo(config: unknown, seed: number): Promise<DpoRunMetrics> {
  const c = resolveDpoRun(config);
  if (!Number.isInteger(seed) || seed < 1 || seed > 1_000_000_000) throw new ConfigError("seed", seed, "an integer in [1, 1000000000]");
  const world = createWorld(makeWorldConfig(c.world));
  const rng = Rng.fromSeed(seed);
  const l = labellerOf(world, c);
  const base = trainBaseModel(world, { trainDocs: c.budget.trainDocs, heldOutDocs: c.budget.heldOutDocs, hidden: c.budget.hidden }, rng.fork("base"));
  try {
    const poolSize = Math.ceil(c.budget.pairs * 2.5);
    const contexts = contextSampler(world)(rng.fork("pool/contexts"), poolSize);
    const pool = { contexts, a: base.reference.sample(rng.fork("pool/a"), contexts), b: base.reference.sample(rng.fork("pool/b"), contexts) };
    const baseTable = cachedTable(world, base.table);
    const data = labelPairs(world, l, pool, c.budget.pairs, rng.fork(`labels/${l.name}`));
    const beta = dpoConfig(c.trainer).beta;
    const policy = base.policy.trainableCopy();
    try {
      const log = data.length > 0 ? trainDpo(policy, base.reference, data, c.trainer, rng.fork(`dpo/${l.name}/${beta}`)) : [];
      const trainLoss = log[log.length - 1]?.["loss"] ?? null;
      const dist = exactDistribution(world, cachedTable(world, worldPolicyTable(policy, world)), baseTable);
      const sf = c.computeProxy ? rnoShortfall(world, rnoLimit(world, l, baseTable), baseTable, dist) : { proxy: null, limitProxy: null, shortfall: null };
      const m = exactMetrics(world, dist);
      const out: Record<string, number | null> = {};
      for (const k of METRIC_NAMES) out[k] = m[k];
      Object.assign(out, sf, { heldOutLoss: base.heldOutLoss, pairsUsed: data.length, trainLoss });
      for (const k of METRIC_NAMES) if (k !== "kl") out[`base_${k}`] = base.metrics[k];
      const row = Object.fromEntries(DPO_RUN_METRICS.map((k) => [k, out[k] ?? null]));
      assertFiniteRow(row, seed, l.name);
      return row as DpoRunMetrics;
    } finally {
      policy.dispose();
    }
  } finally {
    base.dispose();
  }
}
