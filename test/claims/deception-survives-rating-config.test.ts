import { expect } from "chai";
import { ConfigError } from "../../src/errors";
import { Rng } from "../../src/rng";
import { createWorld } from "../../src/world";
import { claim, BUDGETS, resolveRevealSweepConfig, revealSweepSeed, trainWithReveal, REVEAL_SWEEP_DEFAULTS } from "../../src/claims/deception-survives-rating";
import type { BaseModel } from "../../src/claims/kit";

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

describe("claim 3: run configs are checked before any work", function () {
  this.timeout(5000); // validation only: nothing here trains, so nothing may hang
  const world = createWorld({});
  const seed = (overrides: unknown) => () => revealSweepSeed(world, overrides as never, Rng.fromSeed(1));
  const F = "revealSweepSeed config";

  const bad: [string, unknown, string][] = [
    ["zero training documents", { trainDocs: 0 }, `${F}.trainDocs`],
    ["negative held-out documents", { heldOutDocs: -5 }, `${F}.heldOutDocs`],
    ["NaN DPO β", { dpo: { beta: NaN } }, `${F}.dpo.beta`],
    ["infinite DPO rounds", { dpo: { rounds: Infinity } }, `${F}.dpo.rounds`],
    ["huge pairs per round", { dpo: { pairsPerRound: 1e12 } }, `${F}.dpo.pairsPerRound`],
    ["fractional batch size", { dpo: { batchSize: 1.5 } }, `${F}.dpo.batchSize`],
    ["training documents as a string", { trainDocs: "1000" }, `${F}.trainDocs`],
    ["unknown key", { phi: 0.5 }, `${F}.phi`],
    ["unknown DPO key", { dpo: { lossType: "ipo" } }, `${F}.dpo.lossType`],
    ["empty φ list", { phis: [] }, `${F}.phis`],
    ["φ above 1", { phis: [0, 1.5] }, `${F}.phis[1]`],
    ["φ NaN", { phis: [NaN] }, `${F}.phis[0]`],
    ["revealAfter not a boolean", { revealAfter: "yes" }, `${F}.revealAfter`],
    ["population not an object", { population: 5 }, `${F}.population`],
    ["population probability above 1", { population: { ...REVEAL_SWEEP_DEFAULTS.population, verify: { lo: 0.1, hi: 2 } } }, `${F}.population.verify.hi`],
    ["population with an unknown field", { population: { ...REVEAL_SWEEP_DEFAULTS.population, honesty: { lo: 0, hi: 1 } } }, `${F}.population.honesty`],
    ["overrides not an object", 42, F],
  ];
  for (const [what, overrides, field] of bad) it(`revealSweepSeed rejects ${what}`, () => rejects(seed(overrides), field));

  it("budget() rejects seeds 0, 1.5, none, an unknown mode and φ without 0 and 1", () => {
    rejects(() => claim.budget("quick", { seeds: [0] }), "claim 3 budget.seeds[0]");
    rejects(() => claim.budget("quick", { seeds: [1.5] }), "claim 3 budget.seeds[0]");
    rejects(() => claim.budget("full", { seeds: [] }), "claim 3 budget.seeds");
    rejects(() => claim.budget("fast" as never), "claim 3 mode");
    rejects(() => claim.budget("quick", { phis: [0.25, 0.5] }), "claim 3 budget.phis");
    rejects(() => claim.budget("quick", { seed: 1 }), "claim 3 budget.seed");
    rejects(() => claim.budget("full", { incentivePhis: [0, 1] }), "claim 3 budget.incentivePhis");
    rejects(() => claim.budget("full", { incentivePhis: [0] }), "claim 3 budget.incentivePhis");
    rejects(() => claim.budget("full", { readKl: 0 }), "claim 3 budget.readKl");
    rejects(() => claim.budget("full", { readKl: Infinity }), "claim 3 budget.readKl");
    rejects(() => claim.budget("quick", { shortfallSeeds: 3 }), "claim 3 budget.shortfallSeeds");
    rejects(() => claim.budget("quick", { shortfallSeeds: -1 }), "claim 3 budget.shortfallSeeds");
    rejects(() => claim.budget("quick", { revealAfterSeeds: 3 }), "claim 3 budget.revealAfterSeeds");
  });

  it("run rejects bad seeds before any work", async () => {
    let err: unknown = null;
    await claim.run(world, BUDGETS.quick, [0]).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as Error).message).to.include("claim 3 seeds[0] =");
  });

  it("trainWithReveal rejects φ outside [0, 1], a post-hoc run with φ ≠ 0 and a bad DPO setting before training", () => {
    const base = {} as Pick<BaseModel, "policy" | "reference">; // never touched: validation comes first
    rejects(() => trainWithReveal(world, base, 2, false, {}, Rng.fromSeed(1)), "trainWithReveal phi");
    rejects(() => trainWithReveal(world, base, 0.5, true, {}, Rng.fromSeed(1)), "trainWithReveal phi");
    rejects(() => trainWithReveal(world, base, 0, false, { dpo: { beta: 0 } as never }, Rng.fromSeed(1)), "trainWithReveal config.dpo.beta");
  });

  it("version 2's full budget: seeds 101–115, a trained φ grid inside the incentive grid, both ends included", () => {
    expect(BUDGETS.full.seeds).to.deep.equal(Array.from({ length: 15 }, (_, i) => 101 + i));
    expect(BUDGETS.quick.seeds).to.deep.equal([101, 102]);
    for (const b of [BUDGETS.quick, BUDGETS.full]) expect(b.phis.every((p) => b.incentivePhis.includes(p))).to.equal(true);
  });

  it("the quick and full budgets are valid and unchanged by validation", () => {
    expect(claim.budget("quick")).to.deep.equal(BUDGETS.quick);
    expect(claim.budget("full")).to.deep.equal(BUDGETS.full);
    expect(resolveRevealSweepConfig({})).to.deep.equal(REVEAL_SWEEP_DEFAULTS);
  });
});
