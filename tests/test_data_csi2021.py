"""Tests of the COHERENT CsI 2021 (full data set) likelihood (bayes_tmm.data_csi2021).

Counts and constants quoted from the data folder's README.md. Data-dependent tests use the
``shared_data_dir`` fixture (tests/conftest.py): skipped when ../shared/data is absent locally, failing in CI.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq, minimize_scalar

from bayes_tmm.binned import fit_nuisances
from bayes_tmm.data_csi2021 import (
    BRN_UNCERTAINTY,
    DEFAULT_PE_EDGES,
    DEFAULT_TIME_EDGES_us,
    LIGHT_YIELD_PE_PER_keVee,
    MUON_LIFETIME_us,
    NIN_UNCERTAINTY,
    PION_LIFETIME_us,
    BeamTiming,
    fit_beam_timing,
    load_csi2021_dataset,
    pe_response_matrix,
    recoil_spec,
    timing_efficiency,
    timing_efficiency_bin_average,
)
from bayes_tmm.dataset_parsers import load_coherent_csi_2021
from bayes_tmm.experiments import get_setup


@pytest.fixture(scope="module")
def release(shared_data_dir):
    return load_coherent_csi_2021(shared_data_dir)


@pytest.fixture(scope="module")
def dataset(shared_data_dir):
    return load_csi2021_dataset(shared_data_dir)


@pytest.fixture(scope="module")
def dataset_total_ss(shared_data_dir):
    return load_csi2021_dataset(shared_data_dir, steady_state="total")


@dataclass(frozen=True)
class CevnsFit:
    scale: float
    scale_low: float
    scale_high: float
    neg2_log_likelihood: float
    sm_events: float

    @property
    def events(self):
        return self.scale * self.sm_events

    @property
    def events_low(self):
        return self.scale_low * self.sm_events

    @property
    def events_high(self):
        return self.scale_high * self.sm_events


def profile_signal_scale(dataset, low=0.05, high=3.0) -> CevnsFit:
    """Best-fit CEvNS scale (backgrounds profiled, TMMs zero, no pull) and its Delta(-2 ln L) = 1 interval."""
    def neg2(s):
        return fit_nuisances(dataset, signal_scale=s).neg2_log_likelihood

    best = minimize_scalar(neg2, bounds=(low, high), method="bounded", options={"xatol": 1e-5})
    lo = brentq(lambda s: neg2(s) - best.fun - 1.0, low, best.x, xtol=1e-6)
    hi = brentq(lambda s: neg2(s) - best.fun - 1.0, best.x, high, xtol=1e-6)
    return CevnsFit(float(best.x), lo, hi, float(best.fun), dataset.sm_total)


@pytest.fixture(scope="module")
def cevns_fit(dataset):
    return profile_signal_scale(dataset)


def in_window(events):
    pe, t = events.energy_PE, events.recoil_time_us
    return (pe >= 0) & (pe < 60) & (t >= 0) & (t < 6)


# ---------------------------------------------------------------------------------------------------
# Pure functions (no data)
# ---------------------------------------------------------------------------------------------------


def test_timing_efficiency_values_and_exact_bin_average():
    assert timing_efficiency(0.3) == 1.0
    assert timing_efficiency(0.52) == pytest.approx(1.0)
    assert timing_efficiency(6.0) == pytest.approx(np.exp(-0.0494 * 5.48), rel=1e-12)
    edges = np.array([0.0, 0.4, 0.6, 2.0, 6.0])  # one bin straddles the 0.52-us onset
    numeric = [quad(timing_efficiency, a, b, points=[0.52])[0] / (b - a) for a, b in zip(edges[:-1], edges[1:])]
    assert np.allclose(timing_efficiency_bin_average(edges), numeric, rtol=1e-10)


def test_beam_timing_pdfs_are_normalized_with_the_right_means():
    timing = BeamTiming(0.47, 0.134)
    for delayed, mean in ((False, 0.47 + PION_LIFETIME_us), (True, 0.47 + PION_LIFETIME_us + MUON_LIFETIME_us)):
        norm = quad(lambda t: timing.pdf(t, delayed=delayed), -2, 60, limit=400, points=[0.47])[0]
        first = quad(lambda t: t * timing.pdf(t, delayed=delayed), -2, 60, limit=400, points=[0.47])[0]
        assert norm == pytest.approx(1.0, abs=1e-7)
        assert first == pytest.approx(mean, abs=1e-5)
        assert timing.cdf(60.0, delayed=delayed) == pytest.approx(1.0, abs=1e-9)
        # without eps(t) the bin probabilities are CDF differences; eps(t) lowers them by at most eps(6 us)
        edges = np.asarray(DEFAULT_TIME_EDGES_us)
        plain = timing.bin_probabilities(edges, delayed=delayed, with_efficiency=False)
        in_window = timing.cdf(6.0, delayed=delayed) - timing.cdf(0.0, delayed=delayed)
        assert plain.sum() == pytest.approx(in_window, rel=1e-9)
        with_eff = timing.bin_probabilities(edges, delayed=delayed)
        assert np.all(with_eff <= plain + 1e-15) and np.all(with_eff >= timing_efficiency(6.0) * plain - 1e-15)
    # prompt neutrinos practically all arrive inside 0-6 us; ~8 % of the delayed ones come later
    assert timing.cdf(6.0, delayed=False) - timing.cdf(0.0, delayed=False) > 0.999
    expected_delayed = 1 - np.exp(-(6 - 0.47 - PION_LIFETIME_us) / MUON_LIFETIME_us)
    assert timing.cdf(6.0, delayed=True) == pytest.approx(expected_delayed, abs=3e-3)


def test_pe_response_gamma_mean_and_efficiency_threshold(release):
    eee = np.array([0.3, 1.0, 2.5])  # keVee
    wide = np.arange(0.0, 400.0, 1.0)
    plain = pe_response_matrix(eee, wide, None)
    centres = 0.5 * (wide[1:] + wide[:-1])
    assert np.allclose(plain.sum(axis=1), 1.0, atol=1e-9)
    # mean of the gamma = light yield x E_ee (the release's a = 0.0749 / E_ee: 1 / 0.0749 = 13.35)
    assert np.allclose(plain @ centres, LIGHT_YIELD_PE_PER_keVee * eee, rtol=2e-3)
    assert 1 / 0.0749 == pytest.approx(LIGHT_YIELD_PE_PER_keVee, rel=1e-3)
    # relative width 1 / sqrt(1 + 9.56 E_ee)
    var = plain @ centres**2 - (plain @ centres) ** 2
    assert np.allclose(np.sqrt(var) / (plain @ centres), 1 / np.sqrt(1 + 9.56 * eee), rtol=0.02)
    # the release's efficiency is negative below 7.07 PE: clipped to zero, nothing accepted below 7 PE
    accepted = pe_response_matrix(eee, np.array([0.0, 7.0, 60.0]), release.efficiency)
    assert np.all(accepted[:, 0] == 0.0) and np.all(accepted[:, 1] > 0)


def test_rate_spec_is_the_2021_exposure_with_its_own_cache_key():
    spec = recoil_spec()
    base = get_setup("CsI", "current")
    assert spec.key != base.key and spec.canonical_text != base.canonical_text
    assert spec.key != recoil_spec("klein_nystrand").key
    assert spec.mass_kg == 14.6 and spec.composition == base.composition
    assert spec.source.fluence_per_flavour_per_cm2(spec.exposure_days) == pytest.approx(
        0.0848 * 3.198e23 / (4 * np.pi * 1930.0**2), rel=1e-12)
    assert spec.response.observable_unit == "keVnr"


# ---------------------------------------------------------------------------------------------------
# Observed events
# ---------------------------------------------------------------------------------------------------


def test_event_counts_match_the_readme(release):
    assert release.coincidence.n_events == 5142
    assert release.anticoincidence.n_events == 4890
    # CEvNS window 0-60 PE x 0-6 us
    assert int(in_window(release.coincidence).sum()) == 1578
    assert int(in_window(release.anticoincidence).sum()) == 1295


def test_observed_is_the_binned_coincidence_window(dataset, release):
    c = release.coincidence
    keep = in_window(c)
    assert dataset.bin_shape == (len(DEFAULT_PE_EDGES) - 1, len(DEFAULT_TIME_EDGES_us) - 1)
    assert np.array_equal(dataset.axes["PE"], DEFAULT_PE_EDGES)
    assert np.array_equal(dataset.axes["time_us"], DEFAULT_TIME_EDGES_us)
    assert dataset.observed.sum() == keep.sum()
    # identity with an independent 2-D histogram, in C order (PE major, time minor)
    reference, _, _ = np.histogram2d(c.energy_PE[keep], c.recoil_time_us[keep],
                                     bins=(dataset.axes["PE"], dataset.axes["time_us"]))
    assert np.array_equal(dataset.observed.reshape(dataset.bin_shape), reference)
    assert np.all(dataset.observed == np.round(dataset.observed))


def test_observed_window_with_other_bins(shared_data_dir, release):
    pe_edges = np.concatenate([[0.0], np.arange(8.0, 61.0, 4.0)])
    d = load_csi2021_dataset(shared_data_dir, pe_edges=pe_edges, time_edges_us=np.arange(0, 6.01, 0.5))
    assert d.bin_shape == (14, 12)
    assert d.observed.sum() == 1578
    with pytest.raises(ValueError, match="zero expected events"):  # nothing at all below 6 PE
        load_csi2021_dataset(shared_data_dir, pe_edges=np.arange(0, 61, 4.0))
    with pytest.raises(ValueError, match="inside the analysis window"):
        load_csi2021_dataset(shared_data_dir, pe_edges=[0, 30, 80])
    with pytest.raises(ValueError, match="steady_state"):
        load_csi2021_dataset(shared_data_dir, steady_state="fixed")


# ---------------------------------------------------------------------------------------------------
# CEvNS templates
# ---------------------------------------------------------------------------------------------------


def test_sm_prediction_is_consistent_with_the_published_341_pm_43(dataset):
    published, error = dataset.published["sm_prediction_events"], dataset.published["sm_prediction_error"]
    assert (published, error) == (341.0, 43.0)
    assert abs(dataset.sm_total - published) < error  # we get ~358
    per_component = dataset.sm_templates.sum(axis=1)
    assert dataset.components == ("prompt", "nue", "numubar")
    assert per_component[2] > per_component[1] > per_component[0] > 0


def test_prompt_events_are_early_and_soft(dataset):
    sm = dataset.sm_templates.reshape(3, *dataset.bin_shape)
    t_edges = dataset.axes["time_us"]
    early = t_edges[1:] <= 1.0
    prompt, delayed = sm[0], sm[1] + sm[2]
    assert prompt[:, early].sum() / prompt.sum() > 0.99
    assert delayed[:, early].sum() / delayed.sum() < 0.35
    # 29.8 MeV nu_mu recoils end at ~14 keVnr (~18 PE): only the smearing tail lies above 32 PE
    assert prompt[dataset.axes["PE"][:-1] >= 32].sum() < 2e-3 * prompt.sum()


def test_em_templates_nonnegative_and_em_over_sm_rises_toward_low_pe(dataset):
    assert np.all(dataset.em_templates >= 0)
    assert np.all(dataset.em_templates.sum(axis=1) > 0)
    sm = dataset.sm_templates.sum(axis=0).reshape(dataset.bin_shape).sum(axis=1)
    em = dataset.em_templates.sum(axis=0).reshape(dataset.bin_shape).sum(axis=1)
    ratio = em / sm
    pe_low = dataset.axes["PE"][:-1]
    falling = (pe_low >= 8) & (pe_low < 40)  # 8-40 PE: the bulk of the signal
    assert np.all(np.diff(ratio[falling]) < 0)
    assert ratio[pe_low == 8][0] > 1.3 * ratio[pe_low == 32][0]


def test_beam_timing_fit_reproduces_the_released_nin_time_distribution(release):
    timing = fit_beam_timing(release.nin_time)
    assert 0.40 < timing.pulse_mean_us < 0.55
    assert 0.10 < timing.pulse_sigma_us < 0.18  # SNS pulse ~350 ns FWHM
    edges = release.nin_time.time_bin_edges_us
    model = np.diff(timing.cdf(edges, delayed=True))
    data = release.nin_time.weight / release.nin_time.weight.sum()
    assert np.max(np.abs(model / model.sum() - data)) < 0.05 * data.max()
    # beam-related neutrons arrive after the prompt neutrinos (fast-neutron time of flight)
    t = release.brn_time.time_bin_centers_us
    brn_mean = np.sum(t * release.brn_time.weight) / release.brn_time.weight.sum()
    prompt_mean = timing.pulse_mean_us + PION_LIFETIME_us
    assert 0.05 < brn_mean - prompt_mean < 0.3


# ---------------------------------------------------------------------------------------------------
# Backgrounds
# ---------------------------------------------------------------------------------------------------


def test_background_normalizations(dataset, dataset_total_ss, release):
    names = dataset.background_names
    totals = dict(zip(names, dataset.backgrounds.sum(axis=1)))
    # BRN: time weights (27.63 events at all PE) x window share of the PE weights (1 / 1.498), then eps(t) < 1
    brn_no_eff = release.brn_time.weight.sum() / release.brn_pe.weight.sum() * release.brn_pe.weight[:60].sum()
    nin_no_eff = release.nin_time.weight.sum() / release.nin_pe.weight.sum() * release.nin_pe.weight[:60].sum()
    assert brn_no_eff == pytest.approx(18.45, abs=0.01) and nin_no_eff == pytest.approx(5.67, abs=0.01)
    assert 0.98 * brn_no_eff < totals["brn"] < brn_no_eff
    assert 0.85 * nin_no_eff < totals["nin"] < 0.95 * nin_no_eff
    sigma = dict(zip(names, dataset.background_uncertainties))
    assert (sigma["brn"], sigma["nin"]) == (BRN_UNCERTAINTY, NIN_UNCERTAINTY)
    # steady state: the 1295 AC events of the window, split per PE bin, each with its Poisson uncertainty
    ss = [i for i, n in enumerate(names) if n.startswith("steady_state")]
    counts = dataset.backgrounds[ss].sum(axis=1)
    assert counts.sum() == pytest.approx(1295.0)
    assert np.allclose(dataset.background_uncertainties[ss], 1 / np.sqrt(counts))
    ac = release.anticoincidence
    ac_pe = np.histogram(ac.energy_PE[in_window(ac)], bins=dataset.axes["PE"])[0]
    assert np.allclose(counts, ac_pe[ac_pe > 0])
    # the "total" variant: one steady-state background, same expectation in every bin
    assert dataset_total_ss.background_names == ("steady_state", "brn", "nin")
    assert dataset_total_ss.background_uncertainties[0] == pytest.approx(1 / np.sqrt(1295))
    assert np.allclose(dataset_total_ss.backgrounds[0], dataset.backgrounds[ss].sum(axis=0))
    assert np.array_equal(dataset_total_ss.sm_templates, dataset.sm_templates)


def test_steady_state_time_shape_is_the_timing_efficiency(release):
    """AC events are beam-uncorrelated: flat in time times eps(t) fits them, flat does not."""
    ac = release.anticoincidence
    edges = np.arange(0.0, 6.01, 1.0)
    counts = np.histogram(ac.recoil_time_us, bins=edges)[0]
    shape = timing_efficiency_bin_average(edges)
    expected = counts.sum() * shape / shape.sum()
    chi2_eff = np.sum((counts - expected) ** 2 / expected)
    chi2_flat = np.sum((counts - counts.mean()) ** 2 / counts.mean())
    assert chi2_eff < 15.1  # 99 % quantile, 5 dof
    assert chi2_flat > 2 * chi2_eff


# ---------------------------------------------------------------------------------------------------
# The fit of the CEvNS normalization
# ---------------------------------------------------------------------------------------------------


def test_fitted_cevns_count_matches_the_published_306_pm_20(dataset, cevns_fit):
    published, error = dataset.published["cevns_fit_events"], dataset.published["cevns_fit_error"]
    assert (published, error) == (306.0, 20.0)
    assert abs(cevns_fit.events - published) < 1.5 * error  # we get ~306
    assert cevns_fit.events_low < published < cevns_fit.events_high
    # our 1-sigma interval is ~+-34: wider than the published +-20 (see the module docstring)
    half_width = 0.5 * (cevns_fit.events_high - cevns_fit.events_low)
    assert 25 < half_width < 45


def test_grid_scan_agrees_with_the_fit_and_rejects_no_cevns(dataset, cevns_fit):
    grid = np.arange(0.70, 1.021, 0.02)
    profile = np.array([fit_nuisances(dataset, signal_scale=s).neg2_log_likelihood for s in grid])
    assert abs(grid[np.argmin(profile)] - cevns_fit.scale) <= 0.02
    assert profile.min() >= cevns_fit.neg2_log_likelihood - 1e-6
    # the profile is a parabola-like valley: Delta(-2 ln L) = 1 crossings bracket the best fit
    inside = grid[profile - cevns_fit.neg2_log_likelihood < 1.0]
    assert cevns_fit.scale_low - 0.02 <= inside.min() and inside.max() <= cevns_fit.scale_high + 0.02
    # no CEvNS is excluded by > 10 sigma (paper: 11.6 sigma)
    null = fit_nuisances(dataset, signal_scale=1e-6).neg2_log_likelihood
    assert null - cevns_fit.neg2_log_likelihood > 100.0


def test_nuisance_fit_at_the_sm_and_with_tmms(dataset):
    """alpha profiled with its 12.6 % pull; EM events (mu^2 > 0) only add expected counts."""
    fit_sm = fit_nuisances(dataset)
    assert fit_sm.success and -0.3 < fit_sm.alpha < 0.0  # data below the SM (306 vs 358)
    mu2 = np.array([1e3, 1e3, 1e3])
    assert np.all(dataset.expected(mu2) >= dataset.expected())
    assert fit_nuisances(dataset, mu2).neg2_log_likelihood > fit_sm.neg2_log_likelihood
