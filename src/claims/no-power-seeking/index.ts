/**
 * Claim 5 (notebook 07): no misaligned power-seeking from rater feedback.
 *
 * A rater who notices a manoeuvre step with probability d and then dislikes it (−L), but
 * finds an unnoticed step mildly appealing (+h), gives each in-order step the believed
 * value δ = (1 − d)·h − d·L, which is positive iff d < d* = h/(h + L). A completed
 * manoeuvre adds a visible payoff w. For every cell of the (d, h, k, w) diagram:
 *
 *   - boundaries.ts: d*, the whole manoeuvre's d_w and the label boundary d_label in closed form;
 *   - exact.ts: the exact optimum of the KL-regularised objective against the rater's
 *     expected believed utility, and where its completion crosses the base rate (d* at
 *     w = 0 by construction: a check in version 2);
 *   - labels.ts: the label formula against the world's `judge`, and the label-implied boundary;
 *   - sampled.ts: what finite-budget sampled training learns (REINFORCE with a KL penalty
 *     on a residual tabular policy that starts at the base);
 *   - dpo.ts: offline DPO on sampled labels on the same residual policy (version 2);
 *   - label-training.ts: version 2's two levels on labels: the label limit tilted at a
 *     matched KL over a d-grid and its measured boundary (incentive), DPO on sampled labels
 *     with its shortfall (transmission), and the rater presets;
 *   - seed-jobs.ts: the DPO runs on labels as seed jobs a runner can spread over worker
 *     threads, with the same rows;
 *   - plots.ts: the figures; claim.ts: budgets, hypotheses, sections, run and decide.
 */
export * from "./boundaries";
export * from "./exact";
export * from "./labels";
export * from "./sampled";
export * from "./dpo";
export * from "./label-training";
export * from "./seed-jobs";
export * from "./plots";
export * from "./claim";
