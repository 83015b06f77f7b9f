/**
 * `make bench`: performance figures, printed, never asserted in tests. A list of sections:
 *
 * 1. Steps per backend: for each TensorFlow.js backend present, a child process runs the
 *    same fixed jobs and reports steps per second and its peak memory (max resident set
 *    size), so the backends are compared side by side without sharing a heap.
 * 2. Roofline (wasm): GFLOP/s of a large plain matrix product and of transposed ones.
 * 3. Steps against the roofline (wasm): each step's rate, its matrix-product FLOPs
 *    (counted from the shapes of every product it runs, forward and backward) and the
 *    achieved fraction of the plain roofline.
 * 4. Scaling (wasm): the DPO step's cost against batch and sequence length; log-log slopes.
 * 5. PyTorch: the same steps in Debian's python3-torch (scripts/bench_torch.py), when it is
 *    importable, and the project ÷ PyTorch ratios; skipped with a note otherwise. A second
 *    column with Debian's OpenBLAS loaded first (LD_LIBRARY_PATH) when it is installed.
 * 6. Seeds on the pool: one claim's seeds (claim 2, full budget, 6 seeds) with 1 worker and
 *    on 2 worker threads, wall time (scripts/bench-seeds.ts in a child; needs dist/). Full
 *    budget, since at quick budgets thread start-up (≈ 3 s of CPU per thread) is most of it.
 *
 * Usage: tsx scripts/bench.ts [--only N,M] (sections by number)
 *        tsx scripts/bench.ts --backend NAME | --detail  (what a child process runs)
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { availableBackends, initBackend } from "../src/tf/backend";
import { Rng } from "../src/rng";
import type { TorchSpec } from "../src/bench/training";

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

/** Jobs registered by the library's areas (world, trainers). */
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

/** Child, section 1: the jobs on one backend. */
async function backendChild(backend: string): Promise<void> {
  const info = await initBackend(backend);
  const rng = Rng.fromSeed(1);
  const results = [mlpJob(rng.fork("mlp"), 200), ...(await extraJobs(rng))];
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ backend: info.name, results, peakMiB }) + "\n");
}

/** What the wasm child of sections 2–4 reports. */
interface Detail {
  roofline: { plain: number; transposedA: number; transposedB: number };
  steps: { name: string; detail: string; perSecond: number; mflop: number; products: number; transposed: number; torch?: TorchSpec }[];
  scaling: Awaited<ReturnType<typeof import("../src/bench/training").dpoScaling>>;
}

/** Child, sections 2–4, on the wasm backend. */
async function detailChild(): Promise<void> {
  await initBackend("wasm");
  const { matMulGflops, countMatMulFlops } = await import("../src/bench/roofline");
  const { standardBenches, timeBench, dpoScaling } = await import("../src/bench/training");
  const roofline = { plain: matMulGflops(512), transposedA: matMulGflops(512, true, false, 2), transposedB: matMulGflops(512, false, true, 2) };
  const steps: Detail["steps"] = [];
  for (const make of standardBenches()) {
    const b = make();
    b.run(); // warm-up (optimiser slots)
    const f = countMatMulFlops(b.run);
    b.dispose();
    const r = timeBench(make);
    steps.push({ ...r, mflop: f.flops / 1e6, products: f.products, transposed: f.transposed });
  }
  const out: Detail = { roofline, steps, scaling: dpoScaling() };
  process.stdout.write(JSON.stringify(out) + "\n");
}

/** Runs this script as a child with `args`; its last stdout line parsed as JSON, or null. */
function child<T>(args: string[], label: string): T | null {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, ...args], { encoding: "utf8", cwd: path.resolve(__dirname, ".."), maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    process.stderr.write(`bench: ${label} failed:\n${r.stderr}\n`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as T;
}

const pad = (s: string, w: number) => s.padEnd(w);
const num = (x: number, d = 1) => x.toFixed(d);

interface Context { detail: Detail | null | undefined }

/** Section 1. */
async function stepsPerBackend(): Promise<void> {
  const backends = await availableBackends();
  const rows: { backend: string; results: JobResult[]; peakMiB: number }[] = [];
  for (const b of backends) {
    process.stderr.write(`bench: ${b}…\n`);
    const r = child<(typeof rows)[number]>(["--backend", b], b);
    if (r) rows.push(r);
  }
  const jobs = rows[0]?.results.map((j) => `${j.job} (${j.detail})`) ?? [];
  const w = Math.max(30, ...jobs.map((j) => j.length));
  console.log(`${"job".padEnd(w)} ${rows.map((r) => r.backend.padStart(14)).join("")}`);
  jobs.forEach((j, i) => {
    console.log(`${j.padEnd(w)} ${rows.map((r) => `${r.results[i]!.stepsPerSecond.toFixed(1)}/s`.padStart(14)).join("")}`);
  });
  console.log(`${"peak memory (max RSS)".padEnd(w)} ${rows.map((r) => `${r.peakMiB.toFixed(0)} MiB`.padStart(14)).join("")}`);
  const missing = ["tensorflow", "wasm", "cpu"].filter((b) => !backends.includes(b as never));
  if (missing.length) console.log(`(not installed here: ${missing.join(", ")})`);
}

/** Runs the wasm detail child once for sections 2–5. */
function detail(ctx: Context): Detail | null {
  if (ctx.detail === undefined) {
    process.stderr.write("bench: wasm detail (roofline, FLOPs, scaling)…\n");
    ctx.detail = child<Detail>(["--detail"], "wasm detail");
  }
  return ctx.detail;
}

/** Section 2. */
function roofline(ctx: Context): void {
  const d = detail(ctx);
  if (!d) return void console.log("(wasm backend not available)");
  console.log(`512 × 512 × 512 products, best of 5 rounds (2n³ FLOPs each):`);
  console.log(`  plain                ${num(d.roofline.plain)} GFLOP/s   ← the roofline below`);
  console.log(`  first input transposed  ${num(d.roofline.transposedA)} GFLOP/s`);
  console.log(`  second input transposed ${num(d.roofline.transposedB)} GFLOP/s`);
}

/** Section 3. */
function stepsVsRoofline(ctx: Context): void {
  const d = detail(ctx);
  if (!d) return;
  const w = Math.max(...d.steps.map((s) => `${s.name} (${s.detail})`.length));
  console.log(`${pad("step", w)}   steps/s  MFLOP/step  products (transposed)  GFLOP/s  of roofline`);
  for (const s of d.steps) {
    const g = (s.mflop * s.perSecond) / 1000;
    console.log(`${pad(`${s.name} (${s.detail})`, w)} ${num(s.perSecond).padStart(9)} ${num(s.mflop, 2).padStart(11)} ${`${s.products} (${s.transposed})`.padStart(22)} ${num(g, 2).padStart(8)} ${`${num((100 * g) / d.roofline.plain)}%`.padStart(12)}`);
  }
  const exact = d.steps.find((s) => s.name.startsWith("exact evaluation"));
  if (exact) console.log(`exact evaluation of a network policy on the world: ${num(1000 / exact.perSecond)} ms CPU (target ≤ 50 ms)`);
  console.log("FLOPs: 2·batch·m·k·n of every matrix product one step runs (forward and backward), from the");
  console.log("shapes seen by the BatchMatMul kernel; elementwise work is not counted. Rates: median of 5 rounds of CPU time.");
}

/** Section 4. */
function scaling(ctx: Context): void {
  const d = detail(ctx);
  if (!d) return;
  const s = d.scaling;
  const ms = (x: number) => `${(1000 * x).toFixed(2)} ms`;
  console.log(`DPO step, sequences of exactly the given length (median of 3 rounds):`);
  console.log(`  batch (pairs, length 10): ${s.batch.map((p) => `${p.batch}: ${ms(p.seconds)}`).join("  ")}   log-log slope ${num(s.batchSlope, 2)}`);
  console.log(`  length (batch 64):        ${s.length.map((p) => `${p.length}: ${ms(p.seconds)}`).join("  ")}   log-log slope ${num(s.lengthSlope, 2)}`);
  console.log(`  (slope 1 = cost linear in the work; fixed per-step overhead pulls it below 1 at small sizes)`);
}

/** Section 5. */
function pytorch(ctx: Context): void {
  // Debian's package installs into /usr/bin/python3, which another python3 on PATH may shadow.
  const candidates = [...new Set([process.env["PYTHON"], "python3", "/usr/bin/python3"].filter((p): p is string => !!p))];
  const py = candidates.find((p) => spawnSync(p, ["-c", "import torch"], { encoding: "utf8" }).status === 0);
  if (py === undefined) {
    console.log(`skipped: PyTorch is not importable by ${candidates.join(", ")} (on Debian: apt-get install python3-torch).`);
    return;
  }
  const d = detail(ctx);
  if (!d) return;
  const jobs = d.steps.filter((s) => s.torch).map((s) => ({ name: s.name, spec: s.torch }));
  type TorchResult = { torch: string; threads: number; blas: string; rates: Record<string, number> };
  const runTorch = (label: string, env: NodeJS.ProcessEnv): TorchResult | null => {
    process.stderr.write(`bench: PyTorch (${label})…\n`);
    const r = spawnSync(py, [path.join(__dirname, "bench_torch.py")], { input: JSON.stringify(jobs), encoding: "utf8", maxBuffer: 1 << 24, env });
    if (r.status !== 0) {
      console.log(`PyTorch bench (${label}) failed:\n${r.stderr}`);
      return null;
    }
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as TorchResult;
  };
  const t = runTorch("as installed", process.env);
  if (!t) return;
  // The same steps with Debian's OpenBLAS, when installed, loaded ahead of the system's
  // libblas.so.3 for this run only (the alternatives system is left as it is), one thread.
  const openblasDir = ["/usr/lib/x86_64-linux-gnu/openblas-pthread", "/usr/lib/aarch64-linux-gnu/openblas-pthread"].find((dir) => fs.existsSync(path.join(dir, "libblas.so.3")));
  const o = openblasDir ? runTorch("OpenBLAS", { ...process.env, LD_LIBRARY_PATH: [openblasDir, process.env["LD_LIBRARY_PATH"]].filter(Boolean).join(":"), OPENBLAS_NUM_THREADS: "1" }) : null;
  console.log(`PyTorch ${t.torch} on CPU, ${t.threads} thread (the wasm backend uses one), BLAS as installed: ${t.blas}`);
  if (o) console.log(`second column: the same with OpenBLAS loaded first (LD_LIBRARY_PATH, 1 thread): ${o.blas}`);
  else console.log(`(no OpenBLAS column: Debian's libopenblas0-pthread is not installed; note that installing it also points the system's libblas.so.3 at it)`);
  const w = Math.max(...d.steps.map((s) => `${s.name} (${s.detail})`.length));
  console.log(`${pad("step", w)}  project/s  PyTorch/s  project ÷ PyTorch${o ? "  PyTorch+OpenBLAS/s  project ÷ it" : ""}`);
  for (const s of d.steps) {
    const p = t.rates[s.name];
    if (p === undefined) continue;
    const q = o?.rates[s.name];
    const extra = o && q !== undefined ? `${num(q).padStart(20)} ${`${num(s.perSecond / q, 2)}×`.padStart(14)}` : "";
    console.log(`${pad(`${s.name} (${s.detail})`, w)} ${num(s.perSecond).padStart(10)} ${num(p).padStart(10)} ${`${num(s.perSecond / p, 2)}×`.padStart(18)}${extra}`);
  }
  console.log("Same shapes and computation, random data; PyTorch's features are built once outside the step.");
}

/** Section 6: scripts/bench-seeds.ts in a child process (it imports dist/, the library as users get it). */
function seedPoolSection(): void {
  const args = ["--claim", "2", "--seeds", "6", "--full", "--seeds-only", "--rounds", "2", "--json"];
  process.stderr.write("bench: claim 2's seeds, 1 worker vs 2 threads (≈ 2 minutes)…\n");
  const r = spawnSync(process.execPath, [...process.execArgv, path.join(__dirname, "bench-seeds.ts"), ...args], { encoding: "utf8", cwd: path.resolve(__dirname, ".."), maxBuffer: 1 << 24 });
  if (r.status !== 0) return void console.log(`seed benchmark failed:\n${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  const s = JSON.parse(lines.pop()!) as import("./bench-seeds").SeedBenchSummary;
  for (const line of lines) console.log(line);
  console.log(`claim ${s.claim}'s trained seeds (${s.mode} budget, ${s.seeds} seeds): 1 worker ${num(s.oneWorker)} s, 2 threads ${num(s.twoWorkers)} s wall → ×${num(s.speedUp, 2)} (thread start-up included; results checked identical)`);
}

/** The sections, in print order. */
const SECTIONS: { title: string; run: (ctx: Context) => void | Promise<void> }[] = [
  { title: "Steps per second, per backend", run: stepsPerBackend },
  { title: "The wasm backend's roofline", run: roofline },
  { title: "Each step against the roofline (wasm)", run: stepsVsRoofline },
  { title: "How the step cost scales (wasm)", run: scaling },
  { title: "Against PyTorch", run: pytorch },
  { title: "A claim's seeds: one worker vs the pool", run: seedPoolSection },
];

async function parent(only: number[] | null): Promise<void> {
  const ctx: Context = { detail: undefined };
  console.log(`make bench — ${new Date().toISOString().slice(0, 16)}Z, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}`);
  console.log("Training-step rates and GFLOP/s are per second of the process's CPU time (steadier than wall time on a shared machine).");
  for (const [i, s] of SECTIONS.entries()) {
    if (only && !only.includes(i + 1)) continue;
    console.log(`\n## ${i + 1}. ${s.title}\n`);
    await s.run(ctx);
  }
}

const argv = process.argv;
const bi = argv.indexOf("--backend");
const oi = argv.indexOf("--only");
const main = bi >= 0 ? backendChild(argv[bi + 1] ?? "") : argv.includes("--detail") ? detailChild() : parent(oi >= 0 ? argv[oi + 1]!.split(",").map(Number) : null);
main.catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
