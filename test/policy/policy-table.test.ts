import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../helpers/backend";
import { tableRows } from "../helpers/reachable";
import { toySpace, toyContexts, ToyContext } from "../helpers/toy-space";
import { TokenPolicy } from "../../src/policy/token-policy";
import { Rng } from "../../src/rng";
import { createWorld } from "../../src/world";
import { exactDistribution } from "../../src/world/exact";

/**
 * The policy table as it was computed before the dense version (the reference): one
 * forward pass over every context × reachable (position, state) row, then each row
 * renormalised in float64 into a Map keyed by state key, per context and position.
 */
function referenceTable<C, S>(p: TokenPolicy<C, S>, contexts: readonly C[]): ((c: C, pos: number, s: S) => number[]) & { has(c: C, pos: number, s: S): boolean } {
  const sp = p.space;
  const rows = tableRows(sp, contexts);
  const probs = p.nextTokenProbs(rows);
  const slots = new Map<C, Map<string, number[]>[]>();
  rows.forEach((r, i) => {
    if (!slots.has(r.context)) slots.set(r.context, Array.from({ length: sp.maxLen }, () => new Map()));
    const row = probs[i]!;
    const z = row.reduce((a, b) => a + b, 0);
    slots.get(r.context)![r.position]!.set(sp.key(r.state), Array.from(row, (x) => x / z));
  });
  const table = (c: C, pos: number, s: S) => {
    const hit = slots.get(c)?.[pos]?.get(sp.key(s));
    if (hit) return hit;
    const row = p.nextTokenProbs([{ context: c, position: pos, state: s }])[0]!;
    const z = row.reduce((a, b) => a + b, 0);
    return Array.from(row, (x) => x / z);
  };
  return Object.assign(table, { has: (c: C, pos: number, s: S) => slots.get(c)?.[pos]?.has(sp.key(s)) ?? false });
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).to.equal(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe("token policy table: dense storage gives the same numbers as the reference", () => {
  before(setupBackend);

  it("the world, a random network: every context × reachable row, and the exact distribution and KL", () => {
    const world = createWorld();
    const p = new TokenPolicy(world.space, world.contextSpace, [32, 32], Rng.fromSeed(21).fork("init"));
    const q = new TokenPolicy(world.space, world.contextSpace, [32, 32], Rng.fromSeed(22).fork("init"));
    try {
      const dense = p.policyTable(world.contexts), ref = referenceTable(p, world.contexts);
      let worst = 0, rows = 0, unreachable = 0;
      for (const c of world.contexts) {
        for (let pos = 0; pos < world.space.maxLen; pos++) {
          for (const s of world.space.states) {
            // Every reachable row, and a few others per context (computed on demand by both).
            if (!ref.has(c, pos, s) && (pos !== world.space.maxLen - 1 || unreachable >= 3 * (c.index + 1))) continue;
            if (!ref.has(c, pos, s)) unreachable++;
            worst = Math.max(worst, maxDiff(dense(c, pos, s), ref(c, pos, s)));
            rows++;
          }
        }
      }
      expect(rows).to.be.greaterThan(40000);
      expect(unreachable).to.be.greaterThan(0);
      // Float32 outputs of the same network; the batch differs (the dense table shares rows
      // across contexts with equal features, and never builds the full input grid:
      // Mlp.applyPairs), so allow float32 rounding, not more (measured on wasm:
      // bit-identical, 0; test/world/exact-dense.test.ts asserts that).
      expect(worst).to.be.below(1e-6);
      const a = exactDistribution(world, dense, q.policyTable(world.contexts));
      const b = exactDistribution(world, ref, referenceTable(q, world.contexts));
      expect(Math.abs(a.kl - b.kl)).to.be.below(1e-6 * Math.max(1, b.kl));
      a.contexts.forEach((c, i) => {
        const fb = new Map(b.contexts[i]!.finals.map((f) => [f.state.index, f.prob]));
        expect(c.finals.length).to.equal(fb.size);
        for (const f of c.finals) expect(f.prob).to.be.closeTo(fb.get(f.state.index)!, 1e-6);
      });
    } finally {
      p.dispose();
      q.dispose();
    }
  });

  it("the toy space, random networks: bit-identical rows; unreachable states and unseen contexts on demand", () => {
    for (const seed of [1, 2, 3]) {
      const p = new TokenPolicy(toySpace, toyContexts, [8], Rng.fromSeed(seed).fork("init"));
      try {
        const dense = p.policyTable([0, 1]), ref = referenceTable(p, [0, 1] as ToyContext[]);
        for (const c of [0, 1] as ToyContext[]) {
          for (let pos = 0; pos < toySpace.maxLen; pos++) {
            for (let g = 0; g <= 3; g++) for (let b = 0; b <= 3; b++) for (const ended of [false, true]) {
              const s = { good: g, bad: b, ended };
              const d = dense(c, pos, s), r = ref(c, pos, s);
              expect(maxDiff(d, r), `context ${c}, position ${pos}, state ${g}${b}${ended}`).to.be.below(1e-7);
              let z = 0;
              for (let i = 0; i < d.length; i++) z += d[i]!;
              expect(z).to.be.closeTo(1, 1e-12);
            }
          }
        }
        expect(() => dense(0, toySpace.maxLen, toySpace.initialState())).to.throw(/position/);
      } finally {
        p.dispose();
      }
    }
  });

  it("leaves no tensors behind", () => {
    const p = new TokenPolicy(toySpace, toyContexts, [8], Rng.fromSeed(4));
    try {
      const before = tf.memory().numTensors;
      const t = p.policyTable([0, 1]);
      t(1, 2, { good: 3, bad: 3, ended: true });
      expect(tf.memory().numTensors).to.equal(before);
    } finally {
      p.dispose();
    }
  });
});
