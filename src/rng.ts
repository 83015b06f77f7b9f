/**
 * Seeded randomness with named, independent streams.
 *
 * A run has one seed. Each subsystem forks its own stream by name
 * (`rng.fork("raters")`, `rng.fork("init")`): a fork depends only on the parent's
 * seed and the name — never on how many numbers the parent has drawn — so adding a
 * draw in one subsystem cannot reshuffle another. Nothing in `src/` uses
 * the global random generator or TensorFlow.js's random ops for anything that must reproduce.
 *
 * The generator is pure-rand's xoroshiro128+; the distributions are small, standard
 * algorithms (Box–Muller, Marsaglia–Tsang) checked statistically in test/rng.test.ts.
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { checkInteger } from "./validate";
import { ConfigError } from "./errors";

type Generator = ReturnType<typeof xoroshiro128plus>;

/** A seeded source of random numbers. Pass one into every stochastic function. */
export class Rng {
  private readonly gen: Generator;
  private spareNormal: number | undefined;

  private constructor(
    /** The 32-bit seed this stream was started from. */
    readonly seed: number,
    /** Names of the forks that led here, e.g. `"run/raters/pairs"`. */
    readonly path: string,
  ) {
    this.gen = xoroshiro128plus(seed);
  }

  /** The root stream of a run. `seed` is a non-negative safe integer. */
  static fromSeed(seed: number): Rng {
    checkInteger("seed", seed, 0);
    return new Rng(mixSeed(seed, "run"), "run");
  }

  /** An independent stream named `name`; the same name always gives the same stream. */
  fork(name: string): Rng {
    if (name.length === 0) throw new ConfigError("fork name", name, "a non-empty string");
    return new Rng(mixSeed(this.seed, name), `${this.path}/${name}`);
  }

  /** Uniform on [0, 1), 53 random bits. */
  next(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform on [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    checkInteger("n", n, 1);
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Normal(mean, sd) by the polar Box–Muller method (caches the second draw). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + sd * u * f;
  }

  /** Gamma(shape, scale) by Marsaglia & Tsang (2000); shape < 1 via the boost u^(1/shape). */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !(scale > 0)) throw new ConfigError("gamma(shape, scale)", [shape, scale], "both > 0");
    if (shape < 1) return this.gamma(shape + 1, scale) * Math.pow(this.next() || Number.MIN_VALUE, 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x ** 4) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Beta(a, b) as a ratio of gammas. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  /** An index drawn with probability proportional to `weights` (non-negative, not all zero). */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    if (!(total > 0) || !Number.isFinite(total)) {
      throw new ConfigError("categorical weights", Array.from(weights), "non-negative, finite, with a positive sum");
    }
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!;
      if (u < 0) return i;
    }
    // Rounding left u marginally ≥ 0: return the last index with positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    return weights.length - 1;
  }

  /** One element of `items`, uniformly. */
  choice<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/**
 * A 32-bit seed from a parent seed and a name: FNV-1a over the name, combined with
 * the parent and passed through murmur3's finaliser so nearby inputs land far apart.
 * Never 0 (TensorFlow.js treats seed 0 as "unseeded", should a seed ever reach it).
 */
export function mixSeed(parent: number, name: string): number {
  let h = 0x811c9dc5 ^ (parent >>> 0);
  h = Math.imul(h ^ Math.floor(parent / 0x100000000), 0x01000193);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) || 1;
}
