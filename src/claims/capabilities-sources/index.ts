/**
 * Claim 7 (notebook 09): where capabilities come from (Chris_Leong; Steven Byrnes).
 *
 *   - outcome.ts: the outcome reward (answer value plus a payoff g of a completed manoeuvre;
 *     the hidden cost stays in true utility only);
 *   - training.ts: (a) exact optima and sampled training on that reward against rater-label
 *     training in the same cells, at budgets around the barrier (1/ε)^k;
 *   - planner.ts: the planners (exact backward recursion; bounded depth-first search with a
 *     node budget); learned-model.ts: a payoff model fitted on base samples;
 *   - planning.ts: (b) planners per k, with the true and the learned model; (c) claim 5's
 *     w > 0 band, planner against sampled training at one budget;
 *   - seed-jobs.ts: (a)'s trained runs as (k, seed) jobs on a runner, (b) and (c) beside them;
 *   - proportion.ts: shares of seeds with Wilson intervals;
 *   - plots.ts: the figures; claim.ts: budgets, hypotheses, run and decide.
 */
export * from "./outcome";
export * from "./planner";
export * from "./learned-model";
export * from "./proportion";
export * from "./training";
export * from "./planning";
export * from "./seed-jobs";
export * from "./plots";
export * from "./claim";
