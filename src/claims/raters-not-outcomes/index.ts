/**
 * Claim 1, "Raters, not outcomes" (notebook 03). DPO fine-tuning of one pretrained base
 * model per seed on comparisons from different labellers — the typical rater population,
 * the oracle, the population with one belief bias switched off, the population with a fixed
 * evidence-verification rate v — over a β sweep, evaluated exactly (metrics and exact KL to
 * the base). Effects are read at matched KL by interpolating each seed's metric-vs-KL curve
 * (the base model is the curve's point at KL 0), and paired over seeds.
 *
 * The rater's errors are inputs of the world; this measures whether and how strongly they
 * pass through Bradley–Terry labels, finite data and the KL leash into behaviour.
 *
 *   budget.ts    budgets and thresholds per mode, their validation
 *   run.ts       labellers, one seed's runs, typed rows
 *   analysis.ts  matched-KL effects, the verdict's parts, the notebook's tables
 *   claim.ts     the claim module (`claim`)
 */
export * from "./budget";
export * from "./run";
export * from "./analysis";
export { claim } from "./claim";
