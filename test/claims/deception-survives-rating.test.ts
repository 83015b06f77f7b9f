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
  type JudgedPair,
  type SweepSeedRow,
} from "../../src/claims/deception-survives-rating";

/** A full sweep row from the fields a test cares about (every other metric 0, no post-hoc columns). */
const sweepRow = (r: Partial<SweepSeedRow> & Pick<SweepSeedRow, "seed" | "condition" | "phi">): SweepSeedRow => ({
  kl: 0, trueUtility: 0, believedUtility: 0, inflationGap: 0, overestimation: 0, underestimation: 0, sycophancyRate: 0, sycophancyRatePriorWrong: 0, sycophancyRatePriorRight: 0, exaggerationRate: 0, hallucinationRate: 0, accuracy: 0, completionRate: 0,
  "reveal/pairs": null, "reveal/reversed": null, "reveal/labelWorseTrue": null, maxWeightDiff: null, trainingIdenticalToPhi0: null,
  ...r,
});

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

  it("decides from paired differences and fails when deception does not fall", () => {
    const row = (seed: number, phi: number, gap: number, syc: number) => sweepRow({ seed, condition: `φ=${phi}`, phi, inflationGap: gap, sycophancyRate: syc, exaggerationRate: 0.1 + 0.05 * (1 - phi), hallucinationRate: 0.05 + 0.05 * (1 - phi) });
    const falls = [1, 2, 3].flatMap((s) => [row(s, 0, 0.2 + 0.01 * s, 0.4), row(s, 0.5, 0.0, 0.2), row(s, 1, -0.2, 0.1 + 0.001 * s)]);
    const after = [1, 2, 3].map((s) => sweepRow({ seed: s, condition: REVEAL_AFTER, phi: 0, maxWeightDiff: 0 }));
    const good = decideDeception([...falls, ...after]);
    expect(good.parts.map((p) => p.status)).to.deep.equal(["supported", "supported", "supported", "supported", "supported"]);
    expect(good.status).to.equal("supported");
    expect(good.parts.every((p) => p.role === "evidence")).to.equal(true);
    expect(good.headline.estimate).to.be.closeTo(0.42, 1e-9);
    expect(slopeAgainstPhi(falls, "inflationGap").estimate).to.be.lessThan(-0.3);
    const flat = [1, 2, 3].flatMap((s) => [row(s, 0, 0.1 + 0.01 * s, 0.2), row(s, 1, 0.1 + 0.012 * s, 0.2)]);
    const bad = decideDeception([...flat, ...after.map((r) => ({ ...r, maxWeightDiff: 1e-3 }))]);
    expect(bad.parts[0]!.status).to.equal("not supported");
    expect(bad.parts[4]!.status).to.equal("not supported");
    expect(bad.status).to.equal("not supported");
  });
});
