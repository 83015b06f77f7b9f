/**
 * Direct-preference losses as pure functions, chosen from a table ({@link DPO_LOSSES}).
 *
 * Contract (as TRL's `dpo_loss`): every variant takes the summed log-probabilities of the
 * chosen and rejected outputs under the policy and under the frozen reference, each a
 * tensor of shape [B], and returns
 *   - `losses`          [B]  per-pair loss (the trainer averages it),
 *   - `chosenRewards`   [B]  implicit reward β·(log π(y_w) − log π_ref(y_w)),
 *   - `rejectedRewards` [B]  implicit reward β·(log π(y_l) − log π_ref(y_l)).
 * With h = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)), the log-ratio margin:
 *
 * | name      | loss                                              | paper                                   |
 * |-----------|---------------------------------------------------|-----------------------------------------|
 * | `sigmoid` | −log σ(βh)                                        | Rafailov et al. 2023 (DPO)              |
 * | `ipo`     | (h − 1/(2β))²   (β plays IPO's τ)                  | Azar et al. 2023 (IPO)                  |
 * | `hinge`   | max(0, 1 − βh)                                    | Zhao et al. 2023 (SLiC)                 |
 * | `cdpo`    | −(1−ε) log σ(βh) − ε log σ(−βh)                   | Mitchell 2023 (conservative DPO, label smoothing ε) |
 * | `robust`  | [−(1−ε) log σ(βh) + ε log σ(−βh)] / (1 − 2ε)      | Chowdhury et al. 2024 (unbiased under flip rate ε)  |
 *
 * All sigmoid forms use softplus (−log σ(x) = softplus(−x)), which is stable at |βh| = 1e4.
 * IPO convention: with a deterministic preference y₁ ≻ y₂ and a uniform reference over two
 * outputs the minimiser has h = 1/(2β), i.e. π(y₁) = σ(1/(2β)); we write τ = β.
 */
import * as tf from "@tensorflow/tfjs";

/** The four log-probability inputs, each shape [B]. */
export interface DpoLogps {
  policyChosen: tf.Tensor1D;
  policyRejected: tf.Tensor1D;
  refChosen: tf.Tensor1D;
  refRejected: tf.Tensor1D;
}

/** Loss hyper-parameters. */
export interface DpoLossParams {
  /** Temperature β > 0 (IPO's τ). */
  beta: number;
  /** Label-smoothing / assumed flip rate ε ∈ [0, 0.5) for `cdpo` and `robust`; ignored otherwise. */
  epsilon: number;
}

export interface DpoLossOutput {
  losses: tf.Tensor1D;
  chosenRewards: tf.Tensor1D;
  rejectedRewards: tf.Tensor1D;
}

/** A loss variant: a pure function of the margin h (shape [B]) and the parameters. */
export type MarginLoss = (h: tf.Tensor1D, p: DpoLossParams) => tf.Tensor;

/** The table of DPO-family losses, keyed by name. */
export const DPO_LOSSES = {
  sigmoid: (h, { beta }) => tf.softplus(tf.mul(h, -beta)),
  ipo: (h, { beta }) => tf.square(tf.sub(h, 1 / (2 * beta))),
  hinge: (h, { beta }) => tf.relu(tf.sub(1, tf.mul(h, beta))),
  cdpo: (h, { beta, epsilon }) =>
    tf.add(tf.mul(tf.softplus(tf.mul(h, -beta)), 1 - epsilon), tf.mul(tf.softplus(tf.mul(h, beta)), epsilon)),
  robust: (h, { beta, epsilon }) =>
    tf.div(
      tf.sub(tf.mul(tf.softplus(tf.mul(h, -beta)), 1 - epsilon), tf.mul(tf.softplus(tf.mul(h, beta)), epsilon)),
      1 - 2 * epsilon,
    ),
} satisfies Record<string, MarginLoss>;

export type DpoLossType = keyof typeof DPO_LOSSES;
export const DPO_LOSS_TYPES = Object.keys(DPO_LOSSES) as DpoLossType[];

/** The log-ratio margin h, shape [B]. */
export function dpoMargin(l: DpoLogps): tf.Tensor1D {
  return tf.tidy(() => tf.sub(tf.sub(l.policyChosen, l.refChosen), tf.sub(l.policyRejected, l.refRejected)));
}

/** Per-pair losses and implicit rewards for the variant `type` (see the table above). */
export function dpoLoss(type: DpoLossType, l: DpoLogps, p: DpoLossParams): DpoLossOutput {
  return tf.tidy(() => {
    const h = dpoMargin(l);
    const fn: MarginLoss = DPO_LOSSES[type];
    return {
      losses: fn(h, p) as tf.Tensor1D,
      chosenRewards: tf.mul(tf.sub(l.policyChosen, l.refChosen), p.beta) as tf.Tensor1D,
      rejectedRewards: tf.mul(tf.sub(l.policyRejected, l.refRejected), p.beta) as tf.Tensor1D,
    };
  });
}

/**
 * Mean loss plus TRL's logged metrics, all scalars computed from the same tensors:
 * `rewards/chosen`, `rewards/rejected`, `rewards/accuracies`, `rewards/margins`,
 * `logps/chosen`, `logps/rejected`. Optional per-pair `weights` (summing to 1) turn the
 * mean into a weighted mean (exact-expectation training on tabular problems).
 */
export function dpoObjective(
  type: DpoLossType,
  l: DpoLogps,
  p: DpoLossParams,
  weights?: tf.Tensor1D,
): { loss: tf.Scalar; metrics: Record<string, tf.Scalar> } {
  const out = dpoLoss(type, l, p);
  const mean = (t: tf.Tensor): tf.Scalar => (weights ? tf.sum(tf.mul(t, weights)) : tf.mean(t)) as tf.Scalar;
  const margins = tf.sub(out.chosenRewards, out.rejectedRewards);
  return {
    loss: mean(out.losses),
    metrics: {
      "rewards/chosen": mean(out.chosenRewards),
      "rewards/rejected": mean(out.rejectedRewards),
      "rewards/accuracies": mean(tf.cast(tf.greater(out.chosenRewards, out.rejectedRewards), "float32")),
      "rewards/margins": mean(margins),
      "logps/chosen": mean(l.policyChosen),
      "logps/rejected": mean(l.policyRejected),
    },
  };
}
