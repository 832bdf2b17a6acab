"""The notebooks in ``notebooks/`` execute without error (each in a temporary copy; the repository's
files, saved with their outputs, are not touched)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CELL_TIMEOUT_S = 600
MAX_TOTAL_BYTES = 3_000_000


def test_notebooks_exist_and_are_small():
    assert [p.name for p in NOTEBOOKS] == ["01_rates_and_detector_response.ipynb", "02_chi2_table2_and_figures.ipynb",
                                           "03_bayes_vs_chi2.ipynb", "04_real_data_fits.ipynb"]
    total = sum(p.stat().st_size for p in NOTEBOOKS)
    assert total < MAX_TOTAL_BYTES, f"notebooks take {total} bytes"


def test_saved_notebooks_have_outputs_and_no_errors():
    nbformat = pytest.importorskip("nbformat")
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        first = nb.cells[0]
        assert first.cell_type == "markdown" and "Run time:" in first.source, path.name
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count is not None for c in code), f"{path.name} is saved unexecuted"
        errors = [o for c in code for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{path.name} was saved with an error: {errors[0].ename}: {errors[0].evalue}"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # The notebooks look for the package beside their folder and for ../posteriors: copy both layouts.
    work = tmp_path / "notebooks"
    work.mkdir()
    shutil.copy(path, work / path.name)
    (tmp_path / "posteriors").symlink_to(ROOT / "posteriors", target_is_directory=True)
    # The kernel inherits the environment: make the package importable without an install.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    nb = nbformat.read(work / path.name, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": str(work)}})
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError on the first failing cell
    print(f"{path.name}: executed in {time.perf_counter() - start:.0f} s")
