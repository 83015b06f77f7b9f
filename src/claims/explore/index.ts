/**
 * The explorable report (`reports/explore.html`): what its controls mean, what it computes
 * for them, and its in-page training run. Browser-safe, like the rest of the core.
 *
 *   settings.ts  typed settings, defaults equal to the notebooks', URL-fragment round trip
 *   model.ts     the incentive level for one setting (exact), the boundaries, computed sentences
 *   train.ts     one small offline DPO run (notebook 03's quick budget), with progress
 */
export * from "./settings";
export * from "./model";
export * from "./train";
