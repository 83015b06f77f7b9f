/**
 * Claim 5's run configs are checked before any work: every bad input below throws a
 * ConfigError naming the field at once (none may hang: sampledTrainingCell with an
 * infinite sample budget used to loop forever).
 */
import { expect } from "chai";
import { expectConfigError } from "../helpers/config-error";
import { Rng } from "../../src/rng";
import {
  budgetSweep,
  cellRater,
  claim,
  dpoOnLabels,
  labelRater,
  exactBoundaries,
  exactPhaseDiagram,
  judgedWinRates,
  makeSlice,
  manoeuvreWorld,
  rewardVsLabelBoundaries,
  sampledGridCells,
  sampledTrainingCell,
  sampledVsExact,
  type Slice,
} from "../../src/claims/no-power-seeking";

describe("claim 5: bad run configs fail at once, naming the field", function () {
  this.timeout(5000);
  let slice: Slice;
  before(() => {
    slice = makeSlice(1, 0, { contexts: 2 });
  });
  const train = (config: object) => () => sampledTrainingCell(slice, 0.2, 0.25, config, Rng.fromSeed(1));
  const cells = sampledGridCells([1], [0], 0.25).slice(0, 1);
  const cell = cells[0]!;
  const axes = { ds: [0, 0.5], hs: [0.25], ks: [1], ws: [0], beta: 0.3, contexts: 2 };
  const bad: [string, () => unknown, string][] = [
    ["an infinite sample budget", train({ samples: Infinity }), "samples"],
    ["zero samples", train({ samples: 0 }), "samples"],
    ["a huge sample budget", train({ samples: 1e15 }), "samples"],
    ["a negative batch", train({ batch: -4 }), "batch"],
    ["an odd batch with labels", train({ samples: 300, batch: 15, signal: "labels" }), "batch"],
    ["a NaN learning rate", train({ lr: NaN }), "lr"],
    ["β = 0", train({ beta: 0 }), "beta"],
    ["an unknown signal", train({ signal: "votes" }), "signal"],
    ["a batch given as a string", train({ batch: "64" }), "batch"],
    ["an unknown key", train({ contexts: 2 }), "contexts"],
    ["an infinite appeal h", () => cellRater(0.1, Infinity), "h"],
    ["a detection rate above 1", () => cellRater(1.5, 0.25), "d"],
    ["grid vs exact: ∞ samples", () => sampledVsExact(cells, [1], { samples: Infinity, contexts: 2 }), "samples"],
    ["grid vs exact: seed 0", () => sampledVsExact(cells, [0], { samples: 640, contexts: 2 }), "seeds"],
    ["grid vs exact: seed 1.5", () => sampledVsExact(cells, [1.5], { samples: 640, contexts: 2 }), "seeds"],
    ["grid vs exact: empty seed list", () => sampledVsExact(cells, [], { samples: 640, contexts: 2 }), "seeds"],
    ["grid vs exact: zero contexts", () => sampledVsExact(cells, [1], { samples: 640, contexts: 0 }), "contexts"],
    ["budget sweep: an infinite budget", () => budgetSweep(cell, [Infinity], [1], { contexts: 2 }), "budgets"],
    ["budget sweep: a budget below the batch", () => budgetSweep(cell, [10], [1], { contexts: 2 }), "samples"],
    ["phase diagram: empty ds", () => exactPhaseDiagram({ ...axes, ds: [] }), "ds"],
    ["phase diagram: d = NaN", () => exactPhaseDiagram({ ...axes, ds: [NaN] }), "ds"],
    ["phase diagram: negative β", () => exactPhaseDiagram({ ...axes, beta: -0.3 }), "beta"],
    ["phase diagram: huge k", () => exactPhaseDiagram({ ...axes, ks: [1e6] }), "ks"],
    ["phase diagram: unknown key", () => exactPhaseDiagram({ ...axes, rho: 0.6 } as never), "rho"],
    ["boundaries: ∞ contexts", () => exactBoundaries({ hs: [0.25], ks: [1], ws: [0], beta: 0.3, contexts: Infinity }), "contexts"],
    ["label boundaries: h = ∞", () => rewardVsLabelBoundaries({ hs: [Infinity], ks: [1], ws: [0], beta: 0.3 }), "hs"],
    ["win rates: ∞ comparisons", () => judgedWinRates(manoeuvreWorld(1, 0), 0.25, [0.1], Infinity, Rng.fromSeed(1)), "n"],
    ["budget: empty seeds", () => claim.budget("quick", { seeds: [] }), "seeds"],
    ["budget: seed 0", () => claim.budget("quick", { seeds: [0] }), "seeds"],
    ["budget: d outside [0, 1]", () => claim.budget("quick", { grid: { ds: [2] } }), "grid.ds"],
    ["budget: huge sample budget", () => claim.budget("full", { sampled: { samples: 1e12 } }), "sampled.samples"],
    ["budget: unknown nested key", () => claim.budget("quick", { grid: { extra: 1 } }), "grid.extra"],
    ["budget: β of the wrong type", () => claim.budget("quick", { beta: "0.3" }), "beta"],
    ["budget: unknown key", () => claim.budget("quick", { epsilon: 0.1 }), "epsilon"],
    ["budget: matched KL of 0", () => claim.budget("quick", { labels: { kl: 0 } }), "labels.kl"],
    ["budget: empty label grid", () => claim.budget("quick", { labels: { ds: [] } }), "labels.ds"],
    ["budget: infinite DPO pairs", () => claim.budget("full", { dpo: { pairs: Infinity } }), "dpo.pairs"],
    ["budget: DPO epochs of 0", () => claim.budget("full", { dpo: { epochs: 0 } }), "dpo.epochs"],
    ["budget: a trained d outside the label grid", () => claim.budget("quick", { dpo: { ds: [0.21] } }), "dpo.ds"],
    ["budget: a trained k outside the label grid", () => claim.budget("quick", { dpo: { k: 1 } }), "dpo.k"],
    ["budget: diagram seeds of 0", () => claim.budget("quick", { diagramSeeds: 0 }), "diagramSeeds"],
    ["DPO on labels: ∞ pairs", () => dpoOnLabels(slice, labelRater(0.3), { pairs: Infinity }, Rng.fromSeed(1)), "pairs"],
    ["DPO on labels: β = 0", () => dpoOnLabels(slice, labelRater(0.3), { beta: 0 }, Rng.fromSeed(1)), "beta"],
    ["DPO on labels: unknown key", () => dpoOnLabels(slice, labelRater(0.3), { samples: 10 } as never, Rng.fromSeed(1)), "samples"],
  ];
  for (const [what, f, field] of bad) it(what, () => expectConfigError(f, field));

  it("both budgets pass their own rules", () => {
    expect(claim.budget("quick").grid.ks).to.deep.equal([1, 3]);
    expect(claim.budget("full").seeds).to.deep.equal(Array.from({ length: 15 }, (_, i) => 101 + i));
    expect(claim.budget("full").labels.ds).to.include.members(claim.budget("full").dpo.ds);
  });
});
