import { expect } from "chai";
import { Rng } from "../../src/rng";
import { sampleQuery } from "../../src/world/query";
import { createWorld } from "../../src/world/world";

describe("world/query", () => {
  const w = createWorld();

  it("enumerates contexts with weights summing to 1 and proper truth posteriors", () => {
    const total = w.entries.reduce((s, e) => s + e.weight, 0);
    expect(total).to.be.closeTo(1, 1e-12);
    for (const e of w.entries) expect(e.truthPosterior.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
    w.contexts.forEach((c, i) => expect(c.index).to.equal(i));
  });

  it("keeps the model more competent than the rater wherever they disagree", () => {
    for (const e of w.entries) {
      const { prior, guess } = e.context;
      if (prior === guess) continue;
      expect(e.truthPosterior[guess]!).to.be.greaterThan(e.truthPosterior[prior]!);
    }
  });

  it("samples contexts with the enumerated frequencies (ρ drawn per rater)", () => {
    const rng = Rng.fromSeed(11);
    const n = 40000;
    const counts = new Array<number>(w.contexts.length).fill(0);
    let truthIsGuess = 0;
    for (let i = 0; i < n; i++) {
      const q = sampleQuery(w.config, w.contexts, rng.uniform(0.45, 0.75), rng);
      counts[q.context.index]!++;
      if (q.truth === q.context.guess) truthIsGuess++;
    }
    w.entries.forEach((e, i) => {
      const se = Math.sqrt((e.weight * (1 - e.weight)) / n);
      expect(counts[i]! / n).to.be.closeTo(e.weight, 4.5 * se + 1e-4);
    });
    const acc = w.config.levels.reduce((s, l) => s + l.prob * l.accuracy, 0);
    expect(truthIsGuess / n).to.be.closeTo(acc, 0.01);
  });

  it("is reproducible: same seed, same queries; different seed, different queries", () => {
    const draw = (seed: number) => {
      const r = Rng.fromSeed(seed);
      return Array.from({ length: 30 }, () => sampleQuery(w.config, w.contexts, 0.6, r));
    };
    expect(draw(4)).to.deep.equal(draw(4));
    expect(draw(4)).to.not.deep.equal(draw(5));
  });
});
