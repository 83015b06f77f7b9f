import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../helpers/backend";
import { clippedSurrogate, valueLoss, entropyFromLogits } from "../../src/losses/ppo";
import { KL_ESTIMATORS, KL_ESTIMATORS_PLAIN } from "../../src/losses/kl";
import { bradleyTerryLoss } from "../../src/losses/bradley-terry";
import { gae } from "../../src/train/advantages";

const read = (t: tf.Tensor) => Array.from(t.dataSync());

describe("PPO pieces", () => {
  before(setupBackend);

  it("clips the ratio on the side the advantage pushes", () => {
    const r = tf.tidy(() => {
      const s = clippedSurrogate(tf.tensor1d([Math.log(1.5), Math.log(0.5), Math.log(1.1)]), tf.tensor1d([0, 0, 0]), tf.tensor1d([1, -1, 2]), 0.2);
      return { l: read(s.losses), c: read(s.clipped), k: read(s.approxKl) };
    });
    expect(r.l[0]).to.be.closeTo(-1.2, 1e-5); // A>0, ratio 1.5 clipped at 1.2
    expect(r.l[1]).to.be.closeTo(0.8, 1e-5); // A<0, ratio 0.5 clipped at 0.8
    expect(r.l[2]).to.be.closeTo(-2.2, 1e-5); // inside the range
    expect(r.c).to.deep.equal([1, 1, 0]);
    expect(r.k[0]).to.be.closeTo(0.5 * Math.log(1.5) ** 2, 1e-6);
  });

  it("value loss clips around the old value", () => {
    const v = tf.tidy(() => read(valueLoss(tf.tensor1d([2]), tf.tensor1d([0]), tf.tensor1d([3]), 0.5)));
    expect(v[0]).to.be.closeTo(0.5 * Math.max(1, 2.5 ** 2), 1e-6);
    const plain = tf.tidy(() => read(valueLoss(tf.tensor1d([2]), tf.tensor1d([0]), tf.tensor1d([3]), Infinity)));
    expect(plain[0]).to.be.closeTo(0.5, 1e-6);
  });

  it("entropy of uniform logits is log V", () => {
    const e = tf.tidy(() => read(entropyFromLogits(tf.zeros([2, 5]) as tf.Tensor2D)));
    expect(e[0]).to.be.closeTo(Math.log(5), 1e-5);
  });

  it("KL estimators: k1 and k3 average to the exact KL over samples from π", () => {
    const p = [0.5, 0.3, 0.2], q = [0.2, 0.3, 0.5];
    const kl = p.reduce((s, pi, i) => s + pi * Math.log(pi / q[i]!), 0);
    for (const name of ["k1", "k3"] as const) {
      const avg = p.reduce((s, pi, i) => s + pi * KL_ESTIMATORS_PLAIN[name](Math.log(pi), Math.log(q[i]!)), 0);
      expect(avg, name).to.be.closeTo(kl, 1e-12);
      const t = tf.tidy(() => read(KL_ESTIMATORS[name](tf.tensor1d(p.map(Math.log)), tf.tensor1d(q.map(Math.log)))));
      t.forEach((x, i) => expect(x).to.be.closeTo(KL_ESTIMATORS_PLAIN[name](Math.log(p[i]!), Math.log(q[i]!)), 1e-5));
    }
    // k3 is non-negative per sample, k1 is not
    expect(KL_ESTIMATORS_PLAIN.k3(Math.log(0.2), Math.log(0.5))).to.be.greaterThan(0);
    expect(KL_ESTIMATORS_PLAIN.k1(Math.log(0.2), Math.log(0.5))).to.be.lessThan(0);
  });

  it("GAE matches a hand computation", () => {
    const { advantages, returns } = gae([0, 0, 1], [0.5, 0.6, 0.7], 1, 0.5);
    const d2 = 1 - 0.7, d1 = 0 + 0.7 - 0.6, d0 = 0 + 0.6 - 0.5;
    expect(advantages[2]).to.be.closeTo(d2, 1e-12);
    expect(advantages[1]).to.be.closeTo(d1 + 0.5 * d2, 1e-12);
    expect(advantages[0]).to.be.closeTo(d0 + 0.5 * d1 + 0.25 * d2, 1e-12);
    expect(returns[0]).to.be.closeTo(advantages[0]! + 0.5, 1e-12);
  });

  it("Bradley–Terry loss is log 2 at equal scores and stable at ±1e4", () => {
    const l = tf.tidy(() => read(bradleyTerryLoss(tf.tensor1d([0, 1e4, -1e4]), tf.tensor1d([0, 0, 0]), tf.tensor1d([1, 1, 1]))));
    expect(l[0]).to.be.closeTo(Math.log(2), 1e-6);
    expect(l[1]).to.be.closeTo(0, 1e-6);
    expect(l[2]).to.be.closeTo(1e4, 1);
  });
});
