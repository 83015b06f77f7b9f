/**
 * A claim's seeds on worker threads: a {@link SeedRunner} (claims/kit/seed-runner.ts) that
 * sends each job to the project's one pool ({@link ./pool}) as `runSeedJob` of
 * ./seed-job with the task's address and payload. Results come back in job order and are
 * the same as the sequential runner's (each job makes its own `Rng.fromSeed(seed)`).
 *
 *   const results = await claim.run(world, budget, seeds, progress, { runner: nb.seedPool() });
 *
 * Threads: `workers`, else the environment's `RLHF_WORKERS`, else the machine's cores
 * (`defaultWorkers()`), and never more than there are jobs. With one worker the jobs run
 * in this thread, one after another (the sequential runner: no thread is started), and so
 * does a single job. Threads use this thread's TensorFlow.js backend (none if it has none). A pool
 * is started for each `map` and closed when it ends, so nothing is left running. Threads
 * report a job when it finishes, not its steps.
 */
import { setMaxListeners } from "node:events";
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../errors";
import { SeedJobError, sequentialSeedRunner, type SeedJob, type SeedRunner, type SeedRunnerHooks, type SeedTask } from "../claims/kit/seed-runner";
import { checkWorkers, createPool, defaultWorkers } from "./pool";
import { resolveSeedTask, SEED_JOB_MODULE, type SeedJobPayload } from "./seed-job";

/** Options of {@link seedPool}. */
export interface SeedPoolOptions {
  /** Worker threads (default {@link seedWorkers}). */
  workers?: number;
}

/** The worker count from `RLHF_WORKERS` (an integer ≥ 1), else the machine's parallelism. */
export function seedWorkers(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env["RLHF_WORKERS"];
  if (raw === undefined || raw.trim() === "") return defaultWorkers();
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new ConfigError("RLHF_WORKERS", raw, "an integer in [1, 256]");
  return checkWorkers(n, "RLHF_WORKERS");
}

/** A runner that spreads jobs over worker threads (see the file comment). */
export function seedPool(options: SeedPoolOptions = {}): SeedRunner {
  const workers = options.workers === undefined ? seedWorkers() : checkWorkers(options.workers);
  if (workers === 1) return sequentialSeedRunner;
  return {
    name: "pool",
    workers,
    async map<P, R>(task: SeedTask<P, R>, jobs: readonly SeedJob<P>[], hooks: SeedRunnerHooks = {}): Promise<R[]> {
      if (jobs.length === 0) return [];
      if (resolveSeedTask(task.address) !== (task as unknown))
        throw new TypeError(`seed task ${task.address} is not the task exported at claims.${task.address}`);
      if (jobs.length === 1) return sequentialSeedRunner.map(task, jobs, hooks);
      // Threads use this thread's TensorFlow.js backend (a run's numbers depend on it); a
      // thread that never started one (claims of plain numbers) has threads that start none.
      const backend: string | null = tf.getBackend() || null;
      const threads = Math.min(workers, jobs.length);
      const pool = createPool({ workers: threads });
      const abort = new AbortController();
      // One abort listener per job: more than Node's default warning threshold (10) is expected.
      setMaxListeners(jobs.length + 1, abort.signal);
      let failure: SeedJobError | null = null;
      try {
        // Every thread loads the library and its backend first, so the jobs below go out to
        // ready threads at once (and `onStarted` may let this thread get busy).
        await Promise.all(Array.from({ length: threads }, () => pool.run({ module: SEED_JOB_MODULE, fn: "warmSeedThread", payload: { backend } })));
        const all = Promise.all(
          jobs.map(async (job, i) => {
            try {
              const r = await pool.run<R, SeedJobPayload>(
                { module: SEED_JOB_MODULE, fn: "runSeedJob", payload: { address: task.address, payload: job.payload, backend } },
                abort.signal,
              );
              hooks.onDone?.(i);
              return r;
            } catch (e) {
              // The first failure names its job; the jobs it aborts are not the cause.
              if (!failure) {
                failure = new SeedJobError(job.seed, job.condition, task.address, e);
                abort.abort(failure);
              }
              throw failure;
            }
          }),
        );
        hooks.onStarted?.();
        return await all;
      } finally {
        await pool.close();
      }
    },
  };
}
