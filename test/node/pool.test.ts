import { expect } from "chai";
import * as path from "node:path";
import { checkWorkers, createPool, defaultWorkers, runSequential, type PoolJob } from "../../src/node/pool";
import { ConfigError } from "../../src/errors";

const JOB = path.join(__dirname, "fixtures", "pool-job.ts");

describe("node/pool: one worker-thread pool for sweeps and seeds", function () {
  this.timeout(120_000);

  it("two threads return what a sequential run returns, in job order", async () => {
    // Later jobs finish first (decreasing delays), so order comes from the job list, not completion.
    const jobs: PoolJob[] = [1, 2, 3, 4].map((seed, i) => ({ module: JOB, fn: "seeded", payload: { seed, delayMs: 300 - 100 * i } }));
    const pool = createPool({ workers: 2 });
    const done: number[] = [];
    let pooled: { seed: number; sum: number; thread: number }[];
    try {
      pooled = await pool.map(jobs, (_r, i) => done.push(i));
    } finally {
      await pool.close();
    }
    const sequential = await runSequential<{ seed: number; sum: number; thread: number }>(jobs);
    expect(pooled.map((r) => [r.seed, r.sum])).to.deep.equal(sequential.map((r) => [r.seed, r.sum]));
    expect(pooled.map((r) => r.seed)).to.deep.equal([1, 2, 3, 4]);
    expect(new Set(pooled.map((r) => r.thread)).size).to.equal(2);
    expect(pooled.every((r) => r.thread !== 0)).to.equal(true);
    expect(done).to.have.length(4);
  });

  it("a failing job rejects with its message", async () => {
    const pool = createPool({ workers: 1 });
    try {
      let err: unknown;
      await pool.run({ module: JOB, fn: "fails", payload: { message: "boom 42" } }).catch((e: unknown) => (err = e));
      expect(String(err)).to.contain("boom 42");
      await pool.run({ module: JOB, fn: "nosuch", payload: {} }).catch((e: unknown) => (err = e));
      expect(String(err)).to.contain('no exported function "nosuch"');
    } finally {
      await pool.close();
    }
  });

  it("worker counts are checked; the default is the machine's parallelism", () => {
    expect(defaultWorkers()).to.be.at.least(1);
    expect(checkWorkers(3)).to.equal(3);
    expect(() => checkWorkers(0)).to.throw(ConfigError, /workers/);
    expect(() => createPool({ workers: 1.5 })).to.throw(ConfigError, /integer in \[1, 256\]/);
  });
});
