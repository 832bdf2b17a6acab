"""Re-execute the notebooks in this folder in place (outputs saved) and update the run time in their first cell.

Usage, from the repository root (the package importable, the released data in $BAYES_TMM_DATA_DIR or
../shared/data)::

    python notebooks/execute_notebooks.py            # all notebooks
    python notebooks/execute_notebooks.py 03 04      # those whose names start with 03 or 04

Needs ``nbformat``, ``nbclient`` and ``ipykernel``. The test suite (``tests/test_notebooks.py``) runs the
notebooks in temporary copies and never writes here.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
RUNTIME = re.compile(r"\*\*Run time:\*\*.*$", re.S)


def execute(path: Path, timeout: int = 600) -> float:
    """Execute ``path`` in place (cwd: its folder) and record the time in its first cell; returns seconds."""
    nb = nbformat.read(path, as_version=4)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(HERE)}}).execute()
    seconds = time.perf_counter() - start
    first = nb.cells[0]
    if first.cell_type == "markdown":
        first.source = RUNTIME.sub(
            f"**Run time:** about {seconds:.0f} s to execute (kernel start, imports and any model compilation "
            "included), measured on a shared 2-core machine.", first.source)
    nbformat.write(nb, path)
    return seconds


if __name__ == "__main__":
    prefixes = sys.argv[1:]
    for path in sorted(HERE.glob("[0-9][0-9]_*.ipynb")):
        if prefixes and not any(path.name.startswith(p) for p in prefixes):
            continue
        seconds = execute(path)
        print(f"{path.name}: {seconds:.0f} s, {path.stat().st_size / 1e3:.0f} kB", flush=True)
