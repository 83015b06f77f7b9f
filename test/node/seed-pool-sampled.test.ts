import { expect } from "chai";
import * as c4 from "../../src/claims/complexity-needs-shaping";
import * as c7 from "../../src/claims/capabilities-sources";
import { resolveSeedTask } from "../../src/node/seed-job";
import { seedPool } from "../../src/node/seed-pool";
import { ConfigError } from "../../src/errors";
import { createWorld } from "../../src/world";

describe("node/seed-pool: claims 4 and 7 (sampled tabular training) on worker threads", function () {
  this.timeout(600_000);

  it("claim 7's runs on 2 threads equal the sequential sections (outcomeSweep, planningSection, bandSection) byte for byte", async () => {
    const B = c7.budget("quick", { ks: [1, 2, 3], multipliers: [0.1, 1, 10], contexts: 2, modelSamples: [0.1, 10] });
    const seeds = [101, 102, 103];
    const A = c7.outcomeSweep({ ...B }, seeds);
    const law = c7.firstSuccessLaw(A.runs);
    const P = c7.planningSection({ epsilon: B.epsilon, contexts: B.contexts, g: B.g, ks: B.ks, maxNodes: B.maxNodes, modelSamples: B.modelSamples }, seeds);
    const band = c7.bandSection({ k: B.bandK, fraction: B.bandFraction, contexts: B.contexts }, seeds);
    const sequential = { ...A, rates: law.rates, rlSlope: law.slope, ...P, band };
    const progress: [number, number][] = [];
    const pooled = await c7.runClaim(null, B, seeds, (d, t) => progress.push([d, t]), { runner: seedPool({ workers: 2 }) });
    expect(Object.keys(pooled).sort()).to.deep.equal(Object.keys(sequential).sort());
    for (const key of Object.keys(sequential) as (keyof typeof sequential)[])
      expect(JSON.stringify(pooled[key]), key).to.equal(JSON.stringify(sequential[key]));
    expect(pooled).to.deep.equal(sequential);
    // The runs come back in the sweep's order (k, seed, multiplier, then the label run).
    expect(pooled.runs.map((r) => `${r.k}/${r.seed}/${r.signal}/${r.multiplier}`).slice(0, 5)).to.deep.equal([
      "1/101/outcome/0.1",
      "1/101/outcome/1",
      "1/101/outcome/10",
      "1/101/labels/10",
      "1/102/outcome/0.1",
    ]);
    // 9 jobs of 4 runs each, reported as each job finishes.
    expect(progress).to.have.length(9);
    expect(progress.at(-1)).to.deep.equal([36, 36]);
    expect(c7.claim.decide(pooled, B).parts).to.deep.equal(c7.claim.decide(sequential, B).parts);
  });

  it("claim 7 without a runner reports every run, largest k first", async () => {
    const B = c7.budget("quick", { ks: [1, 2, 3], multipliers: [0.1, 1], contexts: 2, modelSamples: [0.1, 10] });
    const labels: string[] = [];
    const r = await c7.claim.run(createWorld(), B, [5], (d, t, label) => labels.push(`${d}/${t} ${label}`));
    expect(labels.slice(0, 3)).to.deep.equal([
      "1/9 k = 3, seed 5: outcome, k = 3, 0.1×",
      "2/9 k = 3, seed 5: outcome, k = 3, 1×",
      "3/9 k = 3, seed 5: labels, k = 3, 1×",
    ]);
    expect(labels.at(-1)).to.equal("9/9 k = 1, seed 5: labels, k = 1, 1×");
    expect(r.runs.map((x) => x.k)).to.deep.equal([1, 1, 1, 2, 2, 2, 3, 3, 3]);
  });

  it("claim 4's runs on 2 threads equal shapingSweep byte for byte, in its order", async () => {
    const b = c4.claim.budget("quick", { seeds: [101, 102, 103], ks: [1, 2, 3, 4], maxSamples: 20_000 });
    const world = createWorld();
    const o = { ks: b.ks, credits: c4.CREDITS, seeds: b.seeds, config: c4.runConfig(b), worldConfig: world.config };
    const sequential = c4.shapingSweep(o);
    const progress: [number, number][] = [];
    const pooled = await c4.claim.run(world, b, b.seeds, (d, t) => progress.push([d, t]), { runner: seedPool({ workers: 2 }) });
    expect(JSON.stringify(pooled.rows)).to.equal(JSON.stringify(sequential));
    expect(pooled.rows).to.deep.equal(sequential);
    expect(pooled.rates).to.deep.equal(c4.firstSuccessRates(sequential));
    expect(pooled.rows.map((r) => `${r.k} ${r.credit} ${r.seed}`).slice(0, 4)).to.deep.equal(["1 sparse 101", "1 sparse 102", "1 sparse 103", "1 shaped 101"]);
    expect(progress).to.have.length(24);
    expect(progress.at(-1)).to.deep.equal([24, 24]);
    // Without a runner: the same rows.
    expect(await c4.runShapingSweep(o)).to.deep.equal(sequential);
  });

  it("the tasks are exported at their addresses; claim 4 refuses bad options before any work", async () => {
    expect(resolveSeedTask("capabilitiesSources.outcomeCellsTask")).to.equal(c7.outcomeCellsTask);
    expect(resolveSeedTask("complexityNeedsShaping.shapingSeedTask")).to.equal(c4.shapingSeedTask);
    let err: unknown;
    await c4.runShapingSweep({ ks: [1], credits: c4.CREDITS, seeds: [1.5] }).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).field).to.equal("shapingSweep.seeds[0]");
  });
});
