import { expect } from "chai";
import { alongside, keepLast, runSeedJobs, seedTask, SeedJobError, sequentialSeedRunner, type SeedRunner } from "../../../src/claims/kit/seed-runner";
import { Rng } from "../../../src/rng";

/** A task of two steps per seed that draws from the seed's own stream. */
const draws = seedTask("test.draws", (p: { seed: number; fail?: boolean }, onStep?: (label: string) => void) => {
  const rng = Rng.fromSeed(p.seed);
  const a = rng.next();
  onStep?.("first draw");
  if (p.fail) throw new Error("broken on purpose");
  const b = rng.next();
  onStep?.("second draw");
  return { a, b };
});

const jobs = (seeds: number[], fail?: number) => seeds.map((seed) => ({ seed, condition: "cond", steps: 2, payload: { seed, fail: seed === fail } }));

/** A runner that, like a pool, reports whole jobs (in reverse completion order) and no steps. */
const reversed: SeedRunner = {
  name: "reversed",
  workers: 2,
  async map(task, js, hooks = {}) {
    const out = await Promise.all(js.map((j) => task.run(j.payload)));
    for (let i = js.length - 1; i >= 0; i--) hooks.onDone?.(i);
    return out;
  },
};

describe("claims/kit/seed-runner: who runs a claim's seeds", () => {
  it("the sequential runner returns each seed's result in job order and counts every step", async () => {
    const progress: [number, number, string][] = [];
    const out = await runSeedJobs(undefined, draws, jobs([3, 1, 2]), (d, t, l) => progress.push([d, t, l]));
    expect(out.map((r) => r.a)).to.deep.equal([3, 1, 2].map((s) => Rng.fromSeed(s).next()));
    expect(progress.map(([d]) => d)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(progress.every(([, t]) => t === 6)).to.equal(true);
    expect(progress[0]![2]).to.equal("cond, seed 3: first draw");
  });

  it("a runner that reports whole jobs moves the count by a job's steps and returns the same results", async () => {
    const progress: number[] = [];
    const out = await runSeedJobs(reversed, draws, jobs([3, 1, 2]), (d) => progress.push(d));
    expect(out).to.deep.equal(await runSeedJobs(sequentialSeedRunner, draws, jobs([3, 1, 2])));
    expect(progress).to.deep.equal([2, 4, 6]);
  });

  it("a failing job names its seed, its condition and the task, and keeps the cause", async () => {
    let err: unknown;
    await runSeedJobs(undefined, draws, jobs([1, 2, 3], 2)).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(SeedJobError);
    expect((err as SeedJobError).message).to.equal("seed 2, cond (test.draws): broken on purpose");
    expect((err as SeedJobError).seed).to.equal(2);
    expect(((err as SeedJobError).cause as Error).message).to.equal("broken on purpose");
  });

  it("a task's address must be a dotted path", () => {
    expect(() => seedTask("nodots", () => 0)).to.throw(RangeError, /dotted path/);
  });

  it("alongside: one worker runs this thread's part first; threads get their jobs first and this thread works meanwhile", async () => {
    const order: string[] = [];
    const seeds = (onStarted: () => void) =>
      (async () => {
        order.push("seeds start");
        onStarted();
        await new Promise((r) => setTimeout(r, 20));
        order.push("seeds end");
        return 2;
      })();
    const here = () => (order.push("here"), 1);
    expect(await alongside(sequentialSeedRunner, here, seeds)).to.deep.equal({ here: 1, seeds: 2 });
    expect(order).to.deep.equal(["here", "seeds start", "seeds end"]);
    order.length = 0;
    expect(await alongside(reversed, here, seeds)).to.deep.equal({ here: 1, seeds: 2 });
    expect(order).to.deep.equal(["seeds start", "here", "seeds end"]);
  });

  it("alongside: an error of this thread's part is thrown after the jobs have settled", async () => {
    let seedsEnded = false;
    let err: unknown;
    await alongside(
      reversed,
      () => {
        throw new Error("here failed");
      },
      async (onStarted) => {
        onStarted();
        await new Promise((r) => setTimeout(r, 20));
        seedsEnded = true;
      },
    ).catch((e: unknown) => (err = e));
    expect((err as Error).message).to.equal("here failed");
    expect(seedsEnded).to.equal(true);
  });

  it("keepLast builds once per run of equal arguments and keeps only the last result", () => {
    const built: string[] = [];
    const f = keepLast((k: number, o: { eps: number }) => {
      built.push(`${k}/${o.eps}`);
      return { k, eps: o.eps };
    });
    const a = f(3, { eps: 0.1 });
    expect(f(3, { eps: 0.1 })).to.equal(a); // same object: not rebuilt
    expect(f(3, { eps: 0.2 })).to.not.equal(a);
    expect(f(3, { eps: 0.1 })).to.not.equal(a); // only the last is kept: rebuilt
    expect(built).to.deep.equal(["3/0.1", "3/0.2", "3/0.1"]);
  });
});
