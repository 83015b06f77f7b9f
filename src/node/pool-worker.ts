/**
 * The one task function of every pool thread ({@link ./pool}): loads the job's module (once
 * per thread, cached by Node's module registry), looks up the named export and calls it
 * with the payload. What it returns goes back to the caller by structured clone.
 */
import type { PoolJob } from "./pool";

export default async function runPoolJob(job: PoolJob): Promise<unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(job.module) as Record<string, unknown>;
  const fn = mod[job.fn];
  if (typeof fn !== "function") throw new TypeError(`pool job: ${job.module} has no exported function "${job.fn}"`);
  return await (fn as (payload: unknown) => unknown)(job.payload);
}
