import { expect } from "chai";
import { fitGao, gaoCurve } from "../../src/stats/gao-fit";
import { Rng } from "../../src/rng";

describe("Gao-form fits", () => {
  const ds = Array.from({ length: 20 }, (_, i) => 0.1 * (i + 1));

  it("recovers α, β and the peak of the best-of-n form exactly from a noiseless curve", () => {
    const f = fitGao("bon", ds, ds.map((d) => gaoCurve("bon", 0.8, 0.3, d)));
    expect(f.alpha).to.be.closeTo(0.8, 1e-9);
    expect(f.beta).to.be.closeTo(0.3, 1e-9);
    expect(f.r2).to.be.closeTo(1, 1e-12);
    expect(f.peakD).to.be.closeTo(0.8 / 0.6, 1e-9);
  });

  it("recovers the RL form, with its peak at exp(α/β − 1)", () => {
    const f = fitGao("rl", ds, ds.map((d) => gaoCurve("rl", 0.5, 0.4, d)));
    expect(f.alpha).to.be.closeTo(0.5, 1e-9);
    expect(f.beta).to.be.closeTo(0.4, 1e-9);
    expect(f.peakD).to.be.closeTo(Math.exp(0.5 / 0.4 - 1), 1e-9);
    // derivative zero at the peak
    const h = 1e-5;
    expect((gaoCurve("rl", f.alpha, f.beta, f.peakD + h) - gaoCurve("rl", f.alpha, f.beta, f.peakD - h)) / (2 * h)).to.be.closeTo(0, 1e-6);
  });

  it("recovers α, β within tolerance under noise (fixed seed), and ignores d = 0", () => {
    const rng = Rng.fromSeed(7);
    const xs = [0, ...ds];
    const ys = xs.map((d) => gaoCurve("bon", 1.2, 0.5, d) + 0.01 * (rng.next() - 0.5));
    const f = fitGao("bon", xs, ys);
    expect(f.n).to.equal(20);
    expect(f.alpha).to.be.closeTo(1.2, 0.02);
    expect(f.beta).to.be.closeTo(0.5, 0.02);
  });

  it("says when the curve does not turn over, and a wrong form fits worse", () => {
    const mono = fitGao("bon", ds, ds.map((d) => 0.5 * d + 0.2 * d * d));
    expect(mono.beta).to.be.lessThan(0);
    expect(mono.peakD).to.equal(Infinity);
    const rlData = ds.map((d) => gaoCurve("rl", 0.5, 0.4, d));
    expect(fitGao("bon", ds, rlData).r2).to.be.lessThan(fitGao("rl", ds, rlData).r2);
    expect(() => fitGao("bon", [0, 0.5], [0, 1])).to.throw(/at least 2/);
  });
});
