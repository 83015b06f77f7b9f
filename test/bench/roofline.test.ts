import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../helpers/backend";
import { Rng } from "../../src/rng";
import { Mlp } from "../../src/policy/mlp";
import { countMatMulFlops } from "../../src/bench/roofline";
import { dpoFixedLengthBench } from "../../src/bench/training";

describe("bench: FLOPs counted from the shapes of a step's products", () => {
  before(setupBackend);

  it("an MLP's forward and backward pass: 2·m·k·n per product, none transposed, the kernel restored", () => {
    const net = new Mlp([6, 8, 3], Rng.fromSeed(1));
    const x = tf.tensor2d(Float32Array.from({ length: 60 }, (_, i) => Math.sin(i)), [10, 6]);
    const kernel = tf.getKernel(tf.BatchMatMul, tf.getBackend());
    try {
      const c = countMatMulFlops(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(net.apply(x)), net.variables);
        tf.dispose([value, ...Object.values(grads)]);
      });
      // forward 10×6·6×8 and 10×8·8×3; backward dW2 = 8×10·10×3, dh = 10×3·3×8, dW1 = 6×10·10×8.
      const expected = 2 * (10 * 6 * 8 + 10 * 8 * 3 + 8 * 10 * 3 + 10 * 3 * 8 + 6 * 10 * 8);
      expect(c.flops).to.equal(expected);
      expect(c.products).to.equal(5);
      expect(c.transposed).to.equal(0);
      expect(tf.getKernel(tf.BatchMatMul, tf.getBackend())).to.equal(kernel);
    } finally {
      x.dispose();
      net.dispose();
    }
  });

  it("a DPO step's count grows linearly in the batch (the per-sequence sum is no longer a product)", () => {
    const count = (n: number) => {
      const b = dpoFixedLengthBench(n, 5);
      try {
        b.run();
        return countMatMulFlops(b.run).flops;
      } finally {
        b.dispose();
      }
    };
    const [a, b] = [count(8), count(16)];
    expect(b).to.equal(2 * a);
  });
});
