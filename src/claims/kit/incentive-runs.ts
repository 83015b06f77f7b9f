/**
 * The incentive level as claim notebooks use it: a world with the noisy oracle of version 2,
 * a labeller's exact limit, and the exact metrics of that limit's optimum along a KL grid or
 * at a trained run's KL. Deterministic: no seeds.
 */
import { labelLimit, proxyShortfall, tiltAtKl, type LabelLimit, type LabelOptions, type ProxyShortfall } from "../../incentive";
import { createWorld, exactMetrics, meanOf, type PolicyTable, type TerminalReward, type World, type WorldMetrics } from "../../world";
import type { Judge } from "./world-runs";

/**
 * The world with version 2's oracle control: Boltzmann on true utility with the
 * population's mean rationality (a deterministic oracle makes the label limit degenerate:
 * an output that always wins has no finite Bradley–Terry score).
 */
export function withNoisyOracle(world: World): World {
  const beta = meanOf(world.config.population.rationality);
  if (world.config.comparison.oracleRationality === beta) return world;
  return createWorld({ ...world.config, comparison: { ...world.config.comparison, oracleRationality: beta } });
}

/** A labeller's exact limit on pairs from `reference` (a judge of the claim kit is a labeller of the incentive level). */
export function judgeLimit(world: World, who: Judge, reference: PolicyTable, options: LabelOptions = {}): LabelLimit {
  return labelLimit(world, who, reference, options);
}

/** Exact metrics of the optimum of `reward` at KL `kl` (null when the reward cannot pull that far). */
export function metricsAtKl(world: World, reference: PolicyTable, reward: TerminalReward, kl: number): (WorldMetrics & { beta: number }) | null {
  const t = tiltAtKl(world, reference, reward, kl);
  return t ? { ...exactMetrics(world, t.dist), beta: t.beta } : null;
}

/** One point of an exact curve: the optimum at a KL. */
export type ExactCurveRow = { kl: number; beta: number } & WorldMetrics;

/** Exact metrics of the optimum of `reward` along a KL grid (points it cannot reach are left out). */
export function exactCurve(world: World, reference: PolicyTable, reward: TerminalReward, kls: readonly number[]): ExactCurveRow[] {
  const out: ExactCurveRow[] = [];
  for (const k of kls) {
    const m = metricsAtKl(world, reference, reward, k);
    if (m) out.push({ ...m, kl: m.kl, beta: m.beta });
  }
  return out;
}

/** A trained policy's distance from its own exact limit at its KL (see `proxyShortfall`). */
export function shortfallOf(world: World, limit: LabelLimit, reference: PolicyTable, policy: PolicyTable): ProxyShortfall {
  return proxyShortfall(world, limit, reference, policy);
}
