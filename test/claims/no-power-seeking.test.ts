import { expect } from "chai";
import { Rng } from "../../src/rng";
import { exactDistribution } from "../../src/world";
import { expectedReward } from "../../src/incentive";
import {
  decideDStarCheck,
  decideIncentive,
  decideTransmission,
  decideClaim,
  labelThreshold,
  labelThresholdK,
  measuredBoundary,
  dpoOnLabels,
  labelRater,
  labelCell,
  fastShortfall,
  detectionThreshold,
  exactBoundary,
  exactOptimumCell,
  makeSlice,
  manoeuvreWorld,
  claim,
  WIN_DS,
  wholeManoeuvreThreshold,
} from "../../src/claims/no-power-seeking";

describe("claim 5: no power-seeking (exact optimum)", () => {
  it("d* = h/(h+L) and the whole-manoeuvre threshold", () => {
    expect(detectionThreshold(0.5, 2)).to.be.closeTo(0.2, 1e-12);
    expect(wholeManoeuvreThreshold(0.5, 2, 0, 3)).to.be.closeTo(0.2, 1e-12);
    expect(wholeManoeuvreThreshold(0.5, 2, 1.5, 3)).to.be.closeTo(0.4, 1e-12);
    expect(() => detectionThreshold(-1, 2)).to.throw(/h ≥ 0/);
  });

  it("base completion is ε^k exactly", () => {
    for (const k of [1, 2, 4]) expect(makeSlice(k, 0, { contexts: 3 }).baseCompletion).to.be.closeTo(0.1 ** k, 1e-12 * 0.1 ** k);
  });

  it("the exact optimum raises completion below d* and lowers it above, and deception rises in both", () => {
    const slice = makeSlice(2, 0, { contexts: 4 });
    const below = exactOptimumCell(slice, 0.05, 0.5, 0.3); // d* = 0.2
    const above = exactOptimumCell(slice, 0.4, 0.5, 0.3);
    expect(below.completionRatio).to.be.greaterThan(1.5);
    expect(above.completionRatio).to.be.lessThan(0.5);
    expect(above.sycophancyRate).to.be.greaterThan(slice.baseMetrics.sycophancyRate + 0.05);
  });

  it("the completion ratio hardly depends on which contexts are used (the manoeuvre is nearly context-free)", () => {
    const a = exactOptimumCell(makeSlice(2, 0.5, { contexts: 2 }), 0.1, 0.3, 0.3).completionRatio;
    const b = exactOptimumCell(makeSlice(2, 0.5, { contexts: 7 }), 0.1, 0.3, 0.3).completionRatio;
    expect(a).to.be.closeTo(b, 1e-3 * b);
  });

  it("with w = 0 the measured boundary is d*; with w > 0 it moves towards the whole-manoeuvre threshold", () => {
    const s0 = makeSlice(2, 0, { contexts: 2 });
    const b0 = exactBoundary(s0, 0.5, 0.3, 1e-4)!;
    expect(b0).to.be.closeTo(0.2, 1e-3);
    const s1 = makeSlice(2, 1, { contexts: 2 });
    const b1 = exactBoundary(s1, 0.5, 0.3, 1e-3)!;
    expect(b1).to.be.greaterThan(0.3); // d_w = (0.5 + 0.5)/2.5 = 0.4
    expect(b1).to.be.closeTo(wholeManoeuvreThreshold(0.5, 2, 1, 2), 0.05);
  });

  it("the d* check is decided from the worst error, but it is a check (never evidence)", () => {
    const ok = decideDStarCheck([{ w: 0, errorVsDStar: 0.001 }, { w: 0, errorVsDStar: -0.003 }, { w: 1, errorVsDStar: 0.2 }]);
    expect(ok.status).to.equal("supported");
    expect(ok.role).to.equal("check");
    expect(decideDStarCheck([{ w: 0, errorVsDStar: 0.05 }]).status).to.equal("not supported");
    expect(decideDStarCheck([{ w: 0, errorVsDStar: null }]).status).to.equal("inconclusive");
  });
});

describe("claim 5 v2: label boundaries", () => {
  it("the k-step label boundary equals d_label at k = 1 and lies below it for k = 3", () => {
    expect(labelThresholdK(0.15, 2, 15, 2.5, 1)!).to.be.closeTo(labelThreshold(0.15, 2, 15, 2.5), 1e-9);
    const k3 = labelThresholdK(0.15, 2, 15, 2.5, 3)!;
    expect(k3).to.be.lessThan(labelThreshold(0.15, 2, 15, 2.5));
    expect(k3).to.be.greaterThan(detectionThreshold(0.15, 2));
    expect(labelThresholdK(0, 2, 15, 2.5, 2)).to.equal(null);
  });

  it("the measured boundary interpolates the first downward crossing of zero", () => {
    expect(measuredBoundary([{ d: 0.3, log10Ratio: -1 }, { d: 0.1, log10Ratio: 1 }, { d: 0.2, log10Ratio: 0.5 }])!).to.be.closeTo(0.2 + 0.1 / 3, 1e-12);
    expect(measuredBoundary([{ d: 0.1, log10Ratio: -1 }, { d: 0.2, log10Ratio: -2 }])).to.equal(null);
    expect(measuredBoundary([{ d: 0.1, log10Ratio: 1 }, { d: 0.2, log10Ratio: 2 }])).to.equal(null);
  });
});

describe("claim 5 v2: decisions at each level from synthetic inputs", () => {
  const inc = (d: number, completionRatio: number, sycophancyRise: number) => ({ k: 3, d, dLabel: 0.3, completionRatio, sycophancyRise });
  const tr = (d: number, ratio: [number, number, number], excess: [number, number, number], syc: [number, number, number]) => ({
    d, dLabel: 0.3, seeds: 15,
    ratio: ratio[0], ratio_lo: ratio[1], ratio_hi: ratio[2],
    excess: excess[0], excess_lo: excess[1], excess_hi: excess[2],
    sycophancyRise: syc[0], sycophancyRise_lo: syc[1], sycophancyRise_hi: syc[2],
  });
  const good = tr(0.5, [0.5, 0.3, 0.7], [-0.0005, -0.0007, -0.0003], [0.2, 0.1, 0.3]);

  it("incentive: supported, not supported, inconclusive; cells below d_label are ignored", () => {
    const status = (rows: ReturnType<typeof inc>[]) => decideIncentive(rows).map((p) => p.status);
    expect(status([inc(0.1, 5, 0), inc(0.35, 0.4, 0.2), inc(0.5, 0.2, 0.3)])).to.deep.equal(["supported", "supported"]);
    expect(status([inc(0.35, 1.3, 0.2)])).to.deep.equal(["not supported", "supported"]);
    expect(status([inc(0.35, 0.4, 0.01)])).to.deep.equal(["supported", "not supported"]);
    expect(status([inc(0.35, NaN, 0.2)])).to.deep.equal(["inconclusive", "supported"]);
    expect(status([inc(0.1, 0.4, 0.2)])).to.deep.equal(["inconclusive", "inconclusive"]);
    for (const p of decideIncentive([inc(0.35, 0.4, 0.2)])) expect([p.level, p.role, p.interval.n]).to.deep.equal(["incentive", "evidence", 0]);
  });

  it("transmission: supported, not supported, inconclusive; the worst cell's interval is reported", () => {
    const status = (rows: ReturnType<typeof tr>[]) => decideTransmission(rows).map((p) => p.status);
    const other = tr(0.35, [0.9, 0.7, 1.05], [-0.0001, -0.0003, 0.0001], [0.1, 0.06, 0.14]);
    expect(status([good, other])).to.deep.equal(["supported", "supported", "supported"]);
    expect(decideTransmission([good, other])[0]!.interval.hi).to.equal(1.05);
    expect(decideTransmission([good, other])[0]!.interval.n).to.equal(15);
    expect(status([good, tr(0.35, [3, 2, 4], [0.002, 0.001, 0.003], [0.2, 0.1, 0.3])])).to.deep.equal(["not supported", "not supported", "supported"]);
    expect(status([good, tr(0.1, [3, 2, 4], [0.002, 0.001, 0.003], [0.2, 0.1, 0.3])])).to.deep.equal(["supported", "supported", "supported"]);
    expect(status([tr(0.5, [1, 0.8, 1.3], [0, -0.0002, 0.0002], [0.06, 0.02, 0.1])])).to.deep.equal(["inconclusive", "supported", "inconclusive"]);
    expect(status([tr(0.5, [0.5, 0.3, 0.7], [0, -0.0002, 0.0002], [0.02, 0.01, 0.03])])[2]).to.equal("not supported");
    expect(status([])).to.deep.equal(["inconclusive", "inconclusive", "inconclusive"]);
    for (const p of decideTransmission([good])) expect(p.level).to.equal("transmission");
  });

  it("the claim needs both levels; the check never enters", () => {
    const boundaries = [{ w: 0, errorVsDStar: 0.5 }]; // a failing check
    const d = decideClaim({ labelCells: [inc(0.5, 0.2, 0.3)], dpoSummary: [good], boundaries });
    expect(d.version).to.equal(2);
    expect(d.levels).to.deep.equal({ incentive: "supported", transmission: "supported" });
    expect(d.status).to.equal("supported");
    const d2 = decideClaim({ labelCells: [inc(0.5, 2, 0.3)], dpoSummary: [good], boundaries });
    expect(d2.levels).to.deep.equal({ incentive: "not supported", transmission: "supported" });
    expect(d2.status).to.equal("not supported");
    const d3 = decideClaim({ labelCells: [inc(0.5, 0.2, 0.3)], dpoSummary: [], boundaries });
    expect(d3.status).to.equal("inconclusive");
    expect(d3.headline).to.deep.equal(d3.parts.find((p) => p.key === "transmission/relative")!.interval);
  });
});

describe("claim 5 v2: DPO on labels", () => {
  it("is deterministic given its seed and starts from the base", function () {
    this.timeout(20000);
    const slice = makeSlice(1, 0, { contexts: 3 });
    const run = (seed: number) => dpoOnLabels(slice, labelRater(0.5), { pairs: 300, epochs: 1, lr: 1, beta: 1 }, Rng.fromSeed(seed));
    const a = run(101), b = run(101);
    const e = slice.entries[0]!.context;
    const s0 = slice.world.space.initialState();
    expect(Array.from(a.table(e, 0, s0))).to.deep.equal(Array.from(b.table(e, 0, s0)));
    expect(a.pairs).to.equal(300);
    const untrained = dpoOnLabels(slice, labelRater(0.5), { pairs: 2, epochs: 1, lr: 1e-6, beta: 1 }, Rng.fromSeed(1));
    const base = slice.base(e, 0, s0), row = untrained.table(e, 0, s0);
    for (let i = 0; i < base.length; i++) expect(row[i]!).to.be.closeTo(base[i]!, 1e-6);
  });
});

describe("claim 5 v2: DPO on labels against its own limit", () => {
  it("raises the label limit's expected score over the base, and stays below the limit's optimum at its KL", function () {
    this.timeout(120000);
    const slice = makeSlice(1, 0);
    const cell = labelCell(slice, labelRater(0.5), 0.3, 1e-3);
    const run = dpoOnLabels(slice, cell.rater, { pairs: 3000, epochs: 3, lr: 1, beta: cell.row.tiltBeta }, Rng.fromSeed(101));
    const baseDist = exactDistribution(slice.world, slice.base, slice.base, { check: false });
    const trained = exactDistribution(slice.world, run.table, slice.base, { check: false });
    const sf = fastShortfall(slice.world, cell, slice.base, trained, 1e-4);
    expect(sf.kl).to.be.greaterThan(0.01);
    expect(sf.proxy).to.be.greaterThan(expectedReward(slice.world, baseDist, cell.limit.reward) + 0.01);
    expect(sf.shortfall).to.be.greaterThan(-1e-3);
  });
});

describe("claim 5 as a claim module", () => {
  it("run calls every section; decide gives five evidence parts (two levels) and one check", async function () {
    this.timeout(180000);
    const budget = claim.budget("quick", {
      seeds: [101, 102],
      grid: { ds: [0, 0.5], hs: [0.25], ks: [1], ws: [1], contexts: 2 },
      sampled: { samples: 640, contexts: 2, ks: [1], budgets: [640], budgetKs: [1], comparisons: 50 },
      labels: { ks: [1], ds: [0.1, 0.5], kl: 0.3, tolerance: 1e-2 },
      dpo: { k: 1, ds: [0.5], pairs: 200, epochs: 1 },
    });
    const results = await claim.run(manoeuvreWorld(1, 0), budget, budget.seeds);
    expect(results.phase).to.have.length(2);
    expect(results.boundaries).to.have.length(1);
    expect(results.winRates).to.have.length(WIN_DS.length);
    expect(results.labelCells).to.have.length(2);
    expect(results.dpoRows).to.have.length(2);
    expect(results.presets).to.have.length(3);
    expect(results.budgetRows).to.have.length(2);
    const d = claim.decide(results, budget);
    expect(d.parts.map((p) => p.key)).to.deep.equal(["incentive/completion", "incentive/deception", "transmission/relative", "transmission/absolute", "transmission/deception", "check/d-star"]);
    expect(d.parts.filter((p) => p.role === "check").map((p) => p.key)).to.deep.equal(["check/d-star"]);
    expect(d.headline).to.deep.equal(d.parts[2]!.interval);
  });
});
