/** Statistics: intervals and linear fits, and the curve fits the claims use. Re-exports only. */
export * from "./intervals";
export * from "./gao-fit";
