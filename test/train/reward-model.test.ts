import { expect } from "chai";
import { setupBackend } from "../helpers/backend";
import { expectNoLeak } from "../helpers/leak";
import { Rng } from "../../src/rng";
import { RewardModel, rewardModelStep, Comparison } from "../../src/train/reward-model";
import { spearman } from "../../src/train/closed-form";
import { Mlp } from "../../src/policy/mlp";
import { makeOptimizer } from "../../src/tf/optim";

/** 30 outputs with 4 random features and a nonlinear true reward. */
function instance(seed: number) {
  const g = Rng.fromSeed(seed).fork("instance");
  const feats = Array.from({ length: 30 }, () => Array.from({ length: 4 }, () => g.normal(0, 1)));
  const reward = feats.map((f) => 1.5 * f[0]! - f[1]! + Math.tanh(2 * f[2]!));
  const pairs = (rng: Rng, n: number) =>
    Array.from({ length: n }, () => {
      const i = rng.int(30), j = rng.int(30);
      const p = 1 / (1 + Math.exp(-(reward[i]! - reward[j]!)));
      return { i, j, a: feats[i]!, b: feats[j]!, label: rng.bernoulli(p) ? 1 : 0, oracle: reward[i]! > reward[j]! ? 1 : reward[i] === reward[j] ? 0.5 : 0 };
    });
  return { feats, reward, pairs };
}

describe("Bradley–Terry reward model", () => {
  before(setupBackend);

  it("recovers a known reward from enough comparisons (Spearman ≥ 0.95)", () => {
    const { feats, reward, pairs } = instance(1);
    const train: Comparison[] = pairs(Rng.fromSeed(2), 3000);
    const { model, logs } = RewardModel.train(train, { epochs: 10 }, Rng.fromSeed(3));
    try {
      expect(spearman(model.score(feats), reward)).to.be.at.least(0.95);
      expect(logs.at(-1)!["loss"]).to.be.lessThan(logs[0]!["loss"]!);
      const test = pairs(Rng.fromSeed(4), 1000);
      const acc = model.accuracy(test, { rater: test.map((p) => p.label), oracle: test.map((p) => p.oracle) });
      expect(acc["accuracy/oracle"]).to.be.greaterThan(0.9);
      // noisy BT labels: the best achievable agreement with the rater is below the oracle's
      expect(acc["accuracy/rater"]).to.be.lessThan(acc["accuracy/oracle"]!);
    } finally {
      model.dispose();
    }
  });

  it("an ensemble reports a spread that is larger off the data", () => {
    const { feats, pairs } = instance(1);
    const { model } = RewardModel.train(pairs(Rng.fromSeed(2), 600), { epochs: 5, ensembleSize: 3 }, Rng.fromSeed(3));
    try {
      const on = model.scoreWithSpread(feats).std;
      const off = model.scoreWithSpread(feats.map((f) => f.map((x) => 6 * x))).std;
      const avg = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
      expect(avg(on)).to.be.greaterThan(0);
      expect(avg(off)).to.be.greaterThan(avg(on));
    } finally {
      model.dispose();
    }
  });

  it("a reward-model step leaks no tensors", () => {
    const { pairs } = instance(1);
    const batch = pairs(Rng.fromSeed(2), 32);
    const net = new Mlp([4, 16, 1], Rng.fromSeed(1));
    const opt = makeOptimizer("adam", 0.01);
    expectNoLeak(() => rewardModelStep(net, opt, batch, 1e-4), "rewardModelStep");
    net.dispose();
    opt.dispose();
  });
});
