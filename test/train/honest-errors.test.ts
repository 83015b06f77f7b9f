/**
 * Bad inputs to the trainers get messages that say what is wrong, where: not a raw tensor
 * error, not "non-finite loss", not a silent no-op.
 */
import { expect } from "chai";
import { setupBackend } from "../helpers/backend";
import { toySpace, toyContexts, goodCount, ToyContext, ToyState } from "../helpers/toy-space";
import { TokenPolicy } from "../../src/policy/token-policy";
import { Rng } from "../../src/rng";
import { trainDpo, type Preference } from "../../src/train/dpo";
import { trainPpo, ppoConfig } from "../../src/train/ppo";
import { RewardModel, type Comparison } from "../../src/train/reward-model";
import { decide, makeVerdict, type Hypothesis } from "../../src/verdict";
import { ConfigError } from "../../src/errors";

type P = TokenPolicy<ToyContext, ToyState>;
const newPolicy = (seed: number): P => new TokenPolicy(toySpace, toyContexts, [8], Rng.fromSeed(seed).fork("init"));
const sampleCtx = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.int(2) as ToyContext);

describe("trainers: honest errors on bad input", () => {
  before(setupBackend);

  it("PPO minibatches that do not divide the batch: the message says what divides what", () => {
    expect(() => ppoConfig({ batchSize: 64, minibatches: 3 })).to.throw(ConfigError, /minibatches = 3; allowed: a divisor of batchSize \(64\)/);
  });

  it("PPO reward callback of the wrong length or with a non-number is named as such", () => {
    const p = newPolicy(1), ref = newPolicy(1);
    try {
      expect(() => trainPpo(p, ref, sampleCtx, (_c, o) => o.slice(1).map(goodCount), { iterations: 1, batchSize: 8, minibatches: 1 }, Rng.fromSeed(2))).to.throw(ConfigError, /reward callback result = "7 scores"; allowed: one score per sampled output \(8\)/);
      expect(() => trainPpo(p, ref, sampleCtx, (_c, o) => o.map(() => "1" as unknown as number), { iterations: 1, batchSize: 8, minibatches: 1 }, Rng.fromSeed(2))).to.throw(ConfigError, /reward callback result\[0\]/);
    } finally {
      p.dispose();
      ref.dispose();
    }
  });

  it("offline DPO logs the epoch it is in, and refuses zero pairs", () => {
    const p = newPolicy(3), ref = newPolicy(3);
    try {
      const data: Preference<ToyContext>[] = Array.from({ length: 8 }, (_, i) => ({ context: (i % 2) as ToyContext, chosen: [1, 0], rejected: [2, 0] }));
      const logs = trainDpo(p, ref, data, { epochs: 3, batchSize: 4 }, Rng.fromSeed(4));
      expect(logs.map((l) => l["epoch"])).to.deep.equal([1, 1, 2, 2, 3, 3]);
      expect(() => trainDpo(p, ref, [], {}, Rng.fromSeed(4))).to.throw(ConfigError, /DPO data/);
    } finally {
      p.dispose();
      ref.dispose();
    }
  });

  it("reward model: mismatched feature widths and bad labels are named by index, before any tensor work", () => {
    const ok: Comparison = { a: [1, 0], b: [0, 1], label: 1 };
    expect(() => RewardModel.train([ok, { a: [1, 0, 0], b: [0, 1], label: 1 }], { epochs: 1 }, Rng.fromSeed(1))).to.throw(ConfigError, /data\[1\]\.a\.length = 3; allowed: 2/);
    expect(() => RewardModel.train([ok, { a: [1, 0], b: [0, 1], label: 2 }], { epochs: 1 }, Rng.fromSeed(1))).to.throw(ConfigError, /data\[1\]\.label = 2/);
    expect(() => RewardModel.train([{ a: [NaN, 0], b: [0, 1], label: 0 }], { epochs: 1 }, Rng.fromSeed(1))).to.throw(ConfigError, /data\[0\]\.a\[0\]/);
    const { model } = RewardModel.train([ok], { epochs: 1, hidden: [] }, Rng.fromSeed(1));
    try {
      expect(() => model.score([[1, 0, 0]])).to.throw(ConfigError, /features\[0\]\.length = 3; allowed: 2/);
    } finally {
      model.dispose();
    }
  });

  it("a hypothesis with an unknown direction throws instead of deciding", () => {
    const h = { claim: 1, effect: "x", direction: "sideways", threshold: 0, thresholdText: "> 0" } as unknown as Hypothesis;
    const ci = { estimate: 1, lo: 0.5, hi: 1.5, n: 5 };
    expect(() => decide(h, ci)).to.throw(ConfigError, /direction/);
    expect(() => makeVerdict(h, ci, { notebook: "n", mode: "quick", seeds: [1] })).to.throw(ConfigError, /direction/);
  });
});
