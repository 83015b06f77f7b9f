/**
 * Claim 1, "Raters, not outcomes" (notebook 03), version 2: decided at two levels.
 *
 * Incentive level (exact, deterministic): each labeller's label limit on human-corpus pairs
 * (Bradley–Terry fitted to exact label probabilities) and the exact KL-regularised optimum
 * of that limit at matched KL, for the rater population, the noisy oracle, each single-bias
 * ablation and a grid of fixed verification rates v.
 *
 * Transmission level (trained): offline DPO of one pretrained base model per seed on
 * comparisons from the same labellers, evaluated exactly; effects read at matched KL by
 * interpolating each seed's metric-versus-KL curve (the base model is its KL-0 point),
 * paired over seeds; each rater and oracle run on the first seeds reports its shortfall
 * from its own exact limit.
 *
 *   budget.ts     budgets, thresholds and grids per mode, their validation
 *   run.ts        labellers, one seed's trained runs, typed rows, the shortfall
 *   incentive.ts  the exact level
 *   analysis.ts   reads at matched KL, the parts of both levels, the decision, tables
 *   claim.ts      the claim module (`claim`)
 */
export * from "./budget";
export * from "./run";
export * from "./incentive";
export * from "./analysis";
export { claim, runRatersNotOutcomes } from "./claim";
