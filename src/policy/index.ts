export * from "./tabular";
export * from "./mlp";
