export * from "./config";
export * from "./closed-form";
export * from "./advantages";
export * from "./kl-controller";
export * from "./tabular-dpo";
export * from "./tabular-pg";
export * from "./tabular-ppo";
