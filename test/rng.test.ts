import { expect } from "chai";
import { Rng, mixSeed } from "../src/rng";

describe("Rng", () => {
  it("gives the same numbers for the same seed and different ones for another seed", () => {
    const draw = (seed: number) => {
      const r = Rng.fromSeed(seed);
      return Array.from({ length: 20 }, () => r.next());
    };
    expect(draw(7)).to.deep.equal(draw(7));
    expect(draw(7)).to.not.deep.equal(draw(8));
  });

  it("forks streams that depend on the name only, not on draws made by the parent", () => {
    const a = Rng.fromSeed(1);
    const b = Rng.fromSeed(1);
    for (let i = 0; i < 100; i++) b.next();
    const xa = Array.from({ length: 10 }, ((r) => () => r.next())(a.fork("raters")));
    const xb = Array.from({ length: 10 }, ((r) => () => r.next())(b.fork("raters")));
    expect(xa).to.deep.equal(xb);
    const other = a.fork("init");
    expect(other.next()).to.not.equal(a.fork("raters").next());
    expect(a.fork("raters").path).to.equal("run/raters");
  });

  it("keeps forked streams uncorrelated", () => {
    const root = Rng.fromSeed(3);
    const x = root.fork("a");
    const y = root.fork("b");
    const n = 20000;
    let sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < n; i++) {
      const u = x.next(), v = y.next();
      sx += u; sy += v; sxy += u * v; sxx += u * u; syy += v * v;
    }
    const cov = sxy / n - (sx / n) * (sy / n);
    const corr = cov / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2));
    // sd of a sample correlation under independence ≈ 1/sqrt(n) = 0.007
    expect(Math.abs(corr)).to.be.below(0.03);
  });

  it("draws uniform, normal, gamma, beta and categorical values with the right moments", () => {
    const r = Rng.fromSeed(42);
    const n = 40000;
    const mean = (f: () => number) => { let s = 0, ss = 0; for (let i = 0; i < n; i++) { const v = f(); s += v; ss += v * v; } return [s / n, ss / n - (s / n) ** 2] as const; };
    const [mu, vu] = mean(() => r.next());
    expect(mu).to.be.closeTo(0.5, 0.01);
    expect(vu).to.be.closeTo(1 / 12, 0.003);
    const [mn, vn] = mean(() => r.normal(2, 3));
    expect(mn).to.be.closeTo(2, 0.05);
    expect(vn).to.be.closeTo(9, 0.3);
    const [mg, vg] = mean(() => r.gamma(0.5, 2)); // mean kθ = 1, var kθ² = 2
    expect(mg).to.be.closeTo(1, 0.05);
    expect(vg).to.be.closeTo(2, 0.2);
    const [mb] = mean(() => r.beta(2, 6)); // mean 0.25
    expect(mb).to.be.closeTo(0.25, 0.01);
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) counts[r.categorical([1, 2, 7])]!++;
    expect(counts[0]! / n).to.be.closeTo(0.1, 0.01);
    expect(counts[2]! / n).to.be.closeTo(0.7, 0.01);
  });

  it("never returns a zero seed and rejects bad seeds", () => {
    for (let s = 0; s < 1000; s++) expect(mixSeed(s, "x")).to.not.equal(0);
    expect(() => Rng.fromSeed(-1)).to.throw(/seed = -1/);
    expect(() => Rng.fromSeed(1.5)).to.throw(/integer/);
    expect(() => Rng.fromSeed(1).categorical([0, 0])).to.throw(/categorical/);
  });
});
