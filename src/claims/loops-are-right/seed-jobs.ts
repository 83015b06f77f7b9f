/**
 * Notebook 02's trained work as seed jobs a runner can spread over worker threads: per
 * seed, the world β sweep (base model, exact frontier, DPO and PPO runs; on the first seed
 * also the reward-model study on that seed's base model) and DPO against its own label
 * limit. Each job is a function of plain data that rebuilds its world in the thread and
 * makes every stream from `Rng.fromSeed(seed)` exactly as the sequential sections do
 * (`runWorldSweeps`, `rewardModelStudy`, `labelLimitConvergence`), so the results do not
 * depend on the runner. Those sections stay usable on their own.
 */
import { Rng } from "../../rng";
import { withNoisyOracle } from "../kit/incentive-runs";
import { runSeedJobs, seedTask, worldFromConfig, type ClaimRunOptions } from "../kit/seed-runner";
import { checkField, SEEDS_RULE } from "../kit/budget";
import type { OnProgress } from "../kit/seeds";
import type { PopulationConfig, World, WorldConfig } from "../../world";
import { checkLoopsAreRightBudget, type LoopsAreRightBudget } from "./budget";
import { labelLimitSeed, type LimitConvergenceRow } from "./label-limit-convergence";
import { worldSweepSeed, type BaseModelRow } from "./sweep-over-seeds";
import { rewardModelStudy, type RewardModelStudy, type RewardModelStudyOptions } from "./tabular-and-reward-model";
import type { FrontierRow, WorldSweepRow } from "./world-sweep";

/** The reward-model study's options of a budget. */
export function rewardModelOptions(b: LoopsAreRightBudget): RewardModelStudyOptions {
  return { trainPairs: b.rewardModel.trainPairs, heldOutPairs: b.rewardModel.heldOutPairs, rewardModel: { epochs: b.rewardModel.epochs } };
}

/**
 * One job of notebook 02 (plain data): `part` "sweep" is {@link worldSweepSeed} in `world`
 * for `population`, followed (when `rewardModel` is true) by the reward-model study on the
 * same base model (stream `Rng.fromSeed(seed).fork("reward-model")`); "limit" is
 * {@link labelLimitSeed} (`world` is the world with the noisy oracle it runs in).
 */
export type LoopsAreRightPayload =
  | { part: "sweep"; world: WorldConfig; population: PopulationConfig; budget: LoopsAreRightBudget; seed: number; rewardModel: boolean }
  | { part: "limit"; world: WorldConfig; budget: LoopsAreRightBudget; seed: number };

/** What a job returns: a seed's sweep rows (and the study, on the seed that runs it), or its limit rows. */
export type LoopsAreRightJobResult =
  | {
      part: "sweep";
      base: BaseModelRow;
      frontiers: (FrontierRow & { seed: number })[];
      sweep: (WorldSweepRow & { seed: number })[];
      rewardModel: RewardModelStudy | null;
      /** Wall-clock seconds of the sweep (pretraining included; the study not). */
      seconds: number;
    }
  | { part: "limit"; rows: LimitConvergenceRow[] };

/** Runs one job in this thread (see {@link LoopsAreRightPayload}); `onStep` after each trained run. */
export function runLoopsAreRightJob(p: LoopsAreRightPayload, onStep?: (label: string) => void): LoopsAreRightJobResult {
  const world = worldFromConfig(p.world);
  if (p.part === "limit") return { part: "limit", rows: labelLimitSeed(world, p.budget, p.seed, (d, t) => onStep?.(`DPO against its limit, run ${d}/${t}`)) };
  const b = checkLoopsAreRightBudget(p.budget);
  const t0 = performance.now();
  const s = worldSweepSeed(world, p.population, b, p.seed, (d, t) => onStep?.(`β sweep, run ${d}/${t}`));
  try {
    const seconds = (performance.now() - t0) / 1000;
    const study = p.rewardModel ? rewardModelStudy(world, s.base, p.population, rewardModelOptions(b), Rng.fromSeed(p.seed).fork("reward-model")) : null;
    if (study) onStep?.("reward-model study");
    return { part: "sweep", base: s.baseRow, frontiers: s.frontiers, sweep: s.sweep, rewardModel: study, seconds };
  } finally {
    s.base.dispose();
  }
}

/** {@link runLoopsAreRightJob} as a task a worker thread can run. */
export const loopsAreRightSeedTask = seedTask("loopsAreRight.loopsAreRightSeedTask", runLoopsAreRightJob);

/** Everything notebook 02 trains, gathered from its jobs in seed order. */
export interface LoopsAreRightTrained {
  /** Every β-sweep run, with its seed. */
  sweep: (WorldSweepRow & { seed: number })[];
  /** The exact frontier of each seed's base model. */
  frontiers: (FrontierRow & { seed: number })[];
  /** One row per seed's base model. */
  bases: BaseModelRow[];
  /** The reward-model study on the first seed's base model. */
  rewardModel: RewardModelStudy;
  /** DPO against its own label limit, per seed and pair count. */
  limit: LimitConvergenceRow[];
  /** Wall-clock seconds of the sweep jobs, summed (pretraining included). */
  sweepSeconds: number;
}

/**
 * Notebook 02's trained sections (the world β sweep with its frontiers, the reward-model
 * study on the first seed's base model, DPO against its limit) as one job per (seed,
 * part) on `options.runner` (default: one after another in this thread). The limit jobs,
 * the longest, go first so a pool starts them first. The budget and seeds are checked
 * before any work. Results equal those of `runWorldSweeps`, `rewardModelStudy` on its first
 * base (stream `Rng.fromSeed(seeds[0]).fork("reward-model")`) and `labelLimitConvergence`.
 */
export async function runLoopsAreRightTrained(
  world: World,
  population: PopulationConfig,
  budget: LoopsAreRightBudget,
  seeds: readonly number[],
  onProgress?: OnProgress,
  options: ClaimRunOptions = {},
): Promise<LoopsAreRightTrained> {
  const b = checkLoopsAreRightBudget(budget);
  checkField("seeds", seeds, SEEDS_RULE);
  const limitWorld = withNoisyOracle(world).config;
  const sweepRuns = b.sweep.dpoBetas.length + b.sweep.ppoBetas.length;
  const jobs = [
    ...seeds.map((seed) => ({
      seed,
      condition: "DPO against its limit",
      steps: b.limit.pairs.length,
      payload: { part: "limit" as const, world: limitWorld, budget: b, seed },
    })),
    ...seeds.map((seed, i) => ({
      seed,
      condition: i === 0 ? "β sweep and reward-model study" : "β sweep",
      steps: sweepRuns + (i === 0 ? 1 : 0),
      payload: { part: "sweep" as const, world: world.config, population, budget: b, seed, rewardModel: i === 0 },
    })),
  ];
  const results = await runSeedJobs(options.runner, loopsAreRightSeedTask, jobs, onProgress, options.onStarted);
  const out: Omit<LoopsAreRightTrained, "rewardModel"> & { rewardModel: RewardModelStudy | null } = {
    sweep: [],
    frontiers: [],
    bases: [],
    rewardModel: null,
    limit: [],
    sweepSeconds: 0,
  };
  for (const r of results) {
    if (r.part === "limit") {
      out.limit.push(...r.rows);
      continue;
    }
    out.bases.push(r.base);
    out.frontiers.push(...r.frontiers);
    out.sweep.push(...r.sweep);
    out.rewardModel ??= r.rewardModel;
    out.sweepSeconds += r.seconds;
  }
  return { ...out, rewardModel: out.rewardModel! };
}
