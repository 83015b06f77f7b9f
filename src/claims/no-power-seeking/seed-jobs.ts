/**
 * Claim 5's DPO runs on labels as seed jobs (kit/seed-runner.ts), one per (cell, seed), so a
 * runner can spread them over worker threads. They are most of the claim's work (in full
 * mode ≈ 150 of ≈ 200 CPU-seconds); the sampled runs of the (d, h, k, w) diagram (≈ 6 s)
 * stay in the caller's thread, where they cost less than starting threads would.
 *
 * A job carries plain data: the manoeuvre length k of its slice, which a thread rebuilds (a
 * pure function of it, kept per thread: {@link sliceFor}), the cell's rater, its label-limit
 * scores and the β of its optimum at the matched KL (computed once, in the caller's thread,
 * rather than the limit again in each thread). Each run makes its own `Rng.fromSeed(seed)`
 * and forks it as the sequential code does, so its numbers do not depend on the runner.
 */
import { meaningKey, type LabelLimit } from "../../incentive";
import type { RaterParams, TerminalReward, World } from "../../world";
import { alongside, runSeedJobs, seedTask, type ClaimRunOptions } from "../kit/seed-runner";
import type { OnProgress } from "../kit/seeds";
import { makeSlice, type Slice } from "./exact";
import type { LabelDpoConfig } from "./dpo";
import { dpoSeedRow, type DpoCell, type DpoRow, type LabelCell } from "./label-training";

/** How many slices a thread keeps (the claim's DPO runs use one). */
const KEPT_SLICES = 2;
const slices = new Map<string, Slice>();

/**
 * The (k, w) slice with `contexts` contexts (null: all), built once per thread: a slice is a
 * pure function of these, so every job in one thread shares it (and a sequential run shares
 * the caller's, when the caller takes it from here too).
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

/** A progress counter over `total` steps: each call moves it one step. */
export function progressCounter(total: number, onProgress?: OnProgress): (what: string) => void {
  let done = 0;
  return (what) => onProgress?.(++done, total, what);
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
