import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../helpers/backend";
import { DPO_LOSSES, DPO_LOSS_TYPES, DpoLossType, dpoLoss, dpoObjective } from "../../src/losses/dpo";

const sig = (x: number) => 1 / (1 + Math.exp(-x));

/** Loss, and gradient w.r.t. policyChosen, for one pair, via tfjs. */
function lossAndGrad(type: DpoLossType, pc: number, pr: number, rc: number, rr: number, beta: number, epsilon = 0) {
  const g = tf.valueAndGrad((x: tf.Tensor) =>
    tf.sum(dpoLoss(type, { policyChosen: x as tf.Tensor1D, policyRejected: tf.tensor1d([pr]), refChosen: tf.tensor1d([rc]), refRejected: tf.tensor1d([rr]) }, { beta, epsilon }).losses) as tf.Scalar,
  );
  return tf.tidy(() => {
    const { value, grad } = g(tf.tensor1d([pc]));
    return { loss: value.dataSync()[0]!, grad: grad.dataSync()[0]! };
  });
}

describe("DPO losses", () => {
  before(setupBackend);

  it("is a table of five variants", () => {
    expect(DPO_LOSS_TYPES).to.have.members(["sigmoid", "ipo", "hinge", "cdpo", "robust"]);
    for (const t of DPO_LOSS_TYPES) expect(DPO_LOSSES[t]).to.be.a("function");
  });

  it("equals log 2 at zero margin (sigmoid, cdpo, robust) for any β", () => {
    for (const beta of [0.1, 1, 7]) {
      for (const t of ["sigmoid", "cdpo", "robust"] as const) {
        const { loss } = lossAndGrad(t, -3, -2, -2.5, -1.5, beta, t === "sigmoid" ? 0 : 0.1);
        expect(loss, `${t} β=${beta}`).to.be.closeTo(Math.log(2), 1e-6);
      }
    }
  });

  it("matches hand-computed values and gradients", () => {
    // h = (−1 − (−2)) − (−3 − (−2.5)) = 1 + 0.5 = 1.5
    const [pc, pr, rc, rr] = [-1, -3, -2, -2.5];
    const h = 1.5;
    const beta = 0.7, eps = 0.2;
    const cases: Record<DpoLossType, { loss: number; grad: number }> = {
      sigmoid: { loss: -Math.log(sig(beta * h)), grad: -beta * sig(-beta * h) },
      ipo: { loss: (h - 1 / (2 * beta)) ** 2, grad: 2 * (h - 1 / (2 * beta)) },
      hinge: { loss: Math.max(0, 1 - beta * h), grad: 1 - beta * h > 0 ? -beta : 0 },
      cdpo: {
        loss: -(1 - eps) * Math.log(sig(beta * h)) - eps * Math.log(sig(-beta * h)),
        grad: -beta * ((1 - eps) * sig(-beta * h) - eps * sig(beta * h)),
      },
      robust: {
        loss: (-(1 - eps) * Math.log(sig(beta * h)) + eps * Math.log(sig(-beta * h))) / (1 - 2 * eps),
        grad: (-beta * ((1 - eps) * sig(-beta * h) + eps * sig(beta * h))) / (1 - 2 * eps),
      },
    };
    for (const t of DPO_LOSS_TYPES) {
      const got = lossAndGrad(t, pc, pr, rc, rr, beta, eps);
      expect(got.loss, `${t} loss`).to.be.closeTo(cases[t].loss, 1e-5);
      expect(got.grad, `${t} grad`).to.be.closeTo(cases[t].grad, 1e-5);
    }
  });

  it("is numerically stable at margins ±1e4", () => {
    for (const t of DPO_LOSS_TYPES) {
      for (const m of [1e4, -1e4]) {
        const { loss, grad } = lossAndGrad(t, m, 0, 0, 0, 1, 0.1);
        expect(Number.isFinite(loss), `${t} loss at ${m}`).to.equal(true);
        expect(Number.isFinite(grad), `${t} grad at ${m}`).to.equal(true);
      }
    }
    expect(lossAndGrad("sigmoid", 1e4, 0, 0, 0, 1).loss).to.be.closeTo(0, 1e-6);
    expect(lossAndGrad("sigmoid", -1e4, 0, 0, 0, 1).loss).to.be.closeTo(1e4, 1);
    expect(lossAndGrad("sigmoid", -1e4, 0, 0, 0, 1).grad).to.be.closeTo(-1, 1e-6);
  });

  it("returns implicit rewards β·(log π − log π_ref) and TRL metrics from the same tensors", () => {
    const out = tf.tidy(() => {
      const o = dpoObjective(
        "sigmoid",
        { policyChosen: tf.tensor1d([-1, -2]), policyRejected: tf.tensor1d([-3, -1]), refChosen: tf.tensor1d([-2, -2]), refRejected: tf.tensor1d([-2, -2]) },
        { beta: 0.5, epsilon: 0 },
      );
      return Object.fromEntries([["loss", o.loss.dataSync()[0]!], ...Object.entries(o.metrics).map(([k, v]) => [k, v.dataSync()[0]!])]);
    });
    expect(out["rewards/chosen"]).to.be.closeTo((0.5 * 1 + 0.5 * 0) / 2, 1e-6);
    expect(out["rewards/rejected"]).to.be.closeTo((0.5 * -1 + 0.5 * 1) / 2, 1e-6);
    expect(out["rewards/margins"]).to.be.closeTo(out["rewards/chosen"]! - out["rewards/rejected"]!, 1e-6);
    expect(out["rewards/accuracies"]).to.equal(0.5);
    expect(out["logps/chosen"]).to.be.closeTo(-1.5, 1e-6);
    expect(out["logps/rejected"]).to.be.closeTo(-2, 1e-6);
    expect(out["loss"]).to.be.closeTo((-Math.log(sig(1)) - Math.log(sig(-0.5))) / 2, 1e-6);
  });
});
