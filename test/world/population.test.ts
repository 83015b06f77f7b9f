import { expect } from "chai";
import { Rng } from "../../src/rng";
import { raterOracleAgreement } from "../../src/world/agreement";
import { meanRaterParams, PRESET_NAMES, PRESETS, samplePopulation } from "../../src/world/population";
import { createWorld } from "../../src/world/world";

describe("world/population", () => {
  const w = createWorld();

  for (const name of PRESET_NAMES) {
    it(`"${name}" raters agree with the oracle on random corpus pairs within the documented band`, () => {
      const preset = PRESETS[name];
      const row = raterOracleAgreement(w, preset.population, 5000, Rng.fromSeed(77).fork(name));
      expect(row.n).to.be.greaterThan(2500);
      expect(row.agreement).to.be.within(preset.agreementBand[0], preset.agreementBand[1]);
    });
  }

  it("orders the presets: careful > typical > hurried > chance", () => {
    const rows = PRESET_NAMES.map((n) => raterOracleAgreement(w, PRESETS[n].population, 3000, Rng.fromSeed(3)).agreement);
    expect(rows[0]!).to.be.greaterThan(rows[1]!);
    expect(rows[1]!).to.be.greaterThan(rows[2]!);
    expect(rows[2]!).to.be.greaterThan(0.5);
  });

  it("draws rater parameters inside the ranges, with the documented means", () => {
    const pop = PRESETS.typical.population;
    const raters = samplePopulation(pop, 20000, Rng.fromSeed(8));
    const mean = meanRaterParams(pop);
    for (const key of ["rho", "verify", "detect", "appeal", "rationality"] as const) {
      const xs = raters.map((r) => r.params[key]);
      expect(Math.min(...xs)).to.be.at.least(pop[key].lo);
      expect(Math.max(...xs)).to.be.at.most(pop[key].hi);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = (pop[key].hi - pop[key].lo) / Math.sqrt(12);
      expect(m, key).to.be.closeTo(mean[key], 4 * sd / Math.sqrt(xs.length) + 1e-12);
    }
    expect(samplePopulation(pop, 5, Rng.fromSeed(1))).to.deep.equal(samplePopulation(pop, 5, Rng.fromSeed(1)));
    expect(samplePopulation(pop, 5, Rng.fromSeed(1))).to.not.deep.equal(samplePopulation(pop, 5, Rng.fromSeed(2)));
  });
});
