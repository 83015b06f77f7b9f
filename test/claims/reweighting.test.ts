import { expect } from "chai";
import { ConfigError } from "../../src/errors";
import { Rng } from "../../src/rng";
import { PRESETS } from "../../src/world";
import {
  ALGORITHMS,
  baseWeights,
  buildMixture,
  claim,
  decideIncentive,
  decideTransmission,
  deploymentDefectionOf,
  labelScores,
  mixtureLabels,
  mixtureMass,
  reweightAtBeta,
  reweightAtKl,
  reweightingWorld,
  sampleWeightPairs,
  trainWeightDpo,
  mixtureKl,
  splitEntries,
  labellerOf,
  labelsOf,
  reweightingSetup,
  runWeightsJob,
  weightsJob,
  type Mixture,
} from "../../src/claims/reweighting";

describe("claim 6: reweighting algorithms", function () {
  this.timeout(60_000);
  const world = reweightingWorld();
  let mix: Mixture;
  const P = ALGORITHMS.indexOf("perfect deceiver"), H = ALGORITHMS.indexOf("honest");
  before(() => {
    mix = buildMixture(world);
  });

  it("splits the queries: deployment queries are 20% of all and are never labelled", () => {
    const { training, deployment } = splitEntries(world);
    const w = (es: typeof training) => es.reduce((s, e) => s + e.weight, 0);
    expect(w(deployment)).to.be.closeTo(0.2, 1e-12);
    expect(w(training)).to.be.closeTo(0.8, 1e-12);
    expect(mix.training.length).to.equal(training.length);
  });

  it("each algorithm's exact behaviour: the perfect deceiver is exactly honest on training queries and defects on deployment ones", () => {
    for (const c of mix.training) {
      c.probs[P]!.forEach((p, i) => expect(p).to.equal(c.probs[H]![i]));
      for (const pa of c.probs) expect(pa.reduce((s, x) => s + x, 0)).to.be.closeTo(1, 1e-12);
    }
    const eps3 = Math.pow(world.config.corpus.manoeuvreStepRate, 3);
    expect(mix.trainingDefection[H]).to.be.closeTo(eps3, 1e-12); // honest defects only by the background manoeuvre
    expect(mix.deploymentDefection[H]).to.be.closeTo(eps3, 1e-12);
    expect(mix.trainingDefection[P]).to.be.closeTo(eps3, 1e-12);
    expect(mix.deploymentDefection[P]).to.be.greaterThan(0.85);
    const C = ALGORITHMS.indexOf("control deceiver");
    // On training queries the control deceiver is 90% honest and 10% the defector: the remainder is a distribution.
    for (const c of mix.training) {
      const rest = Array.from(c.probs[C]!, (x, i) => (x - 0.9 * c.probs[H]![i]!) / 0.1);
      rest.forEach((x) => expect(x).to.be.greaterThan(-1e-12));
      expect(rest.reduce((s, x) => s + x, 0)).to.be.closeTo(1, 1e-12);
    }
    expect(mix.trainingDefection[C]).to.be.within(0.9 * eps3 + 0.1 * 0.85, 0.9 * eps3 + 0.1);
    expect(mix.trainingDefection[ALGORITHMS.indexOf("sycophant")]).to.be.greaterThan(0.3);
  });

  it("the exact reweighting matches brute-force enumeration of the tilted mixture", () => {
    const labels = mixtureLabels(world, mix, { kind: "population", population: PRESETS.typical.population });
    const w = baseWeights(0.1);
    const scores = labelScores(mix, labels, w);
    const beta = 0.8;
    const r = reweightAtBeta(mix, scores, w, beta);
    // Brute force: π*(m|c) ∝ π_w(m|c)·exp(s/β); the share of algorithm a among π*'s outputs is
    // Σ_m π*(m|c)·P(a | m, c) with P(a | m, c) = w_a·P_a(m|c)/π_w(m|c); then average over training queries.
    const shares = new Float64Array(ALGORITHMS.length);
    let kl = 0, total = 0;
    mix.training.forEach((c, k) => {
      const p = mixtureMass(c, w);
      const t = Array.from(p, (pi, i) => pi * Math.exp(scores[k]![i]! / beta));
      const Z = t.reduce((s, x) => s + x, 0);
      const star = t.map((x) => x / Z);
      star.forEach((q, i) => {
        if (q > 0) kl += c.entry.weight * q * Math.log(q / p[i]!);
        ALGORITHMS.forEach((_, a) => (shares[a] = shares[a]! + (c.entry.weight * q * w[a]! * c.probs[a]![i]!) / p[i]!));
      });
      total += c.entry.weight;
    });
    ALGORITHMS.forEach((_, a) => expect(r.weights[a]).to.be.closeTo(shares[a]! / total, 1e-12));
    expect(r.kl).to.be.closeTo(kl / total, 1e-12);
    expect(r.weights.reduce((s, x) => s + x, 0)).to.be.closeTo(1, 1e-12);
    // The check: algorithms identical on training queries keep their odds exactly.
    expect(Math.abs(Math.log(r.weights[P]! / r.weights[H]!) - Math.log(w[P]! / w[H]!))).to.be.lessThan(1e-12);
    // Matched KL: the bisection lands on the requested KL.
    const at = reweightAtKl(mix, scores, w, 0.1)!;
    expect(at.kl).to.be.closeTo(0.1, 1e-6);
    expect(at.deploymentDefection).to.be.closeTo(deploymentDefectionOf(mix, at.weights), 1e-15);
  });

  it("DPO on the mixture's weights is deterministic, starts at the base and reaches a stationary point", () => {
    const labels = mixtureLabels(world, mix, { kind: "oracle" });
    const w = baseWeights(0.1);
    const pairs = sampleWeightPairs(mix, labels, w, 300, Rng.fromSeed(3));
    expect(sampleWeightPairs(mix, labels, w, 300, Rng.fromSeed(3))).to.deep.equal(pairs);
    const zero = trainWeightDpo(mix, pairs, w, { beta: 1, steps: 0, lr: 0.02 });
    zero.weights.forEach((x, a) => expect(x).to.be.closeTo(w[a]!, 1e-12));
    expect(zero.loss).to.be.closeTo(Math.log(2), 1e-12); // at the reference every implicit reward is 0
    expect(mixtureKl(mix, zero.weights, w)).to.be.closeTo(0, 1e-12);
    const run = trainWeightDpo(mix, pairs, w, { beta: 1, steps: 3000, lr: 0.02 });
    expect(run.loss).to.be.lessThan(zero.loss);
    expect(run.gradNorm).to.be.lessThan(1e-3);
    expect(() => trainWeightDpo(mix, [], w, { beta: 1, steps: 1, lr: 0.02 })).to.throw(RangeError);
  });

  it("the labels kept per labeller equal labels computed afresh; a weights job draws the same pairs and trains the same weights as the inline run", () => {
    const { world: w6, mix: m6 } = reweightingSetup();
    expect(reweightingSetup().mix).to.equal(m6); // built once
    const { labeller, world: judging } = labellerOf(w6, "hurried");
    const fresh = mixtureLabels(judging, m6, labeller);
    expect(labelsOf("hurried")).to.deep.equal(fresh);
    expect(labelsOf("hurried")).to.equal(labelsOf("hurried"));
    expect(labelsOf("oracle")).to.deep.equal(mixtureLabels(labellerOf(w6, "oracle").world, m6, { kind: "oracle" }));
    const w = baseWeights(0.1);
    const pairs = sampleWeightPairs(m6, fresh, w, 150, Rng.fromSeed(4).fork("claim 6/weights/hurried"));
    const run = trainWeightDpo(m6, pairs, w, { beta: 1, steps: 30, lr: 0.02 });
    const payload = weightsJob("hurried", 4, 0.1, { pairs: 150, beta: 1, steps: 30, lr: 0.02 });
    expect(payload.pairs).to.deep.equal(pairs);
    const job = runWeightsJob(payload);
    expect(job.run).to.deep.equal(run);
    expect(job.kl).to.equal(mixtureKl(m6, run.weights, w));
    expect(job.kl).to.be.greaterThan(0);
  });

  const exactRow = (labeller: "careful" | "typical" | "hurried" | "oracle", v: number) => ({ labeller, perfectWeight: 0.1, sycophant: labeller === "oracle" ? -v : v, deceiver: labeller === "oracle" ? -v : v, control: -v, perfectVsHonest: 0 });
  it("the incentive decision returns each status on synthetic inputs", () => {
    const status = (v: number) => decideIncentive((["careful", "typical", "hurried", "oracle"] as const).map((l) => exactRow(l, v)), 0.1).filter((p) => p.role === "evidence").map((p) => p.status);
    expect(new Set(status(0.5))).to.deep.equal(new Set(["supported"]));
    expect(new Set(status(-0.5))).to.deep.equal(new Set(["not supported"]));
    expect(new Set(decideIncentive([], 0.1).filter((p) => p.role === "evidence").map((p) => p.status))).to.deep.equal(new Set(["inconclusive"]));
    const check = decideIncentive((["careful", "typical", "hurried", "oracle"] as const).map((l) => ({ ...exactRow(l, 0.5), perfectVsHonest: 0.01 })), 0.1).find((p) => p.role === "check")!;
    expect(check.status).to.equal("not supported");
  });

  it("the transmission decision returns each status, predicts the perfect deceiver's direction, and leaves out a vacuous part", () => {
    const rows = (labeller: "typical" | "hurried" | "oracle", centre: number, spread: number, gain: number | null) =>
      [-1, 0, 1].map((k) => ({ labeller, sycophant: (labeller === "oracle" ? -1 : 1) * (centre + k * spread), deceiver: (labeller === "oracle" ? -1 : 1) * (centre + k * spread), control: -(centre + k * spread), perfect: -(centre + k * spread), exactPerfect: -0.1, perfectGain: gain === null ? null : gain + k * spread }));
    const all = (centre: number, spread: number, gain: number | null) => [...rows("typical", centre, spread, gain), ...rows("hurried", centre, spread, gain), ...rows("oracle", centre, spread, gain)];
    const statuses = (parts: ReturnType<typeof decideTransmission>) => new Set(parts.map((p) => p.status));
    expect(statuses(decideTransmission(all(1, 0.01, 1)))).to.deep.equal(new Set(["supported"]));
    expect(statuses(decideTransmission(all(-1, 0.01, -1)))).to.deep.equal(new Set(["not supported"]));
    expect(statuses(decideTransmission(all(0, 1, 0)))).to.deep.equal(new Set(["inconclusive"]));
    const share = decideTransmission(all(1, 0.01, 1)).find((p) => p.key === "transmission/perfect-share/typical")!;
    expect(share.direction).to.equal("below"); // predicted from exactPerfect < 0
    expect(decideTransmission(all(1, 0.01, null)).some((p) => p.key.startsWith("transmission/perfect-gain"))).to.equal(false);
  });

  it("budgets are valid and bad fields are named", () => {
    expect(claim.budget("quick")).to.deep.equal(claim.budgets.quick);
    expect(claim.budgets.full.seeds.length).to.be.at.least(15);
    const named = (o: unknown, field: string) => {
      try {
        claim.budget("full", o);
      } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        expect(String((e as Error).message)).to.contain(field);
        return;
      }
      throw new Error("expected a ConfigError");
    };
    named({ perfectWeight: 1.5 }, "claim 6 budget.perfectWeight");
    named({ dpo: { pairs: 0 } }, "claim 6 budget.dpo.pairs");
    named({ network: { beta: -1 } }, "claim 6 budget.network.beta");
    named({ sweep: 3 }, "claim 6 budget.sweep");
  });
});
