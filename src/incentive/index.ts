/**
 * The incentive level: what a training signal rewards with no finite data, network or
 * optimiser in the way. Exact label probabilities of any labeller, the Bradley–Terry fit to
 * them (the infinite-data reward of DPO and of a reward model), and the exact
 * KL-regularised optimum of a reward table at a requested KL. Plain numbers, browser-safe.
 */
export * from "./quadrature";
export * from "./labels";
export * from "./bradley-terry";
export * from "./tilt";
export * from "./limit";
