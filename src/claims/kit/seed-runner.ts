/**
 * Who runs a claim's seeds. A claim cuts its trained work into jobs, one per (condition,
 * seed), each a {@link SeedTask} (a function of plain data that returns plain data) and its
 * payload; a {@link SeedRunner} runs the jobs and returns their results in job order. The
 * default runner, {@link sequentialSeedRunner}, calls each task here, one after another
 * (what every claim did before runners existed). The Node side of the library
 * (`rlhf-incentives/node`, `seedPool`) provides a runner that sends each job to a pool of
 * worker threads: a job travels as the task's address and its payload, and each seed makes
 * its own `Rng.fromSeed(seed)` inside the task, so the results do not depend on the runner.
 *
 *   export const mySeedTask = seedTask("myClaim.mySeedTask", (p: MyPayload, onStep) => …rows);
 *   const rows = await runSeedJobs(runner, mySeedTask, seeds.map((seed) => ({ seed, condition: "main", steps: 1, payload: { …, seed } })), onProgress);
 *
 * This module is browser-safe: it knows nothing of threads.
 */
import type { OnProgress } from "./seeds";
import { createWorld, type World, type WorldConfig } from "../../world";

/**
 * A unit of a claim's work that a worker thread can run: `run(payload)` with plain data in
 * and out (both must survive structured cloning). `address` is the task's dotted path under
 * the library's `claims` namespace (e.g. `"ratersNotOutcomes.ratersNotOutcomesSeedTask"`),
 * which is how a worker thread finds the same function.
 */
export interface SeedTask<P, R> {
  readonly address: string;
  /** Runs one job; `onStep` (when given) is told each finished step by a label. */
  run(payload: P, onStep?: (label: string) => void): R | Promise<R>;
}

/** Declares a task (see {@link SeedTask}); `address` must be where the task is exported under `claims`. */
export function seedTask<P, R>(address: string, run: (payload: P, onStep?: (label: string) => void) => R | Promise<R>): SeedTask<P, R> {
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/.test(address))
    throw new RangeError(`seed task address "${address}" is not a dotted path such as "ratersNotOutcomes.seedTask"`);
  return { address, run };
}

/** One job: the task's input and what names it (in progress lines and errors). */
export interface SeedJob<P> {
  payload: P;
  seed: number;
  /** The condition (or part of the claim) the job runs, e.g. "claim 1" or "rater, β = 0.1". */
  condition: string;
}

/** Callbacks a runner calls while jobs run (job indices into the job list). */
export interface SeedRunnerHooks {
  /** A step of job `index` finished (only runners that run tasks in this thread report steps). */
  onStep?: (index: number, label: string) => void;
  /** Job `index` finished (in completion order). */
  onDone?: (index: number) => void;
  /** The jobs are on their threads: this thread is free for other work until they finish (runners with threads only). */
  onStarted?: () => void;
}

/** Runs jobs of one task; results come back in job order, whichever order they finish in. */
export interface SeedRunner {
  /** "sequential", "pool", … (for provenance lines). */
  readonly name: string;
  /** Jobs that may run at once. */
  readonly workers: number;
  /** Runs every job; rejects with a {@link SeedJobError} naming the first failing job's seed and condition. */
  map<P, R>(task: SeedTask<P, R>, jobs: readonly SeedJob<P>[], hooks?: SeedRunnerHooks): Promise<R[]>;
}

/** A job's failure, naming its seed and condition; the original error is the `cause`. */
export class SeedJobError extends Error {
  constructor(
    readonly seed: number,
    readonly condition: string,
    readonly task: string,
    cause: unknown,
  ) {
    super(`seed ${seed}, ${condition} (${task}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "SeedJobError";
  }
}

/** The default runner: every job in this thread, one after another, reporting each step. */
export const sequentialSeedRunner: SeedRunner = {
  name: "sequential",
  workers: 1,
  async map<P, R>(task: SeedTask<P, R>, jobs: readonly SeedJob<P>[], hooks: SeedRunnerHooks = {}): Promise<R[]> {
    const out: R[] = [];
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      try {
        out.push(await task.run(job.payload, hooks.onStep ? (label) => hooks.onStep!(i, label) : undefined));
      } catch (e) {
        throw e instanceof SeedJobError ? e : new SeedJobError(job.seed, job.condition, task.address, e);
      }
      hooks.onDone?.(i);
    }
    return out;
  },
};

/** Options every claim's `run` accepts besides world, budget, seeds and progress. */
export interface ClaimRunOptions {
  /** Who runs the seeds (default {@link sequentialSeedRunner}). */
  runner?: SeedRunner;
  /** Called once the seed jobs run on threads (see {@link alongside}); internal to a claim's run. */
  onStarted?: () => void;
}

/**
 * Runs a claim's work of this thread (`here`: typically its exact incentive level) and its
 * seed jobs (`seeds`, given the `onStarted` hook to pass to the runner), returning both.
 * With a runner of one worker, `here` runs first and the seeds after it, as a sequential run
 * always did. With threads, the seeds start first and `here` runs once they are on their
 * threads, so the threads train while this thread computes. The results do not depend on
 * the order: the two parts share nothing but their inputs.
 */
export async function alongside<A, B>(
  runner: SeedRunner | undefined,
  here: () => A | Promise<A>,
  seeds: (onStarted: () => void) => Promise<B>,
): Promise<{ here: A; seeds: B }> {
  if (!runner || runner.workers <= 1) {
    const a = await here();
    return { here: a, seeds: await seeds(() => undefined) };
  }
  let started: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const pending = seeds(started);
  const settled = pending.then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([ready, settled]);
  // One more turn of the event loop, so the runner's messages to its threads are out.
  await new Promise((resolve) => setTimeout(resolve, 0));
  let a: A;
  try {
    a = await here();
  } catch (e) {
    await settled;
    throw e;
  }
  return { here: a, seeds: await pending };
}

/**
 * Runs `jobs` of `task` on `runner` (default sequential) with progress counted in steps:
 * job i is worth `steps[i]` steps (1 when absent); `onStarted` goes to the runner (see
 * {@link alongside}). A runner that reports steps moves the
 * count one step at a time; one that does not moves it by a whole job when the job
 * finishes, so `done` reaches `total` either way.
 */
export async function runSeedJobs<P, R>(
  runner: SeedRunner | undefined,
  task: SeedTask<P, R>,
  jobs: readonly (SeedJob<P> & { steps?: number })[],
  onProgress?: OnProgress,
  onStarted?: () => void,
): Promise<R[]> {
  const steps = jobs.map((j) => Math.max(1, j.steps ?? 1));
  const total = steps.reduce((a, b) => a + b, 0);
  const counted = jobs.map(() => 0);
  let done = 0;
  const name = (i: number) => `${jobs[i]!.condition}, seed ${jobs[i]!.seed}`;
  return (runner ?? sequentialSeedRunner).map(task, jobs, {
    onStep: (i, label) => {
      if (counted[i]! >= steps[i]!) return;
      counted[i]!++;
      onProgress?.(++done, total, `${name(i)}: ${label}`);
    },
    onDone: (i) => {
      const left = steps[i]! - counted[i]!;
      counted[i] = steps[i]!;
      done += left;
      if (left > 0) onProgress?.(done, total, name(i));
    },
    ...(onStarted ? { onStarted } : {}),
  });
}

/**
 * `build` with its last result kept: called again with arguments of the same JSON text, it
 * returns that result instead of building again. For what a job rebuilds in its thread from
 * plain data (a world, a slice): a pure function of its arguments, so keeping it changes no
 * number, and a thread running several jobs of one claim builds it once. Only the last
 * result is kept, so memory stays bounded however many different arguments come.
 */
export function keepLast<A extends unknown[], V>(build: (...args: A) => V): (...args: A) => V {
  let last: { key: string; value: V } | null = null;
  return (...args: A): V => {
    const key = JSON.stringify(args);
    if (last?.key !== key) last = { key, value: build(...args) };
    return last.value;
  };
}

/**
 * The world of a job's payload (`world.config` travels; the world is rebuilt from it, a
 * pure function of the config), kept for the thread's next job ({@link keepLast}).
 */
export const worldFromConfig: (config: WorldConfig) => World = keepLast((config: WorldConfig) => createWorld(config));
