/** The simulated world and its raters: plain numbers, no tensors, browser-safe. Re-exports only. */
export * from "./config";
export * from "./vocab";
export * from "./parser";
export * from "./query";
export * from "./outcome";
export * from "./rater";
export * from "./population";
export * from "./world";
export * from "./policy-table";
export * from "./corpus";
export * from "./exact";
export * from "./metrics";
export * from "./pretty";
export * from "./soft-optimal";
export * from "./agreement";
