import { expect } from "chai";
import { setupBackend } from "../helpers/backend";
import { Rng } from "../../src/rng";
import { createWorld, exactDistribution } from "../../src/world";
import { trainBaseModel } from "../../src/experiment";
import {
  bestOfNDistribution,
  decideOvershoot,
  expectedScore,
  matchedKlGapDifference,
  overshoot,
  overshootSeed,
  rmRaterDisagreement,
  utilityTables,
} from "../../src/claims/reward-model-overshoots";

describe("claim 2: reward model overoptimisation", function () {
  this.timeout(180000);
  const world = createWorld({});
  before(setupBackend);

  it("best-of-n on the rater's own believed utility raises believed utility, and disagreement with the rater is 0", () => {
    const base = trainBaseModel(world, { trainDocs: 300, heldOutDocs: 50 }, Rng.fromSeed(2));
    try {
      const dist = exactDistribution(world, base.table, base.table);
      const { believed, truth } = utilityTables(world, world.config.population);
      expect(rmRaterDisagreement(dist, believed, believed)).to.equal(0);
      const negated = believed.map((r) => r.map((x) => -x));
      expect(rmRaterDisagreement(dist, negated, believed)).to.equal(1);
      const b1 = bestOfNDistribution(dist, believed, 1), b64 = bestOfNDistribution(dist, believed, 64);
      expect(b1.kl).to.be.closeTo(0, 1e-12);
      expect(expectedScore(b1, believed)).to.be.closeTo(expectedScore(dist, believed), 1e-12);
      expect(expectedScore(b64, believed)).to.be.greaterThan(expectedScore(dist, believed) + 0.1);
      expect(b64.kl).to.be.lessThan(Math.log(64)); // meaning-level KL under the analytic bound
      // Selecting on the truth itself never lowers true utility.
      expect(expectedScore(bestOfNDistribution(dist, truth, 64), truth)).to.be.greaterThan(expectedScore(dist, truth));
    } finally {
      base.dispose();
    }
  });

  it("runs one tiny seed end to end with nested RM data sets and both optimisers", () => {
    const r = overshootSeed(world, { rmPairs: [100, 200], indirectionPairs: 200, heldOutPairs: 100, trainDocs: 300, heldOutDocs: 50, ns: [1, 8, 64], rm: { epochs: 3 }, ppoBetas: [0.3], ppo: { iterations: 2, batchSize: 32, minibatches: 2 }, dpoBetas: [0.5], dpo: { epochs: 1, batchSize: 32 } }, Rng.fromSeed(3));
    expect(r.rm.map((x) => x["rmPairs"])).to.deep.equal([100, 200]);
    expect(r.bon.length).to.equal(6);
    const c = r.bon.filter((x) => x["rmPairs"] === 200).sort((a, b) => (a["n"] as number) - (b["n"] as number));
    expect(c[0]!["kl"]).to.be.closeTo(0, 1e-12);
    expect(c[2]!["proxy"] as number).to.be.greaterThan(c[1]!["proxy"] as number); // proxy rises with n
    expect(r.rl.map((x) => x["method"])).to.deep.equal(["PPO on RM", "DPO on rater labels", "PPO on RM", "DPO on rater labels"]);
    for (const x of r.rl) expect(x["kl"] as number).to.be.at.least(0);
  });

  it("measures overshoot and matched-KL differences, and decides both ways", () => {
    const curve = (peak: boolean) => [1, 4, 16].map((n, i) => ({ n, d: i, trueUtility: peak ? [0.5, 0.7, 0.4][i]! : [0.5, 0.6, 0.7][i]! }));
    expect(overshoot(curve(true)).drop).to.be.closeTo(0.3, 1e-12);
    expect(overshoot(curve(true)).peakN).to.equal(4);
    expect(overshoot(curve(false)).drop).to.equal(0);
    const rl = (gapPpo: number) => [
      { method: "PPO on RM", kl: 0, inflationGap: 0 },
      { method: "PPO on RM", kl: 2, inflationGap: gapPpo },
      { method: "DPO on rater labels", kl: 0, inflationGap: 0 },
      { method: "DPO on rater labels", kl: 1, inflationGap: 0.1 },
    ];
    const m = matchedKlGapDifference(rl(0.4))!;
    expect(m.kl).to.equal(1);
    expect(m.diff).to.be.closeTo(0.1, 1e-12);
    const seeds = [1, 2, 3].map((s) => ({ seed: s, result: { bon: curve(true).map((r) => ({ ...r, rmPairs: 10, trueUtility: r.trueUtility + 0.01 * s })), rl: rl(0.4 + 0.01 * s), rm: [] } }));
    const d = decideOvershoot(seeds, 10);
    expect(d.parts.map((p) => p.status)).to.deep.equal(["supported", "supported"]);
    const flat = [1, 2, 3].map((s) => ({ seed: s, result: { bon: curve(false).map((r) => ({ ...r, rmPairs: 10 })), rl: rl(0.0 + 0.01 * s), rm: [] } }));
    expect(decideOvershoot(flat, 10).parts.map((p) => p.status)).to.deep.equal(["not supported", "not supported"]);
  });
});
