/**
 * `make format`: Prettier over src/, test/, scripts/, examples/ and over the code cells of
 * every notebook (cells are formatted one by one as TypeScript; a notebook's outputs and
 * metadata are left alone, and it is rewritten only if a cell changed).
 *
 * Usage: tsx scripts/format.ts [--check]   (--check: list what would change, exit 1 if any)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";

const root = path.resolve(__dirname, "..");
const check = process.argv.includes("--check");

function files(dir: string, ext: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

interface Cell {
  cell_type: string;
  source: string[] | string;
}

async function main(): Promise<void> {
  const options = { ...((await prettier.resolveConfig(path.join(root, "src", "index.ts"))) ?? {}), parser: "typescript" as const };
  const changed: string[] = [];
  for (const file of ["src", "test", "scripts", "examples"].flatMap((d) => files(path.join(root, d), ".ts"))) {
    const text = fs.readFileSync(file, "utf8");
    const out = await prettier.format(text, { ...options, filepath: file });
    if (out !== text) {
      changed.push(path.relative(root, file));
      if (!check) fs.writeFileSync(file, out);
    }
  }
  for (const file of files(path.join(root, "notebooks"), ".ipynb")) {
    const text = fs.readFileSync(file, "utf8");
    const nb = JSON.parse(text) as { cells: Cell[] };
    let dirty = false;
    for (const cell of nb.cells) {
      if (cell.cell_type !== "code") continue;
      const src = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      const formatted = (await prettier.format(src, options)).replace(/\n$/, "");
      if (formatted !== src) {
        dirty = true;
        cell.source = formatted.split(/(?<=\n)/);
      }
    }
    if (dirty) {
      changed.push(path.relative(root, file));
      if (!check) fs.writeFileSync(file, JSON.stringify(nb, null, 1) + "\n");
    }
  }
  if (check && changed.length > 0) {
    console.error(`not formatted (run make format):\n  ${changed.join("\n  ")}`);
    process.exit(1);
  }
  console.log(check ? "all files formatted" : `formatted ${changed.length} file(s)${changed.length ? ":\n  " + changed.join("\n  ") : ""}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
