import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./helpers/run";

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, ext));
    else if (p.endsWith(ext)) out.push(p);
  }
  return out;
}

describe("project hygiene", () => {
  it("uses no global or TensorFlow.js randomness in src/", () => {
    const offenders: string[] = [];
    for (const f of filesUnder(path.join(ROOT, "src"), ".ts")) {
      const text = fs.readFileSync(f, "utf8");
      if (/Math\.random\s*\(/.test(text) || /tf\.random(Normal|Uniform|Gamma)|tf\.multinomial|tf\.truncatedNormal/.test(text)) {
        offenders.push(path.relative(ROOT, f));
      }
    }
    expect(offenders).to.deep.equal([]);
  });

  it("keeps Node-only modules out of the core library's imports", () => {
    const offenders: string[] = [];
    for (const f of filesUnder(path.join(ROOT, "src"), ".ts")) {
      if (f.includes(`${path.sep}node${path.sep}`) || f.includes(`${path.sep}cli${path.sep}`)) continue;
      const text = fs.readFileSync(f, "utf8");
      if (/from "node:|require\("(fs|child_process|path)"\)|from "(fs|path|child_process)"/.test(text)) offenders.push(path.relative(ROOT, f));
    }
    expect(offenders).to.deep.equal([]);
  });

  it("commits notebooks without outputs or execution counts", () => {
    const dirty: string[] = [];
    for (const f of filesUnder(path.join(ROOT, "notebooks"), ".ipynb")) {
      const nb = JSON.parse(fs.readFileSync(f, "utf8")) as { cells: { outputs?: unknown[]; execution_count?: number | null }[]; metadata: { kernelspec?: { name?: string } } };
      if (nb.cells.some((c) => (c.outputs?.length ?? 0) > 0 || (c.execution_count ?? null) !== null)) dirty.push(path.basename(f));
      expect(nb.metadata.kernelspec?.name, `${path.basename(f)} kernel`).to.equal("tslab");
    }
    expect(dirty).to.deep.equal([]);
  });
});
