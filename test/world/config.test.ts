import { expect } from "chai";
import { ConfigError } from "../../src/errors";
import { ablate, DEFAULT_WORLD_CONFIG, makeWorldConfig, utilityScale, validateWorldConfig } from "../../src/world/config";
import { createWorld } from "../../src/world/world";

function expectConfigError(fn: () => unknown, field: string | RegExp): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    const err = e as ConfigError;
    if (typeof field === "string") expect(err.field).to.equal(field);
    else expect(err.field).to.match(field);
    expect(err.message).to.contain("allowed");
    return err;
  }
  throw new Error("expected a ConfigError");
}

describe("world/config", () => {
  it("accepts the defaults and builds the default world", () => {
    expect(() => validateWorldConfig(DEFAULT_WORLD_CONFIG)).to.not.throw();
    const w = createWorld();
    expect(w.vocab.size).to.equal(13);
    expect(w.space.states.length).to.equal(320);
    expect(w.contexts.length).to.equal(48);
    expect(utilityScale(w.config)).to.be.closeTo(2.5, 1e-12);
  });

  it("rejects out-of-range values, naming field, value and allowed range", () => {
    const e = expectConfigError(() => makeWorldConfig({ population: { verify: { lo: 0, hi: 1.2 } } }), "population.verify.hi");
    expect(e.value).to.equal(1.2);
    expect(e.message).to.contain("[0, 1]");
    expectConfigError(() => makeWorldConfig({ population: { rationality: { lo: -1, hi: 2 } } }), "population.rationality.lo");
    expectConfigError(() => makeWorldConfig({ manoeuvreLength: 0 }), "manoeuvreLength");
    expectConfigError(() => makeWorldConfig({ manoeuvreLength: 7 }), "manoeuvreLength"); // > maxLen − 4
    expectConfigError(() => makeWorldConfig({ answers: 1 }), "answers");
    expectConfigError(() => makeWorldConfig({ comparison: { revealRate: -0.1 } }), "comparison.revealRate");
    expectConfigError(() => makeWorldConfig({ comparison: { flipRate: 2 } }), "comparison.flipRate");
    expectConfigError(() => makeWorldConfig({ comparison: { myopia: 0 } }), "comparison.myopia");
    expectConfigError(() => makeWorldConfig({ comparison: { noise: "loud" as "relative" } }), "comparison.noise");
    expectConfigError(() => makeWorldConfig({ comparison: { oracleRationality: -1 } }), "comparison.oracleRationality");
    expectConfigError(() => makeWorldConfig({ belief: { baseBelief: 1 } }), "belief.baseBelief");
    expectConfigError(() => makeWorldConfig({ belief: { noticedStepPenalty: -2 } }), "belief.noticedStepPenalty");
    expectConfigError(() => makeWorldConfig({ utility: { fabricatedEvidence: -0.5 } }), "utility.fabricatedEvidence");
    expectConfigError(() => makeWorldConfig({ corpus: { sycophancyRate: 1.5 } }), "corpus.sycophancyRate");
    expectConfigError(() => makeWorldConfig({ corpus: { hedgeByLevel: [0.1, 0.2] } }), "corpus.hedgeByLevel");
    expectConfigError(() => makeWorldConfig({ population: { detect: { lo: 0.8, hi: 0.2 } } }), "population.detect.hi");
    expectConfigError(() => makeWorldConfig({ levels: [{ name: "x", prob: 0.5, accuracy: 0.9 }], corpus: { hedgeByLevel: [0], evidenceByLevel: [0] } }), /levels/);
    expectConfigError(() => makeWorldConfig({ nonsense: 3 } as never), "nonsense");
    expectConfigError(() => makeWorldConfig({ belief: { biases: { greed: false } } } as never), "belief.biases.greed");
  });

  it("requires the model to out-guess the rater where they disagree, unless told otherwise", () => {
    const tooGoodRaters = { population: { rho: { lo: 0.7, hi: 0.9 } } };
    expectConfigError(() => makeWorldConfig(tooGoodRaters), "levels[2].accuracy");
    expect(() => makeWorldConfig({ ...tooGoodRaters, requireModelCompetence: false })).to.not.throw();
  });

  it("switches off one bias at a time without touching the others", () => {
    const c = ablate(DEFAULT_WORLD_CONFIG, "sycophancy");
    expect(c.belief.biases).to.deep.equal({ sycophancy: false, confidence: true, evidenceCredulity: true, manoeuvreAppeal: true });
    expect(DEFAULT_WORLD_CONFIG.belief.biases.sycophancy).to.equal(true);
    expectConfigError(() => ablate(DEFAULT_WORLD_CONFIG, "greed" as never), "ablate bias");
  });

  it("does not share nested objects with the defaults", () => {
    const c = makeWorldConfig();
    c.levels[0]!.accuracy = 0.5;
    expect(DEFAULT_WORLD_CONFIG.levels[0]!.accuracy).to.equal(0.95);
  });
});
