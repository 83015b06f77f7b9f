/**
 * `rlhf claim <n>`: one claim's experiment, as its notebook runs it (the claim module's
 * `budget`, `run` and `decide`, and the notebook's verdict), with the world, budget and
 * seeds a user chooses. Writes to the output folder:
 *
 *   verdict.json     the verdict, as the ledger stores it (status, headline interval, every part)
 *   parts.csv        every part: estimate, interval, threshold, status (evidence, then checks)
 *   parts.svg        the parts against their thresholds (estimate and 95% interval)
 *   results.json     everything `run` returned
 *   rows/<name>.csv  every table of rows in the results (e.g. rows/trained.rows.csv)
 *   config.json      the world overrides, the resolved budget and the mode
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as claimsNs from "../claims";
import { ConfigError } from "../errors";
import type { Mode } from "../mode";
import { createWorld, makeWorldConfig, type DeepPartial, type WorldConfig } from "../world";
import { initBackend } from "../tf/backend";
import { renderSvg } from "../plot/render";
import type { Row, VlSpec } from "../plot/spec";
import { toCsv } from "../table";
import type { BaseBudget, ClaimModule, Part } from "../claims/kit/contract";
import { claimVerdict, partsTable } from "../node/notebook";
import { parseSeeds } from "../claims/sweep/spec";
import { applySets, readConfigFile } from "./config";
import type { ProgressState } from "./progress";
import { seedPool } from "../node/seed-pool";

type AnyClaim = ClaimModule<BaseBudget, unknown>;

/** Every claim module, by claim number. */
export function claimModules(): Map<number, AnyClaim> {
  const out = new Map<number, AnyClaim>();
  for (const ns of Object.values(claimsNs)) {
    const c = (ns as { claim?: AnyClaim }).claim;
    if (c && typeof c === "object" && typeof c.claim === "number" && typeof c.run === "function") out.set(c.claim, c);
  }
  return out;
}

/** Options of {@link runClaimCommand}. */
export interface ClaimCommandOptions {
  quick?: boolean;
  seeds?: string;
  set?: string[];
  config?: string;
  out: string;
  /** Worker threads for the claim's seeds (default: `RLHF_WORKERS`, else the machine's cores; 1: one after another). */
  workers?: number;
  onProgress?: (p: ProgressState) => void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The claim's world overrides and budget overrides from --config and --set (checked before any work). */
export function claimInputs(
  claim: AnyClaim,
  mode: Mode,
  o: Pick<ClaimCommandOptions, "seeds" | "set" | "config">,
): { world: DeepPartial<WorldConfig>; budget: BaseBudget } {
  let cfg: Record<string, unknown> = {};
  if (o.config) {
    const c = readConfigFile(o.config);
    if (!isObject(c)) throw new ConfigError(o.config, c, "an object { world: {...}, budget: {...} }");
    cfg = c;
  }
  cfg = applySets(cfg, o.set ?? []);
  for (const k of Object.keys(cfg))
    if (k !== "world" && k !== "budget") throw new ConfigError(k, cfg[k], 'a known field ("world" or "budget"; --set paths start with world. or budget.)');
  const world = (cfg["world"] ?? {}) as DeepPartial<WorldConfig>;
  if (!isObject(world)) throw new ConfigError("world", world, "an object of world fields");
  try {
    makeWorldConfig(world);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`world.${e.field}`, e.value, e.allowed);
    throw e;
  }
  const overrides = { ...((cfg["budget"] ?? {}) as Record<string, unknown>) };
  if (!isObject(cfg["budget"] ?? {})) throw new ConfigError("budget", cfg["budget"], "an object of budget fields");
  if (o.seeds !== undefined) overrides["seeds"] = parseSeeds(o.seeds, "--seeds");
  return { world, budget: claim.budget(mode, overrides) };
}

/** Every array of plain row objects inside `results`, by dotted path. */
export function rowTables(results: unknown, prefix = ""): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  const walk = (v: unknown, p: string) => {
    if (Array.isArray(v)) {
      if (v.length > 0 && v.every((r) => isObject(r) && Object.values(r).every((x) => x === null || ["number", "string", "boolean"].includes(typeof x))))
        out.set(p || "rows", v as Row[]);
      return;
    }
    if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, p ? `${p}.${k}` : k);
  };
  walk(results, prefix);
  return out;
}

/** Vega-Lite spec of parts against their thresholds: one row per part, estimate and interval, threshold as a tick. */
export function partsSpec(parts: readonly Part[]): VlSpec {
  const values = parts.map((p) => ({
    part: `${p.role === "check" ? "(check) " : ""}${p.effect}`,
    estimate: p.interval.estimate,
    lo: Number.isFinite(p.interval.lo) ? p.interval.lo : p.interval.estimate,
    hi: Number.isFinite(p.interval.hi) ? p.interval.hi : p.interval.estimate,
    threshold: p.threshold,
    status: p.status,
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values },
    width: 320,
    height: { step: 18 },
    resolve: { scale: { x: "independent" } },
    facet: { row: { field: "part", type: "nominal", sort: null, title: null, header: { labelAngle: 0, labelAlign: "left", labelLimit: 420 } } },
    spec: {
      width: 320,
      height: 14,
      layer: [
        { mark: "rule", encoding: { x: { field: "lo", type: "quantitative", title: null, scale: { zero: false } }, x2: { field: "hi" } } },
        {
          mark: { type: "point", filled: true },
          encoding: {
            x: { field: "estimate", type: "quantitative" },
            color: {
              field: "status",
              type: "nominal",
              scale: { domain: ["supported", "not supported", "inconclusive"], range: ["#1a7f37", "#cf222e", "#9a6700"] },
            },
          },
        },
        { mark: { type: "tick", color: "#555", thickness: 2 }, encoding: { x: { field: "threshold", type: "quantitative" } } },
      ],
    },
    config: { view: { stroke: null } },
  };
}

function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? null : x), 2) + "\n";
}

/** Runs one claim and writes its files; returns the verdict's status and the files written. */
export async function runClaimCommand(n: number, o: ClaimCommandOptions): Promise<{ status: string; files: string[] }> {
  const modules = claimModules();
  const claim = modules.get(n);
  if (!claim) throw new ConfigError("claim", n, `a claim number (one of ${[...modules.keys()].sort((a, b) => a - b).join(", ")})`);
  const mode: Mode = o.quick ? "quick" : "full";
  const { world: worldOverrides, budget } = claimInputs(claim, mode, o);
  // A claim of plain numbers starts no backend (nor do its pool threads: they follow this thread).
  if (claim.tensors !== false) await initBackend();
  const world = createWorld(makeWorldConfig(worldOverrides));
  const start = Date.now();
  const runner = seedPool(o.workers === undefined ? {} : { workers: o.workers });
  const results = await claim.run(
    world,
    budget,
    budget.seeds,
    (done, total, label) => {
      const elapsed = (Date.now() - start) / 1000;
      const rate = done > 0 && elapsed > 0 ? done / elapsed : null;
      o.onProgress?.({ done, total, rate, eta: rate ? (total - done) / rate : null, label });
    },
    { runner },
  );
  const decision = claim.decide(results, budget);
  const verdict = claimVerdict(claim, budget, mode, budget.seeds, decision);
  fs.mkdirSync(path.join(o.out, "rows"), { recursive: true });
  const files: string[] = [];
  const write = (name: string, text: string) => {
    const f = path.join(o.out, name);
    fs.writeFileSync(f, text);
    files.push(f);
  };
  write("verdict.json", jsonText(verdict));
  write("config.json", jsonText({ claim: n, mode, world: worldOverrides, budget }));
  write("parts.csv", toCsv(partsTable(decision.parts)));
  write("parts.svg", await renderSvg(partsSpec(decision.parts)));
  write("results.json", jsonText(results));
  for (const [name, rows] of rowTables(results)) write(path.join("rows", `${name}.csv`), toCsv(rows));
  return { status: verdict.status, files };
}
