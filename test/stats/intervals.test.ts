import { expect } from "chai";
import { meanCI, linearFit, tQuantile975, pairedDifferenceCI } from "../../src/stats/intervals";
import { decide, allOf } from "../../src/verdict";

describe("stats and verdicts", () => {
  it("computes Student-t intervals", () => {
    const ci = meanCI([1, 2, 3, 4, 5]);
    expect(ci.estimate).to.equal(3);
    // sd = 1.5811, se = 0.7071, t(4) = 2.776
    expect(ci.hi - ci.estimate).to.be.closeTo(2.776 * 0.70711, 1e-3);
    expect(tQuantile975(1000)).to.be.closeTo(1.9623, 1e-3);
    expect(meanCI([2]).lo).to.equal(-Infinity);
    expect(pairedDifferenceCI([3, 4, 5], [1, 2, 3]).estimate).to.equal(2);
  });

  it("fits a line and its slope interval covers the truth", () => {
    const xs = [1, 2, 3, 4, 5, 6];
    const ys = xs.map((x, i) => 2 * x + 1 + (i % 2 ? 0.1 : -0.1));
    const fit = linearFit(xs, ys);
    expect(fit.slope.estimate).to.be.closeTo(2, 0.05);
    expect(fit.slope.lo).to.be.below(2);
    expect(fit.slope.hi).to.be.above(2);
    expect(fit.r2).to.be.above(0.99);
  });

  it("decides verdicts from intervals and thresholds", () => {
    const h = { direction: "above" as const, threshold: 0.05 };
    expect(decide(h, { estimate: 0.2, lo: 0.1, hi: 0.3, n: 5 })).to.equal("supported");
    expect(decide(h, { estimate: 0.0, lo: -0.02, hi: 0.02, n: 5 })).to.equal("not supported");
    expect(decide(h, { estimate: 0.06, lo: 0.0, hi: 0.12, n: 5 })).to.equal("inconclusive");
    expect(decide({ direction: "below", threshold: 1 }, { estimate: 0.5, lo: 0.2, hi: 0.8, n: 5 })).to.equal("supported");
    expect(allOf(["supported", "inconclusive"])).to.equal("inconclusive");
    expect(allOf(["supported", "not supported", "inconclusive"])).to.equal("not supported");
  });
});
