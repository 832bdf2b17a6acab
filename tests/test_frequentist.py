"""chi^2 machinery: the paper's CsI rows, analytic identities, profiles and regions."""

import json

import numpy as np
import pytest
from scipy.optimize import minimize

from bayes_tmm.cli import main
from bayes_tmm.experiments import get_setup
from bayes_tmm.frequentist import (
    DELTA_CHI2_90_1D,
    DELTA_CHI2_90_2D,
    TABLE2_PARAMETERS,
    beam_moment_matrix,
    closed_form_em_limit,
    counting_chi2,
    em_count_limit,
    one_at_a_time_limits,
    profiled_limits,
    region_boundary,
    schur_complements,
)
from bayes_tmm.solar import borexino_single_limits


@pytest.mark.parametrize("beam, paper", [("prompt", (69.2, 70.2, 89.6)), ("delayed", (54.5, 48.7, 49.8))])
def test_csi_current_rows_of_table2(beam, paper):
    # PHYSICS.md 12 (Eq. 36): COHERENT CsI current, Eq. (34) with N_meas = 134, B0n = 6, B_ss = 405
    limits = one_at_a_time_limits(counting_chi2(get_setup("CsI", "current"), beam))
    np.testing.assert_allclose(limits, paper, rtol=0.03)


def test_prompt_row_implies_the_mu_eff_limit():
    # PHYSICS.md 15: the CsI prompt row corresponds to mu_eff < 61.07 (1e-10 mu_B) with |U_mu i|^2 of delta = 0
    chi2 = counting_chi2(get_setup("CsI", "current"), "prompt")
    mu_eff = np.sqrt(em_count_limit(chi2) / chi2.em_events_per_mu2["prompt"])
    assert mu_eff == pytest.approx(61.07, rel=0.01)


def test_eq34_profile_equals_numerical_minimization_over_the_nuisances():
    chi2 = counting_chi2(get_setup("CsI", "current"), "full")
    for n_em in (0.0, 5.0, 37.0, 400.0):
        def pulls(theta):
            alpha, beta = theta
            n = chi2.expected(n_em, alpha=alpha, beta=beta)
            return ((chi2.data - n) ** 2 / chi2.stat_variance + (alpha / chi2.signal_uncertainty) ** 2
                    + (beta / chi2.background_uncertainty) ** 2)
        numeric = minimize(pulls, x0=[0.0, 0.0], method="Nelder-Mead",
                           options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000}).fun
        assert chi2(n_em) == pytest.approx(numeric, rel=1e-8)


def test_eq34_matches_the_closed_form_of_physics_md():
    # chi^2 = r0^2 / (sigma_stat^2 + sigma_a^2 N_th^2 + sigma_b^2 B0n^2), r0 = N_meas - N_th - B0n
    chi2 = counting_chi2(get_setup("CsI", "current"), "prompt")
    n_em = np.linspace(0, 100, 11)
    n_th = chi2.sm_events + n_em
    expected = (134 - n_th - 6) ** 2 / (134 + 2 * 405 + 6 + 0.28**2 * n_th**2 + 0.25**2 * 36)
    np.testing.assert_allclose(chi2(n_em), expected, rtol=1e-13)


@pytest.mark.parametrize("experiment, setup", [("HPGe", "current"), ("LAr", "future"), ("CONUS", "current")])
def test_closed_form_limit_equals_the_numerical_scan(experiment, setup):
    spec = get_setup(experiment, setup)
    beam = "reactor" if experiment == "CONUS" else "delayed"
    chi2 = counting_chi2(spec, beam, nuisance_on="signal")
    closed = closed_form_em_limit(chi2.sm_events, chi2.signal_uncertainty)
    assert em_count_limit(chi2) == pytest.approx(closed, rel=1e-10)
    # and Delta chi^2 there is exactly 2.71
    assert chi2(closed) - chi2(0.0) == pytest.approx(DELTA_CHI2_90_1D, rel=1e-10)


def test_total_nuisance_is_weaker_and_can_saturate():
    spec = get_setup("LAr", "future")
    signal = em_count_limit(counting_chi2(spec, "delayed", nuisance_on="signal"))
    total = em_count_limit(counting_chi2(spec, "delayed", nuisance_on="total"))
    assert total > signal
    # chi^2 -> 1/sigma^2 as N_EM -> infinity: with 1/sigma^2 < 2.71 no limit exists
    assert em_count_limit(counting_chi2(spec, "delayed", nuisance_on="total", signal_uncertainty=0.65)) == np.inf
    assert closed_form_em_limit(100.0, 0.65) == np.inf


def test_single_limits_scale_with_mixing_as_in_physics_md():
    # One Lambda_i: mu_c^2 = |Lambda_i|^2 (1 - |U_alpha i|^2); prompt limits ~ (1 - |U_mu i|^2)^(-1/2)
    chi2 = counting_chi2(get_setup("NaI", "current"), "prompt")
    limits = one_at_a_time_limits(chi2)
    um2 = np.array([0.2212, 0.2436, 0.5352])
    ratio = limits * np.sqrt(1 - um2)
    np.testing.assert_allclose(ratio / ratio[0], 1.0, atol=1e-3)


def test_schur_complement_is_the_minimum_over_the_other_moduli_and_phases():
    chi2 = counting_chi2(get_setup("CsI", "future"), "delayed")
    m = beam_moment_matrix(chi2)
    s = schur_complements(m)
    rng = np.random.default_rng(3)
    for i in range(3):
        rest = [j for j in range(3) if j != i]

        def n_em(x):  # Lambda_i = 1, the other two complex
            lam = np.zeros(3, complex)
            lam[i] = 1.0
            lam[rest] = x[:2] + 1j * x[2:]
            return float(np.real(lam.conj() @ m @ lam))
        best = min(minimize(n_em, rng.normal(size=4), method="BFGS", options={"gtol": 1e-12}).fun for _ in range(5))
        assert s[i] == pytest.approx(best, rel=1e-7)
        assert s[i] <= np.real(m[i, i])


@pytest.mark.parametrize("experiment, beam", [("CsI", "prompt"), ("CONUS", "reactor"), ("LAr", "prompt")])
def test_single_flavour_beams_are_unbounded_when_profiled(experiment, beam):
    chi2 = counting_chi2(get_setup(experiment, "current"), beam)
    assert np.all(np.isinf(profiled_limits(chi2)))
    assert np.all(np.isfinite(one_at_a_time_limits(chi2)))


def test_two_flavour_beams_are_bounded_and_profiling_weakens_the_limit():
    chi2 = counting_chi2(get_setup("CsI", "current"), "delayed")
    single, profiled = one_at_a_time_limits(chi2), profiled_limits(chi2)
    assert np.all(np.isfinite(profiled))
    assert np.all(profiled >= single * (1 - 1e-12))


@pytest.mark.parametrize("i, j", [(1, 2), (1, 3), (2, 3)])
def test_region_boundary_is_the_ellipse_of_the_quadratic_form(i, j):
    chi2 = counting_chi2(get_setup("HPGe", "current"), "delayed")
    region = region_boundary(chi2, i, j)
    m = np.real(beam_moment_matrix(chi2))[np.ix_([i - 1, j - 1], [i - 1, j - 1])]
    n_lim = em_count_limit(chi2, DELTA_CHI2_90_2D)
    points = np.stack([region.x, region.y])
    np.testing.assert_allclose(np.einsum("in,ij,jn->n", points, m, points), n_lim, rtol=1e-10)
    # Axis intercepts are the single-parameter limits at Delta chi^2 = 4.61
    single = one_at_a_time_limits(chi2, delta_chi2=DELTA_CHI2_90_2D)
    assert region.x[0] == pytest.approx(single[i - 1], rel=1e-12)
    assert region.y[-1] == pytest.approx(single[j - 1], rel=1e-12)


def test_reactor_region_in_the_12_plane_is_closed_and_phase_pi_gives_the_inner_contour():
    # Reactor, Lambda_3 = 0: mu^2 = x^2 (1 - c12^2 c13^2) + y^2 (1 - s12^2 c13^2) - 2 s12 c12 c13^2 x y cos(d12):
    # never zero for Lambda_3 = 0 (the blind direction has Lambda_3 != 0), so the region is closed,
    # and cos(d12) = -1 adds to mu^2 in every direction: the innermost contour (PHYSICS.md 13, Fig. 7)
    chi2 = counting_chi2(get_setup("CONUS", "current"), "reactor")
    same_phase = region_boundary(chi2, 1, 2, phase_difference_rad=0.0)
    opposite = region_boundary(chi2, 1, 2, phase_difference_rad=np.pi)
    assert np.all(np.isfinite(same_phase.x))
    r0 = np.hypot(same_phase.x, same_phase.y)
    r1 = np.hypot(opposite.x, opposite.y)
    assert np.all(r1 <= r0 * (1 + 1e-12))


def test_borexino_row():
    # PHYSICS.md 12: (0.44, 0.36, 0.28) from mu_eff < 2.8e-11 mu_B
    b = borexino_single_limits(TABLE2_PARAMETERS)
    np.testing.assert_allclose((b.lambda1, b.lambda2, b.lambda3), (0.44, 0.36, 0.28), rtol=0.03)


def test_table2_json(capsys):
    assert main(["table2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["units"] == "1e-10 muB" and out["cl"] == 0.9
    rows = {(r["experiment"], r["beam"], r["setup"]): r for r in out["rows"]}
    expected_keys = {(e, b, s) for e in ("CsI", "HPGe", "LAr", "NaI") for b in ("prompt", "delayed", "full")
                     for s in ("current", "future")}
    expected_keys |= {(e, "reactor", s) for e in ("CONUS", "CONNIE", "MINER", "TEXONO", "RED100")
                      for s in ("current", "future")}
    expected_keys |= {("Borexino", "solar", "current")}
    assert set(rows) == expected_keys
    np.testing.assert_allclose(rows[("CsI", "prompt", "current")]["limits"], (69.2, 70.2, 89.6), rtol=0.03)
    assert rows[("CsI", "prompt", "current")]["profiled_limits"] == [None, None, None]
    # future setups are tighter than current ones everywhere
    for (e, b, s), r in rows.items():
        if s == "future":
            assert all(f < c for f, c in zip(r["limits"], rows[(e, b, "current")]["limits"]))
