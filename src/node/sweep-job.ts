/**
 * The job every sweep engine runs (in this thread, a pool thread or a queue worker): one
 * run of the sweep unit (claims/sweep/run.ts) with its config and seed. The TensorFlow.js
 * backend is chosen once per thread.
 */
import { initBackend } from "../tf/backend";
import { runDpo, type DpoRunConfig, type DpoRunMetrics } from "../claims/sweep/run";

/** What a job carries: the resolved run config and its seed (plain data). */
export interface SweepJobPayload {
  config: DpoRunConfig;
  seed: number;
}

/** Runs one sweep run. */
export async function runSweepJob(p: SweepJobPayload): Promise<DpoRunMetrics> {
  await initBackend();
  return runDpo(p.config, p.seed);
}

/** This module's path, for pool jobs (the .ts file under tsx, the .js file from dist/). */
export const SWEEP_JOB_MODULE = __filename;
