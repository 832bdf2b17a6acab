"""Detector response: threshold, efficiency and the observable a recoil is recorded in (Sects. 6, 8).

Two response models:

* :class:`FlatResponse` — a step at a threshold stated on the nuclear-recoil (``"nr"``) or
  electron-equivalent (``"ee"``, converted with Lindhard quenching per element) scale, then a constant
  efficiency. The observable is recoil energy in keVnr or keVee.
* :class:`CoherentCsIResponse` — COHERENT CsI[Na] 2017: photoelectrons n_PE = 1.17 T[keVnr] (Eq. 29),
  efficiency a / (1 + exp(-k (n_PE - x0))) times the modified step of Eq. (31), applied as a continuous
  function of T as in the paper, with an optional upper end ``pe_max`` of the analysis window.

Every response maps observable-scale values (thresholds, bin edges) to nuclear-recoil energy per
element, gives the efficiency as a function of nuclear recoil energy, and lists the recoil energies
where the efficiency jumps (quadrature splits there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .nuclei import Element
from .quenching import electron_equivalent_keV, nuclear_recoil_keV

__all__ = ["FlatResponse", "CoherentCsIResponse", "Response", "THRESHOLD_SCALES"]

#: Scales a flat-response threshold can be stated on.
THRESHOLD_SCALES = ("nr", "ee")


@dataclass(frozen=True)
class FlatResponse:
    """Step threshold and constant efficiency.

    Parameters
    ----------
    threshold_keV : float
        Threshold, > 0, in keV on ``threshold_scale``.
    threshold_scale : {"nr", "ee"}
        Nuclear-recoil or electron-equivalent scale.
    efficiency : float
        Constant detection efficiency in [0, 1] above threshold.
    """

    threshold_keV: float
    threshold_scale: str = "nr"
    efficiency: float = 1.0

    def __post_init__(self):
        if not (np.isfinite(self.threshold_keV) and self.threshold_keV > 0):
            raise ValueError(f"threshold_keV must be > 0, got {self.threshold_keV!r}")
        if self.threshold_scale not in THRESHOLD_SCALES:
            raise ValueError(f"threshold_scale must be one of {THRESHOLD_SCALES}, got {self.threshold_scale!r}")
        if not 0.0 <= self.efficiency <= 1.0:
            raise ValueError(f"efficiency must lie in [0, 1], got {self.efficiency!r}")

    @property
    def observable_unit(self) -> str:
        """Unit of the recorded observable: ``"keVnr"`` or ``"keVee"``."""
        return "keV" + self.threshold_scale

    def recoil_MeV(self, observable, element: Element) -> float:
        """Nuclear-recoil energy (MeV) recorded as ``observable`` (in :attr:`observable_unit`)."""
        if self.threshold_scale == "nr":
            return observable * 1e-3
        return nuclear_recoil_keV(observable, element) * 1e-3

    def observable(self, recoil_MeV, element: Element):
        """The observable (in :attr:`observable_unit`) of a nuclear recoil of ``recoil_MeV``."""
        t_keV = np.asarray(recoil_MeV, dtype=float) * 1e3
        return t_keV if self.threshold_scale == "nr" else electron_equivalent_keV(t_keV, element)

    def threshold_MeV(self, element: Element) -> float:
        """Nuclear-recoil threshold in MeV for recoils on ``element``."""
        return self.recoil_MeV(self.threshold_keV, element)

    def upper_edge_MeV(self, element: Element) -> float:
        """Upper end of the analysis window in nuclear-recoil MeV (none: infinity)."""
        return np.inf

    def efficiency_nr(self, recoil_MeV, element: Element):
        """Efficiency as a function of nuclear-recoil energy (MeV)."""
        t = np.asarray(recoil_MeV, dtype=float)
        return np.where(t >= self.threshold_MeV(element), self.efficiency, 0.0)

    def breakpoints_MeV(self, element: Element) -> tuple[float, ...]:
        """Recoil energies (MeV) where the efficiency is discontinuous."""
        return (self.threshold_MeV(element),)


@dataclass(frozen=True)
class CoherentCsIResponse:
    """COHERENT CsI[Na] 2017 photoelectron response and efficiency, Eqs. (29)-(31).

    Parameters
    ----------
    pe_per_keVnr : float
        Photoelectrons per keV of nuclear recoil (1.17 = QF 0.0878 x 13.348 PE/keVee).
    efficiency_amplitude, efficiency_slope_per_pe, efficiency_midpoint_pe : float
        a, k, x0 of Eq. (30): a = 0.6655, k = 0.4942 /PE, x0 = 10.8507 PE (data release).
    pe_max : float or None
        Upper end of the analysis window in PE (None: no cut). 26 reproduces the paper's Table 2.
    """

    pe_per_keVnr: float = 1.17
    efficiency_amplitude: float = 0.6655
    efficiency_slope_per_pe: float = 0.4942
    efficiency_midpoint_pe: float = 10.8507
    pe_max: float | None = None

    #: The modified step of Eq. (31): 0 below 5 PE, 1/2 on [5, 6), 1 from 6 PE.
    STEP_EDGES_PE = (5.0, 6.0)

    def __post_init__(self):
        if not self.pe_per_keVnr > 0:
            raise ValueError(f"pe_per_keVnr must be > 0, got {self.pe_per_keVnr!r}")
        if not 0.0 <= self.efficiency_amplitude <= 1.0:
            raise ValueError(f"efficiency_amplitude must lie in [0, 1], got {self.efficiency_amplitude!r}")
        if not self.efficiency_slope_per_pe > 0:
            raise ValueError(f"efficiency_slope_per_pe must be > 0, got {self.efficiency_slope_per_pe!r}")
        if self.pe_max is not None and not self.pe_max > self.STEP_EDGES_PE[0]:
            raise ValueError(f"pe_max must exceed the {self.STEP_EDGES_PE[0]} PE threshold, got {self.pe_max!r}")

    observable_unit = "PE"

    def recoil_MeV(self, observable, element: Element) -> float:
        return observable / self.pe_per_keVnr * 1e-3

    def observable(self, recoil_MeV, element: Element):
        return np.asarray(recoil_MeV, dtype=float) * 1e3 * self.pe_per_keVnr

    def threshold_MeV(self, element: Element) -> float:
        return self.recoil_MeV(self.STEP_EDGES_PE[0], element)

    def upper_edge_MeV(self, element: Element) -> float:
        return np.inf if self.pe_max is None else self.recoil_MeV(self.pe_max, element)

    def efficiency_pe(self, n_pe):
        """Efficiency as a function of the number of photoelectrons, Eqs. (30)-(31)."""
        x = np.asarray(n_pe, dtype=float)
        step = np.where(x < self.STEP_EDGES_PE[0], 0.0, np.where(x < self.STEP_EDGES_PE[1], 0.5, 1.0))
        if self.pe_max is not None:
            step = np.where(x <= self.pe_max, step, 0.0)
        logistic = self.efficiency_amplitude / (1.0 + np.exp(-self.efficiency_slope_per_pe * (x - self.efficiency_midpoint_pe)))
        return logistic * step

    def efficiency_nr(self, recoil_MeV, element: Element):
        return self.efficiency_pe(self.observable(recoil_MeV, element))

    def breakpoints_MeV(self, element: Element) -> tuple[float, ...]:
        edges = self.STEP_EDGES_PE + (() if self.pe_max is None else (self.pe_max,))
        return tuple(self.recoil_MeV(x, element) for x in edges)


#: Any detector response model.
Response = FlatResponse | CoherentCsIResponse
