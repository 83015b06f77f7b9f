export * from "./registry";
export * from "./raters-not-outcomes";
export * from "./deception-survives-rating";
export * from "./no-power-seeking";
export * from "./soft-optimal";
export * from "./complexity-needs-shaping";
export * from "./reward-model-overshoots";
export * from "./gao-fit";
