export * from "./tabular";
export * from "./mlp";
export * from "./token-policy";
