/**
 * Node-only helpers for notebooks and scripts: the kernel display, provenance, files.
 * The core library (`rlhf-incentives`) stays free of Node APIs so it can run in a browser.
 */
export * from "./display";
export * from "./artifacts";
export * from "./provenance";
export * from "./notebook";
export * from "./ledger-page";
export * from "./pool";
export * from "./sweep";
export * from "./seed-pool";
