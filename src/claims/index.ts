export * from "./registry";
export * from "./raters-not-outcomes";
export * from "./deception-survives-rating";
export * from "./no-power-seeking";
export * from "./complexity-needs-shaping";
export * from "./reward-model-overshoots";
export * from "./raters-and-outcomes";
export * from "./loops-are-right";
