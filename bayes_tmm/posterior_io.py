"""Posterior files: NetCDF (groups ``posterior`` and ``sample_stats``) with provenance, written atomically.

The root attributes hold ``provenance`` (JSON: spec texts, priors, sampler settings, seed, package, PyMC,
PyTensor, ArviZ and Python versions, summary) and ``sha256``, a hash over the provenance text and every
stored array. :func:`load_posterior` recomputes it and refuses a file whose hash does not match. The files
are plain ``xarray.DataTree`` NetCDF (h5netcdf engine), readable by ``arviz.from_netcdf`` on ArviZ 0.x
and 1.x alike.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

__all__ = ["PosteriorFile", "save_posterior", "load_posterior", "software_versions", "PosteriorHashError"]


class PosteriorHashError(ValueError):
    """A posterior file whose content does not match its stored hash."""


@dataclass(frozen=True)
class PosteriorFile:
    """A loaded posterior: ``draws[name]`` arrays (chain, draw, ...), ``diverging`` (chain, draw), provenance."""

    draws: dict[str, np.ndarray]
    diverging: np.ndarray
    provenance: dict
    sha256: str


def software_versions() -> dict[str, str]:
    """Versions of the packages that produced a posterior."""
    import arviz
    import pymc
    import pytensor

    from . import __version__

    return {"bayes_tmm": __version__, "pymc": pymc.__version__, "pytensor": pytensor.__version__,
            "arviz": arviz.__version__, "numpy": np.__version__, "python": platform.python_version()}


def _content_hash(provenance_text: str, draws: dict[str, np.ndarray], diverging: np.ndarray) -> str:
    h = hashlib.sha256(provenance_text.encode())
    for name in sorted(draws):
        h.update(name.encode())
        h.update(np.ascontiguousarray(draws[name], dtype=np.float64).tobytes())
    h.update(np.ascontiguousarray(diverging, dtype=np.bool_).tobytes())
    return h.hexdigest()


def _dataset(arrays: dict[str, np.ndarray]) -> xr.Dataset:
    variables = {}
    for name, values in arrays.items():
        dims = ("chain", "draw") + tuple(f"{name}_dim_{k}" for k in range(values.ndim - 2))
        variables[name] = (dims, values)
    return xr.Dataset(variables)


def save_posterior(path: str | os.PathLike, draws: dict[str, np.ndarray], diverging: np.ndarray,
                   provenance: dict) -> str:
    """Write draws and provenance to ``path`` atomically (temporary file in the same folder, then rename).

    Returns the content hash stored in the file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    draws = {k: np.asarray(v, dtype=np.float64) for k, v in draws.items()}
    diverging = np.asarray(diverging, dtype=bool)
    text = json.dumps(provenance, sort_keys=True, default=str)
    digest = _content_hash(text, draws, diverging)
    tree = xr.DataTree.from_dict({
        "/posterior": _dataset(draws),
        "/sample_stats": _dataset({"diverging": diverging.astype(np.int8)}),
    })
    tree.attrs.update({"provenance": text, "sha256": digest, "created_by": "bayes_tmm"})
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the permissions of an ordinary one
    try:
        tree.to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def load_posterior(path: str | os.PathLike) -> PosteriorFile:
    """Read a posterior written by :func:`save_posterior` and check its hash (:class:`PosteriorHashError`)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no posterior file at {path}")
    with xr.open_datatree(path, engine="h5netcdf") as tree:
        text = tree.attrs.get("provenance")
        stored = tree.attrs.get("sha256")
        if text is None or stored is None:
            raise PosteriorHashError(f"{path}: not a bayes_tmm posterior (no provenance/sha256 attributes)")
        draws = {name: np.asarray(tree["posterior"][name].values, dtype=np.float64)
                 for name in tree["posterior"].data_vars}
        diverging = np.asarray(tree["sample_stats"]["diverging"].values).astype(bool)
    actual = _content_hash(text, draws, diverging)
    if actual != stored:
        raise PosteriorHashError(f"{path}: content hash {actual} does not match the stored {stored}: "
                                 "the file was altered")
    return PosteriorFile(draws, diverging, json.loads(text), stored)
