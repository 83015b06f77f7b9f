/**
 * `make bench`: performance figures, printed, never asserted in tests.
 *
 * For each TensorFlow.js backend present, a child process runs the same fixed jobs and
 * reports steps per second and its peak memory (max resident set size), so the
 * backends are compared side by side without sharing a heap.
 *
 * Usage: tsx scripts/bench.ts [--backend NAME] (one backend only, as a child does)
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { availableBackends, initBackend } from "../src/tf/backend";
import { Rng } from "../src/rng";

interface JobResult { job: string; detail: string; stepsPerSecond: number }

/** The fixed small job: MLP 16→64→64→1, batch 256, Adam, squared error. */
function mlpJob(rng: Rng, steps: number): JobResult {
  const glorot = (fanIn: number, fanOut: number) =>
    tf.variable(tf.tensor2d(Array.from({ length: fanIn * fanOut }, () => rng.normal(0, Math.sqrt(2 / (fanIn + fanOut)))), [fanIn, fanOut]));
  const w1 = glorot(16, 64), w2 = glorot(64, 64), w3 = glorot(64, 1);
  const x = tf.tensor2d(Array.from({ length: 256 * 16 }, () => rng.normal()), [256, 16]);
  const y = tf.tensor2d(Array.from({ length: 256 }, () => rng.normal()), [256, 1]);
  const opt = tf.train.adam(1e-3);
  const step = () => {
    const cost = opt.minimize(() => tf.losses.meanSquaredError(y, tf.relu(tf.relu(x.matMul(w1)).matMul(w2)).matMul(w3)) as tf.Scalar, true);
    cost?.dataSync();
    cost?.dispose();
  };
  for (let i = 0; i < 10; i++) step(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const secs = (performance.now() - t0) / 1000;
  tf.dispose([w1, w2, w3, x, y]);
  opt.dispose();
  return { job: "MLP 16-64-64-1", detail: "batch 256, Adam", stepsPerSecond: steps / secs };
}

/**
 * The world's figures (src/bench/world.ts exports `benchWorld`, a plain function): rater
 * comparisons per second, and exact enumerations of the default world per second. The
 * world uses no tensors, so these are the same job under every backend (a sanity check on
 * the machine's load as much as a figure).
 */
function worldJobs(benchWorld: WorldBenchFn): JobResult[] {
  benchWorld(undefined, 2000, 1); // warm-up (JIT), discarded
  const runs = 3;
  let comparisons = 0;
  let ms = 0;
  let shape = "";
  for (let i = 0; i < runs; i++) {
    const b = benchWorld(undefined, 20000, i);
    comparisons += b.comparisonsPerSecond / runs;
    ms += b.exactEnumerationMs / runs;
    shape = `${b.contexts} contexts × ${b.states} states`;
  }
  return [
    { job: "world: rater comparisons", detail: "rater, query, 2 outputs, judge", stepsPerSecond: comparisons },
    { job: "world: exact enumeration", detail: `runs; ${shape}`, stepsPerSecond: 1000 / ms },
  ];
}
type WorldBenchFn = typeof import("../src/bench/world").benchWorld;

/** Extra jobs registered by the library's areas (world, trainers) once they exist. */
async function extraJobs(rng: Rng): Promise<JobResult[]> {
  const out: JobResult[] = [];
  for (const mod of ["../src/bench/training", "../src/bench/world"]) {
    let m: { benchJobs?: (rng: Rng) => Promise<JobResult[]> | JobResult[]; benchWorld?: WorldBenchFn };
    try {
      m = (await import(mod)) as typeof m;
    } catch {
      continue;
    }
    if (m.benchJobs) out.push(...(await m.benchJobs(rng.fork(mod))));
    else if (m.benchWorld) out.push(...worldJobs(m.benchWorld));
  }
  return out;
}

async function child(backend: string): Promise<void> {
  const info = await initBackend(backend);
  const rng = Rng.fromSeed(1);
  const results = [mlpJob(rng.fork("mlp"), 200), ...(await extraJobs(rng))];
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ backend: info.name, results, peakMiB }) + "\n");
}

async function parent(): Promise<void> {
  const backends = await availableBackends();
  const rows: { backend: string; results: JobResult[]; peakMiB: number }[] = [];
  for (const b of backends) {
    process.stderr.write(`bench: ${b}…\n`);
    const r = spawnSync(process.execPath, [...process.execArgv, __filename, "--backend", b], { encoding: "utf8", cwd: path.resolve(__dirname, "..") });
    if (r.status !== 0) {
      process.stderr.write(`bench: ${b} failed:\n${r.stderr}\n`);
      continue;
    }
    const last = r.stdout.trim().split("\n").pop()!;
    rows.push(JSON.parse(last) as (typeof rows)[number]);
  }
  const jobs = rows[0]?.results.map((j) => `${j.job} (${j.detail})`) ?? [];
  const w = Math.max(30, ...jobs.map((j) => j.length));
  console.log(`\n${"job".padEnd(w)} ${rows.map((r) => r.backend.padStart(14)).join("")}`);
  jobs.forEach((j, i) => {
    console.log(`${j.padEnd(w)} ${rows.map((r) => `${r.results[i]!.stepsPerSecond.toFixed(1)}/s`.padStart(14)).join("")}`);
  });
  console.log(`${"peak memory (max RSS)".padEnd(w)} ${rows.map((r) => `${r.peakMiB.toFixed(0)} MiB`.padStart(14)).join("")}`);
  const missing = ["tensorflow", "wasm", "cpu"].filter((b) => !backends.includes(b as never));
  if (missing.length) console.log(`(not installed here: ${missing.join(", ")})`);
}

const i = process.argv.indexOf("--backend");
(i >= 0 ? child(process.argv[i + 1] ?? "") : parent()).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
