/**
 * Running claim 1: DPO fine-tuning of one pretrained base model per seed on comparisons
 * from different labellers (the typical rater population, the oracle, the population with
 * one belief bias switched off, the population with a fixed evidence-verification rate v)
 * over a β sweep, each evaluated exactly (metrics and exact KL to the base). Typed rows out.
 */
import { Rng } from "../../rng";
import type { Preference } from "../../train/dpo";
import { labelledPreference, trainDpo, trainOnlineDpo } from "../../train/dpo";
import { ablate, createWorld, pickMetrics, raterOracleAgreement, type Context, type PopulationConfig, type World, type WorldMetrics } from "../../world";
import { contextSampler, evaluatePolicy, pairLabeler, runConditions, trainBaseModel, type BaseModel, type Judge, type OnProgress } from "../kit";
import { checkRatersNotOutcomesBudget, checkSeeds, type AblatedBias, type RatersNotOutcomesBudget } from "./budget";

/** Who labels the comparisons of one fine-tuning condition. */
export interface Labeller {
  /** Display name (also the `labeller` field of result rows). */
  name: string;
  /** "main": rater vs oracle; "ablation": one bias off; "verify": fixed verification rate. */
  group: "main" | "ablation" | "verify";
  /** The oracle, or a population judging in `world` (the default world unless a bias is ablated). */
  judge: Judge;
  /** The bias switched off (ablation labellers only). */
  ablated?: AblatedBias;
  /** The fixed verification rate (verify labellers only). */
  verify?: number;
}

/** Metrics kept in result rows and curves. */
export const RNO_METRICS = [
  "sycophancyRate",
  "sycophancyRatePriorWrong",
  "sycophancyRatePriorRight",
  "exaggerationRate",
  "hallucinationRate",
  "trueUtility",
  "believedUtility",
  "inflationGap",
  "overestimation",
  "underestimation",
  "accuracy",
  "evidenceRate",
] as const satisfies readonly (keyof WorldMetrics)[];

/** A metric kept in the rows. */
export type RnoMetricName = (typeof RNO_METRICS)[number];

/** Exact KL to the base and the kept metrics of one policy. */
export type RnoMetrics = { kl: number } & Pick<WorldMetrics, RnoMetricName>;

/** The base model of a seed (the KL-0 point of every curve). */
export type RnoBaseRow = { method: "base"; labeller: "base"; group: "base"; beta: null; pairs: 0; heldOutLoss: number } & RnoMetrics;
/** A labeller's agreement with the oracle on random base-model pairs. */
export type RnoAgreementRow = { method: "agreement"; labeller: string; group: Labeller["group"]; agreement: number; agreementSe: number };
/** One offline DPO run (a labeller at one β). */
export type RnoOfflineRow = { method: "offline"; labeller: string; group: Labeller["group"]; beta: number; pairs: number; trainLoss: number | null } & RnoMetrics;
/** One online DPO run (rater or oracle at one β). */
export type RnoOnlineRow = { method: "online"; labeller: string; group: Labeller["group"]; beta: number; pairs: number } & RnoMetrics;
/** What one seed produces. */
export type RnoSeedRow = RnoBaseRow | RnoAgreementRow | RnoOfflineRow | RnoOnlineRow;
/** Any row of a run: a seed's row with its condition ("claim 1") and seed. */
export type RnoRow = RnoSeedRow & { condition: string; seed: number };
/** A row that lies on a metric-versus-KL curve. */
export type RnoCurveRow = Exclude<RnoSeedRow, RnoAgreementRow> & { condition: string; seed: number };

/** What `run` returns: every row of every seed. */
export type RatersNotOutcomesResults = RnoRow[];

/** The labellers of a run: rater, oracle, ablations, fixed-v populations. */
export function ratersNotOutcomesLabellers(world: World, b: Pick<RatersNotOutcomesBudget, "ablations" | "verifyValues">): Labeller[] {
  const pop = world.config.population;
  const out: Labeller[] = [
    { name: "rater", group: "main", judge: { kind: "population", population: pop } },
    { name: "oracle", group: "main", judge: { kind: "oracle" } },
  ];
  for (const a of b.ablations) out.push({ name: `rater, no ${a}`, group: "ablation", judge: { kind: "population", population: pop }, ablated: a });
  for (const v of b.verifyValues) {
    const p: PopulationConfig = { ...pop, verify: { lo: v, hi: v } };
    out.push({ name: `rater, v = ${v}`, group: "verify", judge: { kind: "population", population: p }, verify: v });
  }
  return out;
}

/** The world a labeller judges in (the default world with its bias switched off, if any). */
export function labellerWorld(world: World, l: Labeller): World {
  return l.ablated ? createWorld(ablate(world.config, l.ablated)) : world;
}

/**
 * Labels a shared pool of candidate pairs in order and keeps the first `n` decided ones, so
 * every labeller trains on the same number of pairs drawn from the same candidates.
 */
export function labelPairs(world: World, l: Labeller, pool: { contexts: Context[]; a: number[][]; b: number[][] }, n: number, rng: Rng): Preference<Context>[] {
  const label = pairLabeler(labellerWorld(world, l), l.judge);
  const data: Preference<Context>[] = [];
  for (let i = 0; i < pool.contexts.length && data.length < n; i++) {
    const pref = labelledPreference(label, pool.contexts[i]!, pool.a[i]!, pool.b[i]!, rng);
    if (pref !== null) data.push(pref);
  }
  return data;
}

function metricsOf(m: WorldMetrics): RnoMetrics {
  return { kl: m.kl, ...pickMetrics(m, RNO_METRICS) };
}

/**
 * Everything for one seed: pretrain the base model, draw one pool of base-model pairs, and
 * fine-tune a fresh copy of the base for every (labeller, β) offline and for rater/oracle
 * online, plus each labeller's agreement with the oracle on random base pairs. The budget
 * is checked before any work.
 */
export async function runRatersNotOutcomesSeed(world: World, budget: RatersNotOutcomesBudget, rng: Rng, onStep?: (label: string) => void): Promise<RnoSeedRow[]> {
  const b = checkRatersNotOutcomesBudget(budget);
  const rows: RnoSeedRow[] = [];
  const base: BaseModel = trainBaseModel(world, { trainDocs: b.trainDocs, heldOutDocs: b.heldOutDocs }, rng.fork("base"));
  try {
    rows.push({ method: "base", labeller: "base", group: "base", beta: null, pairs: 0, heldOutLoss: base.heldOutLoss, ...metricsOf(base.metrics) });
    const labellers = ratersNotOutcomesLabellers(world, b);
    // One pool of candidate pairs from the base model, shared by every labeller (paired data).
    const poolSize = Math.ceil(b.pairs * 2.5);
    const contexts = contextSampler(world)(rng.fork("pool/contexts"), poolSize);
    const pool = { contexts, a: base.reference.sample(rng.fork("pool/a"), contexts), b: base.reference.sample(rng.fork("pool/b"), contexts) };
    for (const l of labellers) {
      if (l.judge.kind === "oracle") rows.push({ method: "agreement", labeller: l.name, group: l.group, agreement: 1, agreementSe: 0 });
      else {
        const ag = raterOracleAgreement(labellerWorld(world, l), l.judge.population, b.agreementPairs, rng.fork(`agreement/${l.name}`), base.table, l.name);
        rows.push({ method: "agreement", labeller: l.name, group: l.group, agreement: ag.agreement, agreementSe: ag.se });
      }
      const data = labelPairs(world, l, pool, b.pairs, rng.fork(`labels/${l.name}`));
      const betas = l.group === "main" ? b.betas : b.sideBetas;
      for (const beta of betas) {
        const policy = base.policy.trainableCopy();
        try {
          const log = trainDpo(policy, base.reference, data, { beta, epochs: b.epochs }, rng.fork(`dpo/${l.name}/${beta}`));
          const trainLoss = log[log.length - 1]?.["loss"] ?? null;
          rows.push({ method: "offline", labeller: l.name, group: l.group, beta, pairs: data.length, trainLoss, ...metricsOf(evaluatePolicy(world, policy, base.table)) });
        } finally {
          policy.dispose();
        }
        onStep?.(`${l.name}, β = ${beta}`);
      }
      if (l.group === "main") {
        for (const beta of b.onlineBetas) {
          const policy = base.policy.trainableCopy();
          try {
            const label = pairLabeler(world, l.judge);
            const cfg = { beta, rounds: b.onlineRounds, pairsPerRound: b.onlinePairsPerRound, epochs: b.onlineEpochs };
            const log = trainOnlineDpo(policy, base.reference, contextSampler(world), label, cfg, rng.fork(`online/${l.name}/${beta}`));
            rows.push({ method: "online", labeller: l.name, group: l.group, beta, pairs: sumPerRound(log), ...metricsOf(evaluatePolicy(world, policy, base.table)) });
          } finally {
            policy.dispose();
          }
          onStep?.(`${l.name}, online β = ${beta}`);
        }
      }
    }
  } finally {
    base.dispose();
  }
  return rows;
}

/** Labelled pairs over all rounds of an online log (each round's count once). */
function sumPerRound(log: readonly Record<string, number>[]): number {
  const per = new Map<number, number>();
  for (const r of log) if (r["round"] !== undefined) per.set(r["round"], r["pairs/labelled"] ?? 0);
  let s = 0;
  for (const v of per.values()) s += v;
  return s;
}

/**
 * Runs every seed (paired: each seed's root `Rng` is `Rng.fromSeed(seed)`). The budget and
 * the seeds are checked before any work; a non-finite number in any row fails the run,
 * naming the seed (runConditions).
 */
export async function runRatersNotOutcomes(world: World, budget: RatersNotOutcomesBudget, seeds: readonly number[], onProgress?: OnProgress): Promise<RatersNotOutcomesResults> {
  const b = checkRatersNotOutcomesBudget(budget);
  checkSeeds(seeds);
  const perSeed = ratersNotOutcomesLabellers(world, b).reduce((n, l) => n + (l.group === "main" ? b.betas.length + b.onlineBetas.length : b.sideBetas.length), 0);
  const total = perSeed * seeds.length;
  let done = 0;
  const rows = await runConditions([{ name: "claim 1" }], seeds, (_c, rng) => runRatersNotOutcomesSeed(world, b, rng, (label) => onProgress?.(++done, total, label)));
  // runConditions adds exactly `condition` and `seed` to each seed's rows.
  return rows as RnoRow[];
}
