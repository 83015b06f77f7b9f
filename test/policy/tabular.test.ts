import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../helpers/backend";
import { TabularPolicy, oneHot } from "../../src/policy/tabular";
import { ConfigError } from "../../src/errors";

describe("TabularPolicy: bad indices are refused at the boundary", () => {
  before(setupBackend);

  it("an action id past the last action, a fractional or negative id, or an unknown context throws a ConfigError naming the entry", () => {
    const p = TabularPolicy.fromProbs([[0.5, 0.5], [0.2, 0.8]]);
    try {
      const before = tf.memory().numTensors;
      expect(() => p.logProbsOf([0, 1], [1, 2])).to.throw(ConfigError, /actions\[1\] = 2; allowed: an integer in \[0, 1\]/);
      expect(() => p.logProbsOf([0], [0.5])).to.throw(ConfigError, /actions\[0\] = 0.5/);
      expect(() => p.logProbsOf([2], [0])).to.throw(ConfigError, /contexts\[0\] = 2/);
      expect(() => oneHot([-1], 3)).to.throw(ConfigError, /index\[0\] = -1/);
      expect(tf.memory().numTensors).to.equal(before);
      const ok = p.logProbsOf([1], [1]);
      expect(ok.dataSync()[0]).to.be.closeTo(Math.log(0.8), 1e-6);
      ok.dispose();
    } finally {
      p.dispose();
    }
  });
});
