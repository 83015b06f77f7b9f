/**
 * Sweeps on one machine: the same rows sequentially and on the worker pool, nothing re-run
 * after completion, an interrupted sweep finished by a rerun, and a bad spec stopped before
 * any run with a message naming the field.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError } from "../../src/errors";
import { planSweep } from "../../src/claims/sweep/spec";
import { runSweep, runKey } from "../../src/node/sweep";
import { ROOT } from "../helpers/run";
import { TINY_SPEC } from "./tiny-spec";

const FILES = ["runs.jsonl", "runs.csv", "summary.csv", "summary.md"];

const made: string[] = [];
function tmp(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rlhf-sweep-${name}-`));
  made.push(dir);
  return dir;
}

const read = (dir: string) => Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));

describe("cli/sweep: runs on one machine", function () {
  this.timeout(300_000);
  let sequential: string;

  after(() => {
    for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  before(async () => {
    sequential = tmp("seq");
    const r = await runSweep(TINY_SPEC, { out: sequential, engine: "sequential" });
    expect(r.executed).to.equal(8);
  });

  it("plans 8 runs with distinct keys, one row each with parameters, seed and every metric", () => {
    const plan = planSweep(TINY_SPEC);
    expect(plan.runs).to.have.length(8);
    expect(new Set(plan.runs.map(runKey)).size).to.equal(8);
    const rows = fs
      .readFileSync(path.join(sequential, "runs.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).to.have.length(8);
    expect(rows.map((r) => r["key"])).to.deep.equal(plan.runs.map(runKey));
    for (const col of [
      "seed",
      "labeller",
      "trainer.beta",
      "world.answers",
      "budget.pairs",
      "trueUtility",
      "believedUtility",
      "kl",
      "sycophancyRate",
      "exaggerationRate",
      "hallucinationRate",
      "fabricationRate",
      "proxy",
      "base_trueUtility",
    ]) {
      expect(rows[0], col).to.have.property(col);
    }
    // The labeller changes what is learned: the rater's and the oracle's runs of one seed differ.
    const a = rows.find((r) => r["labeller"] === "rater" && r["seed"] === 1)!,
      b = rows.find((r) => r["labeller"] === "oracle" && r["seed"] === 1)!;
    expect(a["trueUtility"]).to.not.equal(b["trueUtility"]);
    expect(read(sequential)["summary.csv"]!.split("\n")[0]).to.match(/^labeller,trainer\.beta,trueUtility,trueUtility_lo,trueUtility_hi,/);
  });

  it("gives byte-identical files on the worker pool with 2 workers", async () => {
    const out = tmp("pool");
    const r = await runSweep(TINY_SPEC, { out, engine: "pool", workers: 2 });
    expect(r.executed).to.equal(8);
    expect(read(out)).to.deep.equal(read(sequential));
  });

  it("executes nothing on a rerun after completion, and leaves the files as they were", async () => {
    const before = read(sequential);
    const r = await runSweep(TINY_SPEC, { out: sequential, engine: "pool", workers: 2 });
    expect([r.executed, r.skipped]).to.deep.equal([0, 8]);
    expect(read(sequential)).to.deep.equal(before);
  });

  it("an interrupted sweep keeps its finished runs; a rerun finishes the rest with the same rows", async () => {
    const out = tmp("stop");
    const ac = new AbortController();
    const r1 = await runSweep(TINY_SPEC, { out, engine: "sequential", signal: ac.signal, onProgress: (p) => p.done === 3 && ac.abort() });
    expect(r1.interrupted).to.equal(true);
    expect(r1.executed).to.equal(3);
    expect(fs.readFileSync(path.join(out, "runs.jsonl"), "utf8").trim().split("\n")).to.have.length(3);
    // A half-written last line (a kill during the append) is dropped, not fatal.
    fs.appendFileSync(path.join(out, "runs.jsonl"), '{"key":"abc","se');
    const r2 = await runSweep(TINY_SPEC, { out, engine: "pool", workers: 2 });
    expect([r2.executed, r2.skipped, r2.interrupted]).to.deep.equal([5, 3, false]);
    expect(read(out)).to.deep.equal(read(sequential));
  });

  it("refuses an output folder another live sweep holds, and takes over a dead sweep's lock", async () => {
    const { spawn, spawnSync } = await import("node:child_process");
    const out = tmp("lock");
    const lock = path.join(out, ".lock");
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(lock, String(holder.pid));
      let error: unknown = null;
      await runSweep(TINY_SPEC, { out, engine: "sequential" }).catch((e: unknown) => (error = e));
      expect(String(error)).to.contain(`another sweep (pid ${holder.pid}) is writing ${out}`);
      expect(fs.existsSync(path.join(out, "runs.jsonl")), "nothing written").to.equal(false);
    } finally {
      holder.kill();
    }
    fs.writeFileSync(lock, String(spawnSync(process.execPath, ["-e", "0"]).pid));
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => void warnings.push(m);
    try {
      const r = await runSweep(TINY_SPEC, { out, engine: "sequential" });
      expect(r.executed).to.equal(8);
    } finally {
      console.warn = warn;
    }
    expect(warnings.join("\n")).to.contain("taking over a stale lock");
    expect(fs.existsSync(lock), "lock released").to.equal(false);
    expect(read(out)).to.deep.equal(read(sequential));
  });

  it("a bad spec fails before any run, naming the field, the value and the allowed range", async () => {
    const bad = (spec: unknown, pattern: RegExp) => {
      const out = tmp("bad");
      let err: unknown;
      return runSweep(spec, { out, engine: "sequential" })
        .catch((e: unknown) => (err = e))
        .then(() => {
          expect(err).to.be.instanceOf(ConfigError);
          expect(String((err as Error).message)).to.match(pattern);
          expect(fs.existsSync(path.join(out, "runs.jsonl")), "no run written").to.equal(false);
        });
    };
    await bad({ ...TINY_SPEC, grid: { "trainer.beta": [0.1, -1] } }, /grid\.trainer\.beta\[1\]: trainer\.beta = -1; allowed:/);
    await bad({ ...TINY_SPEC, grid: { "trainer.betta": [0.1] } }, /trainer\.betta = 0\.1; allowed: a known field/);
    await bad({ ...TINY_SPEC, grid: { "world.population.verify.lo": [0.1, 2] } }, /world\.population\.verify\.lo/);
    await bad({ ...TINY_SPEC, base: { budget: { pairs: 0 } } }, /base: budget\.pairs = 0; allowed: an integer in \[1, 1000000\]/);
    await bad({ ...TINY_SPEC, seeds: "3-1" }, /seeds = "3-1"/);
    await bad({ ...TINY_SPEC, sedes: [1] }, /sedes = \[1\]; allowed: a known spec field/);
    await bad({ ...TINY_SPEC, list: [{ labeller: "oracle", ablate: "sycophancy" }] }, /list\[0\]: ablate = "sycophancy"/);
  });

  it("the CLI exits 2 on a bad spec file with the same message, and prints --help for each command", () => {
    const dir = tmp("cli");
    const spec = path.join(dir, "bad.yaml");
    fs.writeFileSync(spec, "seeds: 1-2\ngrid:\n  trainer.beta: [0.1, -1]\n");
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, "bin", "rlhf.js"), ...args], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, RLHF_FROM_SOURCE: "1" },
        timeout: 120_000,
      });
    const r = cli("sweep", spec, "--out", path.join(dir, "out"));
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/grid\.trainer\.beta\[1\]: trainer\.beta = -1/);
    expect(fs.existsSync(path.join(dir, "out", "runs.jsonl"))).to.equal(false);
    for (const cmd of ["claim", "sweep", "worker"]) {
      const h = cli(cmd, "--help");
      expect(h.status, cmd).to.equal(0);
      expect(h.stdout).to.contain(`Usage: rlhf ${cmd}`);
    }
  });
});
