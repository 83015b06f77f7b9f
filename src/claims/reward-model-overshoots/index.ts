/**
 * Claim 2 — the reward model learns the rater, and optimising it overshoots (CLAIMS.md;
 * cubefox's comment on tailcalled's post, LessWrong, 2024-06-10, and the reply).
 *
 * Per seed: pretrain a base model; draw pairs of base-model samples and have the typical
 * rater population label them; fit Bradley–Terry reward models (RMs) on the first N kept
 * pairs for several N (nested data sets). Each RM scores an output by its meaning (context
 * features ⊕ final parser-state features, docs/training.md), so its score is a table over
 * (context, final state) and every optimisation of it can be evaluated exactly:
 *
 * - best-of-n, exactly, over the base model's distribution of final states per context
 *   (KL is then over meanings, a lower bound of the sequence-level KL of best-of-n over
 *   token sequences; the analytic bound log n − (n−1)/n is reported beside it);
 * - PPO on the RM (several fixed KL coefficients; each run is evaluated exactly at chosen
 *   iterations along its trajectory, so the RL curve R(d) has points from small d up), and
 *   offline DPO on the *same raw rater labels* the RM was fit to (several β), both
 *   evaluated by exact DP with sequence KL.
 *
 * Rows carry the proxy (RM) score gain over the base model, true and rater-believed
 * utility, the inflation gap and its parts, the deceptive rates, and the RM-versus-rater
 * disagreement on the policy's own outputs.
 *
 * Files: `config.ts` (run config, validation, budgets, hypothesis), `tables.ts` (exact
 * evaluation against an RM's score table), `experiment.ts` (one seed, typed rows, the run
 * over seeds), `curves.ts` (overshoot, Gao fits, matched KL), `decide.ts` (the verdict).
 */
import type { World } from "../../world";
import type { ClaimModule } from "../kit/contract";
import type { OnProgress } from "../kit/seeds";
import { BUDGETS, OVERSHOOT_HYPOTHESIS, overshootBudget, type OvershootBudget } from "./config";
import { runOvershoot, type OvershootResults } from "./experiment";
import { decideOvershoot, type OvershootDecision } from "./decide";

export * from "./config";
export * from "./tables";
export * from "./experiment";
export * from "./curves";
export * from "./decide";

/** Claim 2 as one module: budgets, hypothesis, run and decide. */
export const claim = {
  claim: 2,
  notebook: "04-reward-model-overshoots",
  budgets: BUDGETS,
  budget: overshootBudget,
  hypothesis: (_budget: OvershootBudget) => OVERSHOOT_HYPOTHESIS,
  run: async (world: World, budget: OvershootBudget, seeds: readonly number[], onProgress?: OnProgress): Promise<OvershootResults> => {
    const { seeds: _budgetSeeds, ...cfg } = budget;
    return runOvershoot(world, cfg, seeds, onProgress);
  },
  decide: (results: OvershootResults, budget: OvershootBudget): OvershootDecision => decideOvershoot(results.perSeed, budget.indirectionPairs),
} satisfies ClaimModule<OvershootBudget, OvershootResults>;
