import { expect } from "chai";
import * as lar from "../../src/claims/loops-are-right";
import { resolveSeedTask } from "../../src/node/seed-job";
import { seedPool } from "../../src/node/seed-pool";
import { ConfigError } from "../../src/errors";
import { Rng } from "../../src/rng";
import { createWorld } from "../../src/world";
import { setupBackend } from "../helpers/backend";

/** Rows without their wall-clock `seconds` (the only field that is not a function of the seed). */
const timeless = <T extends { seconds: number }>(rows: readonly T[]) => rows.map(({ seconds: _s, ...r }) => r);

describe("node/seed-pool: notebook 02's trained sections on worker threads", function () {
  this.timeout(900_000);
  before(setupBackend);

  const budget = lar.budget("quick", {
    base: { trainDocs: 300, heldOutDocs: 50 },
    sweep: { dpoBetas: [0.5], ppoBetas: [0.2], dpoPairs: 120, dpoEpochs: 1, ppoIterations: 2, ppoBatchSize: 32 },
    rewardModel: { trainPairs: 120, heldOutPairs: 80, epochs: 2 },
    // One limit run per seed: its exact limit and tilts (≈ 15 s CPU a seed) dominate the test.
    limit: { pairs: [80], beta: 0.5, epochs: 1 },
  });

  it("the sweep, the reward-model study and DPO against its limit on 2 threads equal the sequential sections byte for byte", async () => {
    const world = createWorld();
    const population = world.config.population;
    const seeds = [101, 102];
    // The sections as the notebook ran them before jobs existed, one after another in this thread.
    const seq = lar.runWorldSweeps(world, population, budget, seeds);
    let study: lar.RewardModelStudy;
    try {
      study = lar.rewardModelStudy(world, seq.firstBase, population, lar.rewardModelOptions(budget), Rng.fromSeed(seeds[0]!).fork("reward-model"));
    } finally {
      seq.firstBase.dispose();
    }
    const limit = lar.labelLimitConvergence(world, budget, seeds);
    const progress: [number, number][] = [];
    const pooled = await lar.runLoopsAreRightTrained(world, population, budget, seeds, (d, t) => progress.push([d, t]), { runner: seedPool({ workers: 2 }) });
    expect(JSON.stringify(timeless(pooled.sweep))).to.equal(JSON.stringify(timeless(seq.sweep)));
    expect(JSON.stringify(pooled.frontiers)).to.equal(JSON.stringify(seq.frontiers));
    expect(pooled.frontiers).to.deep.equal(seq.frontiers);
    expect(JSON.stringify(pooled.bases)).to.equal(JSON.stringify(seq.bases));
    expect(JSON.stringify(pooled.rewardModel)).to.equal(JSON.stringify(study));
    expect(pooled.rewardModel).to.deep.equal(study);
    expect(JSON.stringify(pooled.limit)).to.equal(JSON.stringify(limit));
    expect(pooled.limit).to.deep.equal(limit);
    expect(pooled.sweep.map((r) => `${r.seed} ${r.method}`)).to.deep.equal(["101 dpo", "101 ppo", "102 dpo", "102 ppo"]);
    expect(pooled.limit.map((r) => r.seed)).to.deep.equal([101, 102]);
    expect(pooled.sweepSeconds).to.be.greaterThan(0);
    // Four jobs, reported as each finishes; the count ends at every run plus the study: 2·1 + 2·2 + 1.
    expect(progress).to.have.length(4);
    expect(progress.at(-1)).to.deep.equal([7, 7]);
  });

  it("one seed in this thread (no runner) reports every run and the study", async () => {
    const world = createWorld();
    const labels: string[] = [];
    const one = await lar.runLoopsAreRightTrained(world, world.config.population, budget, [7], (d, t, label) => labels.push(`${d}/${t} ${label}`));
    expect(labels).to.deep.equal([
      "1/4 DPO against its limit, seed 7: DPO against its limit, run 1/1",
      "2/4 β sweep and reward-model study, seed 7: β sweep, run 1/2",
      "3/4 β sweep and reward-model study, seed 7: β sweep, run 2/2",
      "4/4 β sweep and reward-model study, seed 7: reward-model study",
    ]);
    expect(one.bases.map((b) => b.seed)).to.deep.equal([7]);
    expect(one.rewardModel.accuracy).to.have.length(4);
    expect(one.limit.map((r) => r.seed)).to.deep.equal([7]);
  });

  it("the task is exported at its address; bad seeds and budgets are refused before any work", async () => {
    expect(resolveSeedTask("loopsAreRight.loopsAreRightSeedTask")).to.equal(lar.loopsAreRightSeedTask);
    const world = createWorld();
    for (const [seeds, b, field] of [
      [[], budget, "seeds"],
      [[1.5], budget, "seeds[0]"],
      [[1], { ...budget, convergenceSteps: 0 }, "notebook 02 budget.convergenceSteps"],
    ] as const) {
      let err: unknown;
      await lar.runLoopsAreRightTrained(world, world.config.population, b, seeds).catch((e: unknown) => (err = e));
      expect(err, String(err)).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).field).to.equal(field);
    }
  });
});
