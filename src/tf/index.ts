export * from "./backend";
export * from "./init";
export * from "./optim";
export * from "./leak";
export * from "./kernels";
export * from "./segment";
