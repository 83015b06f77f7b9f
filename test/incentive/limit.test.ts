import { expect } from "chai";
import { Rng } from "../../src/rng";
import { setupBackend } from "../helpers/backend";
import { TabularPolicy } from "../../src/policy/tabular";
import { trainTabularDpo, type TabularPreference } from "../../src/train/tabular-dpo";
import { cachedTable, corpusTable, createWorld, exactDistribution, exactProbability, softOptimalPolicy, sigmoid } from "../../src/world";
import { fitBradleyTerry, labelLimit, labelProbabilities, meaningKl, proxyShortfall, tiltAtBeta, tiltAtKl } from "../../src/incentive";

function randomInstance(rng: Rng, M: number) {
  const mass = Float64Array.from({ length: M }, () => Math.exp(rng.normal(0, 2)));
  const total = mass.reduce((a, b) => a + b, 0);
  for (let i = 0; i < M; i++) mass[i] = mass[i]! / total;
  const planted = Float64Array.from({ length: M }, () => rng.normal(0, 1.5));
  const keep = new Float64Array(M * M).fill(1);
  const win = new Float64Array(M * M);
  for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) win[i * M + j] = sigmoid(planted[i]! - planted[j]!);
  return { mass, planted, keep, win };
}

describe("incentive: Bradley–Terry fit, exact tilt at a KL, label limit", () => {
  before(setupBackend);
  it("recovers planted Bradley–Terry scores (up to a shift), including items of tiny mass", () => {
    const rng = Rng.fromSeed(5);
    for (const M of [2, 5, 30]) {
      const { mass, planted, keep, win } = randomInstance(rng, M);
      mass[0] = 1e-12; // a rare output
      const fit = fitBradleyTerry(mass, win, keep);
      expect(fit.residual).to.be.below(1e-9);
      for (let i = 1; i < M; i++) expect(fit.scores[i]! - fit.scores[0]!).to.be.closeTo(planted[i]! - planted[0]!, 1e-6);
    }
  });

  it("on non-Bradley–Terry labels, the fit is a stationary point of the brute-force likelihood", () => {
    const rng = Rng.fromSeed(9);
    const M = 6;
    const mass = Float64Array.from({ length: M }, () => 0.05 + rng.next());
    const s = mass.reduce((a, b) => a + b, 0);
    for (let i = 0; i < M; i++) mass[i] = mass[i]! / s;
    const keep = new Float64Array(M * M);
    const win = new Float64Array(M * M);
    for (let i = 0; i < M; i++)
      for (let j = i; j < M; j++) {
        const k = 0.5 + 0.5 * rng.next();
        const p = i === j ? 0.5 : 0.05 + 0.9 * rng.next();
        keep[i * M + j] = keep[j * M + i] = k;
        win[i * M + j] = k * p;
        win[j * M + i] = k * (1 - p);
      }
    const fit = fitBradleyTerry(mass, win, keep);
    const L = (r: Float64Array) => {
      let x = 0;
      for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) if (i !== j) x += mass[i]! * mass[j]! * win[i * M + j]! * Math.log(sigmoid(r[i]! - r[j]!));
      return x;
    };
    const L0 = L(fit.scores);
    for (let i = 0; i < M; i++) {
      const h = 1e-5;
      const up = Float64Array.from(fit.scores);
      up[i] = up[i]! + h;
      const dn = Float64Array.from(fit.scores);
      dn[i] = dn[i]! - h;
      expect((L(up) - L(dn)) / (2 * h)).to.be.closeTo(0, 1e-9);
      expect(L(up)).to.be.at.most(L0 + 1e-15);
    }
  });

  it("refuses labels a deterministic labeller gives (no finite maximum)", () => {
    const mass = Float64Array.of(0.5, 0.5);
    const keep = new Float64Array(4).fill(1);
    const win = Float64Array.of(0.5, 1, 0, 0.5);
    expect(() => fitBradleyTerry(mass, win, keep)).to.throw(/noisy labeller/);
  });

  it("tiltAtKl lands on the requested KL, and KL falls as β grows", () => {
    const world = createWorld({ comparison: { oracleRationality: 15 } });
    const ref = cachedTable(world, corpusTable(world));
    const reward = (e: { context: { guess: number } }, s: { answer: number }) => (s.answer === e.context.guess ? 1 : 0);
    // Pulling every answer to the model's guess can move the corpus at most ≈ 0.0955 nats.
    const targets = [0.01, 0.04, 0.09];
    const kls = targets.map((k) => tiltAtKl(world, ref, reward, k)!);
    kls.forEach((t, i) => expect(t.kl).to.be.closeTo(targets[i]!, 1e-6 * targets[i]!));
    expect(kls[0]!.beta).to.be.above(kls[1]!.beta);
    expect(kls[1]!.beta).to.be.above(kls[2]!.beta);
    // A reward that cannot move the policy that far gives null.
    expect(tiltAtKl(world, ref, reward, 0.1)).to.equal(null);
    expect(tiltAtKl(world, ref, () => 0, 0.1)).to.equal(null);
  });

  it("the label limit is what DPO's population loss converges to (tabular DPO on exact pair weights)", () => {
    const world = createWorld({ comparison: { oracleRationality: 15 } });
    const ref = cachedTable(world, corpusTable(world));
    const entries = [world.entries[3]!];
    const dist = exactDistribution(world, ref, undefined, { entries });
    const labels = labelProbabilities(world, { kind: "population", population: world.config.population }, dist, { nodes: 6 });
    const beta = 1;
    const M = Math.max(...labels.map((c) => c.items.length));
    // One tabular row per context over its items (padding actions get reference mass 0).
    const refRows = labels.map((c) => Array.from({ length: M }, (_, i) => (i < c.items.length ? c.mass[i]! : 0)));
    const data: TabularPreference[] = [];
    labels.forEach((c, k) => {
      const n = c.items.length;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && c.win[i * n + j]! > 0) data.push({ context: k, chosen: i, rejected: j, weight: c.mass[i]! * c.mass[j]! * c.win[i * n + j]! });
    });
    const targets = labels.map((c, k) => {
      const fit = fitBradleyTerry(c.mass, c.win, c.keep);
      const w = refRows[k]!.map((p, i) => (p > 0 ? p * Math.exp(fit.scores[i]! / beta) : 0));
      const z = w.reduce((a, b) => a + b, 0);
      return w.map((x) => x / z);
    });
    const policy = TabularPolicy.fromProbs(refRows);
    const reference = TabularPolicy.fromProbs(refRows, false);
    try {
      const log = trainTabularDpo(policy, reference, data, { beta, steps: 500, optimizer: "adam", learningRate: 0.05, logEvery: 500 }, Rng.fromSeed(1), targets);
      expect(log[log.length - 1]!["policy/tv_to_target"]).to.be.below(1e-5);
    } finally {
      policy.logits.dispose();
      reference.logits.dispose();
    }
  });

  it("a label limit's optimum equals the soft-optimal policy of its scores, and its proxy shortfall is 0 against itself", () => {
    const world = createWorld({ comparison: { oracleRationality: 15 } });
    const ref = cachedTable(world, corpusTable(world));
    const lim = labelLimit(world, { kind: "oracle" }, ref, { nodes: 4 });
    expect(lim.residual).to.be.below(1e-6);
    const t = tiltAtBeta(world, ref, lim.reward, 0.7);
    const direct = exactDistribution(world, softOptimalPolicy(world, ref, lim.reward, 0.7).table, ref);
    expect(t.kl).to.be.closeTo(direct.kl, 1e-12);
    const correct = (d: typeof direct) => exactProbability(d, (m, e) => m.answer === e.context.guess);
    expect(correct(t.dist)).to.be.closeTo(correct(direct), 1e-12);
    const s = proxyShortfall(world, lim, ref, t.table);
    expect(s.kl).to.be.closeTo(t.kl, 1e-9);
    expect(Math.abs(s.shortfall)).to.be.below(1e-6);
    // The base policy has KL 0 and no shortfall; any other policy at the same KL falls short.
    const worse = tiltAtBeta(world, ref, (e, st) => -lim.reward(e, st), 2);
    const sw = proxyShortfall(world, lim, ref, worse.table);
    expect(sw.shortfall).to.be.above(0);
  });

  it("meaning-level KL: all of a meaning-reward tilt's KL, and at most a phrasing-changing policy's", () => {
    const world = createWorld();
    const ref = cachedTable(world, corpusTable(world));
    const refDist = exactDistribution(world, ref, undefined, { check: false });
    const t = tiltAtBeta(world, ref, (e, s) => (s.answer === e.context.prior ? 1 : 0), 0.5);
    expect(meaningKl(t.dist, refDist)).to.be.closeTo(t.kl, 1e-10);
    // Doubling the filler token's odds changes phrasing, not meaning: meaning KL stays below the sequence KL.
    const filler = world.vocab.encode(["filler"])[0]!;
    const phrased = (c: Parameters<typeof ref>[0], pos: number, st: Parameters<typeof ref>[2]) => {
      const row = Float64Array.from(ref(c, pos, st) as ArrayLike<number>);
      row[filler] = row[filler]! * 2;
      const z = row.reduce((a, b) => a + b, 0);
      return row.map((x) => x / z);
    };
    const d = exactDistribution(world, phrased, ref);
    expect(d.kl).to.be.above(0);
    expect(meaningKl(d, refDist)).to.be.below(d.kl);
  });

  it("DPO on sampled labelled pairs approaches the label limit as pairs grow (tabular, one context)", () => {
    const world = createWorld({ comparison: { oracleRationality: 15 } });
    const ref = cachedTable(world, corpusTable(world));
    const dist = exactDistribution(world, ref, undefined, { entries: [world.entries[3]!] });
    const c = labelProbabilities(world, { kind: "population", population: world.config.population }, dist, { nodes: 6 })[0]!;
    const n = c.items.length;
    const beta = 1;
    const fit = fitBradleyTerry(c.mass, c.win, c.keep);
    const w = Array.from(c.mass, (p, i) => p * Math.exp(fit.scores[i]! / beta));
    const z = w.reduce((a, b) => a + b, 0);
    const target = [w.map((x) => x / z)];
    const tvAfter = (pairs: number, seed: number) => {
      const rng = Rng.fromSeed(seed);
      // Sampled pairs from the reference, labelled with the exact probabilities; counted into weights.
      const counts = new Map<number, number>();
      for (let k = 0; k < pairs; k++) {
        const i = rng.categorical(c.mass), j = rng.categorical(c.mass);
        const pWin = c.win[i * n + j]! / c.keep[i * n + j]!;
        const [ch, rj] = rng.bernoulli(pWin) ? [i, j] : [j, i];
        counts.set(ch * n + rj, (counts.get(ch * n + rj) ?? 0) + 1);
      }
      const data: TabularPreference[] = [...counts].map(([key, cnt]) => ({ context: 0, chosen: Math.floor(key / n), rejected: key % n, weight: cnt }));
      const policy = TabularPolicy.fromProbs([Array.from(c.mass)]);
      const reference = TabularPolicy.fromProbs([Array.from(c.mass)], false);
      try {
        // Early-stopped like the claims' runs (finite-data DPO overfits if run to convergence).
        const log = trainTabularDpo(policy, reference, data, { beta, steps: 300, optimizer: "adam", learningRate: 0.05, logEvery: 300 }, rng.fork("dpo"), target);
        return log[log.length - 1]!["policy/tv_to_target"]!;
      } finally {
        policy.logits.dispose();
        reference.logits.dispose();
      }
    };
    const mean = (pairs: number) => [1, 2, 3].map((s) => tvAfter(pairs, s)).reduce((a, b) => a + b, 0) / 3;
    const few = mean(200), many = mean(20000);
    expect(many).to.be.below(few / 2);
  });
});
