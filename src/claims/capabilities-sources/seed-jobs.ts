/**
 * Claim 7's sampled training (a) as seed jobs a runner can spread over worker threads: one
 * job per (k, seed), the seed's outcome runs at every multiplier and its rater-label run
 * (`seedCells`). A job carries plain numbers and rebuilds its slice in the thread (kept for
 * the thread's next job of the same k); each run forks its own stream from
 * `Rng.fromSeed(seed)` as the sequential sweep does, so the runs do not depend on the
 * runner. The exact optima, the planners, the learned-model episodes and the band cell
 * (together ≈ 1.5 s of a full run's ≈ 24 s CPU) stay in the calling thread, beside the jobs.
 */
import type { ClaimRunOptions } from "../kit/seed-runner";
import { alongside, keepLast, runSeedJobs, seedTask } from "../kit/seed-runner";
import type { OnProgress } from "../kit/seeds";
import type { Slice } from "../no-power-seeking";
import { bandSection, planningSection, type BandRow, type PlanningResults } from "./planning";
import { incentiveRow, outcomeSlice, seedCells, summariseCells, type OutcomeResults, type OutcomeSweep, type OutcomeTraining, type TrainRow } from "./training";

/** One (k, seed) job of (a): the training settings, the slice's k, the multipliers and the seed. */
export interface OutcomeCellsPayload {
  o: OutcomeTraining;
  k: number;
  multipliers: number[];
  seed: number;
}

/** The slice of a job (a pure function of k, ε and the context count), kept for the thread's next job. */
const sliceOfKept = keepLast((k: number, epsilon: number, contexts: number): Slice => outcomeSlice(k, { epsilon, contexts }));
function sliceOf(k: number, o: OutcomeTraining): Slice {
  return sliceOfKept(k, o.epsilon, o.contexts);
}

/** One seed's runs in slice k ({@link seedCells}) as a job a worker thread can run. */
export const outcomeCellsTask = seedTask("capabilitiesSources.outcomeCellsTask", (p: OutcomeCellsPayload, onStep?: (label: string) => void): TrainRow[] =>
  seedCells(sliceOf(p.k, p.o), p.o, p.multipliers, p.seed, onStep),
);

/** The training settings of a sweep, as plain numbers (what a job carries). */
export function outcomeTraining(o: OutcomeTraining): OutcomeTraining {
  return { epsilon: o.epsilon, g: o.g, beta: o.beta, batch: o.batch, lr: o.lr, contexts: o.contexts };
}

/** What (a), (b) and (c) compute, before the first-success law. */
export interface CapabilitiesSections extends OutcomeResults, PlanningResults {
  band: BandRow;
}

/**
 * (a) with its trained runs as (k, seed) jobs on `options.runner` (default: one after
 * another in this thread), beside the work of this thread: the exact optima of (a), the
 * planners and learned-model episodes of (b) and the band cell of (c). Jobs go out largest
 * k first (the longest), and the runs come back in the sweep's order (k, then seed), so
 * the results equal `outcomeSweep`, `planningSection` and `bandSection` run in turn.
 * `onProgress` counts the trained runs.
 */
export async function runCapabilitiesSections(
  o: OutcomeSweep & { maxNodes: number; modelSamples: readonly number[]; bandK: number; bandFraction: number },
  seeds: readonly number[],
  onProgress?: OnProgress,
  options: ClaimRunOptions = {},
): Promise<CapabilitiesSections> {
  const t = outcomeTraining(o);
  const ks = [...o.ks];
  const cells = ks.flatMap((k) => seeds.map((seed) => ({ k, seed })));
  const order = cells.map((_, i) => i).sort((a, b) => cells[b]!.k - cells[a]!.k || a - b);
  const jobs = order.map((i) => {
    const { k, seed } = cells[i]!;
    return { seed, condition: `k = ${k}`, steps: o.multipliers.length + 1, payload: { o: t, k, multipliers: [...o.multipliers], seed } };
  });
  const { here, seeds: perJob } = await alongside(
    options.runner,
    () => ({
      incentive: ks.map((k) => incentiveRow(outcomeSlice(k, t), t)),
      planning: planningSection({ epsilon: t.epsilon, contexts: t.contexts, g: t.g, ks, maxNodes: o.maxNodes, modelSamples: o.modelSamples }, seeds),
      band: bandSection({ k: o.bandK, fraction: o.bandFraction, contexts: t.contexts }, seeds),
    }),
    (onStarted) => runSeedJobs(options.runner, outcomeCellsTask, jobs, onProgress, onStarted),
  );
  const byCell: TrainRow[][] = new Array(cells.length);
  order.forEach((cell, j) => (byCell[cell] = perJob[j]!));
  const runs = byCell.flat();
  return { incentive: here.incentive, runs, cells: summariseCells(runs, t.epsilon), ...here.planning, band: here.band };
}
