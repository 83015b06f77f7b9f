export * from "./seeds";
export * from "./world-runs";
export * from "./world-adapter";
export * from "./contract";
export * from "./budget";
export * from "./incentive-runs";
export * from "./seed-runner";
