/**
 * Claim 5's trained runs as seed jobs (kit/seed-runner.ts), so a runner can spread them over
 * worker threads: one job per DPO run on labels (cell × seed) and one per sampled-training
 * run (cell × seed of the diagram's sampled grid, or budget × seed of the budget sweep).
 *
 * A job carries plain data: the (k, w, contexts) of its slice, which a thread rebuilds
 * (a pure function of those, kept per thread: {@link sliceFor}), and what its cell needs.
 * A DPO job carries its cell's label-limit scores and the β of its optimum at the matched KL
 * (computed once, in the caller's thread) rather than recomputing the limit. Each run makes
 * its own `Rng.fromSeed(seed)` and forks it as the sequential code does, so its numbers do
 * not depend on the runner.
 */
import { meaningKey, type LabelLimit } from "../../incentive";
import type { RaterParams, TerminalReward, World } from "../../world";
import { alongside, runSeedJobs, seedTask, type ClaimRunOptions, type SeedJob } from "../kit/seed-runner";
import type { OnProgress } from "../kit/seeds";
import { Rng } from "../../rng";
import { exactOptimumCell, makeSlice, type Slice } from "./exact";
import type { LabelDpoConfig } from "./dpo";
import { dpoSeedRow, type DpoCell, type DpoRow, type LabelCell } from "./label-training";
import {
  budgetRows,
  planBudgetSweep,
  planSampledVsExact,
  progressCounter,
  sampledExactParts,
  sampledRows,
  sampledTrainingCell,
  type BudgetRow,
  type SampledCell,
  type SampledCellSpec,
  type SampledConfig,
  type SampledRow,
  type SampledRun,
  type SampledRunOptions,
} from "./sampled";

/** How many slices a thread keeps (a section uses one or two; the claim four in all). */
const KEPT_SLICES = 4;
const slices = new Map<string, Slice>();

/**
 * The (k, w) slice with `contexts` contexts (null: all), built once per thread: a slice is a
 * pure function of these, so every job of a section in one thread shares it (and a
 * sequential run shares the caller's, when the caller takes it from here too).
 */
export function sliceFor(k: number, w: number, contexts: number | null = null): Slice {
  const key = `${k}|${w}|${contexts}`;
  let slice = slices.get(key);
  if (!slice) {
    slice = makeSlice(k, w, { contexts: contexts ?? undefined });
    if (slices.size >= KEPT_SLICES) slices.delete(slices.keys().next().value!);
    slices.set(key, slice);
  }
  return slice;
}

/** A label limit's scores as plain data: per context index, [meaning key, score] pairs. */
export type ScoreTable = [number, [string, number][]][];

/** The scores of a label limit as plain data (for a job's payload). */
export function scoreTable(limit: Pick<LabelLimit, "scores">): ScoreTable {
  return [...limit.scores].map(([c, m]) => [c, [...m]]);
}

/** The terminal reward of a score table in `world`: the label limit's `reward`, rebuilt (0 for meanings without a score). */
export function scoreReward(world: World, table: ScoreTable): TerminalReward {
  const scores = new Map(table.map(([c, m]) => [c, new Map(m)]));
  return (entry, state) => scores.get(entry.context.index)?.get(meaningKey(world.space.meaning(state))) ?? 0;
}

/** One DPO-on-labels run of the claim: its cell (w = 0, all contexts) and seed. */
export interface LabelDpoSeedPayload {
  /** Manoeuvre length of the slice. */
  k: number;
  /** The labelling rater (every parameter fixed). */
  rater: RaterParams;
  /** The cell's label-limit scores. */
  scores: ScoreTable;
  /** β of the cell's label-limit optimum at the matched KL (the run's DPO β). */
  tiltBeta: number;
  trainer: Omit<LabelDpoConfig, "beta">;
  /** Relative KL tolerance of the shortfall's tilt. */
  tolerance: number;
  seed: number;
}

/** The payload of a DPO run on labels in `cell` (a label-grid cell with an optimum) with `seed`. */
export function labelDpoPayload(cell: { rater: RaterParams; limit: Pick<LabelLimit, "scores">; row: { k: number; tiltBeta: number } }, trainer: Omit<LabelDpoConfig, "beta">, tolerance: number, seed: number): LabelDpoSeedPayload {
  return { k: cell.row.k, rater: cell.rater, scores: scoreTable(cell.limit), tiltBeta: cell.row.tiltBeta, trainer, tolerance, seed };
}

/** One DPO run on labels as a job a worker thread can run (label-training.ts's {@link dpoSeedRow}). */
export const labelDpoSeedTask = seedTask("noPowerSeeking.labelDpoSeedTask", (p: LabelDpoSeedPayload): DpoRow => {
  const slice = sliceFor(p.k, 0);
  const cell: DpoCell = { rater: p.rater, limit: { reward: scoreReward(slice.world, p.scores) }, tilt: { beta: p.tiltBeta } };
  return dpoSeedRow(slice, cell, { trainer: p.trainer, tolerance: p.tolerance }, p.seed);
});

/** One sampled-training run (sampled.ts's `sampledTrainingCell`) in a (d, h) cell of a slice. */
export interface SampledSeedPayload {
  k: number;
  w: number;
  /** Contexts of the slice (null: all). */
  contexts: number | null;
  d: number;
  h: number;
  /** The trainer's config (checked by the caller). */
  train: Partial<SampledConfig>;
  seed: number;
  /** The label of the fork of `Rng.fromSeed(seed)` the run uses. */
  fork: string;
}

/** One sampled-training run as a job a worker thread can run. */
export const sampledSeedTask = seedTask("noPowerSeeking.sampledSeedTask", (p: SampledSeedPayload): SampledCell =>
  sampledTrainingCell(sliceFor(p.k, p.w, p.contexts), p.d, p.h, p.train, Rng.fromSeed(p.seed).fork(p.fork)),
);

/** The jobs of sampled runs in the slices of `cellOf(run)` (contexts null: all). */
function sampledJobs(runs: readonly SampledRun<string>[], cellOf: (r: SampledRun<string>) => SampledCellSpec, contexts: number | undefined): SeedJob<SampledSeedPayload>[] {
  return runs.map((r) => {
    const c = cellOf(r);
    return { seed: r.seed, condition: `${r.method}, k = ${c.k}, w = ${c.w}, d = ${c.d}`, payload: { k: c.k, w: c.w, contexts: contexts ?? null, d: c.d, h: c.h, train: r.train, seed: r.seed, fork: r.fork } };
  });
}

/**
 * The DPO runs on labels of `cells` (each with an optimum at the matched KL) over `seeds`,
 * cell by cell, as seed jobs on `options.runner` (default: one after another in this thread),
 * with `here` run beside them (see kit/seed-runner.ts's `alongside`). Rows in the order of
 * label-training.ts's `dpoGrid`. Progress: one step per run, then per step `here` reports.
 */
export async function runDpoJobs<A>(
  cells: readonly LabelCell[],
  o: { trainer: Omit<LabelDpoConfig, "beta">; tolerance: number },
  seeds: readonly number[],
  here: () => A,
  onProgress?: OnProgress,
  options: ClaimRunOptions = {},
): Promise<{ here: A; rows: DpoRow[] }> {
  const jobs = cells
    .filter((c) => Number.isFinite(c.row.tiltBeta))
    .flatMap((c) => seeds.map((seed) => ({ seed, condition: `DPO on labels, k = ${c.row.k}, d = ${c.row.d}`, payload: labelDpoPayload(c, o.trainer, o.tolerance, seed) })));
  const r = await alongside(options.runner, here, (onStarted) => runSeedJobs(options.runner, labelDpoSeedTask, jobs, onProgress, onStarted));
  return { here: r.here, rows: r.seeds };
}

/**
 * sampled.ts's `sampledVsExact` with the runs as seed jobs on `options.runner` and
 * the cells' exact optima computed in this thread beside them: the same rows.
 */
export async function runSampledVsExact(cells: readonly SampledCellSpec[], seeds: readonly number[], config: SampledRunOptions, onProgress?: OnProgress, options: ClaimRunOptions = {}): Promise<SampledRow[]> {
  const plan = planSampledVsExact(cells, seeds, config);
  const tick = progressCounter(cells.length + plan.runs.length, onProgress);
  const jobs = sampledJobs(plan.runs, (r) => cells[r.at]!, plan.contexts);
  const { here: exact, seeds: results } = await alongside(
    options.runner,
    () => sampledExactParts(cells, plan.beta, (k, w) => sliceFor(k, w, plan.contexts ?? null), tick),
    (onStarted) => runSeedJobs(options.runner, sampledSeedTask, jobs, (_d, _t, what) => tick(what ?? ""), onStarted),
  );
  return sampledRows(plan, exact, results);
}

/** sampled.ts's `budgetSweep` with the runs as seed jobs on `options.runner`: the same rows. */
export async function runBudgetSweep(cell: SampledCellSpec, budgets: readonly number[], seeds: readonly number[], config: SampledRunOptions, onProgress?: OnProgress, options: ClaimRunOptions = {}): Promise<BudgetRow[]> {
  const plan = planBudgetSweep(cell, budgets, seeds, config);
  const tick = progressCounter(plan.runs.length, onProgress);
  const jobs = sampledJobs(plan.runs, () => cell, plan.contexts);
  const { here: exact, seeds: results } = await alongside(
    options.runner,
    () => exactOptimumCell(sliceFor(cell.k, cell.w, plan.contexts ?? null), cell.d, cell.h, plan.beta),
    (onStarted) => runSeedJobs(options.runner, sampledSeedTask, jobs, (_d, _t, what) => tick(what ?? ""), onStarted),
  );
  return budgetRows(cell, budgets, plan, exact, results);
}
