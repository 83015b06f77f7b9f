import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../helpers/backend";
import { toySpace, toyContexts, allOutputs, ToyContext } from "../helpers/toy-space";
import { TokenPolicy } from "../../src/policy/token-policy";
import { Rng } from "../../src/rng";
import { totalVariation } from "../../src/train/closed-form";

describe("token policy", () => {
  before(setupBackend);
  const outs = allOutputs();

  it("sequence probabilities over all outputs sum to 1 and match the policy table", () => {
    const p = new TokenPolicy(toySpace, toyContexts, [16], Rng.fromSeed(1).fork("init"));
    try {
      for (const c of [0, 1] as ToyContext[]) {
        const lp = p.logProbsOf(outs.map(() => c), outs).sequence;
        expect(lp.reduce((s, x) => s + Math.exp(x), 0)).to.be.closeTo(1, 1e-5);
        const table = p.policyTable([0, 1]);
        outs.forEach((seq, i) => {
          let s = toySpace.initialState();
          let l = 0;
          seq.forEach((t, pos) => {
            l += Math.log(table(c, pos, s)[t]!);
            s = toySpace.step(s, t);
          });
          expect(l).to.be.closeTo(lp[i]!, 1e-4);
        });
      }
    } finally {
      p.dispose();
    }
  });

  it("samples match the exact sequence distribution", () => {
    const p = new TokenPolicy(toySpace, toyContexts, [16], Rng.fromSeed(2).fork("init"));
    try {
      const exact = p.logProbsOf(outs.map(() => 1 as ToyContext), outs).sequence.map(Math.exp);
      const n = 6000;
      const samples = p.sample(Rng.fromSeed(3), Array.from({ length: n }, () => 1 as ToyContext));
      const idx = new Map(outs.map((s, i) => [s.join(","), i]));
      const freq = new Array<number>(outs.length).fill(0);
      for (const s of samples) freq[idx.get(s.join(","))!]! += 1 / n;
      expect(totalVariation(exact, freq)).to.be.lessThan(0.05);
    } finally {
      p.dispose();
    }
  });

  it("weights depend only on the seed; a frozen copy keeps its weights and has no trainable variables", () => {
    const a = new TokenPolicy(toySpace, toyContexts, [8], Rng.fromSeed(4).fork("init"));
    const b = new TokenPolicy(toySpace, toyContexts, [8], Rng.fromSeed(4).fork("init"));
    const ref = a.frozenCopy();
    try {
      expect(a.net.toJSON()).to.deep.equal(b.net.toJSON());
      expect(ref.variables.every((v) => !v.trainable)).to.equal(true);
      const before = ref.net.toJSON();
      a.net.weights[0]!.assign(tf.zerosLike(a.net.weights[0]!));
      expect(ref.net.toJSON()).to.deep.equal(before);
    } finally {
      a.dispose();
      b.dispose();
      ref.dispose();
    }
  });

  it("creating and disposing policies leaves no tensors", () => {
    const before = tf.memory().numTensors;
    const p = new TokenPolicy(toySpace, toyContexts, [8], Rng.fromSeed(4));
    const q = p.frozenCopy();
    p.policyTable([0, 1]);
    p.sample(Rng.fromSeed(1), [0, 1]);
    p.dispose();
    q.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });
});
