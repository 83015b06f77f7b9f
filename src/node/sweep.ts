/**
 * Running a sweep (Node-only): expand and check the spec (claims/sweep/spec.ts) before any
 * run, give each run a key (a hash of its resolved config and seed), skip the keys already
 * in the output folder, run the rest sequentially, on the worker pool or through the job
 * queue, and write what they return.
 *
 * Files in `out/`:
 *   runs.jsonl     one JSON object per finished run: key, seed, every parameter (dotted), every
 *                  metric. Appended and fsynced as each run finishes, so an interrupted sweep
 *                  (Ctrl-C, a killed worker or machine) loses no finished run; rewritten in
 *                  the spec's run order when the sweep stops, so the file is the same whatever
 *                  the engine and worker count.
 *   runs.csv       the same rows as CSV (rewritten from runs.jsonl when the sweep stops).
 *   summary.csv    means and 95% Student-t intervals of every metric per group (the varied
 *                  parameters, or the spec's summary.by), with n; summary.md the same as a table.
 *
 * Rows of runs.jsonl whose key the current spec does not plan (an earlier spec written to the
 * same folder) are kept, after the planned ones.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { planSweep, type PlannedRun, type SweepPlan } from "../claims/sweep/spec";
import { DPO_RUN_METRICS } from "../claims/sweep/run";
import { summarise } from "../claims/kit/seeds";
import { toCsv } from "../table";
import type { Row } from "../plot/spec";
import { ConfigError } from "../errors";
import { checkWorkers, createPool, defaultWorkers, runSequential, type PoolJob } from "./pool";
import { SWEEP_JOB_MODULE, type SweepJobPayload } from "./sweep-job";
import { acquireLock } from "./lock";

/** Version of the run unit, part of every key: bump it when a run's numbers change meaning. */
export const RUN_UNIT = "dpo-run/1";

/** The engines a sweep can run on. */
export const ENGINES = ["sequential", "pool", "queue"] as const;
export type Engine = (typeof ENGINES)[number];

/** What {@link runSweep} reports after each finished run. */
export interface SweepProgress {
  /** Runs finished in this call (not counting skipped ones). */
  done: number;
  /** Runs this call has to execute. */
  total: number;
  /** Runs skipped because their key was already in runs.jsonl. */
  skipped: number;
  /** Seconds since the first run started. */
  elapsed: number;
  /** Finished runs per second so far. */
  rate: number;
  /** Estimated seconds left (null before the first run finishes). */
  eta: number | null;
  /** The run that just finished. */
  label: string;
}

/** Options of {@link runSweep}. */
export interface SweepOptions {
  /** Output folder (created). */
  out: string;
  /** "pool" (default), "sequential", or "queue" (needs `queue`). */
  engine?: Engine;
  /** Pool threads (default: the machine's parallelism). */
  workers?: number;
  /** redis://host:port of the job queue (engine "queue"). */
  queue?: string;
  /** Queue name (default "rlhf-sweep"). */
  queueName?: string;
  /** Called after each finished run. */
  onProgress?: (p: SweepProgress) => void;
  /** Stops the sweep: no new run starts; finished runs are written. */
  signal?: AbortSignal;
}

/** What a sweep did. */
export interface SweepResult {
  plan: SweepPlan;
  /** Runs executed by this call, and runs skipped (already done). */
  executed: number;
  skipped: number;
  /** True when stopped by the signal before every run finished. */
  interrupted: boolean;
  /** The planned runs' rows in spec order (finished ones only when interrupted). */
  rows: Row[];
  /** The summary table. */
  summary: Row[];
  /** Files written. */
  files: { jsonl: string; csv: string; summaryCsv: string; summaryMd: string };
}

/** JSON with object keys sorted (a stable text for hashing). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** A run's key: the first 16 hex digits of SHA-256 over the run unit, the resolved config and the seed. */
export function runKey(run: Pick<PlannedRun, "config" | "seed">): string {
  return createHash("sha256")
    .update(canonicalJson({ unit: RUN_UNIT, config: run.config, seed: run.seed }))
    .digest("hex")
    .slice(0, 16);
}

/** A run's row: key, seed, parameters, metrics (in that column order). */
export function runRow(run: PlannedRun, key: string, metrics: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const row: Record<string, unknown> = { key, seed: run.seed };
  Object.assign(row, run.params);
  for (const m of DPO_RUN_METRICS) row[m] = metrics[m] ?? null;
  return row;
}

/**
 * Reads runs.jsonl: rows by key, in file order. A last line cut short by a kill (no final
 * newline, or not JSON) is dropped and the file truncated to its last complete line, so
 * appending continues cleanly.
 */
export function readJournal(file: string): Map<string, Record<string, unknown>> {
  const rows = new Map<string, Record<string, unknown>>();
  if (!fs.existsSync(file)) return rows;
  let text = fs.readFileSync(file, "utf8");
  if (text.length > 0 && !text.endsWith("\n")) {
    text = text.slice(0, text.lastIndexOf("\n") + 1);
    fs.truncateSync(file, Buffer.byteLength(text));
  }
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch {
      throw new Error(`${file}: line ${i + 1} is not JSON; move the file away or fix the line`);
    }
    const key = (r as Record<string, unknown>)?.["key"];
    if (typeof key !== "string") throw new Error(`${file}: line ${i + 1} has no key`);
    rows.set(key, r as Record<string, unknown>);
  });
  return rows;
}

/** Appends one row to the journal and forces it to disk. */
function appendRow(fd: number, row: Record<string, unknown>): void {
  fs.writeSync(fd, JSON.stringify(row) + "\n");
  fs.fsyncSync(fd);
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** A CSV cell for any row value (lists as JSON text). */
function csvRow(r: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(r)) out[k] = Array.isArray(v) || (v !== null && typeof v === "object") ? JSON.stringify(v) : (v as Row[string]);
  return out;
}

/** Formats a summary row's "mean [lo, hi]" cells for summary.md. */
function summaryMarkdown(summary: readonly Row[], by: readonly string[], metrics: readonly string[]): string {
  const fmt = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : v === null || v === undefined ? "" : String(v));
  const head = [...by, "n", ...metrics];
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`];
  for (const r of summary) {
    const cells = [
      ...by.map((b) => (r[b] === null || r[b] === undefined ? "" : String(r[b]))),
      fmt(r["n"]),
      ...metrics.map((m) => (r[m] === null ? "" : `${fmt(r[m])} [${fmt(r[`${m}_lo`])}, ${fmt(r[`${m}_hi`])}]`)),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}

/** Metrics shown in summary.md (summary.csv has every metric). */
export const SUMMARY_MD_METRICS = [
  "trueUtility",
  "believedUtility",
  "proxy",
  "kl",
  "sycophancyRate",
  "exaggerationRate",
  "hallucinationRate",
  "fabricationRate",
  "completionRate",
];

/** Writes runs.csv, summary.csv and summary.md from the journal (planned rows first, in plan order). */
function finalise(plan: SweepPlan, keys: readonly string[], files: SweepResult["files"]): { rows: Row[]; summary: Row[] } {
  const journal = readJournal(files.jsonl);
  const planned = keys.flatMap((k) => (journal.has(k) ? [journal.get(k)!] : []));
  const plannedKeys = new Set(keys);
  const others = [...journal.entries()].filter(([k]) => !plannedKeys.has(k)).map(([, r]) => r);
  const all = [...planned, ...others];
  writeAtomic(files.jsonl, all.map((r) => JSON.stringify(r) + "\n").join(""));
  writeAtomic(files.csv, toCsv(all.map(csvRow)));
  const rows = planned.map(csvRow);
  const metrics = DPO_RUN_METRICS.filter((m) => rows.some((r) => typeof r[m] === "number"));
  const summary = summarise(rows, plan.summaryBy, metrics);
  writeAtomic(files.summaryCsv, toCsv(summary));
  writeAtomic(
    files.summaryMd,
    `# ${plan.name}: means and 95% intervals over seeds\n\n` +
      summaryMarkdown(
        summary,
        plan.summaryBy,
        SUMMARY_MD_METRICS.filter((m) => metrics.includes(m as (typeof metrics)[number])),
      ),
  );
  return { rows, summary };
}

/** A run's label in progress lines: its varied parameters and seed. */
function runLabel(plan: SweepPlan, run: PlannedRun): string {
  const parts = plan.summaryBy.map((c) => `${c}=${JSON.stringify(run.params[c])}`);
  return [...parts, `seed=${run.seed}`].join(" ");
}

/**
 * Runs a sweep: checks and expands `spec` (a ConfigError naming the field before any run),
 * skips finished keys, runs the rest on the chosen engine and writes the files. Resolves
 * when every run has finished, or when `signal` stopped it (`interrupted`); a run that
 * fails rejects the sweep after the finished runs are written.
 */
export async function runSweep(spec: unknown, options: SweepOptions): Promise<SweepResult> {
  const plan = planSweep(spec);
  const engine = options.engine ?? "pool";
  if (!(ENGINES as readonly string[]).includes(engine)) throw new ConfigError("engine", engine, `one of ${ENGINES.join(", ")}`);
  if (engine === "queue" && !options.queue) throw new ConfigError("queue", options.queue, "a redis://host:port URL when the engine is the queue");
  const workers = options.workers === undefined ? defaultWorkers() : checkWorkers(options.workers);

  fs.mkdirSync(options.out, { recursive: true });
  // One sweep at a time per output folder (two would interleave and rewrite each other's files).
  const release = acquireLock(path.join(options.out, ".lock"), "sweep");
  try {
    return await runLocked(plan, engine, workers, options);
  } finally {
    release();
  }
}

async function runLocked(plan: SweepPlan, engine: (typeof ENGINES)[number], workers: number, options: SweepOptions): Promise<SweepResult> {
  const files = {
    jsonl: path.join(options.out, "runs.jsonl"),
    csv: path.join(options.out, "runs.csv"),
    summaryCsv: path.join(options.out, "summary.csv"),
    summaryMd: path.join(options.out, "summary.md"),
  };
  const keys = plan.runs.map(runKey);
  const done = readJournal(files.jsonl);
  const todo = plan.runs.filter((_, i) => !done.has(keys[i]!));
  const skipped = plan.runs.length - todo.length;

  const fd = fs.openSync(files.jsonl, "a");
  const start = Date.now();
  let finished = 0;
  const onResult = (metrics: Record<string, unknown>, i: number) => {
    const run = todo[i]!;
    appendRow(fd, runRow(run, keys[run.index]!, metrics));
    finished++;
    const elapsed = (Date.now() - start) / 1000;
    const rate = elapsed > 0 ? finished / elapsed : 0;
    options.onProgress?.({
      done: finished,
      total: todo.length,
      skipped,
      elapsed,
      rate,
      eta: rate > 0 ? (todo.length - finished) / rate : null,
      label: runLabel(plan, run),
    });
  };
  const jobs: PoolJob<SweepJobPayload>[] = todo.map((r) => ({ module: SWEEP_JOB_MODULE, fn: "runSweepJob", payload: { config: r.config, seed: r.seed } }));
  const signal = options.signal;
  let interrupted = false;
  let failure: unknown = null;
  try {
    if (todo.length > 0 && !signal?.aborted) {
      if (engine === "sequential") {
        await runSequential(jobs, (r, i) => onResult(r as Record<string, unknown>, i), signal);
      } else if (engine === "pool") {
        const pool = createPool({ workers: Math.min(workers, todo.length) });
        try {
          await pool.map(jobs, (r, i) => onResult(r as Record<string, unknown>, i), signal);
        } finally {
          await pool.close();
        }
      } else {
        // Loaded only here: bullmq and ioredis are optional dependencies.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { runOnQueue } = require("./queue") as typeof import("./queue");
        await runOnQueue(
          todo.map((r, i) => ({ key: keys[r.index]!, payload: jobs[i]!.payload })),
          { url: options.queue!, ...(options.queueName ? { name: options.queueName } : {}), ...(signal ? { signal } : {}) },
          (r, i) => onResult(r as Record<string, unknown>, i),
        );
      }
    }
  } catch (e) {
    if (signal?.aborted) interrupted = true;
    else failure = e;
  } finally {
    fs.closeSync(fd);
  }
  if (signal?.aborted) interrupted = finished < todo.length;
  const { rows, summary } = finalise(plan, keys, files);
  if (failure) throw failure;
  return { plan, executed: finished, skipped, interrupted, rows, summary, files };
}
