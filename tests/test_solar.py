"""Tests of the solar (Borexino) effective moment, Eqs. (38), (39) (PHYSICS.md Sect. 14)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bayes_tmm.constants import N_AVOGADRO
from bayes_tmm.mixing import DESALAS2018_NO
from bayes_tmm.solar import (
    BE7_ENERGY_MeV,
    BOREXINO_MU_EFF_LIMIT_1e10muB,
    DEFAULT_SOLAR_ELECTRON_DENSITY_PER_CM3,
    borexino_region_boundary,
    borexino_single_limits,
    msw_beta,
    mu2_solar_incoherent,
    p_e1_adiabatic,
    solar_mass_probabilities,
    solar_moment_matrix,
)
from bayes_tmm.tmm import complex_moments, mu2_from_matrix

P = DESALAS2018_NO
C12SQ = 1 - P.sin2_12
C13SQ = 1 - P.sin2_13


def test_default_p_e1_in_paper_range():
    # PHYSICS.md Sect. 14: Table 2 implies P1 = 0.60-0.61 [REPRODUCED].
    assert BE7_ENERGY_MeV == 0.862
    assert DEFAULT_SOLAR_ELECTRON_DENSITY_PER_CM3 == pytest.approx(92 * N_AVOGADRO)
    p1 = p_e1_adiabatic()
    assert 0.60 <= p1 <= 0.61
    assert 0.16 <= msw_beta() <= 0.17


def test_beta_value_by_hand():
    # beta = 2 sqrt2 G_F n_e E / dm21 with n_e = 95 N_A cm^-3, E = 0.862 MeV: 0.1656.
    assert msw_beta(0.862, 95 * N_AVOGADRO, P) == pytest.approx(0.1656, abs=2e-4)


def test_vacuum_limit_and_monotonic():
    assert p_e1_adiabatic(electron_density_per_cm3=0.0) == pytest.approx(C12SQ, abs=1e-15)
    assert p_e1_adiabatic(electron_density_per_cm3=1e-3 * N_AVOGADRO) == pytest.approx(C12SQ, abs=1e-4)
    densities = np.array([0, 1, 10, 50, 92, 150, 1e3, 1e5]) * N_AVOGADRO
    values = [p_e1_adiabatic(electron_density_per_cm3=n) for n in densities]
    assert all(np.diff(values) < 0)
    assert values[-1] < 1e-3  # deep in matter nu_e = nu_2m: P1 -> 0


def test_p_e1_depends_on_energy_times_density():
    a = p_e1_adiabatic(BE7_ENERGY_MeV, 92 * N_AVOGADRO)
    b = p_e1_adiabatic(2 * BE7_ENERGY_MeV, 46 * N_AVOGADRO)
    assert a == pytest.approx(b, abs=1e-15)


def test_probabilities_sum_to_one_and_eq39():
    probs = solar_mass_probabilities(P)
    assert probs.p_e1 + probs.p_e2 + probs.p_e3 == pytest.approx(1.0, abs=1e-15)
    assert probs.p_e1 == pytest.approx(C13SQ * probs.p1)
    assert probs.p_e3 == P.sin2_13


def test_eq38_forms_agree():
    rng = np.random.default_rng(38)
    probs = solar_mass_probabilities(P)
    p1 = probs.p1
    M = solar_moment_matrix(P)
    np.testing.assert_allclose(M, np.diag(np.diag(M)), atol=0)  # diagonal (incoherent: no phases)
    for _ in range(200):
        r = rng.uniform(0, 2, size=3)
        lam = complex_moments(r, rng.uniform(0, 2 * np.pi, size=3))
        l1, l2, l3 = r**2
        first = mu2_solar_incoherent(lam, probs)
        written = (l1 + l2 + l3) - C13SQ * l2 + (C13SQ - 1) * l3 + C13SQ * p1 * (l2 - l1)
        equivalently = l1 * (1 - C13SQ * p1) + l2 * (1 - C13SQ * (1 - p1)) + l3 * C13SQ
        assert first == pytest.approx(written, abs=1e-12)
        assert equivalently == pytest.approx(written, abs=1e-12)
        assert mu2_from_matrix(lam, M) == pytest.approx(written, abs=1e-12)


def test_borexino_single_limits_match_table2():
    assert BOREXINO_MU_EFF_LIMIT_1e10muB == 0.28
    lim = borexino_single_limits(P)
    np.testing.assert_allclose(lim.as_array(), [0.44, 0.36, 0.28], rtol=0.03)
    # Each limit saturates mu_sol = 0.28 with the other moduli zero.
    M = solar_moment_matrix(P)
    for i, value in enumerate(lim.as_array()):
        lam = np.zeros(3)
        lam[i] = value
        assert mu2_from_matrix(lam, M) == pytest.approx(0.28**2, abs=1e-14)
    # Independent of delta_CP (only theta12, theta13 and dm21 enter).
    np.testing.assert_allclose(borexino_single_limits(P.with_delta_cp(0.0)).as_array(), lim.as_array(), atol=0)


def test_vacuum_p1_would_give_0p48():
    # PHYSICS.md: the vacuum value P1 = c12^2 = 0.68 would give 0.48 for Lambda_1 (excluded by Table 2).
    assert borexino_single_limits(P, p1=C12SQ).lambda1 == pytest.approx(0.48, abs=0.005)


@pytest.mark.parametrize("i, j", [(1, 2), (1, 3), (2, 3), (3, 1)])
def test_region_boundary_on_mu2_equals_limit(i, j):
    b = borexino_region_boundary(i, j, P, n_points=101)
    assert b.modulus_i.shape == b.modulus_j.shape == (101,)
    assert np.all(b.modulus_i >= 0) and np.all(b.modulus_j >= 0)
    M = solar_moment_matrix(P)
    rng = np.random.default_rng(i * 10 + j)
    moduli = np.zeros((101, 3))
    moduli[:, i - 1] = b.modulus_i
    moduli[:, j - 1] = b.modulus_j
    lam = complex_moments(moduli, rng.uniform(0, 2 * np.pi, size=(101, 3)))  # phases are irrelevant
    np.testing.assert_allclose(mu2_from_matrix(lam, M), 0.28**2, rtol=0, atol=1e-10)
    single = borexino_single_limits(P).as_array()
    assert b.modulus_i[0] == pytest.approx(single[i - 1], rel=1e-14)
    assert b.modulus_j[-1] == pytest.approx(single[j - 1], rel=1e-14)


def test_solar_matrix_in_pytensor():
    pytest.importorskip("pytensor")
    from bayes_tmm.tmm_pytensor import mu2_from_matrix_pt

    rng = np.random.default_rng(5)
    r, phi = rng.uniform(0, 1, size=(6, 3)), rng.uniform(0, 6, size=(6, 3))
    M = solar_moment_matrix(P)
    out = mu2_from_matrix_pt(r, phi, M).eval()
    np.testing.assert_allclose(out, mu2_from_matrix(complex_moments(r, phi), M), atol=1e-10)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: p_e1_adiabatic(energy_MeV=-1.0), "energy_MeV"),
        (lambda: p_e1_adiabatic(electron_density_per_cm3=-5.0), "electron_density_per_cm3"),
        (lambda: solar_moment_matrix(P, p1=1.5), "p1"),
        (lambda: borexino_region_boundary(0, 2), "i must be"),
        (lambda: borexino_region_boundary(2, 2), "differ"),
        (lambda: borexino_region_boundary(1, 2, n_points=1), "n_points"),
        (lambda: borexino_single_limits(mu_eff_limit=0.0), "mu_eff_limit"),
        (lambda: p_e1_adiabatic(params="desalas"), "params"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_p1_override_is_used():
    lim = borexino_single_limits(P, p1=0.605)
    # PHYSICS.md: P1 = 0.605 gives 0.438, 0.357, 0.283.
    np.testing.assert_allclose(lim.as_array(), [0.438, 0.357, 0.283], atol=1e-3)
    assert math.isclose(lim.p1, 0.605)
