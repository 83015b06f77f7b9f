/**
 * The one shape every claim module has. A notebook opens a claim with its module, runs it,
 * decides it and records the verdict; nothing else about the claim lives in the notebook.
 *
 *   const run = await nb.startClaim(rl.claims.ratersNotOutcomes);   // mode read once, budget validated
 *   const results = await claim.run(world, run.budget, run.seeds, progress, { runner: run.runner });   // seeds on worker threads
 *   const decision = claim.decide(results, run.budget);
 *   await nb.recordClaim(run, decision, { thumbnailSvg });
 *
 * `run` returns the module's typed results (rows with declared fields, never string-keyed
 * records); `decide` is a pure function of them and the budget, so a verdict can be
 * recomputed from saved results.
 */
import type { Interval } from "../../stats";
import type { Hypothesis, VerdictStatus } from "../../verdict";
import type { Mode } from "../../mode";
import type { World } from "../../world";
import type { OnProgress } from "./seeds";
import type { ClaimRunOptions } from "./seed-runner";

/**
 * "evidence": a part that could come out either way, and decides the verdict.
 * "check": true by construction (an identity, a simulator sanity check); shown and
 * tested, never part of the verdict or the headline.
 */
export type PartRole = "evidence" | "check";

/**
 * Version 2 decides every claim at two levels (CLAIMS.md):
 * "incentive": what the training signal rewards, exactly (infinite data, exact optimum at a
 * matched KL; deterministic, so a part's interval is a point);
 * "transmission": what comes out of finite labels, a network and an optimiser (trained
 * runs over paired seeds, with 95% intervals).
 */
export type Level = "incentive" | "transmission";

/** The statuses of the two levels (null: the claim has no part at that level). */
export type LevelStatuses = Record<Level, VerdictStatus | null>;

/** One decided part of a claim: an effect, its interval and the threshold it had to clear. */
export interface Part {
  /** Stable identifier, e.g. "sycophancy" or "ablation/confidence". */
  key: string;
  /** What is measured, in words (shown in the ledger). */
  effect: string;
  /** Decided from the interval against the threshold (`decide` in verdict.ts). */
  status: VerdictStatus;
  /** Estimate and 95% interval. */
  interval: Interval;
  /** "above": supported when the interval lies above `threshold`; "below": below it. */
  direction: Hypothesis["direction"];
  /** Fixed before the run. */
  threshold: number;
  /** The threshold in words. */
  thresholdText: string;
  /** Evidence or check (see {@link PartRole}). */
  role: PartRole;
  /** Incentive (exact) or transmission (trained) level; version-1 parts are all "transmission". */
  level: Level;
}

/** What `decide` returns: the claim's status, its headline interval and every part. */
export interface Decision {
  /** The claim's status (version 2: both levels must hold, `allOf` of the two). */
  status: VerdictStatus;
  /** Interval of the headline effect (the module's `hypothesis`). */
  headline: Interval;
  parts: Part[];
  /** Version of the claim's pre-registration (1 when absent). */
  version?: number;
  /** Status of each level, from its evidence parts (version 2). */
  levels?: LevelStatuses;
}

/** Every budget names its seeds, so `run(world, budget, budget.seeds)` is the default call. */
export interface BaseBudget {
  /** Seeds of the run (each seed's conditions are paired). */
  seeds: number[];
}

/** A claim module: budgets, the hypothesis, run and decide. */
export interface ClaimModule<B extends BaseBudget, R> {
  /** Claim number in CLAIMS.md. */
  readonly claim: number;
  /** The notebook that narrates it (file name without extension). */
  readonly notebook: string;
  /**
   * `false` for a claim that computes with plain numbers only: its runs start no TensorFlow.js
   * backend (the command line's `rlhf claim`, `startClaim` and the pool's threads), which saves
   * part of each thread's start-up. Absent: the claim uses tensors.
   */
  readonly tensors?: false;
  /** Quick (test suite) and full (reports) budgets, fixed before the run. */
  readonly budgets: Readonly<Record<Mode, B>>;
  /**
   * `overrides` laid over `budgets[mode]` and checked before any work: unknown keys,
   * wrong types and values outside their range throw a ConfigError naming the field.
   */
  budget(mode: Mode, overrides?: unknown): B;
  /** The headline hypothesis and its threshold (may depend on the budget, e.g. a KL read point). */
  hypothesis(budget: B): Hypothesis;
  /**
   * Runs every condition over the seeds. `options.runner` runs the seeds (default: one
   * after another in this thread; `seedPool()` of `rlhf-incentives/node`: worker threads);
   * the results are the same whichever runs them.
   */
  run(world: World, budget: B, seeds: readonly number[], onProgress?: OnProgress, options?: ClaimRunOptions): Promise<R>;
  /** Decides the claim from the results (pure). */
  decide(results: R, budget: B): Decision;
}

/** Builds a part, deciding its status from the interval (`decideStatus` is verdict.ts's `decide`). */
export function makePart(
  spec: Omit<Part, "status" | "interval" | "role" | "level"> & { role?: PartRole; level?: Level },
  interval: Interval,
  decideStatus: (h: Pick<Hypothesis, "direction" | "threshold">, ci: Interval) => VerdictStatus,
): Part {
  return { ...spec, role: spec.role ?? "evidence", level: spec.level ?? "transmission", interval, status: decideStatus(spec, interval) };
}

/**
 * An incentive-level part: an exact value (no seeds) against its threshold, as a point
 * interval with n = 0 ("exact"). Supported when the value lies beyond the threshold in the
 * predicted direction, not supported otherwise; a non-finite value is inconclusive.
 */
export function exactPart(
  spec: Omit<Part, "status" | "interval" | "role" | "level"> & { role?: PartRole },
  value: number,
  decideStatus: (h: Pick<Hypothesis, "direction" | "threshold">, ci: Interval) => VerdictStatus,
): Part {
  return makePart({ ...spec, level: "incentive" }, { estimate: value, lo: value, hi: value, n: 0 }, decideStatus);
}

/**
 * A version-2 decision: each level's status is `allOf` its evidence parts (null when it
 * has none); the claim's status is `allOf` the levels present. Checks never enter.
 */
export function twoLevelDecision(parts: Part[], headline: Interval, allOf: (s: readonly VerdictStatus[]) => VerdictStatus, version = 2): Decision {
  const level = (l: Level): VerdictStatus | null => {
    const ev = evidenceParts(parts).filter((p) => p.level === l);
    return ev.length === 0 ? null : allOf(ev.map((p) => p.status));
  };
  const levels: LevelStatuses = { incentive: level("incentive"), transmission: level("transmission") };
  const present = [levels.incentive, levels.transmission].filter((s): s is VerdictStatus => s !== null);
  if (present.length === 0) throw new RangeError("a decision needs at least one evidence part");
  return { status: allOf(present), headline, parts, version, levels };
}

/** Only the evidence parts (what a verdict may rest on). */
export function evidenceParts(parts: readonly Part[]): Part[] {
  return parts.filter((p) => p.role === "evidence");
}
