/**
 * The job a pool thread runs for {@link ./seed-pool}: finds the claim task at its address
 * under the library's `claims` namespace and runs it with the payload. The thread uses the
 * TensorFlow.js backend the caller's thread was using (chosen once per thread), so a job's
 * numbers are those the caller would get running it itself; a caller with no backend (a
 * claim of plain numbers, such as claim 5) has threads that start none.
 */
import * as claims from "../claims";
import { initBackend } from "../tf/backend";
import type { SeedTask } from "../claims/kit/seed-runner";

/** What a seed job carries to a thread. */
export interface SeedJobPayload {
  address: string;
  payload: unknown;
  /** The caller's TensorFlow.js backend (null: the caller has none, so its tasks use no tensors). */
  backend: string | null;
}

/** The task at `address` (a dotted path under `claims`); throws naming the address if there is none. */
export function resolveSeedTask(address: string): SeedTask<unknown, unknown> {
  let node: unknown = claims;
  for (const key of address.split(".")) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  const task = node as Partial<SeedTask<unknown, unknown>> | undefined;
  if (!task || task.address !== address || typeof task.run !== "function") throw new TypeError(`no seed task is exported at claims.${address}`);
  return task as SeedTask<unknown, unknown>;
}

/** Starts the caller's backend in this thread (once; nothing when the caller has none). */
async function useBackend(backend: string | null): Promise<void> {
  if (backend === null) return;
  const info = await initBackend(backend);
  if (info.name !== backend) throw new Error(`pool thread: backend ${info.name}, but the caller uses ${backend}`);
}

/** Loads this thread's library and backend (the pool's first job on each thread). */
export async function warmSeedThread(p: { backend: string | null }): Promise<void> {
  await useBackend(p.backend);
}

/** Runs one seed job in this thread. */
export async function runSeedJob(p: SeedJobPayload): Promise<unknown> {
  await useBackend(p.backend);
  return resolveSeedTask(p.address).run(p.payload);
}

/** This module's path, for pool jobs (the .ts file under tsx, the .js file from dist/). */
export const SEED_JOB_MODULE = __filename;
