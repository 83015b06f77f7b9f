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
    ["an RM size of 1", { rmPairs: 1 }, `${F}.rmPairs`],
    ["a list of RM sizes (version 2 fits one size)", { rmPairs: [500, 2000] }, `${F}.rmPairs`],
    ["negative held-out pairs", { heldOutPairs: -1 }, `${F}.heldOutPairs`],
    ["NaN training documents", { trainDocs: NaN }, `${F}.trainDocs`],
    ["an infinite n", { ns: [1, Infinity] }, `${F}.ns[1]`],
    ["a huge n", { ns: [1e9] }, `${F}.ns[0]`],
    ["an RM without hidden layers", { rm: { hidden: [] } }, `${F}.rm.hidden`],
    ["zero RM epochs", { rm: { epochs: 0 } }, `${F}.rm.epochs`],
    ["a KL grid of one point", { klGrid: [1], matchedKl: 1 }, `${F}.klGrid`],
    ["a KL grid that is not increasing", { klGrid: [0.5, 0.2, 1] }, `${F}.klGrid[1]`],
    ["a KL grid with 0 (KL 0 is always read)", { klGrid: [0, 1] }, `${F}.klGrid[0]`],
    ["an infinite KL on the grid", { klGrid: [1, Infinity] }, `${F}.klGrid[1]`],
    ["a matched KL off the grid", { matchedKl: 0.9 }, `${F}.matchedKl`],
    ["negative PPO seeds", { ppoSeeds: -1 }, `${F}.ppoSeeds`],
    ["a PPO β of 0", { ppoBeta: 0 }, `${F}.ppoBeta`],
    ["a checkpoint after the last iteration", { ppoCheckpoints: [50] }, `${F}.ppoCheckpoints[0]`],
    ["a fractional checkpoint", { ppoCheckpoints: [1.5] }, `${F}.ppoCheckpoints[0]`],
    ["PPO minibatches that do not divide the batch", { ppo: { minibatches: 3 } }, `${F}.ppo.minibatches`],
    ["PPO iterations as a string", { ppo: { iterations: "20" } }, `${F}.ppo.iterations`],
    ["infinite PPO iterations", { ppo: { iterations: Infinity } }, `${F}.ppo.iterations`],
    ["a PPO β inside ppo (it is ppoBeta)", { ppo: { beta: 0.1 } }, `${F}.ppo.beta`],
    ["one Gauss–Legendre node", { limitNodes: 1 }, `${F}.limitNodes`],
    ["version 1's PPO runs", { ppoRuns: [{ beta: 0.1, checkpoints: [] }] }, `${F}.ppoRuns`],
    ["version 1's DPO β values", { dpoBetas: [0.1] }, `${F}.dpoBetas`],
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
    rejects(() => claim.budget("quick", { rmPair: 100 }), "claim 2 budget.rmPair");
    rejects(() => claim.budget("quick", { ppoSeeds: 3 }), "claim 2 budget.ppoSeeds");
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

  it("the full budget uses the 15 seeds 101–115 and quick the first two", () => {
    expect(BUDGETS.full.seeds).to.deep.equal(Array.from({ length: 15 }, (_, i) => 101 + i));
    expect(BUDGETS.quick.seeds).to.deep.equal([101, 102]);
  });

  it("the quick and full budgets are valid and unchanged by validation", () => {
    expect(claim.budget("quick")).to.deep.equal(BUDGETS.quick);
    expect(claim.budget("full")).to.deep.equal(BUDGETS.full);
    expect(resolveOvershootConfig({})).to.deep.equal(OVERSHOOT_DEFAULTS);
  });
});
