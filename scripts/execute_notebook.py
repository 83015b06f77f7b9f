"""Execute one notebook on the tslab kernel with nbclient and export it to HTML.

Usage: python3 execute_notebook.py NOTEBOOK OUT_HTML [--kernel tslab] [--timeout SECONDS]

The notebook runs with its own folder as working directory (as in JupyterLab). Progress
("cell i/n") goes to stderr. When a cell fails, the script names the notebook, the cell
and the error text (tslab reports errors on the cell's stderr, not in the exception),
saves the partly executed notebook next to OUT_HTML as *.failed.ipynb, and exits 1
without writing OUT_HTML. A cell that times out, or whose kernel dies (killed, out of
memory), fails the same way. Code cells tagged "hide-input" show only their output in the
HTML (nbconvert's TagRemovePreprocessor). Used by scripts/reports.ts; not meant to be run
by hand.
"""
import argparse
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

# Cell tag that hides a cell's code in the report (its output stays): used for reading
# cells whose output is a computed paragraph, so readers see the text, not its template.
HIDE_INPUT_TAG = "hide-input"


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

    client = NotebookClient(
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
        cell = nb.cells[idx] if idx is not None else {}
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
