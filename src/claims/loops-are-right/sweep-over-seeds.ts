/**
 * Section 2 of notebook 02 over its seeds: one pretrained base model per seed, the exact
 * frontier and the world β sweep from it, and how close each run comes to the frontier.
 */
import { Rng } from "../../rng";
import { checkField, SEEDS_RULE } from "../kit/budget";
import { interpolateAt } from "../kit/seeds";
import { trainBaseModel, type BaseModel } from "../kit/world-runs";
import type { PopulationConfig, World } from "../../world";
import { checkLoopsAreRightBudget, FRONTIER_BETAS, type LoopsAreRightBudget } from "./budget";
import { exactWorldFrontier, worldBetaSweep, type FrontierRow, type WorldSweepRow } from "./world-sweep";

/** One seed's base model, as the notebook's table shows it. */
export type BaseModelRow = { seed: number; "held-out nats/token": number; "true utility": number; "believed utility": number; sycophancy: number };

/** The world sweep over every seed. */
export interface WorldSweepResults {
  /** Every fine-tuning run, with its seed. */
  sweep: (WorldSweepRow & { seed: number })[];
  /** The exact frontier of each seed's base model. */
  frontiers: (FrontierRow & { seed: number })[];
  /** One row per seed's base model. */
  bases: BaseModelRow[];
  /** The first seed's base model, kept for the reward-model study: the caller disposes it. */
  firstBase: BaseModel;
}

/** One seed's part of the world sweep: its base model (still open: the caller disposes it) and rows. */
export interface WorldSweepSeed {
  base: BaseModel;
  baseRow: BaseModelRow;
  frontiers: (FrontierRow & { seed: number })[];
  sweep: (WorldSweepRow & { seed: number })[];
}

/**
 * One seed of {@link runWorldSweeps} (root `Rng.fromSeed(seed)`): pretrain a base model
 * (stream "base"), compute its exact frontier over `FRONTIER_BETAS`, and run the β sweep
 * (stream "sweep"). `onRun(done, total)` after each run of this seed. The base model is
 * returned open (the reward-model study reuses the first seed's); it is disposed if the
 * sweep fails.
 */
export function worldSweepSeed(world: World, population: PopulationConfig, b: LoopsAreRightBudget, seed: number, onRun?: (done: number, total: number) => void): WorldSweepSeed {
  const rng = Rng.fromSeed(seed);
  const base = trainBaseModel(world, b.base, rng.fork("base"));
  try {
    const baseRow: BaseModelRow = { seed, "held-out nats/token": base.heldOutLoss, "true utility": base.metrics.trueUtility, "believed utility": base.metrics.believedUtility, sycophancy: base.metrics.sycophancyRate };
    const frontiers = exactWorldFrontier(world, base, population, FRONTIER_BETAS).map((f) => ({ ...f, seed }));
    const sweep = worldBetaSweep(world, base, population, b.sweep, rng.fork("sweep"), onRun).map((r) => ({ ...r, seed }));
    return { base, baseRow, frontiers, sweep };
  } catch (e) {
    base.dispose();
    throw e;
  }
}

/**
 * For each seed, {@link worldSweepSeed}, one seed after another in this thread (the
 * notebook runs the seeds as jobs instead: `runLoopsAreRightTrained`). The budget and
 * seeds are checked before any work. `onRun(done, total)` after each run.
 */
export function runWorldSweeps(world: World, population: PopulationConfig, budget: LoopsAreRightBudget, seeds: readonly number[], onRun?: (done: number, total: number) => void): WorldSweepResults {
  const b = checkLoopsAreRightBudget(budget);
  checkField("seeds", seeds, SEEDS_RULE);
  const out: Omit<WorldSweepResults, "firstBase"> = { sweep: [], frontiers: [], bases: [] };
  const n = b.sweep.dpoBetas.length + b.sweep.ppoBetas.length;
  let firstBase: BaseModel | undefined;
  try {
    for (const [k, seed] of seeds.entries()) {
      const s = worldSweepSeed(world, population, b, seed, (d) => onRun?.(k * n + d, seeds.length * n));
      if (k === 0) firstBase = s.base;
      else s.base.dispose();
      out.bases.push(s.baseRow);
      out.frontiers.push(...s.frontiers);
      out.sweep.push(...s.sweep);
    }
  } catch (e) {
    firstBase?.dispose();
    throw e;
  }
  return { ...out, firstBase: firstBase! };
}

/** A sweep run next to the frontier at its KL. */
export type FrontierGapRow = WorldSweepRow & { seed: number; frontier: number; shortfall: number };

/** Each run with the frontier's believed utility at the run's KL (linear interpolation; NaN beyond it) and the shortfall. */
export function withFrontierGap(sweep: readonly (WorldSweepRow & { seed: number })[], frontiers: readonly (FrontierRow & { seed: number })[]): FrontierGapRow[] {
  return sweep.map((r) => {
    const f = frontiers.filter((x) => x.seed === r.seed).map((x) => ({ x: x.kl, y: x.believed }));
    const best = interpolateAt(f, r.kl);
    return { ...r, frontier: best ?? NaN, shortfall: best === null ? NaN : best - r.believed };
  });
}

/** How much of the frontier's gain over the base one method's runs capture. */
export interface FrontierShare {
  /** Runs inside the frontier's KL range. */
  n: number;
  /** KL range of those runs. */
  klLo: number;
  klHi: number;
  /** Largest shortfall (utility units). */
  maxShort: number;
  /** (believed − base) / (frontier − base), smallest, largest and mean over runs. */
  minShare: number;
  maxShare: number;
  meanShare: number;
}

/** The share of the frontier's gain over the base captured by `method`'s runs (those with a finite shortfall). */
export function frontierShare(rows: readonly FrontierGapRow[], frontiers: readonly (FrontierRow & { seed: number })[], method: WorldSweepRow["method"]): FrontierShare {
  const rs = rows.filter((r) => r.method === method && Number.isFinite(r.shortfall));
  const rel = rs.map((r) => {
    const b0 = frontiers.find((f) => f.seed === r.seed && f.beta === Infinity)!.believed;
    return (r.believed - b0) / Math.max(1e-9, r.frontier - b0);
  });
  return {
    n: rs.length,
    klLo: Math.min(...rs.map((r) => r.kl)),
    klHi: Math.max(...rs.map((r) => r.kl)),
    maxShort: Math.max(...rs.map((r) => r.shortfall)),
    minShare: Math.min(...rel),
    maxShare: Math.max(...rel),
    meanShare: rel.reduce((a, b) => a + b, 0) / rel.length,
  };
}
