"""Solar neutrinos and the Borexino bound on transition magnetic moments (Eqs. 37-39, PHYSICS.md Sect. 14).

Solar nu_e reach the Earth as an incoherent mixture of mass eigenstates, with probabilities
P_ei (no interference), so the effective moment seen by Borexino is (Eq. 38)::

    mu^2_sol = sum_i P_ei sum_j |lambda~_ji|^2 = sum_i P_ei (|Lambda|^2 - |Lambda_i|^2)
             = Lambda^dag M_sol Lambda,   M_sol = 1 - diag(P_e1, P_e2, P_e3)

with the three-flavour probabilities (Eq. 39) P_e1 = c13^2 P1, P_e2 = c13^2 (1 - P1), P_e3 = s13^2,
where P1 = cos^2 theta12^m is the two-flavour adiabatic-MSW probability evaluated at the production
point (the state leaves the Sun adiabatically as nu_2m -> nu_2, so the matter mixing angle at
production fixes P1)::

    cos 2theta12^m = (cos 2theta12 - beta) / sqrt((cos 2theta12 - beta)^2 + sin^2 2theta12),
    beta = 2 sqrt(2) G_F n_e E / Delta m^2_21 .

Default production point
------------------------
n_e = 92 N_A cm^-3 and E = 0.862 MeV (7Be line), giving P1 = 0.6046. Reasoning:

* the paper's Borexino row of Table 2 (0.44, 0.36, 0.28) implies P1 = 0.60-0.61 (PHYSICS.md
  Sect. 14, [REPRODUCED]); P1 = 0.605 corresponds to n_e ~ 91.5 N_A cm^-3, so 92 N_A is the round
  value that reproduces the paper;
* it lies inside the range of the standard solar model core: in B16-AGSS09met (Vinyoles et al.
  2017, arXiv:1611.09867, neutrino-production table) log10(n_e / N_A cm^-3) is 2.004 at the centre
  (101 N_A), 1.961 at r = 0.045 R_sun (91 N_A) and 1.930 at the 7Be production peak r = 0.06 R_sun
  (85 N_A).
* A full average of cos^2 theta12^m over the 7Be production profile of that model gives P1 = 0.615
  (equivalent to n_e ~ 80 N_A), which would move the single-|Lambda_i| limits by < 1.5 %
  (0.444, 0.355, 0.283 instead of 0.438, 0.357, 0.283). Pass ``electron_density_per_cm3`` or
  ``p1`` to use another value. The vacuum value P1 = c12^2 = 0.68 is excluded by Table 2.

The matter potential uses n_e without the three-flavour factor c13^2 (as in PHYSICS.md Eq. 39);
including it would raise P1 by ~0.001.

Units: energies in MeV, electron densities in cm^-3, magnetic moments in 1e-10 mu_B.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .constants import G_F_MeV2, HBARC_MeV_fm, N_AVOGADRO
from .mixing import DESALAS2018_NO, OscillationParameters
from .tmm import lambda_tilde

__all__ = [
    "BE7_ENERGY_MeV",
    "DEFAULT_SOLAR_ELECTRON_DENSITY_PER_CM3",
    "BOREXINO_MU_EFF_LIMIT_1e10muB",
    "SolarMassProbabilities",
    "BorexinoSingleLimits",
    "BorexinoRegionBoundary",
    "msw_beta",
    "p_e1_adiabatic",
    "solar_mass_probabilities",
    "solar_moment_matrix",
    "mu2_solar_incoherent",
    "borexino_single_limits",
    "borexino_region_boundary",
]

#: Energy of the main 7Be solar-neutrino line, MeV.
BE7_ENERGY_MeV = 0.862
#: Default electron density at the production point, cm^-3 (92 N_A; see the module docstring).
DEFAULT_SOLAR_ELECTRON_DENSITY_PER_CM3 = 92.0 * N_AVOGADRO
#: Borexino Phase-II bound mu_eff < 2.8e-11 mu_B (90 % C.L.), Agostini et al., PRD 96 (2017) 091103,
#: arXiv:1707.09355; in units of 1e-10 mu_B.
BOREXINO_MU_EFF_LIMIT_1e10muB = 0.28

_HBARC_MeV_cm = HBARC_MeV_fm * 1e-13
_EV2_TO_MeV2 = 1e-12


@dataclass(frozen=True)
class SolarMassProbabilities:
    """Probabilities that a solar nu_e arrives as mass state i (Eq. 39); they sum to 1.

    Attributes: ``p1`` (two-flavour P1 = cos^2 theta12^m), ``p_e1``, ``p_e2``, ``p_e3`` (three-flavour).
    """

    p1: float
    p_e1: float
    p_e2: float
    p_e3: float

    def as_array(self) -> np.ndarray:
        """(P_e1, P_e2, P_e3) as a float array."""
        return np.array([self.p_e1, self.p_e2, self.p_e3])


@dataclass(frozen=True)
class BorexinoSingleLimits:
    """Borexino limits on each |Lambda_i| with the other two set to zero (units 1e-10 mu_B).

    Attributes: ``lambda1``, ``lambda2``, ``lambda3`` (the limits), ``mu_eff_limit`` (the input
    bound on mu_eff, 1e-10 mu_B) and ``p1`` (the two-flavour P1 used).
    """

    lambda1: float
    lambda2: float
    lambda3: float
    mu_eff_limit: float
    p1: float

    def as_array(self) -> np.ndarray:
        """(limit on |Lambda_1|, |Lambda_2|, |Lambda_3|) as a float array."""
        return np.array([self.lambda1, self.lambda2, self.lambda3])


@dataclass(frozen=True)
class BorexinoRegionBoundary:
    """Boundary of the allowed region in the (|Lambda_i|, |Lambda_j|) plane, third modulus = 0.

    The region is the quarter ellipse M_ii x^2 + M_jj y^2 <= mu_eff_limit^2 (x, y >= 0); the
    boundary runs from (x_max, 0) to (0, y_max). Phases do not matter because M_sol is diagonal.

    Attributes: ``i``, ``j`` (1-based mass indices of the axes), ``modulus_i``, ``modulus_j``
    (arrays, 1e-10 mu_B), ``mu_eff_limit`` (1e-10 mu_B).
    """

    i: int
    j: int
    modulus_i: np.ndarray
    modulus_j: np.ndarray
    mu_eff_limit: float


def _check_positive(name: str, value: float, allow_zero: bool = False) -> float:
    v = float(value)
    ok = math.isfinite(v) and (v >= 0 if allow_zero else v > 0)
    if not ok:
        raise ValueError(f"{name} must be a finite number {'>= 0' if allow_zero else '> 0'}, got {value!r}")
    return v


def _params(params: OscillationParameters | None) -> OscillationParameters:
    p = DESALAS2018_NO if params is None else params
    if not isinstance(p, OscillationParameters):
        raise ValueError(f"params must be an OscillationParameters, got {type(p).__name__}")
    return p


def msw_beta(
    energy_MeV: float = BE7_ENERGY_MeV,
    electron_density_per_cm3: float = DEFAULT_SOLAR_ELECTRON_DENSITY_PER_CM3,
    params: OscillationParameters | None = None,
) -> float:
    """beta = 2 sqrt(2) G_F n_e E / Delta m^2_21 (dimensionless; E in MeV, n_e in cm^-3).

    >>> round(msw_beta(), 3)
    0.16
    """
    e = _check_positive("energy_MeV", energy_MeV)
    n = _check_positive("electron_density_per_cm3", electron_density_per_cm3, allow_zero=True)
    p = _params(params)
    n_MeV3 = n * _HBARC_MeV_cm**3  # cm^-3 -> MeV^3
    return 2.0 * math.sqrt(2.0) * G_F_MeV2 * n_MeV3 * e / (p.dm21_eV2 * _EV2_TO_MeV2)


def p_e1_adiabatic(
    energy_MeV: float = BE7_ENERGY_MeV,
    electron_density_per_cm3: float = DEFAULT_SOLAR_ELECTRON_DENSITY_PER_CM3,
    params: OscillationParameters | None = None,
) -> float:
    """Two-flavour P1 = cos^2 theta12^m at the production point (adiabatic MSW), dimensionless.

    Defaults: 7Be line (0.862 MeV), n_e = 92 N_A cm^-3 (module docstring), de Salas 2018 NO.
    Tends to cos^2 theta12 as n_e -> 0.

    >>> round(p_e1_adiabatic(), 4)
    0.6046
    """
    p = _params(params)
    beta = msw_beta(energy_MeV, electron_density_per_cm3, p)
    cos2 = 1.0 - 2.0 * p.sin2_12
    sin2_2 = 4.0 * p.sin2_12 * (1.0 - p.sin2_12)
    denom = math.sqrt((cos2 - beta) ** 2 + sin2_2)
    if denom == 0.0:  # only for theta12 = pi/4 exactly at resonance: maximal mixing
        return 0.5
    return 0.5 * (1.0 + (cos2 - beta) / denom)


def solar_mass_probabilities(
    params: OscillationParameters | None = None,
    energy_MeV: float = BE7_ENERGY_MeV,
    electron_density_per_cm3: float = DEFAULT_SOLAR_ELECTRON_DENSITY_PER_CM3,
    p1: float | None = None,
) -> SolarMassProbabilities:
    """Three-flavour P_ei of Eq. (39) from the adiabatic P1 (or from ``p1`` if given, in [0, 1])."""
    p = _params(params)
    if p1 is None:
        p1 = p_e1_adiabatic(energy_MeV, electron_density_per_cm3, p)
    elif not (math.isfinite(float(p1)) and 0.0 <= float(p1) <= 1.0):
        raise ValueError(f"p1 must be in [0, 1], got {p1!r}")
    c13sq = 1.0 - p.sin2_13
    return SolarMassProbabilities(p1=float(p1), p_e1=c13sq * p1, p_e2=c13sq * (1.0 - p1), p_e3=p.sin2_13)


def mu2_solar_incoherent(Lambda, probabilities: SolarMassProbabilities):
    """mu^2_sol = sum_i P_ei sum_j |lambda~_ji|^2, the first form of Eq. (38).

    ``Lambda``: mass-basis moments, shape (..., 3), 1e-10 mu_B. Returns (1e-10 mu_B)^2.
    """
    lt = lambda_tilde(Lambda)
    column_norms = np.sum(np.abs(lt) ** 2, axis=-2)  # sum_j |lambda~_ji|^2 for each i
    out = column_norms @ probabilities.as_array()
    return float(out) if np.ndim(out) == 0 else out


def solar_moment_matrix(
    params: OscillationParameters | None = None,
    energy_MeV: float = BE7_ENERGY_MeV,
    electron_density_per_cm3: float = DEFAULT_SOLAR_ELECTRON_DENSITY_PER_CM3,
    p1: float | None = None,
) -> np.ndarray:
    """Hermitian (real diagonal) M_sol = 1 - diag(P_e1, P_e2, P_e3): mu^2_sol = Lambda^dag M_sol Lambda.

    Since sum_j |lambda~_ji|^2 = |Lambda|^2 - |Lambda_i|^2 and sum_i P_ei = 1. Dimensionless, (3, 3).
    """
    probs = solar_mass_probabilities(params, energy_MeV, electron_density_per_cm3, p1)
    return np.eye(3) - np.diag(probs.as_array())


def borexino_single_limits(
    params: OscillationParameters | None = None,
    mu_eff_limit: float = BOREXINO_MU_EFF_LIMIT_1e10muB,
    energy_MeV: float = BE7_ENERGY_MeV,
    electron_density_per_cm3: float = DEFAULT_SOLAR_ELECTRON_DENSITY_PER_CM3,
    p1: float | None = None,
) -> BorexinoSingleLimits:
    """Limits on |Lambda_1|, |Lambda_2|, |Lambda_3| one at a time: mu_eff_limit / sqrt(M_sol,ii).

    Units 1e-10 mu_B. With the defaults: (0.438, 0.357, 0.283), Table 2 has (0.44, 0.36, 0.28).
    """
    lim = _check_positive("mu_eff_limit", mu_eff_limit)
    probs = solar_mass_probabilities(params, energy_MeV, electron_density_per_cm3, p1)
    diag = 1.0 - probs.as_array()
    limits = lim / np.sqrt(diag)
    return BorexinoSingleLimits(
        lambda1=float(limits[0]), lambda2=float(limits[1]), lambda3=float(limits[2]), mu_eff_limit=lim, p1=probs.p1
    )


def borexino_region_boundary(
    i: int,
    j: int,
    params: OscillationParameters | None = None,
    n_points: int = 200,
    mu_eff_limit: float = BOREXINO_MU_EFF_LIMIT_1e10muB,
    energy_MeV: float = BE7_ENERGY_MeV,
    electron_density_per_cm3: float = DEFAULT_SOLAR_ELECTRON_DENSITY_PER_CM3,
    p1: float | None = None,
) -> BorexinoRegionBoundary:
    """Boundary mu^2_sol = mu_eff_limit^2 in the (|Lambda_i|, |Lambda_j|) plane, third modulus 0.

    ``i``, ``j``: distinct 1-based mass indices in {1, 2, 3}. ``n_points`` >= 2 points along the
    quarter ellipse, from (|Lambda_i|max, 0) to (0, |Lambda_j|max). Units 1e-10 mu_B.
    """
    for name, k in (("i", i), ("j", j)):
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k not in (1, 2, 3):
            raise ValueError(f"{name} must be a mass index in {{1, 2, 3}} (1-based), got {k!r}")
    if i == j:
        raise ValueError(f"i and j must differ, got i = j = {i}")
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)) or n_points < 2:
        raise ValueError(f"n_points must be an integer >= 2, got {n_points!r}")
    lim = _check_positive("mu_eff_limit", mu_eff_limit)
    m = solar_moment_matrix(params, energy_MeV, electron_density_per_cm3, p1)
    t = np.linspace(0.0, 0.5 * np.pi, int(n_points))
    x = lim / np.sqrt(m[i - 1, i - 1]) * np.cos(t)
    y = lim / np.sqrt(m[j - 1, j - 1]) * np.sin(t)
    return BorexinoRegionBoundary(i=int(i), j=int(j), modulus_i=x, modulus_j=y, mu_eff_limit=lim)
