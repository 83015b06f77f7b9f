import { expect } from "chai";
import { claim, reweightingJobs, reweightingSeedTask, runReweighting } from "../../src/claims/reweighting";
import { resolveSeedTask } from "../../src/node/seed-job";
import { seedPool } from "../../src/node/seed-pool";
import { setupBackend } from "../helpers/backend";

/** Typed arrays as plain arrays, so JSON compares every number (JSON.stringify would write a Float64Array as an object). */
const json = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v));

describe("node/seed-pool: claim 6's seeds on worker threads", function () {
  this.timeout(600_000);
  before(setupBackend);

  // Tiny: two seeds of DPO on the weights per labeller and one network seed.
  const budget = () => claim.budget("quick", { dpo: { pairs: 200, steps: 50 }, network: { seeds: 1, trainDocs: 300, heldOutDocs: 50, pairs: 60, epochs: 1 } });

  it("the task is exported at its address and its payloads are plain data (they survive structured cloning unchanged)", () => {
    expect(resolveSeedTask("reweighting.reweightingSeedTask")).to.equal(reweightingSeedTask);
    const jobs = reweightingJobs(budget(), [1, 2]);
    expect(jobs.map((j) => j.payload.kind)).to.deep.equal(["network", ...Array(8).fill("weights")]);
    for (const j of jobs) expect(structuredClone(j.payload)).to.deep.equal(j.payload);
  });

  it("claim 6 on 2 threads (DPO on the weights per labeller and seed and the network route as jobs, route a here beside them) equals the sequential run byte for byte; progress reaches its total", async () => {
    const b = budget();
    const seeds = [1, 2];
    const seqProgress: [number, number][] = [];
    const sequential = await runReweighting(null, b, seeds, (d, t) => seqProgress.push([d, t]));
    const poolProgress: [number, number][] = [];
    const pooled = await runReweighting(null, b, seeds, (d, t) => poolProgress.push([d, t]), { runner: seedPool({ workers: 2 }) });
    expect(json(pooled)).to.equal(json(sequential));
    expect(pooled).to.deep.equal(sequential);
    expect(pooled.trained).to.have.length(8);
    expect(pooled.network).to.have.length(4);
    expect(pooled.network.some((r) => r.predictedChange !== null)).to.equal(true);
    // 4 exact levels and 9 jobs; the sequential run reports each once, in order.
    expect(seqProgress).to.deep.equal(Array.from({ length: 13 }, (_, i) => [i + 1, 13]));
    expect(poolProgress.at(-1)).to.deep.equal([13, 13]);
    expect(poolProgress.map(([d]) => d)).to.deep.equal([...poolProgress.map(([d]) => d)].sort((x, y) => x - y));
  });
});
