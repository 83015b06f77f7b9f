/**
 * Claim 4's run configs are checked before any work: every bad input below throws a
 * ConfigError naming the field at once (none may hang: runShaping with ε = 0 and an
 * unbounded budget used to loop forever).
 */
import { expect } from "chai";
import { expectConfigError } from "../helpers/config-error";
import { Rng } from "../../src/rng";
import { claim, minKlForCompletion, runShaping, shapingSweep } from "../../src/claims/complexity-needs-shaping";

describe("claim 4: bad run configs fail at once, naming the field", function () {
  this.timeout(2000);
  const rng = () => Rng.fromSeed(1);
  const bad: [string, () => unknown, string][] = [
    ["ε = 0 with an unbounded budget", () => runShaping({ epsilon: 0, maxSamples: Infinity }, rng()), "epsilon"],
    ["an infinite sample budget", () => runShaping({ maxSamples: Infinity }, rng()), "maxSamples"],
    ["a huge sample budget", () => runShaping({ maxSamples: 1e15 }, rng()), "maxSamples"],
    ["batch 0", () => runShaping({ batch: 0 }, rng()), "batch"],
    ["a negative learning rate", () => runShaping({ lr: -1 }, rng()), "lr"],
    ["a NaN target", () => runShaping({ target: NaN }, rng()), "target"],
    ["target 1 (never reached)", () => runShaping({ target: 1 }, rng()), "target"],
    ["a huge k", () => runShaping({ k: 1e9 }, rng()), "k"],
    ["an unknown credit scheme", () => runShaping({ credit: "dense" as never }, rng()), "credit"],
    ["a batch given as a string", () => runShaping({ batch: "16" as never }, rng()), "batch"],
    ["an unknown key", () => runShaping({ bogus: 1 } as never, rng()), "bogus"],
    ["a negative context", () => runShaping({ context: -1 }, rng()), "context"],
    ["sweep: empty k list", () => shapingSweep({ ks: [], credits: ["sparse"], seeds: [1] }), "ks"],
    ["sweep: seed 0", () => shapingSweep({ ks: [1], credits: ["sparse"], seeds: [0] }), "seeds"],
    ["sweep: ε = ∞ in the config", () => shapingSweep({ ks: [1], credits: ["sparse"], seeds: [1], config: { epsilon: Infinity } }), "epsilon"],
    ["budget: seeds 1.5", () => claim.budget("quick", { seeds: [1.5] }), "seeds"],
    ["budget: empty seeds", () => claim.budget("quick", { seeds: [] }), "seeds"],
    ["budget: NaN ε", () => claim.budget("quick", { epsilon: NaN }), "epsilon"],
    ["budget: huge maxSamples", () => claim.budget("full", { maxSamples: 1e12 }), "maxSamples"],
    ["budget: unknown key", () => claim.budget("quick", { samples: 3 }), "samples"],
    ["budget: ks of the wrong type", () => claim.budget("quick", { ks: "1,2,3" }), "ks"],
    ["budget: not an object", () => claim.budget("quick", 5), "claim 4 budget"],
    ["budget: too few bootstrap resamples", () => claim.budget("full", { bootstrap: 10 }), "bootstrap"],
    ["budget: fractional bootstrap resamples", () => claim.budget("full", { bootstrap: 1000.5 }), "bootstrap"],
    ["minKlForCompletion: q = 0", () => minKlForCompletion(0, 0.5), "minKlForCompletion q"],
    ["minKlForCompletion: p = 1", () => minKlForCompletion(0.1, 1), "minKlForCompletion p"],
  ];
  for (const [what, f, field] of bad) it(what, () => expectConfigError(f, field));

  it("both budgets pass their own rules", () => {
    expect(claim.budget("quick").ks).to.deep.equal([1, 2, 3, 4]);
    expect(claim.budget("full").seeds).to.deep.equal(Array.from({ length: 15 }, (_, i) => 101 + i));
    expect(claim.budget("quick").seeds).to.deep.equal([101, 102]);
  });
});
