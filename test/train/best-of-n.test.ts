import { expect } from "chai";
import { Rng } from "../../src/rng";
import { bestOfNExact, bestOfNSample, bestOfNKlBound, bestOfNCurve } from "../../src/train/best-of-n";
import { softmaxPlain, totalVariation } from "../../src/train/closed-form";
import { ConfigError } from "../../src/errors";

function sampledBon(rng: Rng, ref: number[], scores: number[], n: number, draws: number): number[] {
  const counts = new Array<number>(ref.length).fill(0);
  for (let i = 0; i < draws; i++) counts[bestOfNSample(rng, (r) => r.categorical(ref), (y) => scores[y]!, n)]! += 1;
  return counts.map((c) => c / draws);
}

describe("best-of-n", () => {
  const g = Rng.fromSeed(5).fork("instance");
  const ref = softmaxPlain(Array.from({ length: 8 }, () => g.normal(0, 1)));
  const distinct = Array.from({ length: 8 }, () => g.normal(0, 1));
  const tied = [0, 1, 1, 2, 0, 2, 2, 1];

  it("exact distribution matches sampling (distinct and tied scores)", () => {
    for (const [name, scores] of [["distinct", distinct], ["tied", tied]] as const) {
      for (const n of [1, 3, 8]) {
        const exact = bestOfNExact(ref, scores, n).probs;
        expect(exact.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
        const sampled = sampledBon(Rng.fromSeed(n).fork(name), ref, scores, n, 20000);
        expect(totalVariation(exact, sampled), `${name}, n=${n}`).to.be.lessThan(0.015);
      }
    }
  });

  it("n = 1 is the reference; without ties π_bon(y_i) = c_iⁿ − c_{i−1}ⁿ", () => {
    const b1 = bestOfNExact(ref, distinct, 1);
    b1.probs.forEach((p, i) => expect(p).to.be.closeTo(ref[i]!, 1e-12));
    expect(b1.kl).to.be.closeTo(0, 1e-12);
    const order = ref.map((_, i) => i).sort((a, b) => distinct[a]! - distinct[b]!);
    let c = 0;
    const b4 = bestOfNExact(ref, distinct, 4);
    for (const i of order) {
      const next = c + ref[i]!;
      expect(b4.probs[i]).to.be.closeTo(next ** 4 - c ** 4, 1e-12);
      c = next;
    }
  });

  it("exact KL stays below log n − (n−1)/n, and nears it when no output is likely", () => {
    for (const n of [2, 4, 16, 64]) {
      for (const scores of [distinct, tied]) {
        const b = bestOfNExact(ref, scores, n);
        expect(b.kl).to.be.at.most(b.bound + 1e-12);
      }
      const many = Array.from({ length: 5000 }, () => 1 / 5000);
      const fine = bestOfNExact(many, many.map((_, i) => i), n);
      expect(fine.kl, `n=${n}`).to.be.closeTo(bestOfNKlBound(n), 0.02);
    }
  });

  it("curve rows: proxy score rises with n", () => {
    const rows = bestOfNCurve(ref, distinct, tied, [1, 2, 4, 8]);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.proxy).to.be.greaterThan(rows[i - 1]!.proxy);
    expect(rows[0]!.kl).to.be.closeTo(0, 1e-12);
  });

  it("refuses string or non-finite scores and mismatched lengths at the boundary", () => {
    expect(() => bestOfNExact(ref, distinct.map((x, i) => (i === 2 ? String(x) : x)) as unknown as number[], 4)).to.throw(ConfigError, /scores\[2\]/);
    expect(() => bestOfNExact(ref, distinct.slice(1), 4)).to.throw(ConfigError, /scores\.length/);
    expect(() => bestOfNCurve(ref, distinct, [NaN, ...tied.slice(1)], [1, 2])).to.throw(ConfigError, /truth\[0\] = NaN/);
    expect(() => bestOfNSample(Rng.fromSeed(1), (r) => r.categorical(ref), () => "3" as unknown as number, 4)).to.throw(ConfigError, /score callback result/);
  });
});
