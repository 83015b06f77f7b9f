export * from "./soft-optimal";
export * from "./no-power-seeking";
