/**
 * The exact KL-regularised optimum for a reward table, π* = π_ref·exp(R/β)/Z (the soft
 * backward recursion of src/world/soft-optimal.ts), found at a requested KL by solving for
 * β: KL(π_β ‖ π_ref) falls monotonically as β grows (from its largest value, all mass on
 * the best outputs of the reference's support, to 0), so a bisection on log β finds the β
 * whose optimum sits at the requested KL. Comparing two rewards at the same KL is the
 * "matched KL" of every claim: the leash is the same length, only the direction differs.
 */
import { ConfigError } from "../errors";
import { exactDistribution, softOptimalPolicy, type ExactDistribution, type PolicyTable, type TerminalReward, type World } from "../world";

/** One exact optimum. */
export interface Tilt {
  /** The KL coefficient. */
  beta: number;
  /** π* as a policy table. */
  table: PolicyTable;
  /** Its exact distribution, with KL to the reference. */
  dist: ExactDistribution;
  /** KL(π* ‖ π_ref), nats per query. */
  kl: number;
}

/** The exact optimum at one β. */
export function tiltAtBeta(world: World, reference: PolicyTable, reward: TerminalReward, beta: number): Tilt {
  const table = softOptimalPolicy(world, reference, reward, beta).table;
  const dist = exactDistribution(world, table, reference, { check: false });
  return { beta, table, dist, kl: dist.kl };
}

/** Options of {@link tiltAtKl}. */
export interface TiltAtKlOptions {
  /** Bracket of β searched (default [1e-4, 1e4]). */
  betaRange?: [number, number];
  /** Relative KL tolerance (default 1e-6). */
  tolerance?: number;
}

/**
 * The exact optimum whose KL to the reference equals `kl` (relative tolerance 1e-6), or
 * null when even the smallest β of the bracket stays below it (the reward cannot pull the
 * policy that far: its best outputs already carry that much reference mass).
 */
export function tiltAtKl(world: World, reference: PolicyTable, reward: TerminalReward, kl: number, options: TiltAtKlOptions = {}): Tilt | null {
  if (!(kl > 0) || !Number.isFinite(kl)) throw new ConfigError("tiltAtKl kl", kl, "a positive finite number of nats");
  const [lo0, hi0] = options.betaRange ?? [1e-4, 1e4];
  const tol = options.tolerance ?? 1e-6;
  let lo = Math.log(lo0), hi = Math.log(hi0);
  const atLo = tiltAtBeta(world, reference, reward, Math.exp(lo));
  if (atLo.kl < kl) return null;
  let best = atLo;
  for (let iter = 0; iter < 80; iter++) {
    const mid = (lo + hi) / 2;
    const t = tiltAtBeta(world, reference, reward, Math.exp(mid));
    if (Math.abs(t.kl - kl) <= tol * kl) return t;
    if (t.kl > kl) lo = mid;
    else hi = mid;
    if (Math.abs(t.kl - kl) < Math.abs(best.kl - kl)) best = t;
    if (hi - lo < 1e-12) break;
  }
  return best;
}
