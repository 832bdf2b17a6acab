"""Nuclear (weak and charge) form factors F(q) with F(0) = 1 (PHYSICS.md Sect. 4).

The default is the symmetrized Fermi form of Sprung & Martorell (1997), Eq. (23), with
c = 1.23 A^(1/3) - 0.60 fm and a = 0.52 fm (Eq. 24). Helm (Lewin & Smith 1996 parameters) and
Klein-Nystrand (Klein & Nystrand 1999) are selectable by name. The same F is used in the SM and EM
cross sections, per isotope.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .constants import HBARC_MeV_fm

__all__ = [
    "FORM_FACTORS",
    "form_factor",
    "momentum_transfer_per_fm",
    "symmetrized_fermi",
    "helm",
    "klein_nystrand",
]

# Below this dimensionless argument the closed forms lose digits to cancellation; use the series.
_SMALL_ARGUMENT = 1e-3

SKIN_THICKNESS_HELM_fm = 0.9
DIFFUSENESS_SF_fm = 0.52
YUKAWA_RANGE_KN_fm = 0.7


def momentum_transfer_per_fm(recoil_MeV, nucleus_mass_MeV):
    """|q| in fm^-1 for a nuclear recoil of kinetic energy T: |q| = sqrt(2 M T + T^2) / (hbar c)."""
    t = np.asarray(recoil_MeV, dtype=float)
    return np.sqrt(2.0 * nucleus_mass_MeV * t + t * t) / HBARC_MeV_fm


def symmetrized_fermi(q_per_fm, A: int, c_fm: float | None = None, a_fm: float = DIFFUSENESS_SF_fm):
    """Symmetrized-Fermi form factor, Eq. (23).

    Parameters
    ----------
    q_per_fm : array_like
        Momentum transfer in fm^-1 (>= 0).
    A : int
        Mass number; sets the half-density radius c = 1.23 A^(1/3) - 0.60 fm unless ``c_fm`` is given.
    c_fm, a_fm : float
        Half-density radius and diffuseness in fm.

    Examples
    --------
    >>> [round(float(symmetrized_fermi(q, 133)), 4) for q in (0.1, 0.3, 0.5)]
    [0.9621, 0.6974, 0.3335]
    """
    q = np.asarray(q_per_fm, dtype=float)
    c = 1.23 * A ** (1.0 / 3.0) - 0.60 if c_fm is None else c_fm
    a = a_fm
    qc = q * c
    pqa = np.pi * q * a
    small = qc < _SMALL_ARGUMENT
    qs = np.where(small, 1.0, q)  # placeholder avoids 0/0 in the masked branch
    qcs, pqas = qs * c, np.pi * qs * a
    full = (
        3.0
        / (qcs * (qcs**2 + pqas**2))
        * (pqas / np.sinh(pqas))
        * (pqas / np.tanh(pqas) * np.sin(qcs) - qcs * np.cos(qcs))
    )
    # F = 1 - q^2 <r^2>/6 + O(q^4), <r^2> = 3/5 c^2 + 7/5 pi^2 a^2
    series = 1.0 - q**2 * (0.6 * c**2 + 1.4 * np.pi**2 * a**2) / 6.0
    return np.where(small, series, full)


def _spherical_bessel_ratio(x):
    """3 j1(x) / x, with its series near x = 0 (value 1 at x = 0)."""
    x = np.asarray(x, dtype=float)
    small = x < _SMALL_ARGUMENT
    xs = np.where(small, 1.0, x)
    full = 3.0 * (np.sin(xs) - xs * np.cos(xs)) / xs**3
    return np.where(small, 1.0 - x**2 / 10.0, full)


def helm(q_per_fm, A: int, s_fm: float = SKIN_THICKNESS_HELM_fm):
    """Helm form factor, F = 3 j1(q R0)/(q R0) exp(-q^2 s^2 / 2), Lewin & Smith (1996) parameters:
    R0^2 = c^2 + 7/3 pi^2 a^2 - 5 s^2 with c = 1.23 A^(1/3) - 0.60 fm, a = 0.52 fm, s = 0.9 fm. q in fm^-1."""
    q = np.asarray(q_per_fm, dtype=float)
    c = 1.23 * A ** (1.0 / 3.0) - 0.60
    r0 = np.sqrt(c**2 + 7.0 / 3.0 * np.pi**2 * DIFFUSENESS_SF_fm**2 - 5.0 * s_fm**2)
    return _spherical_bessel_ratio(q * r0) * np.exp(-0.5 * (q * s_fm) ** 2)


def klein_nystrand(q_per_fm, A: int, a_k_fm: float = YUKAWA_RANGE_KN_fm):
    """Klein-Nystrand form factor: hard sphere of radius R_A = 1.2 A^(1/3) fm folded with a Yukawa of
    range a_k = 0.7 fm, F = 3 j1(q R_A)/(q R_A) / (1 + q^2 a_k^2). q in fm^-1."""
    q = np.asarray(q_per_fm, dtype=float)
    r_a = 1.2 * A ** (1.0 / 3.0)
    return _spherical_bessel_ratio(q * r_a) / (1.0 + (q * a_k_fm) ** 2)


#: Form factors selectable by name: callables F(q_per_fm, A).
FORM_FACTORS: dict[str, Callable] = {
    "symmetrized_fermi": symmetrized_fermi,
    "helm": helm,
    "klein_nystrand": klein_nystrand,
}


def form_factor(name: str) -> Callable:
    """Return the form factor F(q_per_fm, A) registered under ``name``."""
    try:
        return FORM_FACTORS[name]
    except KeyError:
        raise ValueError(f"unknown form factor {name!r}; choose one of {sorted(FORM_FACTORS)}") from None
