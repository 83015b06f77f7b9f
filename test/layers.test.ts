/**
 * The library's rooms, in layer order: a room may import only the rooms listed for it.
 * Trainers know nothing of the world or the claims; the world knows nothing of tensors;
 * everything a notebook runs lives under claims/. Reading the imports (not running them)
 * keeps this test exact and fast.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";

const SRC = path.resolve(__dirname, "..", "src");

/** Files at the top of src/ that anything may use (no imports beyond each other). */
const LEAF = ["errors", "validate", "rng", "mode", "space", "dense-table"];

/** Room → the rooms it may import (besides itself and the leaf files). */
const ALLOWED: Record<string, readonly string[]> = {
  stats: [],
  verdict: ["stats"],
  table: ["plot"],
  plot: [],
  tf: [],
  world: ["stats"],
  incentive: ["stats", "world"],
  policy: ["tf"],
  losses: ["tf"],
  train: ["stats", "tf", "policy", "losses"],
  claims: ["stats", "verdict", "table", "plot", "tf", "world", "incentive", "policy", "losses", "train"],
  bench: ["stats", "tf", "world", "incentive", "policy", "losses", "train", "claims"],
  node: ["stats", "verdict", "table", "plot", "tf", "world", "incentive", "policy", "losses", "train", "claims"],
  cli: ["stats", "verdict", "table", "plot", "tf", "world", "incentive", "policy", "losses", "train", "claims", "node"],
};

function roomOf(file: string): string {
  const rel = path.relative(SRC, file).replace(/\\/g, "/");
  const first = rel.split("/")[0]!.replace(/\.ts$/, "");
  return rel.includes("/") ? first : first === "index" ? "index" : first;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Relative import specifiers of a file, resolved to their room. */
function importedRooms(file: string): { spec: string; room: string }[] {
  const text = fs.readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
  return specs.map((spec) => ({ spec, room: roomOf(path.resolve(path.dirname(file), spec) + ".ts") }));
}

describe("layers: which rooms of src/ may import which", () => {
  const files = sourceFiles(SRC);

  it("every room has a rule (a new folder needs a line in ALLOWED)", () => {
    const rooms = new Set(files.map(roomOf).filter((r) => r !== "index" && !LEAF.includes(r)));
    for (const r of rooms) expect(ALLOWED, `room ${r}`).to.have.property(r);
  });

  for (const file of files) {
    const room = roomOf(file);
    if (room === "index") continue;
    it(`${path.relative(SRC, file)} imports only what ${room}/ may`, () => {
      const allowed = new Set([room, ...LEAF, ...(ALLOWED[room] ?? [])]);
      const bad = importedRooms(file).filter((i) => !allowed.has(i.room) && !(LEAF.includes(room) && LEAF.includes(i.room)));
      expect(bad.map((b) => b.spec), `${room}/ may import ${[...allowed].join(", ")}`).to.deep.equal([]);
    });
  }

  it("the rule can fail: a trainer importing the world is caught", () => {
    const room = roomOf(path.join(SRC, "train", "dpo.ts"));
    const target = roomOf(path.join(SRC, "world", "world.ts"));
    expect(room).to.equal("train");
    expect([room, ...LEAF, ...ALLOWED[room]!]).to.not.include(target);
  });
});
