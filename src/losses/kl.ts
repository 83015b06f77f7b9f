/**
 * Per-sample estimators of KL(π ‖ π_ref) from log-probabilities of tokens sampled from π
 * (Schulman, "Approximating KL divergence", 2020). With log r = log π_ref − log π:
 *
 * | name | estimate            | unbiased for KL? | ≥ 0 per sample? |
 * |------|---------------------|------------------|-----------------|
 * | `k1` | −log r              | yes              | no              |
 * | `k2` | (log r)² / 2        | no (low bias)    | yes             |
 * | `k3` | (r − 1) − log r     | yes              | yes             |
 *
 * As a *reward penalty* only k1 has the KL's gradient in expectation: PPO with a k1
 * penalty converges to π* ∝ π_ref·exp(r/β); a k3 penalty estimates the same KL value but
 * shifts the optimum (see docs/training.md).
 */
import * as tf from "@tensorflow/tfjs";

export type KlEstimator = (logp: tf.Tensor, refLogp: tf.Tensor) => tf.Tensor;

export const KL_ESTIMATORS = {
  k1: (logp, refLogp) => tf.sub(logp, refLogp),
  k2: (logp, refLogp) => tf.mul(tf.square(tf.sub(refLogp, logp)), 0.5),
  k3: (logp, refLogp) => {
    const logr = tf.sub(refLogp, logp);
    return tf.sub(tf.sub(tf.exp(logr), 1), logr);
  },
} satisfies Record<string, KlEstimator>;

export type KlEstimatorName = keyof typeof KL_ESTIMATORS;
export const KL_ESTIMATOR_NAMES = Object.keys(KL_ESTIMATORS) as KlEstimatorName[];

/** Plain-number versions of the same estimators (for rewards assembled on the JS side). */
export const KL_ESTIMATORS_PLAIN: Record<KlEstimatorName, (logp: number, refLogp: number) => number> = {
  k1: (logp, refLogp) => logp - refLogp,
  k2: (logp, refLogp) => 0.5 * (refLogp - logp) ** 2,
  k3: (logp, refLogp) => Math.expm1(refLogp - logp) - (refLogp - logp),
};
