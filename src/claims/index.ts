export * from "./soft-optimal";
export * from "./no-power-seeking";
export * from "./deception-survives-rating";
export * from "./complexity-needs-shaping";
export * from "./raters-not-outcomes";
export * from "./reward-model-overshoots";
export * from "./gao-fit";
