"""Expected CEvNS event templates: SM events and EM events per unit mu_eff^2 (Eqs. 32-33).

For each setup and beam component c the templates are

    N_SM[c, b]          expected Standard-Model events in analysis bin b,
    n_EM[c, b]          expected EM events per unit mu_eff,c^2 (mu in 1e-10 mu_B) in bin b,

so that N(Lambda) = sum_c (N_SM[c] + mu_c^2(Lambda) n_EM[c]). They do not depend on the TMMs or the
nuisances and are computed once per spec (and cached by the spec's hash).

Fast path: fixed-grid Gauss-Legendre quadrature, vectorized. The recoil integral runs in ln T
(which flattens the 1/T of the EM term) and is split at every bin edge, efficiency step and recoil
energy where the lower neutrino-energy limit crosses a spectrum breakpoint, so each piece is smooth;
the neutrino-energy integral runs from E_min(T) to E_max, split at spectrum breakpoints. An
independent adaptive-quadrature computation of the same physics is in :mod:`bayes_tmm.rates_reference`.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from .cross_sections import em_cross_section, max_recoil_MeV, min_neutrino_energy_MeV, sm_cross_section
from .experiments import SetupSpec
from .nuclei import Isotope, element, targets_per_isotope
from .sources import ComponentFlux, LineSpectrum
from .tmm import BeamComponent

__all__ = [
    "Templates",
    "templates",
    "compute_templates",
    "recoil_bin_edges_MeV",
    "RECOIL_NODES",
    "ENERGY_NODES",
]

#: Gauss-Legendre nodes per smooth piece of the recoil integral and of the neutrino-energy integral.
RECOIL_NODES = 40
ENERGY_NODES = 24


@dataclass(frozen=True)
class Templates:
    """Expected events of one setup, per beam component and analysis bin.

    Attributes
    ----------
    experiment, setup : str
    components : tuple of str
        Beam components, e.g. ``("prompt", "nue", "numubar")`` or ``("antinue",)``.
    bin_edges : ndarray, shape (n_bins + 1,)
        Analysis bin edges in ``observable_unit`` (for a single-bin analysis: threshold and upper edge
        on that scale for the first element of the target, informative only).
    observable_unit : str
        ``"keVnr"``, ``"keVee"`` or ``"PE"``.
    sm_events : ndarray, shape (n_components, n_bins)
        Expected Standard-Model events.
    em_events_per_mu2 : ndarray, shape (n_components, n_bins)
        Expected EM events per unit mu_eff^2, mu_eff in units of 1e-10 mu_B.
    spec_key : str
        SHA256 of the spec that produced them.
    """

    experiment: str
    setup: str
    components: tuple[str, ...]
    bin_edges: np.ndarray
    observable_unit: str
    sm_events: np.ndarray
    em_events_per_mu2: np.ndarray
    spec_key: str

    @property
    def sm_total(self) -> np.ndarray:
        """SM events per component, summed over bins."""
        return self.sm_events.sum(axis=1)

    @property
    def em_total_per_mu2(self) -> np.ndarray:
        """EM events per unit mu^2 per component, summed over bins."""
        return self.em_events_per_mu2.sum(axis=1)

    def component_index(self, component: str) -> int:
        try:
            return self.components.index(component)
        except ValueError:
            raise ValueError(f"{self.experiment} has no component {component!r}; it has {self.components}") from None


def recoil_bin_edges_MeV(spec: SetupSpec, isotope: Isotope) -> np.ndarray:
    """Analysis-window edges in nuclear-recoil MeV for recoils on ``isotope``: the spec's bin edges mapped
    through the response, or [threshold, upper edge of the window] for a single-bin analysis."""
    el = element(isotope.symbol)
    if spec.bin_edges is None:
        return np.array([spec.response.threshold_MeV(el), spec.response.upper_edge_MeV(el)])
    return np.array([spec.response.recoil_MeV(e, el) if e > 0 else 0.0 for e in spec.bin_edges])


def _gauss_legendre(n: int):
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1.0), 0.5 * w  # nodes and weights on [0, 1]


def _energy_integrals(flux: ComponentFlux, recoil_MeV: np.ndarray, isotope: Isotope, spec: SetupSpec):
    """For each recoil node T: integral over E of pdf(E) dsigma/dT (SM and EM per mu^2), cm^2/MeV."""
    antineutrino = BeamComponent(flux.component).is_antineutrino  # flips the vector-axial interference
    ff = spec.physics.form_factor
    spectrum = flux.spectrum
    if isinstance(spectrum, LineSpectrum):
        e = np.full_like(recoil_MeV, spectrum.energy_MeV)
        sm = sm_cross_section(e, recoil_MeV, isotope, antineutrino=antineutrino, form_factor_name=ff)
        em = em_cross_section(e, recoil_MeV, isotope, form_factor_name=ff,
                              include_t_over_4e2_term=spec.physics.em_t_over_4e2_term)
        return sm, em
    x, w = _gauss_legendre(ENERGY_NODES)
    e_low = np.maximum(min_neutrino_energy_MeV(recoil_MeV, isotope.mass_MeV), spectrum.min_energy_MeV)
    cuts = [e_low] + [np.clip(b, e_low, spectrum.max_energy_MeV) for b in spectrum.breakpoints_MeV]
    cuts.append(np.full_like(e_low, spectrum.max_energy_MeV))
    sm_total = np.zeros_like(recoil_MeV)
    em_total = np.zeros_like(recoil_MeV)
    for a, b in zip(cuts[:-1], cuts[1:]):
        width = np.maximum(b - a, 0.0)[:, None]
        e = a[:, None] + width * x[None, :]
        t = recoil_MeV[:, None]
        weight = width * w[None, :] * spectrum.pdf(e)
        sm_total += np.sum(weight * sm_cross_section(e, t, isotope, antineutrino=antineutrino, form_factor_name=ff), axis=1)
        em = em_cross_section(e, t, isotope, form_factor_name=ff, include_t_over_4e2_term=spec.physics.em_t_over_4e2_term)
        em_total += np.sum(weight * em, axis=1)
    return sm_total, em_total


def _recoil_pieces(flux: ComponentFlux, isotope: Isotope, spec: SetupSpec, edges_MeV: np.ndarray):
    """Smooth pieces [a, b] of the recoil integral with the index of the analysis bin each lies in."""
    el = element(isotope.symbol)
    t_end = float(max_recoil_MeV(flux.spectrum.max_energy_MeV, isotope.mass_MeV))
    lower = max(spec.response.threshold_MeV(el), edges_MeV[0])
    upper = min(t_end, spec.response.upper_edge_MeV(el), edges_MeV[-1])
    if not lower < upper:
        return []
    points = {lower, upper, *edges_MeV, *spec.response.breakpoints_MeV(el)}
    for e_break in getattr(flux.spectrum, "breakpoints_MeV", ()):
        points.add(float(max_recoil_MeV(e_break, isotope.mass_MeV)))
    points = np.array(sorted(p for p in points if lower <= p <= upper))
    pieces = []
    for a, b in zip(points[:-1], points[1:]):
        if b > a:
            k = int(np.searchsorted(edges_MeV, 0.5 * (a + b), side="right") - 1)
            pieces.append((a, b, k))
    return pieces


def _isotope_component_events(flux: ComponentFlux, isotope: Isotope, spec: SetupSpec):
    """Events per target nucleus per unit fluence (cm^2) in each bin: (sm[n_bins], em[n_bins])."""
    el = element(isotope.symbol)
    edges = recoil_bin_edges_MeV(spec, isotope)
    n_bins = len(edges) - 1
    sm = np.zeros(n_bins)
    em = np.zeros(n_bins)
    pieces = _recoil_pieces(flux, isotope, spec, edges)
    if not pieces:
        return sm, em
    x, w = _gauss_legendre(RECOIL_NODES)
    a = np.array([p[0] for p in pieces])[:, None]
    b = np.array([p[1] for p in pieces])[:, None]
    # Quadrature in u = ln T: dT = T du.
    log_width = np.log(b / a)
    t = a * np.exp(log_width * x[None, :])
    jac = log_width * w[None, :] * t
    t_flat = t.ravel()
    sm_e, em_e = _energy_integrals(flux, t_flat, isotope, spec)
    eff = spec.response.efficiency_nr(t_flat, el)
    sm_pieces = np.sum((eff * sm_e).reshape(t.shape) * jac, axis=1)
    em_pieces = np.sum((eff * em_e).reshape(t.shape) * jac, axis=1)
    for (_, _, k), s, m in zip(pieces, sm_pieces, em_pieces):
        sm[k] += s
        em[k] += m
    return sm, em


def compute_templates(spec: SetupSpec) -> Templates:
    """Compute the templates of one setup (uncached); raises ``ValueError`` if no component can give an
    event above threshold (threshold above the kinematic end point)."""
    fluxes = spec.source.fluxes(spec.exposure_days)
    targets = targets_per_isotope(dict(spec.composition), spec.mass_kg)
    n_bins = 1 if spec.bin_edges is None else len(spec.bin_edges) - 1
    sm = np.zeros((len(fluxes), n_bins))
    em = np.zeros((len(fluxes), n_bins))
    for i, flux in enumerate(fluxes):
        for target in targets:
            s, m = _isotope_component_events(flux, target.isotope, spec)
            sm[i] += target.count * flux.fluence_per_cm2 * s
            em[i] += target.count * flux.fluence_per_cm2 * m
    if not np.any(sm > 0):
        first = element(spec.composition[0][0])
        end_keV = max(float(max_recoil_MeV(f.spectrum.max_energy_MeV, first.isotopes[0].mass_MeV)) for f in fluxes) * 1e3
        raise ValueError(
            f"{spec.source_file}: setups.{spec.setup}: threshold {spec.response.threshold_MeV(first) * 1e3:.4g} keVnr "
            f"is above the kinematic end point {end_keV:.4g} keVnr of every component on {first.symbol}: no events"
        )
    first = element(spec.composition[0][0])
    if spec.bin_edges is None:
        t_end = max(float(max_recoil_MeV(f.spectrum.max_energy_MeV, first.isotopes[0].mass_MeV)) for f in fluxes)
        upper = min(spec.response.upper_edge_MeV(first), t_end)
        edges = np.array([spec.response.observable(spec.response.threshold_MeV(first), first),
                          spec.response.observable(upper, first)], dtype=float)
    else:
        edges = np.array(spec.bin_edges)
    return Templates(
        experiment=spec.experiment,
        setup=spec.setup,
        components=tuple(f.component for f in fluxes),
        bin_edges=edges,
        observable_unit=spec.response.observable_unit,
        sm_events=sm,
        em_events_per_mu2=em,
        spec_key=spec.key,
    )


_CACHE: dict[str, Templates] = {}


def templates(spec: SetupSpec) -> Templates:
    """Templates of one setup, computed once per spec content (cached in memory by the spec's SHA256 key)."""
    if spec.key not in _CACHE:
        _CACHE[spec.key] = compute_templates(spec)
    return _CACHE[spec.key]
