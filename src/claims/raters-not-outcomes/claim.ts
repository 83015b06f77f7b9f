/**
 * Claim 1 in the one shape every claim has (kit/contract.ts): its budgets, its headline
 * hypothesis, `run` and `decide`.
 */
import type { ClaimModule } from "../kit/contract";
import { RNO_BUDGETS, ratersNotOutcomesBudget, type RatersNotOutcomesBudget } from "./budget";
import { runRatersNotOutcomes, type RatersNotOutcomesResults } from "./run";
import { ratersNotOutcomesDecision, ratersNotOutcomesHypothesis } from "./analysis";

export const claim = {
  claim: 1,
  notebook: "03-raters-not-outcomes",
  budgets: RNO_BUDGETS,
  budget: ratersNotOutcomesBudget,
  hypothesis: (b: RatersNotOutcomesBudget) => ratersNotOutcomesHypothesis(b.thresholds),
  run: runRatersNotOutcomes,
  decide: (results: RatersNotOutcomesResults, b: RatersNotOutcomesBudget) => ratersNotOutcomesDecision(results, b.thresholds),
} satisfies ClaimModule<RatersNotOutcomesBudget, RatersNotOutcomesResults>;
