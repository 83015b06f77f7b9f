/**
 * Benchmark of the world (plain function; `make bench` wires it in): how many rater
 * comparisons per second, and how long one exact enumeration of the default world takes.
 */
import { Rng } from "../rng";
import { corpusTable } from "../world/corpus";
import { exactDistribution } from "../world/exact";
import { exactMetrics } from "../world/metrics";
import { sampleOutput } from "../world/policy-table";
import { sampleRater } from "../world/population";
import { sampleQuery } from "../world/query";
import { judge } from "../world/rater";
import { createWorld, type World } from "../world/world";

/** Benchmark results. */
export interface WorldBench {
  /** Full comparisons (rater draw, query, two corpus outputs, parse, judge) per second. */
  comparisonsPerSecond: number;
  /** Milliseconds for `exactDistribution` of the corpus (with itself as reference) plus `exactMetrics`. */
  exactEnumerationMs: number;
  /** Parser states and contexts of the benchmarked world. */
  states: number;
  contexts: number;
}

function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/** Runs the benchmark on `world` (default world if omitted). */
export function benchWorld(world: World = createWorld(), comparisons = 20000, seed = 0): WorldBench {
  const rng = Rng.fromSeed(seed);
  const table = corpusTable(world);
  const pop = world.config.population;
  let t0 = now();
  for (let i = 0; i < comparisons; i++) {
    const rater = sampleRater(pop, rng);
    const q = sampleQuery(world.config, world.contexts, rater.params.rho, rng);
    const a = world.space.parse(sampleOutput(world, table, q.context, rng));
    const b = world.space.parse(sampleOutput(world, table, q.context, rng));
    judge(world.config, rater, q, a, b, rng);
  }
  const comparisonsPerSecond = comparisons / ((now() - t0) / 1000);
  t0 = now();
  exactMetrics(world, exactDistribution(world, table, table));
  const exactEnumerationMs = now() - t0;
  return { comparisonsPerSecond, exactEnumerationMs, states: world.space.states.length, contexts: world.contexts.length };
}
