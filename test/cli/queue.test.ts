/**
 * Sweeps through the job queue: BullMQ on a redis-server this test starts on loopback (and
 * stops), with 2 `rlhf worker` processes. The rows must equal a sequential run's byte for
 * byte, and a worker killed in the middle of a run must lose nothing.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runSweep } from "../../src/node/sweep";
import { ROOT } from "../helpers/run";
import { redisServerPath, startRedis, type RedisServer } from "../helpers/redis";
import { TINY_SPEC } from "./tiny-spec";

const FILES = ["runs.jsonl", "runs.csv", "summary.csv", "summary.md"];
const read = (dir: string) => Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));
const made: string[] = [];
const tmp = (name: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rlhf-queue-${name}-`));
  made.push(dir);
  return dir;
};

/** An `rlhf worker` process (from source) with its output collected. */
interface WorkerProc {
  child: ChildProcess;
  out: () => string;
  /** Resolves when the worker prints a line matching `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
}

function startWorker(url: string, queueName: string, lockMs: number): WorkerProc {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "bin", "rlhf.js"), "worker", "--queue", url, "--queue-name", queueName, "--workers", "1", "--lock-ms", String(lockMs)],
    {
      cwd: ROOT,
      env: { ...process.env, RLHF_FROM_SOURCE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  const waiters: { re: RegExp; resolve: (s: string) => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) {
      const m = w.re.exec(out);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m[0]);
      }
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  return {
    child,
    out: () => out,
    waitFor: (re, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const m = re.exec(out);
        if (m) return resolve(m[0]);
        const timer = setTimeout(() => reject(new Error(`worker did not print ${re} within ${timeoutMs} ms:\n${out}`)), timeoutMs);
        waiters.push({ re, resolve: (s) => (clearTimeout(timer), resolve(s)) });
      }),
  };
}

async function stopWorker(w: WorkerProc): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => w.child.kill("SIGKILL"), 30_000);
    w.child.once("exit", () => (clearTimeout(t), resolve()));
    w.child.kill("SIGTERM");
  });
}

describe("cli/queue: sweeps through BullMQ on Redis with worker processes", function () {
  this.timeout(600_000);
  const binary = redisServerPath();
  let redis: RedisServer | null = null;
  let sequential: string;
  const workers: WorkerProc[] = [];

  before(async function () {
    if (!binary) {
      if (process.env["CI"] === "true") throw new Error("redis-server is missing (scripts/ensure-redis.sh installs it)");
      console.log("    (skipped: no redis-server; apt-get install redis-server, or run make test as root)");
      this.skip();
    }
    redis = await startRedis(binary!);
    sequential = tmp("seq");
    await runSweep(TINY_SPEC, { out: sequential, engine: "sequential" });
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map(stopWorker));
  });

  after(async () => {
    await Promise.all(workers.splice(0).map(stopWorker));
    await redis?.stop();
    for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it("2 worker processes give byte-identical files; a resubmission executes nothing", async () => {
    const url = redis!.url;
    workers.push(startWorker(url, "q-equal", 30_000), startWorker(url, "q-equal", 30_000));
    await Promise.all(workers.map((w) => w.waitFor(/taking runs/)));
    const out = tmp("equal");
    const r = await runSweep(TINY_SPEC, { out, engine: "queue", queue: url, queueName: "q-equal" });
    expect(r.executed).to.equal(8);
    expect(read(out)).to.deep.equal(read(sequential));
    // Both processes took runs.
    for (const w of workers) expect(w.out()).to.match(/ done [0-9a-f]{16}/);
    const again = await runSweep(TINY_SPEC, { out, engine: "queue", queue: url, queueName: "q-equal" });
    expect([again.executed, again.skipped]).to.deep.equal([0, 8]);
  });

  it("a worker killed in the middle of a run loses nothing: its run is taken again and the sweep completes", async () => {
    const url = redis!.url;
    const lockMs = 1500;
    const victim = startWorker(url, "q-kill", lockMs);
    workers.push(victim);
    await victim.waitFor(/taking runs/);
    const out = tmp("kill");
    const sweep = runSweep(TINY_SPEC, { out, engine: "queue", queue: url, queueName: "q-kill" });
    // The victim finishes one run, starts its second, and is killed (SIGKILL) during it.
    await victim.waitFor(/ done [0-9a-f]{16}/);
    const started = await victim.waitFor(/(?<= done [0-9a-f]{16}\n[^\n]*) start [0-9a-f]{16}/);
    victim.child.kill("SIGKILL");
    const key = started.trim().split(" ")[1]!;
    expect(victim.out(), "killed before that run finished").to.not.contain(` done ${key}`);
    const rescuer = startWorker(url, "q-kill", lockMs);
    workers.push(rescuer);
    const r = await sweep;
    expect(r.executed).to.equal(8);
    expect(rescuer.out()).to.contain(` done ${key}`);
    expect(read(out)).to.deep.equal(read(sequential));
  });
});
