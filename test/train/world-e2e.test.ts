/**
 * End-to-end checks of the token trainers on the world itself (tiny budgets): the
 * pretrained base model reproduces the corpus's rates, one short DPO run on oracle labels
 * and one short PPO run on the oracle's utility raise exact true utility over the base,
 * and the world-shaped training steps do not leak tensors.
 */
import { expect } from "chai";
import { setupBackend } from "../helpers/backend";
import { expectNoLeak } from "../helpers/leak";
import { Rng } from "../../src/rng";
import { Mlp } from "../../src/policy/mlp";
import { makeOptimizer } from "../../src/tf/optim";
import { createWorld, corpusTable, exactDistribution, exactMetrics, type World } from "../../src/world";
import { trainBaseModel, evaluatePolicy, contextSampler, utilityReward, type BaseModel } from "../../src/claims/kit/world-runs";
import * as tf from "@tensorflow/tfjs";
import { trainDpo, dpoStep, referenceLogps, encodePairs } from "../../src/train/dpo";
import { trainPpo, collectRollout, ppoStep } from "../../src/train/ppo";
import { pretrainStep } from "../../src/train/pretrain";
import { worldDocuments } from "../../src/claims/kit/world-adapter";
import { samplePreferencePairs, exactWorldFrontier, worldSweepOptions, worldBetaSweep } from "../../src/claims/loops-are-right/world-sweep";
import { rewardFeatures, rewardModelStudy } from "../../src/claims/loops-are-right/tabular-and-reward-model";
import { RewardModel, rewardModelStep } from "../../src/train/reward-model";

describe("token trainers on the world (end to end, tiny budgets)", function () {
  this.timeout(60000);
  let world: World;
  let base: BaseModel;

  before(async () => {
    await setupBackend();
    world = createWorld();
    base = trainBaseModel(world, { trainDocs: 3000, heldOutDocs: 300 }, Rng.fromSeed(7).fork("base"));
  });
  after(() => base?.dispose());

  it("the pretrained base model's exact rates are near the corpus's", () => {
    const corpus = exactMetrics(world, exactDistribution(world, corpusTable(world)));
    for (const k of ["sycophancyRate", "exaggerationRate", "hedgeRate", "evidenceRate", "noAnswerRate", "accuracy"] as const) {
      expect(Math.abs(base.metrics[k] - corpus[k]), `${k}: base ${base.metrics[k].toFixed(3)} vs corpus ${corpus[k].toFixed(3)}`).to.be.lessThan(0.1);
    }
    expect(Math.abs(base.metrics.trueUtility - corpus.trueUtility)).to.be.lessThan(0.1);
    expect(base.metrics.completionRate).to.be.lessThan(0.01); // the manoeuvre stays rare
    expect(base.metrics.kl).to.equal(0);
  });

  it("a short offline DPO run on oracle labels raises exact true utility over the base", () => {
    const p = base.policy.trainableCopy();
    try {
      const pairs = samplePreferencePairs(world, base, { kind: "oracle" }, 800, Rng.fromSeed(8));
      expect(pairs.length).to.be.greaterThan(200); // identical-meaning pairs are ties and dropped
      trainDpo(p, base.reference, pairs, { beta: 0.5, learningRate: 3e-3, epochs: 2 }, Rng.fromSeed(9));
      const m = evaluatePolicy(world, p, base.table);
      expect(m.kl).to.be.greaterThan(0.01);
      expect(m.trueUtility, `true utility ${m.trueUtility.toFixed(3)} vs base ${base.metrics.trueUtility.toFixed(3)}`).to.be.greaterThan(base.metrics.trueUtility + 0.05);
    } finally {
      p.dispose();
    }
  });

  it("a short PPO run against the oracle's utility raises exact true utility over the base", () => {
    const p = base.policy.trainableCopy();
    try {
      const logs = trainPpo(p, base.reference, contextSampler(world), utilityReward(world, { kind: "oracle" }), { beta: 0.05, learningRate: 3e-3, iterations: 10, batchSize: 64 }, Rng.fromSeed(10));
      expect(logs).to.have.length(10);
      const m = evaluatePolicy(world, p, base.table);
      expect(m.trueUtility, `true utility ${m.trueUtility.toFixed(3)} vs base ${base.metrics.trueUtility.toFixed(3)}`).to.be.greaterThan(base.metrics.trueUtility + 0.05);
    } finally {
      p.dispose();
    }
  });

  it("the exact frontier starts at the base model and its believed utility rises as β falls", () => {
    const pop = world.config.population;
    const f = exactWorldFrontier(world, base, pop, [Infinity, 2, 0.5, 0.1]);
    expect(f[0]!.kl).to.equal(0);
    expect(f[0]!.believed).to.be.closeTo(base.metrics.believedUtility, 1e-9);
    expect(f[0]!.true).to.be.closeTo(base.metrics.trueUtility, 1e-9);
    for (let i = 1; i < f.length; i++) {
      expect(f[i]!.kl).to.be.greaterThan(f[i - 1]!.kl);
      expect(f[i]!.believed).to.be.greaterThan(f[i - 1]!.believed);
    }
    expect(() => worldSweepOptions({ dpoBetas: [0] })).to.throw(/dpoBetas\[0\]/);
  });

  it("the β sweep scores each run exactly, and no run beats the exact KL-regularised optimum", () => {
    const pop = world.config.population;
    const rows = worldBetaSweep(world, base, pop, { dpoBetas: [0.5], ppoBetas: [0.1], dpoPairs: 300, dpoEpochs: 1, ppoIterations: 4, ppoBatchSize: 32 }, Rng.fromSeed(21));
    expect(rows.map((r) => r.method)).to.deep.equal(["dpo", "ppo"]);
    const betas = [4, 1, 0.5, 0.2, 0.1, 0.05];
    const front = exactWorldFrontier(world, base, pop, betas);
    for (const r of rows) {
      expect(r.kl).to.be.greaterThan(0);
      expect(r.d).to.be.closeTo(Math.sqrt(r.kl), 1e-12);
      expect(r.gap).to.be.closeTo(r.believed - r.true, 1e-9);
      // π*_β maximises believed − β·KL, so every policy's value is at most π*_β's, for every β.
      front.forEach((f) => expect(r.believed - f.beta * r.kl, `${r.method} vs β=${f.beta}`).to.be.at.most(f.believed - f.beta * f.kl + 1e-9));
    }
  });

  it("the reward-model study: the model agrees with the rater's expected preference more than chance", () => {
    const st = rewardModelStudy(world, base, world.config.population, { trainPairs: 400, heldOutPairs: 300, rewardModel: { epochs: 5 } }, Rng.fromSeed(22));
    expect(st.trainComparisons).to.equal(400); // default comparisons neither skip nor tie
    const acc = Object.fromEntries(st.accuracy.map((r) => [r.labels, r]));
    expect(acc["rater's expected preference"]!.rewardModel).to.be.greaterThan(0.7);
    expect(acc["rater (sampled)"]!.raterLabel).to.be.NaN;
    expect(st.byType.map((r) => r.outputType)).to.include("honest");
    const honest = st.byType.find((r) => r.outputType === "honest")!, manoeuvre = st.byType.find((r) => r.outputType === "honest+full manoeuvre")!;
    expect(manoeuvre.true).to.be.lessThan(honest.true);
  });

  it("packed forward passes (padding dropped) give the padded ones' log-probabilities", () => {
    const ctx = contextSampler(world)(Rng.fromSeed(19), 40);
    const outs = base.reference.sample(Rng.fromSeed(20), ctx);
    const b = base.reference.encode(ctx, outs);
    const pk = base.reference.pack(b);
    expect(pk.rows).to.equal(outs.reduce((a, o) => a + o.length, 0));
    const [padded, packed, tokPadded, tokPacked] = tf.tidy(() => [
      base.reference.sequenceLogProbs(b).arraySync() as number[],
      base.reference.packedSequenceLogProbs(pk, b.n).arraySync() as number[],
      Array.from(base.reference.tokenLogProbs(b).dataSync()),
      Array.from(base.reference.packedTokenLogProbs(pk).dataSync()),
    ]);
    packed.forEach((x, i) => expect(x).to.be.closeTo(padded[i]!, 1e-5));
    Array.from(pk.flat).forEach((f, r) => expect(tokPacked[r]!).to.be.closeTo(tokPadded[f]!, 1e-6));
    const e = encodePairs(base.reference, ctx.slice(0, 20).map((c, i) => ({ context: c, chosen: outs[i]!, rejected: outs[20 + i]! })));
    expect(e.n).to.equal(20);
    expect(e.packed.rows).to.equal(pk.rows); // the same 40 outputs, chosen side first
  });

  it("world-shaped DPO, PPO, pretraining and reward-model steps leak no tensors", () => {
    const p = base.policy.trainableCopy();
    const value = new Mlp([p.inputDim, 16, 1], Rng.fromSeed(11));
    const opt = makeOptimizer("adam", 1e-3), opt2 = makeOptimizer("adam", 1e-3), opt3 = makeOptimizer("adam", 1e-3);
    const rm = new Mlp([rewardFeatures(world, world.contexts[0]!, [0]).length, 8, 1], Rng.fromSeed(12));
    try {
      const pairs = samplePreferencePairs(world, base, { kind: "population", population: world.config.population }, 64, Rng.fromSeed(13));
      const ref = referenceLogps(base.reference, pairs);
      expectNoLeak(() => dpoStep(p, opt, pairs, ref.chosen, ref.rejected, { lossType: "sigmoid", beta: 0.5, epsilon: 0, clipNorm: 1 }), "world dpoStep");
      const ctx = contextSampler(world)(Rng.fromSeed(14), 32);
      const ro = collectRollout(p, base.reference, value, ctx, utilityReward(world, { kind: "oracle" }), 0.1, { klEstimator: "k1", gamma: 1, lambda: 0.95 }, Rng.fromSeed(15));
      expectNoLeak(() => ppoStep(p, value, opt2, ro, Array.from({ length: 16 }, (_, i) => i), { clipRange: 0.2, clipRangeValue: 0.2, vfCoef: 0.5, entCoef: 0, clipNorm: 1 }), "world ppoStep");
      const rrng = Rng.fromSeed(16);
      expectNoLeak(() => collectRollout(p, base.reference, value, ctx, utilityReward(world, { kind: "oracle" }), 0.1, { klEstimator: "k1", gamma: 1, lambda: 0.95 }, rrng), "world collectRollout");
      const docs = worldDocuments(world, 64, Rng.fromSeed(17));
      expectNoLeak(() => pretrainStep(p, opt3, docs, 1), "world pretrainStep");
      const comps = pairs.map((q) => ({ a: rewardFeatures(world, q.context, q.chosen), b: rewardFeatures(world, q.context, q.rejected), label: 1 }));
      const rmOpt = makeOptimizer("adam", 1e-2);
      try {
        expectNoLeak(() => rewardModelStep(rm, rmOpt, comps, 1e-4), "world rewardModelStep");
      } finally {
        rmOpt.dispose();
      }
      const { model } = RewardModel.train(comps.slice(0, 16), { epochs: 1 }, Rng.fromSeed(18));
      try {
        expectNoLeak(() => model.score(comps.map((c) => c.a)), "RewardModel.score");
      } finally {
        model.dispose();
      }
    } finally {
      p.dispose();
      value.dispose();
      rm.dispose();
      opt.dispose();
      opt2.dispose();
      opt3.dispose();
    }
  });
});
