"""Tests of the COHERENT CENNS-10 LAr Analysis A likelihood (bayes_tmm.data_lar2020).

Numbers quoted from the data folder's README.md and LArParametersAnlA.yaml. Data-dependent tests use the
``shared_data_dir`` fixture (tests/conftest.py): skipped when ../shared/data is absent locally, failing in CI.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar

from bayes_tmm.binned import fit_nuisances
from bayes_tmm.data_lar2020 import (
    MUON_LIFETIME_NS,
    PION_LIFETIME_NS,
    LArQuenchedResponse,
    arrival_time_probabilities,
    energy_response_matrix,
    lar2020_signal_model,
    load_lar2020_dataset,
)
from bayes_tmm.dataset_parsers import load_lar2020_efficiency, load_lar2020_histogram3d
from bayes_tmm.nuclei import element

AR = element("Ar")


@pytest.fixture(scope="module")
def dataset(shared_data_dir):
    return load_lar2020_dataset(shared_data_dir)


@pytest.fixture(scope="module")
def signal(shared_data_dir):
    return lar2020_signal_model(shared_data_dir)


def profile_signal_scale(dataset, low=0.05, high=3.0):
    """Best-fit CEvNS scale (backgrounds profiled, TMMs at zero) and its Delta(-2 ln L) = 1 interval."""
    def neg2(s):
        return fit_nuisances(dataset, signal_scale=s).neg2_log_likelihood

    best = minimize_scalar(neg2, bounds=(low, high), method="bounded", options={"xatol": 1e-5})
    lo = brentq(lambda s: neg2(s) - best.fun - 1.0, low, best.x, xtol=1e-6)
    hi = brentq(lambda s: neg2(s) - best.fun - 1.0, best.x, high, xtol=1e-6)
    return best.x, lo, hi


# ---------------------------------------------------------------------------------------------------
# Pure functions (no data)
# ---------------------------------------------------------------------------------------------------


def test_quenched_response_round_trip_and_yaml_qf():
    response = LArQuenchedResponse(0.246, 0.00078)
    e = np.array([0.5, 5.0, 20.0, 54.0])
    assert np.allclose(response.observable(response.recoil_MeV(e, AR), AR), e, rtol=1e-12)
    # QF = a + b T: 100 keVnr -> 100 * (0.246 + 0.078) = 32.4 keVee
    assert response.observable(0.1, AR) == pytest.approx(32.4, rel=1e-12)


def test_arrival_time_probabilities_match_monte_carlo():
    """The exponentially-modified-Gaussian CDFs against sampled t_POT + t_pi (+ t_mu)."""
    rng = np.random.default_rng(1)
    n = 2_000_000
    edges_us = np.arange(-0.1, 4.95, 0.5)
    t_prompt = rng.normal(452.0, 150.0, n) + rng.exponential(PION_LIFETIME_NS, n)
    t_delayed = t_prompt + rng.exponential(MUON_LIFETIME_NS, n)
    for times, delayed in ((t_prompt, False), (t_delayed, True)):
        sampled = np.histogram(times, edges_us * 1e3)[0] / n
        exact = arrival_time_probabilities(edges_us, 452.0, 150.0, delayed=delayed)
        assert np.allclose(exact, sampled, atol=1.5e-3)
    # The delayed in-window fraction is ~ 1 - exp(-(4900 - 452) / 2197): 86-87 %.
    assert arrival_time_probabilities(edges_us, 452.0, 150.0, delayed=True).sum() == pytest.approx(0.866, abs=0.002)


def test_energy_response_matrix_conserves_probability_without_efficiency():
    true_edges = np.arange(10.0, 90.01, 0.5)  # >= 4.5 sigma inside the 0-120 keVee analysis range
    matrix = energy_response_matrix(true_edges, np.arange(0.0, 120.01, 10.0), 0.58, None)
    assert np.allclose(matrix.sum(axis=1), 1.0, atol=1e-5)
    # true bin 55.0-55.5 keVee (centre 55.25): sigma = 0.58 sqrt(55.25) = 4.311 keVee, so it lands in
    # 50-60 keVee with P = Phi(4.75 / 4.311) - Phi(-5.25 / 4.311) = 0.8647 - 0.1117 = 0.7530
    row = np.searchsorted(true_edges, 55.0)
    assert matrix[row, 5] == pytest.approx(0.7530, abs=5e-4)


# ---------------------------------------------------------------------------------------------------
# The data set
# ---------------------------------------------------------------------------------------------------


def test_observed_counts_bins_and_published(dataset, shared_data_dir):
    assert dataset.bin_shape == (12, 8, 10)
    assert dataset.observed.sum() == 3752  # README: "Observed beam-on counts ... Total 3752"
    raw = load_lar2020_histogram3d("data", shared_data_dir).values
    i, j, k = 3, 5, 7
    assert dataset.observed[(i * 8 + j) * 10 + k] == raw[i, j, k]  # flattened in C order
    assert np.array_equal(dataset.observed.reshape(dataset.bin_shape), raw)
    assert list(dataset.axes) == ["energy_keVee", "F90", "time_us"]
    assert np.allclose(dataset.axes["energy_keVee"], np.arange(0, 121, 10))
    assert np.allclose(dataset.axes["F90"], np.linspace(0.5, 0.9, 9))
    assert np.allclose(dataset.axes["time_us"], np.linspace(-0.1, 4.9, 11))
    p = dataset.published
    assert (p["cevns_fit_events"], p["cevns_fit_error"]) == (159, 43)
    assert (p["sm_prediction_events"], p["sm_prediction_error"]) == (128, 17)
    assert "2003.10630" in p["source"]


def test_background_totals_and_uncertainties(dataset):
    assert dataset.background_names == ("steady_state", "brn", "delayed_brn")
    totals = dataset.backgrounds.sum(axis=1)
    # README: bkgpdf sum 3152 (YAML 3154 +- 25), brnpdf 497 (497 +- 160), delbrnpdf 33 (33 +- 33)
    assert totals == pytest.approx([3152.0, 497.0, 33.0], abs=0.01)
    assert dataset.background_uncertainties == pytest.approx([25 / 3154, 160 / 497, 1.0])
    assert dataset.signal_uncertainty == pytest.approx(17 / 128)
    # steady state is flat in time (beam-off data), the delayed BRN sits in one time bin (1.4-1.9 us)
    ss = dataset.backgrounds[0].reshape(dataset.bin_shape)
    assert np.allclose(ss, ss[:, :, :1])
    delayed_time = dataset.backgrounds[2].reshape(dataset.bin_shape).sum(axis=(0, 1))
    assert delayed_time[3] == pytest.approx(33.0, abs=1e-3)


def test_sm_prediction_matches_collaboration(dataset, signal):
    """Rate engine: ~124.9 in-window events vs the collaboration's 128 +- 17."""
    assert dataset.sm_total == pytest.approx(signal.sm_total)
    print(f"\nSM CEvNS (rate engine) = {dataset.sm_total:.2f} in window; per component "
          f"{dataset.sm_templates.sum(axis=1).round(2)}; collaboration 128 +- 17")
    assert abs(dataset.sm_total - 128.0) < 17.0
    assert abs(dataset.sm_total - 128.0) < 0.05 * 128  # closer than the budget: the inputs are the release's
    # prompt events are ~1/4 of the in-window total (the release's time PDF needs 0.2485)
    prompt_fraction = dataset.sm_templates[0].sum() / dataset.sm_total
    assert prompt_fraction == pytest.approx(0.2485, abs=0.01)


def test_energy_spectrum_close_to_released_cevns_pdf(signal, shared_data_dir):
    released = load_lar2020_histogram3d("cevns", shared_data_dir).values.sum(axis=(1, 2))
    ours = signal.sm_templates.sum(axis=(0, 2, 3))
    # 0-10, 10-20, 20-30 keVee hold 97 % of events: within 12 % (QF +-1 sigma moves 10-30 keVee by ~5-10 %)
    assert np.allclose(ours[:3], released[:3], rtol=0.12)
    assert ours[6:].sum() < 1e-2 and released[6:].sum() < 1e-2  # nothing above the 54 keVee end point


def test_distributions_normalized_and_template_marginals(signal):
    assert np.allclose(signal.time_pdf.sum(axis=1), 1.0)
    assert np.allclose(signal.f90_given_energy.sum(axis=1), 1.0)
    assert np.all(signal.time_pdf >= 0) and np.all(signal.f90_given_energy >= 0)
    for templates in (signal.sm_templates, signal.em_templates):
        for c in range(3):
            t = templates[c]
            assert np.allclose(t.sum(axis=(0, 1)) / t.sum(), signal.time_pdf[c], atol=1e-12)
            for i in np.flatnonzero(t.sum(axis=(1, 2)) > 0):
                assert np.allclose(t[i].sum(axis=1) / t[i].sum(), signal.f90_given_energy[i], atol=1e-12)
                assert np.allclose(t[i].sum(axis=0) / t[i].sum(), signal.time_pdf[c], atol=1e-12)
    # energy marginal = reconstructed spectrum x in-window fraction
    expected = signal.sm_energy_events * signal.time_window_acceptance[:, None]
    assert np.allclose(signal.sm_templates.sum(axis=(2, 3)), expected, rtol=1e-12)


def test_f90_and_time_follow_the_release(signal, shared_data_dir):
    cevns = load_lar2020_histogram3d("cevns", shared_data_dir).values
    energy_f90 = cevns.sum(axis=2)
    for i in range(5):  # the populated bins: p(F90 | E) is the released one
        assert np.allclose(signal.f90_given_energy[i], energy_f90[i] / energy_f90[i].sum())
    assert list(signal.f90_source_bin) == [0, 1, 2, 3] + [4] * 8
    # the summed SM time marginal reproduces the released CEvNS time PDF; the fitted POT mean is inside 440 +- 200
    assert np.allclose(signal.sm_time_distribution, signal.release_time_distribution, atol=1.5e-3)
    assert abs(signal.pot_trace_mean_ns - 440.0) < 200.0
    assert signal.time_window_acceptance[0] > 0.999
    assert signal.time_window_acceptance[1] == pytest.approx(signal.time_window_acceptance[2])
    # prompt neutrinos arrive early: nothing after 1.4 us; delayed ones have the muon tail
    assert signal.time_pdf[0, 3:].sum() < 1e-6
    tail = signal.time_pdf[1, 4:]
    assert np.allclose(tail[1:] / tail[:-1], np.exp(-500.0 / MUON_LIFETIME_NS), rtol=1e-3)


def test_em_templates(signal, dataset):
    assert np.all(dataset.em_templates >= 0)
    assert np.all(dataset.em_templates[dataset.sm_templates > 0] > 0)
    # In true energy EM/SM rises toward low energy (1/T) below its minimum, which lies at ~0.3-0.45 of
    # each component's end point (13.5 keVee prompt, 54 keVee delayed): check 1-5 and 1-15 keVee.
    centres = 0.5 * (signal.true_energy_edges_keVee[1:] + signal.true_energy_edges_keVee[:-1])
    for c, upper_keVee in zip(range(3), (5.0, 15.0, 15.0)):
        keep = (centres > 1.0) & (centres < upper_keVee)
        ratio = signal.em_true_events_per_mu2[c, keep] / signal.sm_true_events[c, keep]
        assert np.all(np.diff(ratio) < 0)
        assert ratio[0] > 2 * ratio[-1]
    # In the analysis bins summed over components: 0-10 keVee above 10-20 and 20-30 keVee (97 % of events).
    # (Near each component's end point EM/SM rises again: SM vanishes at T_max, EM does not.)
    em = dataset.em_templates.sum(axis=0).reshape(dataset.bin_shape).sum(axis=(1, 2))
    sm = dataset.sm_templates.sum(axis=0).reshape(dataset.bin_shape).sum(axis=(1, 2))
    ratio = em[:3] / sm[:3]
    assert ratio[0] > ratio[1] and ratio[0] > ratio[2]
    # EM per (1e-10 mu_B)^2 is ~1e-3 of SM, as for CsI (PHYSICS.md Sect. 8)
    assert 5e-4 < dataset.em_templates.sum() / dataset.sm_total < 2e-3


def test_fitted_cevns_count_consistent_with_published(dataset):
    """CEvNS scale profiled with TMMs at zero: ~135 (+40 -40) events vs the published 159 +- 43."""
    best, lo, hi = profile_signal_scale(dataset)
    n = dataset.sm_total
    fitted, low, high = best * n, lo * n, hi * n
    print(f"\nfitted CEvNS = {fitted:.1f} [{low:.1f}, {high:.1f}] (-{fitted - low:.1f} +{high - fitted:.1f}); "
          f"published 159 +- 43")
    assert abs(fitted - 159.0) < 1.5 * 43.0
    assert 30.0 < fitted - low < 55.0 and 30.0 < high - fitted < 55.0
    # background normalizations at the best fit vs the collaboration's (553 +- 34, 10 +- 11, 3131 +- 23)
    fit = fit_nuisances(dataset, signal_scale=best)
    ss, brn, delayed = (1.0 + fit.beta) * dataset.backgrounds.sum(axis=1)
    assert abs(brn - 553.0) < 2 * 34.0
    assert abs(delayed - 10.0) < 2 * 11.0
    assert abs(ss - 3131.0) < 2 * 23.0


def test_release_time_model_option(shared_data_dir):
    """With the release's single CEvNS time PDF for every component, the fit moves close to 159."""
    ds = load_lar2020_dataset(shared_data_dir, time_distribution="release")
    sm = ds.sm_templates.sum(axis=0).reshape(ds.bin_shape)
    released = load_lar2020_histogram3d("cevns", shared_data_dir).values
    assert np.allclose(sm.sum(axis=(0, 1)) / sm.sum(), released.sum(axis=(0, 1)) / released.sum())
    best, _, _ = profile_signal_scale(ds)
    print(f"\nrelease time model: fitted CEvNS = {best * ds.sm_total:.1f}")
    assert abs(best * ds.sm_total - 159.0) < 0.25 * 43.0
    with pytest.raises(ValueError, match="time_distribution"):
        lar2020_signal_model(shared_data_dir, time_distribution="bogus")


def test_efficiency_file_uses_the_yaml_quenching(shared_data_dir):
    """The efficiency file's keVnr column is the YAML QF map of its keVee column (to 0.2 %)."""
    eff = load_lar2020_efficiency(shared_data_dir)
    response = LArQuenchedResponse(0.246, 0.00078)
    keVee = response.observable(eff.energy_bin_centers_keVnr * 1e-3, AR)
    assert np.allclose(keVee, eff.energy_bin_centers_keVee, rtol=2e-3)
