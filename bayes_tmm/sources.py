"""Neutrino sources: SNS pion decay at rest and nuclear reactors (PHYSICS.md Sect. 7).

A source yields, for a given exposure, one :class:`ComponentFlux` per beam component: the
time-integrated fluence (neutrinos per cm^2) times a unit-normalized energy distribution, which is
either a line (:class:`LineSpectrum`) or a continuous pdf (:class:`ContinuousSpectrum`).
Component names are those of :data:`COMPONENTS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np
from scipy.integrate import quad

from .constants import M_MUON_MeV, M_PION_MeV, MEV_PER_JOULE, SECONDS_PER_DAY

__all__ = [
    "COMPONENTS",
    "SNS_COMPONENTS",
    "REACTOR_COMPONENTS",
    "LineSpectrum",
    "ContinuousSpectrum",
    "ComponentFlux",
    "PionDecayAtRestSource",
    "ReactorSource",
    "PROMPT_ENERGY_MeV",
    "MICHEL_ENDPOINT_MeV",
    "MUELLER_2011_COEFFICIENTS",
    "VOGEL_ENGEL_1989_COEFFICIENTS",
    "reactor_isotope_spectrum",
]

#: SNS components: prompt nu_mu (pi -> mu nu_mu), delayed nu_e and anti-nu_mu (mu -> e nu_e anti-nu_mu).
SNS_COMPONENTS = ("prompt", "nue", "numubar")
#: Reactor component: electron antineutrinos.
REACTOR_COMPONENTS = ("antinue",)
#: Every beam component the package knows; flavour and helicity of each are in :mod:`bayes_tmm.tmm`.
COMPONENTS = SNS_COMPONENTS + REACTOR_COMPONENTS

#: Prompt nu_mu energy (m_pi^2 - m_mu^2) / (2 m_pi) = 29.79 MeV.
PROMPT_ENERGY_MeV = (M_PION_MeV**2 - M_MUON_MeV**2) / (2.0 * M_PION_MeV)
#: End point of the muon-decay (Michel) spectra, m_mu / 2 = 52.83 MeV.
MICHEL_ENDPOINT_MeV = M_MUON_MeV / 2.0


@dataclass(frozen=True)
class LineSpectrum:
    """A monochromatic line at ``energy_MeV`` (unit-normalized delta function)."""

    energy_MeV: float

    @property
    def max_energy_MeV(self) -> float:
        return self.energy_MeV


@dataclass(frozen=True)
class ContinuousSpectrum:
    """A unit-normalized energy pdf (per MeV) on [min_energy_MeV, max_energy_MeV].

    ``breakpoints_MeV`` lists energies where the pdf or its derivative jumps (quadrature splits there).
    """

    pdf: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    min_energy_MeV: float
    max_energy_MeV: float
    breakpoints_MeV: tuple[float, ...] = ()


@dataclass(frozen=True)
class ComponentFlux:
    """Time-integrated flux of one beam component at the detector.

    Attributes
    ----------
    component : str
        One of :data:`COMPONENTS`.
    fluence_per_cm2 : float
        Neutrinos per cm^2 over the whole exposure.
    spectrum : LineSpectrum | ContinuousSpectrum
        Unit-normalized energy distribution.
    """

    component: str
    fluence_per_cm2: float
    spectrum: LineSpectrum | ContinuousSpectrum


def _require_positive(name: str, value: float) -> None:
    if not (isinstance(value, (int, float)) and np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")


def _nue_michel_pdf(e):
    """nu_e from mu+ decay at rest: 192/m (E/m)^2 (1/2 - E/m), per MeV, normalized on [0, m/2]."""
    x = np.asarray(e, dtype=float) / M_MUON_MeV
    return np.where((x >= 0) & (x <= 0.5), 192.0 / M_MUON_MeV * x**2 * (0.5 - x), 0.0)


def _numubar_michel_pdf(e):
    """anti-nu_mu from mu+ decay at rest: 64/m (E/m)^2 (3/4 - E/m), per MeV, normalized on [0, m/2]."""
    x = np.asarray(e, dtype=float) / M_MUON_MeV
    return np.where((x >= 0) & (x <= 0.5), 64.0 / M_MUON_MeV * x**2 * (0.75 - x), 0.0)


@dataclass(frozen=True)
class PionDecayAtRestSource:
    """Spallation-neutron-source pion decay at rest, Eq. (28).

    Parameters
    ----------
    baseline_m : float
        Source-detector distance in m.
    protons_on_target_per_day : float
        Beam intensity. COHERENT 2017: 1.76e23 POT in 308.1 d (7.476 GW h at ~0.95 GeV/proton).
    neutrinos_per_flavour_per_proton : float
        r = 0.08 +- 0.008 (COHERENT data release).

    Each flavour's fluence is r N_POT / (4 pi L^2).

    Examples
    --------
    >>> src = PionDecayAtRestSource(baseline_m=19.3, protons_on_target_per_day=1.76e23 / 308.1)
    >>> f"{src.fluence_per_flavour_per_cm2(308.1):.4g}"
    '3.008e+14'
    """

    baseline_m: float
    protons_on_target_per_day: float
    neutrinos_per_flavour_per_proton: float = 0.08

    def __post_init__(self):
        _require_positive("baseline_m", self.baseline_m)
        _require_positive("protons_on_target_per_day", self.protons_on_target_per_day)
        _require_positive("neutrinos_per_flavour_per_proton", self.neutrinos_per_flavour_per_proton)

    components = SNS_COMPONENTS

    def fluence_per_flavour_per_cm2(self, exposure_days: float) -> float:
        """Neutrinos of each flavour per cm^2 over ``exposure_days``."""
        _require_positive("exposure_days", exposure_days)
        pot = self.protons_on_target_per_day * exposure_days
        return self.neutrinos_per_flavour_per_proton * pot / (4.0 * np.pi * (self.baseline_m * 100.0) ** 2)

    def fluxes(self, exposure_days: float) -> tuple[ComponentFlux, ...]:
        """Prompt nu_mu line and delayed nu_e, anti-nu_mu Michel spectra, each with the per-flavour fluence."""
        fluence = self.fluence_per_flavour_per_cm2(exposure_days)
        return (
            ComponentFlux("prompt", fluence, LineSpectrum(PROMPT_ENERGY_MeV)),
            ComponentFlux("nue", fluence, ContinuousSpectrum(_nue_michel_pdf, 0.0, MICHEL_ENDPOINT_MeV)),
            ComponentFlux("numubar", fluence, ContinuousSpectrum(_numubar_michel_pdf, 0.0, MICHEL_ENDPOINT_MeV)),
        )


# --- Reactor antineutrinos --------------------------------------------------------------------

#: Mueller et al. 2011 (Phys. Rev. C 83, 054615, arXiv:1101.2663), Table VI: S(E) = exp(sum_p a_p E^(p-1)),
#: antineutrinos per MeV per fission, E in MeV; fitted on 2-8 MeV.
MUELLER_2011_COEFFICIENTS: Mapping[str, tuple[float, ...]] = MappingProxyType(
    {
        "U235": (3.217, -3.111, 1.395, -3.690e-1, 4.445e-2, -2.053e-3),
        "U238": (4.833e-1, 1.927e-1, -1.283e-1, -6.762e-3, 2.233e-3, -1.536e-4),
        "Pu239": (6.413, -7.432, 3.535, -8.820e-1, 1.025e-1, -4.550e-3),
        "Pu241": (3.251, -3.204, 1.428, -3.675e-1, 4.254e-2, -1.896e-3),
    }
)

#: Vogel & Engel 1989 (Phys. Rev. D 39, 3378), Eq. (4) and Table I: S(E) = exp(a0 + a1 E + a2 E^2),
#: antineutrinos per MeV per fission. Used below the Mueller range (E < 2 MeV) as the published
#: low-energy parametrization; it lies 8 % below the Mueller fit at 2 MeV (U235), so the spliced
#: spectrum has a step there. Kopeikin-type summation spectra are higher still below 1.5 MeV.
VOGEL_ENGEL_1989_COEFFICIENTS: Mapping[str, tuple[float, ...]] = MappingProxyType(
    {
        "U235": (0.870, -0.160, -0.0910),
        "U238": (0.976, -0.162, -0.0790),
        "Pu239": (0.896, -0.239, -0.0981),
        "Pu241": (0.793, -0.080, -0.1085),
    }
)

#: Low-energy models selectable by name for E below ``splice_energy_MeV``.
LOW_ENERGY_MODELS = ("vogel_engel_1989", "mueller_2011_extrapolated")

#: Default fission fractions (a typical mid-cycle PWR) [UNCONFIRMED in the paper].
DEFAULT_FISSION_FRACTIONS = MappingProxyType({"U235": 0.58, "U238": 0.07, "Pu239": 0.30, "Pu241": 0.05})
#: Energy released per fission, MeV (Kopeikin et al. 2004, Phys. At. Nucl. 67, 1892).
DEFAULT_ENERGY_PER_FISSION_MeV = MappingProxyType({"U235": 201.7, "U238": 205.0, "Pu239": 210.0, "Pu241": 212.4})


def _exp_poly(coefficients, e):
    return np.exp(np.polynomial.polynomial.polyval(np.asarray(e, dtype=float), coefficients))


def reactor_isotope_spectrum(
    isotope: str, energy_MeV, *, low_energy_model: str = "vogel_engel_1989", splice_energy_MeV: float = 2.0
):
    """Antineutrinos per MeV per fission of ``isotope`` (U235, U238, Pu239, Pu241) at ``energy_MeV``:
    Mueller 2011 above ``splice_energy_MeV``, ``low_energy_model`` below."""
    if isotope not in MUELLER_2011_COEFFICIENTS:
        raise ValueError(f"unknown fissioning isotope {isotope!r}; choose from {list(MUELLER_2011_COEFFICIENTS)}")
    if low_energy_model not in LOW_ENERGY_MODELS:
        raise ValueError(f"unknown low_energy_model {low_energy_model!r}; choose from {list(LOW_ENERGY_MODELS)}")
    e = np.asarray(energy_MeV, dtype=float)
    high = _exp_poly(MUELLER_2011_COEFFICIENTS[isotope], e)
    if low_energy_model == "mueller_2011_extrapolated":
        return high
    low = _exp_poly(VOGEL_ENGEL_1989_COEFFICIENTS[isotope], e)
    return np.where(e >= splice_energy_MeV, high, low)


@dataclass(frozen=True)
class ReactorSource:
    """Reactor electron-antineutrino source (PHYSICS.md Sect. 7.1).

    dPhi/dE = P_th / <E_f> / (4 pi L^2) * sum_k f_k S_k(E), no oscillations at these baselines.

    Parameters
    ----------
    thermal_power_GW, baseline_m : float
        Reactor thermal power (GW) and distance to the detector (m).
    fission_fractions : mapping isotope -> fraction
        f_k for U235, U238, Pu239, Pu241 (must sum to 1 within 1e-6).
    energy_per_fission_MeV : mapping isotope -> MeV
        E_k; <E_f> = sum_k f_k E_k.
    min_energy_MeV, max_energy_MeV : float
        Energy range of the spectrum. The Mueller fits cover 2-8 MeV; above 8 MeV they are extrapolated.
    low_energy_model : str
        Spectrum below ``splice_energy_MeV``: ``"vogel_engel_1989"`` (default) or ``"mueller_2011_extrapolated"``.

    Examples
    --------
    >>> src = ReactorSource(thermal_power_GW=3.9, baseline_m=17.0)
    >>> f"{src.neutrinos_per_fission:.3f} per fission, {src.flux_per_cm2_per_s():.3g} per cm^2 s"
    '5.240 per fission, 1.71e+13 per cm^2 s'
    """

    thermal_power_GW: float
    baseline_m: float
    fission_fractions: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_FISSION_FRACTIONS))
    energy_per_fission_MeV: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_ENERGY_PER_FISSION_MeV))
    min_energy_MeV: float = 0.0
    max_energy_MeV: float = 10.0
    low_energy_model: str = "vogel_engel_1989"
    splice_energy_MeV: float = 2.0

    components = REACTOR_COMPONENTS

    def __post_init__(self):
        _require_positive("thermal_power_GW", self.thermal_power_GW)
        _require_positive("baseline_m", self.baseline_m)
        _require_positive("max_energy_MeV", self.max_energy_MeV)
        if not 0.0 <= self.min_energy_MeV < self.max_energy_MeV:
            raise ValueError(
                f"min_energy_MeV must lie in [0, max_energy_MeV={self.max_energy_MeV}), got {self.min_energy_MeV!r}"
            )
        for table_name in ("fission_fractions", "energy_per_fission_MeV"):
            table = getattr(self, table_name)
            unknown = set(table) - set(MUELLER_2011_COEFFICIENTS)
            if unknown or set(table) != set(MUELLER_2011_COEFFICIENTS):
                raise ValueError(
                    f"{table_name} must give exactly the isotopes {list(MUELLER_2011_COEFFICIENTS)}, got {sorted(table)}"
                )
        for iso, f in self.fission_fractions.items():
            if not 0.0 <= f <= 1.0:
                raise ValueError(f"fission_fractions[{iso!r}] must lie in [0, 1], got {f!r}")
        if abs(sum(self.fission_fractions.values()) - 1.0) > 1e-6:
            raise ValueError(f"fission_fractions must sum to 1, got {sum(self.fission_fractions.values())!r}")
        for iso, e in self.energy_per_fission_MeV.items():
            _require_positive(f"energy_per_fission_MeV[{iso!r}]", e)
        if self.low_energy_model not in LOW_ENERGY_MODELS:
            raise ValueError(f"low_energy_model must be one of {list(LOW_ENERGY_MODELS)}, got {self.low_energy_model!r}")

    def spectrum_per_fission(self, energy_MeV):
        """sum_k f_k S_k(E): antineutrinos per MeV per fission."""
        return sum(
            f * reactor_isotope_spectrum(iso, energy_MeV, low_energy_model=self.low_energy_model,
                                         splice_energy_MeV=self.splice_energy_MeV)
            for iso, f in self.fission_fractions.items()
        )

    @property
    def mean_energy_per_fission_MeV(self) -> float:
        """<E_f> = sum_k f_k E_k in MeV."""
        return sum(f * self.energy_per_fission_MeV[iso] for iso, f in self.fission_fractions.items())

    @property
    def _breakpoints_MeV(self) -> tuple[float, ...]:
        inside = self.min_energy_MeV < self.splice_energy_MeV < self.max_energy_MeV
        return (self.splice_energy_MeV,) if inside and self.low_energy_model == "vogel_engel_1989" else ()

    @property
    def neutrinos_per_fission(self) -> float:
        """N_nu = integral of sum_k f_k S_k over [min_energy_MeV, max_energy_MeV]."""
        edges = (self.min_energy_MeV, *self._breakpoints_MeV, self.max_energy_MeV)
        return sum(
            quad(self.spectrum_per_fission, a, b, epsabs=0.0, epsrel=1e-12, limit=200)[0]
            for a, b in zip(edges[:-1], edges[1:])
        )

    def fissions_per_s(self) -> float:
        """Fission rate P_th / <E_f>."""
        return self.thermal_power_GW * 1e9 * MEV_PER_JOULE / self.mean_energy_per_fission_MeV

    def flux_per_cm2_per_s(self) -> float:
        """Total antineutrino flux at the detector, cm^-2 s^-1."""
        return self.fissions_per_s() * self.neutrinos_per_fission / (4.0 * np.pi * (self.baseline_m * 100.0) ** 2)

    def fluxes(self, exposure_days: float) -> tuple[ComponentFlux, ...]:
        """The electron-antineutrino component over ``exposure_days`` of live time."""
        _require_positive("exposure_days", exposure_days)
        norm = self.neutrinos_per_fission
        spectrum = ContinuousSpectrum(
            lambda e: self.spectrum_per_fission(e) / norm,
            self.min_energy_MeV,
            self.max_energy_MeV,
            self._breakpoints_MeV,
        )
        fluence = self.flux_per_cm2_per_s() * exposure_days * SECONDS_PER_DAY
        return (ComponentFlux("antinue", fluence, spectrum),)
