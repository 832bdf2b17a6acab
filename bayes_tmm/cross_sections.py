"""Differential CEvNS cross sections dsigma/dT in cm^2/MeV (PHYSICS.md Sects. 3 and 5).

* Standard Model, Eqs. (20)-(22): vector and axial parts with the radiatively corrected quark
  couplings (PDG 2018 form). For antineutrinos the vector-axial interference changes sign
  ((G_V + G_A) <-> (G_V - G_A)); it moves rates by <= 0.1 % except on Na.
* Electromagnetic (transition magnetic moment), Eq. (25): helicity flipping, adds incoherently to the
  SM part (Eq. 26). Returned per unit mu_eff^2 with mu_eff in units of 1e-10 mu_B.

T is the nuclear recoil kinetic energy and E the neutrino energy, both in MeV.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .constants import ALPHA_EM, G_F_MeV2, HBARC2_MeV2_cm2, M_E_MeV, MU_UNIT_muB
from .form_factors import form_factor, momentum_transfer_per_fm
from .nuclei import Isotope

__all__ = [
    "ElectroweakParameters",
    "PDG2018",
    "NucleonCouplings",
    "nucleon_couplings",
    "max_recoil_MeV",
    "min_neutrino_energy_MeV",
    "sm_cross_section",
    "em_cross_section",
    "EM_PREFACTOR_cm2",
]

#: pi alpha^2 / m_e^2 in cm^2 (2.4947e-25 cm^2): the EM cross-section scale for mu_eff = 1 mu_B.
EM_PREFACTOR_cm2 = np.pi * ALPHA_EM**2 / M_E_MeV**2 * HBARC2_MeV2_cm2


@dataclass(frozen=True)
class ElectroweakParameters:
    """Inputs of the radiatively corrected quark couplings, Eq. (22) (PDG 2018 form).

    ``sin2_theta_w`` is the MS-bar value at M_Z [UNCONFIRMED in the paper; impact <= 0.3 %].
    ``lambda_dR`` = 2 ``lambda_uR`` (some PDG editions quote 3.7e-5 instead of 7.5e-5).
    """

    sin2_theta_w: float = 0.23122
    rho: float = 1.0082
    kappa: float = 0.9972
    lambda_uL: float = -0.0031
    lambda_dL: float = -0.0025
    lambda_dR: float = 7.5e-5


#: PDG 2018 values, the default.
PDG2018 = ElectroweakParameters()


@dataclass(frozen=True)
class NucleonCouplings:
    """Vector and axial neutral-current couplings of proton and neutron."""

    gV_p: float
    gV_n: float
    gA_p: float
    gA_n: float


def nucleon_couplings(ew: ElectroweakParameters = PDG2018) -> NucleonCouplings:
    """Nucleon couplings from the quark couplings of Eq. (22).

    Examples
    --------
    >>> c = nucleon_couplings()
    >>> round(c.gV_p, 5), round(c.gV_n, 5), round(c.gA_p, 5), round(c.gA_n, 5)
    (0.03062, -0.51201, 0.49525, -0.51239)
    """
    s2 = ew.kappa * ew.sin2_theta_w
    lambda_uR = ew.lambda_dR / 2.0
    gL_u = ew.rho * (0.5 - 2.0 / 3.0 * s2) + ew.lambda_uL
    gL_d = ew.rho * (-0.5 + 1.0 / 3.0 * s2) + ew.lambda_dL
    gR_u = ew.rho * (-2.0 / 3.0 * s2) + lambda_uR
    gR_d = ew.rho * (1.0 / 3.0 * s2) + ew.lambda_dR
    return NucleonCouplings(
        gV_p=2.0 * (gL_u + gR_u) + (gL_d + gR_d),
        gV_n=(gL_u + gR_u) + 2.0 * (gL_d + gR_d),
        gA_p=2.0 * (gL_u - gR_u) + (gL_d - gR_d),
        gA_n=(gL_u - gR_u) + 2.0 * (gL_d - gR_d),
    )


def max_recoil_MeV(neutrino_energy_MeV, nucleus_mass_MeV):
    """Kinematic end point T_max = 2 E^2 / (M + 2 E), MeV."""
    e = np.asarray(neutrino_energy_MeV, dtype=float)
    return 2.0 * e * e / (nucleus_mass_MeV + 2.0 * e)


def min_neutrino_energy_MeV(recoil_MeV, nucleus_mass_MeV):
    """Smallest neutrino energy able to give recoil T (exact inverse of T_max): (T + sqrt(T^2 + 2 M T)) / 2."""
    t = np.asarray(recoil_MeV, dtype=float)
    return 0.5 * (t + np.sqrt(t * t + 2.0 * nucleus_mass_MeV * t))


def _form_factor_squared(recoil_MeV, isotope: Isotope, form_factor_name: str):
    q = momentum_transfer_per_fm(recoil_MeV, isotope.mass_MeV)
    return form_factor(form_factor_name)(q, isotope.A) ** 2


def sm_cross_section(
    neutrino_energy_MeV,
    recoil_MeV,
    isotope: Isotope,
    *,
    antineutrino: bool = False,
    form_factor_name: str = "symmetrized_fermi",
    ew: ElectroweakParameters = PDG2018,
):
    """Standard-Model CEvNS dsigma/dT in cm^2/MeV, Eqs. (20)-(21); zero above the kinematic end point.

    The axial form factor is taken equal to the vector one (F_A = F) [UNCONFIRMED, negligible].

    Examples
    --------
    >>> from bayes_tmm.nuclei import element
    >>> cs = element("Cs").isotopes[0]
    >>> f"{float(sm_cross_section(29.792, 0.005, cs)):.4g}"
    '1.553e-36'
    """
    e = np.asarray(neutrino_energy_MeV, dtype=float)
    t = np.asarray(recoil_MeV, dtype=float)
    m = isotope.mass_MeV
    g = nucleon_couplings(ew)
    f2 = _form_factor_squared(t, isotope, form_factor_name)
    weak_charge = g.gV_p * isotope.Z + g.gV_n * isotope.N
    axial_charge = g.gA_p * isotope.proton_spin_excess + g.gA_n * isotope.neutron_spin_excess
    if antineutrino:
        axial_charge = -axial_charge
    gv2_f2 = weak_charge**2 * f2
    plus2 = (weak_charge + axial_charge) ** 2 * f2
    minus2 = (weak_charge - axial_charge) ** 2 * f2
    ga2_f2 = axial_charge**2 * f2
    bracket = plus2 + minus2 * (1.0 - t / e) ** 2 - (gv2_f2 - ga2_f2) * m * t / (e * e)
    dsigma = G_F_MeV2**2 * m / (2.0 * np.pi) * bracket * HBARC2_MeV2_cm2
    return np.where(t <= max_recoil_MeV(e, m), dsigma, 0.0)


def em_cross_section(
    neutrino_energy_MeV,
    recoil_MeV,
    isotope: Isotope,
    *,
    form_factor_name: str = "symmetrized_fermi",
    include_t_over_4e2_term: bool = False,
):
    """EM (magnetic-moment) dsigma/dT in cm^2/MeV per unit mu_eff^2, mu_eff in units of 1e-10 mu_B, Eq. (25):

        pi alpha^2 / m_e^2 * Z^2 * (1/T - 1/E [+ T / (4 E^2)]) * F^2(q) * 1e-20.

    ``include_t_over_4e2_term`` adds the T/(4E^2) term that some authors carry over from the
    electron-scattering formula (off by default, as in the paper). Zero above the end point.

    Examples
    --------
    >>> from bayes_tmm.nuclei import element
    >>> cs = element("Cs").isotopes[0]
    >>> f"{float(em_cross_section(29.792, 0.005, cs)):.4g}"
    '1.178e-39'
    """
    e = np.asarray(neutrino_energy_MeV, dtype=float)
    t = np.asarray(recoil_MeV, dtype=float)
    f2 = _form_factor_squared(t, isotope, form_factor_name)
    kinematic = 1.0 / t - 1.0 / e
    if include_t_over_4e2_term:
        kinematic = kinematic + t / (4.0 * e * e)
    dsigma = EM_PREFACTOR_cm2 * MU_UNIT_muB**2 * isotope.Z**2 * kinematic * f2
    return np.where(t <= max_recoil_MeV(e, isotope.mass_MeV), dsigma, 0.0)
