import { expect } from "chai";
import { ConfigError } from "../../src/errors";
import { claim, RNO_BUDGETS, runRatersNotOutcomes, runRatersNotOutcomesIncentive, runRatersNotOutcomesSeed, type RnoIncentive } from "../../src/claims/raters-not-outcomes";
import { Rng } from "../../src/rng";
import { createWorld } from "../../src/world";

/** Runs `f` and returns the ConfigError it throws (fails if it returns or throws something else). */
async function configError(f: () => unknown): Promise<ConfigError> {
  try {
    await f();
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError, got a result");
}

describe("claims/raters-not-outcomes: budget validation", () => {
  it("quick and full budgets are valid, and overrides merge thresholds field by field", () => {
    expect(claim.budget("quick")).to.deep.equal(RNO_BUDGETS.quick);
    expect(claim.budget("full")).to.deep.equal(RNO_BUDGETS.full);
    const b = claim.budget("full", { thresholds: { kl: 0.4 } });
    expect(b.thresholds.kl).to.equal(0.4);
    expect(b.thresholds.klHigh).to.equal(0.75);
    expect(RNO_BUDGETS.full.seeds).to.deep.equal([101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115]);
    expect(RNO_BUDGETS.quick.seeds).to.deep.equal([101, 102]);
    expect(RNO_BUDGETS.full.thresholds.kl).to.equal(0.5);
    expect(claim.hypothesis(claim.budget("quick")).effect).to.contain("KL 0.02");
  });

  // [description, overrides, field the message must name]
  const bad: [string, unknown, string][] = [
    ["zero pairs", { pairs: 0 }, "claim 1 budget.pairs"],
    ["negative epochs", { epochs: -1 }, "claim 1 budget.epochs"],
    ["NaN trainDocs", { trainDocs: NaN }, "claim 1 budget.trainDocs"],
    ["Infinite agreement pairs", { agreementPairs: Infinity }, "claim 1 budget.agreementPairs"],
    ["huge side seeds", { sideSeeds: 1e12 }, "claim 1 budget.sideSeeds"],
    ["negative shortfall seeds", { shortfallSeeds: -1 }, "claim 1 budget.shortfallSeeds"],
    ["repeated βs", { betas: [0.5, 0.5] }, "claim 1 budget.betas"],
    ["no oracle βs", { oracleBetas: [] }, "claim 1 budget.oracleBetas"],
    ["repeated oracle βs", { oracleBetas: [0.2, 0.2] }, "claim 1 budget.oracleBetas"],
    ["a zero curve β", { curveBetas: [0] }, "claim 1 budget.curveBetas[0]"],
    ["an ablation share above 1", { thresholds: { ablationShare: 2 } }, "claim 1 budget.thresholds.ablationShare"],
    ["a NaN slope threshold", { thresholds: { verifySlope: NaN } }, "claim 1 budget.thresholds.verifySlope"],
    ["fractional held-out docs", { heldOutDocs: 10.5 }, "claim 1 budget.heldOutDocs"],
    ["pairs as a string", { pairs: "300" }, "claim 1 budget.pairs"],
    ["betas not a list", { betas: 0.5 }, "claim 1 budget.betas"],
    ["unknown key", { pair: 300 }, "claim 1 budget.pair"],
    ["empty β list", { betas: [] }, "claim 1 budget.betas"],
    ["zero β", { sideBetas: [0.5, 0] }, "claim 1 budget.sideBetas[1]"],
    ["infinite side β", { sideBetas: [Infinity] }, "claim 1 budget.sideBetas[0]"],
    ["seed 0", { seeds: [0, 1] }, "claim 1 budget.seeds[0]"],
    ["seed 1.5", { seeds: [1.5] }, "claim 1 budget.seeds[0]"],
    ["no seeds", { seeds: [] }, "claim 1 budget.seeds"],
    ["repeated seeds", { seeds: [1, 1] }, "claim 1 budget.seeds"],
    ["unknown bias", { ablations: ["manoeuvreAppeal"] }, "claim 1 budget.ablations[0]"],
    ["verification rate above 1", { verifyValues: [0, 2] }, "claim 1 budget.verifyValues[1]"],
    ["unknown threshold", { thresholds: { kll: 0.5 } }, "claim 1 budget.thresholds.kll"],
    ["negative matched KL", { thresholds: { kl: -0.5 } }, "claim 1 budget.thresholds.kl"],
    ["NaN threshold", { thresholds: { sycophancy: NaN } }, "claim 1 budget.thresholds.sycophancy"],
    ["klLow above klHigh", { thresholds: { klLow: 2 } }, "claim 1 budget.thresholds.klLow"],
    ["thresholds not an object", { thresholds: 0.5 }, "claim 1 budget.thresholds"],
    ["overrides not an object", 42, "claim 1 budget"],
  ];
  for (const [what, overrides, field] of bad) {
    it(`rejects ${what}, naming ${field}`, async () => {
      const e = await configError(() => claim.budget("full", overrides));
      expect(e.field).to.equal(field);
      expect(e.message).to.contain(field);
    });
  }

  it("rejects an unknown mode", async () => {
    const e = await configError(() => claim.budget("medium" as "quick"));
    expect(e.field).to.equal("mode");
  });

  describe("run checks its budget and seeds before any work", () => {
    const world = createWorld();
    const good = RNO_BUDGETS.quick;
    const runs: [string, () => Promise<unknown>, string][] = [
      ["a hand-made budget with zero pairs", () => claim.run(world, { ...good, pairs: 0 }, [1]), "claim 1 budget.pairs"],
      ["a budget missing a field", () => claim.run(world, { ...good, epochs: undefined } as unknown as typeof good, [1]), "claim 1 budget.epochs"],
      ["a budget with an unknown field", () => runRatersNotOutcomes(world, { ...good, samples: Infinity } as typeof good, [1]), "claim 1 budget.samples"],
      ["seed 0", () => claim.run(world, good, [0]), "seeds[0]"],
      ["seed 1.5", () => claim.run(world, good, [1.5]), "seeds[0]"],
      ["seed NaN", () => claim.run(world, good, [NaN]), "seeds[0]"],
      ["no seeds", () => claim.run(world, good, []), "seeds"],
      ["repeated seeds", () => claim.run(world, good, [2, 2]), "seeds"],
      ["one seed's run with infinite epochs", () => runRatersNotOutcomesSeed(world, { ...good, epochs: Infinity }, Rng.fromSeed(1), { side: false, shortfall: false }), "claim 1 budget.epochs"],
      ["the incentive level with a NaN curve β", async () => runRatersNotOutcomesIncentive(world, { ...good, curveBetas: [NaN] }), "claim 1 budget.curveBetas[0]"],
    ];
    for (const [what, f, field] of runs) {
      it(`rejects ${what}, naming ${field}`, async () => {
        const e = await configError(f);
        expect(e.field).to.equal(field);
        expect(e.message).to.contain(field);
      });
    }
  });
});

describe("claims/raters-not-outcomes: the claim module", () => {
  it("has the contract's shape and decides with evidence parts only", () => {
    expect(claim.claim).to.equal(1);
    expect(claim.notebook).to.equal("03-raters-not-outcomes");
    const empty: RnoIncentive = { base: { kl: 0 } as RnoIncentive["base"], rows: [], agreement: [], residual: 0 };
    const d = claim.decide({ incentive: empty, trained: [] }, claim.budget("quick"));
    expect(d.parts.length).to.equal(18); // 9 main parts per level; side parts need their labellers
    for (const p of d.parts) {
      expect(p.role).to.equal("evidence");
      expect(p.status).to.equal("inconclusive");
    }
    expect(d.levels).to.deep.equal({ incentive: "inconclusive", transmission: "inconclusive" });
    expect(d.headline.n).to.equal(0);
  });
});
