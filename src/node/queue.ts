/**
 * The job queue for sweeps beyond one machine: BullMQ on Redis. The submitting process puts
 * one job per run on the queue (job id = the run's key, so a resubmitted run is not queued
 * twice and a finished one returns its stored result), waits for each result and writes it
 * as the other engines do; `rlhf worker` processes on any machines take jobs and run each on
 * their own worker-thread pool (so the event loop stays free to renew the job's lock).
 *
 * A killed worker's job is not lost: its lock expires after `lockDuration` and another worker
 * takes it again (BullMQ's stalled-job check). Results stay in Redis for a week
 * (`removeOnComplete`), so a submitter that was interrupted and restarted collects them.
 */
import { Queue, QueueEvents, Worker, type Job } from "bullmq";
import IORedis from "ioredis";
import { ConfigError } from "../errors";
import { createPool, defaultWorkers, checkWorkers } from "./pool";
import { SWEEP_JOB_MODULE, type SweepJobPayload } from "./sweep-job";

/** Default queue name. */
export const DEFAULT_QUEUE = "rlhf-sweep";

const WEEK = 7 * 24 * 3600;

/** A Redis connection for BullMQ (workers need `maxRetriesPerRequest: null`). */
export function redisConnection(url: string): IORedis {
  if (!/^rediss?:\/\//.test(url)) throw new ConfigError("queue", url, "a redis://host:port URL");
  return new IORedis(url, { maxRetriesPerRequest: null });
}

/** One queued run. */
export interface QueuedRun {
  key: string;
  payload: SweepJobPayload;
}

/**
 * Submits `runs` and calls `onResult(result, index)` as each finishes (in completion order).
 * Resolves when all have; rejects when one fails for good (after `attempts` tries) or
 * `signal` aborts (queued jobs stay on the queue for the next submission to collect).
 */
export async function runOnQueue(
  runs: readonly QueuedRun[],
  o: { url: string; name?: string; signal?: AbortSignal; attempts?: number },
  onResult: (result: unknown, index: number) => void,
): Promise<void> {
  const name = o.name ?? DEFAULT_QUEUE;
  const connection = redisConnection(o.url);
  const eventsConnection = redisConnection(o.url);
  const events = new QueueEvents(name, { connection: eventsConnection });
  const queue = new Queue(name, { connection });
  try {
    await events.waitUntilReady();
    events.setMaxListeners(runs.length * 2 + 10);
    const jobs = await queue.addBulk(
      runs.map((r) => ({
        name: "run",
        data: r.payload,
        opts: { jobId: r.key, attempts: o.attempts ?? 2, removeOnComplete: { age: WEEK }, removeOnFail: { age: WEEK } },
      })),
    );
    // A job left failed by an earlier submission keeps its id: retry it.
    for (const job of jobs) if ((await job.getState()) === "failed") await job.retry();
    const aborted = new Promise<never>((_, reject) => {
      if (o.signal?.aborted) reject(o.signal.reason);
      o.signal?.addEventListener("abort", () => reject(o.signal!.reason ?? new Error("aborted")), { once: true });
    });
    aborted.catch(() => undefined);
    await Promise.race([
      Promise.all(
        jobs.map(async (job: Job, i: number) => {
          const result = await job.waitUntilFinished(events);
          onResult(result, i);
        }),
      ),
      aborted,
    ]);
  } finally {
    await queue.close();
    await events.close();
    connection.disconnect();
    eventsConnection.disconnect();
  }
}

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  url: string;
  name?: string;
  /** Runs at a time on this machine (pool threads; default: the machine's parallelism). */
  workers?: number;
  /** Milliseconds a job's lock lasts without renewal before another worker may take it (default 30000). */
  lockDuration?: number;
  /** Called when a job starts and ends (for log lines). */
  onEvent?: (event: "start" | "done" | "failed", key: string, detail?: string) => void;
}

/** A running queue worker. */
export interface QueueWorker {
  /** Finishes running jobs and stops. */
  close(): Promise<void>;
}

/** Starts taking runs from the queue. */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  const workers = o.workers === undefined ? defaultWorkers() : checkWorkers(o.workers);
  const lockDuration = o.lockDuration ?? 30_000;
  if (!Number.isInteger(lockDuration) || lockDuration < 500) throw new ConfigError("lockDuration", lockDuration, "an integer ≥ 500 (milliseconds)");
  const pool = createPool({ workers });
  const connection = redisConnection(o.url);
  const worker = new Worker(
    o.name ?? DEFAULT_QUEUE,
    async (job: Job<SweepJobPayload>) => {
      o.onEvent?.("start", job.id ?? "?");
      return pool.run({ module: SWEEP_JOB_MODULE, fn: "runSweepJob", payload: job.data });
    },
    { connection, concurrency: workers, lockDuration, stalledInterval: Math.max(250, Math.floor(lockDuration / 2)), maxStalledCount: 10 },
  );
  worker.on("completed", (job) => o.onEvent?.("done", job.id ?? "?"));
  worker.on("failed", (job, err) => o.onEvent?.("failed", job?.id ?? "?", err.message));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await pool.close();
      connection.disconnect();
    },
  };
}
