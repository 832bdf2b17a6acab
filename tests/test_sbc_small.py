"""Calibration of the PyMC model: its log-likelihood is -chi^2/2 (deterministic), and a small simulation-based
calibration (SBC) of the single-mode model gives uniform ranks (slow: compiles and samples)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from bayes_tmm.bayes import Prior, build_model, model_inputs
from bayes_tmm.frequentist import CountingChi2, beam_moment_matrix

SBC_SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "sbc.py"


def _sbc_module():
    """benchmarks/sbc.py (not a package module) loaded by path."""
    name = "bayes_tmm_benchmarks_sbc"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SBC_SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


# Two channels of different conventions: an Asimov analysis with the nuisance on the signal and no background
# (reactor antineutrinos), and a COHERENT-2017-like one with the nuisance on the total and a background
# (SNS prompt + delayed). Numbers are arbitrary but of realistic size.
ASIMOV = CountingChi2("toyA", "t", "reactor", "asimov", "signal", sm_events=300.0,
                      em_events_per_mu2={"antinue": 5.0}, data=312.0, stat_variance=300.0, background=0.0,
                      signal_uncertainty=0.1, background_uncertainty=0.0)
COHERENT = CountingChi2("toyC", "t", "full", "coherent_2017", "total", sm_events=170.0,
                        em_events_per_mu2={"prompt": 0.03, "nue": 0.03, "numubar": 0.035}, data=134.0,
                        stat_variance=950.0, background=6.0, signal_uncertainty=0.28, background_uncertainty=0.25)
LAMBDA_MAX = 40.0


def _chi2_numpy(channels, lam, alpha, beta):
    """sum over channels k and single-mode copies m of (D_k - N_km)^2 / V_k, straight from the CountingChi2
    fields: N = N_SM + (1 + alpha) N_EM + (1 + beta) B ("signal") or (1 + alpha)(N_SM + N_EM) + (1 + beta) B
    ("total"), N_EM = |Lambda_m|^2 (sum_c n_EM[c] M_c)[m, m]."""
    total = 0.0
    for k, ch in enumerate(channels):
        per_l2 = np.real(np.diag(beam_moment_matrix(ch)))
        for m in range(3):
            n_em = per_l2[m] * lam[m] ** 2
            if ch.nuisance_on == "signal":
                n = ch.sm_events + (1.0 + alpha[k, m]) * n_em
            else:
                n = (1.0 + alpha[k, m]) * (ch.sm_events + n_em)
            n = n + (1.0 + beta[k, m]) * ch.background
            total += (ch.data - n) ** 2 / ch.stat_variance
    return total


def _point(model, u, alpha_raw, beta_raw):
    """A value-variable point (transformed space) from untransformed values of the free variables."""
    values = {"lambda_quantile": np.asarray(u, float), "alpha_raw": np.asarray(alpha_raw, float),
              "beta_raw": np.asarray(beta_raw, float)}
    point = {}
    for rv in model.free_RVs:
        value_var = model.rvs_to_values[rv]
        transform = model.rvs_to_transforms.get(rv)
        x = values[rv.name]
        if transform is not None:  # FAST_COMPILE: no C/Numba compilation for these one-off evaluations
            x = pytensor.function([], transform.forward(pt.as_tensor(x), *rv.owner.inputs), mode="FAST_COMPILE")()
        point[value_var.name] = x
    return point


@pytest.fixture(scope="module")
def two_channel_model():
    channels = [ASIMOV, COHERENT]
    model = build_model(model_inputs(channels), "single", Prior("flat", LAMBDA_MAX))
    return channels, model, model.compile_logp(jacobian=False)


def test_flat_prior_maps_quantile_to_modulus(two_channel_model):
    """lambda_moduli = lambda_max * u for the flat prior (the inverse CDF the likelihood check relies on)."""
    import pymc as pm

    _, model, _ = two_channel_model
    fn = pm.compile(model.value_vars, model.replace_rvs_by_values([model["lambda_moduli"]]),
                    on_unused_input="ignore")
    u = np.array([0.05, 0.4, 0.93])
    point = _point(model, u, np.zeros((2, 3)), np.zeros((2, 3)))
    (lam,) = fn(*[point[v.name] for v in model.value_vars])
    np.testing.assert_allclose(lam, LAMBDA_MAX * u, rtol=1e-12)


def test_loglikelihood_is_minus_half_chi2_moduli(two_channel_model):
    """Moving only the moduli (nuisances fixed, flat prior: constant prior density) changes log p by exactly
    -(chi2_a - chi2_b) / 2."""
    channels, model, logp = two_channel_model
    alpha_raw = np.array([[0.7, -0.4, 1.3], [-0.9, 0.2, 0.5]])
    beta_raw = np.array([[0.3, -1.1, 0.0], [0.8, -0.6, 1.7]])
    sigma_a = np.array([[ch.signal_uncertainty] for ch in channels])
    sigma_b = np.array([[ch.background_uncertainty if ch.background > 0 else 0.0] for ch in channels])
    alpha, beta = sigma_a * alpha_raw, sigma_b * beta_raw
    u_a, u_b = np.array([0.05, 0.4, 0.93]), np.array([0.6, 0.02, 0.3])
    chi2_a = _chi2_numpy(channels, LAMBDA_MAX * u_a, alpha, beta)
    chi2_b = _chi2_numpy(channels, LAMBDA_MAX * u_b, alpha, beta)
    diff = logp(_point(model, u_a, alpha_raw, beta_raw)) - logp(_point(model, u_b, alpha_raw, beta_raw))
    assert abs(chi2_a - chi2_b) > 10.0  # the two points really differ
    np.testing.assert_allclose(diff, -(chi2_a - chi2_b) / 2.0, rtol=1e-9, atol=1e-8)


def test_loglikelihood_is_minus_half_chi2_all_parameters(two_channel_model):
    """Moving moduli and nuisances: log p changes by -(delta chi2)/2 plus the Gaussian prior terms of the
    nuisances, -(a^2 - b^2)/2 per alpha_raw and beta_raw element (the truncation normalizers are equal)."""
    channels, model, logp = two_channel_model
    sigma_a = np.array([[ch.signal_uncertainty] for ch in channels])
    sigma_b = np.array([[ch.background_uncertainty if ch.background > 0 else 0.0] for ch in channels])
    rng = np.random.default_rng(3)
    for _ in range(3):
        u = rng.uniform(0.01, 0.99, size=(2, 3))
        a_raw = rng.uniform(-2.0, 2.0, size=(2, 2, 3))
        b_raw = rng.uniform(-2.0, 2.0, size=(2, 2, 3))
        chi2 = [_chi2_numpy(channels, LAMBDA_MAX * u[p], sigma_a * a_raw[p], sigma_b * b_raw[p]) for p in range(2)]
        prior = [-0.5 * (np.sum(a_raw[p] ** 2) + np.sum(b_raw[p] ** 2)) for p in range(2)]
        lp = [logp(_point(model, u[p], a_raw[p], b_raw[p])) for p in range(2)]
        np.testing.assert_allclose(lp[0] - lp[1], -(chi2[0] - chi2[1]) / 2.0 + prior[0] - prior[1],
                                   rtol=1e-9, atol=1e-8)


@pytest.mark.slow
def test_sbc_ranks_of_lambda1_are_uniform():
    """30 simulations of the single-mode model of a small Asimov analysis (benchmarks/sbc.py): the ranks of the
    true |Lambda_1| (and of the EM signal) among posterior draws are not grossly non-uniform."""
    sbc = _sbc_module()
    res = sbc.run_sbc(30, draws=200, tune=200, chains=4, n_rank_draws=100, seed=2024)
    print(sbc.report(res))
    assert res.n_rank_draws == 100
    for name in ("lambda1", "em_signal1"):
        assert res.ks_pvalue(name) > 1e-3, (name, res.ranks[name])
    # Short runs (4 x 200 draws) rarely meet the package's ESS >= 400 criterion, but must not be far off.
    assert np.mean(res.rhat_max <= 1.05) >= 0.9
    assert res.divergences.sum() <= 3
