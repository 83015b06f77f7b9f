import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { setupBackend } from "../helpers/backend";
import { expectNoLeak } from "../helpers/leak";
import { toySpace, toyContexts, allOutputs, goodCount, ToyContext, ToyState } from "../helpers/toy-space";
import { TokenPolicy } from "../../src/policy/token-policy";
import { Mlp } from "../../src/policy/mlp";
import { Rng } from "../../src/rng";
import { DivergenceGuard, makeOptimizer } from "../../src/tf/optim";
import { RewardModel, rewardModelConfig, rewardModelStep } from "../../src/train/reward-model";
import { pretrain, pretrainConfig, pretrainStep, compareRates, crossEntropy, Document } from "../../src/train/pretrain";
import { dpoConfig, trainDpo, trainOnlineDpo, dpoStep, referenceLogps, Preference } from "../../src/train/dpo";
import { trainPpo, ppoStep, collectRollout, ppoConfig } from "../../src/train/ppo";
import { trainTabularPpo } from "../../src/train/tabular-ppo";
import { TabularPolicy } from "../../src/policy/tabular";
import { ConfigError, DivergenceError } from "../../src/errors";

type P = TokenPolicy<ToyContext, ToyState>;
const newPolicy = (seed: number): P => new TokenPolicy(toySpace, toyContexts, [32], Rng.fromSeed(seed).fork("init"));

/** A toy corpus: in context 0 writers favour "good", in context 1 "bad"; end w.p. 0.3. */
function toyCorpus(rng: Rng, n: number): Document<ToyContext>[] {
  return Array.from({ length: n }, () => {
    const c = rng.int(2) as ToyContext;
    const tokens: number[] = [];
    for (let pos = 0; pos < 4; pos++) {
      const t = rng.categorical(c === 0 ? [0.3, 0.4, 0.1, 0.2] : [0.3, 0.1, 0.4, 0.2]);
      tokens.push(t);
      if (t === 0) break;
    }
    return { context: c, tokens };
  });
}
const rates = (docs: readonly Document<ToyContext>[]) => {
  const good = docs.filter((d) => d.context === 0);
  return {
    "good per output (context 0)": good.reduce((s, d) => s + goodCount(d.tokens), 0) / good.length,
    "mean length": docs.reduce((s, d) => s + d.tokens.length, 0) / docs.length,
  };
};
const sampleCtx = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.int(2) as ToyContext);
const expectedGood = (p: P) => {
  const outs = allOutputs();
  const lp = p.logProbsOf(outs.map(() => 0 as ToyContext), outs).sequence;
  return outs.reduce((s, o, i) => s + Math.exp(lp[i]!) * goodCount(o), 0);
};

describe("token trainers on a toy space", () => {
  before(setupBackend);

  it("pretraining fits the corpus: held-out loss falls to near the corpus entropy, rates reproduced", () => {
    const p = newPolicy(1);
    try {
      const train = toyCorpus(Rng.fromSeed(1), 2000), held = toyCorpus(Rng.fromSeed(2), 500);
      const before = crossEntropy(p, held);
      const logs = pretrain(p, train, held, { epochs: 4, learningRate: 0.01 }, Rng.fromSeed(3));
      const after = logs.filter((l) => "eval/loss" in l).at(-1)!["eval/loss"]!;
      const entropyPerToken = -[0.3, 0.4, 0.1, 0.2].reduce((s, q) => s + q * Math.log(q), 0);
      expect(after).to.be.lessThan(before);
      expect(after).to.be.closeTo(entropyPerToken, 0.05);
      for (const row of compareRates(p, held, rates, Rng.fromSeed(4))) expect(Math.abs(row.diff), row.metric).to.be.lessThan(0.15);
    } finally {
      p.dispose();
    }
  });

  it("offline DPO on 'more good tokens is better' raises the expected good count and reward accuracy", () => {
    const p = newPolicy(2), ref = p.frozenCopy();
    try {
      const rng = Rng.fromSeed(5);
      const data: Preference<ToyContext>[] = [];
      const outs = ref.sample(rng, Array.from({ length: 1200 }, () => 0 as ToyContext));
      for (let i = 0; i + 1 < outs.length; i += 2) {
        const [a, b] = [outs[i]!, outs[i + 1]!];
        if (goodCount(a) !== goodCount(b)) data.push(goodCount(a) > goodCount(b) ? { context: 0, chosen: a, rejected: b } : { context: 0, chosen: b, rejected: a });
      }
      const g0 = expectedGood(p);
      const logs = trainDpo(p, ref, data, { beta: 0.5, learningRate: 0.01, epochs: 3, batchSize: 32 }, Rng.fromSeed(6));
      expect(expectedGood(p)).to.be.greaterThan(g0 + 0.3);
      const last = logs.slice(-5);
      expect(last.reduce((s, l) => s + l["rewards/accuracies"]!, 0) / 5).to.be.greaterThan(0.8);
      for (const k of ["loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins", "logps/chosen", "logps/rejected"]) expect(logs[0]).to.have.property(k);
    } finally {
      p.dispose();
      ref.dispose();
    }
  });

  it("online DPO with a labelling callback raises the good count", () => {
    const p = newPolicy(3), ref = p.frozenCopy();
    try {
      const g0 = expectedGood(p);
      const label = (_c: ToyContext, a: number[], b: number[]) => (goodCount(a) === goodCount(b) ? null : goodCount(a) > goodCount(b) ? 1 : 0);
      const logs = trainOnlineDpo(p, ref, (rng, n) => Array.from({ length: n }, () => 0 as ToyContext), label, { beta: 0.5, learningRate: 0.01, rounds: 6, pairsPerRound: 128, batchSize: 32 }, Rng.fromSeed(7));
      expect(expectedGood(p)).to.be.greaterThan(g0 + 0.3);
      expect(logs.at(-1)).to.have.property("round", 6);
    } finally {
      p.dispose();
      ref.dispose();
    }
  });

  it("PPO on the good count raises the score, pays KL, and logs every metric", () => {
    const p = newPolicy(4), ref = p.frozenCopy();
    try {
      const reward = (_c: readonly ToyContext[], outs: readonly number[][]) => outs.map(goodCount);
      const logs = trainPpo(p, ref, sampleCtx, reward, { beta: 0.05, learningRate: 0.01, iterations: 15, batchSize: 64 }, Rng.fromSeed(8));
      expect(logs.slice(-3).reduce((s, l) => s + l["objective/scores"]!, 0) / 3).to.be.greaterThan(logs[0]!["objective/scores"]! + 0.5);
      expect(logs.at(-1)!["objective/kl"]).to.be.greaterThan(0.05);
      for (const k of ["objective/kl", "objective/scores", "objective/rlhf_reward", "policy/approxkl", "policy/clipfrac", "policy/entropy", "loss/policy", "loss/value", "val/explained_variance"]) {
        expect(Number.isFinite(logs.at(-1)![k]), k).to.equal(true);
      }
    } finally {
      p.dispose();
      ref.dispose();
    }
  });

  it("adaptive KL coefficient rises when KL exceeds its target", () => {
    const p = newPolicy(4), ref = p.frozenCopy();
    try {
      const reward = (_c: readonly ToyContext[], outs: readonly number[][]) => outs.map((o) => 3 * goodCount(o));
      const logs = trainPpo(p, ref, sampleCtx, reward, { beta: 0.05, adaptiveKl: { target: 0.01, horizon: 200 }, learningRate: 0.01, iterations: 8, batchSize: 64 }, Rng.fromSeed(8));
      expect(logs.at(-1)!["objective/kl_coef"]).to.be.greaterThan(0.05);
    } finally {
      p.dispose();
      ref.dispose();
    }
  });

  it("rejects bad PPO/DPO configs by field", () => {
    expect(() => ppoConfig({ clipRange: 0 })).to.throw(ConfigError, /clipRange = 0/);
    expect(() => ppoConfig({ batchSize: 0 })).to.throw(ConfigError, /batchSize = 0/);
    expect(() => ppoConfig({ learningRate: -1 })).to.throw(ConfigError, /learningRate = -1/);
    expect(() => ppoConfig({ divergenceFactor: 0 })).to.throw(ConfigError, /divergenceFactor = 0/);
    expect(() => dpoConfig({ divergenceFactor: -1 })).to.throw(ConfigError, /divergenceFactor = -1/);
    expect(() => pretrainConfig({ divergenceFactor: NaN })).to.throw(ConfigError, /divergenceFactor = NaN/);
    expect(() => rewardModelConfig({ divergenceFactor: 0 })).to.throw(ConfigError, /divergenceFactor = 0/);
  });

  it("pretrain, DPO and PPO steps leak no tensors after warm-up", () => {
    const p = newPolicy(5), ref = p.frozenCopy();
    const value = new Mlp([p.inputDim, 16, 1], Rng.fromSeed(1));
    const opt = makeOptimizer("adam", 1e-3);
    try {
      const docs = toyCorpus(Rng.fromSeed(1), 32);
      expectNoLeak(() => pretrainStep(p, opt, docs, 1), "pretrainStep");
      const outs = ref.sample(Rng.fromSeed(2), Array.from({ length: 32 }, () => 0 as ToyContext));
      const pairs = Array.from({ length: 16 }, (_, i) => ({ context: 0 as ToyContext, chosen: outs[2 * i]!, rejected: outs[2 * i + 1]! }));
      const rl = referenceLogps(ref, pairs);
      expectNoLeak(() => dpoStep(p, opt, pairs, rl.chosen, rl.rejected, { lossType: "sigmoid", beta: 0.1, epsilon: 0, clipNorm: 1 }), "dpoStep");
      const ro = collectRollout(p, ref, value, sampleCtx(Rng.fromSeed(3), 32), (_c, o) => o.map(goodCount), 0.1, { klEstimator: "k1", gamma: 1, lambda: 0.95 }, Rng.fromSeed(4));
      expectNoLeak(() => ppoStep(p, value, opt, ro, Array.from({ length: 16 }, (_, i) => i), { clipRange: 0.2, clipRangeValue: 0.2, vfCoef: 0.5, entCoef: 0.01, clipNorm: 1 }), "ppoStep");
      expectNoLeak(() => collectRollout(p, ref, value, [0, 1] as ToyContext[], (_c, o) => o.map(goodCount), 0.1, { klEstimator: "k3", gamma: 1, lambda: 0.95 }, Rng.fromSeed(4)), "collectRollout");
      const tp = TabularPolicy.fromProbs([[0.5, 0.5]]), tr = tp.frozenCopy();
      expectNoLeak(() => trainTabularPpo(tp, tr, [[1, 0]], { iterations: 1, batchSize: 16, minibatches: 2 }, Rng.fromSeed(1)), "tabular PPO iteration");
      tp.dispose();
      tr.dispose();
    } finally {
      p.dispose();
      ref.dispose();
      value.dispose();
      opt.dispose();
    }
  });
});

describe("golden trajectories", () => {
  before(setupBackend);
  const goldenDir = path.join(__dirname, "..", "golden");

  /** Compares `values` with the stored file, or writes it when UPDATE_GOLDEN=1 (give the reason in the commit). */
  function checkGolden(name: string, values: number[], tol: number) {
    const file = path.join(goldenDir, `${name}.json`);
    if (process.env["UPDATE_GOLDEN"] === "1" || !fs.existsSync(file)) {
      fs.writeFileSync(file, JSON.stringify({ note: "per-step loss of a fixed-seed run; regenerate with UPDATE_GOLDEN=1 and give the reason in the commit", values }, null, 1) + "\n");
    }
    const stored = JSON.parse(fs.readFileSync(file, "utf8")) as { values: number[] };
    if (process.env["GOLDEN_REPORT"] === "1") console.log(`${name}: max relative deviation ${Math.max(...values.map((v, i) => Math.abs(v - stored.values[i]!) / Math.max(1, Math.abs(stored.values[i]!)))).toExponential(2)}`);
    expect(values.length).to.equal(stored.values.length);
    values.forEach((v, i) => expect(v, `${name} step ${i + 1}`).to.be.closeTo(stored.values[i]!, tol * Math.max(1, Math.abs(stored.values[i]!))));
  }

  it("50-step token DPO run matches test/golden/token-dpo.json", () => {
    const p = newPolicy(11), ref = p.frozenCopy();
    try {
      const outs = ref.sample(Rng.fromSeed(12), Array.from({ length: 400 }, (_, i) => (i % 2) as ToyContext));
      const data = Array.from({ length: 200 }, (_, i) => {
        const [a, b] = [outs[2 * i]!, outs[2 * i + 1]!];
        const c = (2 * i) % 2 as ToyContext;
        return goodCount(a) >= goodCount(b) ? { context: c, chosen: a, rejected: b } : { context: c, chosen: b, rejected: a };
      });
      const logs = trainDpo(p, ref, data, { beta: 0.5, learningRate: 0.01, batchSize: 16, epochs: 4 }, Rng.fromSeed(13));
      checkGolden("token-dpo", logs.slice(0, 50).map((l) => l["loss"]!), 1e-3);
    } finally {
      p.dispose();
      ref.dispose();
    }
  });

  it("50-iteration token PPO run matches test/golden/token-ppo.json", () => {
    const p = newPolicy(14), ref = p.frozenCopy();
    try {
      const logs = trainPpo(p, ref, sampleCtx, (_c, o) => o.map(goodCount), { beta: 0.1, learningRate: 0.005, iterations: 50, batchSize: 16, epochs: 1, minibatches: 1 }, Rng.fromSeed(15));
      checkGolden("token-ppo", logs.map((l) => l["loss/policy"]! + l["loss/value"]!), 1e-3);
    } finally {
      p.dispose();
      ref.dispose();
    }
  });
});

describe("divergence guard: trainers stop before a bad update, with finite weights and no leaked tensors", () => {
  before(setupBackend);
  const finiteWeights = (vars: { dataSync(): ArrayLike<number> }[]) => vars.every((v) => Array.from(v.dataSync()).every(Number.isFinite));

  it("a guard names the trainer, the step and the quantity, and refuses non-finite values and runaway losses", () => {
    const g = new DivergenceGuard("test", 10);
    g.check(0.7, 1);
    g.check(5, 1);
    expect(() => g.check(11, 1)).to.throw(DivergenceError, /test diverged at step 3: loss = 11/);
    expect(() => new DivergenceGuard("t").check(NaN, 1)).to.throw(DivergenceError, /loss = NaN \(not finite\)/);
    expect(() => new DivergenceGuard("t").check(1, Infinity)).to.throw(DivergenceError, /gradient norm = Infinity/);
  });

  it("DPO, pretraining, the reward model and PPO with a huge learning rate stop at the first bad step", () => {
    const tf = require("@tensorflow/tfjs") as typeof import("@tensorflow/tfjs");
    const p = newPolicy(7), ref = p.frozenCopy();
    try {
      const outs = ref.sample(Rng.fromSeed(2), Array.from({ length: 64 }, () => 0 as ToyContext));
      const pairs: Preference<ToyContext>[] = Array.from({ length: 32 }, (_, i) => ({ context: 0 as ToyContext, chosen: outs[2 * i]!, rejected: outs[2 * i + 1]! }));
      const before = tf.memory().numTensors;
      expect(() => trainDpo(p, ref, pairs, { optimizer: "sgd", learningRate: 1e7, clipNorm: Infinity, batchSize: 4, epochs: 3 }, Rng.fromSeed(1))).to.throw(DivergenceError, /DPO diverged at step \d+/);
      expect(tf.memory().numTensors, "tensors left by the throwing DPO run").to.equal(before);
      expect(finiteWeights(p.variables)).to.equal(true);

      const q = newPolicy(8);
      try {
        const b2 = tf.memory().numTensors;
        expect(() => pretrain(q, toyCorpus(Rng.fromSeed(1), 400), [], { optimizer: "sgd", learningRate: 1e7, clipNorm: Infinity, batchSize: 8, epochs: 2 }, Rng.fromSeed(2))).to.throw(DivergenceError, /pretraining diverged at step \d+/);
        expect(tf.memory().numTensors, "tensors left by the throwing pretraining run").to.equal(b2);
        expect(finiteWeights(q.variables)).to.equal(true);
      } finally {
        q.dispose();
      }

      const rng = Rng.fromSeed(3);
      const comps = Array.from({ length: 256 }, () => {
        const a = [rng.normal(0, 1), rng.normal(0, 1)], b = [rng.normal(0, 1), rng.normal(0, 1)];
        return { a, b, label: a[0]! > b[0]! ? 1 : 0 };
      });
      const b3 = tf.memory().numTensors;
      expect(() => RewardModel.train(comps, { optimizer: "sgd", learningRate: 1e9, l2: 0, epochs: 5, batchSize: 8 }, Rng.fromSeed(4))).to.throw(DivergenceError, /reward model \(member 0\) diverged/);
      expect(tf.memory().numTensors, "tensors left by the throwing reward-model run").to.equal(b3);

      const r = newPolicy(9);
      try {
        const b4 = tf.memory().numTensors;
        expect(() => trainPpo(r, ref, sampleCtx, (_c, o) => o.map((x) => 1e6 * goodCount(x)), { optimizer: "sgd", learningRate: 1e7, clipNorm: Infinity, iterations: 6, batchSize: 32, minibatches: 2 }, Rng.fromSeed(5))).to.throw(DivergenceError, /PPO diverged at step \d+/);
        expect(tf.memory().numTensors, "tensors left by the throwing PPO run").to.equal(b4);
        expect(finiteWeights(r.variables)).to.equal(true);
      } finally {
        r.dispose();
      }
    } finally {
      p.dispose();
      ref.dispose();
    }
  });

  it("every step function and trainer leaves 0 tensors after a throwing call (a refusing guard, a callback that throws)", () => {
    const tf = require("@tensorflow/tfjs") as typeof import("@tensorflow/tfjs");
    class Refuse extends DivergenceGuard {
      override check(): void {
        throw new DivergenceError("test", 1, "loss", 0, "refused by the test");
      }
    }
    const p = newPolicy(11), ref = p.frozenCopy();
    const value = new Mlp([p.inputDim, 16, 1], Rng.fromSeed(1));
    const net = new Mlp([2, 8, 1], Rng.fromSeed(2));
    const opt = makeOptimizer("adam", 1e-3);
    const netOpt = makeOptimizer("adam", 1e-3);
    const leftBy = (label: string, call: () => unknown, error: RegExp) => {
      const before = tf.memory().numTensors;
      expect(call, label).to.throw(error);
      expect(tf.memory().numTensors, `tensors left by a throwing ${label}`).to.equal(before);
    };
    try {
      // Warm up the optimiser's slots with one good step each, so only a leak can change the count.
      const docs = toyCorpus(Rng.fromSeed(1), 32);
      pretrainStep(p, opt, docs, 1);
      const outs = ref.sample(Rng.fromSeed(2), Array.from({ length: 32 }, () => 0 as ToyContext));
      const pairs = Array.from({ length: 16 }, (_, i) => ({ context: 0 as ToyContext, chosen: outs[2 * i]!, rejected: outs[2 * i + 1]! }));
      const rl = referenceLogps(ref, pairs);
      const cfg = { lossType: "sigmoid" as const, beta: 0.1, epsilon: 0, clipNorm: 1 };
      dpoStep(p, opt, pairs, rl.chosen, rl.rejected, cfg);
      const ro = collectRollout(p, ref, value, sampleCtx(Rng.fromSeed(3), 32), (_c, o) => o.map(goodCount), 0.1, { klEstimator: "k1", gamma: 1, lambda: 0.95 }, Rng.fromSeed(4));
      const ppoCfg = { clipRange: 0.2, clipRangeValue: 0.2, vfCoef: 0.5, entCoef: 0.01, clipNorm: 1 };
      ppoStep(p, value, opt, ro, Array.from({ length: 16 }, (_, i) => i), ppoCfg);
      const rng = Rng.fromSeed(5);
      const comps = Array.from({ length: 16 }, () => ({ a: [rng.normal(0, 1), rng.normal(0, 1)], b: [rng.normal(0, 1), rng.normal(0, 1)], label: rng.int(2) }));
      rewardModelStep(net, netOpt, comps, 1e-4);

      leftBy("pretrainStep", () => pretrainStep(p, opt, docs, 1, new Refuse("t")), /refused by the test/);
      leftBy("dpoStep", () => dpoStep(p, opt, pairs, rl.chosen, rl.rejected, cfg, undefined, new Refuse("t")), /refused by the test/);
      leftBy("ppoStep", () => ppoStep(p, value, opt, ro, Array.from({ length: 16 }, (_, i) => i), ppoCfg, new Refuse("t")), /refused by the test/);
      leftBy("rewardModelStep", () => rewardModelStep(net, netOpt, comps, 1e-4, new Refuse("t")), /refused by the test/);
      const boom = () => {
        throw new Error("callback boom");
      };
      leftBy("collectRollout (reward callback throws)", () => collectRollout(p, ref, value, sampleCtx(Rng.fromSeed(3), 8), boom, 0.1, { klEstimator: "k1", gamma: 1, lambda: 0.95 }, Rng.fromSeed(4)), /callback boom/);
      let calls = 0;
      const lateBoom = (_c: readonly ToyContext[], o: readonly number[][]) => (++calls > 1 ? boom() : o.map(goodCount));
      leftBy("trainPpo (reward callback throws in iteration 2)", () => trainPpo(p, ref, sampleCtx, lateBoom, { iterations: 3, batchSize: 16, minibatches: 2 }, Rng.fromSeed(6)), /callback boom/);
      let labels = 0;
      const lateLabel = (_c: ToyContext, a: number[], b: number[]) => (++labels > 40 ? boom() : goodCount(a) > goodCount(b) ? 1 : 0);
      leftBy("trainOnlineDpo (labeller throws in round 2)", () => trainOnlineDpo(p, ref, (_r, n) => Array.from({ length: n }, () => 0 as ToyContext), lateLabel, { rounds: 3, pairsPerRound: 32, batchSize: 16 }, Rng.fromSeed(7)), /callback boom/);
      leftBy("trainDpo (no pairs)", () => trainDpo(p, ref, [], {}, Rng.fromSeed(8)), /pairs/);
    } finally {
      opt.dispose();
      netOpt.dispose();
      p.dispose();
      ref.dispose();
      value.dispose();
      net.dispose();
    }
  });
});
