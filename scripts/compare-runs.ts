/**
 * Compares two report output folders (verdict JSON files and data CSVs) and says whether
 * every verdict status is equal and every number within a relative tolerance; prints the
 * largest differences. Exit status 0 when they agree, 1 when not, 2 on bad usage.
 *
 * Usage: tsx scripts/compare-runs.ts BEFORE AFTER [--tol REL] [--abs ABS] [--top N]
 *   --tol  relative tolerance (default 1e-5)
 *   --abs  absolute floor for numbers near zero (default 1e-8)
 *   --top  how many of the largest differences to list (default 10)
 * Rules: src/node/compare-runs.ts.
 */
import { compareRuns, DEFAULT_TOLERANCE, type NumberDiff } from "../src/node/compare-runs";

function usage(msg: string): never {
  console.error(`compare-runs: ${msg}\nusage: tsx scripts/compare-runs.ts BEFORE AFTER [--tol REL] [--abs ABS] [--top N]`);
  process.exit(2);
}

function parse(argv: string[]): { before: string; after: string; rel: number; abs: number; top: number } {
  const pos: string[] = [];
  const opts = { rel: DEFAULT_TOLERANCE.rel, abs: DEFAULT_TOLERANCE.abs, top: 10 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const flag = { "--tol": "rel", "--abs": "abs", "--top": "top" }[a] as keyof typeof opts | undefined;
    if (flag !== undefined) {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) usage(`${a} needs a non-negative number, got ${argv[i]}`);
      opts[flag] = v;
    } else if (a.startsWith("--")) usage(`unknown option ${a}`);
    else pos.push(a);
  }
  if (pos.length !== 2) usage("give two folders");
  return { before: pos[0]!, after: pos[1]!, ...opts };
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(10));
const row = (d: NumberDiff) => `  ${d.where}\n      ${fmt(d.before)} → ${fmt(d.after)}   abs ${d.abs.toExponential(2)}   rel ${d.rel.toExponential(2)}`;

const o = parse(process.argv.slice(2));
const c = compareRuns(o.before, o.after, { rel: o.rel, abs: o.abs });
console.log(`compared ${c.files} files: ${c.statuses} statuses, ${c.numbers} numbers (tolerance ${o.rel} relative, ${o.abs} absolute floor)`);
console.log(`statuses: ${c.statusChanges.length === 0 ? "all equal" : `${c.statusChanges.length} changed`}`);
for (const s of c.statusChanges) console.log(`  ${s}`);
console.log(`numbers: ${c.largest.length} differ at all, ${c.outOfTolerance.length} beyond tolerance; max abs difference ${c.maxAbs.toExponential(3)}, max rel difference ${c.maxRel.toExponential(3)} (${c.maxRelAboveFloor.toExponential(3)} among numbers above the absolute floor)`);
if (c.outOfTolerance.length > 0) {
  console.log(`beyond tolerance (largest relative first):`);
  c.outOfTolerance.slice(0, o.top).forEach((d) => console.log(row(d)));
}
if (c.largest.length > 0) {
  console.log(`largest relative differences among numbers above the absolute floor:`);
  c.largest.filter((d) => Math.max(Math.abs(d.before), Math.abs(d.after)) > o.abs).slice(0, o.top).forEach((d) => console.log(row(d)));
  const byAbs = [...c.largest].sort((x, y) => y.abs - x.abs).slice(0, Math.min(3, o.top));
  console.log(`largest absolute differences:`);
  byAbs.forEach((d) => console.log(row(d)));
}
if (c.textChanges.length) console.log(`text cells changed (${c.textChanges.length}):\n${c.textChanges.slice(0, o.top).map((s) => `  ${s}`).join("\n")}`);
if (c.structural.length) console.log(`structural differences (${c.structural.length}):\n${c.structural.slice(0, o.top).map((s) => `  ${s}`).join("\n")}`);
if (c.jsonTextDiffering) console.log(`(${c.jsonTextDiffering} JSON text field(s) differ, e.g. SVG thumbnails; not judged)`);
console.log(c.equal ? "EQUAL within tolerance" : "DIFFERENT");
process.exit(c.equal ? 0 : 1);
