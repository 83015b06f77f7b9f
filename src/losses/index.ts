export * from "./dpo";
export * from "./kl";
export * from "./ppo";
export * from "./bradley-terry";
