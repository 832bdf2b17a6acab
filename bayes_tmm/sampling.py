"""Running NUTS on the TMM models and checking that it converged.

nutpie is used when it is installed (it compiles a model once; :class:`CompiledSampler` re-uses that
compiled model for new ``pm.Data`` values), PyMC's own NUTS otherwise. After every run the diagnostics
are computed on the sampled (unconstrained-prior) variables: rank-normalized split R-hat <= 1.01, bulk
and tail ESS >= 400, no divergences. A run that fails any of them is marked unconverged; callers must not
report its limits as results (:class:`Diagnostics.require`).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pymc as pm

__all__ = [
    "SamplerSettings",
    "Diagnostics",
    "SampleResult",
    "CompiledSampler",
    "NotConvergedError",
    "diagnose",
    "RHAT_MAX",
    "ESS_MIN",
]

#: Convergence criteria.
RHAT_MAX = 1.01
ESS_MIN = 400.0


class NotConvergedError(RuntimeError):
    """Raised when a caller asks for results of a run that failed its convergence checks."""


@dataclass(frozen=True)
class SamplerSettings:
    """NUTS settings: ``sampler`` is ``"auto"`` (nutpie if installed, else PyMC), ``"nutpie"`` or ``"pymc"``.

    ``low_rank_mass_matrix`` adapts a mass matrix that captures linear correlations (nutpie's low-rank
    adaptation; a dense matrix with PyMC's NUTS), which the narrow straight ridges of blind directions need.
    """

    draws: int = 1000
    tune: int = 1000
    chains: int = 4
    target_accept: float = 0.95
    seed: int = 1
    sampler: str = "auto"
    low_rank_mass_matrix: bool = True

    def __post_init__(self):
        for name in ("draws", "tune", "chains"):
            if not (isinstance(getattr(self, name), int) and getattr(self, name) >= 1):
                raise ValueError(f"{name} must be an integer >= 1, got {getattr(self, name)!r}")
        if not 0.5 <= self.target_accept < 1.0:
            raise ValueError(f"target_accept must lie in [0.5, 1), got {self.target_accept!r}")
        if self.sampler not in ("auto", "nutpie", "pymc"):
            raise ValueError(f"sampler must be 'auto', 'nutpie' or 'pymc', got {self.sampler!r}")
        if self.sampler == "nutpie" and not nutpie_available():
            raise ValueError("sampler='nutpie' was asked for, but nutpie is not installed (pip install nutpie)")

    @property
    def resolved_sampler(self) -> str:
        if self.sampler == "auto":
            return "nutpie" if nutpie_available() else "pymc"
        return self.sampler


def nutpie_available() -> bool:
    return importlib.util.find_spec("nutpie") is not None


@dataclass(frozen=True)
class Diagnostics:
    """Convergence diagnostics of one run (over all sampled variables and their elements)."""

    rhat_max: float
    ess_bulk_min: float
    ess_tail_min: float
    divergences: int
    n_samples: int

    @property
    def converged(self) -> bool:
        return (self.rhat_max <= RHAT_MAX and self.ess_bulk_min >= ESS_MIN and self.ess_tail_min >= ESS_MIN
                and self.divergences == 0)

    def problems(self) -> list[str]:
        out = []
        if not self.rhat_max <= RHAT_MAX:
            out.append(f"R-hat {self.rhat_max:.3f} > {RHAT_MAX}")
        if not self.ess_bulk_min >= ESS_MIN:
            out.append(f"bulk ESS {self.ess_bulk_min:.0f} < {ESS_MIN:.0f}")
        if not self.ess_tail_min >= ESS_MIN:
            out.append(f"tail ESS {self.ess_tail_min:.0f} < {ESS_MIN:.0f}")
        if self.divergences:
            out.append(f"{self.divergences} divergent transitions")
        return out

    def require(self, what: str = "results") -> None:
        """Raise :class:`NotConvergedError` unless the run converged."""
        if not self.converged:
            raise NotConvergedError(f"sampler did not converge ({'; '.join(self.problems())}): {what} not reported")


def diagnose(draws: dict[str, np.ndarray], diverging: np.ndarray) -> Diagnostics:
    """Diagnostics from sampled arrays ``draws[name]`` of shape (chain, draw, ...) and ``diverging`` (chain, draw)."""
    import arviz as az

    rhat, bulk, tail = [], [], []
    for values in draws.values():
        flat = values.reshape(values.shape[0], values.shape[1], -1)
        for e in range(flat.shape[2]):
            x = flat[:, :, e]
            rhat.append(float(az.rhat(x)))
            bulk.append(float(az.ess(x, method="bulk")))
            tail.append(float(az.ess(x, method="tail", prob=0.05)))  # min of the 5 % and 95 % quantile ESS
    rhat_max = float(np.nanmax(rhat)) if not np.any(np.isnan(rhat)) else float("nan")
    n = int(diverging.size)
    return Diagnostics(rhat_max, float(np.min(bulk)), float(np.min(tail)), int(np.sum(diverging)), n)


@dataclass
class SampleResult:
    """Draws of one run: every model variable as an array (chain, draw, ...), the per-draw divergence flags
    (chain, draw), and the diagnostics."""

    draws: dict[str, np.ndarray]
    diverging: np.ndarray
    diagnostics: Diagnostics
    settings: SamplerSettings
    sampler: str
    seconds: float
    free_variables: tuple[str, ...]


def _nutpie_mass_matrix_kwargs(low_rank: bool) -> dict:
    """nutpie's switch for low-rank mass-matrix adaptation (renamed between nutpie 0.16.8 and 0.16.11)."""
    if not low_rank:
        return {}
    import inspect

    import nutpie

    if "adaptation" in inspect.signature(nutpie.sample).parameters:
        return {"adaptation": "low_rank"}
    return {"low_rank_modified_mass_matrix": True}


def _free_variable_names(model: pm.Model) -> tuple[str, ...]:
    return tuple(rv.name for rv in model.free_RVs)


def _arrays(trace, names) -> dict[str, np.ndarray]:
    posterior = trace.posterior
    return {name: np.asarray(posterior[name].values) for name in names if name in posterior}


class CompiledSampler:
    """A model compiled once; :meth:`run` samples it with new ``pm.Data`` values.

    With nutpie the compiled model is kept and new data are swapped in with ``with_data``. With PyMC's NUTS
    the data are set on the model (``pm.set_data``); PyMC re-uses pytensor's compilation cache.
    """

    def __init__(self, model: pm.Model, settings: SamplerSettings):
        self.model = model
        self.settings = settings
        self.sampler = settings.resolved_sampler
        self.free_variables = _free_variable_names(model)
        self.variable_names = tuple(v.name for v in model.free_RVs + model.deterministics)
        start = time.perf_counter()
        self._compiled = None
        if self.sampler == "nutpie":
            import nutpie

            # Start chains at prior draws: the support point w = 0 of the full-mode vectors is where the
            # map w -> Lambda has a removable singularity.
            self._compiled = nutpie.compile_pymc_model(model, default_initialization_strategy="prior")
        self.compile_seconds = time.perf_counter() - start

    def run(self, data: dict[str, np.ndarray] | None = None, seed: int | None = None) -> SampleResult:
        """Sample with the ``pm.Data`` values in ``data`` (others unchanged); returns draws and diagnostics."""
        s = self.settings
        seed = s.seed if seed is None else seed
        start = time.perf_counter()
        data = {} if data is None else {k: np.asarray(v, dtype=float) for k, v in data.items()}
        if self.sampler == "nutpie":
            import nutpie

            compiled = self._compiled.with_data(**data) if data else self._compiled
            trace = nutpie.sample(compiled, draws=s.draws, tune=s.tune, chains=s.chains, seed=seed,
                                  target_accept=s.target_accept, progress_bar=False, save_warmup=False,
                                  **_nutpie_mass_matrix_kwargs(s.low_rank_mass_matrix))
        else:
            with self.model:
                if data:
                    pm.set_data(data)
                logging.getLogger("pymc").setLevel(logging.WARNING)  # no "Initializing NUTS" chatter
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    # PyMC counts half the CPUs as hyperthreads; ask for one process per chain up to the CPU count.
                    trace = pm.sample(draws=s.draws, tune=s.tune, chains=s.chains, random_seed=seed,
                                      cores=min(s.chains, os.cpu_count() or 1),
                                      init="jitter+adapt_full" if s.low_rank_mass_matrix else "jitter+adapt_diag",
                                      target_accept=s.target_accept, nuts_sampler="pymc", progressbar=False,
                                      compute_convergence_checks=False, return_inferencedata=True)
        draws = _arrays(trace, self.variable_names)
        diverging = np.asarray(trace.sample_stats["diverging"].values, dtype=bool)
        diagnostics = diagnose({n: draws[n] for n in self.free_variables}, diverging)
        return SampleResult(draws, diverging, diagnostics, s, self.sampler, time.perf_counter() - start,
                            self.free_variables)
