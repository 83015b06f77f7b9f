export * from "./seeds";
export * from "./world-runs";
