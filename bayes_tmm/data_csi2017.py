"""COHERENT CsI[Na] 2017 (first CEvNS observation) as a binned likelihood in PE x arrival time.

Paper: D. Akimov et al. (COHERENT), Science 357 (2017) 1123, arXiv:1708.01294.
Data release: arXiv:1804.09459, Zenodo doi:10.5281/zenodo.1228631 (files parsed by
:mod:`bayes_tmm.dataset_parsers`; see ``<data dir>/coherent_csi_2017/README.md``).

The likelihood
--------------
Bins b are the released 2-PE x 0.5-us cells of the beam-on *coincidence* (C) histogram inside an analysis
window, flattened in C order from shape (n_pe, n_time). In every bin the expected count is

    N_b = (1 + alpha) sum_c [N_SM(c, b) + mu_c^2 n_EM(c, b)]  +  (1 + beta_ss) B_ss(b)  +  (1 + beta_n) B_n(b)

and -2 ln L is the Poisson deviance plus the Gaussian pulls alpha^2/sigma_alpha^2 + sum beta^2/sigma^2
(:mod:`bayes_tmm.binned`). The pieces:

* CEvNS, c in (prompt, nue, numubar): the PE spectrum of each beam component from the rate engine
  (:func:`bayes_tmm.rates.templates` for ``models/csi.toml``, setup ``current``, with ``bin_edges`` set to the
  window's PE edges and the Table-2 calibration cut ``pe_max`` removed), times the release's arrival-time PDF
  (prompt neutrinos for ``prompt``, delayed neutrinos for ``nue`` and ``numubar``) on the window's time bins.
  The spec has 1.17 PE/keVnr (QF 0.0878 x 13.348 PE/keVee of the release), the release's acceptance
  efficiency (Eqs. 30-31; the rate engine evaluates it continuously in T rather than at 1-PE bin centres,
  a < 1 % difference, PHYSICS.md Sect. 8), 14.57 kg, 19.3 m, r = 0.08 nu/flavour/POT and 1.76e23 POT
  (= the release's 7.476 GWh). No PE smearing (Poisson photostatistics) is applied, as in the rate engine.
  EM templates the same way (events per unit mu^2, mu in 1e-10 mu_B).
  The time PDFs are *not* renormalized inside the window: events arriving after its end are lost, so a
  component's time-integrated template is its PE spectrum times the fraction of its PDF inside the window
  (1.000 for prompt neutrinos, 0.915 for delayed ones in 0-6 us).
* Steady-state background B_ss: from the beam-on anti-coincidence (AC) histogram, which has the same live time
  and the same window length as C (the standard COHERENT estimate). The default ``"factorized"`` template is
  the outer product of the AC PE and time marginals in the window, normalized to the AC count there: it keeps
  the measured total, PE shape and time shape (the AC arrival-time marginal is not flat, p ~ 6e-4 against
  flat in 0-6 us) but not the bin-by-bin Poisson noise of ~3 AC counts per cell, which would otherwise be
  taken as exact (``"binned"``: the raw AC counts per cell; it pulls the fitted CEvNS count up to ~200,
  because cells where AC fluctuated to 0 can only be filled by signal). The factorization is adequate: a
  G-test of the AC cells against it gives 139 for 121 degrees of freedom (p ~ 0.12).
  Normalization uncertainty: 1/sqrt(N_AC) (4.97 % for 405 AC events), the Poisson error of the AC count
  (the "2 B_ss" of sigma_stat in Eq. 34); pass ``steady_state_uncertainty=0`` to fix it.
* Beam-related prompt neutrons B_n: ``promptPDF.txt`` (events per GWh per 1-PE bin) times the release
  exposure 7.47594 GWh (file header), times the release efficiency at the 1-PE bin centres (as the release
  prescribes for this PDF), summed into the 2-PE bins, times the prompt-neutron arrival-time PDF;
  normalization uncertainty 25 % (file header and ``coherent_parameters.yaml``).
* Beam-off C and AC histograms: not used in the likelihood. They have another live time, and they serve
  as a check that C and AC see the same steady-state rate without beam (209 vs 207 events in the default
  window; 507 vs 507 in total).
* Signal normalization uncertainty sigma_alpha = 0.28: COHERENT 2017's uncertainty on the SM prediction
  (event selection 5 %, flux 10 %, quenching factor 25 %, form factor 5 %; PHYSICS.md Sect. 10.1).

The default window, 6 <= PE < 30 and 0 <= t < 6 us (12 x 12 cells), is the COHERENT 2017 signal region: in it
the AC count is exactly the paper's steady-state background 405, and C - AC - B_n = 547 - 405 - 5.4 = 136.6
+- 30.9 (sqrt(C + AC)), the excess the paper shows (136 +- 31). With it the SM prediction is 165.7 events
(paper: 173 +- 48), and the CEvNS count fitted with the TMMs at zero is 126.4 (1 sigma: 103.7-149.9;
paper: 134 +- 22). Raw-AC ("binned") steady state instead: 206.9 (185.6-229.1).
"""

from __future__ import annotations

import tomllib

import numpy as np

from .binned import BinnedDataset
from .dataset_parsers import DataDir, load_coherent_csi_2017
from .experiments import models_dir, parse_experiment
from .rates import templates

__all__ = [
    "DEFAULT_PE_WINDOW",
    "DEFAULT_TIME_WINDOW_US",
    "SIGNAL_UNCERTAINTY",
    "PUBLISHED",
    "STEADY_STATE_SHAPES",
    "COMPONENT_TIME_PDF",
    "csi2017_spec",
    "load_csi2017_dataset",
]

#: Default analysis window: [low, high) in PE and in arrival time (us); both on the released bin edges.
DEFAULT_PE_WINDOW = (6.0, 30.0)
DEFAULT_TIME_WINDOW_US = (0.0, 6.0)

#: COHERENT 2017 fractional uncertainty on the SM CEvNS prediction (5 % selection, 10 % flux, 25 % QF, 5 % FF).
SIGNAL_UNCERTAINTY = 0.28

#: Steady-state background templates built from the beam-on AC histogram.
STEADY_STATE_SHAPES = ("factorized", "binned")

#: Which released arrival-time PDF each beam component follows.
COMPONENT_TIME_PDF = {"prompt": "prompt_neutrinos", "nue": "delayed_neutrinos", "numubar": "delayed_neutrinos"}

#: COHERENT's published numbers. Not in the local data files (the release text was not available);
#: they are the Science paper's: fit 134 +- 22, SM 173 +- 48 (28 %), and in the signal region a steady-state
#: background of 405 and ~6 beam-on prompt neutrons (also PHYSICS.md Sect. 10.1, models/csi.toml).
PUBLISHED = {
    "cevns_fit_events": 134,
    "cevns_fit_error": 22,
    "sm_prediction_events": 173,
    "sm_prediction_error": 48,
    "steady_state_background_events": 405,
    "prompt_neutron_background_events": 6,
    "source": "COHERENT, Science 357 (2017) 1123, arXiv:1708.01294",
}


def _window_slice(edges: np.ndarray, window, name: str, unit: str) -> slice:
    """The bins of ``edges`` covering [window[0], window[1]); the window must lie on the released edges."""
    low, high = (float(w) for w in window)
    if not high > low:
        raise ValueError(f"{name} must be (low, high) with high > low, got {window!r}")
    on_edge = [np.flatnonzero(np.isclose(edges, w, rtol=0, atol=1e-9)) for w in (low, high)]
    if any(idx.size == 0 for idx in on_edge):
        raise ValueError(
            f"{name} {window!r} must lie on the released bin edges ({edges[0]:g} to {edges[-1]:g} {unit} "
            f"in steps of {edges[1] - edges[0]:g})"
        )
    return slice(int(on_edge[0][0]), int(on_edge[1][0]))


def csi2017_spec(pe_edges, models_path=None):
    """The ``current`` CsI setup of ``models/csi.toml`` with ``bin_edges = pe_edges`` [PE] and no ``pe_max`` cut."""
    path = models_dir(models_path) / "csi.toml"
    data = tomllib.loads(path.read_text())
    setup = data["setups"]["current"]
    setup["bin_edges"] = [float(e) for e in pe_edges]
    setup["response"].pop("pe_max", None)
    return parse_experiment(data, str(path)).setups["current"]


def load_csi2017_dataset(
    data_dir: DataDir = None,
    *,
    time_window_us=None,
    pe_window=None,
    steady_state_shape: str = "factorized",
    steady_state_uncertainty: float | None = None,
    models_path=None,
) -> BinnedDataset:
    """The COHERENT CsI 2017 PE x arrival-time likelihood (module docstring).

    Parameters
    ----------
    data_dir : path, optional
        Data directory holding ``coherent_csi_2017/`` (default: :func:`bayes_tmm.datasets.get_data_dir`).
    time_window_us : (low, high), optional
        Arrival-time window [us] on the released 0.5-us edges, default (0, 6).
    pe_window : (low, high), optional
        PE window on the released 2-PE edges, default (6, 30).
    steady_state_shape : {"factorized", "binned"}
        Steady-state template from the AC histogram: product of its marginals (default) or raw cells.
    steady_state_uncertainty : float, optional
        Fractional normalization uncertainty of the steady-state background; default 1/sqrt(N_AC in window).
    models_path : path, optional
        Folder of the experiment TOML files (default: :func:`bayes_tmm.experiments.models_dir`).

    Raises
    ------
    ValueError
        For a window off the released edges, an unknown ``steady_state_shape``, or a window in which some
        bin with observed events has zero expected events (e.g. PE < 4, below the efficiency threshold,
        where C has counts that AC lacks).
    """
    pe_window = DEFAULT_PE_WINDOW if pe_window is None else tuple(pe_window)
    time_window_us = DEFAULT_TIME_WINDOW_US if time_window_us is None else tuple(time_window_us)
    if steady_state_shape not in STEADY_STATE_SHAPES:
        raise ValueError(f"steady_state_shape must be one of {STEADY_STATE_SHAPES}, got {steady_state_shape!r}")

    release = load_coherent_csi_2017(data_dir)
    coincidence = release.coincidence_beam_on
    anticoincidence = release.anticoincidence_beam_on
    pdfs = release.arrival_time_pdfs
    if not np.allclose(pdfs.time_bin_edges_us, coincidence.time_bin_edges_us):
        raise ValueError("arrival-time PDFs and histograms have different time bins")

    pe_sel = _window_slice(coincidence.pe_bin_edges, pe_window, "pe_window", "PE")
    t_sel = _window_slice(coincidence.time_bin_edges_us, time_window_us, "time_window_us", "us")
    pe_edges = np.array(coincidence.pe_bin_edges[pe_sel.start:pe_sel.stop + 1])
    t_edges_us = np.array(coincidence.time_bin_edges_us[t_sel.start:t_sel.stop + 1])
    shape = (len(pe_edges) - 1, len(t_edges_us) - 1)

    observed = np.asarray(coincidence.counts[pe_sel, t_sel], dtype=float)
    ac = np.asarray(anticoincidence.counts[pe_sel, t_sel], dtype=float)
    n_ac = float(ac.sum())
    if n_ac <= 0:
        raise ValueError(f"no anti-coincidence events in the window PE {pe_window}, t {time_window_us} us")

    # CEvNS: rate-engine PE spectra per component x arrival-time PDF of the component.
    tpl = templates(csi2017_spec(pe_edges, models_path))
    time_pdf = {c: np.asarray(getattr(pdfs, COMPONENT_TIME_PDF[c])[t_sel]) for c in tpl.components}
    sm = np.array([np.outer(tpl.sm_events[i], time_pdf[c]).ravel() for i, c in enumerate(tpl.components)])
    em = np.array([np.outer(tpl.em_events_per_mu2[i], time_pdf[c]).ravel() for i, c in enumerate(tpl.components)])

    # Steady state from beam-on AC.
    if steady_state_shape == "factorized":
        steady = np.outer(ac.sum(axis=1), ac.sum(axis=0)) / n_ac
    else:
        steady = ac
    sigma_ss = 1.0 / np.sqrt(n_ac) if steady_state_uncertainty is None else float(steady_state_uncertainty)
    if sigma_ss < 0:
        raise ValueError(f"steady_state_uncertainty must be >= 0, got {steady_state_uncertainty!r}")

    # Prompt neutrons: per-GWh 1-PE spectrum x exposure x efficiency at 1-PE bin centres, into the 2-PE bins.
    neutron_pdf = release.prompt_neutron_pdf
    efficiency = release.parameters.efficiency
    neutrons_1pe = neutron_pdf.expected_counts() * efficiency(neutron_pdf.pe_bin_centers)
    neutrons_pe, _ = np.histogram(neutron_pdf.pe_bin_centers, bins=pe_edges, weights=neutrons_1pe)
    neutron_time = np.asarray(pdfs.prompt_neutrons[t_sel])
    neutrons = np.outer(neutrons_pe, neutron_time)
    sigma_n = float(neutron_pdf.normalization_rel_uncertainty)

    expected = sm.sum(axis=0) + steady.ravel() + neutrons.ravel()
    empty = (expected <= 0) & (observed.ravel() > 0)
    if np.any(empty):
        rows, cols = np.unravel_index(np.flatnonzero(empty), shape)
        cells = [(float(pe_edges[i]), float(t_edges_us[j])) for i, j in zip(rows, cols)]
        raise ValueError(
            f"window PE {pe_window}, t {time_window_us} us: bins with observed events but zero expected "
            f"events (lower PE edge, lower time edge): {cells[:5]}; start the PE window at >= 4 PE"
        )

    time_fractions = {c: float(time_pdf[c].sum()) for c in tpl.components}
    sm_total = float(sm.sum())
    beam_off_c = int(release.coincidence_beam_off.counts[pe_sel, t_sel].sum())
    beam_off_ac = int(release.anticoincidence_beam_off.counts[pe_sel, t_sel].sum())
    notes = (
        f"window: {pe_edges[0]:g} <= PE < {pe_edges[-1]:g} ({shape[0]} bins of 2 PE), "
        f"{t_edges_us[0]:g} <= t < {t_edges_us[-1]:g} us ({shape[1]} bins of 0.5 us); default 6-30 PE, 0-6 us, "
        "the COHERENT 2017 signal region (AC there = the paper's 405 steady-state events)",
        "observed: beam-on coincidence (C) counts, flattened C-order from (n_pe, n_time)",
        "CEvNS: rate-engine PE spectra (models/csi.toml current, bin_edges = PE edges, pe_max removed: "
        "1.17 PE/keVnr, release efficiency continuous in T, 1.76e23 POT = 7.476 GWh) x release arrival-time PDFs "
        "(prompt: prompt neutrinos; nue, numubar: delayed neutrinos); no PE smearing",
        "time PDFs not renormalized in the window; fraction inside: "
        + ", ".join(f"{c} {f:.4f}" for c, f in time_fractions.items()),
        f"SM prediction in window: {sm_total:.1f} events (" + ", ".join(
            f"{c} {v:.1f}" for c, v in zip(tpl.components, sm.sum(axis=1))) + f"); published 173 +- 48",
        f"steady state: beam-on AC, {steady_state_shape} template, {n_ac:.0f} events, normalization "
        f"uncertainty {sigma_ss:.4f}" + (" (1/sqrt(N_AC))" if steady_state_uncertainty is None else ""),
        f"prompt neutrons: promptPDF x {neutron_pdf.exposure_GWhr} GWh x efficiency at 1-PE bin centres x "
        f"prompt-neutron time PDF, {neutrons.sum():.2f} events, uncertainty {sigma_n:.2f}",
        f"beam-off data not used (other live time); check: beam-off C {beam_off_c} vs AC {beam_off_ac} in window",
        f"signal uncertainty {SIGNAL_UNCERTAINTY} (COHERENT 2017: selection 5 %, flux 10 %, QF 25 %, form factor 5 %)",
        "published numbers are the Science paper's; the local release files do not state them",
    )
    return BinnedDataset(
        name="coherent_csi_2017",
        observed=observed.ravel(),
        components=tuple(tpl.components),
        sm_templates=sm,
        em_templates=em,
        background_names=("steady_state", "prompt_neutrons"),
        backgrounds=np.array([steady.ravel(), neutrons.ravel()]),
        background_uncertainties=np.array([sigma_ss, sigma_n]),
        signal_uncertainty=SIGNAL_UNCERTAINTY,
        bin_shape=shape,
        axes={"PE": pe_edges, "time_us": t_edges_us},
        published=dict(PUBLISHED),
        notes=notes,
    )
