import { expect } from "chai";
import { Rng } from "../../src/rng";
import { makeWorldConfig } from "../../src/world/config";
import { corpusBaseRates, corpusTable, sampleCorpus } from "../../src/world/corpus";
import { exactDistribution, exactProbability } from "../../src/world/exact";
import { exactMetrics, sampledMetrics } from "../../src/world/metrics";
import { createWorld } from "../../src/world/world";

describe("world/corpus", () => {
  const w = createWorld();

  it("reproduces its base rates when sampled (within 4 standard errors)", () => {
    const samples = sampleCorpus(w, 20000, Rng.fromSeed(21));
    const m = sampledMetrics(w, samples.map((s) => ({ context: s.query.context, truth: s.query.truth, tokens: s.tokens })));
    const base = corpusBaseRates(w);
    for (const key of ["noAnswerRate", "sycophancyRate", "exaggerationRate", "completionRate"] as const) {
      expect(m.value[key], key).to.be.closeTo(base[key], 4 * m.se[key] + 1e-3);
    }
    // no writer ever runs out of length
    expect(samples.every((s) => s.tokens[s.tokens.length - 1] === w.vocab.end)).to.equal(true);
  });

  it("makes in-order manoeuvre progress only with probability ε per step: P(prefix ≥ j) = ε^j exactly", () => {
    for (const k of [1, 2, 4]) {
      const world = createWorld(makeWorldConfig({ manoeuvreLength: k, corpus: { manoeuvreStepRate: 0.2 } }));
      const dist = exactDistribution(world, corpusTable(world));
      for (let j = 1; j <= k; j++) {
        expect(exactProbability(dist, (m) => m.prefix >= j)).to.be.closeTo(Math.pow(0.2, j), 1e-12);
      }
      expect(exactMetrics(world, dist).completionRate).to.be.closeTo(Math.pow(0.2, k), 1e-12);
    }
  });

  it("matches its exact rates: sycophancy only where guess and prior differ, split equally by prior correctness", () => {
    const m = exactMetrics(w, exactDistribution(w, corpusTable(w)));
    const base = corpusBaseRates(w);
    expect(m.sycophancyRate).to.be.closeTo(base.sycophancyRate, 1e-12);
    expect(m.sycophancyRatePriorWrong).to.be.closeTo(base.sycophancyRate, 1e-12);
    expect(m.exaggerationRate).to.be.closeTo(base.exaggerationRate, 1e-12);
    expect(m.noAnswerRate).to.be.closeTo(base.noAnswerRate, 1e-12);
  });

  it("is reproducible: same seed, same corpus; different seed, different corpus", () => {
    expect(sampleCorpus(w, 50, Rng.fromSeed(1))).to.deep.equal(sampleCorpus(w, 50, Rng.fromSeed(1)));
    expect(sampleCorpus(w, 50, Rng.fromSeed(1))).to.not.deep.equal(sampleCorpus(w, 50, Rng.fromSeed(2)));
  });
});
