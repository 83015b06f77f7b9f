import { expect } from "chai";
import * as claims from "../../src/claims";
import { claim, ratersNotOutcomesSeedTask, runRatersNotOutcomesTrained } from "../../src/claims/raters-not-outcomes";
import { runSeedJobs, SeedJobError, sequentialSeedRunner } from "../../src/claims/kit/seed-runner";
import { resolveSeedTask, runSeedJob, warmSeedThread } from "../../src/node/seed-job";
import { seedPool, seedWorkers } from "../../src/node/seed-pool";
import { defaultWorkers } from "../../src/node/pool";
import { ConfigError } from "../../src/errors";
import { createWorld } from "../../src/world";
import { overshootSeedTask, resolveOvershootConfig } from "../../src/claims/reward-model-overshoots";
import { withNoisyOracle } from "../../src/claims/kit";
import { deceptionSeedTask, resolveRevealSweepConfig } from "../../src/claims/deception-survives-rating";
import { claim as claim5, dpoGrid, dpoSeedRow, labelCell, labelDpoPayload, labelDpoSeedTask, labelGrid, labelRater, labelTrainingSection, sliceFor } from "../../src/claims/no-power-seeking";
import { setupBackend } from "../helpers/backend";

/** Every seed task exported under `claims` (objects with an address and a run function), found by walking the namespace. */
function exportedTasks(): { at: string; address: string }[] {
  const out: { at: string; address: string }[] = [];
  for (const [ns, mod] of Object.entries(claims)) {
    if (mod === null || typeof mod !== "object") continue;
    for (const [name, v] of Object.entries(mod as Record<string, unknown>)) {
      const t = v as { address?: unknown; run?: unknown } | null;
      if (t && typeof t === "object" && typeof t.address === "string" && typeof t.run === "function") out.push({ at: `${ns}.${name}`, address: t.address });
    }
  }
  return out;
}

describe("node/seed-pool: a claim's seeds on worker threads", function () {
  this.timeout(600_000);
  before(setupBackend);

  it("claim 1's trained seeds on 2 threads equal the sequential run byte for byte", async () => {
    const b = claim.budget("quick", {
      trainDocs: 300,
      heldOutDocs: 50,
      pairs: 80,
      epochs: 1,
      betas: [1],
      oracleBetas: [1],
      sideBetas: [1],
      ablations: ["sycophancy"],
      verifyValues: [],
      sideSeeds: 1,
      shortfallSeeds: 1,
    });
    const world = createWorld();
    const seeds = [101, 102, 103];
    const seqProgress: number[] = [];
    const sequential = await runRatersNotOutcomesTrained(world, b, seeds, (d) => seqProgress.push(d));
    const poolProgress: [number, number][] = [];
    const pooled = await runRatersNotOutcomesTrained(world, b, seeds, (d, t) => poolProgress.push([d, t]), { runner: seedPool({ workers: 2 }) });
    expect(pooled.length).to.equal(sequential.length);
    expect(JSON.stringify(pooled)).to.equal(JSON.stringify(sequential));
    expect(pooled).to.deep.equal(sequential);
    expect(new Set(pooled.map((r) => r.seed))).to.deep.equal(new Set(seeds));
    // Sequential: one report per trained run (3 on seed 101, 2 on the others); pool: one per seed, ending at the same total.
    expect(seqProgress).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(poolProgress).to.have.length(3);
    expect(poolProgress[2]).to.deep.equal([7, 7]);
  });

  it("claim 2's seeds (reward models, best-of-n, PPO) on 2 threads equal the sequential run byte for byte", async () => {
    const config = resolveOvershootConfig({
      rmPairs: 150,
      heldOutPairs: 60,
      trainDocs: 300,
      heldOutDocs: 50,
      ns: [1, 8],
      rm: { epochs: 2 },
      klGrid: [0.2, 1],
      matchedKl: 1,
      ppoSeeds: 1,
      ppoCheckpoints: [1],
      ppo: { iterations: 2, batchSize: 32, minibatches: 2 },
    });
    const world = withNoisyOracle(createWorld()).config;
    const jobs = [101, 102, 103].map((seed, i) => ({ seed, condition: "claim 2", payload: { world, config, seed, withPpo: i === 0 } }));
    const sequential = await runSeedJobs(sequentialSeedRunner, overshootSeedTask, jobs);
    const pooled = await runSeedJobs(seedPool({ workers: 2 }), overshootSeedTask, jobs);
    expect(JSON.stringify(pooled)).to.equal(JSON.stringify(sequential));
    expect(pooled).to.deep.equal(sequential);
    expect(pooled[0]!.ppo.length).to.be.greaterThan(0);
    expect(pooled[1]!.bon.length).to.be.greaterThan(0);
  });

  it("claim 3's seeds (online DPO per φ, the post-update reveal, shortfalls from limits the thread computes) on 2 threads equal the sequential run", async () => {
    const world = createWorld().config;
    const base = resolveRevealSweepConfig({ phis: [0, 1], trainDocs: 300, heldOutDocs: 50, dpo: { rounds: 1, pairsPerRound: 64 } });
    const jobs = [101, 102, 103].map((seed, i) => ({
      seed,
      condition: "sweep",
      payload: { world, config: { ...base, revealAfter: i === 1 }, seed, shortfall: i === 0 ? { population: base.population, phis: [0, 1] } : null },
    }));
    const sequential = await runSeedJobs(sequentialSeedRunner, deceptionSeedTask, jobs);
    const pooled = await runSeedJobs(seedPool({ workers: 2 }), deceptionSeedTask, jobs);
    expect(JSON.stringify(pooled)).to.equal(JSON.stringify(sequential));
    expect(pooled).to.deep.equal(sequential);
    expect(pooled[0]!.some((r) => typeof r.shortfall === "number")).to.equal(true);
    expect(pooled[1]!.some((r) => r.trainingIdenticalToPhi0 === 1)).to.equal(true);
  });

  it("claim 5's DPO runs on labels on 2 threads equal the sequential run and the in-thread dpoGrid", async () => {
    const b = claim5.budget("quick", {
      seeds: [101, 102, 103],
      labels: { ks: [1], ds: [0.1, 0.5], kl: 0.3, tolerance: 1e-2 },
      dpo: { k: 1, ds: [0.1, 0.5], pairs: 200, epochs: 1 },
    });
    const sequential = await labelTrainingSection(b, b.seeds);
    const progress: [number, number][] = [];
    const pooled = await labelTrainingSection(b, b.seeds, (d, t) => progress.push([d, t]), { runner: seedPool({ workers: 2 }) });
    expect(JSON.stringify(pooled)).to.equal(JSON.stringify(sequential));
    expect(pooled).to.deep.equal(sequential);
    expect(pooled.dpoRows.length).to.be.greaterThan(b.seeds.length);
    // Progress: 2 grid cells, the DPO runs and 3 presets, one step each, whatever order they finish in.
    const total = 2 + pooled.dpoRows.length + 3;
    expect(progress).to.have.length(total);
    expect(progress.every(([, t]) => t === total)).to.equal(true);
    expect(progress[progress.length - 1]).to.deep.equal([total, total]);
    // The same rows as the function that runs the grid and the DPO runs in this thread (the section before runners).
    const { cells, slices } = labelGrid(b.labels);
    const { k, ds, ...trainer } = b.dpo;
    expect(JSON.stringify(pooled.dpoRows)).to.equal(JSON.stringify(dpoGrid(cells, slices.get(k)!, { k, ds, trainer, tolerance: b.labels.tolerance }, b.seeds)));
    expect(JSON.stringify(pooled.labelCells)).to.equal(JSON.stringify(cells.map((c) => c.row)));
  });

  it("a thread of a caller without a TensorFlow.js backend (claim 5's plain numbers) starts none", async () => {
    const b = claim5.budget("quick", { labels: { ks: [1], ds: [0.5], kl: 0.3, tolerance: 1e-2 }, dpo: { k: 1, ds: [0.5], pairs: 100, epochs: 1 } });
    const slice = sliceFor(1, 0);
    const cell = labelCell(slice, labelRater(0.5), b.labels.kl, b.labels.tolerance);
    const { k: _k, ds: _ds, ...trainer } = b.dpo;
    const payload = labelDpoPayload(cell, trainer, b.labels.tolerance, 101);
    await warmSeedThread({ backend: null });
    const viaJob = await runSeedJob({ address: labelDpoSeedTask.address, payload, backend: null });
    expect(JSON.stringify(viaJob)).to.equal(JSON.stringify(dpoSeedRow(slice, cell, { trainer, tolerance: b.labels.tolerance }, 101)));
  });

  it("a job failing in a thread names its seed and condition", async () => {
    const b = claim.budget("quick");
    const bad = { ...b, epochs: 0 };
    const jobs = [7, 8].map((seed) => ({
      seed,
      condition: "claim 1",
      payload: { world: createWorld().config, budget: bad, seed, side: false, shortfall: false },
    }));
    let err: unknown;
    await runSeedJobs(seedPool({ workers: 2 }), ratersNotOutcomesSeedTask, jobs).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(SeedJobError);
    expect(String((err as Error).message)).to.match(/^seed [78], claim 1 \(ratersNotOutcomes\.ratersNotOutcomesSeedTask\): .*epochs/);
  });

  it("every seed task exported under claims is found at its address", () => {
    const tasks = exportedTasks();
    expect(tasks.map((t) => t.at)).to.include.members([
      "ratersNotOutcomes.ratersNotOutcomesSeedTask",
      "rewardModelOvershoots.overshootSeedTask",
      "deceptionSurvivesRating.deceptionSeedTask",
      "noPowerSeeking.labelDpoSeedTask",
    ]);
    for (const t of tasks) {
      expect(t.address).to.equal(t.at);
      expect(resolveSeedTask(t.address).address).to.equal(t.at);
    }
    expect(() => resolveSeedTask("ratersNotOutcomes.noSuchTask")).to.throw(TypeError, /no seed task is exported at claims\.ratersNotOutcomes\.noSuchTask/);
  });

  it("workers come from RLHF_WORKERS, else the machine; one worker is the sequential runner", () => {
    expect(seedWorkers({})).to.equal(defaultWorkers());
    expect(seedWorkers({ RLHF_WORKERS: "" })).to.equal(defaultWorkers());
    expect(seedWorkers({ RLHF_WORKERS: "3" })).to.equal(3);
    expect(() => seedWorkers({ RLHF_WORKERS: "two" })).to.throw(ConfigError, /RLHF_WORKERS/);
    expect(() => seedWorkers({ RLHF_WORKERS: "0" })).to.throw(ConfigError, /RLHF_WORKERS/);
    expect(seedPool({ workers: 1 })).to.equal(sequentialSeedRunner);
    expect(seedPool({ workers: 2 }).workers).to.equal(2);
  });
});
