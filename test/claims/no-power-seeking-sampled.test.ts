import { expect } from "chai";
import {
  detectionThreshold,
  exactBoundary,
  exactOptimumCell,
  judgedWinRates,
  labelThreshold,
  labelWinProbability,
  makeSlice,
  manoeuvreWorld,
  sampledCellSummary,
  sampledGridCells,
  sampledTrainingCell,
  sampledVsExact,
  slicePolicy,
} from "../../src/claims/no-power-seeking";
import { Rng } from "../../src/rng";

describe("claim 5: labels vs rewards", () => {
  it("P_win crosses ½ at d_label, which lies far above d* for a fairly rational rater", () => {
    const dl = labelThreshold(0.25, 2, 15, 2.5);
    expect(labelWinProbability(dl, 0.25, 2, 15, 2.5)).to.be.closeTo(0.5, 1e-12);
    expect(dl).to.be.closeTo(0.388, 0.002);
    expect(labelThreshold(0.15, 2, 15, 2.5)).to.be.closeTo(0.30, 0.01);
    expect(dl).to.be.greaterThan(3 * detectionThreshold(0.25, 2));
  });

  it("the world's judge reproduces the P_win formula", () => {
    const rows = judgedWinRates(manoeuvreWorld(1, 0), 0.25, [0, 0.3, 0.7], 3000, Rng.fromSeed(5));
    for (const r of rows) expect(Math.abs(r.measured - r.predicted)).to.be.lessThan(4 * r.se + 1e-3);
  });

  it("the exact optimum of the label-implied reward crosses the base rate at d_label, the believed-utility one at d*", () => {
    const slice = makeSlice(1, 0, { contexts: 2 });
    expect(exactBoundary(slice, 0.25, 0.3, 1e-4, "label")!).to.be.closeTo(labelThreshold(0.25, 2, 15, 2.5), 1e-3);
    expect(exactBoundary(slice, 0.25, 0.3, 1e-4, "believed")!).to.be.closeTo(detectionThreshold(0.25, 2), 1e-3);
    // Between the two boundaries the two rewards disagree on the direction.
    expect(exactOptimumCell(slice, 0.25, 0.25, 0.3, "label").completionRatio).to.be.greaterThan(1);
    expect(exactOptimumCell(slice, 0.25, 0.25, 0.3, "believed").completionRatio).to.be.lessThan(1);
  });
});

describe("claim 5: sampled training", () => {
  it("the residual policy starts exactly at the base", () => {
    const slice = makeSlice(2, 0, { contexts: 3 });
    const { policy: pol, table } = slicePolicy(slice);
    const t = table(slice.base);
    const ctx = slice.entries[1]!.context;
    const s0 = slice.world.space.initialState();
    expect(Array.from(t(ctx, 0, s0))).to.deep.equal(Array.from(slice.base(ctx, 0, s0)));
    const path = { offsets: [] as number[], tokens: [] as number[] };
    pol.sample(1, Rng.fromSeed(1), path);
    expect(pol.logRatio(1, path)).to.equal(0);
  });

  it("raises completion where steps pay and lowers it where they do not, near the exact optimum; sycophancy rises in both", () => {
    const slice = makeSlice(1, 0, { contexts: 4 }); // 4 evenly spaced contexts include disagreeing ones
    const cfg = { samples: 6000 };
    const below = sampledTrainingCell(slice, 0, 0.25, cfg, Rng.fromSeed(1));
    const above = sampledTrainingCell(slice, 0.4, 0.25, cfg, Rng.fromSeed(1));
    const exBelow = exactOptimumCell(slice, 0, 0.25, 0.3);
    expect(below.completionRatio).to.be.greaterThan(1.3);
    expect(below.completionRatio).to.be.closeTo(exBelow.completionRatio, 0.3 * exBelow.completionRatio);
    expect(above.completionRatio).to.be.lessThan(0.8);
    expect(above.sycophancyRate).to.be.greaterThan(slice.baseMetrics.sycophancyRate + 0.05);
    expect(below.samples).to.equal(64 * Math.floor(6000 / 64)); // whole batches within the budget
  });

  it("is deterministic given the seed", () => {
    const slice = makeSlice(2, 0, { contexts: 2 });
    const a = sampledTrainingCell(slice, 0.1, 0.25, { samples: 1280 }, Rng.fromSeed(3));
    const b = sampledTrainingCell(slice, 0.1, 0.25, { samples: 1280 }, Rng.fromSeed(3));
    expect(a.completion).to.equal(b.completion);
    expect(a.sycophancyRate).to.equal(b.sycophancyRate);
  });

  it("grid cells sit in the stated regions", () => {
    const cells = sampledGridCells([3], [0, 1], 0.25);
    for (const c of cells.filter((c) => c.w === 0)) expect(c.region === "below d*").to.equal(c.d < 0.25 / 2.25);
    const band = cells.filter((c) => c.region.startsWith("band"));
    expect(band).to.have.length(1);
    expect(band[0]!.d).to.be.greaterThan(0.25 / 2.25).and.lessThan((0.25 + 1 / 3) / 2.25);
  });

  it("sampledVsExact + summary produce one row per cell with exact, label-exact and sampled columns", () => {
    const cells = sampledGridCells([1], [0], 0.25).slice(2, 4);
    const rows = sampledVsExact(cells, [1, 2], { samples: 640, contexts: 2 });
    expect(rows.filter((r) => r.method === "sampled")).to.have.length(4);
    const s = sampledCellSummary(rows);
    expect(s).to.have.length(2);
    for (const r of s) {
      expect(r.exactLabelRatio).to.be.a("number");
      expect(r.sampledRatio_lo).to.be.at.most(r.sampledRatio);
    }
  });
});

describe("claim 5: sampled training on labels", () => {
  it("between d* and d_label, training on judge labels does not suppress the step that reward training suppresses", () => {
    const slice = makeSlice(1, 0, { contexts: 4 });
    const d = 0.25; // d* = 0.111 < d < d_label = 0.388
    const seeds = [1, 2, 3];
    const mean = (signal: "reward" | "labels") => seeds.reduce((a, s) => a + sampledTrainingCell(slice, d, 0.25, { samples: 6400, signal }, Rng.fromSeed(s)).completionRatio, 0) / seeds.length;
    expect(mean("reward")).to.be.lessThan(0.8);
    expect(mean("labels")).to.be.greaterThan(0.9);
  });

  it("rejects an odd batch with labels", () => {
    const slice = makeSlice(1, 0, { contexts: 2 });
    expect(() => sampledTrainingCell(slice, 0.2, 0.25, { samples: 300, batch: 15, signal: "labels" }, Rng.fromSeed(1))).to.throw(/even/);
  });
});
