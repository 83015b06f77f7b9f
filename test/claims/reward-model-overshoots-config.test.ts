import { expect } from "chai";
import { ConfigError } from "../../src/errors";
import { Rng } from "../../src/rng";
import { createWorld } from "../../src/world";
import { claim, BUDGETS, OVERSHOOT_DEFAULTS, overshootSeed, resolveOvershootConfig, runOvershoot } from "../../src/claims/reward-model-overshoots";

/** Asserts `f` throws a ConfigError whose message names `field`. */
function rejects(f: () => unknown, field: string): void {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, `expected a ConfigError naming ${field}`).to.be.instanceOf(ConfigError);
  expect((err as ConfigError).message).to.include(`${field} =`);
}

describe("claim 2: run configs are checked before any work", function () {
  this.timeout(5000); // validation only: nothing here trains, so nothing may hang
  const world = createWorld({});
  const seed = (overrides: unknown) => () => overshootSeed(world, overrides as never, Rng.fromSeed(1));
  const F = "overshootSeed config";

  const bad: [string, unknown, string][] = [
    ["an empty list of RM sizes", { rmPairs: [] }, `${F}.rmPairs`],
    ["an RM size of 0", { rmPairs: [0, 2000], indirectionPairs: 2000 }, `${F}.rmPairs[0]`],
    ["an indirection size that is not an RM size", { indirectionPairs: 300 }, `${F}.indirectionPairs`],
    ["negative held-out pairs", { heldOutPairs: -1 }, `${F}.heldOutPairs`],
    ["NaN training documents", { trainDocs: NaN }, `${F}.trainDocs`],
    ["an infinite n", { ns: [1, Infinity] }, `${F}.ns[1]`],
    ["a huge n", { ns: [1e9] }, `${F}.ns[0]`],
    ["an RM without hidden layers", { rm: { hidden: [] } }, `${F}.rm.hidden`],
    ["zero RM epochs", { rm: { epochs: 0 } }, `${F}.rm.epochs`],
    ["PPO minibatches that do not divide the batch", { ppo: { minibatches: 3 } }, `${F}.ppo.minibatches`],
    ["PPO iterations as a string", { ppo: { iterations: "20" } }, `${F}.ppo.iterations`],
    ["infinite PPO iterations", { ppo: { iterations: Infinity } }, `${F}.ppo.iterations`],
    ["no PPO runs", { ppoRuns: [] }, `${F}.ppoRuns`],
    ["a PPO run with β = 0", { ppoRuns: [{ beta: 0, checkpoints: [1] }] }, `${F}.ppoRuns[0].beta`],
    ["a PPO run without checkpoints", { ppoRuns: [{ beta: 0.1 }] }, `${F}.ppoRuns[0].checkpoints`],
    ["a PPO run with an unknown field", { ppoRuns: [{ beta: 0.1, checkpoints: [], lr: 1 }] }, `${F}.ppoRuns[0].lr`],
    ["a checkpoint after the last iteration", { ppoRuns: [{ beta: 0.1, checkpoints: [50] }] }, `${F}.ppoRuns[0].checkpoints[0]`],
    ["a fractional checkpoint", { ppoRuns: [{ beta: 0.1, checkpoints: [1.5] }] }, `${F}.ppoRuns[0].checkpoints[0]`],
    ["a negative DPO β", { dpoBetas: [-1] }, `${F}.dpoBetas[0]`],
    ["a DPO β inside dpo (it comes from dpoBetas)", { dpo: { beta: 0.1 } }, `${F}.dpo.beta`],
    ["an unknown key", { seeds: [1] }, `${F}.seeds`],
    ["a population of null", { population: null }, `${F}.population`],
    ["overrides not an object", "quick", F],
  ];
  for (const [what, overrides, field] of bad) it(`overshootSeed rejects ${what}`, () => rejects(seed(overrides), field));

  it("budget() rejects seeds 0, 1.5, none, an unknown mode and unknown keys", () => {
    rejects(() => claim.budget("quick", { seeds: [0] }), "claim 2 budget.seeds[0]");
    rejects(() => claim.budget("quick", { seeds: [1.5] }), "claim 2 budget.seeds[0]");
    rejects(() => claim.budget("full", { seeds: [] }), "claim 2 budget.seeds");
    rejects(() => claim.budget("fast" as never), "claim 2 mode");
    rejects(() => claim.budget("quick", { rmPair: [100] }), "claim 2 budget.rmPair");
    rejects(() => claim.budget("quick", { indirectionPairs: 2000 }), "claim 2 budget.indirectionPairs");
  });

  it("runOvershoot and run reject bad seeds before any work", async () => {
    const { seeds: _s, ...cfg } = BUDGETS.quick;
    rejects(() => runOvershoot(world, cfg, [0]), "runOvershoot seeds[0]");
    rejects(() => runOvershoot(world, cfg, []), "runOvershoot seeds");
    let err: unknown = null;
    await claim.run(world, BUDGETS.quick, [2.5]).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as Error).message).to.include("runOvershoot seeds[0] =");
  });

  it("the quick and full budgets are valid and unchanged by validation", () => {
    expect(claim.budget("quick")).to.deep.equal(BUDGETS.quick);
    expect(claim.budget("full")).to.deep.equal(BUDGETS.full);
    expect(resolveOvershootConfig({})).to.deep.equal(OVERSHOOT_DEFAULTS);
  });
});
