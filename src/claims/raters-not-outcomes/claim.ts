/**
 * Claim 1 in the one shape every claim has (kit/contract.ts): its budgets, its headline
 * hypothesis, `run` (both levels) and `decide`.
 */
import type { ClaimModule } from "../kit/contract";
import type { OnProgress } from "../kit/seeds";
import { alongside, type ClaimRunOptions } from "../kit/seed-runner";
import type { World } from "../../world";
import { checkRatersNotOutcomesBudget, checkSeeds, RNO_BUDGETS, ratersNotOutcomesBudget, type RatersNotOutcomesBudget } from "./budget";
import { runRatersNotOutcomesTrained } from "./run";
import { runRatersNotOutcomesIncentive } from "./incentive";
import { ratersNotOutcomesDecision, ratersNotOutcomesHypothesis, type RatersNotOutcomesResults } from "./analysis";

/** Both levels: the exact incentive level (no seeds) and the trained runs over the seeds (on `options.runner`; with threads, both at once: `alongside`). Budget and seeds are checked before any work. */
export async function runRatersNotOutcomes(world: World, budget: RatersNotOutcomesBudget, seeds: readonly number[], onProgress?: OnProgress, options: ClaimRunOptions = {}): Promise<RatersNotOutcomesResults> {
  checkRatersNotOutcomesBudget(budget);
  checkSeeds(seeds);
  const { here: incentive, seeds: trained } = await alongside(
    options.runner,
    () => runRatersNotOutcomesIncentive(world, budget, (l) => onProgress?.(0, 1, `exact limit: ${l}`)),
    (onStarted) => runRatersNotOutcomesTrained(world, budget, seeds, onProgress, { ...options, onStarted }),
  );
  return { incentive, trained };
}

export const claim = {
  claim: 1,
  notebook: "03-raters-not-outcomes",
  budgets: RNO_BUDGETS,
  budget: ratersNotOutcomesBudget,
  hypothesis: (b: RatersNotOutcomesBudget) => ratersNotOutcomesHypothesis(b.thresholds),
  run: runRatersNotOutcomes,
  decide: (results: RatersNotOutcomesResults, b: RatersNotOutcomesBudget) => ratersNotOutcomesDecision(results, b.thresholds),
} satisfies ClaimModule<RatersNotOutcomesBudget, RatersNotOutcomesResults>;
