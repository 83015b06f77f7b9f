/** Sweep specs: seeds, paths, expansion order, parameters and the run config's checks. */
import { expect } from "chai";
import { ConfigError } from "../../src/errors";
import { DEFAULT_DPO_RUN, deepMerge, flatten, parseSeeds, planSweep, resolveDpoRun, setPath } from "../../src/claims/sweep";

describe("claims/sweep: specs and the run config", () => {
  it("parses seeds as ranges, lists and { first, count }, and rejects 0, repeats and reversed ranges", () => {
    expect(parseSeeds("1-4")).to.deep.equal([1, 2, 3, 4]);
    expect(parseSeeds("3,1,7")).to.deep.equal([3, 1, 7]);
    expect(parseSeeds([5, 6])).to.deep.equal([5, 6]);
    expect(parseSeeds({ first: 10, count: 3 })).to.deep.equal([10, 11, 12]);
    expect(() => parseSeeds("0-2")).to.throw(ConfigError, /seeds\[0\] = 0/);
    expect(() => parseSeeds([1, 1])).to.throw(ConfigError, /distinct seeds/);
    expect(() => parseSeeds("4-2")).to.throw(ConfigError, /a ≤ b/);
    expect(() => parseSeeds({ first: 1, count: 2, step: 2 })).to.throw(ConfigError, /seeds\.step/);
  });

  it("sets dotted paths and merges without touching the input", () => {
    const base = { trainer: { beta: 0.1, epochs: 2 } };
    expect(setPath(base, "trainer.beta", 0.5)).to.deep.equal({ trainer: { beta: 0.5, epochs: 2 } });
    expect(setPath(base, "world.population.verify", { lo: 0, hi: 0 })).to.deep.equal({ ...base, world: { population: { verify: { lo: 0, hi: 0 } } } });
    expect(base.trainer.beta).to.equal(0.1);
    expect(deepMerge(base, { trainer: { epochs: 3 } })).to.deep.equal({ trainer: { beta: 0.1, epochs: 3 } });
    expect(flatten({ a: { b: 1, c: [1, 2] }, d: "x" })).to.deep.equal({ "a.b": 1, "a.c": [1, 2], d: "x" });
  });

  it("expands list × grid × seeds in that order, first grid axis outermost, with flat parameters", () => {
    const plan = planSweep({
      list: [{ labeller: "rater" }, { labeller: "oracle" }],
      grid: { "trainer.beta": [0.1, 0.2], "budget.pairs": [10, 20] },
      seeds: [7, 8],
    });
    expect(plan.runs).to.have.length(16);
    const key = (i: number) => [plan.runs[i]!.config.labeller, plan.runs[i]!.config.trainer.beta, plan.runs[i]!.config.budget.pairs, plan.runs[i]!.seed];
    expect(key(0)).to.deep.equal(["rater", 0.1, 10, 7]);
    expect(key(1)).to.deep.equal(["rater", 0.1, 10, 8]);
    expect(key(2)).to.deep.equal(["rater", 0.1, 20, 7]);
    expect(key(4)).to.deep.equal(["rater", 0.2, 10, 7]);
    expect(key(8)).to.deep.equal(["oracle", 0.1, 10, 7]);
    expect(plan.summaryBy).to.deep.equal(["trainer.beta", "budget.pairs", "labeller"]);
    expect(plan.runs[0]!.params).to.include({ labeller: "rater", "trainer.beta": 0.1, "budget.pairs": 10, computeProxy: false });
    expect(plan.runs.map((r) => r.index)).to.deep.equal([...plan.runs.keys()]);
  });

  it("resolves a run config over the defaults and rejects unknown or out-of-range fields by name", () => {
    expect(resolveDpoRun({})).to.deep.equal(DEFAULT_DPO_RUN);
    expect(resolveDpoRun({ trainer: { lossType: "ipo" } }).trainer).to.deep.equal({ beta: 0.25, epochs: 1, lossType: "ipo" });
    expect(() => resolveDpoRun({ traner: {} })).to.throw(ConfigError, /traner = \[object Object\]; allowed: a known field/);
    expect(() => resolveDpoRun({ world: { answers: 1 } })).to.throw(ConfigError, /world\.answers = 1/);
    expect(() => resolveDpoRun({ trainer: { lossType: "nope" } })).to.throw(ConfigError, /trainer\.lossType = "nope"/);
    expect(() => resolveDpoRun({ budget: { hidden: [0] } })).to.throw(ConfigError, /budget\.hidden\[0\] = 0/);
    expect(() => resolveDpoRun({ labeller: "oracle", ablate: "confidence" })).to.throw(ConfigError, /ablate = "confidence"/);
    expect(() => planSweep({ seeds: 1, grid: { "trainer.beta": [] } })).to.throw(ConfigError, /grid\.trainer\.beta = \[\]; allowed: a non-empty list/);
    expect(() => planSweep({ seeds: 1, summary: { by: ["nope"] } })).to.throw(ConfigError, /summary\.by\[0\] = "nope"/);
    expect(() => planSweep({ grid: { "budget.pairs": [1] } })).to.throw(ConfigError, /seeds = undefined/);
  });
});
