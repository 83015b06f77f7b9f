import { expect } from "chai";
import { Rng } from "../../src/rng";
import {
  claim,
  completes,
  CREDIT,
  firstSuccessRates,
  growthEstimates,
  minKlForCompletion,
  type ShapingRow,
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
    expect(decision.parts.map((p) => p.key)).to.deep.equal(["growth-ratio", "cost-ratio", "check/sparse-slope"]);
    expect(decision.parts.map((p) => p.role)).to.deep.equal(["evidence", "evidence", "check"]);
    expect(decision.headline).to.deep.equal(decision.parts[0]!.interval);
    expect(decision.parts[2]!.interval).to.deep.equal(d.slopeRatio);
  });

  it("the exact sparse optimum's KL to reach completion p is the Bernoulli divergence, linear in k for q = ε^k", () => {
    // brute force: the tilt π ∝ q·e^{r} on completion, 1−q on the rest, at the r that gives p
    const q = 0.01, p = 0.5, r = Math.log((p / (1 - p)) * ((1 - q) / q));
    const z = q * Math.exp(r) + (1 - q);
    const pc = (q * Math.exp(r)) / z;
    const kl = pc * Math.log(pc / q) + (1 - pc) * Math.log((1 - pc) / (1 - q));
    expect(pc).to.be.closeTo(0.5, 1e-12);
    expect(minKlForCompletion(q, p)).to.be.closeTo(kl, 1e-12);
    const step = minKlForCompletion(1e-5, 0.5) - minKlForCompletion(1e-4, 0.5);
    expect(step).to.be.closeTo(0.5 * Math.log(10), 1e-3);
  });
});

/**
 * Synthetic runs: per seed and k, sparse and shaped first-success times e^{sparse·k} and
 * e^{shaped·k}, each multiplied by a per-seed factor (the spread), no censoring.
 */
function synthetic(sparse: number, shaped: number, spread: number, ks = [1, 2, 3, 4, 5, 6], seeds = [1, 2, 3, 4, 5, 6, 7, 8]): ShapingRow[] {
  const rows: ShapingRow[] = [];
  for (const seed of seeds)
    for (const k of ks)
      for (const credit of ["sparse", "shaped"] as const) {
        const wobble = Math.exp(spread * Math.sin(seed * 7.1 + k * 3.3 + (credit === "sparse" ? 0 : 1.7)));
        const t = Math.max(1, Math.round(Math.exp((credit === "sparse" ? sparse : shaped) * k) * wobble));
        rows.push({ seed, k, credit, samplesToFirst: t, firstCensored: false, samplesToTarget: t, targetCensored: false, updates: 1, baseCompletion: 0, finalCompletion: 0.5 });
      }
  return rows;
}

describe("claim 4, version 2: the decision returns each status from synthetic inputs", () => {
  const budget = claim.budget("quick", { ks: [1, 2, 3, 4, 5, 6], epsilon: 0.1, bootstrap: 400 });
  const decideRows = (rows: ShapingRow[]) => claim.decide({ rows, rates: firstSuccessRates(rows), targetRates: firstSuccessRates(rows, "Target") }, budget);
  const statusOf = (d: ReturnType<typeof decideRows>, key: string) => d.parts.find((p) => p.key === key)!.status;

  it("growth estimates recover the synthetic slopes", () => {
    const e = growthEstimates(synthetic(Math.log(10), 1, 0));
    expect(e.sparseSlope).to.be.closeTo(Math.log(10), 0.01);
    expect(e.growthRatio).to.be.closeTo(1 / Math.log(10), 0.01);
    expect(e.costRatio).to.be.closeTo((6 * (Math.log(10) - 1)) / Math.LN10, 0.01);
  });

  it("supported: shaping grows far slower and costs far less at the largest k; no incentive level", () => {
    const d = decideRows(synthetic(Math.log(10), 0.5, 0.3));
    expect(d.version).to.equal(2);
    expect(d.levels).to.deep.equal({ incentive: null, transmission: "supported" });
    expect(d.status).to.equal("supported");
    expect(statusOf(d, "check/sparse-slope")).to.equal("supported");
  });

  it("not supported: shaped grows as fast as sparse (and costs the same)", () => {
    const d = decideRows(synthetic(Math.log(10), Math.log(10), 0.3));
    expect(statusOf(d, "growth-ratio")).to.equal("not supported");
    expect(statusOf(d, "cost-ratio")).to.equal("not supported");
    expect(d.levels!.transmission).to.equal("not supported");
  });

  it("inconclusive: a noisy growth-ratio straddling ½ with everything else clear", () => {
    const d = decideRows(synthetic(2, 1, 2.5));
    expect(statusOf(d, "growth-ratio")).to.equal("inconclusive");
    expect(d.levels!.transmission).to.not.equal("supported");
  });

  it("the check never decides: a sparse slope far from log(1/ε) leaves the verdict to the evidence", () => {
    const d = decideRows(synthetic(0.9 * Math.log(10) * 2, 0.5, 0.3)); // sparse slope twice log(1/ε)
    expect(statusOf(d, "check/sparse-slope")).to.equal("not supported");
    expect(d.status).to.equal("supported");
  });
});

describe("claim 4 as a claim module", () => {
  it("run returns typed rows and rates; decide gives two evidence parts, one check and the growth-ratio headline", async () => {
    const budget = claim.budget("quick", { ks: [1, 2, 3], seeds: [1, 2], maxSamples: 4000 });
    const results = await claim.run(shapingWorld(3, 0.1), budget, budget.seeds);
    expect(results.rows).to.have.length(3 * 2 * 2);
    expect(results.rates.map((r) => `${r.credit}${r.k}`)).to.deep.equal(["shaped1", "shaped2", "shaped3", "sparse1", "sparse2", "sparse3"]);
    const d = claim.decide(results, budget);
    expect(d.parts).to.have.length(3);
    expect(d.headline).to.deep.equal(d.parts[0]!.interval);
    expect(d.levels!.incentive).to.equal(null);
    expect(claim.hypothesis(budget).claim).to.equal(4);
  });
});
