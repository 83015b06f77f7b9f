/**
 * rlhf-incentives: the core library (browser-safe). Node-only helpers for notebooks
 * live in `rlhf-incentives/node`.
 */
export * from "./errors";
export * from "./validate";
export * from "./rng";
export * from "./mode";
export * from "./stats";
export * from "./verdict";
export * from "./claims";
export * from "./table";
export * from "./plot";
export * from "./tf/backend";
export * from "./policy/tabular";
export * from "./train/closed-form";
export * from "./train/tabular-dpo";
export * from "./experiment";
