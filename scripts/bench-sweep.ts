/**
 * Sweep benchmark: the same sweep (8 small DPO runs) on the worker pool with 1 thread and with
 * 2 threads, each into a fresh folder, side by side in runs per second (wall clock, thread
 * start-up included, as a user sees it). The rows of both must be identical (checked).
 *
 *   make bench-sweep        (node --import tsx scripts/bench-sweep.ts [--runs-per-seed …])
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runSweep } from "../src/node/sweep";

const SPEC = {
  name: "bench",
  base: { budget: { trainDocs: 400, heldOutDocs: 50, pairs: 150, hidden: [32, 32] } },
  grid: { labeller: ["rater", "oracle"], "trainer.beta": [0.1, 0.5] },
  seeds: "1-2",
};

async function timed(workers: number): Promise<{ seconds: number; runs: number; jsonl: string }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `rlhf-bench-sweep-${workers}-`));
  const t = performance.now();
  const r = await runSweep(SPEC, { out, engine: "pool", workers });
  const seconds = (performance.now() - t) / 1000;
  const jsonl = fs.readFileSync(r.files.jsonl, "utf8");
  fs.rmSync(out, { recursive: true, force: true });
  return { seconds, runs: r.executed, jsonl };
}

async function main(): Promise<void> {
  console.log(`sweep benchmark: ${os.availableParallelism()} cores available, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const one = await timed(1);
  const two = await timed(2);
  if (one.jsonl !== two.jsonl) throw new Error("rows differ between 1 and 2 workers");
  const rate = (x: { seconds: number; runs: number }) => x.runs / x.seconds;
  console.log("| workers | runs | seconds | runs/s |");
  console.log("| --- | --- | --- | --- |");
  for (const [w, x] of [[1, one], [2, two]] as const) console.log(`| ${w} | ${x.runs} | ${x.seconds.toFixed(1)} | ${rate(x).toFixed(3)} |`);
  console.log(`speed-up with 2 workers: ${(rate(two) / rate(one)).toFixed(2)}× (rows identical)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
