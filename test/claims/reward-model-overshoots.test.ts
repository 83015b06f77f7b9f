import { expect } from "chai";
import { setupBackend } from "../helpers/backend";
import { Rng } from "../../src/rng";
import { createWorld, exactDistribution } from "../../src/world";
import { contextSampler, trainBaseModel } from "../../src/claims/kit";
import { trainPpo } from "../../src/train/ppo";
import { gaoCurve } from "../../src/stats/gao-fit";
import {
  bestOfNDistribution,
  decideOvershoot,
  expectedScore,
  gaoFitRows,
  matchedKlBudget,
  matchedKlGapDifference,
  methodCurve,
  overshoot,
  ppoRiseFall,
  trajectoryBeta,
  overshootSeed,
  rmRaterDisagreement,
  utilityTables,
  type EvalRow,
  type RlRow,
} from "../../src/claims/reward-model-overshoots";

/** A full evaluated row from the fields a test cares about (every other metric 0). */
const ev = <R extends Partial<EvalRow>>(r: R): EvalRow & R => ({
  kl: 0, d: 0, proxy: 0, trueUtility: 0, believedUtility: 0, inflationGap: 0, overestimation: 0, underestimation: 0, sycophancyRate: 0, exaggerationRate: 0, hallucinationRate: 0, accuracy: 0, rmRaterDisagreement: 0, trueGain: 0,
  ...r,
});
const rlRow = (r: Partial<RlRow> & Pick<RlRow, "method" | "beta" | "iteration" | "final">): RlRow => ev(r);

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

  it("trainPpo calls onIteration once per iteration with that iteration's log row", () => {
    const base = trainBaseModel(world, { trainDocs: 200, heldOutDocs: 50 }, Rng.fromSeed(4));
    const policy = base.policy.trainableCopy();
    try {
      const seen: { it: number; kl: number }[] = [];
      const logs = trainPpo(policy, base.reference, contextSampler(world), (cs) => cs.map(() => 1), { iterations: 3, batchSize: 16, minibatches: 2 }, Rng.fromSeed(5), (it, row) => seen.push({ it, kl: row["objective/kl"]! }));
      expect(seen.map((x) => x.it)).to.deep.equal([1, 2, 3]);
      expect(seen.map((x) => x.kl)).to.deep.equal(logs.map((l) => l["objective/kl"]));
    } finally {
      policy.dispose();
      base.dispose();
    }
  });

  it("runs one tiny seed end to end with nested RM data sets, PPO checkpoints and DPO", () => {
    const r = overshootSeed(world, { rmPairs: [100, 200], indirectionPairs: 200, heldOutPairs: 100, trainDocs: 300, heldOutDocs: 50, ns: [1, 8, 64], rm: { epochs: 3 }, ppoRuns: [{ beta: 0.1, checkpoints: [1] }, { beta: 3, checkpoints: [] }], ppo: { iterations: 2, batchSize: 32, minibatches: 2 }, dpoBetas: [0.5], dpo: { epochs: 1, batchSize: 32 } }, Rng.fromSeed(3));
    expect(r.rm.map((x) => x["rmPairs"])).to.deep.equal([100, 200]);
    expect(r.bon.length).to.equal(6);
    const c = r.bon.filter((x) => x["rmPairs"] === 200).sort((a, b) => (a["n"] as number) - (b["n"] as number));
    expect(c[0]!["kl"]).to.be.closeTo(0, 1e-12);
    expect(c[2]!["proxy"] as number).to.be.greaterThan(c[1]!["proxy"] as number); // proxy rises with n
    expect(r.rl.map((x) => `${x["method"]}/${x["beta"]}/${x["iteration"]}`)).to.deep.equal([
      "PPO on RM/null/0", "DPO on rater labels/null/0", "PPO on RM/0.1/1", "PPO on RM/0.1/2", "PPO on RM/3/2", "DPO on rater labels/0.5/null",
    ]);
    for (const x of r.rl) expect(x["kl"] as number).to.be.at.least(0);
    expect(trajectoryBeta(r.rl)).to.equal(0.1);
    expect(methodCurve(r.rl, "PPO on RM", "ends").map((x) => x["beta"])).to.deep.equal([null, 0.1, 3]);
    expect(methodCurve(r.rl, "PPO on RM", "trajectory").map((x) => x["iteration"])).to.deep.equal([0, 1, 2]);
  });

  it("fixes the matched-KL budget at the midpoint of the shared trained range", () => {
    expect(matchedKlBudget([0, 0.1, 2], [0, 0.5, 1])).to.be.closeTo(0.75, 1e-12);
    expect(matchedKlBudget([0, 0.1, 0.2], [0, 0.5, 1])).to.equal(null); // no overlap
    expect(matchedKlBudget([0], [0, 1])).to.equal(null);
  });

  it("fits the RL Gao form to the PPO trajectory run only, with the best-of-n form's R² beside it", () => {
    const ds = [0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.6];
    const traj = ds.map((d, i) => rlRow({ method: "PPO on RM", beta: 0.03, iteration: i + 1, final: i === ds.length - 1, kl: d * d, d, trueUtility: 0.5 + gaoCurve("rl", 0.1, 0.3, d), trueGain: gaoCurve("rl", 0.1, 0.3, d) }));
    const base = rlRow({ method: "PPO on RM", beta: null, iteration: 0, final: true, kl: 0, d: 0, trueUtility: 0.5, trueGain: 0 });
    const strong = rlRow({ method: "PPO on RM", beta: 1, iteration: 7, final: true, kl: 0.04, d: 0.2, trueUtility: 0.1, trueGain: -0.4 }); // not part of the trajectory
    const rows = gaoFitRows([{ seed: 1, result: { bon: [], rl: [base, ...traj, strong], rm: [] } }]);
    expect(rows).to.have.length(1);
    const r = rows[0]!;
    expect(r["alpha"] as number).to.be.closeTo(0.1, 1e-9);
    expect(r["beta"] as number).to.be.closeTo(0.3, 1e-9);
    expect(r["r2"] as number).to.be.closeTo(1, 1e-9);
    expect(r["r2OtherForm"] as number).to.be.lessThan(0.999);
    const peak = traj.reduce((a, b) => (b.trueUtility > a.trueUtility ? b : a));
    expect(r["observedPeakD"] as number).to.be.closeTo(peak.d, 1e-12);
    expect(r["overshoot"] as number).to.be.closeTo(peak.trueUtility - traj[traj.length - 1]!.trueUtility, 1e-12);
  });

  it("measures overshoot and matched-KL differences, and decides both ways", () => {
    const curve = (peak: boolean) => [1, 4, 16].map((n, i) => ev({ rmPairs: 0, klBound: 0, dBound: 0, n, d: i, trueUtility: peak ? [0.5, 0.7, 0.4][i]! : [0.5, 0.6, 0.7][i]! }));
    expect(overshoot(curve(true)).drop).to.be.closeTo(0.3, 1e-12);
    expect(overshoot(curve(true)).peakN).to.equal(4);
    expect(overshoot(curve(false)).drop).to.equal(0);
    const rl = (gapPpo: number): RlRow[] => [
      rlRow({ method: "PPO on RM", beta: null, iteration: 0, final: true, kl: 0, inflationGap: 0, trueUtility: 0.5 }),
      rlRow({ method: "PPO on RM", beta: 0.03, iteration: 1, final: false, kl: 0.5, inflationGap: 0, trueUtility: 0.6 }),
      rlRow({ method: "PPO on RM", beta: 0.03, iteration: 2, final: true, kl: 2, inflationGap: gapPpo, trueUtility: 0.3 }),
      rlRow({ method: "PPO on RM", beta: 1, iteration: 2, final: true, kl: 0.2, inflationGap: gapPpo / 2, trueUtility: 0.45 }),
      rlRow({ method: "DPO on rater labels", beta: null, iteration: 0, final: true, kl: 0, inflationGap: 0, trueUtility: 0.5 }),
      rlRow({ method: "DPO on rater labels", beta: 0.1, iteration: null, final: true, kl: 1, inflationGap: 0.1, trueUtility: 0.5 }),
      rlRow({ method: "DPO on rater labels", beta: 1, iteration: null, final: true, kl: 0.2, inflationGap: 0.02, trueUtility: 0.5 }),
    ];
    // Ends: PPO points at KL 0.2 and 2; DPO at 0.2 and 1 → budget (0.2 + 1)/2 = 0.6.
    const m = matchedKlGapDifference(rl(0.4))!;
    expect(m.kl).to.be.closeTo(0.6, 1e-12);
    expect(m.ppo).to.be.closeTo(0.2 + (0.4 - 0.2) * (0.4 / 1.8), 1e-12);
    expect(m.dpo).to.be.closeTo(0.02 + 0.08 * 0.5, 1e-12);
    expect(m.diff).to.be.closeTo(m.ppo - m.dpo, 1e-12);
    // Trajectory (β = 0.03, two checkpoints): PPO at 0.5 and 2 → budget (0.5 + 1)/2 = 0.75, where PPO's gap is 0.4·(0.25/1.5).
    const t = matchedKlGapDifference(rl(0.4), "inflationGap", "trajectory")!;
    expect(t.kl).to.be.closeTo(0.75, 1e-12);
    expect(t.ppo).to.be.closeTo(0.4 * (0.25 / 1.5), 1e-12);
    const rf = ppoRiseFall(rl(0.4))!;
    expect(rf.rise).to.be.closeTo(0.1, 1e-12);
    expect(rf.fall).to.be.closeTo(0.3, 1e-12);
    expect(rf.peakKl).to.equal(0.5);
    const seeds = [1, 2, 3].map((s) => ({ seed: s, result: { bon: curve(true).map((r) => ({ ...r, rmPairs: 10, trueUtility: r.trueUtility + 0.01 * s })), rl: rl(0.4 + 0.01 * s), rm: [] } }));
    const d = decideOvershoot(seeds, 10);
    expect(d.parts.map((p) => p.status)).to.deep.equal(["supported", "supported"]);
    const flat = [1, 2, 3].map((s) => ({ seed: s, result: { bon: curve(false).map((r) => ({ ...r, rmPairs: 10 })), rl: rl(-0.1 + 0.01 * s), rm: [] } }));
    expect(decideOvershoot(flat, 10).parts.map((p) => p.status)).to.deep.equal(["not supported", "not supported"]);
    // No overlap of the two KL ranges in any seed: the indirection part is inconclusive, not an error.
    const apart = [1, 2, 3].map((s) => ({ seed: s, result: { bon: curve(true).map((r) => ({ ...r, rmPairs: 10, trueUtility: r.trueUtility + 0.01 * s })), rl: rl(0.4).map((r) => (r.method === "DPO on rater labels" && r.kl > 0 ? { ...r, kl: r.kl * 100 } : r)), rm: [] } }));
    const da = decideOvershoot(apart, 10);
    expect(da.parts.map((p) => p.status)).to.deep.equal(["supported", "inconclusive"]);
    expect(da.parts[1]!.interval.n).to.equal(0);
  });
});
