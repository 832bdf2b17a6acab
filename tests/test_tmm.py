"""Tests of the mixing matrix and the effective-moment layer (PHYSICS.md Sects. 1, 2)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bayes_tmm.mixing import (
    DESALAS2018_NO,
    OSCILLATION_PARAMETER_SETS,
    OscillationParameters,
    oscillation_parameters,
    pmns_matrix,
)
from bayes_tmm.tmm import (
    BeamComponent,
    Flavour,
    blind_direction,
    complex_moments,
    effective_moment_matrices,
    effective_moment_matrix,
    flavour_to_mass,
    lambda_tilde,
    mass_to_flavour,
    mu2_eff_closed_form,
    mu2_eff_matrix_form,
    mu2_flavour_basis,
    mu2_flavour_matrix_form,
    mu2_from_matrix,
    real_quadratic_form_6x6,
)

COMPONENTS = list(BeamComponent)
PARAMS_DELTA0 = DESALAS2018_NO.with_delta_cp(0.0)
N_DRAWS = 200


def random_unitary(rng: np.random.Generator) -> np.ndarray:
    """Haar-random unitary from the QR decomposition of a complex Gaussian matrix (det has a random phase)."""
    z = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
    q, r = np.linalg.qr(z)
    d = np.diag(r)
    return q * (d / np.abs(d))


def random_lambda(rng: np.random.Generator, size=()) -> np.ndarray:
    return rng.normal(size=(*size, 3)) + 1j * rng.normal(size=(*size, 3))


def angles(p: OscillationParameters):
    s12, s23, s13 = (math.sqrt(x) for x in (p.sin2_12, p.sin2_23, p.sin2_13))
    c12, c23, c13 = (math.sqrt(1 - x) for x in (p.sin2_12, p.sin2_23, p.sin2_13))
    return s12, s23, s13, c12, c23, c13


# ----------------------------------------------------------------------------------------------
# PMNS matrix
# ----------------------------------------------------------------------------------------------


def test_pmns_moduli_delta0_match_physics_md():
    U = pmns_matrix(PARAMS_DELTA0)
    np.testing.assert_allclose(np.abs(U[0]) ** 2, [0.6653, 0.3131, 0.0216], atol=1e-3)
    np.testing.assert_allclose(np.abs(U[1]) ** 2, [0.2212, 0.2436, 0.5352], atol=1e-3)
    np.testing.assert_allclose(np.abs(U[2]) ** 2, [0.1134, 0.4433, 0.4432], atol=1e-3)


@pytest.mark.parametrize("delta", [0.0, 1.32 * math.pi, 0.7, -2.0])
def test_pmns_unitary_and_pdg_entries(delta):
    p = DESALAS2018_NO.with_delta_cp(delta)
    U = pmns_matrix(p)
    np.testing.assert_allclose(U.conj().T @ U, np.eye(3), atol=1e-14)
    np.testing.assert_allclose(U @ U.conj().T, np.eye(3), atol=1e-14)
    s12, s23, s13, c12, c23, c13 = angles(p)
    e = np.exp(1j * delta)
    assert U[0, 2] == pytest.approx(s13 / e, abs=1e-15)  # U_e3 = s13 e^{-i delta}
    assert U[1, 0] == pytest.approx(-s12 * c23 - c12 * s23 * s13 * e, abs=1e-15)
    assert U[2, 1] == pytest.approx(-c12 * s23 - s12 * c23 * s13 * e, abs=1e-15)
    assert U[1, 2] == pytest.approx(s23 * c13, abs=1e-15)


def test_delta_1p32pi_changes_mu_row_as_physics_md_says():
    # PHYSICS.md: with delta = 1.32 pi, |U_mu i|^2 = (0.116, 0.348, 0.535) -- excluded by Table 2.
    U = pmns_matrix(DESALAS2018_NO)
    np.testing.assert_allclose(np.abs(U[1]) ** 2, [0.116, 0.348, 0.535], atol=1.5e-3)


def test_named_parameter_sets():
    assert oscillation_parameters() is DESALAS2018_NO
    assert DESALAS2018_NO.delta_cp == pytest.approx(1.32 * math.pi)
    t2 = OSCILLATION_PARAMETER_SETS["paper_table2"]
    assert t2.delta_cp == 0.0 and t2.sin2_12 == 0.320 and t2.sin2_23 == 0.547 and t2.sin2_13 == 0.0216
    assert (t2.dm21_eV2, t2.dm31_abs_eV2) == (7.55e-5, 2.50e-3)


def test_table2_prompt_row_scaling():
    # Table 2 prompt row (69.2, 70.2, 89.6) = 61.07 / sqrt(1 - |U_mu i|^2) with delta = 0 (PHYSICS.md Sect. 15).
    U = pmns_matrix(PARAMS_DELTA0)
    M = effective_moment_matrix("prompt", U)
    limits = 61.07 / np.sqrt(np.real(np.diag(M)))
    np.testing.assert_allclose(limits, [69.2, 70.2, 89.6], rtol=2e-3)


# ----------------------------------------------------------------------------------------------
# Eq. (9) matrix form vs closed form, and the Hermitian matrices M_c
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("component", COMPONENTS)
def test_matrix_form_equals_closed_form_random_unitary(component):
    rng = np.random.default_rng(1234)
    for _ in range(N_DRAWS):
        U = random_unitary(rng)
        lam = random_lambda(rng, size=(5,))
        closed = mu2_eff_closed_form(lam, component, U)
        np.testing.assert_allclose(mu2_eff_matrix_form(lam, component, U), closed, rtol=0, atol=1e-12)
        np.testing.assert_allclose(mu2_from_matrix(lam, effective_moment_matrix(component, U)), closed, atol=1e-12)


@pytest.mark.parametrize("component", COMPONENTS)
def test_moment_matrix_is_projector_complement(component):
    # M_c = 1 - w w^dag with |w| = 1: Hermitian, eigenvalues (0, 1, 1), w the null vector.
    rng = np.random.default_rng(7)
    for _ in range(50):
        U = random_unitary(rng)
        M = effective_moment_matrix(component, U)
        np.testing.assert_allclose(M, M.conj().T, atol=1e-15)
        np.testing.assert_allclose(np.linalg.eigvalsh(M), [0.0, 1.0, 1.0], atol=1e-13)
        np.testing.assert_allclose(M @ blind_direction(component, U), 0.0, atol=1e-14)


def test_effective_moment_matrices_for_all_components():
    mats = effective_moment_matrices(PARAMS_DELTA0)
    assert set(mats) == set(BeamComponent)
    U = pmns_matrix(PARAMS_DELTA0)
    for c, M in mats.items():
        np.testing.assert_allclose(M, effective_moment_matrix(c, U), atol=0)


def test_mu2_nonnegative_and_bounded():
    rng = np.random.default_rng(99)
    for _ in range(N_DRAWS):
        U = random_unitary(rng)
        lam = random_lambda(rng, size=(10,))
        norm2 = np.sum(np.abs(lam) ** 2, axis=-1)
        for c in COMPONENTS:
            mu2 = mu2_eff_matrix_form(lam, c, U)
            assert np.all(mu2 >= -1e-12)
            assert np.all(mu2 <= norm2 + 1e-12)


@pytest.mark.parametrize("component", COMPONENTS)
def test_common_phase_invariance(component):
    rng = np.random.default_rng(5)
    U = pmns_matrix(DESALAS2018_NO)
    lam = random_lambda(rng, size=(20,))
    base = mu2_eff_matrix_form(lam, component, U)
    for chi in rng.uniform(0, 2 * np.pi, size=5):
        np.testing.assert_allclose(mu2_eff_matrix_form(lam * np.exp(1j * chi), component, U), base, atol=1e-12)


@pytest.mark.parametrize("component", COMPONENTS)
@pytest.mark.parametrize("params", [PARAMS_DELTA0, DESALAS2018_NO])
def test_single_nonzero_lambda(component, params):
    U = pmns_matrix(params)
    alpha = BeamComponent(component).flavour.index
    for i in range(3):
        lam = np.zeros(3, dtype=complex)
        lam[i] = 0.7 * np.exp(0.3j)
        expected = 0.49 * (1 - abs(U[alpha, i]) ** 2)
        assert mu2_eff_matrix_form(lam, component, U) == pytest.approx(expected, abs=1e-14)


def test_batched_shapes():
    rng = np.random.default_rng(3)
    lam = random_lambda(rng, size=(4, 5))
    M = effective_moment_matrix("prompt")
    out = mu2_from_matrix(lam, M)
    assert out.shape == (4, 5)
    np.testing.assert_allclose(out[2, 3], mu2_from_matrix(lam[2, 3], M), atol=1e-14)
    assert isinstance(mu2_from_matrix(lam[0, 0], M), float)
    assert mu2_eff_matrix_form(lam, "nue").shape == (4, 5)


def test_real_quadratic_form_6x6():
    rng = np.random.default_rng(11)
    for c in COMPONENTS:
        M = effective_moment_matrix(c, random_unitary(rng))
        Q = real_quadratic_form_6x6(M)
        np.testing.assert_allclose(Q, Q.T, atol=0)
        lam = random_lambda(rng, size=(8,))
        z = np.concatenate([lam.real, lam.imag], axis=-1)
        np.testing.assert_allclose(np.einsum("...a,ab,...b->...", z, Q, z), mu2_from_matrix(lam, M), atol=1e-12)


def test_lambda_tilde_antisymmetric_epsilon():
    lam = np.array([1 + 2j, -0.5j, 3.0])
    lt = lambda_tilde(lam)
    np.testing.assert_allclose(lt, -lt.T, atol=0)
    # Eq. (7): lambda~_12 = Lambda_3, lambda~_23 = Lambda_1, lambda~_31 = Lambda_2.
    assert (lt[0, 1], lt[1, 2], lt[2, 0]) == (lam[2], lam[0], lam[1])


# ----------------------------------------------------------------------------------------------
# Source-by-source identities, Eqs. (12), (13), (14), (17)-(19)
# ----------------------------------------------------------------------------------------------


def test_prompt_equals_numubar_and_nue_equals_reactor():
    rng = np.random.default_rng(21)
    for U in [pmns_matrix(PARAMS_DELTA0), pmns_matrix(DESALAS2018_NO)] + [random_unitary(rng) for _ in range(50)]:
        lam = random_lambda(rng, size=(6,))
        # Eq. (17) == Eq. (19): neutrino (a_-) and antineutrino (a_+) paths of Eq. (9) agree.
        prompt, numubar = mu2_eff_matrix_form(lam, "prompt", U), mu2_eff_matrix_form(lam, "numubar", U)
        np.testing.assert_allclose(prompt, numubar, atol=1e-12)
        # Eq. (18) == Eq. (12).
        nue, antinue = mu2_eff_matrix_form(lam, "nue", U), mu2_eff_matrix_form(lam, "antinue", U)
        np.testing.assert_allclose(nue, antinue, atol=1e-12)


def eq12_expanded(moduli, zeta, p: OscillationParameters):
    """Eq. (12) as written in PHYSICS.md Sect. 2."""
    s12, _, s13, c12, _, c13 = angles(p)
    l1, l2, l3 = moduli
    d12, d23, d31 = zeta[0] - zeta[1], zeta[1] - zeta[2], zeta[2] - zeta[0]
    d = p.delta_cp
    return (
        l1**2 + l2**2 + l3**2
        - c12**2 * c13**2 * l1**2
        - s12**2 * c13**2 * l2**2
        - s13**2 * l3**2
        - 2 * s12 * c12 * c13**2 * l1 * l2 * np.cos(d12)
        - 2 * c12 * c13 * s13 * l1 * l3 * np.cos(d31 - d)
        - 2 * s12 * c13 * s13 * l2 * l3 * np.cos(d23 + d)
    )


def eq17_expanded(moduli, zeta, p: OscillationParameters):
    """Eq. (17) as written in PHYSICS.md Sect. 2."""
    s12, s23, s13, c12, c23, c13 = angles(p)
    l1, l2, l3 = moduli
    d12, d23, d31 = zeta[0] - zeta[1], zeta[1] - zeta[2], zeta[2] - zeta[0]
    d = p.delta_cp
    um1 = s12**2 * c23**2 + c12**2 * s23**2 * s13**2 + 2 * s12 * c12 * c23 * s23 * s13 * np.cos(d)
    um2 = c12**2 * c23**2 + s12**2 * s23**2 * s13**2 - 2 * s12 * c12 * c23 * s23 * s13 * np.cos(d)
    x12 = 2 * (
        (-s12 * c12 * c23**2 + s12 * c12 * s23**2 * s13**2) * np.cos(d12)
        + s12**2 * c23 * s23 * s13 * np.cos(d12 - d)
        - c12**2 * c23 * s23 * s13 * np.cos(d12 + d)
    )
    x13 = 2 * s23 * c13 * (-s12 * c23 * np.cos(d31) - c12 * s23 * s13 * np.cos(d31 - d))
    x23 = 2 * s23 * c13 * (c12 * c23 * np.cos(d23) - s12 * s23 * s13 * np.cos(d23 + d))
    return (
        l1**2 + l2**2 + l3**2
        - um1 * l1**2 - um2 * l2**2 - s23**2 * c13**2 * l3**2
        - x12 * l1 * l2 - x13 * l1 * l3 - x23 * l2 * l3
    )


def _random_polar(rng):
    return rng.uniform(0, 2, size=3), rng.uniform(-np.pi, np.pi, size=3)


def test_eq12_expanded_delta0_arbitrary_zeta():
    rng = np.random.default_rng(12)
    U = pmns_matrix(PARAMS_DELTA0)
    for _ in range(N_DRAWS):
        r, z = _random_polar(rng)
        lam = complex_moments(r, z)
        expected = eq12_expanded(r, z, PARAMS_DELTA0)
        assert mu2_eff_matrix_form(lam, "antinue", U) == pytest.approx(expected, abs=1e-12)
        assert mu2_eff_matrix_form(lam, "nue", U) == pytest.approx(expected, abs=1e-12)


def test_eq17_expanded_delta0_arbitrary_zeta():
    rng = np.random.default_rng(17)
    U = pmns_matrix(PARAMS_DELTA0)
    for _ in range(N_DRAWS):
        r, z = _random_polar(rng)
        lam = complex_moments(r, z)
        expected = eq17_expanded(r, z, PARAMS_DELTA0)
        assert mu2_eff_matrix_form(lam, "prompt", U) == pytest.approx(expected, abs=1e-12)
        assert mu2_eff_matrix_form(lam, "numubar", U) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("delta", [1.32 * math.pi, 0.4, 2.9])
def test_general_delta_closed_equals_matrix_and_expansions_in_this_convention(delta):
    # The sign with which delta_CP enters the cosines is UNCONFIRMED against the paper; with the PDG U used
    # here (U_e3 = s13 e^{-i delta}) the expansions of PHYSICS.md hold as written. Closed form == Eq. (9) always.
    p = DESALAS2018_NO.with_delta_cp(delta)
    U = pmns_matrix(p)
    rng = np.random.default_rng(int(1000 * delta))
    for _ in range(50):
        r, z = _random_polar(rng)
        lam = complex_moments(r, z)
        for c in COMPONENTS:
            assert mu2_eff_closed_form(lam, c, U) == pytest.approx(mu2_eff_matrix_form(lam, c, U), abs=1e-12)
        assert mu2_eff_closed_form(lam, "antinue", U) == pytest.approx(eq12_expanded(r, z, p), abs=1e-12)
        assert mu2_eff_closed_form(lam, "prompt", U) == pytest.approx(eq17_expanded(r, z, p), abs=1e-12)


def test_eq13_degenerate_case_is_cross_product():
    rng = np.random.default_rng(13)
    s12, _, s13, c12, _, c13 = angles(PARAMS_DELTA0)
    u_hat = np.array([c12 * c13, s12 * c13, s13])
    U = pmns_matrix(PARAMS_DELTA0)
    for _ in range(N_DRAWS):
        r = rng.uniform(0, 2, size=3)
        zeta = rng.uniform(0, 2 * np.pi)  # all cosine arguments zero: common phase, delta_CP = 0
        mu2 = mu2_eff_matrix_form(complex_moments(r, [zeta] * 3), "antinue", U)
        assert mu2 == pytest.approx(np.sum(np.cross(r, u_hat) ** 2), abs=1e-12)
        three_squares = (
            (c12 * c13 * r[1] - s12 * c13 * r[0]) ** 2
            + (c12 * c13 * r[2] - s13 * r[0]) ** 2
            + (s12 * c13 * r[2] - s13 * r[1]) ** 2
        )
        assert mu2 == pytest.approx(three_squares, abs=1e-12)


# ----------------------------------------------------------------------------------------------
# Blind directions, Eqs. (13), (14)
# ----------------------------------------------------------------------------------------------


def test_reactor_blind_direction_delta0():
    s12, _, s13, c12, _, c13 = angles(PARAMS_DELTA0)
    w = blind_direction("antinue", PARAMS_DELTA0)
    np.testing.assert_allclose(w, [c12 * c13, s12 * c13, s13], atol=1e-15)
    assert np.linalg.norm(w) == pytest.approx(1.0, abs=1e-15)
    # Eq. (14): |L2| = tan(theta12) |L1|, |L3| = tan(theta13)/cos(theta12) |L1|.
    t12, t13 = math.tan(PARAMS_DELTA0.theta12_rad), math.tan(PARAMS_DELTA0.theta13_rad)
    assert w[1].real / w[0].real == pytest.approx(t12, rel=1e-14)
    assert w[2].real / w[0].real == pytest.approx(t13 / math.cos(PARAMS_DELTA0.theta12_rad), rel=1e-14)


@pytest.mark.parametrize("params", [PARAMS_DELTA0, DESALAS2018_NO])
def test_blind_direction_reactor_zero_prompt_not(params):
    U = pmns_matrix(params)
    w = blind_direction(BeamComponent.ANTINUE, U)
    np.testing.assert_allclose(w, blind_direction(Flavour.E, U), atol=0)
    np.testing.assert_allclose(w, blind_direction("e", U), atol=0)
    for scale in [1.0, 2.5 * np.exp(1.1j), -0.3j]:
        lam = scale * w
        assert mu2_eff_matrix_form(lam, "antinue", U) == pytest.approx(0.0, abs=1e-14)
        assert mu2_eff_matrix_form(lam, "nue", U) == pytest.approx(0.0, abs=1e-14)
        # The SNS prompt nu_mu sees the full moment there: sum_i U_mu i conj(U_e i) = 0 by unitarity.
        assert mu2_eff_matrix_form(lam, "prompt", U) == pytest.approx(abs(scale) ** 2, rel=1e-13)
    wm = blind_direction("prompt", U)
    assert mu2_eff_matrix_form(wm, "numubar", U) == pytest.approx(0.0, abs=1e-14)
    assert mu2_eff_matrix_form(wm, "antinue", U) == pytest.approx(1.0, rel=1e-13)


def test_blind_direction_random_unitary():
    rng = np.random.default_rng(31)
    for _ in range(50):
        U = random_unitary(rng)
        for c in COMPONENTS:
            assert mu2_eff_matrix_form(blind_direction(c, U), c, U) == pytest.approx(0.0, abs=1e-13)


# ----------------------------------------------------------------------------------------------
# Flavour basis and the Eq. (8) conversion
# ----------------------------------------------------------------------------------------------


def test_flavour_mass_conversion_round_trip_and_eq8():
    rng = np.random.default_rng(8)
    for _ in range(N_DRAWS):
        U = random_unitary(rng)  # det(U) has a random phase here
        lam_f = random_lambda(rng)
        lam_m = flavour_to_mass(lam_f, U)
        # Eq. (8): lambda~ = U^T lambda U, with both built from eps_ijk.
        np.testing.assert_allclose(lambda_tilde(lam_m), U.T @ lambda_tilde(lam_f) @ U, atol=1e-13)
        np.testing.assert_allclose(mass_to_flavour(lam_m, U), lam_f, atol=1e-13)
        np.testing.assert_allclose(flavour_to_mass(mass_to_flavour(lam_f, U), U), lam_f, atol=1e-13)
        assert np.linalg.norm(lam_m) == pytest.approx(np.linalg.norm(lam_f), rel=1e-13)


def test_flavour_basis_mu2_agrees_with_mass_basis():
    rng = np.random.default_rng(9)
    unitaries = [pmns_matrix(PARAMS_DELTA0), pmns_matrix(DESALAS2018_NO)] + [random_unitary(rng) for _ in range(50)]
    for U in unitaries:
        lam_f = random_lambda(rng, size=(4,))
        lam_m = flavour_to_mass(lam_f, U)
        le, lmu, ltau = (np.abs(lam_f[:, k]) ** 2 for k in range(3))
        for c in COMPONENTS:
            flav = mu2_flavour_matrix_form(lam_f, c)  # Eq. (5)
            np.testing.assert_allclose(mu2_eff_matrix_form(lam_m, c, U), flav, atol=1e-12)
            np.testing.assert_allclose(mu2_flavour_basis(lam_f, c), flav, atol=1e-12)
        # Eq. (10) reactor and Eq. (16) delayed nu_e; Eq. (15) prompt and Eq. (16) delayed anti-nu_mu.
        np.testing.assert_allclose(mu2_flavour_matrix_form(lam_f, "antinue"), lmu + ltau, atol=1e-12)
        np.testing.assert_allclose(mu2_flavour_matrix_form(lam_f, "nue"), lmu + ltau, atol=1e-12)
        np.testing.assert_allclose(mu2_flavour_matrix_form(lam_f, "prompt"), le + ltau, atol=1e-12)
        np.testing.assert_allclose(mu2_flavour_matrix_form(lam_f, "numubar"), le + ltau, atol=1e-12)


def test_component_properties():
    assert [c.value for c in BeamComponent] == ["antinue", "prompt", "nue", "numubar"]
    assert BeamComponent("antinue").flavour is Flavour.E and BeamComponent.ANTINUE.is_antineutrino
    assert BeamComponent("prompt").flavour is Flavour.MU and not BeamComponent.PROMPT.is_antineutrino
    assert BeamComponent("nue").flavour is Flavour.E and not BeamComponent.NUE.is_antineutrino
    assert BeamComponent("numubar").flavour is Flavour.MU and BeamComponent.NUMUBAR.is_antineutrino


# ----------------------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["reactor", "Antinue", "nu_e", ""])
def test_unknown_component_raises_listing_allowed(name):
    with pytest.raises(ValueError, match="allowed.*antinue.*prompt.*nue.*numubar"):
        BeamComponent(name)
    with pytest.raises(ValueError, match="unknown beam component"):
        mu2_eff_closed_form([1, 0, 0], name)
    with pytest.raises(ValueError, match="unknown beam component"):
        effective_moment_matrix(name)


def test_unknown_component_or_flavour_and_non_string():
    with pytest.raises(ValueError, match="allowed"):
        blind_direction("muon")
    with pytest.raises(ValueError, match="component"):
        mu2_eff_matrix_form([1, 0, 0], 2)
    with pytest.raises(ValueError, match="unknown oscillation parameter set"):
        oscillation_parameters("bestfit")


@pytest.mark.parametrize("field, value", [("sin2_12", 1.2), ("sin2_23", -0.1), ("sin2_13", float("nan"))])
def test_bad_sin2_raises_naming_field(field, value):
    kwargs = dict(sin2_12=0.32, sin2_23=0.547, sin2_13=0.0216)
    kwargs[field] = value
    with pytest.raises(ValueError, match=rf"{field}.*\[0, 1\]"):
        OscillationParameters(**kwargs)


def test_bad_other_parameters():
    with pytest.raises(ValueError, match="dm21_eV2"):
        OscillationParameters(0.32, 0.547, 0.0216, dm21_eV2=-7e-5)
    with pytest.raises(ValueError, match="delta_cp"):
        OscillationParameters(0.32, 0.547, 0.0216, delta_cp=float("inf"))
    with pytest.raises(ValueError, match="ordering"):
        OscillationParameters(0.32, 0.547, 0.0216, ordering="NO")


def test_negative_modulus_raises():
    with pytest.raises(ValueError, match="moduli"):
        complex_moments([0.1, -0.2, 0.0], [0, 0, 0])
    with pytest.raises(ValueError, match="moduli"):
        complex_moments([0.1, 0.2])


def test_bad_matrices_raise():
    with pytest.raises(ValueError, match="unitary"):
        mu2_eff_closed_form([1, 0, 0], "prompt", np.ones((3, 3)))
    with pytest.raises(ValueError, match="Hermitian"):
        mu2_from_matrix([1, 0, 0], np.array([[0, 1j, 0], [1j, 0, 0], [0, 0, 1]]))
    with pytest.raises(ValueError, match="shape"):
        mu2_from_matrix([1, 0], np.eye(3))


# ----------------------------------------------------------------------------------------------
# PyTensor version
# ----------------------------------------------------------------------------------------------

pytensor = pytest.importorskip("pytensor")


@pytest.fixture(scope="module")
def compiled_pt():
    import pytensor.tensor as pt

    from bayes_tmm.tmm_pytensor import mu2_from_cartesian_pt, mu2_from_matrix_pt

    r, phi = pt.dmatrix("r"), pt.dmatrix("phi")
    x, y = pt.dmatrix("x"), pt.dmatrix("y")
    m = pt.zmatrix("M")
    polar = pytensor.function([r, phi, m], mu2_from_matrix_pt(r, phi, m))
    cart = pytensor.function([x, y, m], mu2_from_cartesian_pt(x, y, m))
    return polar, cart


def test_pytensor_matches_numpy_tensor_M(compiled_pt):
    polar, cart = compiled_pt
    rng = np.random.default_rng(41)
    for _ in range(20):
        U = random_unitary(rng)
        r = rng.uniform(0, 3, size=(7, 3))
        phi = rng.uniform(-np.pi, np.pi, size=(7, 3))
        lam = complex_moments(r, phi)
        for c in COMPONENTS:
            M = effective_moment_matrix(c, U)
            ref = mu2_from_matrix(lam, M)
            np.testing.assert_allclose(polar(r, phi, M), ref, rtol=0, atol=1e-10)
            np.testing.assert_allclose(cart(lam.real, lam.imag, M), ref, rtol=0, atol=1e-10)


def test_pytensor_matches_numpy_constant_M_and_batch_dims():
    import pytensor.tensor as pt

    from bayes_tmm.tmm_pytensor import mu2_from_cartesian_pt, mu2_from_matrix_pt

    rng = np.random.default_rng(43)
    M = effective_moment_matrix("prompt", DESALAS2018_NO)  # complex Hermitian numpy constant
    r, phi = pt.tensor3("r", dtype="float64"), pt.tensor3("phi", dtype="float64")
    f = pytensor.function([r, phi], mu2_from_matrix_pt(r, phi, M))
    rv = rng.uniform(0, 2, size=(2, 4, 3))
    pv = rng.uniform(0, 2 * np.pi, size=(2, 4, 3))
    out = f(rv, pv)
    assert out.shape == (2, 4)
    np.testing.assert_allclose(out, mu2_from_matrix(complex_moments(rv, pv), M), atol=1e-10)
    # Vectors of length 3 and numpy inputs evaluate directly.
    lam = complex_moments(rv[0, 0], pv[0, 0])
    val = mu2_from_cartesian_pt(lam.real, lam.imag, M).eval()
    assert float(val) == pytest.approx(mu2_from_matrix(lam, M), abs=1e-10)


def test_pytensor_negative_modulus_raises():
    from bayes_tmm.tmm_pytensor import mu2_from_matrix_pt

    with pytest.raises(ValueError, match="moduli"):
        mu2_from_matrix_pt(np.array([0.1, -1.0, 0.0]), np.zeros(3), np.eye(3))


@pytest.mark.parametrize("where", ["generic", "near_blind"])
def test_pytensor_verify_grad(where):
    from bayes_tmm.tmm_pytensor import mu2_from_cartesian_pt, mu2_from_matrix_pt

    U = pmns_matrix(DESALAS2018_NO)  # delta != 0: the blind direction has non-trivial phases
    M = effective_moment_matrix("antinue", U)
    rng = np.random.default_rng(47)
    if where == "generic":
        r0, phi0 = rng.uniform(0.2, 2.0, size=3), rng.uniform(-np.pi, np.pi, size=3)
    else:
        w = 1.3 * blind_direction("antinue", U)
        r0, phi0 = np.abs(w), np.angle(w) + np.array([1e-4, -2e-4, 0.0])
        assert mu2_from_matrix(complex_moments(r0, phi0), M) < 1e-7
    pytensor.gradient.verify_grad(
        lambda r, phi: mu2_from_matrix_pt(r, phi, M), pt=[r0, phi0], rng=np.random.default_rng(1)
    )
    lam0 = complex_moments(r0, phi0)
    pytensor.gradient.verify_grad(
        lambda x, y: mu2_from_cartesian_pt(x, y, M), pt=[lam0.real, lam0.imag], rng=np.random.default_rng(2)
    )
