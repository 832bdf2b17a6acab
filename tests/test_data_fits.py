"""Binned Poisson fits on synthetic data sets built from the rate engine (real data: tests/test_data_*.py)."""

import numpy as np
import pytest

from bayes_tmm.binned import BinnedDataset, fit_nuisances, poisson_deviance
from bayes_tmm.data_fits import fit_sm_signal, profile_limits
from bayes_tmm.frequentist import CountingChi2, em_count_limit
from bayes_tmm.rates import compute_templates

from .helpers import model_dict, setup_from


def synthetic(stem="csi", edges=(5, 8, 12, 16, 20, 26), background_per_bin=20.0, scale=1.0,
              signal_uncertainty=0.1, background_uncertainty=0.2, observed=None):
    data = model_dict(stem)
    data["setups"]["current"]["bin_edges"] = list(edges)
    t = compute_templates(setup_from(data))
    n = t.sm_events.shape[1]
    sm, em = t.sm_events * scale, t.em_events_per_mu2 * scale
    backgrounds = np.full((1, n), background_per_bin)
    asimov = sm.sum(axis=0) + backgrounds.sum(axis=0)
    return BinnedDataset(
        name="synthetic", observed=asimov if observed is None else observed, components=t.components,
        sm_templates=sm, em_templates=em, background_names=("flat",), backgrounds=backgrounds,
        background_uncertainties=np.array([background_uncertainty]), signal_uncertainty=signal_uncertainty,
        bin_shape=(n,), axes={t.observable_unit: np.asarray(edges, float)})


def test_poisson_deviance_is_zero_at_the_data_and_positive_elsewhere():
    n = np.array([3.0, 0.0, 10.0])
    assert poisson_deviance(n, n + (n == 0) * 1e-300) == pytest.approx(0.0, abs=1e-12)
    assert poisson_deviance(n, n * 1.1 + 0.1) > 0
    assert poisson_deviance(n, np.array([3.0, -1.0, 10.0])) == np.inf


def test_signal_fit_on_asimov_data_recovers_the_prediction():
    d = synthetic()
    fit = fit_sm_signal(d)
    assert fit.scale == pytest.approx(1.0, abs=1e-4)
    assert fit.events == pytest.approx(d.sm_total, rel=1e-4)
    # the interval is of Poisson size: sqrt(N_SM + N_B) / N_SM in relative terms, widened by the background pull
    rel = 0.5 * (fit.error_low + fit.error_high) / fit.events
    assert np.sqrt(d.observed.sum()) / d.sm_total < rel < 2 * np.sqrt(d.observed.sum()) / d.sm_total


def test_signal_fit_follows_a_scaled_signal():
    d0 = synthetic()
    observed = 0.7 * d0.sm_templates.sum(axis=0) + d0.backgrounds.sum(axis=0)
    fit = fit_sm_signal(synthetic(observed=observed))
    assert fit.scale == pytest.approx(0.7, abs=2e-3)


def test_one_bin_poisson_profile_matches_the_gaussian_counting_chi2_at_large_counts():
    # 1e6 SM events in one bin, no background: Poisson deviance = Gaussian chi^2 to O(N^-1/2)
    d = synthetic(edges=(5, 26), scale=1e6 / 171.5, background_per_bin=0.0, background_uncertainty=0.0,
                  signal_uncertainty=0.05)
    limits = profile_limits([d], "single", r_max=100.0)
    em_prompt = d.em_templates[d.component_index("prompt")].sum()
    counting = CountingChi2("syn", "current", "full", "asimov", "total", d.sm_total, {"prompt": em_prompt},
                            d.sm_total, d.sm_total, 0.0, 0.05, 0.0)
    # the binned limit switches on every component's EM term: compare through mu^2 of the prompt-only data set
    d_prompt = BinnedDataset(d.name, d.observed, ("prompt",), d.sm_templates.sum(axis=0, keepdims=True),
                             d.em_templates[[d.component_index("prompt")]], d.background_names, d.backgrounds,
                             d.background_uncertainties, d.signal_uncertainty, d.bin_shape, d.axes)
    limits = profile_limits([d_prompt], "single", r_max=100.0)
    mu2_limit = em_count_limit(counting) / em_prompt
    from bayes_tmm.frequentist import TABLE2_PARAMETERS
    from bayes_tmm.mixing import pmns_matrix

    u2 = np.abs(pmns_matrix(TABLE2_PARAMETERS)[1]) ** 2
    np.testing.assert_allclose(limits, np.sqrt(mu2_limit / (1 - u2)), rtol=0.01)


def test_full_profile_is_unbounded_for_one_flavour_and_bounded_for_the_sns_beam():
    d = synthetic()
    prompt_only = BinnedDataset(d.name, d.observed, ("prompt",), d.sm_templates.sum(axis=0, keepdims=True),
                                d.em_templates[[d.component_index("prompt")]], d.background_names, d.backgrounds,
                                d.background_uncertainties, d.signal_uncertainty, d.bin_shape, d.axes)
    assert np.all(np.isinf(profile_limits([prompt_only], "full", r_max=500.0)))
    single = profile_limits([d], "single", r_max=500.0)
    full = profile_limits([d], "full", r_max=500.0)
    assert np.all(np.isfinite(full))
    assert np.all(full >= single * (1 - 1e-3))


def test_nuisance_fit_respects_the_pulls():
    d = synthetic()
    observed = 1.3 * d.sm_templates.sum(axis=0) + d.backgrounds.sum(axis=0)
    fit = fit_nuisances(synthetic(observed=observed))
    assert 0 < fit.alpha < 0.3  # pulled up, but less than the 30 % excess because of its 10 % prior
