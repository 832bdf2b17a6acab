"""COHERENT CsI[Na] full data set (2021): the binned likelihood in PE x recoil time.

Paper: COHERENT, Phys. Rev. Lett. 129 (2022) 081801, arXiv:2110.07730. Release: the paper's ancillary
files (copy described in ``coherent_csi_2021/README.md``, read with :mod:`bayes_tmm.dataset_parsers`).

Bins
----
Analysis window 0 <= PE < 60 and 0 <= t_rec < 6 us (the release's CEvNS region: events at 60-250 PE
are for a dark-matter search). Default bins (those of the paper's projections as a third-party
reproduction uses them; fine in time over the prompt pulse): PE edges
0, 8, 12, 16, 20, 24, 32, 40, 50, 60 and time edges 0, 0.125, ..., 1 (eight 125-ns bins over the
prompt pulse), 2, 4, 6 us: 9 x 11 = 99 Poisson bins, flattened in C order from shape (n_PE, n_time),
index = i_PE * n_time + i_time. Observed: the unbinned beam-on coincidence (C) events
(``dataBeamOnC.txt``) binned half-open; 1578 of the 5142 events fall in the window. Any other edges
inside the window may be passed.

Expected counts (``nuisance_on="total"``, see :mod:`bayes_tmm.binned`)::

    N[b] = (1 + alpha) sum_c (S_c[b] + mu_c^2 M_c[b]) + sum_k (1 + beta_k) B_k[b]

CEvNS templates S_c (SM) and M_c (EM per (1e-10 mu_B)^2), c in (prompt, nue, numubar)
----------------------------------------------------------------------------------------
* Recoil spectra from the package's rate engine (:func:`bayes_tmm.rates.templates`), so SM and EM share
  flux, target and form factor: a :class:`~bayes_tmm.experiments.SetupSpec` built from
  ``models/csi.toml``'s current setup with 14.6 kg CsI (Cs + I, Na dopant ignored), baseline 19.3 m,
  3.198e23 POT (13.99 GWhr at 0.983 GeV per proton) and 0.0848 nu per flavour per proton (the values
  used with this release by independent analyses; the folder README confirms 19.3 m and 13.99 GWhr, not
  the POT or the yield per proton), and the form factor of csi.toml (symmetrized Fermi) unless given.
  The response of that spec (:class:`RecoilGridResponse`) records the true recoil energy on a fine grid
  (0.25 keVnr bins, 1-50 keVnr; the end point of 52.8 MeV neutrinos is 45 keVnr on Cs, 47 keVnr on I;
  a 0.1-keVnr grid from 0.3 keVnr changes the prediction by < 0.01 %) with unit efficiency. The rate
  engine takes POT per day x days, so the spec has one "day" holding all the POT.
* Scintillation response (``scintRespCoefficients.txt``): E_ee = a T + b T^2 + c T^3 + d T^4 (MeV), the
  nominal set unless ``scintillation_variant`` picks a +-1 sigma set; evaluated at each fine recoil bin's
  centre.
* Light yield and resolution: the reconstructed PE of a recoil of energy E_ee (keVee) is gamma distributed
  with mean LY E_ee, LY = 13.35 PE/keVee, and shape k = 1 + b E_ee, b = 9.56 / keVee (the release's
  gamma model, a = 0.0749 / E_ee: its mean 1/a is LY E_ee since 1/0.0749 = 13.35). Relative width
  1/sqrt(1 + 9.56 E_ee): 31 % at 1 keVee, close to Poisson statistics of the photoelectrons (27 %).
* Energy efficiency ``effCoefficients.txt`` eps(x) = a / (1 + exp(-b (x - c))) + d of *reconstructed*
  PE x (nominal unless ``efficiency_variant``), clipped to [0, 1] (it is negative below 7.07 PE),
  applied after smearing on a 0.1-PE sub-grid.
* Arrival time (the release has no neutrino timing PDF: ``snsFlux2D.root`` is not in the snapshot), from
  the physics: neutrinos are made at t_p + t_pi (prompt nu_mu) or t_p + t_pi + t_mu (delayed nu_e,
  anti-nu_mu), with the proton-on-target time t_p Gaussian and t_pi, t_mu exponential with the pion
  (26.03 ns) and muon (2.197 us) mean lives; exact bin integrals via exponentially modified Gaussian CDFs.
  The pulse mean and width are fitted to the release's NIN recoil-time distribution (``ninTrec.txt``):
  NIN neutrons are made in the lead shield by the delayed nu_e (charged current), so they follow the
  delayed timing. Fitted: mean 0.471 us, sigma 0.134 us (FWHM 315 ns, the SNS pulse width; the LAr
  release has sigma = 150 ns); the fit reproduces ninTrec to within 4 % of its peak (rms 0.7 %), and a
  free prompt admixture fits to zero. The BRN arrival (mean 0.66 us) lags the prompt neutrinos
  (0.50 us) by the fast-neutron time of flight, as it should. NIN transport time (~10 ns) is neglected.
  The C data themselves prefer a pulse mean ~0.55 us by Delta(-2 ln L) ~ 3, moving the fitted CEvNS
  count by < 2 %.
* Timing efficiency eps(t) = 1 for t < 0.52 us, exp(-0.0494 (t - 0.52 us)/us) above (README), averaged
  exactly over each time bin, applied to every beam-related template (CEvNS, BRN, NIN; not to the
  steady-state background, which is measured data).

So S_c[i, j] = n_c[i] tau_c[j] with n_c the events per PE bin (all times) and tau_c the fraction of
component c's neutrinos in time bin j times eps(t): in-window timing acceptance, prompt 0.998, delayed
0.847 (92 % arrive before 6 us, times eps(t)). M_c likewise.

SM prediction in the window: 357.9 events (prompt 54.1, nu_e 116.8, anti-nu_mu 187.0) vs the paper's
341 +- 43. Helm form factor: 357.0; Klein-Nystrand: 331.1. The release's alternative efficiency sets
(both labelled "+1 sigma" in the file) give 397 and 323; the scintillation +-1 sigma sets 347-369.

Signal normalization uncertainty: sigma_alpha = 43 / 341 = 12.6 %, the paper's uncertainty of its SM
prediction (341 +- 11 (theory) +- 42 (experiment): flux 10 %, quenching, efficiency, form factor).

Backgrounds
-----------
* Steady state (SS): the beam-on anti-coincidence (AC) events in the same window (1295). It is not
  beam-related, so it is flat in true time and its recoil-time shape is eps(t) (all 4890 AC events in
  1-us bins: chi^2 6.3 for 5 dof vs 28.5 for flat); PE shape: the AC events in each PE bin. Two choices
  (``steady_state``):

  - ``"per_pe_bin"`` (default): one background per PE bin, its normalization the AC count n_i of that
    bin with the AC statistical uncertainty 1/sqrt(n_i) as Gaussian pull. This carries the statistical
    error of the AC measurement bin by bin into the fit (the AC sample is about as large as the C sample).
  - ``"total"``: one SS background, PE shape the AC histogram, uncertainty 1/sqrt(N_AC) = 2.8 %.

* BRN (beam-related neutrons): ``brnPE.txt`` x ``brnTrec.txt`` x eps(t), factorized as released. The PE
  weights include eps(PE) and sum to 1 over 0-60 PE (1.498 over 0-250 PE); the time weights sum to 27.63.
  Read as: expected BRN events at all PE = sum of the time weights (before eps(t)); in the window,
  27.63 x 1 / 1.498 = 18.45 before eps(t), 18.3 after. (The same reading gives NIN 5.67 before eps(t);
  18.4 and 5.6 are the numbers other analyses of this release normalize to.) Uncertainty 25 %.
* NIN (neutrino-induced neutrons from lead): ``ninPE.txt`` x ``ninTrec.txt`` x eps(t), likewise:
  7.565 / 1.334 = 5.67 before eps(t), 5.2 after. Uncertainty 35 %.
  (25 % and 35 % are the normalization uncertainties used with this release by third-party analyses,
  e.g. Newtrinos.jl (25 %, 36 %); the folder README has none.)

Not included: the release's +-1 sigma efficiency and scintillation sets as nuisances (selectable as
variants), the timing-pulse and BRN timing uncertainties, the form-factor uncertainty beyond
sigma_alpha.

Fit of the CEvNS normalization (TMMs zero, no pull on the scale, backgrounds profiled;
:func:`bayes_tmm.data_fits.fit_sm_signal`): 306 (+35 / -34) events with the default bins and per-PE-bin steady
state, steady state at the best fit 1271 events, BRN 17.1, NIN 5.1 (311 +33/-32 with
``steady_state="total"``); no CEvNS is rejected by Delta(-2 ln L) = 100 (10.0 sigma; 121, 11.0 sigma with
``"total"``; paper: 11.6 sigma). Published: 306 +- 20 fitted CEvNS events, SM prediction 341 +- 43
(11 theory, 42 experiment); these are from the paper, not in the release files or the folder README.
The central value is reproduced; the +-20 is not: with all backgrounds fixed the Fisher information of
these events gives +-30 whatever the binning (1-PE x 62.5-ns bins included), so the +-20 needs
information that is not in the released events (or is not a 1-sigma error on the count).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy.optimize import least_squares
from scipy.stats import exponnorm, gamma

from .binned import BinnedDataset
from .dataset_parsers import (
    CsI2021Efficiency,
    CsI2021ScintillationResponse,
    CsI2021TimeDistribution,
    DataDir,
    load_coherent_csi_2021,
)
from .experiments import AsimovStatistics, PhysicsOptions, SetupSpec, get_setup
from .nuclei import Element
from .rates import templates
from .sources import SNS_COMPONENTS, PionDecayAtRestSource

__all__ = [
    "NAME",
    "PUBLISHED",
    "MASS_kg",
    "BASELINE_m",
    "EXPOSURE_GWhr",
    "PROTONS_ON_TARGET",
    "NEUTRINOS_PER_FLAVOUR_PER_PROTON",
    "LIGHT_YIELD_PE_PER_keVee",
    "RESOLUTION_B_PER_keVee",
    "PE_WINDOW",
    "TIME_WINDOW_us",
    "DEFAULT_PE_EDGES",
    "DEFAULT_TIME_EDGES_us",
    "SIGNAL_UNCERTAINTY",
    "BRN_UNCERTAINTY",
    "NIN_UNCERTAINTY",
    "STEADY_STATE_CHOICES",
    "PION_LIFETIME_us",
    "MUON_LIFETIME_us",
    "timing_efficiency",
    "timing_efficiency_bin_average",
    "BeamTiming",
    "fit_beam_timing",
    "RecoilGridResponse",
    "recoil_spec",
    "pe_response_matrix",
    "load_csi2021_dataset",
]

#: Registry name of the data set.
NAME = "coherent_csi_2021"

#: The collaboration's numbers (arXiv:2110.07730; not in the release files).
PUBLISHED = MappingProxyType({
    "cevns_fit_events": 306.0,
    "cevns_fit_error": 20.0,
    "sm_prediction_events": 341.0,
    "sm_prediction_error": 43.0,
    "sm_prediction_theory_error": 11.0,
    "sm_prediction_experiment_error": 42.0,
    "source": "COHERENT, PRL 129 (2022) 081801, arXiv:2110.07730",
})

#: CsI[Na] detector mass, kg.
MASS_kg = 14.6
#: Distance from the SNS target, m (README).
BASELINE_m = 19.3
#: Beam exposure of the full data set, GWhr (README).
EXPOSURE_GWhr = 13.99
#: Protons on target of the full data set (13.99 GWhr / 3.198e23 = 0.983 GeV per proton).
PROTONS_ON_TARGET = 3.198e23
#: Neutrinos of each flavour per proton on target.
NEUTRINOS_PER_FLAVOUR_PER_PROTON = 0.0848
#: Light yield, PE per keVee (README; = 1 / 0.0749, the gamma-resolution parameter a).
LIGHT_YIELD_PE_PER_keVee = 13.35
#: Gamma-resolution shape parameter: k = 1 + b E_ee (README: (a, b) = (0.0749, 9.56)).
RESOLUTION_B_PER_keVee = 9.56
#: Timing efficiency: 1 below the onset, then exp(-slope (t - onset)) (README).
TIMING_EFFICIENCY_ONSET_us = 0.52
TIMING_EFFICIENCY_SLOPE_PER_us = 0.0494
#: CEvNS analysis window (release: 60 <= PE < 250 or t >= 6 us are not used for CEvNS).
PE_WINDOW = (0.0, 60.0)
TIME_WINDOW_us = (0.0, 6.0)
#: Default bins (module docstring).
DEFAULT_PE_EDGES = (0.0, 8.0, 12.0, 16.0, 20.0, 24.0, 32.0, 40.0, 50.0, 60.0)
DEFAULT_TIME_EDGES_us = (0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0, 2.0, 4.0, 6.0)
#: Fractional CEvNS normalization uncertainty: 43 / 341 (paper's SM-prediction uncertainty).
SIGNAL_UNCERTAINTY = 43.0 / 341.0
#: Fractional BRN and NIN normalization uncertainties.
BRN_UNCERTAINTY = 0.25
NIN_UNCERTAINTY = 0.35
#: Steady-state background choices (module docstring).
STEADY_STATE_CHOICES = ("per_pe_bin", "total")
#: Charged-pion and muon mean lives, us (PDG).
PION_LIFETIME_us = 0.026033
MUON_LIFETIME_us = 2.1969811

#: Fine true-recoil grid of the rate engine: lower end, upper end, step (keVnr).
_RECOIL_GRID_keVnr = (1.0, 50.0, 0.25)
#: Reconstructed-PE sub-grid step for smearing and efficiency.
_PE_STEP = 0.1
#: Time sub-grid step for the timing-efficiency integrals, us.
_TIME_STEP_us = 0.001
#: Parent decay of each component: prompt nu_mu from pi+, nu_e and anti-nu_mu from mu+.
_DELAYED = MappingProxyType({"prompt": False, "nue": True, "numubar": True})


# ---------------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------------


def timing_efficiency(t_us):
    """eps(t): 1 for t < 0.52 us, exp(-0.0494 (t - 0.52)) above (t in us)."""
    t = np.asarray(t_us, dtype=float)
    return np.where(t < TIMING_EFFICIENCY_ONSET_us, 1.0,
                    np.exp(-TIMING_EFFICIENCY_SLOPE_PER_us * (t - TIMING_EFFICIENCY_ONSET_us)))


def timing_efficiency_bin_average(edges_us) -> np.ndarray:
    """Exact average of eps(t) over each bin of ``edges_us``."""
    a, b = TIMING_EFFICIENCY_ONSET_us, TIMING_EFFICIENCY_SLOPE_PER_us

    def primitive(t):  # integral of eps from a to t (negative below a)
        return np.where(t < a, t - a, (1.0 - np.exp(-b * (t - a))) / b)

    edges = np.asarray(edges_us, dtype=float)
    return np.diff(primitive(edges)) / np.diff(edges)


def _fine_edges(edges, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Sub-grid of at most ``step`` inside each bin of ``edges``; returns (sub_edges, bin index of each sub-bin)."""
    edges = np.asarray(edges, dtype=float)
    pieces, owner = [edges[:1]], []
    for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
        n = max(1, int(np.ceil((hi - lo) / step - 1e-9)))
        pieces.append(np.linspace(lo, hi, n + 1)[1:])
        owner.append(np.full(n, i))
    return np.concatenate(pieces), np.concatenate(owner)


@dataclass(frozen=True)
class BeamTiming:
    """Neutrino arrival times on the release's recoil-time axis (us).

    Proton-on-target time Gaussian (``pulse_mean_us``, ``pulse_sigma_us``); prompt = pulse x pion decay,
    delayed = pulse x pion decay x muon decay. The density of the sum of two exponential times is
    (e^{-t/tau_mu} - e^{-t/tau_pi}) / (tau_mu - tau_pi), so the delayed CDF is
    [tau_mu EMG(tau_mu) - tau_pi EMG(tau_pi)] / (tau_mu - tau_pi) in exponentially modified Gaussian CDFs.
    """

    pulse_mean_us: float
    pulse_sigma_us: float

    def _emg(self, tau_us: float, t, kind: str):
        law = exponnorm(tau_us / self.pulse_sigma_us, loc=self.pulse_mean_us, scale=self.pulse_sigma_us)
        return getattr(law, kind)(np.asarray(t, dtype=float))

    def _combine(self, delayed: bool, t, kind: str):
        if not delayed:
            return self._emg(PION_LIFETIME_us, t, kind)
        return (MUON_LIFETIME_us * self._emg(MUON_LIFETIME_us, t, kind)
                - PION_LIFETIME_us * self._emg(PION_LIFETIME_us, t, kind)) / (MUON_LIFETIME_us - PION_LIFETIME_us)

    def cdf(self, t_us, *, delayed: bool):
        """Probability that the neutrino arrives before t (us)."""
        return self._combine(delayed, t_us, "cdf")

    def pdf(self, t_us, *, delayed: bool):
        """Arrival-time density, per us."""
        return self._combine(delayed, t_us, "pdf")

    def bin_probabilities(self, edges_us, *, delayed: bool, with_efficiency: bool = True) -> np.ndarray:
        """Probability of arriving in each bin, times the bin's eps(t) (integrated on a 1-ns sub-grid)."""
        sub, owner = _fine_edges(edges_us, _TIME_STEP_us)
        p = np.diff(self.cdf(sub, delayed=delayed))
        if with_efficiency:
            p = p * timing_efficiency(0.5 * (sub[1:] + sub[:-1]))
        return np.bincount(owner, weights=p, minlength=len(edges_us) - 1)


def fit_beam_timing(nin_time: CsI2021TimeDistribution) -> BeamTiming:
    """Fit the Gaussian proton pulse (mean, sigma) to the released NIN recoil-time distribution, which
    follows the delayed-neutrino timing (no eps(t) in the release's time files).

    Least squares on the normalized 10-ns bin fractions with Poisson-like weights 1/sqrt(fraction).
    """
    edges = np.asarray(nin_time.time_bin_edges_us, dtype=float)
    data = np.asarray(nin_time.weight, dtype=float)
    data = data / data.sum()
    weight = 1.0 / np.sqrt(np.maximum(data, 1e-4 * data.max()))

    def residuals(x):
        model = np.diff(BeamTiming(*x).cdf(edges, delayed=True))
        return (model / model.sum() - data) * weight

    fit = least_squares(residuals, x0=[0.5, 0.15], bounds=([0.0, 0.02], [2.0, 0.6]), xtol=1e-12, ftol=1e-12)
    if not fit.success:
        raise RuntimeError(f"beam-timing fit to ninTrec failed: {fit.message}")
    return BeamTiming(float(fit.x[0]), float(fit.x[1]))


# ---------------------------------------------------------------------------------------------------
# Recoil spectra from the rate engine, and the PE response
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecoilGridResponse:
    """Rate-engine response recording the true nuclear-recoil energy (keVnr) with unit efficiency above
    ``threshold_keVnr`` (duck-typed like :mod:`bayes_tmm.detectors`). Scintillation, smearing and the
    PE efficiency act afterwards (:func:`pe_response_matrix`)."""

    threshold_keVnr: float = _RECOIL_GRID_keVnr[0]

    observable_unit = "keVnr"

    def __post_init__(self):
        if not self.threshold_keVnr > 0:
            raise ValueError(f"threshold_keVnr must be > 0, got {self.threshold_keVnr!r}")

    def recoil_MeV(self, observable, element: Element):
        return np.asarray(observable, dtype=float) * 1e-3

    def observable(self, recoil_MeV, element: Element):
        return np.asarray(recoil_MeV, dtype=float) * 1e3

    def threshold_MeV(self, element: Element) -> float:
        return self.threshold_keVnr * 1e-3

    def upper_edge_MeV(self, element: Element) -> float:
        return np.inf

    def efficiency_nr(self, recoil_MeV, element: Element):
        return np.where(np.asarray(recoil_MeV, dtype=float) >= self.threshold_MeV(element), 1.0, 0.0)

    def breakpoints_MeV(self, element: Element) -> tuple[float, ...]:
        return (self.threshold_MeV(element),)


def _recoil_edges_keVnr() -> np.ndarray:
    low, high, step = _RECOIL_GRID_keVnr
    n = int(round((high - low) / step))
    return np.linspace(low, low + n * step, n + 1)


def recoil_spec(form_factor: str | None = None) -> SetupSpec:
    """Rate-engine spec of the CsI 2021 exposure on the fine recoil grid: csi.toml's current setup with
    the 2021 mass, baseline, POT and yield (one 'day' holds all the POT); canonical text unique to it."""
    base = get_setup("CsI", "current")
    physics = base.physics if form_factor is None else PhysicsOptions(form_factor, base.physics.em_t_over_4e2_term)
    source = PionDecayAtRestSource(baseline_m=BASELINE_m, protons_on_target_per_day=PROTONS_ON_TARGET,
                                   neutrinos_per_flavour_per_proton=NEUTRINOS_PER_FLAVOUR_PER_PROTON)
    response = RecoilGridResponse()
    edges = tuple(float(e) for e in _recoil_edges_keVnr())
    content = {
        "dataset": NAME,
        "source": {"baseline_m": BASELINE_m, "pot": PROTONS_ON_TARGET,
                   "nu_per_flavour_per_proton": NEUTRINOS_PER_FLAVOUR_PER_PROTON},
        "composition": [list(c) for c in base.composition],
        "mass_kg": MASS_kg,
        "response": {"kind": "recoil_grid_keVnr", "threshold_keVnr": response.threshold_keVnr},
        "bin_edges": edges,
        "physics": dataclasses.asdict(physics),
    }
    return dataclasses.replace(
        base, setup="csi2021_recoil_grid", source=source, mass_kg=MASS_kg, exposure_days=1.0,
        response=response, bin_edges=edges, physics=physics,
        statistics=AsimovStatistics(signal_uncertainty=SIGNAL_UNCERTAINTY),
        source_file=f"{__name__} (from {base.source_file})",
        canonical_text=json.dumps(content, sort_keys=True, separators=(",", ":")),
    )


def pe_response_matrix(eee_keVee, pe_edges, efficiency: CsI2021Efficiency | None,
                       efficiency_variant: int = 0) -> np.ndarray:
    """R[r, p]: probability that a recoil of electron-equivalent energy ``eee_keVee[r]`` is reconstructed in
    PE bin p and accepted: gamma with mean 13.35 E_ee PE and shape 1 + 9.56 E_ee, times eps(PE) (clipped
    to [0, 1]) on a 0.1-PE sub-grid; ``efficiency=None`` means 1."""
    eee = np.maximum(np.asarray(eee_keVee, dtype=float), 1e-12)
    sub, owner = _fine_edges(pe_edges, _PE_STEP)
    shape = 1.0 + RESOLUTION_B_PER_keVee * eee
    scale = LIGHT_YIELD_PE_PER_keVee * eee / shape
    prob = np.diff(gamma.cdf(sub[None, :], shape[:, None], scale=scale[:, None]), axis=1)
    if efficiency is not None:
        prob = prob * np.clip(efficiency(0.5 * (sub[1:] + sub[:-1]), efficiency_variant), 0.0, 1.0)[None, :]
    to_bins = np.zeros((owner.size, len(pe_edges) - 1))
    to_bins[np.arange(owner.size), owner] = 1.0
    return prob @ to_bins


def _electron_equivalent_keVee(recoil_keVnr, scintillation: CsI2021ScintillationResponse, variant: int):
    return 1e3 * scintillation.electron_equivalent_MeVee(np.asarray(recoil_keVnr) * 1e-3, variant)


# ---------------------------------------------------------------------------------------------------
# Backgrounds
# ---------------------------------------------------------------------------------------------------


def _rebin(source_edges, weights, target_edges) -> np.ndarray:
    """Content of ``target_edges`` bins from histogram (source_edges, weights), uniform within source bins."""
    src = np.asarray(source_edges, dtype=float)
    tgt = np.asarray(target_edges, dtype=float)
    lo = np.maximum(src[:-1, None], tgt[None, :-1])
    hi = np.minimum(src[1:, None], tgt[None, 1:])
    overlap = np.clip(hi - lo, 0.0, None) / np.diff(src)[:, None]
    return np.asarray(weights, dtype=float) @ overlap


def _histogram_half_open(values, edges) -> np.ndarray:
    """Counts per bin with every bin [lo, hi) (np.histogram closes the last bin)."""
    idx = np.searchsorted(np.asarray(edges, dtype=float), np.asarray(values, dtype=float), side="right") - 1
    inside = (idx >= 0) & (idx < len(edges) - 1)
    return np.bincount(idx[inside], minlength=len(edges) - 1).astype(float)


def _in_window(pe, t):
    return (pe >= PE_WINDOW[0]) & (pe < PE_WINDOW[1]) & (t >= TIME_WINDOW_us[0]) & (t < TIME_WINDOW_us[1])


def _neutron_background(pe_spectrum, time_distribution, pe_edges, time_edges) -> np.ndarray:
    """Released PE x time background in the analysis bins, eps(t) applied, normalized as the module says."""
    pe_weights = np.asarray(pe_spectrum.weight, dtype=float)
    pe_part = _rebin(pe_spectrum.pe_bin_edges, pe_weights, pe_edges) / pe_weights.sum()
    t_edges = np.asarray(time_distribution.time_bin_edges_us, dtype=float)
    t_weights = np.asarray(time_distribution.weight, dtype=float) * timing_efficiency_bin_average(t_edges)
    time_part = _rebin(t_edges, t_weights, time_edges)
    return np.outer(pe_part, time_part)


# ---------------------------------------------------------------------------------------------------
# The data set
# ---------------------------------------------------------------------------------------------------


def _check_edges(edges, window, name) -> np.ndarray:
    edges = np.asarray(edges, dtype=float)
    if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"{name} must be at least two increasing numbers, got {edges}")
    if edges[0] < window[0] or edges[-1] > window[1]:
        raise ValueError(f"{name} must lie inside the analysis window {window}, got {edges[0]}..{edges[-1]}")
    return edges


def load_csi2021_dataset(data_dir: DataDir = None, *, pe_edges=DEFAULT_PE_EDGES, time_edges_us=DEFAULT_TIME_EDGES_us,
                         steady_state: str = "per_pe_bin", form_factor: str | None = None,
                         efficiency_variant: int = 0, scintillation_variant: int = 0,
                         beam_timing: BeamTiming | None = None) -> BinnedDataset:
    """The COHERENT CsI 2021 likelihood as a :class:`BinnedDataset` (module docstring for every choice).

    ``data_dir``: the data directory holding ``coherent_csi_2021/``; ``pe_edges``, ``time_edges_us``: bins
    inside 0-60 PE x 0-6 us; ``steady_state``: ``"per_pe_bin"`` or ``"total"``; ``form_factor``: default
    csi.toml's; ``efficiency_variant`` (0 nominal, 1, 2) and ``scintillation_variant`` (0 nominal, 1-4)
    index the release's coefficient sets; ``beam_timing``: default fitted to ``ninTrec.txt``.
    """
    if steady_state not in STEADY_STATE_CHOICES:
        raise ValueError(f"steady_state must be one of {STEADY_STATE_CHOICES}, got {steady_state!r}")
    pe_edges = _check_edges(pe_edges, PE_WINDOW, "pe_edges")
    time_edges = _check_edges(time_edges_us, TIME_WINDOW_us, "time_edges_us")
    release = load_coherent_csi_2021(data_dir)
    n_pe, n_t = pe_edges.size - 1, time_edges.size - 1
    n = n_pe * n_t

    # Observed: C events binned (half-open bins).
    c = release.coincidence
    keep = _in_window(c.energy_PE, c.recoil_time_us)
    pe_idx = np.searchsorted(pe_edges, c.energy_PE[keep], side="right") - 1
    t_idx = np.searchsorted(time_edges, c.recoil_time_us[keep], side="right") - 1
    inside = (pe_idx >= 0) & (pe_idx < n_pe) & (t_idx >= 0) & (t_idx < n_t)
    observed = np.bincount(pe_idx[inside] * n_t + t_idx[inside], minlength=n).astype(float)

    # CEvNS: recoil spectra -> E_ee -> PE (gamma, eps(PE)) -> x timing (eps(t)).
    spec = recoil_spec(form_factor)
    engine = templates(spec)
    if engine.components != SNS_COMPONENTS:
        raise ValueError(f"unexpected rate-engine components {engine.components}")
    recoil_edges = np.asarray(engine.bin_edges)
    eee = _electron_equivalent_keVee(0.5 * (recoil_edges[1:] + recoil_edges[:-1]),
                                     release.scintillation_response, scintillation_variant)
    response = pe_response_matrix(eee, pe_edges, release.efficiency, efficiency_variant)
    sm_pe = engine.sm_events @ response
    em_pe = engine.em_events_per_mu2 @ response
    timing = fit_beam_timing(release.nin_time) if beam_timing is None else beam_timing
    time_fraction = np.array([timing.bin_probabilities(time_edges, delayed=_DELAYED[component])
                              for component in engine.components])
    sm = (sm_pe[:, :, None] * time_fraction[:, None, :]).reshape(len(engine.components), n)
    em = (em_pe[:, :, None] * time_fraction[:, None, :]).reshape(len(engine.components), n)

    # Steady state from the AC events in the window: PE histogram x eps(t) time shape.
    ac = release.anticoincidence
    ac_keep = _in_window(ac.energy_PE, ac.recoil_time_us)
    ac_pe = _histogram_half_open(ac.energy_PE[ac_keep], pe_edges)
    ss_time = timing_efficiency_bin_average(time_edges) * np.diff(time_edges)
    ss_time = ss_time / ss_time.sum()
    if steady_state == "total":
        ss_names = ("steady_state",)
        ss = [np.outer(ac_pe, ss_time).reshape(n)]
        ss_sigma = [1.0 / np.sqrt(ac_pe.sum())]
    else:
        populated = np.flatnonzero(ac_pe > 0)
        ss_names = tuple(f"steady_state_PE_{pe_edges[i]:g}-{pe_edges[i + 1]:g}" for i in populated)
        ss = []
        for i in populated:
            row = np.zeros((n_pe, n_t))
            row[i] = ac_pe[i] * ss_time
            ss.append(row.reshape(n))
        ss_sigma = [1.0 / np.sqrt(ac_pe[i]) for i in populated]
    brn = _neutron_background(release.brn_pe, release.brn_time, pe_edges, time_edges).reshape(n)
    nin = _neutron_background(release.nin_pe, release.nin_time, pe_edges, time_edges).reshape(n)
    backgrounds = np.array([*ss, brn, nin])
    names = (*ss_names, "brn", "nin")
    sigma_b = np.array([*ss_sigma, BRN_UNCERTAINTY, NIN_UNCERTAINTY])

    if np.any(sm.sum(axis=0) + backgrounds.sum(axis=0) <= 0):
        raise ValueError("some bins have zero expected events; choose bins that start inside the populated range")
    prompt_acc, delayed_acc = (timing.bin_probabilities(TIME_WINDOW_us, delayed=d)[0] for d in (False, True))
    notes = (
        f"observed: dataBeamOnC.txt, {int(observed.sum())} of {c.n_events} C events in {n_pe} PE bins "
        f"({pe_edges[0]:g}-{pe_edges[-1]:g}) x {n_t} time bins ({time_edges[0]:g}-{time_edges[-1]:g} us), C order",
        f"CEvNS from the rate engine: CsI {MASS_kg} kg, {BASELINE_m} m, {PROTONS_ON_TARGET:.4g} POT "
        f"({EXPOSURE_GWhr} GWhr), {NEUTRINOS_PER_FLAVOUR_PER_PROTON} nu/flavour/POT, form factor "
        f"{spec.physics.form_factor}; recoil grid {_RECOIL_GRID_keVnr} keVnr",
        f"scintillation set {scintillation_variant} "
        f"({release.scintillation_response.labels[scintillation_variant]}); "
        f"gamma PE smearing mean {LIGHT_YIELD_PE_PER_keVee} PE/keVee x E_ee, shape 1 + {RESOLUTION_B_PER_keVee} E_ee",
        f"efficiency set {efficiency_variant} ({release.efficiency.labels[efficiency_variant]}) at "
        "reconstructed PE, clipped to [0, 1]",
        f"timing: Gaussian pulse mean {timing.pulse_mean_us:.4f} us, sigma {timing.pulse_sigma_us:.4f} us"
        f"{' (fitted to ninTrec.txt)' if beam_timing is None else ''} x pion (x muon) decay; in-window "
        f"acceptance x eps(t): prompt {prompt_acc:.4f}, delayed {delayed_acc:.4f}",
        f"SM events in window {sm.sum():.1f} (prompt {sm[0].sum():.1f}, nue {sm[1].sum():.1f}, "
        f"numubar {sm[2].sum():.1f}) vs published {PUBLISHED['sm_prediction_events']:g} "
        f"+- {PUBLISHED['sm_prediction_error']:g}",
        f"signal uncertainty {SIGNAL_UNCERTAINTY:.4f} = 43/341 (paper's SM-prediction uncertainty)",
        f"steady state {steady_state!r}: {int(ac_pe.sum())} AC events in window, PE histogram x eps(t) time shape, "
        "Gaussian pulls 1/sqrt(AC count)" + (" per PE bin" if steady_state == "per_pe_bin" else ""),
        f"BRN {brn.sum():.2f} events (brnPE x brnTrec x eps(t)), uncertainty {BRN_UNCERTAINTY:g}; "
        f"NIN {nin.sum():.2f} events (ninPE x ninTrec x eps(t)), uncertainty {NIN_UNCERTAINTY:g}",
        "not included: efficiency/scintillation +-1 sigma sets as nuisances (variants only), pulse timing and "
        "BRN timing uncertainties",
    )
    return BinnedDataset(
        name=NAME,
        observed=observed,
        components=engine.components,
        sm_templates=sm,
        em_templates=em,
        background_names=names,
        backgrounds=backgrounds,
        background_uncertainties=sigma_b,
        signal_uncertainty=float(SIGNAL_UNCERTAINTY),
        bin_shape=(n_pe, n_t),
        axes={"PE": pe_edges, "time_us": time_edges},
        published=dict(PUBLISHED),
        notes=notes,
    )
