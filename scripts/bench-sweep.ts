/**
 * Sweep benchmark: the same sweep (8 small DPO runs) on the worker pool with 1 thread and with
 * 2 threads, side by side in runs per second, two ways:
 *   - "sweep": `runSweep` into a fresh folder, wall clock including thread start-up (each
 *     thread loads TensorFlow.js), as a user sees it;
 *   - "warm": the same jobs on a pool whose threads have already run one job each (throughput).
 * The rows of both worker counts must be identical (checked). The CPU column is process CPU
 * time over wall time: ≈ 2 means two cores were ours, less means other processes shared them.
 *
 *   make bench-sweep        (builds dist/, then node_modules/.bin/tsx scripts/bench-sweep.ts)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
// The compiled library (dist/, `make build`), as `npx rlhf sweep` runs it: threads started
// from TypeScript source would spend seconds loading tsx and transpiling.
import { claims } from "../dist";
import { createPool, runSweep, type PoolJob } from "../dist/node";
import { SWEEP_JOB_MODULE, type SweepJobPayload } from "../dist/node/sweep-job";

const planSweep = claims.sweep.planSweep;

const SPEC = {
  name: "bench",
  base: { budget: { trainDocs: 600, heldOutDocs: 50, pairs: 200, hidden: [32, 32] } },
  grid: { labeller: ["rater", "oracle"], "trainer.beta": [0.1, 0.5] },
  seeds: "1-2",
};

type Timing = { seconds: number; runs: number; cpu: number };

function clock(): () => { seconds: number; cpu: number } {
  const t = performance.now(),
    c = process.cpuUsage();
  return () => {
    const seconds = (performance.now() - t) / 1000;
    const u = process.cpuUsage(c);
    return { seconds, cpu: (u.user + u.system) / 1e6 / seconds };
  };
}

async function sweep(workers: number): Promise<Timing & { jsonl: string }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `rlhf-bench-sweep-${workers}-`));
  const stop = clock();
  const r = await runSweep(SPEC, { out, engine: "pool", workers });
  const t = stop();
  const jsonl = fs.readFileSync(r.files.jsonl, "utf8");
  fs.rmSync(out, { recursive: true, force: true });
  return { ...t, runs: r.executed, jsonl };
}

async function warm(workers: number): Promise<Timing> {
  const jobs: PoolJob<SweepJobPayload>[] = planSweep(SPEC).runs.map((r) => ({
    module: SWEEP_JOB_MODULE,
    fn: "runSweepJob",
    payload: { config: r.config, seed: r.seed },
  }));
  const pool = createPool({ workers });
  try {
    await pool.map(jobs.slice(0, workers)); // one job per thread: TensorFlow.js loaded everywhere
    const stop = clock();
    await pool.map(jobs);
    return { ...stop(), runs: jobs.length };
  } finally {
    await pool.close();
  }
}

async function main(): Promise<void> {
  console.log(
    `sweep benchmark: ${os.availableParallelism()} cores available, load average before ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  const s1 = await sweep(1);
  const s2 = await sweep(2);
  if (s1.jsonl !== s2.jsonl) throw new Error("rows differ between 1 and 2 workers");
  const w1 = await warm(1);
  const w2 = await warm(2);
  const rate = (x: Timing) => x.runs / x.seconds;
  console.log("| measure | workers | runs | seconds | runs/s | CPU/wall |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const [name, w, x] of [
    ["sweep", 1, s1],
    ["sweep", 2, s2],
    ["warm", 1, w1],
    ["warm", 2, w2],
  ] as const) {
    console.log(`| ${name} | ${w} | ${x.runs} | ${x.seconds.toFixed(1)} | ${rate(x).toFixed(3)} | ${x.cpu.toFixed(2)} |`);
  }
  console.log(
    `speed-up with 2 workers: sweep ${(rate(s2) / rate(s1)).toFixed(2)}×, warm ${(rate(w2) / rate(w1)).toFixed(2)}× (rows identical); load average after ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
