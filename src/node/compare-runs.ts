/**
 * Compares two report output folders (what `scripts/reports.ts --out DIR` writes): the
 * verdict files (`verdicts/*.json`) and the data tables (`data/<notebook>/*.csv`). Used to
 * show that a change meant to be numerically neutral (the speed work) leaves every verdict
 * status the same and moves every number by no more than float rounding.
 *
 * Rules:
 * - a status (a JSON field named `status`, any value under `levels`, or a CSV cell reading
 *   supported / not supported / inconclusive / not run) must be equal;
 * - two numbers agree when |a − b| ≤ max(rel · max(|a|, |b|), abs) (both NaN agree);
 * - other text must be equal in CSV cells (labels, categories); in JSON it is only counted
 *   (rendered SVG thumbnails carry coordinates as text);
 * - a file or a row present on one side only, or a table whose header differs, is a
 *   structural difference.
 * Node-only (reads files).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Tolerances: relative, with an absolute floor for values near zero. */
export interface Tolerance {
  rel: number;
  abs: number;
}

/** The default: 1e-5 relative, 1e-8 absolute. */
export const DEFAULT_TOLERANCE: Tolerance = { rel: 1e-5, abs: 1e-8 };

/** One pair of numbers. */
export interface NumberDiff {
  /** File (relative to the folder) and location inside it. */
  where: string;
  before: number;
  after: number;
  abs: number;
  /** |a − b| / max(|a|, |b|) (0 when both are 0). */
  rel: number;
}

export interface Comparison {
  files: number;
  numbers: number;
  statuses: number;
  /** Statuses that differ, as "where: before → after". */
  statusChanges: string[];
  /** Numbers beyond the tolerance. */
  outOfTolerance: NumberDiff[];
  /** Every number pair that differs at all, largest relative difference first. */
  largest: NumberDiff[];
  /** CSV text cells that differ (fail), as "where: before → after". */
  textChanges: string[];
  /** JSON text fields that differ (counted only; e.g. SVG thumbnails). */
  jsonTextDiffering: number;
  /** Missing files, rows or mismatched headers. */
  structural: string[];
  maxAbs: number;
  maxRel: number;
  /** Max relative difference over pairs where either number exceeds the absolute floor (values that are zero up to rounding left out). */
  maxRelAboveFloor: number;
  tolerance: Tolerance;
  /** True when statuses, text cells and structure are equal and every number is within tolerance. */
  equal: boolean;
}

const STATUSES = new Set(["supported", "not supported", "inconclusive", "not run"]);

/** Relative difference as documented on {@link NumberDiff}. */
export function relDiff(a: number, b: number): number {
  const m = Math.max(Math.abs(a), Math.abs(b));
  return m === 0 ? 0 : Math.abs(a - b) / m;
}

/** Whether two numbers agree within `tol`. */
export function withinTolerance(a: number, b: number, tol: Tolerance): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true; // also equal infinities
  return Math.abs(a - b) <= Math.max(tol.rel * Math.max(Math.abs(a), Math.abs(b)), tol.abs);
}

/** Splits CSV text (RFC 4180: quoted fields, doubled quotes, newlines inside quotes) into rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** A CSV cell as a number, or null when it is text (empty cells are text). */
function numeric(cell: string): number | null {
  const t = cell.trim();
  if (t === "") return null;
  if (t === "NaN") return NaN;
  if (t === "Infinity" || t === "-Infinity") return Number(t);
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : null;
}

/** Collects the differences between two folders. */
export class RunComparer {
  private readonly c: Comparison;

  constructor(tolerance: Tolerance = DEFAULT_TOLERANCE) {
    this.c = { files: 0, numbers: 0, statuses: 0, statusChanges: [], outOfTolerance: [], largest: [], textChanges: [], jsonTextDiffering: 0, structural: [], maxAbs: 0, maxRel: 0, maxRelAboveFloor: 0, tolerance, equal: true };
  }

  private number(where: string, a: number, b: number): void {
    this.c.numbers++;
    if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return;
    const d: NumberDiff = { where, before: a, after: b, abs: Math.abs(a - b), rel: relDiff(a, b) };
    if (Number.isFinite(d.abs)) {
      this.c.maxAbs = Math.max(this.c.maxAbs, d.abs);
      this.c.maxRel = Math.max(this.c.maxRel, d.rel);
      if (Math.max(Math.abs(a), Math.abs(b)) > this.c.tolerance.abs) this.c.maxRelAboveFloor = Math.max(this.c.maxRelAboveFloor, d.rel);
    }
    this.c.largest.push(d);
    if (!withinTolerance(a, b, this.c.tolerance)) this.c.outOfTolerance.push(d);
  }

  private status(where: string, a: unknown, b: unknown): void {
    this.c.statuses++;
    if (a !== b) this.c.statusChanges.push(`${where}: ${String(a)} → ${String(b)}`);
  }

  /** Compares two parsed JSON values; `statusContext` marks values under `levels`. */
  json(where: string, a: unknown, b: unknown, key = "", statusContext = false): void {
    if (key === "status" || statusContext || (typeof a === "string" && STATUSES.has(a))) {
      if (typeof a !== "object" || a === null) {
        this.status(where, a, b);
        return;
      }
    }
    if (typeof a === "number" && typeof b === "number") return this.number(where, a, b);
    if (typeof a === "string" && typeof b === "string") {
      if (a !== b) this.c.jsonTextDiffering++;
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) this.c.structural.push(`${where}: ${a.length} vs ${b.length} entries`);
      for (let i = 0; i < Math.min(a.length, b.length); i++) this.json(`${where}[${i}]`, a[i], b[i], "", statusContext);
      return;
    }
    if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
      const ka = Object.keys(a), kb = Object.keys(b);
      for (const k of ka) {
        if (!(k in b)) this.c.structural.push(`${where}.${k}: missing after`);
        else this.json(`${where}.${k}`, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], k, statusContext || k === "levels");
      }
      for (const k of kb) if (!(k in a)) this.c.structural.push(`${where}.${k}: missing before`);
      return;
    }
    if (a !== b) this.c.structural.push(`${where}: ${JSON.stringify(a)?.slice(0, 60)} vs ${JSON.stringify(b)?.slice(0, 60)}`);
  }

  /** Compares two CSV texts cell by cell. */
  csv(where: string, a: string, b: string): void {
    const ra = parseCsv(a), rb = parseCsv(b);
    const header = ra[0] ?? [];
    if (JSON.stringify(header) !== JSON.stringify(rb[0] ?? [])) {
      this.c.structural.push(`${where}: headers differ`);
      return;
    }
    if (ra.length !== rb.length) this.c.structural.push(`${where}: ${ra.length - 1} vs ${rb.length - 1} rows`);
    for (let r = 1; r < Math.min(ra.length, rb.length); r++) {
      const x = ra[r]!, y = rb[r]!;
      for (let k = 0; k < Math.max(x.length, y.length); k++) {
        const at = `${where} row ${r} ${header[k] ?? `#${k}`}`;
        const p = x[k] ?? "", q = y[k] ?? "";
        const np = numeric(p), nq = numeric(q);
        if (np !== null && nq !== null) this.number(at, np, nq);
        else if (STATUSES.has(p) || STATUSES.has(q)) this.status(at, p, q);
        else if (p !== q) this.c.textChanges.push(`${at}: ${p.slice(0, 40)} → ${q.slice(0, 40)}`);
      }
    }
  }

  /** Compares the verdict and data files of two output folders. */
  folders(before: string, after: string): Comparison {
    const files = new Set([...listFiles(before), ...listFiles(after)]);
    for (const f of [...files].sort()) {
      const pa = path.join(before, f), pb = path.join(after, f);
      if (!fs.existsSync(pa) || !fs.existsSync(pb)) {
        this.c.structural.push(`${f}: only in ${fs.existsSync(pa) ? "before" : "after"}`);
        continue;
      }
      this.c.files++;
      const a = fs.readFileSync(pa, "utf8"), b = fs.readFileSync(pb, "utf8");
      if (f.endsWith(".json")) this.json(f, JSON.parse(a) as unknown, JSON.parse(b) as unknown);
      else this.csv(f, a, b);
    }
    return this.result();
  }

  result(): Comparison {
    const c = this.c;
    c.largest.sort((x, y) => y.rel - x.rel || y.abs - x.abs);
    c.outOfTolerance.sort((x, y) => y.rel - x.rel || y.abs - x.abs);
    c.equal = c.statusChanges.length === 0 && c.outOfTolerance.length === 0 && c.textChanges.length === 0 && c.structural.length === 0;
    return c;
  }
}

/** `verdicts/*.json` and `data/**\/*.csv` under `dir`, relative to it. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if ((rel.startsWith("verdicts") && e.name.endsWith(".json")) || (rel.startsWith("data") && e.name.endsWith(".csv"))) out.push(r);
    }
  };
  walk("verdicts");
  walk("data");
  return out;
}

/** Compares two report output folders (see the module comment for the rules). */
export function compareRuns(before: string, after: string, tolerance: Tolerance = DEFAULT_TOLERANCE): Comparison {
  for (const d of [before, after]) if (!fs.existsSync(d)) throw new Error(`compare-runs: no such folder ${d}`);
  return new RunComparer(tolerance).folders(before, after);
}
