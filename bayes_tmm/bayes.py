"""PyMC models of the TMM moduli, phases and nuisance normalizations.

One builder, :func:`build_model`, turns one or several counting analyses (:class:`~bayes_tmm.frequentist.
CountingChi2`, the same objects the chi^2 side uses) into a ``pm.Model``:

* parameters: the TMM moduli |Lambda_i| (units 1e-10 mu_B) under a named prior; in ``full`` mode also
  their phases, each Lambda_i sampled as a 2-D vector w_i ~ Normal(0, 1)^2 whose direction is the phase
  (uniform on the circle, free of the 0 = 2 pi seam that breaks ``Uniform(0, 2 pi)`` and ``VonMises``
  phases, STACK.md) and whose length maps to the modulus through the prior's inverse CDF; the common
  phase is unobservable and only the differences delta_ij = zeta_i - zeta_j are reported;
  per analysis a signal normalization alpha and a background normalization beta with Gaussian priors of
  the chi^2 pulls' widths, truncated so that 1 + alpha > 0 and 1 + beta > 0;
* expected counts through :func:`bayes_tmm.expected.expected_counts` (the chi^2 side's function) and the
  effective-moment forms mu_c^2 = z^T Q_c z of :mod:`bayes_tmm.tmm`;
* a Gaussian likelihood with the chi^2's statistical variance, so -2 log L = chi^2 + const and Bayesian
  and chi^2 results differ only by marginalization vs profiling and by the prior.

Modes: ``single`` (one non-zero Lambda_i at a time, real: three independent one-parameter posteriors in
one graph, each with its own nuisances), ``pair`` (two real Lambda's, the paper's 2-D setting) and
``full`` (three moduli and two phases; the phases are marginalized).

Every number (templates, data, pulls, mixing forms, prior range) is a ``pm.Data`` container, so a model
compiled once serves every experiment and setup of the same structure (:func:`structure_key`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from .expected import NUISANCE_CONVENTIONS, expected_counts
from .priors import MODES, PRIORS, Prior
from .frequentist import TABLE2_PARAMETERS, CountingChi2, one_at_a_time_limits
from .mixing import OscillationParameters, pmns_matrix
from .sources import COMPONENTS
from .tmm import effective_moment_matrix, real_quadratic_form_6x6
from .tmm_pytensor import mu2_from_forms_pt

__all__ = [
    "MODES",
    "PRIORS",
    "Prior",
    "ModelInputs",
    "model_inputs",
    "build_model",
    "structure_key",
    "prior_data",
    "default_lambda_max",
    "inverse_prior_cdf",
    "real_moduli",
    "complex_moments",
    "prior_containers",
]

@dataclass(frozen=True)
class ModelInputs:
    """The numbers a model needs, as arrays (the contents of its ``pm.Data`` containers).

    K analyses ("channels") and the four beam components of :data:`bayes_tmm.sources.COMPONENTS`.
    """

    sm_events: np.ndarray            # (K,) SM events of all components
    em_events_per_mu2: np.ndarray    # (K, 4) EM events per unit mu_c^2; zero for components not in the beam
    observed_events: np.ndarray      # (K,)
    stat_sd: np.ndarray              # (K,) sqrt of the chi^2's statistical variance
    background_events: np.ndarray    # (K,)
    sigma_alpha: np.ndarray          # (K,)
    sigma_beta: np.ndarray           # (K,) 0 where there is no background
    moment_forms: np.ndarray         # (4, 6, 6) real quadratic forms of M_c
    nuisance_on: tuple[str, ...]     # per channel ("total" or "signal"), entered as the data switch alpha_on_total

    def data_values(self) -> dict[str, np.ndarray]:
        """The ``pm.Data`` containers of a model, by name: what :func:`build_model` creates and what a compiled
        model is re-run with."""
        return {
            "sm_events": self.sm_events,
            "em_events_per_mu2": self.em_events_per_mu2,
            "observed_events": self.observed_events,
            "stat_sd": self.stat_sd,
            "background_events": self.background_events,
            "sigma_alpha": self.sigma_alpha,
            "sigma_beta": self.sigma_beta,
            "moment_forms": self.moment_forms,
            "alpha_on_total": np.array([float(on == "total") for on in self.nuisance_on]),
        }


def model_inputs(channels: Sequence[CountingChi2], params: OscillationParameters = TABLE2_PARAMETERS) -> ModelInputs:
    """Collect the arrays of ``channels`` (the chi^2 objects of each analysis) and the mixing forms."""
    if not channels:
        raise ValueError("at least one analysis (channel) is needed")
    u = pmns_matrix(params)
    em = np.array([[ch.em_events_per_mu2.get(c, 0.0) for c in COMPONENTS] for ch in channels])
    return ModelInputs(
        sm_events=np.array([ch.sm_events for ch in channels]),
        em_events_per_mu2=em,
        observed_events=np.array([ch.data for ch in channels]),
        stat_sd=np.sqrt([ch.stat_variance for ch in channels]),
        background_events=np.array([ch.background for ch in channels]),
        sigma_alpha=np.array([ch.signal_uncertainty for ch in channels]),
        sigma_beta=np.array([ch.background_uncertainty if ch.background > 0 else 0.0 for ch in channels]),
        moment_forms=np.stack([real_quadratic_form_6x6(effective_moment_matrix(c, u)) for c in COMPONENTS]),
        nuisance_on=tuple(ch.nuisance_on for ch in channels),
    )


def default_lambda_max(channels: Sequence[CountingChi2], params: OscillationParameters = TABLE2_PARAMETERS,
                       factor: float = 3.0) -> float:
    """A prior range for the moduli (1e-10 mu_B): ``factor`` times the weakest one-at-a-time chi^2 limit of the
    channels. It holds the bulk of the likelihood. It cannot hold all of it: a Gaussian normalization
    nuisance lets 1 + alpha go towards 0 and absorb any EM excess at a finite cost, so the likelihood of a
    counting analysis keeps a floor exp(-1 / (2 sigma_alpha^2)) at large |Lambda| (both nuisance
    conventions), and results whose prior volume is large (full mode) depend on this range."""
    limits = [one_at_a_time_limits(ch, params) for ch in channels]
    finite = np.concatenate([lim[np.isfinite(lim)] for lim in limits])
    if finite.size == 0:
        raise ValueError("no channel bounds any |Lambda_i|: give lambda_max explicitly")
    return float(factor * finite.max())


def structure_key(mode: str, inputs: ModelInputs, pair: tuple[int, int] = (1, 2)) -> tuple:
    """What fixes the compiled graph: models with equal keys differ only in their ``pm.Data`` values
    (templates, data, pulls, mixing forms, prior kind and range, nuisance convention)."""
    return (mode, len(inputs.sm_events), pair if mode == "pair" else None)


def prior_data(prior: Prior) -> dict[str, np.ndarray]:
    """The ``pm.Data`` values that select and shape ``prior`` in a compiled model."""
    return {
        "prior_kind": np.array([float(prior.name == name) for name in PRIORS]),
        "lambda_max": np.array(prior.lambda_max),
        "lambda_min": np.array(prior.lower),
        "prior_scale": np.array(prior.half_normal_scale),
    }


def prior_containers(prior: Prior) -> dict:
    """``pm.Data`` containers of the prior (inside a model context), keyed as :func:`inverse_prior_cdf` reads them."""
    keys = {"prior_kind": "prior_kind", "lambda_max": "lambda_max", "lambda_min": "lambda_min", "prior_scale": "scale"}
    return {keys[name]: pm.Data(name, value) for name, value in prior_data(prior).items()}


def inverse_prior_cdf(u, d):
    """|Lambda| = F^-1(u) of the selected prior (1e-10 mu_B), u in (0, 1).

    Writing every prior as an inverse CDF makes the prior a data switch (``prior_kind``), so one compiled
    graph serves all priors. The half-normal is truncated at lambda_max (with the default scale
    lambda_max / 3 that removes 0.3 % of its mass).
    """
    lmax, lmin, scale, w = d["lambda_max"], d["lambda_min"], d["scale"], d["prior_kind"]
    flat = lmax * u
    flat_mu2 = lmax * pt.sqrt(u)
    log_uniform = lmin * pt.exp(u * pt.log(lmax / lmin))
    root2 = np.sqrt(2.0)
    half_normal = scale * root2 * pt.erfinv(u * pt.erf(lmax / (scale * root2)))
    return w[0] * flat + w[1] * flat_mu2 + w[2] * log_uniform + w[3] * half_normal


def real_moduli(size: int, d):
    """``size`` moduli |Lambda| >= 0 (real TMMs), u ~ U(0, 1) mapped through the prior's inverse CDF."""
    u = pm.Uniform("lambda_quantile", lower=0.0, upper=1.0, shape=size)
    return pm.Deterministic("lambda_moduli", inverse_prior_cdf(u, d))


def complex_moments(d):
    """Three complex Lambda_i (1e-10 mu_B) from 2-D vectors w_i ~ Normal(0, 1)^2.

    The direction of w_i is the phase zeta_i (uniform on the circle: no seam at 0 = 2 pi), and its length
    fixes the modulus: |w|^2 / 2 ~ Exp(1), so u = 1 - exp(-|w|^2 / 2) ~ U(0, 1) and |Lambda_i| = F^-1(u) has
    exactly the prior's distribution. Near the origin Lambda(w) is close to linear, so the narrow but
    straight ridges of a blind direction stay straight for the sampler (polar coordinates bend them).
    The common phase of the three Lambda_i is unobservable: it is sampled (uniform, by the symmetry of
    the prior) and only phase differences are reported.
    """
    w = pm.Normal("lambda_vectors", mu=0.0, sigma=1.0, shape=(3, 2))
    length2 = pt.sum(w**2, axis=1)
    u = -pt.expm1(-0.5 * length2)
    r = pm.Deterministic("lambda_moduli", inverse_prior_cdf(u, d))
    scale = r / pt.sqrt(length2 + 1e-300)
    zeta = pt.arctan2(w[:, 1], w[:, 0])
    for a, b in ((1, 2), (2, 3), (3, 1)):
        diff = zeta[a - 1] - zeta[b - 1]  # zeta_a - zeta_b, wrapped to (-pi, pi]
        pm.Deterministic(f"delta{a}{b}", pt.arctan2(pt.sin(diff), pt.cos(diff)))
    return scale * w[:, 0], scale * w[:, 1]


def _nuisances(shape, sigma_alpha, sigma_beta):
    """alpha, beta per channel, non-centred: alpha = sigma_alpha * a with a ~ Normal(0, 1) truncated so that
    1 + alpha > 0 (likewise beta). Truncation points beyond 10 sigma are moved to 10 sigma: they remove
    less than 1e-23 of the prior mass, and a far-away bound would make the sampler's log transform of the
    truncated variable nearly flat. Channels without background (sigma_beta = 0) get a beta that
    multiplies nothing.
    """
    alpha_raw = pm.TruncatedNormal("alpha_raw", mu=0.0, sigma=1.0, lower=-1.0 / pt.maximum(sigma_alpha, 0.1),
                                   shape=shape)
    beta_raw = pm.TruncatedNormal("beta_raw", mu=0.0, sigma=1.0, lower=-1.0 / pt.maximum(sigma_beta, 0.1),
                                  shape=shape)
    alpha = pm.Deterministic("alpha", sigma_alpha * alpha_raw)
    beta = pm.Deterministic("beta", sigma_beta * beta_raw)
    return alpha, beta


def _expected(k: int, n_em, alpha, beta, d):
    """Expected events of channel k for a total EM count ``n_em`` (tensor), via the shared count model; the
    nuisance convention is a data switch (``alpha_on_total`` = 1: "total", 0: "signal")."""
    counts = {
        on: expected_counts(d["sm"][k][None, None], pt.ones((1, 1)), n_em[..., None], alpha=alpha,
                            backgrounds=d["background"][k][None, None], beta=beta[..., None], nuisance_on=on)[..., 0]
        for on in NUISANCE_CONVENTIONS
    }
    t = d["alpha_on_total"][k]
    return t * counts["total"] + (1.0 - t) * counts["signal"]


def build_model(inputs: ModelInputs, mode: str, prior: Prior, *, pair: tuple[int, int] = (1, 2)) -> pm.Model:
    """A ``pm.Model`` of the TMMs for the channels in ``inputs``.

    Parameters
    ----------
    inputs : ModelInputs
        From :func:`model_inputs`.
    mode : {"single", "pair", "full"}
    prior : Prior
        Prior on each modulus.
    pair : (i, j)
        1-based indices of the two non-zero Lambda's in ``pair`` mode.

    Named variables: ``lambda_moduli`` (shape 3 in single and full mode, 2 in pair mode), ``delta12``,
    ``delta23``, ``delta31`` (full mode, radians in (-pi, pi]), ``mu2_eff`` (pair and full: per component of :data:`COMPONENTS`), ``alpha``,
    ``beta`` (per channel; in single mode per channel and per Lambda_i).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    n_channels = len(inputs.sm_events)
    i, j = pair
    if mode == "pair" and not (1 <= i <= 3 and 1 <= j <= 3 and i != j):
        raise ValueError(f"pair must be two distinct indices in 1..3, got {pair}")
    with pm.Model() as model:
        # short graph-side keys for the containers of ModelInputs.data_values()
        keys = {"sm_events": "sm", "em_events_per_mu2": "em", "observed_events": "observed", "stat_sd": "stat_sd",
                "background_events": "background", "sigma_alpha": "sigma_alpha", "sigma_beta": "sigma_beta",
                "moment_forms": "forms", "alpha_on_total": "alpha_on_total"}
        d = {keys[name]: pm.Data(name, value) for name, value in inputs.data_values().items()}
        d.update(prior_containers(prior))
        if mode == "single":
            r = real_moduli(3, d)
            # One non-zero real Lambda_i: mu_c^2 = |Lambda_i|^2 M_c[i, i]; three independent copies.
            diag = pt.stack([d["forms"][:, m, m] for m in range(3)], axis=1)  # (4, 3)
            per_unit = pt.dot(d["em"], diag)  # (K, 3): EM events per |Lambda_i|^2
            n_em = per_unit * r[None, :] ** 2
            alpha, beta = _nuisances((n_channels, 3), d["sigma_alpha"][:, None], d["sigma_beta"][:, None])
            for m in range(3):
                for k in range(n_channels):
                    mu = _expected(k, n_em[k, m], alpha[k, m], beta[k, m], d)
                    pm.Normal(f"counts_{k}_lambda{m + 1}", mu=mu, sigma=d["stat_sd"][k], observed=d["observed"][k])
            return model
        if mode == "pair":
            r = real_moduli(2, d)
            re = pt.zeros(3)
            re = pt.set_subtensor(re[i - 1], r[0])
            re = pt.set_subtensor(re[j - 1], r[1])
            im = pt.zeros(3)
        else:
            re, im = complex_moments(d)
        mu2 = pm.Deterministic("mu2_eff", mu2_from_forms_pt(re, im, d["forms"]))
        n_em = pt.dot(d["em"], mu2)  # (K,)
        alpha, beta = _nuisances(n_channels, d["sigma_alpha"], d["sigma_beta"])
        for k in range(n_channels):
            mu = _expected(k, n_em[k], alpha[k], beta[k], d)
            pm.Normal(f"counts_{k}", mu=mu, sigma=d["stat_sd"][k], observed=d["observed"][k])
    return model
