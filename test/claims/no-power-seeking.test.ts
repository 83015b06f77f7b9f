import { expect } from "chai";
import {
  decideExactBoundary,
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

  it("decides the exact-boundary part from the worst error and fails on a large one", () => {
    expect(decideExactBoundary([{ w: 0, errorVsDStar: 0.001 }, { w: 0, errorVsDStar: -0.003 }, { w: 1, errorVsDStar: 0.2 }]).status).to.equal("supported");
    expect(decideExactBoundary([{ w: 0, errorVsDStar: 0.05 }]).status).to.equal("not supported");
    expect(decideExactBoundary([{ w: 0, errorVsDStar: null }]).status).to.equal("inconclusive");
  });
});

describe("claim 5 as a claim module", () => {
  it("run calls every section; decide gives four evidence parts, the relative part as headline", async function () {
    this.timeout(30000);
    const budget = claim.budget("quick", {
      seeds: [1, 2],
      grid: { ds: [0, 0.5], hs: [0.25], ks: [1], ws: [0], contexts: 2 },
      sampled: { samples: 640, contexts: 2, ks: [1], budgets: [640], budgetKs: [1], comparisons: 50 },
    });
    const results = await claim.run(manoeuvreWorld(1, 0), budget, budget.seeds);
    expect(results.phase).to.have.length(2);
    expect(results.boundaries).to.have.length(1);
    expect(results.winRates).to.have.length(WIN_DS.length);
    expect(results.summary.length).to.be.greaterThan(0);
    expect(results.budgetRows).to.have.length(2);
    const d = claim.decide(results, budget);
    expect(d.parts.map((p) => p.key)).to.deep.equal(["sampled/relative", "sampled/absolute", "sampled/deception", "exact-boundary"]);
    expect(d.headline).to.deep.equal(d.parts[0]!.interval);
  });
});
