/**
 * Claim 2, version 2: the exact frontiers (label limits once; each seed's reward models),
 * and the descriptive trained curves (best-of-n and PPO on the pool's RM, each with its
 * distance from that RM's exact frontier). Typed rows; the run over seeds.
 */
import { Rng } from "../../rng";
import { RewardModel, type Comparison } from "../../train/reward-model";
import { bestOfNKlBound } from "../../train/best-of-n";
import { trainPpo } from "../../train/ppo";
import { labelLimit } from "../../incentive";
import { assertFiniteRow, type OnProgress } from "../kit/seeds";
import { contextSampler, exactPolicyDistribution, pairLabeler, trainBaseModel, type JudgedPair, type Judge } from "../kit/world-runs";
import { rewardFeatures } from "../kit/world-adapter";
import { withNoisyOracle } from "../kit/incentive-runs";
import { checkField, SEEDS_RULE } from "../kit/budget";
import { alongside, runSeedJobs, seedTask, worldFromConfig, type ClaimRunOptions } from "../kit/seed-runner";
import { cachedTable, corpusTable, exactDistribution, exactMetrics, expectedTrueUtility, fixedPopulation, judgeOracle, meanRaterParams, pickMetrics, type Context, type ExactDistribution, type PopulationConfig, type World, type WorldConfig, type WorldMetrics } from "../../world";
import { resolveOvershootConfig, type OvershootConfig, type OvershootOverrides } from "./config";
import { bestOfNDistribution, scoreTable, type ScoreTable } from "./tables";
import { expectedRows, frontierAtKl, overestimationShares, rewardRows, tableReward, type OverestimationShares, type RewardRows } from "./frontier";

/** The three labellers of claim 2. */
export const POOL = "rater pool";
export const CONSISTENT = "consistent rater";
export const ORACLE = "noisy oracle";
export type LabellerName = typeof POOL | typeof CONSISTENT | typeof ORACLE;
export const LABELLERS: readonly LabellerName[] = [POOL, CONSISTENT, ORACLE];

/** The labeller behind a name: the varied pool, its mean rater as a population of one kind, or the noisy oracle. */
export function labellerOf(name: LabellerName, pool: PopulationConfig): Judge {
  if (name === POOL) return { kind: "population", population: pool };
  if (name === CONSISTENT) return { kind: "population", population: fixedPopulation(meanRaterParams(pool)) };
  return { kind: "oracle" };
}

/** The world metrics every evaluated row reports, in column order. */
export const METRICS = [
  "trueUtility",
  "believedUtility",
  "inflationGap",
  "overestimation",
  "underestimation",
  "sycophancyRate",
  "exaggerationRate",
  "fabricationRate",
  "honestErrorRate",
  "accuracy",
] as const satisfies readonly (keyof WorldMetrics)[];

/** An exactly evaluated policy: KL, d = √KL, its reward's gain over the reference, world metrics, shares of E⁺. */
export type EvalRow = {
  /** Exact KL to the reference (nats; sequence KL = final-state KL, see frontier.ts). */
  kl: number;
  /** d = √KL. */
  d: number;
  /** The reward's expected gain over the reference (label-limit scores or RM score). */
  proxy: number;
  /** True utility minus the reference's (for the Gao fits). */
  trueGain: number;
} & Pick<WorldMetrics, (typeof METRICS)[number]> &
  OverestimationShares;

/** Where a frontier comes from: a labeller's exact label limit, or a reward model fitted to its finite labels. */
export type FrontierSource = "label limit" | "reward model";
/** The reference a frontier tilts: the human corpus, or the seed's pretrained base model. */
export type ReferenceName = "corpus" | "base model";

/** One point of an exact frontier: the optimum of a reward at a grid KL. */
export type FrontierRow = {
  labeller: LabellerName;
  source: FrontierSource;
  reference: ReferenceName;
  /** The grid KL asked for (0: the reference). */
  klTarget: number;
  /** False when the grid KL lies beyond the frontier's end (read at the end). */
  reached: boolean;
} & EvalRow;

/** Distance of a trained or best-of-n point from the RM's exact frontier (base-model reference) at its own KL. */
export type FrontierDistance = {
  /** The frontier's RM-score gain at this KL minus the point's (≥ 0: no policy beats the tilt at its KL). */
  proxyShortfall: number;
  /** The point's true utility minus the frontier's at this KL. */
  trueVsFrontier: number;
};

/** A best-of-n point on the pool RM (base-model reference). */
export type BonRow = { n: number; klBound: number } & EvalRow & FrontierDistance;
/** A PPO checkpoint on the pool RM (iteration 0: the base model). */
export type PpoRow = { beta: number; iteration: number } & EvalRow & FrontierDistance;
/** A reward model: held-out agreement with its own labeller and with the noisy oracle. */
export type RmRow = { labeller: LabellerName; "accuracy/labeller": number; "accuracy/oracle": number };
/** A row tagged with its seed. */
export type Seeded<R> = { seed: number } & R;

/** The exact evaluation of distributions over one reference with one reward. */
export interface Evaluator {
  (dist: ExactDistribution): EvalRow;
}

/** An evaluator against `ref` and the reward `rows` (metrics and shares with the pool's mean rater). */
export function evaluator(world: World, ref: ExactDistribution, rows: RewardRows, population: PopulationConfig): Evaluator {
  const refProxy = expectedRows(ref, rows);
  const refTrue = exactMetrics(world, ref, { population }).trueUtility;
  return (dist) => {
    const m = exactMetrics(world, dist, { population });
    return { kl: dist.kl, d: Math.sqrt(Math.max(0, dist.kl)), proxy: expectedRows(dist, rows) - refProxy, trueGain: m.trueUtility - refTrue, ...pickMetrics(m, METRICS), ...overestimationShares(world, dist, population) };
  };
}

/** The exact frontier of a reward over a reference along KL 0 and the grid. */
export function frontierRows(world: World, ref: ExactDistribution, rows: RewardRows, grid: readonly number[], population: PopulationConfig, tag: Pick<FrontierRow, "labeller" | "source" | "reference">): FrontierRow[] {
  const evaluate = evaluator(world, ref, rows, population);
  return [0, ...grid].map((k) => {
    const p = frontierAtKl(ref, rows, k);
    return { ...tag, klTarget: k, reached: p.reached, ...evaluate(p.dist) };
  });
}

/** The exact reference distribution of the incentive level: the human corpus. */
export function corpusDistribution(world: World): { table: ReturnType<typeof corpusTable>; dist: ExactDistribution } {
  const table = cachedTable(world, corpusTable(world));
  return { table, dist: exactDistribution(world, table, table, { check: false }) };
}

/**
 * The incentive level: each labeller's exact label limit on corpus pairs (the reward model
 * of infinitely many labels), tilted exactly along the grid. `world` must carry the noisy
 * oracle (`withNoisyOracle`).
 */
export function incentiveFrontiers(world: World, cfg: Pick<OvershootConfig, "klGrid" | "limitNodes" | "population">): FrontierRow[] {
  const corpus = corpusDistribution(world);
  return LABELLERS.flatMap((name) => {
    const limit = labelLimit(world, labellerOf(name, cfg.population), corpus.table, { nodes: cfg.limitNodes });
    return frontierRows(world, corpus.dist, rewardRows(corpus.dist, limit.reward), cfg.klGrid, cfg.population, { labeller: name, source: "label limit", reference: "corpus" });
  });
}

/** Pairs of base-model samples for one query context each (with the hidden truth drawn when labelled). */
interface DrawnPairs {
  contexts: Context[];
  a: number[][];
  b: number[][];
}

/** Draws `n` pairs of base-model samples (contexts as queries arrive). */
function drawPairs(world: World, sample: (rng: Rng, cs: Context[]) => number[][], n: number, rng: Rng): DrawnPairs {
  const contexts = contextSampler(world)(rng.fork("contexts"), n);
  const sampRng = rng.fork("sampling");
  return { contexts, a: sample(sampRng, contexts), b: sample(sampRng, contexts) };
}

/**
 * The first `n` kept labels of `who` on drawn pairs (the same pairs for every labeller, so
 * the labellers are paired); more pairs are drawn if skips or "equal" leave fewer than `n`.
 */
function labelledPairs(world: World, sample: (rng: Rng, cs: Context[]) => number[][], drawn: DrawnPairs, who: Judge, n: number, rng: Rng): JudgedPair[] {
  const labRng = rng.fork("labels");
  const pairs: JudgedPair[] = [];
  const label = pairLabeler(world, who, pairs);
  for (let i = 0; i < drawn.contexts.length && pairs.length < n; i++) label(drawn.contexts[i]!, drawn.a[i]!, drawn.b[i]!, labRng);
  for (let guard = 0; pairs.length < n && guard < 100; guard++) {
    const more = drawPairs(world, sample, n - pairs.length + 8, rng.fork(`more/${guard}`));
    for (let i = 0; i < more.contexts.length && pairs.length < n; i++) label(more.contexts[i]!, more.a[i]!, more.b[i]!, labRng);
  }
  return pairs;
}

function toComparisons(world: World, pairs: readonly JudgedPair[]): Comparison[] {
  return pairs.map((p) => ({ a: rewardFeatures(world, p.context, p.a), b: rewardFeatures(world, p.context, p.b), label: p.label }));
}

/** Results of one seed. */
export interface OvershootSeed {
  /** Each labeller's RM frontier on the corpus (decided), and the pool RM's frontier on the base model (for distances). */
  frontier: FrontierRow[];
  /** best-of-n on the pool RM, from the base model. */
  bon: BonRow[];
  /** PPO on the pool RM (only for the first `ppoSeeds` seeds; else empty). */
  ppo: PpoRow[];
  rm: RmRow[];
}

/**
 * One seed (see the file comment). `world` must carry the noisy oracle; `withPpo` says
 * whether this seed also trains PPO. `overrides` are checked before any work.
 */
export function overshootSeed(world: World, overrides: OvershootOverrides, rng: Rng, withPpo = true): OvershootSeed {
  const cfg = resolveOvershootConfig(overrides);
  const corpus = corpusDistribution(world);
  const base = trainBaseModel(world, { trainDocs: cfg.trainDocs, heldOutDocs: cfg.heldOutDocs }, rng.fork("base"));
  const out: OvershootSeed = { frontier: [], bon: [], ppo: [], rm: [] };
  try {
    const baseDist = exactDistribution(world, base.table, base.table);
    const sample = (r: Rng, cs: Context[]) => base.policy.sample(r, cs);
    const trainDrawn = drawPairs(world, sample, Math.ceil(cfg.rmPairs * 1.1) + 8, rng.fork("rm-pairs"));
    const heldDrawn = drawPairs(world, sample, Math.ceil(cfg.heldOutPairs * 1.1) + 8, rng.fork("rm-heldout"));
    const truth = rewardRows(baseDist, (e, st) => expectedTrueUtility(world.config, e, world.space.meaning(st)));
    for (const name of LABELLERS) {
      const who = labellerOf(name, cfg.population);
      const train = labelledPairs(world, sample, trainDrawn, who, cfg.rmPairs, rng.fork(`rm-pairs/${name}`));
      const held = labelledPairs(world, sample, heldDrawn, who, cfg.heldOutPairs, rng.fork(`rm-heldout/${name}`));
      const oraRng = rng.fork(`oracle/${name}`);
      const heldOracle = held.map((p) => judgeOracle(world.config, { context: p.context, truth: p.truth }, world.space.parse(p.a).meaning, world.space.parse(p.b).meaning, oraRng).label as number);
      const { model } = RewardModel.train(toComparisons(world, train), cfg.rm, rng.fork(`rm/${name}`));
      try {
        const heldCmp = toComparisons(world, held);
        const acc = model.accuracy(heldCmp, { labeller: held.map((p) => p.label), oracle: heldOracle });
        out.rm.push({ labeller: name, "accuracy/labeller": acc["accuracy/labeller"]!, "accuracy/oracle": acc["accuracy/oracle"]! });
        const table = scoreTable(world, model);
        const reward = tableReward(table);
        out.frontier.push(...frontierRows(world, corpus.dist, rewardRows(corpus.dist, reward), cfg.klGrid, cfg.population, { labeller: name, source: "reward model", reference: "corpus" }));
        if (name !== POOL) continue;
        const rows = rewardRows(baseDist, reward);
        out.frontier.push(...frontierRows(world, baseDist, rows, cfg.klGrid, cfg.population, { labeller: name, source: "reward model", reference: "base model" }));
        const evaluate = evaluator(world, baseDist, rows, cfg.population);
        const refProxy = expectedRows(baseDist, rows);
        const distance = (e: EvalRow): FrontierDistance => {
          const f = frontierAtKl(baseDist, rows, e.kl).dist;
          return { proxyShortfall: expectedRows(f, rows) - refProxy - e.proxy, trueVsFrontier: e.trueUtility - expectedRows(f, truth) };
        };
        for (const n of cfg.ns) {
          const e = evaluate(bestOfNDistribution(baseDist, table, n));
          out.bon.push({ n, klBound: bestOfNKlBound(n), ...e, ...distance(e) });
        }
        if (withPpo) out.ppo.push(...ppoOnRewardModel(world, base, table, cfg, rng, evaluate, distance));
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

/** PPO on the RM's score table (one weak-leash run), evaluated exactly at its checkpoints; iteration 0 is the base model. */
function ppoOnRewardModel(world: World, base: Base, table: ScoreTable, cfg: OvershootConfig, rng: Rng, evaluate: Evaluator, distance: (e: EvalRow) => FrontierDistance): PpoRow[] {
  const reward = (cs: readonly Context[], outputs: readonly number[][]) => cs.map((c, i) => table[c.index]![world.space.parse(outputs[i]!).state.index]!);
  const iterations = cfg.ppo.iterations;
  const at = new Set([...cfg.ppoCheckpoints, iterations]);
  const rows: PpoRow[] = [];
  const push = (iteration: number, e: EvalRow) => rows.push({ beta: cfg.ppoBeta, iteration, ...e, ...distance(e) });
  push(0, evaluate(exactDistribution(world, base.table, base.table)));
  const policy = base.policy.trainableCopy();
  try {
    trainPpo(policy, base.reference, contextSampler(world), reward, { ...cfg.ppo, iterations, beta: cfg.ppoBeta }, rng.fork(`ppo/${cfg.ppoBeta}`), (it) => {
      if (at.has(it)) push(it, evaluate(exactPolicyDistribution(world, policy, base.table)));
    });
  } finally {
    policy.dispose();
  }
  return rows;
}

/** One seed's results. */
export interface SeedResult {
  seed: number;
  result: OvershootSeed;
}

/** What claim 2's run returns: the incentive level (label-limit frontiers) and the per-seed results, with every row tagged. */
export interface OvershootResults {
  /** Each labeller's label-limit frontier on the corpus (deterministic). */
  incentive: FrontierRow[];
  perSeed: SeedResult[];
  frontier: Seeded<FrontierRow>[];
  bon: Seeded<BonRow>[];
  ppo: Seeded<PpoRow>[];
  rm: Seeded<RmRow>[];
}

/** What one seed's job carries (plain data): the world's config (with the noisy oracle), the resolved config, the seed, and whether it trains PPO. */
export interface OvershootSeedPayload {
  world: WorldConfig;
  config: OvershootConfig;
  seed: number;
  withPpo: boolean;
}

/** One seed as a job a worker thread can run (root `Rng.fromSeed(seed)`). */
export const overshootSeedTask = seedTask("rewardModelOvershoots.overshootSeedTask", (p: OvershootSeedPayload) => overshootSeed(worldFromConfig(p.world), p.config, Rng.fromSeed(p.seed), p.withPpo));

/**
 * The incentive level once, then `overshootSeed` for each seed (root `Rng.fromSeed(seed)`;
 * PPO for the first `ppoSeeds`), one job per seed on `options.runner` (default: one after
 * another in this thread, after the incentive level; with threads, beside it: `alongside`),
 * all in the world with the noisy oracle. The config and the
 * seeds are checked before any work (a ConfigError is thrown, not returned as a rejected
 * promise); a NaN or infinite number in any row fails the run, naming the seed and the
 * row's condition.
 */
export function runOvershoot(world0: World, overrides: OvershootOverrides, seeds: readonly number[], onProgress?: OnProgress, options: ClaimRunOptions = {}): Promise<OvershootResults> {
  const cfg = resolveOvershootConfig(overrides, "runOvershoot config");
  checkField("runOvershoot seeds", seeds, SEEDS_RULE);
  return runOvershootChecked(withNoisyOracle(world0), cfg, seeds, onProgress, options);
}

async function runOvershootChecked(world: World, cfg: OvershootConfig, seeds: readonly number[], onProgress: OnProgress | undefined, options: ClaimRunOptions): Promise<OvershootResults> {
  const jobs = seeds.map((seed, i) => ({ seed, condition: "claim 2", payload: { world: world.config, config: cfg, seed, withPpo: i < cfg.ppoSeeds } }));
  const { here: incentive, seeds: results } = await alongside(
    options.runner,
    () => {
      const rows = incentiveFrontiers(world, cfg);
      for (const r of rows) assertFiniteRow(r, 0, `label limit of the ${r.labeller}, KL ${r.klTarget}`);
      onProgress?.(0, seeds.length, "label limits");
      return rows;
    },
    (onStarted) => runSeedJobs(options.runner, overshootSeedTask, jobs, onProgress, onStarted),
  );
  const perSeed: SeedResult[] = results.map((result, i) => {
    const seed = seeds[i]!;
    for (const r of result.frontier) assertFiniteRow(r, seed, `RM frontier of the ${r.labeller} on the ${r.reference}, KL ${r.klTarget}`);
    for (const r of result.bon) assertFiniteRow(r, seed, `best-of-n, n ${r.n}`);
    for (const r of result.ppo) assertFiniteRow(r, seed, `PPO, iteration ${r.iteration}`);
    for (const r of result.rm) assertFiniteRow(r, seed, `reward model of the ${r.labeller}`);
    return { seed, result };
  });
  const tag = <R,>(rows: (s: OvershootSeed) => R[]) => perSeed.flatMap((s) => rows(s.result).map((r) => ({ seed: s.seed, ...r })));
  return { incentive, perSeed, frontier: tag((r) => r.frontier), bon: tag((r) => r.bon), ppo: tag((r) => r.ppo), rm: tag((r) => r.rm) };
}
