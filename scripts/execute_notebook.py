"""Execute one notebook on the tslab kernel with nbclient and export it to HTML.

Usage: python3 execute_notebook.py NOTEBOOK OUT_HTML [--kernel tslab] [--timeout SECONDS]

The notebook runs with its own folder as working directory (as in JupyterLab). Progress
("cell i/n") goes to stderr. When a cell fails, the script names the notebook, the cell
and the error text (tslab reports errors on the cell's stderr, not in the exception),
saves the partly executed notebook next to OUT_HTML as *.failed.ipynb, and exits 1
without writing OUT_HTML. A cell that times out, or whose kernel dies (killed, out of
memory), fails the same way, and so does an error thrown asynchronously (a timer callback
that throws, a promise nobody awaits that rejects) after its cell has returned: a hidden
prelude records such errors in the kernel, and a hidden probe after the last cell (which
waits SETTLE_MS for late callbacks) reports them. Code cells tagged "hide-input" show only their output in the
HTML (nbconvert's TagRemovePreprocessor). Used by scripts/reports.ts; not meant to be run
by hand.
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.util import ensure_async, run_sync
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

# Cell tag that hides a cell's code in the report (its output stays): used for reading
# cells whose output is a computed paragraph, so readers see the text, not its template.
HIDE_INPUT_TAG = "hide-input"

# Hidden cells (run in the kernel, never written to the notebook or the report).
# The prelude records errors thrown after a cell returned; tslab's own handlers only print
# them to whichever cell happens to be running, or nowhere after the last one.
ASYNC_MARKER = "RLHF_ASYNC_ERRORS "
SETTLE_MS = 500
PRELUDE = """
{
  const errors: string[] = ((globalThis as any).rlhfRunnerAsyncErrors = []);
  process.on("uncaughtException", (e: unknown) => errors.push("uncaught exception: " + String((e as Error)?.stack ?? e)));
  process.on("unhandledRejection", (e: unknown) => errors.push("unhandled promise rejection: " + String((e as Error)?.stack ?? e)));
}
"""
SETTLE = f"""
await new Promise((r) => setTimeout(r, {SETTLE_MS}));
console.log({ASYNC_MARKER!r} + JSON.stringify((globalThis as any).rlhfRunnerAsyncErrors ?? []));
"""


class Client(NotebookClient):
    """nbclient's client with a hidden prelude before the first cell and a probe after the last."""

    async_errors = []

    async def _hidden(self, source):
        cell = nbformat.v4.new_code_cell(source=source)
        self.nb.cells.append(cell)
        try:
            await self.async_execute_cell(cell, len(self.nb.cells) - 1, store_history=False)
        finally:
            self.nb.cells.pop()
            self.code_cells_executed -= 1
        return cell

    async def async_execute(self, reset_kc=False, **kwargs):
        self.reset_execution_trackers()
        async with self.async_setup_kernel(**kwargs):
            info = await self.async_wait_for_reply(await ensure_async(self.kc.kernel_info()))
            if info is not None and "language_info" in info["content"]:
                self.nb.metadata["language_info"] = info["content"]["language_info"]
            await self._hidden(PRELUDE)
            for index, cell in enumerate(self.nb.cells):
                await self.async_execute_cell(cell, index, execution_count=self.code_cells_executed + 1)
            probe = await self._hidden(SETTLE)
            for out in probe.get("outputs", []):
                for line in out.get("text", "").splitlines():
                    if line.startswith(ASYNC_MARKER):
                        self.async_errors = json.loads(line[len(ASYNC_MARKER):])
            self.set_widgets_metadata()
        return self.nb

    # nbclient binds `execute` to the base class's coroutine; bind it to this one.
    execute = run_sync(async_execute)


def first_cell_reporting(nb, code_cells):
    """The code cell (1-based among code cells) whose output first shows tslab's report of an async error."""
    for k, idx in enumerate(code_cells):
        for out in nb.cells[idx].get("outputs", []):
            text = out.get("text", "")
            if out.get("name") == "stderr" and ("UncaughtException:" in text or "UnhandledPromiseRejection:" in text):
                return k + 1
    return None


def cell_error_text(cell):
    """The error a failed cell printed: its stderr streams and error outputs."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename', '')}: {out.get('evalue', '')}")
            parts.extend(out.get("traceback", []))
    return "".join(parts).strip() or "(the cell printed no error text)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("out_html")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    args = ap.parse_args()

    nb_path = os.path.abspath(args.notebook)
    name = os.path.basename(nb_path)
    nb = nbformat.read(nb_path, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    total = len(code_cells)
    started = time.monotonic()
    state = {"current": None}

    def on_cell_start(cell, cell_index, **_):
        state["current"] = cell_index
        if cell_index not in code_cells:
            return
        k = code_cells.index(cell_index) + 1
        sys.stderr.write(f"    {name}: cell {k}/{total} ({time.monotonic() - started:.1f} s)\n")
        sys.stderr.flush()

    client = Client(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        resources={"metadata": {"path": os.path.dirname(nb_path)}},
        on_cell_start=on_cell_start,
    )
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
        idx = state["current"]
        # A hidden cell (prelude or probe) is popped from nb.cells: report it as the runner's own.
        cell = nb.cells[idx] if idx is not None and idx < len(nb.cells) else {"source": "(the runner's hidden prelude or probe)"}
        k = code_cells.index(idx) + 1 if idx in code_cells else "?"
        if isinstance(err, CellExecutionError):
            text = cell_error_text(cell)
        elif isinstance(err, CellTimeoutError):
            text = f"timed out after {args.timeout} s (raise it with --timeout SECONDS)"
        else:
            text = f"the kernel died while running this cell (killed, or out of memory): {err}"
        source = "".join(cell.get("source", ""))[:400]
        failed = os.path.splitext(args.out_html)[0] + ".failed.ipynb"
        os.makedirs(os.path.dirname(os.path.abspath(failed)), exist_ok=True)
        nbformat.write(nb, failed)
        sys.stderr.write(
            f"\nERROR in notebook {name}, code cell {k}/{total}:\n--- cell source ---\n{source}\n"
            f"--- error ---\n{text}\n--- (partly executed notebook saved as {failed})\n"
        )
        return 1
    if client.async_errors:
        k = first_cell_reporting(nb, code_cells)
        where = f"first reported while code cell {k}/{total} ran" if k else "found by the runner's check after the last cell"
        failed = os.path.splitext(args.out_html)[0] + ".failed.ipynb"
        os.makedirs(os.path.dirname(os.path.abspath(failed)), exist_ok=True)
        nbformat.write(nb, failed)
        errors = "\n".join(client.async_errors)
        sys.stderr.write(
            f"\nERROR in notebook {name}: {len(client.async_errors)} error(s) thrown asynchronously after a cell had "
            f"returned (a promise nobody awaited, or a callback that threw; {where}):\n--- error ---\n{errors}\n"
            f"--- (executed notebook saved as {failed})\n"
        )
        return 1

    template = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nbconvert", "report.html.j2")
    exporter = HTMLExporter(template_file=template)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={HIDE_INPUT_TAG}, enabled=True), enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": os.path.splitext(name)[0]}})
    os.makedirs(os.path.dirname(os.path.abspath(args.out_html)), exist_ok=True)
    with open(args.out_html, "w", encoding="utf-8") as f:
        f.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
