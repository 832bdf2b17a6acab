"""Binned (energy or PE x arrival time) data sets and their Poisson likelihood.

A :class:`BinnedDataset` carries everything a fit needs, flattened to one axis of bins:
the observed counts, the CEvNS templates per beam component (SM events, and EM events per unit
mu_c^2 with mu in 1e-10 mu_B), the background templates with their normalization uncertainties, and the
signal normalization uncertainty. The expected counts come from :func:`bayes_tmm.expected.expected_counts`
(the function the counting analyses and the PyMC models use), with ``nuisance_on="total"``: alpha scales
the whole CEvNS signal (flux, quenching, efficiency), one beta per background.

    -2 ln L = 2 sum_b [N_b - n_b + n_b ln(n_b / N_b)] + alpha^2 / sigma_alpha^2 + sum_k beta_k^2 / sigma_k^2

(the Poisson deviance plus Gaussian pulls), minimized over the nuisances for profile likelihoods.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from .expected import expected_counts

__all__ = ["BinnedDataset", "poisson_deviance", "NuisanceFit", "fit_nuisances"]


@dataclass(frozen=True)
class BinnedDataset:
    """A released data set prepared for fitting.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``"coherent_csi_2017"``.
    observed : ndarray (n_bins,)
        Observed counts per bin (bins flattened in C order from ``bin_shape``).
    components : tuple of str
        Beam components of the CEvNS templates (SNS: ``("prompt", "nue", "numubar")``).
    sm_templates : ndarray (n_components, n_bins)
        Expected SM CEvNS events per component and bin.
    em_templates : ndarray (n_components, n_bins)
        Expected EM events per unit mu_c^2 (mu in 1e-10 mu_B) per component and bin.
    background_names : tuple of str
    backgrounds : ndarray (n_backgrounds, n_bins)
        Expected background events per component and bin at nominal normalization.
    background_uncertainties : ndarray (n_backgrounds,)
        Fractional Gaussian normalization uncertainty of each background (0: fixed, e.g. measured
        steady-state background taken from anti-coincidence data).
    signal_uncertainty : float
        Fractional Gaussian uncertainty of the CEvNS normalization.
    bin_shape : tuple of int
        Shape of the unflattened bin grid, e.g. (n_pe, n_time).
    axes : dict name -> edges
        Bin edges of each axis with its unit in the name, e.g. ``{"PE": ..., "time_us": ...}``.
    published : dict
        The collaboration's published numbers for comparison (fitted CEvNS events and error, SM prediction,
        source), as documented in the data set's module.
    notes : tuple of str
        Choices made in building the likelihood.
    """

    name: str
    observed: np.ndarray
    components: tuple[str, ...]
    sm_templates: np.ndarray
    em_templates: np.ndarray
    background_names: tuple[str, ...]
    backgrounds: np.ndarray
    background_uncertainties: np.ndarray
    signal_uncertainty: float
    bin_shape: tuple[int, ...]
    axes: dict
    published: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self):
        n = self.observed.size
        if self.sm_templates.shape != (len(self.components), n) or self.em_templates.shape != self.sm_templates.shape:
            raise ValueError(f"{self.name}: templates must have shape ({len(self.components)}, {n})")
        if self.backgrounds.shape != (len(self.background_names), n):
            raise ValueError(f"{self.name}: backgrounds must have shape ({len(self.background_names)}, {n})")
        if int(np.prod(self.bin_shape)) != n:
            raise ValueError(f"{self.name}: bin_shape {self.bin_shape} does not hold {n} bins")
        if np.any(self.observed < 0) or np.any(self.backgrounds < 0) or np.any(self.sm_templates < 0):
            raise ValueError(f"{self.name}: counts and templates must be >= 0")

    @property
    def sm_total(self) -> float:
        """Total expected SM CEvNS events."""
        return float(self.sm_templates.sum())

    def expected(self, mu2=None, alpha=0.0, beta=None):
        """Expected counts per bin for effective moments ``mu2`` (..., n_components), nuisances alpha, beta."""
        mu2 = np.zeros(len(self.components)) if mu2 is None else np.asarray(mu2, dtype=float)
        beta = np.zeros(len(self.background_names)) if beta is None else np.asarray(beta, dtype=float)
        return expected_counts(self.sm_templates, self.em_templates, mu2, alpha=alpha,
                               backgrounds=self.backgrounds, beta=beta, nuisance_on="total")

    def component_index(self, component: str) -> int:
        return self.components.index(component)


def poisson_deviance(observed, expected) -> float:
    """2 sum [N - n + n ln(n/N)] (zero where n = 0), the -2 ln L of Poisson bins up to a constant."""
    n = np.asarray(observed, dtype=float)
    mu = np.asarray(expected, dtype=float)
    if np.any(mu <= 0):
        return np.inf
    log_term = np.where(n > 0, n * np.log(np.where(n > 0, n, 1.0) / mu), 0.0)
    return float(2.0 * np.sum(mu - n + log_term))


@dataclass(frozen=True)
class NuisanceFit:
    """The minimum of -2 ln L over the nuisances at fixed effective moments (and signal scale)."""

    neg2_log_likelihood: float
    alpha: float
    beta: np.ndarray
    success: bool


def fit_nuisances(dataset: BinnedDataset, mu2=None, *, signal_scale: float | None = None) -> NuisanceFit:
    """Minimize -2 ln L over alpha (unless ``signal_scale`` fixes 1 + alpha) and the betas.

    ``signal_scale`` fixed and sigma_alpha's pull dropped gives the fit of the CEvNS normalization itself
    (used to measure the SM signal). Nuisances are kept in (-1, inf) so every template stays >= 0.
    """
    sigma_b = dataset.background_uncertainties
    free_b = sigma_b > 0
    n_b = int(free_b.sum())

    def unpack(x):
        if signal_scale is None:
            alpha, rest = x[0], x[1:]
        else:
            alpha, rest = signal_scale - 1.0, x
        beta = np.zeros(len(sigma_b))
        beta[free_b] = rest
        return alpha, beta

    def objective(x):
        alpha, beta = unpack(x)
        # A fixed signal scale may be 0 (background only); a fitted alpha stays above -1.
        if (alpha < -1 if signal_scale is not None else alpha <= -1) or np.any(beta <= -1):
            return 1e300
        value = poisson_deviance(dataset.observed, dataset.expected(mu2, alpha, beta))
        if signal_scale is None:
            value += (alpha / dataset.signal_uncertainty) ** 2
        return value + float(np.sum((beta[free_b] / sigma_b[free_b]) ** 2))

    x0 = np.zeros((0 if signal_scale is not None else 1) + n_b)
    if x0.size == 0:
        return NuisanceFit(objective(x0), signal_scale - 1.0, np.zeros(len(sigma_b)), True)
    result = minimize(objective, x0, method="L-BFGS-B", bounds=[(-0.999, None)] * x0.size,
                      options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 2000})
    alpha, beta = unpack(result.x)
    return NuisanceFit(float(result.fun), float(alpha), beta, bool(result.success))

