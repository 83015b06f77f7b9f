import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { FusedAdam } from "../../src/tf/adam";
import { ConfigError } from "../../src/errors";
import { makeOptimizer, optimizerStep } from "../../src/tf/optim";
import { Rng } from "../../src/rng";
import { setupBackend } from "../helpers/backend";

/** Variables of several shapes (a small MLP's), filled from `seed`. */
function makeVars(seed: number, prefix: string): tf.Variable[] {
  const rng = Rng.fromSeed(seed);
  const shapes = [[7, 5], [5], [5, 3], [3], [1]];
  return shapes.map((s, i) => {
    const init = tf.tensor(Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()), s);
    const v = tf.variable(init, true, `${prefix}-${i}`);
    init.dispose();
    return v;
  });
}

/** Runs `steps` Adam steps with gradients of a fixed nonlinear loss; returns the final weights (as float32 bits). */
function train(opt: tf.Optimizer, vars: tf.Variable[], steps: number, seed: number): Float32Array[] {
  const rng = Rng.fromSeed(seed);
  for (let t = 0; t < steps; t++) {
    const x = tf.tensor2d(Array.from({ length: 4 * 7 }, () => rng.normal()), [4, 7]);
    optimizerStep(opt, vars, () => {
      const h = tf.tanh(tf.add(tf.matMul(x, vars[0]!), vars[1]!));
      const y = tf.add(tf.matMul(h, vars[2]!), vars[3]!);
      return { loss: tf.add(tf.mean(tf.square(tf.sub(y, 0.3))), tf.mul(tf.sum(tf.square(vars[4]!)), 1e-3)) as tf.Scalar };
    }, t % 3 === 2 ? { clipNorm: 0.05 } : {});
    x.dispose();
  }
  return vars.map((v) => Float32Array.from(v.dataSync()));
}

describe("tf/adam: FusedAdam equals tf.train.adam", () => {
  before(setupBackend);

  for (const [lr, b1, b2] of [[1e-3, 0.9, 0.999], [0.05, 0.8, 0.95], [3e-4, 0.9, 0.999]] as const) {
    it(`gives bit-identical weights over 25 steps (lr ${lr}, β ${b1}/${b2}, some steps clipped)`, () => {
      const before = tf.memory().numTensors;
      const a = makeVars(5, `ref-${lr}`), b = makeVars(5, `fused-${lr}`);
      const ref = tf.train.adam(lr, b1, b2), fused = new FusedAdam(lr, b1, b2);
      const wa = train(ref, a, 25, 9), wb = train(fused, b, 25, 9);
      wa.forEach((w, i) => expect(Array.from(wb[i]!), `variable ${i}`).to.deep.equal(Array.from(w)));
      // The weights moved (the test would pass trivially otherwise).
      const fresh = makeVars(5, `check-${lr}`);
      expect(wa[0]![0]).to.not.equal(fresh[0]!.dataSync()[0]);
      expect(fused.iterations).to.equal(25);
      ref.dispose();
      fused.dispose();
      tf.dispose([...a, ...b]);
      tf.dispose(fresh);
      expect(tf.memory().numTensors).to.equal(before);
    });
  }

  it("is what makeOptimizer('adam') returns, and leaves no tensors behind", () => {
    const opt = makeOptimizer("adam", 1e-3);
    expect(opt).to.be.instanceOf(FusedAdam);
    const vars = makeVars(3, "leak");
    const n = tf.memory().numTensors;
    train(opt, vars, 3, 1);
    expect(tf.memory().numTensors).to.equal(n);
    opt.dispose();
    tf.dispose(vars);
  });

  it("keeps moments per variable name: a step without one variable's gradient leaves the others' moments in place", () => {
    const va = makeVars(11, "named-a"), vb = makeVars(11, "named-b");
    const ref = new FusedAdam(0.01), other = new FusedAdam(0.01);
    const grads = (vars: tf.Variable[], skip: number | null): tf.NamedTensorMap => Object.fromEntries(vars.map((v, i) => [v.name, tf.onesLike(v)] as const).filter((_, i) => i !== skip));
    // Both optimisers see the same gradients for variables 1..4; `other` also missed variable 0 on the first step.
    const g1 = grads(va, null), g2 = grads(vb, 0);
    ref.applyGradients(g1);
    other.applyGradients(g2);
    tf.dispose([...Object.values(g1), ...Object.values(g2)]);
    expect(Array.from(vb[2]!.dataSync())).to.deep.equal(Array.from(va[2]!.dataSync()));
    expect(Array.from(vb[0]!.dataSync())).to.not.deep.equal(Array.from(va[0]!.dataSync()));
    tf.dispose([...va, ...vb]);
  });

  it("refuses a bad learning rate, β or ε, naming the field", () => {
    const bad: [() => unknown, string][] = [
      [() => new FusedAdam(0), "learningRate"],
      [() => new FusedAdam(NaN), "learningRate"],
      [() => new FusedAdam(1e-3, 1), "beta1"],
      [() => new FusedAdam(1e-3, 0.9, -0.1), "beta2"],
      [() => new FusedAdam(1e-3, 0.9, 0.999, -1), "epsilon"],
    ];
    for (const [f, field] of bad) expect(f).to.throw(ConfigError).with.property("field", field);
    expect(() => new FusedAdam(1e-3, 0, 0.5, 0)).to.not.throw();
  });
});
