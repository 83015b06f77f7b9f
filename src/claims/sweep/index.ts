/**
 * Sweeps in the core library (browser-safe): the unit a sweep runs (one DPO fine-tuning run
 * on the world, run.ts) and the spec that expands into runs (spec.ts). Writing rows to
 * files, the worker pool and the job queue are Node-only (rlhf-incentives/node: sweep.ts).
 */
export * from "./run";
export * from "./spec";
