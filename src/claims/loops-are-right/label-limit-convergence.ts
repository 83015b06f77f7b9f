/**
 * DPO against its own exact limit. For each seed: pretrain a base model, compute the typical
 * rater population's label limit on pairs drawn from that base (Bradley–Terry fitted to the
 * exact labels: what infinitely many labels would teach), then train DPO on a growing number
 * of sampled labelled pairs from the same base and measure how far each run sits below the
 * limit's exact optimum at the run's own KL (the shortfall in proxy reward), and how far its
 * behaviour is from the limit's at that KL. With enough pairs the trained run should approach
 * its limit; a shortfall that does not shrink would mean the trainer, not the incentive, sets
 * what the claims read.
 */
import { Rng } from "../../rng";
import { labelledPreference, trainDpo, type Preference } from "../../train/dpo";
import { exactDistribution, exactMetrics, type Context, type World } from "../../world";
import { meaningKl, shortfallOfDistribution } from "../../incentive";
import { checkField } from "../kit/budget";
import { SEEDS_RULE } from "../kit/budget";
import { contextSampler, pairLabeler, trainBaseModel, worldPolicyTable, judgeLimit, metricsAtKl, withNoisyOracle } from "../kit";
import { checkLoopsAreRightBudget, type LoopsAreRightBudget } from "./budget";

/** One DPO run beside its own exact limit at its KL. */
export type LimitConvergenceRow = {
  seed: number;
  /** Labelled pairs the run trained on. */
  pairs: number;
  /** Exact KL(π ‖ π_base) of the run, and its part between output meanings (the rest is within meanings: phrasing). */
  kl: number;
  klMeaning: number;
  /** The run's expected label-limit score, and the limit optimum's at the same KL. */
  proxy: number;
  limitProxy: number;
  /** limitProxy − proxy. */
  shortfall: number;
  /** proxy / limitProxy: the share of the limit's gain over the base the run captured (scores are centred on the base, so the base's proxy is 0). */
  captured: number;
  /** Sycophancy and fabrication of the run and of the limit at the run's KL. */
  sycophancy: number;
  limitSycophancy: number;
  fabrication: number;
  limitFabrication: number;
};

/** Runs the study over seeds, one after another in this thread (the notebook runs them as jobs: `runLoopsAreRightTrained`); see {@link labelLimitSeed}. */
export function labelLimitConvergence(world0: World, budget: LoopsAreRightBudget, seeds: readonly number[], onRun?: (done: number, total: number) => void): LimitConvergenceRow[] {
  const b = checkLoopsAreRightBudget(budget);
  checkField("seeds", seeds, SEEDS_RULE);
  // Built once here; labelLimitSeed's own withNoisyOracle then returns it unchanged.
  const world = withNoisyOracle(world0);
  const rows: LimitConvergenceRow[] = [];
  const total = seeds.length * b.limit.pairs.length;
  for (const seed of seeds) {
    const done = rows.length;
    rows.push(...labelLimitSeed(world, b, seed, (d) => onRun?.(done + d, total)));
  }
  return rows;
}

/**
 * One seed of the study (streams forked from `Rng.fromSeed(seed).fork("limit")`), in the
 * world with version 2's noisy oracle: one base model, the typical population's label
 * limit on it, and one DPO run per pair count (ascending, nested datasets). `onRun(done,
 * total)` after each run of this seed. The budget is checked before any work.
 */
export function labelLimitSeed(world0: World, budget: LoopsAreRightBudget, seed: number, onRun?: (done: number, total: number) => void): LimitConvergenceRow[] {
  const b = checkLoopsAreRightBudget(budget);
  const world = withNoisyOracle(world0);
  const who = { kind: "population" as const, population: world.config.population };
  const rows: LimitConvergenceRow[] = [];
  const pairCounts = [...b.limit.pairs].sort((x, y) => x - y);
  const total = pairCounts.length;
  const rng = Rng.fromSeed(seed).fork("limit");
  const base = trainBaseModel(world, b.base, rng.fork("base"));
  try {
    const limit = judgeLimit(world, who, base.table);
    // One pool of labelled pairs; each run trains on its first n (nested datasets).
    const n = pairCounts[pairCounts.length - 1]!;
    const contexts = contextSampler(world)(rng.fork("pool/contexts"), n);
    const a = base.reference.sample(rng.fork("pool/a"), contexts);
    const c = base.reference.sample(rng.fork("pool/b"), contexts);
    const label = pairLabeler(world, who);
    const lRng = rng.fork("labels");
    const data: Preference<Context>[] = [];
    for (let i = 0; i < n; i++) {
      const p = labelledPreference(label, contexts[i]!, a[i]!, c[i]!, lRng);
      if (p !== null) data.push(p);
    }
    for (const count of pairCounts) {
      const policy = base.policy.trainableCopy();
      try {
        trainDpo(policy, base.reference, data.slice(0, count), { beta: b.limit.beta, epochs: b.limit.epochs }, rng.fork(`dpo/${count}`));
        // One table, one exact pass and one tilt at the run's KL serve the shortfall and the
        // limit's behaviour at that KL (the same numbers as computing each on its own).
        const dist = exactDistribution(world, worldPolicyTable(policy, world), base.table);
        const s = shortfallOfDistribution(world, limit, base.table, dist);
        const m = exactMetrics(world, dist);
        const lm = s.tilt ? exactMetrics(world, s.tilt.dist) : dist.kl > 1e-12 ? null : metricsAtKl(world, base.table, limit.reward, m.kl);
        rows.push({
          seed,
          pairs: Math.min(count, data.length),
          kl: m.kl,
          klMeaning: meaningKl(dist, limit.reference),
          proxy: s.proxy,
          limitProxy: s.limitProxy,
          shortfall: s.shortfall,
          captured: s.proxy / s.limitProxy,
          sycophancy: m.sycophancyRate,
          limitSycophancy: lm ? lm.sycophancyRate : NaN,
          fabrication: m.fabricationRate,
          limitFabrication: lm ? lm.fabricationRate : NaN,
        });
      } finally {
        policy.dispose();
      }
      onRun?.(rows.length, total);
    }
  } finally {
    base.dispose();
  }
  return rows;
}
