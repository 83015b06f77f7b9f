import { expect } from "chai";
import { Rng } from "../../src/rng";
import {
  claim,
  completes,
  CREDIT,
  firstSuccessRates,
  runShaping,
  shapingFits,
  shapingPolicy,
  shapingSweep,
  shapingWorld,
} from "../../src/claims/complexity-needs-shaping";

describe("claim 4: complexity needs shaping", () => {
  it("credit schemes: completion only vs partial progress", () => {
    expect(CREDIT.sparse(2, 3)).to.equal(0);
    expect(CREDIT.sparse(3, 3)).to.equal(1);
    expect(CREDIT.shaped(2, 4)).to.equal(0.5);
  });

  it("the residual policy starts at the base: exact completion ε^k, and sampled completion matches it", () => {
    const w = shapingWorld(2, 0.3);
    const p = shapingPolicy(w, 5);
    const done = completes(w);
    expect(p.endProbability(0, done)).to.be.closeTo(0.09, 1e-12);
    const rng = Rng.fromSeed(3);
    const path = { offsets: [] as number[], tokens: [] as number[] };
    let hits = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) if (done(p.sample(0, rng, path))) hits++;
    expect(hits / n).to.be.closeTo(0.09, 4 * Math.sqrt((0.09 * 0.91) / n));
  });

  it("sparse credit never updates before the first success, and reaches the target after it", () => {
    const r = runShaping({ k: 2, credit: "sparse", epsilon: 0.2, maxSamples: 1e5 }, Rng.fromSeed(1));
    expect(r.firstCensored).to.equal(false);
    expect(r.targetCensored).to.equal(false);
    expect(r.samplesToTarget).to.be.at.least(r.samplesToFirst);
    expect(r.finalCompletion).to.be.at.least(0.5);
  });

  it("marks runs that exhaust the budget as censored, not as successes", () => {
    const r = runShaping({ k: 5, credit: "sparse", epsilon: 0.05, maxSamples: 200 }, Rng.fromSeed(2));
    expect(r.firstCensored).to.equal(true);
    expect(r.targetCensored).to.equal(true);
    expect(r.samplesToFirst).to.equal(200);
    expect(r.updates).to.equal(0);
  });

  it("events per exposure count censored exposure and only uncensored events", () => {
    const rows: Parameters<typeof firstSuccessRates>[0] = [
      { credit: "sparse", k: 3, samplesToFirst: 100, firstCensored: false },
      { credit: "sparse", k: 3, samplesToFirst: 300, firstCensored: true },
    ];
    const [r] = firstSuccessRates(rows);
    expect(r!.events).to.equal(1);
    expect(r!.meanTime).to.equal(400);
  });

  it("the sparse slope of log time against k recovers log(1/ε), and shaping is much faster", () => {
    const eps = 0.25;
    const rows = shapingSweep({ ks: [1, 2, 3, 4, 5], credits: ["sparse", "shaped"], seeds: [1, 2, 3, 4, 5, 6, 7, 8], config: { epsilon: eps, maxSamples: 1e6 } });
    const d = shapingFits(rows, eps);
    expect(d.slopeRatio.estimate).to.be.within(0.7, 1.4);
    expect(d.shapedSlopeRatio.estimate).to.be.below(d.slopeRatio.estimate);
    const budget = claim.budget("quick", { epsilon: eps, ks: [1, 2, 3, 4, 5], seeds: [1, 2, 3, 4, 5, 6, 7, 8], maxSamples: 1e6 });
    const decision = claim.decide({ rows, rates: firstSuccessRates(rows), targetRates: firstSuccessRates(rows, "Target") }, budget);
    expect(decision.parts.map((p) => p.key)).to.deep.equal(["sparse-slope", "shaped-slope", "gap"]);
    expect(decision.parts.every((p) => p.role === "evidence")).to.equal(true);
    expect(decision.headline).to.deep.equal(d.slopeRatio);
  });
});

describe("claim 4 as a claim module", () => {
  it("run returns typed rows and rates; decide gives three evidence parts and the sparse-slope headline", async () => {
    const budget = claim.budget("quick", { ks: [1, 2, 3], seeds: [1, 2], maxSamples: 4000 });
    const results = await claim.run(shapingWorld(3, 0.1), budget, budget.seeds);
    expect(results.rows).to.have.length(3 * 2 * 2);
    expect(results.rates.map((r) => `${r.credit}${r.k}`)).to.deep.equal(["shaped1", "shaped2", "shaped3", "sparse1", "sparse2", "sparse3"]);
    const d = claim.decide(results, budget);
    expect(d.parts).to.have.length(3);
    expect(d.headline).to.deep.equal(d.parts[0]!.interval);
    expect(claim.hypothesis(budget).claim).to.equal(4);
  });
});
