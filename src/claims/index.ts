export * from "./soft-optimal";
export * from "./no-power-seeking";
export * from "./deception-survives-rating";
export * from "./complexity-needs-shaping";
export * from "./raters-not-outcomes";
