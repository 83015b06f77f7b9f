import { expect } from "chai";
import { ConfigError } from "../../src/errors";
import * as rao from "../../src/claims/raters-and-outcomes";
import * as lar from "../../src/claims/loops-are-right";
import { Rng } from "../../src/rng";
import { createWorld } from "../../src/world";

/** The ConfigError `f` throws (fails if it returns or throws something else). */
function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError, got a result");
}

describe("claims: notebook 01 and 02 budgets and runner checks", () => {
  const world = createWorld();
  const rng = Rng.fromSeed(1);

  it("the per-mode budgets are valid and seeds are given per mode", () => {
    expect(rao.budget("quick")).to.deep.equal(rao.BUDGETS.quick);
    expect(rao.budget("full")).to.deep.equal(rao.BUDGETS.full);
    expect(lar.budget("quick")).to.deep.equal(lar.BUDGETS.quick);
    expect(lar.budget("full", { sweep: { ppoIterations: 10 } }).sweep.dpoPairs).to.equal(4000);
    expect(rao.SEEDS.full).to.deep.equal([1]);
    expect(lar.SEEDS.full).to.deep.equal([1, 2]);
  });

  const bad: [string, () => unknown, string][] = [
    ["01: zero pairs", () => rao.budget("full", { pairs: 0 }), "notebook 01 budget.pairs"],
    ["02: label-limit study with a negative β", () => lar.budget("full", { limit: { beta: -1 } }), "notebook 02 budget.limit.beta"],
    ["02: label-limit study with no pair counts", () => lar.budget("full", { limit: { pairs: [] } }), "notebook 02 budget.limit.pairs"],
    ["01: too few sweep points", () => rao.budget("full", { sweepPoints: 3 }), "notebook 01 budget.sweepPoints"],
    ["01: unknown key", () => rao.budget("full", { points: 6 }), "notebook 01 budget.points"],
    ["01: agreement with infinite pairs", () => rao.agreementByPreset(world, Infinity, rng), "pairs"],
    ["01: error sweep with NaN pairs", () => rao.errorSweep(world, "verify", [0, 1], NaN, rng), "pairs"],
    ["01: error sweep of an unknown parameter", () => rao.errorSweep(world, "beta" as "rho", [0.5], 10, rng), "param"],
    ["01: error sweep with an empty grid", () => rao.errorSweep(world, "detect", [], 10, rng), "detect values"],
    ["01: error sweep outside [0, 1]", () => rao.errorSweep(world, "verify", [0, 1.5], 10, rng), "verify values[1]"],
    ["01: a huge number of examples", () => rao.sampleExamples(world, 1e9, rng), "examples"],
    ["02: negative convergence steps", () => lar.budget("full", { convergenceSteps: -5 }), "notebook 02 budget.convergenceSteps"],
    ["02: unknown sweep field", () => lar.budget("full", { sweep: { ppoIters: 5 } }), "notebook 02 budget.sweep.ppoIters"],
    ["02: infinite PPO iterations", () => lar.budget("full", { sweep: { ppoIterations: Infinity } }), "notebook 02 budget.sweep.ppoIterations"],
    ["02: DPO β as a string", () => lar.budget("full", { sweep: { dpoBetas: ["0.5"] } }), "notebook 02 budget.sweep.dpoBetas[0]"],
    ["02: zero reward-model epochs", () => lar.budget("full", { rewardModel: { epochs: 0 } }), "notebook 02 budget.rewardModel.epochs"],
    ["02: seeds 1.5 for the world sweeps", () => lar.runWorldSweeps(world, world.config.population, lar.BUDGETS.quick, [1.5]), "seeds[0]"],
    ["02: no seeds for the world sweeps", () => lar.runWorldSweeps(world, world.config.population, lar.BUDGETS.quick, []), "seeds"],
    ["02: a world sweep with infinite PPO iterations", () => lar.worldSweepOptions({ ppoIterations: Infinity }), "ppoIterations"],
    ["02: a world sweep with a huge PPO batch", () => lar.worldSweepOptions({ ppoBatchSize: 1e9 }), "ppoBatchSize"],
    ["02: a world sweep with an unknown key", () => lar.worldSweepOptions({ samples: 5 } as never), "samples"],
    ["02: convergence traces with infinite steps", () => lar.tabularConvergenceTraces([0.5, 0.5], [1, 0], 0.5, rng, Infinity), "steps"],
    ["02: convergence traces with β = 0", () => lar.tabularConvergenceTraces([0.5, 0.5], [1, 0], 0, rng, 10), "beta"],
    ["02: reward-model study with zero pairs", () => lar.checkRewardModelStudyOptions({ trainPairs: 0, heldOutPairs: 10, rewardModel: {} }), "trainPairs"],
    ["02: reward-model study with an unknown key", () => lar.checkRewardModelStudyOptions({ trainPairs: 10, heldOutPairs: 10, rewardModel: {}, pairs: 5 } as never), "pairs"],
    ["02: reward-model study with huge epochs", () => lar.checkRewardModelStudyOptions({ trainPairs: 10, heldOutPairs: 10, rewardModel: { epochs: 1e9 } }), "rewardModel.epochs"],
  ];
  for (const [what, f, field] of bad) {
    it(`rejects ${what}, naming ${field}`, () => {
      const e = configError(f);
      expect(e.field).to.equal(field);
      expect(e.message).to.contain(field);
    });
  }
});
