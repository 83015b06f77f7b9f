export * from "./soft-optimal";
export * from "./no-power-seeking";
export * from "./complexity-needs-shaping";
