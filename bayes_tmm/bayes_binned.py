"""PyMC models of binned released data (one or several data sets with shared TMMs).

The same parametrization as :mod:`bayes_tmm.bayes` (moduli through the prior's inverse CDF; in ``full``
mode complex Lambda_i from 2-D normal vectors), the same expected-count function
(:func:`bayes_tmm.expected.expected_counts`, nuisance on the total CEvNS signal), and a Poisson likelihood
per bin: the Bayesian counterpart of :mod:`bayes_tmm.data_fits`. Per data set: a signal normalization
alpha and one beta per background with a non-zero uncertainty, Gaussian priors truncated at -1.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from .bayes import Prior, complex_moments, prior_containers, real_moduli
from .binned import BinnedDataset
from .expected import expected_counts
from .frequentist import TABLE2_PARAMETERS
from .mixing import OscillationParameters, pmns_matrix
from .tmm import effective_moment_matrix, real_quadratic_form_6x6
from .tmm_pytensor import mu2_from_forms_pt

__all__ = ["build_binned_model"]


def _normalization(name: str, sigma: np.ndarray):
    """sigma * x with x ~ Normal(0, 1) truncated so that 1 + sigma x > 0 (far bounds moved to 10 sigma)."""
    lower = -1.0 / np.maximum(sigma, 0.1)
    raw = pm.TruncatedNormal(f"{name}_raw", mu=0.0, sigma=1.0, lower=lower, shape=sigma.shape)
    return pm.Deterministic(name, sigma * raw)


def _dataset_likelihood(k: int, d: BinnedDataset, mu2, suffix: str = ""):
    """Poisson likelihood of data set k for effective moments ``mu2`` (one per template component)."""
    alpha = _normalization(f"alpha_{k}{suffix}", np.array([d.signal_uncertainty]))[0]
    free = d.background_uncertainties > 0
    beta = pt.zeros(len(d.background_names))
    if free.any():
        beta = pt.set_subtensor(beta[np.flatnonzero(free)],
                                _normalization(f"beta_{k}{suffix}", d.background_uncertainties[free]))
    mu = expected_counts(pt.as_tensor_variable(d.sm_templates), pt.as_tensor_variable(d.em_templates), mu2,
                         alpha=alpha, backgrounds=pt.as_tensor_variable(d.backgrounds), beta=beta,
                         nuisance_on="total")
    pm.Poisson(f"counts_{k}{suffix}", mu=mu, observed=d.observed)


def build_binned_model(datasets: Sequence[BinnedDataset], mode: str, prior: Prior,
                       params: OscillationParameters = TABLE2_PARAMETERS) -> pm.Model:
    """A ``pm.Model`` of the TMMs for binned data sets.

    ``single`` mode: three independent copies (one non-zero real Lambda_i each, own nuisances), so
    ``lambda_moduli[i]`` is the one-at-a-time posterior of |Lambda_i|. ``full`` mode: three complex
    Lambda_i, phases marginalized.
    """
    if mode not in ("single", "full"):
        raise ValueError(f"mode must be 'single' or 'full' for binned data, got {mode!r}")
    u = pmns_matrix(params)
    with pm.Model() as model:
        d = prior_containers(prior)
        if mode == "single":
            r = real_moduli(3, d)
            for i in range(3):
                for k, ds in enumerate(datasets):
                    diag = np.array([np.real(effective_moment_matrix(c, u)[i, i]) for c in ds.components])
                    _dataset_likelihood(k, ds, r[i] ** 2 * pt.as_tensor_variable(diag), suffix=f"_lambda{i + 1}")
            return model
        re, im = complex_moments(d)
        for k, ds in enumerate(datasets):
            forms = np.stack([real_quadratic_form_6x6(effective_moment_matrix(c, u)) for c in ds.components])
            mu2 = mu2_from_forms_pt(re, im, forms)
            _dataset_likelihood(k, ds, mu2)
    return model
