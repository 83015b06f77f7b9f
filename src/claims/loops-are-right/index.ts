/** Notebook 02 (the training loops are right): its budgets, experiments and their seed jobs. Re-exports only. */
export * from "./budget";
export * from "./tabular-and-reward-model";
export * from "./world-sweep";
export * from "./sweep-over-seeds";
export * from "./label-limit-convergence";
export * from "./seed-jobs";
