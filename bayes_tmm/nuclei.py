"""Isotopes, elements and detector targets (PHYSICS.md Sects. 3, 9 and 11.1).

Atomic masses are AME2016, abundances IUPAC. Spin excesses (Z+ - Z-, N+ - N-) are the
single-particle values of Barranco, Miranda and Rashba (2005) [UNCONFIRMED in the paper; they
move rates by <= 1 % (Na) and << 1 % otherwise].

Targets per isotope follow Eq. (32): N_x = m_det N_A / M_mol * eta_x * xi_x, with M_mol the molar
mass of one formula unit, eta_x the count of the element per formula unit and xi_x the abundance.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from .constants import AMU_MeV, N_AVOGADRO

__all__ = ["Isotope", "Element", "ELEMENTS", "element", "IsotopeTargets", "targets_per_isotope"]


@dataclass(frozen=True)
class Isotope:
    """One nuclide.

    Attributes
    ----------
    symbol : str
        Element symbol, e.g. ``"Cs"``.
    Z, N : int
        Proton and neutron numbers.
    atomic_mass_u : float
        Atomic mass in atomic mass units (AME2016).
    abundance : float
        Natural isotopic abundance (fraction, IUPAC).
    proton_spin_excess, neutron_spin_excess : int
        Z+ - Z- and N+ - N- entering the axial coupling of Eq. (21).
    """

    symbol: str
    Z: int
    N: int
    atomic_mass_u: float
    abundance: float
    proton_spin_excess: int = 0
    neutron_spin_excess: int = 0

    @property
    def A(self) -> int:
        """Mass number."""
        return self.Z + self.N

    @property
    def name(self) -> str:
        """Conventional name, e.g. ``"Cs133"``."""
        return f"{self.symbol}{self.A}"

    @property
    def mass_MeV(self) -> float:
        """Nuclear mass in MeV, taken as atomic mass times u (electron masses neglected, ~0.04 %)."""
        return self.atomic_mass_u * AMU_MeV


@dataclass(frozen=True)
class Element:
    """A chemical element with its natural isotopes."""

    symbol: str
    Z: int
    isotopes: tuple[Isotope, ...]

    @property
    def molar_mass_g_per_mol(self) -> float:
        """Abundance-weighted atomic mass, g/mol."""
        return sum(i.abundance * i.atomic_mass_u for i in self.isotopes) / self.abundance_sum

    @property
    def abundance_sum(self) -> float:
        return sum(i.abundance for i in self.isotopes)


def _element(symbol: str, Z: int, rows: list[tuple[int, float, float, int, int]]) -> Element:
    isotopes = tuple(
        Isotope(symbol, Z, A - Z, mass, abundance, zspin, nspin) for A, mass, abundance, zspin, nspin in rows
    )
    return Element(symbol, Z, isotopes)


# (A, atomic mass in u, abundance, Z+ - Z-, N+ - N-)
_ELEMENTS = {
    "Cs": _element("Cs", 55, [(133, 132.905452, 1.0, 1, 0)]),
    "I": _element("I", 53, [(127, 126.904473, 1.0, 1, 0)]),
    "Na": _element("Na", 11, [(23, 22.989769, 1.0, 1, 0)]),
    # The paper presumably used 40Ar only (natural abundance 0.996).
    "Ar": _element("Ar", 18, [(40, 39.962383, 1.0, 0, 0)]),
    "Ge": _element(
        "Ge",
        32,
        [
            (70, 69.924249, 0.2057, 0, 0),
            (72, 71.922076, 0.2745, 0, 0),
            (73, 72.923459, 0.0775, 0, 1),
            (74, 73.921178, 0.3650, 0, 0),
            (76, 75.921403, 0.0773, 0, 0),
        ],
    ),
    "Si": _element(
        "Si",
        14,
        [
            (28, 27.976927, 0.92223, 0, 0),
            (29, 28.976495, 0.04685, 0, 1),
            (30, 29.973770, 0.03092, 0, 0),
        ],
    ),
    "Xe": _element(
        "Xe",
        54,
        [
            (124, 123.905893, 0.00095, 0, 0),
            (126, 125.904274, 0.00089, 0, 0),
            (128, 127.903531, 0.01910, 0, 0),
            (129, 128.904779, 0.26401, 0, 1),
            (130, 129.903508, 0.04071, 0, 0),
            (131, 130.905082, 0.21232, 0, 1),
            (132, 131.904154, 0.26909, 0, 0),
            (134, 133.905395, 0.10436, 0, 0),
            (136, 135.907219, 0.08857, 0, 0),
        ],
    ),
}

#: The elements the package knows, by symbol.
ELEMENTS: Mapping[str, Element] = MappingProxyType(_ELEMENTS)


def element(symbol: str) -> Element:
    """Return the element with this symbol, or raise ``ValueError`` listing the known ones."""
    try:
        return ELEMENTS[symbol]
    except KeyError:
        raise ValueError(f"unknown element {symbol!r}; known elements: {', '.join(ELEMENTS)}") from None


@dataclass(frozen=True)
class IsotopeTargets:
    """Number of target nuclei of one isotope in a detector."""

    isotope: Isotope
    count: float


def targets_per_isotope(composition: Mapping[str, float], detector_mass_kg: float) -> tuple[IsotopeTargets, ...]:
    """Number of nuclei of each isotope in a detector, Eq. (32).

    Parameters
    ----------
    composition : mapping of element symbol to atoms per formula unit
        e.g. ``{"Cs": 1, "I": 1}`` for CsI, ``{"Ge": 2, "Si": 1}`` for MINER's 2Ge:1Si (by atom).
    detector_mass_kg : float
        Active mass in kg (> 0).

    Returns
    -------
    tuple of IsotopeTargets, in composition order then isotope order.

    Examples
    --------
    >>> t = targets_per_isotope({"Cs": 1, "I": 1}, 14.57)
    >>> [f"{x.isotope.name} {x.count:.4e}" for x in t]
    ['Cs133 3.3772e+25', 'I127 3.3772e+25']
    """
    if not detector_mass_kg > 0:
        raise ValueError(f"detector_mass_kg must be > 0, got {detector_mass_kg!r}")
    if not composition:
        raise ValueError("composition must name at least one element")
    for symbol, count in composition.items():
        element(symbol)
        if not count > 0:
            raise ValueError(f"composition[{symbol!r}] must be > 0 atoms per formula unit, got {count!r}")
    molar_mass_g = sum(count * element(s).molar_mass_g_per_mol for s, count in composition.items())
    formula_units = detector_mass_kg * 1e3 / molar_mass_g * N_AVOGADRO
    return tuple(
        IsotopeTargets(iso, formula_units * count * iso.abundance / element(s).abundance_sum)
        for s, count in composition.items()
        for iso in element(s).isotopes
    )
