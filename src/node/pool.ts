/**
 * One worker-thread pool (piscina) for every parallel loop of the project: sweeps run one
 * job per run, notebooks can run one job per seed. A job names a module and one of its
 * exported functions and carries a payload that survives structured cloning; the function
 * runs in a worker thread and its result comes back the same way. Each job carries its own
 * seed inside its payload, so results do not depend on which thread ran it, and `map`
 * returns them in the order of the jobs: a pool run equals a sequential run
 * ({@link runSequential}) byte for byte.
 *
 *   const pool = createPool({ workers: 2 });
 *   const rows = await pool.map(seeds.map((seed) => ({ module: __filename, fn: "runSeed", payload: { seed } })));
 *   await pool.close();
 *
 * Under tsx (a `.ts` module, as in tests and `npx tsx` scripts) the threads load tsx first,
 * so `module` may be a TypeScript file; from the built dist/ they run plain JavaScript.
 */
import * as os from "node:os";
import * as path from "node:path";
import { Piscina } from "piscina";
import { ConfigError } from "../errors";

/** A unit of work: `require(module)[fn](payload)`. */
export interface PoolJob<P = unknown> {
  /** Absolute path (or package specifier) of a CommonJS module or a .ts file under tsx. */
  module: string;
  /** Name of an exported function of that module (sync or async). */
  fn: string;
  /** Its argument; must survive structured cloning (plain data). */
  payload: P;
}

/** Options of {@link createPool}. */
export interface PoolOptions {
  /** Worker threads (default: {@link defaultWorkers}). Integer in [1, 256]. */
  workers?: number;
  /**
   * Load tsx in the threads, so job modules may be TypeScript files (default: true when this
   * module itself runs from source under tsx, false from the compiled dist/).
   */
  typescript?: boolean;
  /** Extra environment for the threads (default: the process's). */
  env?: Record<string, string>;
}

/** A running pool. */
export interface Pool {
  /** Number of worker threads. */
  readonly workers: number;
  /** Runs one job in a thread (`signal` aborts it: queued jobs are dropped, a running one's thread is stopped). */
  run<R = unknown, P = unknown>(job: PoolJob<P>, signal?: AbortSignal): Promise<R>;
  /**
   * Runs every job (at most `workers` at a time) and returns results in job order.
   * `onResult` is called as each finishes (in completion order) with its index.
   */
  map<R = unknown, P = unknown>(jobs: readonly PoolJob<P>[], onResult?: (result: R, index: number) => void, signal?: AbortSignal): Promise<R[]>;
  /** Waits for running jobs and stops the threads. */
  close(): Promise<void>;
}

/** The machine's parallelism (os.availableParallelism: cores this process may use). */
export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism());
}

/** Checks a worker count (a ConfigError naming `field` otherwise). */
export function checkWorkers(workers: unknown, field = "workers"): number {
  if (typeof workers !== "number" || !Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new ConfigError(field, workers, "an integer in [1, 256]");
  }
  return workers;
}

/** True when this code runs from TypeScript source (tsx), so threads need tsx too. */
function fromSource(): boolean {
  return __filename.endsWith(".ts");
}

/** Starts a pool of worker threads. */
export function createPool(options: PoolOptions = {}): Pool {
  const workers = checkWorkers(options.workers ?? defaultWorkers());
  const source = fromSource();
  const typescript = options.typescript ?? source;
  const filename = path.join(__dirname, source ? "pool-worker.ts" : "pool-worker.js");
  const piscina = new Piscina({
    filename,
    minThreads: workers,
    maxThreads: workers,
    // Idle threads stay up (a thread's first job pays for loading TensorFlow.js).
    idleTimeout: 60_000,
    ...(typescript ? { execArgv: ["--import", "tsx"] } : {}),
    ...(options.env ? { env: { ...process.env, ...options.env } as Record<string, string> } : {}),
  });
  const run = <R, P>(job: PoolJob<P>, signal?: AbortSignal): Promise<R> => piscina.run(job, signal ? { signal } : {}) as Promise<R>;
  return {
    workers,
    run,
    async map<R, P>(jobs: readonly PoolJob<P>[], onResult?: (result: R, index: number) => void, signal?: AbortSignal): Promise<R[]> {
      return Promise.all(
        jobs.map(async (job, i) => {
          const r = await run<R, P>(job, signal);
          onResult?.(r, i);
          return r;
        }),
      );
    },
    async close() {
      await piscina.close();
    },
  };
}

/** The same jobs one after another in this thread (the reference a pool run must equal); `signal` stops before the next job. */
export async function runSequential<R = unknown, P = unknown>(
  jobs: readonly PoolJob<P>[],
  onResult?: (result: R, index: number) => void,
  signal?: AbortSignal,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < jobs.length; i++) {
    // Yield to the event loop, so a signal handler (Ctrl-C) can run between jobs.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw signal.reason ?? new Error("aborted");
    const job = jobs[i]!;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn = (require(job.module) as Record<string, unknown>)[job.fn];
    if (typeof fn !== "function") throw new TypeError(`job: ${job.module} has no exported function "${job.fn}"`);
    const r = (await (fn as (p: P) => unknown)(job.payload)) as R;
    onResult?.(r, i);
    out.push(r);
  }
  return out;
}
