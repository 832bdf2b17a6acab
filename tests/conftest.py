"""Shared pytest fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Released third-party data, kept beside the repository checkout (never inside it).
SHARED_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"

# Point the package's data directory at the shared copy unless the caller chose one, and keep pytensor
# from probing for BLAS (its warning would otherwise print in every run; the models here are tiny).
if SHARED_DATA_DIR.is_dir():
    os.environ.setdefault("BAYES_TMM_DATA_DIR", str(SHARED_DATA_DIR))
os.environ.setdefault("PYTENSOR_FLAGS", "blas__ldflags=")


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """Path of ``../shared/data`` relative to the repository.

    Tests that need the released data are skipped when the folder is absent on a developer
    machine, but fail in CI (environment variable ``CI`` set), where the data must be present.
    """
    if not SHARED_DATA_DIR.is_dir():
        message = f"released-data folder not found at {SHARED_DATA_DIR}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set, so the data must be present)")
        pytest.skip(message)
    return SHARED_DATA_DIR
