/**
 * Claim 6 (notebook 08): fine-tuning reweights algorithms the base model already has
 * (quetzal_rainbow's comment, and the replies "it depends on the model" / "it depends on RLHF").
 *
 * The base policy is a mixture of fixed algorithms (honest, sycophant, deceiver, perfect
 * deceiver, power-seeker, control deceiver) in a world with queries that occur only at
 * deployment. Three routes:
 *   - world.ts, algorithms.ts, mixture.ts: the split world, the algorithms as exact token
 *     policies, and the mixture's meaning tables and exact labels;
 *   - reweight.ts: route (a), the exact KL-optimal reweighting under a labeller's exact
 *     training signal (the incentive level);
 *   - dpo-weights.ts: route (b), DPO on the mixture's weights from sampled labelled pairs;
 *   - network.ts: route (c), a network pretrained on the mixture's corpus and fine-tuned on
 *     training queries only, against the mixture's prediction;
 *   - labellers.ts: the labellers by name; seed-jobs.ts: routes (b) and (c) as seed jobs
 *     with plain-data payloads, so a runner can spread them over worker threads;
 *   - claim.ts: budgets, thresholds, run and decide; plots.ts: the figures.
 */
export * from "./world";
export * from "./algorithms";
export * from "./mixture";
export * from "./reweight";
export * from "./dpo-weights";
export * from "./network";
export * from "./labellers";
export * from "./seed-jobs";
export * from "./claim";
export * from "./plots";
