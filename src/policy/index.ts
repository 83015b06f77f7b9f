export * from "./tabular";
