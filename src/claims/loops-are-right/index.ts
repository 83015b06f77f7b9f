/** Notebook 02 (the training loops are right): its experiments. Re-exports only. */
export * from "./tabular-and-reward-model";
export * from "./world-sweep";
