import { expect } from "chai";
import { Rng } from "../../../src/rng";
import { createWorld, PRESETS } from "../../../src/world";
import { summarise, summariseRows } from "../../../src/claims/kit/seeds";
import { pairLabeler, type JudgedPair } from "../../../src/claims/kit/world-runs";
import { meaningFeatures, rewardFeatures } from "../../../src/claims/kit/world-adapter";

describe("kit: typed summaries, the one labeller, reward-model features", () => {
  it("summariseRows gives summarise's rows, and grouping by the count column n does not type-check", () => {
    const rows = [1, 2, 3].flatMap((seed) => [1, 4].map((n) => ({ seed, n, bestOf: n, score: seed * n })));
    const typed = summariseRows(rows, ["bestOf"], ["score"]);
    expect(typed).to.deep.equal(summarise(rows, ["bestOf"], ["score"]));
    expect(typed.map((r) => [r.bestOf, r.score, r.n])).to.deep.equal([[1, 2, 3], [4, 8, 3]]);
    // @ts-expect-error a group field called `n` would be overwritten by the count
    summariseRows(rows, ["n"], ["score"]);
    // @ts-expect-error metrics must be numeric fields of the rows
    summariseRows([{ a: "x", b: 1 }], ["b"], ["a"]);
  });

  it("pairLabeler records kept pairs without drawing randomness of its own", () => {
    const world = createWorld({});
    const who = { kind: "population", population: PRESETS.typical.population } as const;
    const c = world.entries[3]!.context, v = world.vocab;
    const a = [v.answer(c.guess), v.plain, v.end], b = [v.answer(c.prior), v.overclaim, v.end];
    const run = (record?: JudgedPair[]) => {
      const label = pairLabeler(world, who, record), rng = Rng.fromSeed(9);
      return Array.from({ length: 50 }, () => label(c, a, b, rng));
    };
    const record: JudgedPair[] = [];
    const labels = run(record);
    expect(labels).to.deep.equal(run());
    expect(record.map((p) => p.label)).to.deep.equal(labels.filter((l) => l !== null));
    for (const p of record) expect(p.truth).to.be.within(0, world.config.answers - 1);
  });

  it("reward-model features of tokens are the features of their meaning", () => {
    const world = createWorld({});
    const c = world.contexts[1]!, v = world.vocab;
    const tokens = [v.answer(0), v.hedge, v.end];
    expect(rewardFeatures(world, c, tokens)).to.deep.equal(meaningFeatures(world, c, world.space.parse(tokens).state));
  });
});
