export * from "./seeds";
