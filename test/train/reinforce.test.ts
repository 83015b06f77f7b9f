import { expect } from "chai";
import { Rng } from "../../src/rng";
import { ConfigError } from "../../src/errors";
import { ResidualTabularPolicy, type StateMachine } from "../../src/policy/residual-tabular";
import { trainReinforceKl, trainReinforceToTarget } from "../../src/train/reinforce";

// Tokens a (0), b (1), end (2); the state counts a's (capped at 2). See test/policy/residual-tabular.test.ts.
const machine: StateMachine = { vocabSize: 3, endToken: 2, maxLen: 3, numStates: 3, initialState: 0, transitions: [1, 0, 0, 2, 1, 1, 2, 2, 2] };
const policy = (contexts = 1, shared = false) => new ResidualTabularPolicy({ machine, contexts, shared, base: () => [0.2, 0.6, 0.2] });
const twoAs = (s: number) => s === 2;

describe("trainReinforceToTarget", () => {
  it("sparse credit reaches the target; samples and censoring are counted", () => {
    const p = policy();
    const r = trainReinforceToTarget(p, { batch: 8, lr: 1, target: 0.5, maxSamples: 50000 }, { reward: (s) => (twoAs(s) ? 1 : 0), success: twoAs }, Rng.fromSeed(1));
    expect(r.targetCensored).to.equal(false);
    expect(r.finalCompletion).to.be.at.least(0.5);
    expect(p.endProbability(0, twoAs)).to.equal(r.finalCompletion);
    expect(r.samplesToTarget).to.be.at.least(r.samplesToFirst);
  });

  it("a budget too small to see a success is censored, with no update", () => {
    const r = trainReinforceToTarget(policy(), { batch: 2, lr: 1, target: 0.5, maxSamples: 2 }, { reward: () => 0, success: () => false }, Rng.fromSeed(1));
    expect(r).to.include({ firstCensored: true, targetCensored: true, updates: 0, samplesToFirst: 2 });
  });

  it("rejects unbounded or nonsense configs before any work", () => {
    const sig = { reward: () => 0, success: () => false };
    for (const [bad, field] of [[{ maxSamples: Infinity }, "maxSamples"], [{ batch: 1 }, "batch"], [{ lr: 0 }, "lr"], [{ target: 1 }, "target"]] as const) {
      const c = Object.assign({ batch: 4, lr: 1, target: 0.5, maxSamples: 100 }, bad);
      expect(() => trainReinforceToTarget(policy(), c, sig, Rng.fromSeed(1))).to.throw(ConfigError, field);
    }
  });

  it("refuses a reward callback that returns a string or NaN (it would be concatenated, not added)", () => {
    for (const bad of ["1", NaN]) {
      const sig = { reward: () => bad as unknown as number, success: () => false };
      expect(() => trainReinforceToTarget(policy(), { batch: 4, lr: 1, target: 0.5, maxSamples: 100 }, sig, Rng.fromSeed(1))).to.throw(ConfigError, /reward callback result/);
    }
  });
});

describe("trainReinforceKl", () => {
  const config = { samples: 4000, batch: 16, lr: 2, beta: 0.3, baselineRate: 0.05 };
  it("raises a rewarded outcome, deterministically given the stream", () => {
    const run = () => {
      const p = policy(2, true);
      const pick = Rng.fromSeed(3).fork("contexts");
      const r = trainReinforceKl(p, config, { pickContext: () => pick.categorical([0.5, 0.5]), reward: (_c, s) => (twoAs(s) ? 1 : 0), success: twoAs }, Rng.fromSeed(3).fork("sampling"));
      return { r, completion: p.endProbability(0, twoAs) };
    };
    const a = run();
    const b = run();
    expect(a.completion).to.equal(b.completion);
    expect(a.completion).to.be.greaterThan(policy().endProbability(0, twoAs) + 0.1);
    expect(a.r.samples).to.equal(4000);
    expect(a.r.updates).to.equal(250);
  });

  it("pairwise comparisons: pairs share a context and the preferred side rises", () => {
    const p = policy(1, true);
    const r = trainReinforceKl(p, config, { pickContext: () => 0, success: twoAs, compare: { slope: 2, label: (_c, x, y) => (x.tokens.filter((t) => t === 0).length > y.tokens.filter((t) => t === 0).length ? 1 : 0) } }, Rng.fromSeed(4));
    expect(r.updates).to.be.greaterThan(0);
    expect(p.row(0, 0, 0)[0]).to.be.greaterThan(0.2);
  });

  it("rejects an odd batch with comparisons and a budget below one batch", () => {
    const sig = { pickContext: () => 0, success: twoAs, compare: { slope: 1, label: () => 0.5 } };
    expect(() => trainReinforceKl(policy(), { ...config, batch: 15 }, sig, Rng.fromSeed(1))).to.throw(ConfigError, /even/);
    expect(() => trainReinforceKl(policy(), { ...config, samples: 8 }, sig, Rng.fromSeed(1))).to.throw(ConfigError, /samples/);
    expect(() => trainReinforceKl(policy(), { ...config, samples: Infinity }, sig, Rng.fromSeed(1))).to.throw(ConfigError, /samples/);
  });
});
