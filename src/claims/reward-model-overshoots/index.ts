/**
 * Claim 2 — the reward model learns the rater, and optimising it overshoots (CLAIMS.md;
 * cubefox's comment on tailcalled's post, "DPO/PPO-RLHF on LLMs incentivizes sycophancy,
 * exaggeration and deceptive hallucination, but not misaligned powerseeking", LessWrong,
 * 2024-06-10, and the reply). Version 2.
 *
 * Incentive level (deterministic): each labeller's exact label limit on pairs from the human
 * corpus — the varied rater pool, one consistent rater (the pool's mean parameters) and the
 * noisy oracle — tilted exactly along a fixed KL grid.
 *
 * Per seed: pretrain a base model; draw pairs of its samples; have each labeller label them;
 * fit a Bradley–Terry reward model (RM) to each labeller's labels. An RM scores an output by
 * its meaning (context features ⊕ final parser-state features), so its score is a table over
 * (context, final state) and its exact frontier — the KL-regularised optimum of its scores —
 * is computed on the corpus (decided; same reference as the label limits) and, for the
 * pool's RM, on the base model (the reference of best-of-n and PPO). Best-of-n and one PPO
 * run on the pool's RM are evaluated exactly and shown with their distance from that frontier.
 *
 * Files: `config.ts` (run config, validation, budgets, thresholds), `frontier.ts` (exact
 * tilts on final states, shares of the over-estimation), `tables.ts` (an RM as a score
 * table; exact best-of-n), `experiment.ts` (the incentive level, one seed, the run),
 * `curves.ts` (rise and fall, matched-KL comparison, Gao fits), `decide.ts` (the verdict).
 */
import type { World } from "../../world";
import type { ClaimModule } from "../kit/contract";
import type { OnProgress } from "../kit/seeds";
import type { ClaimRunOptions } from "../kit/seed-runner";
import { BUDGETS, OVERSHOOT_HYPOTHESIS, overshootBudget, type OvershootBudget } from "./config";
import { runOvershoot, type OvershootResults } from "./experiment";
import { decideOvershoot, type OvershootDecision } from "./decide";

export * from "./config";
export * from "./frontier";
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
  run: async (world: World, budget: OvershootBudget, seeds: readonly number[], onProgress?: OnProgress, options?: ClaimRunOptions): Promise<OvershootResults> => {
    const { seeds: _budgetSeeds, ...cfg } = budget;
    return runOvershoot(world, cfg, seeds, onProgress, options);
  },
  decide: (results: OvershootResults, budget: OvershootBudget): OvershootDecision => decideOvershoot(results, budget),
} satisfies ClaimModule<OvershootBudget, OvershootResults>;
