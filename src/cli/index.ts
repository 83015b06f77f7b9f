/**
 * The `rlhf` command line (Node-only): `rlhf claim`, `rlhf sweep`, `rlhf worker`. Every
 * input is checked before any work, with the library's messages (field, value, allowed
 * range); a bad input exits with status 2, a failed run with 1, Ctrl-C with 130.
 */
import * as path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { ConfigError } from "../errors";
import { LockedError } from "../node/lock";
import { ENGINES, runSweep, type Engine } from "../node/sweep";
import type * as QueueModule from "../node/queue";
import { defaultWorkers } from "../node/pool";
import { readConfigFile } from "./config";
import { runClaimCommand } from "./claim";
import { Progress, formatDuration } from "./progress";

function integer(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
    return n;
  };
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Ctrl-C / SIGTERM → an AbortSignal (a second Ctrl-C exits at once). */
function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const handler = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write("\nstopping: no new run starts; finished runs are kept (Ctrl-C again to quit now)\n");
    ac.abort(new Error("interrupted"));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

/** The program (exported for tests and `--help` checks). */
export function program(): Command {
  const p = new Command("rlhf")
    .description("Run the claims' experiments and parameter sweeps of rlhf-incentives from the command line.")
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });

  p.command("claim")
    .description("Run one claim's experiment (the same code as its notebook) and write its rows, verdict and plots.")
    .argument("<n>", "claim number (1-7)", integer("claim", 1))
    .option("--quick", "quick budgets (the test suite's smoke sizes) instead of full")
    .option("--seeds <seeds>", 'seeds: a range "1-20", or a list "1,2,5"')
    .option("--set <path=value>", "override a field: world.<field> or budget.<field> (repeatable; value read as YAML)", collect, [])
    .option("--config <file>", "YAML or JSON file { world: {...}, budget: {...} } (applied before --set)")
    .option("--out <dir>", "output folder (default: runs/claim-<n>)")
    .option("--workers <n>", `worker threads for the seeds (default: RLHF_WORKERS, else ${defaultWorkers()}, the machine's cores; 1: one after another)`, integer("--workers", 1))
    .addHelpText(
      "after",
      `
Examples:
  rlhf claim 1 --quick --seeds 1-3 --set world.population.verify.lo=0.2 --set budget.pairs=200
  rlhf claim 5 --config my-world.yaml --out runs/claim5-mine

Writes verdict.json, parts.csv, parts.svg, results.json, config.json and rows/*.csv.`,
    )
    .action(async (n: number, o: { quick?: boolean; seeds?: string; set: string[]; config?: string; out?: string; workers?: number }) => {
      const out = o.out ?? path.join("runs", `claim-${n}`);
      const progress = new Progress(process.stderr, "steps");
      const t0 = Date.now();
      const r = await runClaimCommand(n, { ...o, out, onProgress: (s) => progress.update(s) });
      progress.end();
      console.log(`claim ${n}: ${r.status} (${formatDuration((Date.now() - t0) / 1000)}); wrote ${out}/ (${r.files.length} files)`);
    });

  p.command("sweep")
    .description("Run a grid or list of runs × seeds from a YAML/JSON spec; write runs.jsonl, runs.csv and summary tables.")
    .argument("<spec>", "sweep spec file (YAML or JSON)")
    .option("--workers <n>", `worker threads on this machine (default: ${defaultWorkers()}, the machine's cores)`, integer("--workers", 1))
    .option("--queue <url>", "run through a BullMQ job queue on Redis (redis://host:port); start `rlhf worker` processes to take the runs")
    .option("--queue-name <name>", "queue name", "rlhf-sweep")
    .addOption(new Option("--engine <engine>", "sequential (this thread), pool (worker threads) or queue (implied by --queue)").choices([...ENGINES]))
    .option("--out <dir>", "output folder (default: runs/<spec name>)")
    .addHelpText(
      "after",
      `
Examples:
  rlhf sweep examples/sweep-verify.yaml --out runs/verify
  rlhf sweep examples/sweep-verify.yaml --workers 1 --out runs/verify      # one thread
  rlhf sweep examples/sweep-verify.yaml --queue redis://10.0.0.5:6379      # with rlhf worker processes

A rerun skips runs already in <out>/runs.jsonl; Ctrl-C keeps every finished run.`,
    )
    .action(async (specFile: string, o: { workers?: number; queue?: string; queueName: string; engine?: Engine; out?: string }) => {
      const spec = readConfigFile(specFile);
      const engine: Engine = o.engine ?? (o.queue ? "queue" : "pool");
      const out = o.out ?? path.join("runs", path.basename(specFile).replace(/\.(ya?ml|json)$/i, ""));
      const progress = new Progress(process.stderr, "runs");
      const { signal, dispose } = interruptSignal();
      try {
        const r = await runSweep(spec, {
          out,
          engine,
          ...(o.workers !== undefined ? { workers: o.workers } : {}),
          ...(o.queue ? { queue: o.queue } : {}),
          queueName: o.queueName,
          signal,
          onProgress: (s) => progress.update(s),
        });
        progress.end();
        const where = engine === "queue" ? `queue ${o.queue}` : engine === "pool" ? `${o.workers ?? defaultWorkers()} worker thread(s)` : "sequential";
        console.log(
          `${r.plan.name}: ${r.executed} run(s) finished now, ${r.skipped} were already in ${out}, ${r.plan.runs.length} planned (${where}); wrote ${r.files.jsonl}, ${r.files.csv}, ${r.files.summaryCsv}, ${r.files.summaryMd}`,
        );
        if (r.interrupted) {
          console.log("interrupted: rerun the same command to finish the remaining runs");
          process.exitCode = 130;
        }
      } finally {
        dispose();
      }
    });

  p.command("worker")
    .description("Take sweep runs from a BullMQ job queue on Redis until stopped (Ctrl-C finishes running jobs).")
    .requiredOption("--queue <url>", "the queue's Redis (redis://host:port)")
    .option("--queue-name <name>", "queue name", "rlhf-sweep")
    .option("--workers <n>", `runs at a time on this machine (default: ${defaultWorkers()})`, integer("--workers", 1))
    .option("--lock-ms <ms>", "how long a killed worker's run stays locked before another worker retakes it", integer("--lock-ms", 500), 30000)
    .addHelpText(
      "after",
      `
Example:
  rlhf worker --queue redis://10.0.0.5:6379 --workers 2`,
    )
    .action(async (o: { queue: string; queueName: string; workers?: number; lockMs: number }) => {
      // Loaded only here: bullmq and ioredis are optional dependencies.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { startQueueWorker } = require("../node/queue") as typeof QueueModule;
      const w = await startQueueWorker({
        url: o.queue,
        name: o.queueName,
        ...(o.workers !== undefined ? { workers: o.workers } : {}),
        lockDuration: o.lockMs,
        onEvent: (e, key, detail) => console.log(`${new Date().toISOString()} ${e} ${key}${detail ? `: ${detail}` : ""}`),
      });
      console.log(`worker ${process.pid}: taking runs from ${o.queue} (queue "${o.queueName}", ${o.workers ?? defaultWorkers()} at a time); Ctrl-C to stop`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      console.log("stopping: finishing running jobs");
      await w.close();
    });
  return p;
}

/** Runs the CLI with `argv` (process.argv by default); sets the exit code. */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof LockedError) {
      console.error(`rlhf: ${e.message}`);
      process.exitCode = 2;
      return;
    }
    console.error(`rlhf: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
