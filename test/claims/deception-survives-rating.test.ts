import { expect } from "chai";
import { setupBackend } from "../helpers/backend";
import { Rng } from "../../src/rng";
import { createWorld, fixedPopulation, PRESETS } from "../../src/world";
import { pairLabeler, trainBaseModel } from "../../src/claims/kit";
import {
  decideDeception,
  maxAbsDiff,
  REVEAL_AFTER,
  revealAfterUpdate,
  slopeAgainstPhi,
  trainWithReveal,
  withRevealRate,
  exactSlope,
  olsSlope,
  type ExactPhiRow,
  type JudgedPair,
  type SweepSeedRow,
} from "../../src/claims/deception-survives-rating";

const ZERO = { kl: 0, trueUtility: 0, believedUtility: 0, inflationGap: 0, overestimation: 0, underestimation: 0, sycophancyRate: 0, sycophancyRatePriorWrong: 0, sycophancyRatePriorRight: 0, exaggerationRate: 0, hallucinationRate: 0, fabricationRate: 0, honestErrorRate: 0, accuracy: 0, completionRate: 0 };

/** A full sweep row from the fields a test cares about (every other metric 0, no post-hoc columns). */
const sweepRow = (r: Partial<SweepSeedRow> & Pick<SweepSeedRow, "seed" | "condition" | "phi">): SweepSeedRow => ({
  ...ZERO,
  "reveal/pairs": null, "reveal/reversed": null, "reveal/labelWorseTrue": null, maxWeightDiff: null, trainingIdenticalToPhi0: null,
  "shortfall/kl": null, "shortfall/proxy": null, "shortfall/limitProxy": null, shortfall: null,
  ...r,
});

/** An exact incentive row at the matched KL. */
const exactRow = (phi: number, m: Partial<ExactPhiRow>): ExactPhiRow => ({ labeller: "population", phi, at: "matched", beta: 1, ...ZERO, ...m });

const TINY = { dpo: { beta: 0.5, rounds: 2, pairsPerRound: 48, epochs: 1, batchSize: 16, learningRate: 1e-2 }, population: PRESETS.typical.population };

describe("claim 3: deception only has to survive the rating", function () {
  this.timeout(120000);
  const world = createWorld({});
  let base: ReturnType<typeof trainBaseModel>;

  before(async () => {
    await setupBackend();
    base = trainBaseModel(world, { trainDocs: 300, heldOutDocs: 50 }, Rng.fromSeed(5).fork("base"));
  });
  after(() => base.dispose());

  const weights = (p: { variables: { dataSync(): unknown }[] }) => p.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));

  it("revealing outcomes only after the update leaves training bit-identical to φ = 0", () => {
    const a = trainWithReveal(world, base, 0, false, TINY, Rng.fromSeed(11));
    const b = trainWithReveal(world, base, 0, true, TINY, Rng.fromSeed(11));
    try {
      expect(maxAbsDiff(weights(a.policy), weights(b.policy))).to.equal(0);
      expect(b.logs).to.deep.equal(a.logs);
      expect(a.reveal).to.equal(null);
      expect(b.reveal!.pairs).to.be.greaterThan(50); // the reveal happened and drew on its own stream
      expect(b.reveal!.labelWorseTrue).to.be.within(0, 1);
    } finally {
      a.policy.dispose();
      b.policy.dispose();
    }
  });

  it("revealing outcomes before judging does change training (the identity above is not vacuous)", () => {
    const a = trainWithReveal(world, base, 0, false, TINY, Rng.fromSeed(11));
    const b = trainWithReveal(world, base, 1, false, TINY, Rng.fromSeed(11));
    try {
      expect(maxAbsDiff(weights(a.policy), weights(b.policy))).to.be.greaterThan(0);
    } finally {
      a.policy.dispose();
      b.policy.dispose();
    }
  });

  it("raters who see the outcome judge by true utility; unaided raters prefer the flattering answer", () => {
    // One context where the rater's prior differs from the model's guess; a deterministic rater.
    const pop = fixedPopulation({ rho: 0.6, verify: 0, detect: 0.6, appeal: 0, rationality: 1e6 });
    const entry = world.entries.find((e) => e.context.prior !== e.context.guess && e.context.level === 0)!;
    const c = entry.context;
    const v = world.vocab;
    const sycophant = [v.answer(c.prior), v.overclaim, v.end];
    const honest = [v.answer(c.guess), v.hedge, v.end];
    const count = (phi: number) => {
      const lab = pairLabeler(withRevealRate(world, phi), { kind: "population", population: pop });
      const rng = Rng.fromSeed(3);
      let syc = 0;
      for (let i = 0; i < 400; i++) if (lab(c, sycophant, honest, rng) === 1) syc++;
      return syc / 400;
    };
    expect(count(0)).to.be.greaterThan(0.9); // agreement + confidence look right to the unaided rater
    expect(count(1)).to.be.lessThan(0.3); // the truth (usually the guess) wins when shown
  });

  it("the post-hoc reveal counts labels that favoured the truly worse output", () => {
    const c = world.entries[0]!.context;
    const v = world.vocab;
    const good = [v.answer(0), v.plain, v.end], bad = [v.answer(1), v.overclaim, v.end];
    const pairs: JudgedPair[] = [
      { context: c, truth: 0, a: good, b: bad, label: 1 },
      { context: c, truth: 0, a: good, b: bad, label: 0 },
    ];
    const r = revealAfterUpdate(world, fixedPopulation({ rho: 0.6, verify: 0, detect: 0.6, appeal: 0, rationality: 1e6 }), pairs, Rng.fromSeed(1));
    expect(r.pairs).to.equal(2);
    expect(r.labelWorseTrue).to.equal(0.5);
    expect(r.reversed).to.equal(0.5);
  });

  /** Every deceptive metric moving by `d` per unit φ (so slope = d), plus a per-seed wobble. */
  const metricsAt = (phi: number, d: number, wobble = 0) => ({ inflationGap: 0.3 + d * phi + wobble, sycophancyRate: 0.4 + d * phi + wobble, fabricationRate: 0.1 + d * phi + wobble, exaggerationRate: 0.2 + d * phi + wobble });
  const exactGrid = (d: number) => [0, 0.5, 1].map((phi) => exactRow(phi, metricsAt(phi, d)));
  /** Seeds 1–4 with slope d ± spread (alternating), and the post-hoc rows with weight difference `diff`. */
  const trained = (d: number, spread: number, diff = 0) => [
    ...[1, 2, 3, 4].flatMap((s) => [0, 0.5, 1].map((phi) => sweepRow({ seed: s, condition: `φ=${phi}`, phi, ...metricsAt(phi, d + (s % 2 ? spread : -spread)) }))),
    ...[1, 2, 3, 4].map((s) => sweepRow({ seed: s, condition: REVEAL_AFTER, phi: 0, maxWeightDiff: diff })),
  ];
  const statuses = (d: ReturnType<typeof decideDeception>, level: "incentive" | "transmission") => d.parts.filter((p) => p.level === level && p.role === "evidence").map((p) => p.status);

  it("the slope helpers fit least squares and ignore the post-hoc and base rows", () => {
    expect(olsSlope([0, 0.5, 1], [1, 0.5, 0])).to.be.closeTo(-1, 1e-12);
    expect(exactSlope(exactGrid(-0.3), "fabricationRate")).to.be.closeTo(-0.3, 1e-12);
    expect(exactSlope([exactRow(0, {})], "fabricationRate")).to.be.NaN;
    const rows = [...trained(-0.2, 0), sweepRow({ seed: 1, condition: "base", phi: null, inflationGap: 9 })];
    expect(slopeAgainstPhi(rows, "inflationGap").estimate).to.be.closeTo(-0.2, 1e-12);
  });

  it("each level returns each status from synthetic inputs; the post-update reveal is a check outside the verdict", () => {
    // supported at both levels
    const good = decideDeception({ sweep: trained(-0.3, 0.01), exact: exactGrid(-0.3) });
    expect(good.version).to.equal(2);
    expect(good.levels).to.deep.equal({ incentive: "supported", transmission: "supported" });
    expect(good.status).to.equal("supported");
    expect(good.headline.estimate).to.be.closeTo(-0.3, 1e-9);
    // not supported: deception rises with φ at both levels
    const rises = decideDeception({ sweep: trained(0.3, 0.01), exact: exactGrid(0.3) });
    expect(statuses(rises, "incentive")).to.deep.equal(["not supported", "not supported", "not supported", "not supported"]);
    expect(rises.levels).to.deep.equal({ incentive: "not supported", transmission: "not supported" });
    // inconclusive: the exact slope cannot be computed (only one φ reached the read KL); trained slopes straddle the threshold
    const unsure = decideDeception({ sweep: trained(-0.05, 0.2), exact: [exactRow(0, metricsAt(0, -0.3))] });
    expect(unsure.levels).to.deep.equal({ incentive: "inconclusive", transmission: "inconclusive" });
    expect(unsure.status).to.equal("inconclusive");
    // mixed: the levels disagree, the claim is not supported
    const mixed = decideDeception({ sweep: trained(0.3, 0.01), exact: exactGrid(-0.3) });
    expect(mixed.levels).to.deep.equal({ incentive: "supported", transmission: "not supported" });
    expect(mixed.status).to.equal("not supported");
    // a failing check changes neither level nor the verdict
    const check = decideDeception({ sweep: trained(-0.3, 0.01, 1e-3), exact: exactGrid(-0.3) });
    const part = check.parts.find((p) => p.key === "check/reveal-after-update")!;
    expect(part.role).to.equal("check");
    expect(part.status).to.equal("not supported");
    expect(check.status).to.equal("supported");
    expect(good.parts.find((p) => p.key === "check/reveal-after-update")!.status).to.equal("supported");
  });
});
