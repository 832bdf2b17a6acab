"""Lindhard quenching and the electron-equivalent <-> nuclear-recoil conversion (Eq. 27).

Q(T) = k g(eps) / (1 + k g(eps)), g = 3 eps^0.15 + 0.7 eps^0.6 + eps, eps = 11.5 Z^(-7/3) T[keV],
k = 0.133 Z^(2/3) A^(-1/2). The electron-equivalent energy is T_ee = Q(T) T. The same k formula is used
for every nucleus; A is the element's standard atomic weight (abundance-weighted, in u).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from .nuclei import Element

__all__ = ["lindhard_k", "lindhard_quenching", "electron_equivalent_keV", "nuclear_recoil_keV"]


def lindhard_k(Z: int, A: float) -> float:
    """Lindhard k = 0.133 Z^(2/3) A^(-1/2) (dimensionless)."""
    return 0.133 * Z ** (2.0 / 3.0) / np.sqrt(A)


def lindhard_quenching(recoil_keVnr, element: Element):
    """Quenching factor Q(T) of Eq. (27) for nuclear-recoil energies in keVnr (> 0).

    Examples
    --------
    >>> from bayes_tmm.nuclei import element
    >>> [round(float(lindhard_quenching(1.0, element(s))), 3) for s in ("Ge", "Si", "Xe")]
    [0.171, 0.209, 0.152]
    """
    t = np.asarray(recoil_keVnr, dtype=float)
    if np.any(t <= 0):
        raise ValueError("recoil_keVnr must be > 0 for the Lindhard quenching factor")
    k = lindhard_k(element.Z, element.molar_mass_g_per_mol)
    eps = 11.5 * element.Z ** (-7.0 / 3.0) * t
    kg = k * (3.0 * eps**0.15 + 0.7 * eps**0.6 + eps)
    return kg / (1.0 + kg)


def electron_equivalent_keV(recoil_keVnr, element: Element):
    """Electron-equivalent energy T_ee = Q(T) T in keVee for a nuclear recoil T in keVnr."""
    return lindhard_quenching(recoil_keVnr, element) * np.asarray(recoil_keVnr, dtype=float)


def nuclear_recoil_keV(energy_keVee: float, element: Element) -> float:
    """Nuclear-recoil energy (keVnr) whose ionization equals ``energy_keVee``: solves Q(T) T = T_ee.

    Examples
    --------
    >>> from bayes_tmm.nuclei import element
    >>> round(nuclear_recoil_keV(0.1, element("Ge")), 4), round(nuclear_recoil_keV(0.028, element("Si")), 4)
    (0.6219, 0.1705)
    """
    if not energy_keVee > 0:
        raise ValueError(f"energy_keVee must be > 0, got {energy_keVee!r}")
    # T_ee(T) is increasing and T_ee < T, so the root lies in [T_ee, T_ee / Q_min]; widen until bracketed.
    upper = 10.0 * energy_keVee
    while electron_equivalent_keV(upper, element) < energy_keVee:
        upper *= 10.0
    return brentq(lambda t: float(electron_equivalent_keV(t, element)) - energy_keVee, energy_keVee, upper, xtol=1e-14, rtol=1e-13)
