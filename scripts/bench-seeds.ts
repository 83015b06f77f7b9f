/**
 * Seed-pool benchmark: one claim's whole `claim.run` (quick budget by default: its exact
 * incentive level in this thread, then its seeds) with the seeds run one after another
 * (1 worker) and on a pool of 2 worker threads, alternating, wall clock including thread
 * start-up (each thread loads TensorFlow.js and the world). With `--seeds-only`, only the
 * seeds' part (claim 1's trained level; claim 2's per-seed jobs; claim 5's label-training
 * section: its DPO runs, with the label grid beside them; claim 6's jobs), which the pool spreads. The results of both must be
 * identical (checked, as JSON text). The CPU column is this process's CPU time over wall
 * time (threads included): ≈ 2 means both cores were ours; less means other processes
 * shared them.
 *
 *   make bench-seeds                                   (claim 1, quick, 2 rounds)
 *   tsx scripts/bench-seeds.ts --claim 2 --rounds 3 --seeds-only [--full] [--seeds 6]   (--seeds N: seeds 101…100+N; --claim 1, 2, 5 or 6)
 *   tsx scripts/bench-seeds.ts --claim 6 --full --rounds 2      (claim 6: route a here, routes b and c as jobs)
 *
 * With `--json`, the last line printed is the summary as JSON (what `make bench` reads).
 */
import * as os from "node:os";
import { claims, createWorld, initBackend, type Mode, type SeedRunner } from "../dist";
import { seedPool } from "../dist/node";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const CLAIMS = { "1": claims.ratersNotOutcomes.claim, "2": claims.rewardModelOvershoots.claim, "5": claims.noPowerSeeking.claim, "6": claims.reweighting.claim } as const;

/** The seeds' part of each claim alone (no incentive level). */
const SEEDS_ONLY: Record<keyof typeof CLAIMS, (world: ReturnType<typeof createWorld>, budget: never, runner: SeedRunner) => Promise<unknown>> = {
  "1": (world, budget, runner) =>
    claims.ratersNotOutcomes.runRatersNotOutcomesTrained(world, budget, (budget as { seeds: number[] }).seeds, undefined, { runner }),
  "2": (world, budget, runner) => {
    const { seeds, ...overrides } = budget as { seeds: number[] };
    const config = claims.rewardModelOvershoots.resolveOvershootConfig(overrides);
    const w = claims.kit.withNoisyOracle(world).config;
    const jobs = seeds.map((seed, i) => ({ seed, condition: "claim 2", payload: { world: w, config, seed, withPpo: i < config.ppoSeeds } }));
    return claims.kit.runSeedJobs(runner, claims.rewardModelOvershoots.overshootSeedTask, jobs);
  },
  // Claim 5's section with the DPO runs (its label grid and presets beside them).
  "5": (_world, budget, runner) => claims.noPowerSeeking.labelTrainingSection(budget, (budget as { seeds: number[] }).seeds, undefined, { runner }),
  // Claim 6: DPO on the mixture's weights per (labeller, seed) and the network seeds (the exact route a is left out).
  "6": (_world, budget, runner) => {
    const b = budget as Parameters<typeof claims.reweighting.reweightingJobs>[0];
    return claims.kit.runSeedJobs(runner, claims.reweighting.reweightingSeedTask, claims.reweighting.reweightingJobs(b, b.seeds));
  },
};

async function main(): Promise<void> {
  const which = arg("--claim", "1");
  const claim = CLAIMS[which as keyof typeof CLAIMS];
  if (!claim) throw new Error(`--claim must be one of ${Object.keys(CLAIMS).join(", ")}`);
  const rounds = Number(arg("--rounds", "2"));
  const mode: Mode = process.argv.includes("--full") ? "full" : "quick";
  const seedsOnly = process.argv.includes("--seeds-only");
  await initBackend();
  const count = Number(arg("--seeds", "0"));
  const budget = claim.budget(mode, count > 0 ? { seeds: Array.from({ length: count }, (_, i) => 101 + i) } : undefined) as never;
  const world = createWorld();
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ");
  console.log(
    `seed benchmark: claim ${which} (${claim.notebook}), ${mode} budget, ${(budget as { seeds: number[] }).seeds.length} seeds, ${seedsOnly ? "seeds only" : "whole run"}; ${os.availableParallelism()} cores; load average ${load()}`,
  );
  const runners: [string, SeedRunner][] = [
    ["1 worker (sequential)", seedPool({ workers: 1 })],
    ["2 workers (pool)", seedPool({ workers: 2 })],
  ];
  const times = new Map<string, { s: number; cpu: number }[]>();
  let reference: string | null = null;
  for (let r = 0; r < rounds; r++) {
    for (const [name, runner] of r % 2 === 0 ? runners : [...runners].reverse()) {
      const t = performance.now(),
        c = process.cpuUsage();
      const results = seedsOnly
        ? await SEEDS_ONLY[which as keyof typeof CLAIMS](world, budget, runner)
        : await claim.run(world, budget, (budget as { seeds: number[] }).seeds, undefined, { runner });
      const s = (performance.now() - t) / 1000,
        u = process.cpuUsage(c);
      const text = JSON.stringify(results);
      if (reference === null) reference = text;
      else if (text !== reference) throw new Error(`results differ (${name}, round ${r + 1})`);
      const cpu = (u.user + u.system) / 1e6 / s;
      (times.get(name) ?? times.set(name, []).get(name)!).push({ s, cpu });
      console.log(`  round ${r + 1}, ${name}: ${s.toFixed(1)} s wall, CPU/wall ${cpu.toFixed(2)}; load average ${load()}`);
    }
  }
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b),
      m = Math.floor(v.length / 2);
    return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
  };
  const [one, two] = runners.map(([n]) => median(times.get(n)!.map((x) => x.s)));
  console.log(`median: 1 worker ${one!.toFixed(1)} s, 2 workers ${two!.toFixed(1)} s → speed-up ×${(one! / two!).toFixed(2)}; results identical in every run`);
  if (process.argv.includes("--json")) {
    const summary: SeedBenchSummary = { claim: which, mode, seeds: (budget as { seeds: number[] }).seeds.length, seedsOnly, rounds, oneWorker: one!, twoWorkers: two!, speedUp: one! / two! };
    console.log(JSON.stringify(summary));
  }
}

/** The `--json` summary line. */
export interface SeedBenchSummary {
  claim: string;
  mode: Mode;
  seeds: number;
  seedsOnly: boolean;
  rounds: number;
  /** Median wall seconds with one worker (sequential) and with 2 threads. */
  oneWorker: number;
  twoWorkers: number;
  speedUp: number;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
