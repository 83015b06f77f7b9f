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
export * as claims from "./claims";
export type { ClaimModule, Decision, Part, PartRole, BaseBudget } from "./claims/kit/contract";
export type { SeedRunner, SeedTask, SeedJob, ClaimRunOptions } from "./claims/kit/seed-runner";
export * from "./table";
export * from "./plot";
export * from "./tf";
export * from "./world";
export * as incentive from "./incentive";
export * from "./policy";
export * from "./losses";
export * from "./train";
