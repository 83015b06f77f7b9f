/**
 * Claim 1's transmission level: offline DPO fine-tuning of one pretrained base model per
 * seed on comparisons from different labellers (the typical rater population, the noisy
 * oracle, the population with one belief bias switched off, the population with a fixed
 * evidence-verification rate v) at a few βs, each evaluated exactly (metrics and exact KL
 * to the base). On the first seeds each rater and oracle run also reports its shortfall
 * from its own exact limit. Typed rows out.
 */
import { Rng } from "../../rng";
import type { Preference } from "../../train/dpo";
import { labelledPreference, trainDpo } from "../../train/dpo";
import { labelLimit, tiltAtKl, expectedReward, type LabelLimit } from "../../incentive";
import { ablate, cachedTable, createWorld, exactDistribution, exactMetrics, pickMetrics, type Context, type ExactDistribution, type PolicyTable, type PopulationConfig, type World, type WorldConfig, type WorldMetrics } from "../../world";
import { assertFiniteRow, contextSampler, pairLabeler, runSeedJobs, seedTask, trainBaseModel, withNoisyOracle, worldFromConfig, worldPolicyTable, type BaseModel, type ClaimRunOptions, type Judge, type OnProgress } from "../kit";
import { checkRatersNotOutcomesBudget, checkSeeds, type AblatedBias, type RatersNotOutcomesBudget } from "./budget";

/** Who labels the comparisons of one fine-tuning condition. */
export interface Labeller {
  /** Display name (also the `labeller` field of result rows). */
  name: string;
  /** "main": rater and oracle; "ablation": one bias off; "verify": fixed verification rate. */
  group: "main" | "ablation" | "verify";
  /** The noisy oracle, or a population judging in its world (the default world unless a bias is ablated). */
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
  "fabricationRate",
  "honestErrorRate",
  "evidenceRate",
  "trueUtility",
  "believedUtility",
  "inflationGap",
  "overestimation",
  "underestimation",
  "accuracy",
] as const satisfies readonly (keyof WorldMetrics)[];

/** A metric kept in the rows. */
export type RnoMetricName = (typeof RNO_METRICS)[number];

/** Exact KL to the reference and the kept metrics of one policy. */
export type RnoMetrics = { kl: number } & Pick<WorldMetrics, RnoMetricName>;

/** The base model of a seed (the KL-0 point of every trained curve). */
export type RnoBaseRow = { method: "base"; labeller: "base"; group: "base"; beta: null; pairs: 0; heldOutLoss: number } & RnoMetrics;
/**
 * One offline DPO run (a labeller at one β). `proxy`, `limitProxy`, `shortfall`: the run's
 * expected score under its labeller's exact limit on this seed's base model, the score of
 * that limit's optimum at the run's KL, and their difference (null on seeds that do not
 * report it).
 */
export type RnoOfflineRow = {
  method: "offline";
  labeller: string;
  group: Labeller["group"];
  beta: number;
  pairs: number;
  trainLoss: number | null;
  proxy: number | null;
  limitProxy: number | null;
  shortfall: number | null;
} & RnoMetrics;
/** What one seed produces. */
export type RnoSeedRow = RnoBaseRow | RnoOfflineRow;
/** Any trained row: a seed's row with its condition ("claim 1") and seed. */
export type RnoRow = RnoSeedRow & { condition: string; seed: number };

/**
 * Options of every exact label limit of the claim: Newton stops at a relative gradient of
 * 1e-6 (scores far more precise than any effect read; the default 1e-10 costs tens of
 * Newton steps more per context on a network's ≈ 100 meanings).
 */
export const RNO_LIMIT_OPTIONS = { tolerance: 1e-6 } as const;
/** Options of every exact tilt of the claim (bracket of β and relative KL tolerance). */
export const RNO_TILT_OPTIONS = { betaRange: [1e-3, 1e3] as [number, number], tolerance: 1e-5 };

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

/**
 * The world a labeller judges in: the default world with its bias switched off, if any;
 * for the oracle, the world with version 2's noisy oracle (Boltzmann on true utility at
 * the population's mean rationality). Metrics are always computed in the default world.
 */
export function labellerWorld(world: World, l: Labeller): World {
  if (l.judge.kind === "oracle") return withNoisyOracle(world);
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

/** The kept metrics of exact world metrics. */
export function rnoMetricsOf(m: WorldMetrics): RnoMetrics {
  return { kl: m.kl, ...pickMetrics(m, RNO_METRICS) };
}

/** A labeller's exact limit on a reference (its own labelling world; the claim's fit options). */
export function rnoLimit(world: World, l: Labeller, reference: PolicyTable): LabelLimit {
  return labelLimit(labellerWorld(world, l), l.judge, reference, RNO_LIMIT_OPTIONS);
}

/**
 * A trained policy's shortfall in proxy reward from its own exact limit at its KL: the
 * limit's optimum at the policy's KL (the claim's tilt options) scores `limitProxy`, the
 * policy `proxy`. Null fields when the limit cannot pull as far as the policy went.
 */
export function rnoShortfall(world: World, limit: LabelLimit, reference: PolicyTable, dist: ExactDistribution): { proxy: number; limitProxy: number | null; shortfall: number | null } {
  const proxy = expectedReward(world, dist, limit.reward);
  if (!(dist.kl > 1e-12)) return { proxy, limitProxy: proxy, shortfall: 0 };
  const t = tiltAtKl(world, reference, limit.reward, dist.kl, RNO_TILT_OPTIONS);
  if (!t) return { proxy, limitProxy: null, shortfall: null };
  const limitProxy = expectedReward(world, t.dist, limit.reward);
  return { proxy, limitProxy, shortfall: limitProxy - proxy };
}

/**
 * Everything for one seed: pretrain the base model, draw one pool of base-model pairs, and
 * fine-tune a fresh copy of the base for every (labeller, β): the rater at `betas` and the
 * oracle at `oracleBetas` on every seed, the side conditions at `sideBetas` when `side` is true. With
 * `shortfall` true, each rater and oracle run reports its shortfall from its labeller's
 * exact limit on this seed's base model. The budget is checked before any work.
 */
export async function runRatersNotOutcomesSeed(
  world: World,
  budget: RatersNotOutcomesBudget,
  rng: Rng,
  o: { side: boolean; shortfall: boolean },
  onStep?: (label: string) => void,
): Promise<RnoSeedRow[]> {
  const b = checkRatersNotOutcomesBudget(budget);
  const rows: RnoSeedRow[] = [];
  const base: BaseModel = trainBaseModel(world, { trainDocs: b.trainDocs, heldOutDocs: b.heldOutDocs }, rng.fork("base"));
  try {
    rows.push({ method: "base", labeller: "base", group: "base", beta: null, pairs: 0, heldOutLoss: base.heldOutLoss, ...rnoMetricsOf(base.metrics) });
    const labellers = ratersNotOutcomesLabellers(world, b).filter((l) => l.group === "main" || o.side);
    // One pool of candidate pairs from the base model, shared by every labeller (paired data).
    const poolSize = Math.ceil(b.pairs * 2.5);
    const contexts = contextSampler(world)(rng.fork("pool/contexts"), poolSize);
    const pool = { contexts, a: base.reference.sample(rng.fork("pool/a"), contexts), b: base.reference.sample(rng.fork("pool/b"), contexts) };
    const baseTable = cachedTable(world, base.table);
    for (const l of labellers) {
      const data = labelPairs(world, l, pool, b.pairs, rng.fork(`labels/${l.name}`));
      const limit = o.shortfall && l.group === "main" ? rnoLimit(world, l, baseTable) : null;
      const betas = betasOf(l, b);
      for (const beta of betas) {
        const policy = base.policy.trainableCopy();
        try {
          const log = trainDpo(policy, base.reference, data, { beta, epochs: b.epochs }, rng.fork(`dpo/${l.name}/${beta}`));
          const trainLoss = log[log.length - 1]?.["loss"] ?? null;
          const dist = exactDistribution(world, cachedTable(world, worldPolicyTable(policy, world)), baseTable);
          const sf = limit ? rnoShortfall(world, limit, baseTable, dist) : { proxy: null, limitProxy: null, shortfall: null };
          rows.push({ method: "offline", labeller: l.name, group: l.group, beta, pairs: data.length, trainLoss, ...sf, ...rnoMetricsOf(exactMetrics(world, dist)) });
        } finally {
          policy.dispose();
        }
        onStep?.(`${l.name}, β = ${beta}`);
      }
    }
  } finally {
    base.dispose();
  }
  return rows;
}

/** The DPO βs a labeller trains at: `betas` (rater), `oracleBetas` (oracle), `sideBetas` (side conditions). */
export function betasOf(l: Labeller, b: Pick<RatersNotOutcomesBudget, "betas" | "oracleBetas" | "sideBetas">): number[] {
  return l.group !== "main" ? b.sideBetas : l.judge.kind === "oracle" ? b.oracleBetas : b.betas;
}

/** Trained runs of one seed, for progress counts. */
export function runsPerSeed(world: World, b: RatersNotOutcomesBudget, side: boolean): number {
  return ratersNotOutcomesLabellers(world, b).reduce((n, l) => n + (l.group === "main" || side ? betasOf(l, b).length : 0), 0);
}

/** What one seed's job carries (plain data): the world's config, the budget, the seed and which side runs it makes. */
export interface RnoSeedPayload {
  world: WorldConfig;
  budget: RatersNotOutcomesBudget;
  seed: number;
  side: boolean;
  shortfall: boolean;
}

/** One seed of the trained level as a job a worker thread can run (root `Rng.fromSeed(seed)`). */
export const ratersNotOutcomesSeedTask = seedTask("ratersNotOutcomes.ratersNotOutcomesSeedTask", (p: RnoSeedPayload, onStep?: (label: string) => void) =>
  runRatersNotOutcomesSeed(worldFromConfig(p.world), p.budget, Rng.fromSeed(p.seed), { side: p.side, shortfall: p.shortfall }, onStep),
);

/**
 * Runs every seed (paired: each seed's root `Rng` is `Rng.fromSeed(seed)`), one job per
 * seed on `options.runner` (default: one after another in this thread). The side
 * conditions run on the first `sideSeeds` seeds, the shortfall on the first
 * `shortfallSeeds`. The budget and the seeds are checked before any work; a non-finite
 * number in any row fails the run, naming the seed (assertFiniteRow).
 */
export async function runRatersNotOutcomesTrained(world: World, budget: RatersNotOutcomesBudget, seeds: readonly number[], onProgress?: OnProgress, options: ClaimRunOptions = {}): Promise<RnoRow[]> {
  const b = checkRatersNotOutcomesBudget(budget);
  checkSeeds(seeds);
  const condition = "claim 1";
  const jobs = seeds.map((seed, i) => ({
    seed,
    condition,
    steps: runsPerSeed(world, b, i < b.sideSeeds),
    payload: { world: world.config, budget: b, seed, side: i < b.sideSeeds, shortfall: i < b.shortfallSeeds },
  }));
  const perSeed = await runSeedJobs(options.runner, ratersNotOutcomesSeedTask, jobs, onProgress, options.onStarted);
  const rows: RnoRow[] = [];
  perSeed.forEach((seedRows, i) => {
    const seed = seeds[i]!;
    for (const r of seedRows) {
      assertFiniteRow(r, seed, condition);
      rows.push({ condition, seed, ...r });
    }
  });
  return rows;
}
