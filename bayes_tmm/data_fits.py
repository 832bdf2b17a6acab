"""Fits of released binned data: the SM CEvNS signal, and profile-likelihood limits on the TMMs.

All functions take one or several :class:`~bayes_tmm.binned.BinnedDataset` (several: a joint fit with
shared TMMs and separate nuisances). The TMMs enter through the effective moments of the beam components,
mu_c^2 = Lambda^dag M_c Lambda (:mod:`bayes_tmm.tmm`).

* :func:`fit_sm_signal`: TMMs zero, the CEvNS normalization free (no pull), backgrounds profiled; the
  fitted number of CEvNS events with its 1-sigma interval (Delta(-2 ln L) = 1).
* :func:`profile_limits`: 90 % C.L. (Delta(-2 ln L) = 2.71) limits on each |Lambda_i|, either one at a
  time with real TMMs (``single``) or with the other Lambda's and all phases profiled (``full``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.optimize import brentq, minimize, minimize_scalar

from .binned import BinnedDataset, fit_nuisances, poisson_deviance
from .frequentist import DELTA_CHI2_90_1D, TABLE2_PARAMETERS
from .mixing import OscillationParameters, pmns_matrix
from .tmm import effective_moment_matrix

__all__ = ["SignalFit", "fit_sm_signal", "profile_limits", "moment_matrices"]


@dataclass(frozen=True)
class SignalFit:
    """Fitted SM CEvNS signal of a data set (TMMs zero).

    Attributes
    ----------
    events, error_low, error_high : float
        Best-fit CEvNS events and the distances to the ends of the 1-sigma interval.
    predicted_events : float
        The SM prediction (signal scale 1).
    scale : float
        events / predicted_events.
    neg2_log_likelihood : float
        At the best fit.
    """

    events: float
    error_low: float
    error_high: float
    predicted_events: float
    scale: float
    neg2_log_likelihood: float


def fit_sm_signal(dataset: BinnedDataset) -> SignalFit:
    """Fit the CEvNS normalization freely (backgrounds profiled with their pulls), TMMs zero."""
    def f(scale):
        return fit_nuisances(dataset, signal_scale=scale).neg2_log_likelihood

    best = minimize_scalar(f, bounds=(1e-3, 5.0), method="bounded", options={"xatol": 1e-8})
    s0, f0 = float(best.x), float(best.fun)
    lo = brentq(lambda s: f(s) - f0 - 1.0, 1e-6, s0) if f(1e-6) > f0 + 1.0 else 0.0
    hi = brentq(lambda s: f(s) - f0 - 1.0, s0, 10.0)
    total = dataset.sm_total
    return SignalFit(s0 * total, (s0 - lo) * total, (hi - s0) * total, total, s0, f0)


def moment_matrices(dataset: BinnedDataset, params: OscillationParameters = TABLE2_PARAMETERS) -> np.ndarray:
    """Hermitian M_c (n_components, 3, 3) of the data set's beam components."""
    u = pmns_matrix(params)
    return np.stack([effective_moment_matrix(c, u) for c in dataset.components])


class _JointObjective:
    """-2 ln L of several data sets as a function of one flat vector: [nuisances of every data set]
    (alpha, then the betas with non-zero uncertainty, per data set), for given complex TMMs."""

    def __init__(self, datasets: Sequence[BinnedDataset], params: OscillationParameters):
        self.datasets = list(datasets)
        self.matrices = [moment_matrices(d, params) for d in self.datasets]
        self.free = [d.background_uncertainties > 0 for d in self.datasets]
        self.sizes = [1 + int(f.sum()) for f in self.free]

    @property
    def n_nuisances(self) -> int:
        return sum(self.sizes)

    def __call__(self, lam, nuisances) -> float:
        total, start = 0.0, 0
        for d, m, free, size in zip(self.datasets, self.matrices, self.free, self.sizes):
            x = nuisances[start:start + size]
            start += size
            alpha = x[0]
            beta = np.zeros(len(d.background_names))
            beta[free] = x[1:]
            if alpha <= -1 or np.any(beta <= -1):
                return 1e300
            mu2 = np.real(np.einsum("i,cij,j->c", lam.conj(), m, lam))
            total += poisson_deviance(d.observed, d.expected(mu2, alpha, beta))
            total += (alpha / d.signal_uncertainty) ** 2
            total += float(np.sum((beta[free] / d.background_uncertainties[free]) ** 2))
        return total


def _profile_curve(datasets, params, i: int, mode: str):
    """-2 ln L as a function of |Lambda_i| = r, minimized over the nuisances and, in ``full`` mode, over the
    other two complex Lambda's (Lambda_i real: the common phase is unobservable). One L-BFGS-B minimization
    over all of them, warm-started from the previous r."""
    objective = _JointObjective(datasets, params)
    others = [k for k in range(3) if k != i]
    n_lam = 4 if mode == "full" else 0
    warm = {"x": np.zeros(n_lam + objective.n_nuisances)}
    bounds = [(None, None)] * n_lam + [(-0.999, None)] * objective.n_nuisances

    def at(r: float) -> float:
        def f(x):
            lam = np.zeros(3, complex)
            lam[i] = r
            if n_lam:
                lam[others] = x[:2] + 1j * x[2:4]
            return objective(lam, x[n_lam:])

        starts = [warm["x"]]
        if n_lam:
            starts.append(np.concatenate([np.zeros(n_lam), warm["x"][n_lam:]]))
        best = min((minimize(f, x0, method="L-BFGS-B", bounds=bounds,
                             options={"ftol": 1e-13, "gtol": 1e-8, "maxiter": 5000}) for x0 in starts),
                   key=lambda res: res.fun)
        warm["x"] = best.x
        return float(best.fun)

    return at


def profile_limits(datasets: Sequence[BinnedDataset], mode: str = "single", *,
                   params: OscillationParameters = TABLE2_PARAMETERS, delta: float = DELTA_CHI2_90_1D,
                   r_max: float = 1000.0) -> np.ndarray:
    """90 % C.L. upper limits on |Lambda_1|, |Lambda_2|, |Lambda_3| (1e-10 mu_B) from Delta(-2 ln L) = ``delta``,
    relative to the global minimum over the TMMs (searched along each axis from zero). ``inf`` if the
    threshold is not crossed below ``r_max``."""
    if mode not in ("single", "full"):
        raise ValueError(f"mode must be 'single' or 'full', got {mode!r}")
    datasets = list(datasets)
    limits = np.full(3, np.inf)
    for i in range(3):
        curve = _profile_curve(datasets, params, i, mode)
        grid = np.concatenate([[0.0], np.geomspace(r_max * 1e-3, r_max, 19)])
        values = np.array([curve(r) for r in grid])
        k_min = int(np.argmin(values))
        fmin = float(values[k_min])
        if k_min > 0:  # refine the minimum between its neighbours
            res = minimize_scalar(curve, bounds=(grid[k_min - 1], grid[min(k_min + 1, grid.size - 1)]), method="bounded")
            fmin = min(fmin, float(res.fun))
        above = np.flatnonzero((values - fmin > delta) & (np.arange(grid.size) > k_min))
        if above.size == 0:
            continue
        k = int(above[0])
        limits[i] = brentq(lambda r: curve(r) - fmin - delta, grid[k - 1], grid[k], xtol=1e-6 * grid[k])
    return limits

