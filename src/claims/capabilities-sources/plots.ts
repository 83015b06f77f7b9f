/**
 * Claim 7's figures: pure functions from typed rows to Vega-Lite specs (plot/spec.ts's charts).
 */
import { bandChart, lineChart, sparkline, type Row, type VlSpec } from "../../plot/spec";
import type { RateRow } from "../complexity-needs-shaping";
import type { PlannerRow } from "./planning";
import type { CellSummary } from "./training";

/** Share of seeds that learned (95% Wilson band) against the budget in units of (1/ε)^k, one line per (k, signal). */
export function learnedShareSpec(cells: readonly CellSummary[]): VlSpec {
  const rows: Row[] = cells.map((c) => ({ budget: c.budgetOverBarrier, share: c.learnedShare.estimate, lo: c.learnedShare.lo, hi: c.learnedShare.hi, series: `${c.signal === "outcome" ? "outcome" : "rater labels"}, k=${c.k}` }));
  return bandChart(rows, { x: "budget", y: "share", lo: "lo", hi: "hi", color: "series" }, { title: "Share of seeds that learn the manoeuvre (≥ 10× base and ≥ 0.01)", xTitle: "samples / (1/ε)^k (log scale)", yTitle: "share of seeds", xLog: true });
}

/**
 * Cost against k on a log scale: each planner's nodes per episode beside sampled RL's
 * censoring-aware mean samples to first success, and the barrier (1/ε)^k.
 */
export function costSpec(planners: readonly PlannerRow[], rates: readonly RateRow[], epsilon: number): VlSpec {
  const rows: Row[] = [
    ...planners.map((p) => ({ k: p.k, cost: p.nodes, series: `${p.planner}: nodes` })),
    ...rates.filter((r) => r.meanTime !== null).map((r) => ({ k: r.k, cost: r.meanTime, series: "sampled RL: samples to first success" })),
    ...[...new Set(planners.map((p) => p.k))].map((k) => ({ k, cost: epsilon ** -k, series: "(1/ε)^k" })),
  ];
  return lineChart(rows, { x: "k", y: "cost", color: "series" }, { title: "Cost of finding the k-step manoeuvre", xTitle: "manoeuvre length k", yTitle: "nodes or samples (log scale)", yLog: true });
}

/** Ledger thumbnail: log10 of sampled RL's time to first success and of the planner's nodes, against k. */
export function thumbnailSpec(planners: readonly PlannerRow[], rates: readonly RateRow[]): VlSpec {
  const rows: Row[] = [
    ...planners.filter((p) => p.planner === "bounded search").map((p) => ({ k: p.k, v: Math.log10(p.nodes), s: "planner" })),
    ...rates.filter((r) => r.meanTime !== null).map((r) => ({ k: r.k, v: Math.log10(r.meanTime!), s: "RL" })),
  ];
  return sparkline(rows, { x: "k", y: "v", color: "s" });
}
