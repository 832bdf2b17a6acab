"""Tests of the COHERENT CsI 2017 PE x arrival-time likelihood (bayes_tmm.data_csi2017).

Every expected number is computed independently here (from the parsers, the rate engine on a spec built
with tests/helpers.py, or the data folder's README) or is a published number with its error.
Data-dependent tests use the ``shared_data_dir`` fixture (skipped when ../shared/data is absent, failing in CI).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar
from scipy.stats import chi2

from bayes_tmm import dataset_parsers as parsers
from bayes_tmm.binned import fit_nuisances
from bayes_tmm.data_csi2017 import PUBLISHED, SIGNAL_UNCERTAINTY, load_csi2017_dataset
from bayes_tmm.rates import compute_templates
from tests.helpers import model_dict, setup_from

PE_EDGES = np.arange(6.0, 31.0, 2.0)  # default window 6-30 PE in 2-PE bins
T_EDGES_US = np.arange(0.0, 6.01, 0.5)  # default window 0-6 us in 0.5-us bins


@pytest.fixture(scope="module")
def data_dir(shared_data_dir):
    return shared_data_dir


@pytest.fixture(scope="module")
def release(data_dir):
    return parsers.load_coherent_csi_2017(data_dir)


@pytest.fixture(scope="module")
def dataset(data_dir):
    return load_csi2017_dataset(data_dir)


def _window_cells(hist, pe_lo=6.0, pe_hi=30.0, t_lo=0.0, t_hi=6.0):
    """Counts of a released histogram in a window, selected by bin centres."""
    ip = (hist.pe_bin_centers > pe_lo) & (hist.pe_bin_centers < pe_hi)
    it = (hist.time_bin_centers_us > t_lo) & (hist.time_bin_centers_us < t_hi)
    return hist.counts[np.ix_(ip, it)]


def _engine_templates(pe_edges):
    """Rate-engine templates of the CsI current setup with bin_edges = pe_edges and no pe_max cut."""
    data = model_dict("csi")
    data["setups"]["current"]["bin_edges"] = [float(e) for e in pe_edges]
    del data["setups"]["current"]["response"]["pe_max"]
    return compute_templates(setup_from(data))


def _fit_cevns(dataset):
    """Best-fit CEvNS events and the 1-sigma interval (Delta(-2 ln L) = 1), TMMs zero, backgrounds profiled."""
    def f(scale):
        return fit_nuisances(dataset, signal_scale=scale).neg2_log_likelihood

    best = minimize_scalar(f, bounds=(0.05, 3.0), method="bounded", options={"xatol": 1e-7})
    s0, f0 = float(best.x), float(best.fun)
    lo = brentq(lambda s: f(s) - f0 - 1.0, 0.01, s0)
    hi = brentq(lambda s: f(s) - f0 - 1.0, s0, 4.0)
    n = dataset.sm_total
    return s0 * n, lo * n, hi * n


# ---------------------------------------------------------------------------------------
# Observed counts and binning
# ---------------------------------------------------------------------------------------


def test_full_histogram_totals_match_readme(release):
    # README: C beam-on total 1207, AC beam-on 1032, beam-off C 507, beam-off AC 507.
    assert release.coincidence_beam_on.total == 1207
    assert release.anticoincidence_beam_on.total == 1032
    assert release.coincidence_beam_off.total == 507
    assert release.anticoincidence_beam_off.total == 507


def test_observed_is_the_coincidence_window_in_c_order(dataset, release):
    cells = _window_cells(release.coincidence_beam_on)
    assert dataset.bin_shape == (12, 12) == cells.shape
    np.testing.assert_array_equal(dataset.observed, cells.ravel().astype(float))
    np.testing.assert_array_equal(dataset.observed.reshape(dataset.bin_shape), cells)
    assert dataset.observed.sum() == 547
    np.testing.assert_allclose(dataset.axes["PE"], PE_EDGES)
    np.testing.assert_allclose(dataset.axes["time_us"], T_EDGES_US)
    assert dataset.components == ("prompt", "nue", "numubar")
    assert dataset.background_names == ("steady_state", "prompt_neutrons")


def test_other_window_selects_the_right_cells(data_dir, release):
    ds = load_csi2017_dataset(data_dir, pe_window=(8, 40), time_window_us=(1.0, 9.5))
    cells = _window_cells(release.coincidence_beam_on, 8, 40, 1.0, 9.5)
    assert ds.bin_shape == (16, 17) == cells.shape
    np.testing.assert_array_equal(ds.observed, cells.ravel())


def test_bad_windows_are_rejected(data_dir):
    with pytest.raises(ValueError, match="released bin edges"):
        load_csi2017_dataset(data_dir, pe_window=(7, 30))
    with pytest.raises(ValueError, match="released bin edges"):
        load_csi2017_dataset(data_dir, time_window_us=(0, 6.2))
    with pytest.raises(ValueError, match="high > low"):
        load_csi2017_dataset(data_dir, pe_window=(30, 6))
    # Below the 5-PE efficiency threshold C has counts (6 in the 0-2 PE bin) that nothing predicts.
    with pytest.raises(ValueError, match="zero expected"):
        load_csi2017_dataset(data_dir, pe_window=(0, 30))
    with pytest.raises(ValueError, match="steady_state_shape"):
        load_csi2017_dataset(data_dir, steady_state_shape="smooth")


# ---------------------------------------------------------------------------------------
# Backgrounds
# ---------------------------------------------------------------------------------------


def test_steady_state_is_the_anticoincidence_count_with_poisson_normalization_error(dataset, release, data_dir):
    ac = _window_cells(release.anticoincidence_beam_on)
    steady = dataset.backgrounds[0].reshape(dataset.bin_shape)
    # Same total as AC in the window, which is the paper's steady-state background (405, PHYSICS.md 10.1).
    assert ac.sum() == PUBLISHED["steady_state_background_events"] == 405
    assert steady.sum() == pytest.approx(405.0, rel=1e-12)
    # Factorized: the PE and time marginals of AC are kept.
    np.testing.assert_allclose(steady.sum(axis=1), ac.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(steady.sum(axis=0), ac.sum(axis=0), rtol=1e-12)
    assert dataset.background_uncertainties[0] == pytest.approx(1.0 / np.sqrt(405.0))
    fixed = load_csi2017_dataset(data_dir, steady_state_uncertainty=0.0)
    assert fixed.background_uncertainties[0] == 0.0
    binned = load_csi2017_dataset(data_dir, steady_state_shape="binned")
    np.testing.assert_array_equal(binned.backgrounds[0], ac.ravel())


def test_anticoincidence_is_compatible_with_factorization(release):
    # The factorized template is only justified if AC's PE and time are independent (G-test).
    ac = _window_cells(release.anticoincidence_beam_on).astype(float)
    model = np.outer(ac.sum(axis=1), ac.sum(axis=0)) / ac.sum()
    g = 2.0 * np.sum(np.where(ac > 0, ac * np.log(np.where(ac > 0, ac, 1.0) / model), 0.0))
    dof = (ac.shape[0] - 1) * (ac.shape[1] - 1)
    assert chi2.sf(g, dof) > 0.01


def test_beam_off_coincidence_and_anticoincidence_agree(release):
    # Without beam C and AC see the same steady state: the premise of using AC as the C background.
    c_off = _window_cells(release.coincidence_beam_off).sum()
    ac_off = _window_cells(release.anticoincidence_beam_off).sum()
    assert abs(c_off - ac_off) < 2.0 * np.sqrt(c_off + ac_off)


def test_prompt_neutrons_from_prompt_pdf_exposure_and_efficiency(dataset, release):
    pdf = release.prompt_neutron_pdf
    x = pdf.pe_bin_centers
    a, k, x0 = 0.6655, 0.4942, 10.8507  # coherent_parameters.yaml
    eff = a / (1.0 + np.exp(-k * (x - x0))) * np.where(x < 5, 0.0, np.where(x < 6, 0.5, 1.0))
    in_window = (x > 6) & (x < 30)
    expected = float(np.sum(pdf.counts_per_GWhr[in_window] * 7.47594 * eff[in_window]))
    neutrons = dataset.backgrounds[1].reshape(dataset.bin_shape)
    assert neutrons.sum() == pytest.approx(expected, rel=1e-12)  # all prompt neutrons arrive before 6 us
    # The paper's beam-on prompt-neutron background in this region is ~6 with a 25 % uncertainty.
    assert abs(neutrons.sum() - 6.0) < 0.25 * 6.0
    assert dataset.background_uncertainties[1] == 0.25
    # Arrival time: the prompt-neutron PDF (nothing after 4 us).
    np.testing.assert_allclose(neutrons.sum(axis=0) / neutrons.sum(), release.arrival_time_pdfs.prompt_neutrons[:12])


# ---------------------------------------------------------------------------------------
# CEvNS templates
# ---------------------------------------------------------------------------------------


def test_sm_templates_are_engine_spectra_times_time_pdfs(dataset, release):
    engine = _engine_templates(PE_EDGES)
    assert engine.components == dataset.components
    pdfs = release.arrival_time_pdfs
    time_pdf = {"prompt": pdfs.prompt_neutrinos[:12], "nue": pdfs.delayed_neutrinos[:12],
                "numubar": pdfs.delayed_neutrinos[:12]}
    fractions = {c: float(time_pdf[c].sum()) for c in dataset.components}
    assert fractions["prompt"] == pytest.approx(1.0, abs=1e-12)
    assert fractions["nue"] == pytest.approx(0.9148, abs=1e-4)  # delayed PDF in 0-6 us
    for i, c in enumerate(dataset.components):
        grid = dataset.sm_templates[i].reshape(dataset.bin_shape)
        # PE marginal = the engine's PE spectrum times the fraction of the time PDF in the window.
        np.testing.assert_allclose(grid.sum(axis=1), engine.sm_events[i] * fractions[c], rtol=1e-10)
        # Time marginal = the component's time PDF (not renormalized).
        np.testing.assert_allclose(grid.sum(axis=0), engine.sm_events[i].sum() * time_pdf[c], rtol=1e-10)
        em_grid = dataset.em_templates[i].reshape(dataset.bin_shape)
        np.testing.assert_allclose(em_grid.sum(axis=1), engine.em_events_per_mu2[i] * fractions[c], rtol=1e-10)
    assert dataset.sm_total == pytest.approx(
        sum(engine.sm_total[i] * fractions[c] for i, c in enumerate(dataset.components)), rel=1e-12)


def test_full_time_window_recovers_the_engine_total(data_dir):
    # 0-12 us holds every PDF fully: the time-integrated template is the sum of the PE spectra.
    ds = load_csi2017_dataset(data_dir, time_window_us=(0, 12))
    engine = _engine_templates(PE_EDGES)
    assert ds.sm_total == pytest.approx(engine.sm_total.sum(), rel=1e-10)
    # 4-50 PE x 0-12 us holds the whole spectrum above the 5-PE threshold: PHYSICS.md 8 "no cut" 188.9.
    wide = load_csi2017_dataset(data_dir, pe_window=(4, 50), time_window_us=(0, 12))
    assert wide.sm_total == pytest.approx(188.9, rel=2e-3)


def test_sm_prediction_agrees_with_published(dataset):
    n_sm = dataset.sm_total
    print(f"SM prediction 6-30 PE, 0-6 us: {n_sm:.1f} (published {PUBLISHED['sm_prediction_events']} +- "
          f"{PUBLISHED['sm_prediction_error']})")
    assert abs(n_sm - PUBLISHED["sm_prediction_events"]) < PUBLISHED["sm_prediction_error"]
    assert 150.0 < n_sm < 180.0
    assert dataset.signal_uncertainty == SIGNAL_UNCERTAINTY == 0.28
    # 0.28 is the quadrature sum of COHERENT 2017's 5 % selection, 10 % flux, 25 % QF and 5 % form factor.
    assert np.hypot.reduce([0.05, 0.10, 0.25, 0.05]) == pytest.approx(0.28, abs=0.005)


def test_em_templates_are_positive_vanish_with_sm_and_rise_at_low_pe(dataset):
    assert np.all(dataset.em_templates >= 0)
    assert np.array_equal(dataset.em_templates > 0, dataset.sm_templates > 0)
    pe_centres = 0.5 * (PE_EDGES[:-1] + PE_EDGES[1:])
    marginals = {}
    for i, c in enumerate(dataset.components):
        sm_pe = dataset.sm_templates[i].reshape(dataset.bin_shape).sum(axis=1)
        em_pe = dataset.em_templates[i].reshape(dataset.bin_shape).sum(axis=1)
        marginals[c] = (sm_pe, em_pe)
        on = sm_pe > 0
        ratio = em_pe[on] / sm_pe[on]
        assert ratio[0] > ratio[1]  # EM (1/T) rises toward low PE relative to SM
        if c != "prompt":
            # Delayed: EM/SM falls with PE over 6-20 PE and the EM spectrum is softer than the SM one.
            assert np.all(np.diff(ratio[pe_centres[on] < 20]) < 0)
            assert np.sum(em_pe * pe_centres) / em_pe.sum() < np.sum(sm_pe * pe_centres) / sm_pe.sum()
    # Prompt (29.79 MeV line): EM/SM ~ (1/T - 1/E) / (1 - M T / 2E^2) falls until T ~ T_max/2 (~8.5 PE), then
    # rises toward the end point, where the SM cross section vanishes and the EM one does not.
    sm_pe, em_pe = marginals["prompt"]
    ratio = em_pe[:4] / sm_pe[:4]
    t_MeV = pe_centres[:4] / 1.17e3
    e_MeV, m_MeV = 29.7921, 0.5 * (123800.6 + 118210.8)  # mean of the 133Cs and 127I masses
    shape = (1.0 / t_MeV - 1.0 / e_MeV) / (1.0 - m_MeV * t_MeV / (2.0 * e_MeV**2))
    np.testing.assert_allclose(ratio / ratio[0], shape / shape[0], rtol=0.02)
    # No prompt events above its end point (14.3 keVnr on Cs, ~17-18 PE); EM vanishes with SM there.
    assert np.all(sm_pe[PE_EDGES[:-1] >= 18] == 0) and np.all(sm_pe[PE_EDGES[:-1] < 16] > 0)
    # Same time PDF for SM and EM: EM/SM is constant along time in each PE bin.
    sm = dataset.sm_templates[1].reshape(dataset.bin_shape)
    em = dataset.em_templates[1].reshape(dataset.bin_shape)
    np.testing.assert_allclose(em[:, 1:8] / sm[:, 1:8], np.repeat(em[:, [1]] / sm[:, [1]], 7, axis=1), rtol=1e-12)


# ---------------------------------------------------------------------------------------
# Fit of the CEvNS normalization
# ---------------------------------------------------------------------------------------


def test_fitted_cevns_count_agrees_with_published(dataset):
    best, lo, hi = _fit_cevns(dataset)
    print(f"fitted CEvNS events: {best:.1f} [{lo:.1f}, {hi:.1f}] "
          f"(published {PUBLISHED['cevns_fit_events']} +- {PUBLISHED['cevns_fit_error']})")
    assert abs(best - PUBLISHED["cevns_fit_events"]) < 1.5 * PUBLISHED["cevns_fit_error"]
    # The 1-sigma interval has about the published width (+-22).
    assert 15.0 < best - lo < 30.0 and 15.0 < hi - best < 30.0
    # The simple counting excess C - AC - B_n in this window is the paper's 136 +- 31.
    excess = dataset.observed.sum() - dataset.backgrounds.sum()
    assert abs(excess - 136.0) < 1.0
    assert np.sqrt(dataset.observed.sum() + dataset.backgrounds[0].sum()) == pytest.approx(31.0, abs=0.2)
    # The data sit below the SM prediction, so a pure-SM signal scale of 1 is disfavoured but not excluded.
    f1 = fit_nuisances(dataset, signal_scale=1.0).neg2_log_likelihood
    fbest = fit_nuisances(dataset, signal_scale=best / dataset.sm_total).neg2_log_likelihood
    assert 1.0 < f1 - fbest < 9.0


def test_fit_with_alpha_free_pulls_toward_the_data(dataset):
    # With the 28 % pull on alpha the fit lands between the data (~0.76 x SM) and the SM prediction.
    fit = fit_nuisances(dataset)
    assert fit.success
    assert -0.4 < fit.alpha < 0.0
    assert fit.neg2_log_likelihood < fit_nuisances(dataset, signal_scale=1.0).neg2_log_likelihood
