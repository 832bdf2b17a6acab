"""Slow, independent event counts by adaptive quadrature (``scipy.integrate.quad``), for validation.

Same physics as :mod:`bayes_tmm.rates` (cross sections, fluxes, response), different numerics: nested
adaptive quadrature in the natural order of Eq. (33) — recoil energy T outside, neutrino energy E
inside — with no change of variables, told only where the integrands have kinks.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import quad

from .cross_sections import em_cross_section, max_recoil_MeV, min_neutrino_energy_MeV, sm_cross_section
from .experiments import SetupSpec
from .nuclei import Isotope, element, targets_per_isotope
from .rates import recoil_bin_edges_MeV
from .sources import ComponentFlux, LineSpectrum
from .tmm import BeamComponent

__all__ = ["reference_events"]

_EPSREL = 1e-9


def _inner(flux: ComponentFlux, t: float, isotope: Isotope, spec: SetupSpec, em: bool) -> float:
    """Integral over E of pdf(E) dsigma/dT at fixed recoil T (cm^2/MeV)."""
    anti = BeamComponent(flux.component).is_antineutrino
    ff = spec.physics.form_factor

    def dsigma(e):
        if em:
            return float(em_cross_section(e, t, isotope, form_factor_name=ff,
                                          include_t_over_4e2_term=spec.physics.em_t_over_4e2_term))
        return float(sm_cross_section(e, t, isotope, antineutrino=anti, form_factor_name=ff))

    spectrum = flux.spectrum
    if isinstance(spectrum, LineSpectrum):
        return dsigma(spectrum.energy_MeV)
    lo = max(float(min_neutrino_energy_MeV(t, isotope.mass_MeV)), spectrum.min_energy_MeV)
    hi = spectrum.max_energy_MeV
    if lo >= hi:
        return 0.0
    points = [b for b in spectrum.breakpoints_MeV if lo < b < hi] or None
    value, _ = quad(lambda e: float(spectrum.pdf(e)) * dsigma(e), lo, hi, points=points,
                    epsabs=0.0, epsrel=_EPSREL, limit=200)
    return value


def reference_events(spec: SetupSpec, component: str, em: bool) -> np.ndarray:
    """Expected events per analysis bin for one component of ``spec`` by nested adaptive quadrature:
    SM events if ``em`` is False, else EM events per unit mu_eff^2 (mu in 1e-10 mu_B)."""
    fluxes = {f.component: f for f in spec.source.fluxes(spec.exposure_days)}
    if component not in fluxes:
        raise ValueError(f"{spec.experiment} has no component {component!r}; it has {tuple(fluxes)}")
    flux = fluxes[component]
    targets = targets_per_isotope(dict(spec.composition), spec.mass_kg)
    n_bins = 1 if spec.bin_edges is None else len(spec.bin_edges) - 1
    total = np.zeros(n_bins)
    for target in targets:
        iso = target.isotope
        el = element(iso.symbol)
        edges = recoil_bin_edges_MeV(spec, iso)
        t_end = float(max_recoil_MeV(flux.spectrum.max_energy_MeV, iso.mass_MeV))
        kinks = list(spec.response.breakpoints_MeV(el))
        kinks += [float(max_recoil_MeV(b, iso.mass_MeV)) for b in getattr(flux.spectrum, "breakpoints_MeV", ())]
        for k in range(n_bins):
            lo = max(edges[k], spec.response.threshold_MeV(el))
            hi = min(edges[k + 1], t_end, spec.response.upper_edge_MeV(el))
            if not lo < hi:
                continue

            def integrand(t):
                return float(spec.response.efficiency_nr(t, el)) * _inner(flux, t, iso, spec, em)

            points = [p for p in kinks if lo < p < hi] or None
            value, _ = quad(integrand, lo, hi, points=points, epsabs=0.0, epsrel=_EPSREL, limit=200)
            total[k] += target.count * flux.fluence_per_cm2 * value
    return total
