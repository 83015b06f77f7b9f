/**
 * The one shape every claim module has. A notebook opens a claim with its module, runs it,
 * decides it and records the verdict; nothing else about the claim lives in the notebook.
 *
 *   const run = await nb.startClaim(rl.claims.ratersNotOutcomes);   // mode read once, budget validated
 *   const results = await claim.run(world, run.budget, run.seeds, progress);
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

/**
 * "evidence": a part that could come out either way, and decides the verdict.
 * "check": true by construction (an identity, a simulator sanity check); shown and
 * tested, never part of the verdict or the headline.
 */
export type PartRole = "evidence" | "check";

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
}

/** What `decide` returns: the claim's status, its headline interval and every part. */
export interface Decision {
  status: VerdictStatus;
  /** Interval of the headline effect (the module's `hypothesis`). */
  headline: Interval;
  parts: Part[];
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
  /** Quick (test suite) and full (reports) budgets, fixed before the run. */
  readonly budgets: Readonly<Record<Mode, B>>;
  /**
   * `overrides` laid over `budgets[mode]` and checked before any work: unknown keys,
   * wrong types and values outside their range throw a ConfigError naming the field.
   */
  budget(mode: Mode, overrides?: unknown): B;
  /** The headline hypothesis and its threshold (may depend on the budget, e.g. a KL read point). */
  hypothesis(budget: B): Hypothesis;
  /** Runs every condition over the seeds. */
  run(world: World, budget: B, seeds: readonly number[], onProgress?: OnProgress): Promise<R>;
  /** Decides the claim from the results (pure). */
  decide(results: R, budget: B): Decision;
}

/** Builds a part, deciding its status from the interval (`decideStatus` is verdict.ts's `decide`). */
export function makePart(
  spec: Omit<Part, "status" | "interval"> & { role?: PartRole },
  interval: Interval,
  decideStatus: (h: Pick<Hypothesis, "direction" | "threshold">, ci: Interval) => VerdictStatus,
): Part {
  return { ...spec, role: spec.role ?? "evidence", interval, status: decideStatus(spec, interval) };
}

/** Only the evidence parts (what a verdict may rest on). */
export function evidenceParts(parts: readonly Part[]): Part[] {
  return parts.filter((p) => p.role === "evidence");
}
