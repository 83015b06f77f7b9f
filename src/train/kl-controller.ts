/**
 * The KL coefficient β of PPO's reward penalty: fixed, or adapted toward a target KL
 * (Ziegler et al. 2019, §2.2): e = clip(KL/target − 1, −0.2, 0.2), β ← β·(1 + e·n/horizon),
 * where n is the number of samples (episodes) since the last update.
 */
import { checkPositive } from "../validate";

export interface KlController {
  /** The current coefficient β. */
  readonly value: number;
  /** Updates β from the KL measured on the last batch of `nSteps` samples. */
  update(currentKl: number, nSteps: number): void;
}

export class FixedKlController implements KlController {
  constructor(readonly value: number) {
    checkPositive("beta", value, true);
  }
  update(): void {}
}

export class AdaptiveKlController implements KlController {
  value: number;
  constructor(
    initial: number,
    /** Target KL per sample (nats). */
    readonly target: number,
    /** Horizon in samples: how fast β moves. */
    readonly horizon: number,
  ) {
    checkPositive("beta", initial);
    checkPositive("adaptiveKl.target", target);
    checkPositive("adaptiveKl.horizon", horizon);
    this.value = initial;
  }
  update(currentKl: number, nSteps: number): void {
    const e = Math.min(0.2, Math.max(-0.2, currentKl / this.target - 1));
    this.value *= 1 + (e * nSteps) / this.horizon;
  }
}

/** Settings of the adaptive controller, or null for a fixed β. */
export interface AdaptiveKlSettings {
  target: number;
  horizon: number;
}

export function makeKlController(beta: number, adaptive: AdaptiveKlSettings | null): KlController {
  return adaptive ? new AdaptiveKlController(beta, adaptive.target, adaptive.horizon) : new FixedKlController(beta);
}
