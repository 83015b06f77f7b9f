/** One seed of the claim-2 experiment and the run over seeds: typed rows, base model, labelled pairs, RMs, best-of-n, PPO on the RM, DPO on the labels. */
import { Rng } from "../../rng";
import { RewardModel, type Comparison } from "../../train/reward-model";
import { bestOfNKlBound } from "../../train/best-of-n";
import { trainPpo } from "../../train/ppo";
import { trainDpo, type Preference } from "../../train/dpo";
import { assertFiniteRow, type OnProgress } from "../kit/seeds";
import { contextSampler, exactPolicyDistribution, pairLabeler, trainBaseModel, type JudgedPair } from "../kit/world-runs";
import { rewardFeatures } from "../kit/world-adapter";
import { checkField, SEEDS_RULE } from "../kit/budget";
import { exactDistribution, exactMetrics, judgeOracle, pickMetrics, type Context, type ExactDistribution, type PopulationConfig, type World, type WorldMetrics } from "../../world";
import { resolveOvershootConfig, type OvershootConfig, type OvershootOverrides } from "./config";
import { bestOfNDistribution, expectedScore, rmRaterDisagreement, scoreTable, utilityTables, type ScoreTable } from "./tables";

/** Method labels of the RL rows. */
export const PPO = "PPO on RM";
export const DPO = "DPO on rater labels";
/** The method of an RL row. */
export type Method = typeof PPO | typeof DPO;

/** The world metrics every evaluated row reports, in column order. */
export const METRICS = [
  "trueUtility",
  "believedUtility",
  "inflationGap",
  "overestimation",
  "underestimation",
  "sycophancyRate",
  "exaggerationRate",
  "hallucinationRate",
  "accuracy",
] as const satisfies readonly (keyof WorldMetrics)[];

/** One exactly evaluated policy: KL, d = √KL, proxy gain, world metrics, RM-vs-rater disagreement, true-utility gain. */
export type EvalRow = {
  /** KL to the base model (over meanings for best-of-n, over sequences for PPO and DPO). */
  kl: number;
  /** d = √KL. */
  d: number;
  /** RM score gained over the base model. */
  proxy: number;
} & Pick<WorldMetrics, (typeof METRICS)[number]> & {
  rmRaterDisagreement: number;
  /** True utility minus the base model's (for the Gao fits). */
  trueGain: number;
};

/** A best-of-n point: RM data size, n, the analytic KL bound and its √. */
export type BonRow = { rmPairs: number; n: number; klBound: number; dBound: number } & EvalRow;
/** A PPO checkpoint or DPO run (β null and iteration 0: the base model; DPO's iteration is null). */
export type RlRow = { method: Method; beta: number | null; iteration: number | null; final: boolean } & EvalRow;
/** A reward model: held-out agreement with the rater and the oracle, disagreement on base-model outputs. */
export type RmRow = { rmPairs: number; "accuracy/rater": number; "accuracy/oracle": number; "disagreement/base": number };
/** A row tagged with its seed. */
export type Seeded<R> = { seed: number } & R;

function evalRow(world: World, dist: ExactDistribution, rm: ScoreTable, believed: number[][], baseProxy: number, baseTrue: number): EvalRow {
  const m = exactMetrics(world, dist);
  return {
    kl: dist.kl,
    d: Math.sqrt(Math.max(0, dist.kl)),
    proxy: expectedScore(dist, rm) - baseProxy,
    ...pickMetrics(m, METRICS),
    rmRaterDisagreement: rmRaterDisagreement(dist, rm, believed),
    trueGain: m.trueUtility - baseTrue,
  };
}

/** Rater-labelled pairs of base-model samples (kept pairs only) with their oracle labels. */
function labelledPairs(world: World, sample: (rng: Rng, cs: Context[]) => number[][], population: PopulationConfig, n: number, rng: Rng): { pairs: JudgedPair[]; oracle: number[] } {
  const ctxRng = rng.fork("contexts"), sampRng = rng.fork("sampling"), labRng = rng.fork("labels"), oraRng = rng.fork("oracle");
  const draw = contextSampler(world);
  const pairs: JudgedPair[] = [];
  const label = pairLabeler(world, { kind: "population", population }, pairs);
  for (let guard = 0; pairs.length < n && guard < 100; guard++) {
    const cs = draw(ctxRng, Math.ceil((n - pairs.length) * 1.1) + 8);
    const a = sample(sampRng, cs), b = sample(sampRng, cs);
    for (let i = 0; i < cs.length && pairs.length < n; i++) label(cs[i]!, a[i]!, b[i]!, labRng);
  }
  const oracle = pairs.map((p) => judgeOracle(world.config, { context: p.context, truth: p.truth }, world.space.parse(p.a).meaning, world.space.parse(p.b).meaning, oraRng).label as number);
  return { pairs, oracle };
}

function toComparisons(world: World, pairs: readonly JudgedPair[]): Comparison[] {
  return pairs.map((p) => ({ a: rewardFeatures(world, p.context, p.a), b: rewardFeatures(world, p.context, p.b), label: p.label }));
}

/** Results of one seed: best-of-n rows, RL rows (PPO on the RM and DPO on labels), RM rows. */
export interface OvershootSeed {
  bon: BonRow[];
  rl: RlRow[];
  rm: RmRow[];
}

/** One seed of the claim-2 experiment (see the file comment). `overrides` are checked before any work. */
export function overshootSeed(world: World, overrides: OvershootOverrides, rng: Rng): OvershootSeed {
  const cfg = resolveOvershootConfig(overrides);
  const base = trainBaseModel(world, { trainDocs: cfg.trainDocs, heldOutDocs: cfg.heldOutDocs }, rng.fork("base"));
  const out: OvershootSeed = { bon: [], rl: [], rm: [] };
  try {
    const baseDist = exactDistribution(world, base.table, base.table);
    const baseTrue = base.metrics.trueUtility;
    const { believed } = utilityTables(world, cfg.population);
    const sample = (r: Rng, cs: Context[]) => base.policy.sample(r, cs);
    const maxN = Math.max(...cfg.rmPairs);
    const train = labelledPairs(world, sample, cfg.population, maxN, rng.fork("rm-pairs"));
    const held = labelledPairs(world, sample, cfg.population, cfg.heldOutPairs, rng.fork("rm-heldout"));
    const heldCmp = toComparisons(world, held.pairs);
    const allCmp = toComparisons(world, train.pairs);
    for (const N of cfg.rmPairs) {
      const { model } = RewardModel.train(allCmp.slice(0, N), cfg.rm, rng.fork(`rm/${N}`));
      try {
        const table = scoreTable(world, model);
        const acc = model.accuracy(heldCmp, { rater: held.pairs.map((p) => p.label), oracle: held.oracle });
        const baseProxy = expectedScore(baseDist, table);
        const evaluate = (dist: ExactDistribution) => evalRow(world, dist, table, believed, baseProxy, baseTrue);
        out.rm.push({ rmPairs: N, "accuracy/rater": acc["accuracy/rater"]!, "accuracy/oracle": acc["accuracy/oracle"]!, "disagreement/base": rmRaterDisagreement(baseDist, table, believed) });
        for (const n of cfg.ns) out.bon.push({ rmPairs: N, n, klBound: bestOfNKlBound(n), dBound: Math.sqrt(bestOfNKlBound(n)), ...evaluate(bestOfNDistribution(baseDist, table, n)) });
        if (N !== cfg.indirectionPairs) continue;
        const baseRow = { beta: null, iteration: 0, final: true, ...evaluate(baseDist) };
        out.rl.push({ method: PPO, ...baseRow }, { method: DPO, ...baseRow });
        out.rl.push(...ppoOnRewardModel(world, base, table, cfg, rng, evaluate));
        out.rl.push(...dpoOnLabels(world, base, train.pairs.slice(0, N), cfg, rng, evaluate));
      } finally {
        model.dispose();
      }
    }
  } finally {
    base.dispose();
  }
  return out;
}

type Base = ReturnType<typeof trainBaseModel>;

/** PPO on the RM's score table, one run per `ppoRuns` entry, evaluated exactly at its checkpoints. */
function ppoOnRewardModel(world: World, base: Base, table: ScoreTable, cfg: OvershootConfig, rng: Rng, evaluate: (d: ExactDistribution) => EvalRow): RlRow[] {
  const rows: RlRow[] = [];
  const reward = (cs: readonly Context[], outputs: readonly number[][]) => cs.map((c, i) => table[c.index]![world.space.parse(outputs[i]!).state.index]!);
  const iterations = cfg.ppo.iterations;
  for (const run of cfg.ppoRuns) {
    const policy = base.policy.trainableCopy();
    const at = new Set([...run.checkpoints, iterations]);
    try {
      trainPpo(policy, base.reference, contextSampler(world), reward, { ...cfg.ppo, iterations, beta: run.beta }, rng.fork(`ppo/${run.beta}`), (it) => {
        if (!at.has(it)) return;
        rows.push({ method: PPO, beta: run.beta, iteration: it, final: it === iterations, ...evaluate(exactPolicyDistribution(world, policy, base.table)) });
      });
    } finally {
      policy.dispose();
    }
  }
  return rows;
}

/** Offline DPO on the raw rater labels the RM was fitted to, one run per β. */
function dpoOnLabels(world: World, base: Base, pairs: readonly JudgedPair[], cfg: OvershootConfig, rng: Rng, evaluate: (d: ExactDistribution) => EvalRow): RlRow[] {
  const rows: RlRow[] = [];
  const prefs: Preference<Context>[] = pairs.map((p) => (p.label === 1 ? { context: p.context, chosen: p.a, rejected: p.b } : { context: p.context, chosen: p.b, rejected: p.a }));
  for (const beta of cfg.dpoBetas) {
    const policy = base.policy.trainableCopy();
    try {
      trainDpo(policy, base.reference, prefs, { ...cfg.dpo, beta }, rng.fork("dpo"));
      rows.push({ method: DPO, beta, iteration: null, final: true, ...evaluate(exactPolicyDistribution(world, policy, base.table)) });
    } finally {
      policy.dispose();
    }
  }
  return rows;
}

/** One seed's results. */
export interface SeedResult {
  seed: number;
  result: OvershootSeed;
}
/** What claim 2's run returns: the per-seed results, and every row tagged with its seed. */
export interface OvershootResults {
  perSeed: SeedResult[];
  bon: Seeded<BonRow>[];
  rl: Seeded<RlRow>[];
  rm: Seeded<RmRow>[];
}

/**
 * Runs `overshootSeed` for each seed (root `Rng.fromSeed(seed)`); rows get a `seed` field.
 * The config and the seeds are checked before any work; a NaN or infinite number in any
 * row fails the run, naming the seed and the row's condition.
 */
export function runOvershoot(world: World, overrides: OvershootOverrides, seeds: readonly number[], onProgress?: OnProgress): OvershootResults {
  const cfg = resolveOvershootConfig(overrides, "runOvershoot config");
  checkField("runOvershoot seeds", seeds, SEEDS_RULE);
  const perSeed: SeedResult[] = [];
  seeds.forEach((seed, i) => {
    const result = overshootSeed(world, cfg, Rng.fromSeed(seed));
    for (const r of result.bon) assertFiniteRow(r, seed, `best-of-n, RM ${r.rmPairs}, n ${r.n}`);
    for (const r of result.rl) assertFiniteRow(r, seed, `${r.method}, β ${r.beta}, iteration ${r.iteration}`);
    for (const r of result.rm) assertFiniteRow(r, seed, `reward model on ${r.rmPairs} pairs`);
    perSeed.push({ seed, result });
    onProgress?.(i + 1, seeds.length, `seed ${seed}`);
  });
  const tag = <R,>(rows: (s: OvershootSeed) => R[]) => perSeed.flatMap((s) => rows(s.result).map((r) => ({ seed: s.seed, ...r })));
  return { perSeed, bon: tag((r) => r.bon), rl: tag((r) => r.rl), rm: tag((r) => r.rm) };
}
