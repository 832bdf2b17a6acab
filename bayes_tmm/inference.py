"""High-level Bayesian analyses: posteriors of one experiment/setup/beam or of several combined,
summarized next to the chi^2 limits of the same likelihood.

:class:`PosteriorSampler` keeps one compiled model per structure (mode, number of analyses) and re-uses it
for every experiment, setup, beam and prior (they differ only in ``pm.Data`` values).

Blind directions: a beam of one flavour cannot see Lambda along conj(U_alpha,:) (Eqs. 13-14). With the
phases and the other moduli free (``full`` mode) its data then leave each |Lambda_i| unbounded and the
posterior there is the prior's. This is detected exactly from the summed moment matrix of the analyses
(its Schur complement at i vanishes) and reported as ``data_constrained = False``; such limits are printed
as prior-driven, never as results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .bayes import MODES, Prior, build_model, default_lambda_max, model_inputs, prior_data, structure_key
from .experiments import get_setup
from .frequentist import (
    BEAMS,
    TABLE2_PARAMETERS,
    CountingChi2,
    beam_moment_matrix,
    counting_chi2,
    one_at_a_time_limits,
    profiled_limits,
    schur_complements,
)
from .mixing import OscillationParameters
from .sampling import CompiledSampler, SampleResult, SamplerSettings
from .sources import COMPONENTS

__all__ = ["AnalysisSelection", "PosteriorSummary", "PosteriorSampler", "SamplerSettings", "channels_for",
           "beam_selections", "CREDIBLE_LEVEL"]

#: Credible level of the reported upper limits.
CREDIBLE_LEVEL = 0.9


@dataclass(frozen=True)
class AnalysisSelection:
    """One analysis: an experiment, its setup and the beam whose EM term is switched on."""

    experiment: str
    setup: str
    beam: str

    def label(self) -> str:
        return f"{self.experiment} {self.setup} {self.beam}"


def channels_for(selections: Sequence[AnalysisSelection], nuisance_on: str = "signal") -> list[CountingChi2]:
    """The chi^2 objects (the likelihood inputs) of the selected analyses."""
    return [counting_chi2(get_setup(s.experiment, s.setup), s.beam, nuisance_on=nuisance_on) for s in selections]


@dataclass(frozen=True)
class PosteriorSummary:
    """What a posterior says, next to the chi^2 of the same likelihood.

    Attributes
    ----------
    selections : tuple of AnalysisSelection
    mode, prior : str
        Model mode and the prior's description.
    limits90 : tuple of 3 floats
        90 % credible upper limits on |Lambda_1..3| (1e-10 mu_B); in ``single`` mode the three
        one-at-a-time limits. In ``pair`` mode the missing index holds nan.
    chi2_limits : tuple of 3 floats
        The chi^2 counterparts: one-at-a-time limits (single, pair) or profiled limits (full); ``inf``
        when unbounded. For several analyses, the limits of the first (the joint chi^2 is not profiled here).
    data_constrained : tuple of 3 bools
        False where the analyses are blind in the direction of |Lambda_i| (the limit is the prior's).
    mu_eff_limits90 : dict component -> float
        90 % credible limits on mu_eff of each beam component the analyses see (pair and full modes).
    rhat_max, ess_bulk_min, ess_tail_min, divergences, converged, seconds
        Diagnostics of the run (:mod:`bayes_tmm.sampling`).
    lambda_max : float
        Upper end of the prior range (1e-10 mu_B).
    """

    selections: tuple[AnalysisSelection, ...]
    mode: str
    prior: str
    prior_name: str
    limits90: tuple[float, float, float]
    chi2_limits: tuple[float, float, float]
    data_constrained: tuple[bool, bool, bool]
    mu_eff_limits90: dict
    rhat_max: float
    ess_bulk_min: float
    ess_tail_min: float
    divergences: int
    converged: bool
    seconds: float
    lambda_max: float
    problems: tuple[str, ...] = field(default=())

    def reportable_limits(self, allow_unconverged: bool = False) -> list[float | None]:
        """The limits that may be printed as results: None where the run did not converge (unless
        ``allow_unconverged``) or where the limit is set by the prior (a blind direction)."""
        out = []
        for value, constrained in zip(self.limits90, self.data_constrained):
            ok = (self.converged or allow_unconverged) and constrained and np.isfinite(value)
            out.append(float(value) if ok else None)
        return out


def _blindness(channels: Sequence[CountingChi2], params: OscillationParameters) -> np.ndarray:
    """True where the summed moment matrix has no Schur complement: |Lambda_i| unconstrained by the data."""
    total = sum(beam_moment_matrix(ch, params) / max(sum(ch.em_events_per_mu2.values()), 1e-300) for ch in channels)
    return schur_complements(total) <= 0


class PosteriorSampler:
    """Samples TMM posteriors, compiling one model per structure and re-using it.

    Parameters
    ----------
    settings : SamplerSettings
        Draws, tuning steps, chains, target_accept, seed, sampler.
    params : OscillationParameters
        Mixing angles and delta_CP (default: the paper's Table-2 set, delta_CP = 0).
    """

    def __init__(self, settings: SamplerSettings | None = None, params: OscillationParameters = TABLE2_PARAMETERS):
        self.settings = settings or SamplerSettings()
        self.params = params
        self._compiled: dict[tuple, CompiledSampler] = {}

    def compiled_for(self, channels, mode: str, prior: Prior, pair=(1, 2)) -> tuple[CompiledSampler, dict]:
        """The compiled sampler of this structure (compiled on first use) and the data to run it with."""
        inputs = model_inputs(channels, self.params)
        key = structure_key(mode, inputs, pair)
        data = {**inputs.data_values(), **prior_data(prior)}
        if key not in self._compiled:
            self._compiled[key] = CompiledSampler(build_model(inputs, mode, prior, pair=pair), self.settings)
        return self._compiled[key], data

    def sample(self, selections: Sequence[AnalysisSelection], mode: str, prior_name: str = "flat", *,
               lambda_max: float | None = None, nuisance_on: str = "signal", seed: int | None = None,
               pair: tuple[int, int] = (1, 2)) -> tuple[SampleResult, PosteriorSummary]:
        """Sample the posterior of the selected analyses and summarize it next to the chi^2."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        selections = tuple(selections)
        channels = channels_for(selections, nuisance_on)
        lmax = default_lambda_max(channels, self.params) if lambda_max is None else lambda_max
        prior = Prior(prior_name, lmax)
        compiled, data = self.compiled_for(channels, mode, prior, pair)
        result = compiled.run(data, seed=seed)
        return result, self.summarize(result, selections, channels, mode, prior, pair)

    def summarize(self, result: SampleResult, selections, channels, mode: str, prior: Prior,
                  pair=(1, 2)) -> PosteriorSummary:
        moduli = result.draws["lambda_moduli"]
        flat = moduli.reshape(-1, moduli.shape[-1])
        q = np.quantile(flat, CREDIBLE_LEVEL, axis=0)
        limits = np.full(3, np.nan)
        if mode == "pair":
            limits[[pair[0] - 1, pair[1] - 1]] = q
        else:
            limits[:] = q
        first = channels[0]
        if mode == "full":
            chi2 = profiled_limits(first, self.params)
            constrained = ~_blindness(channels, self.params)
        else:
            chi2 = one_at_a_time_limits(first, self.params)
            constrained = np.isfinite(chi2) | (len(channels) > 1)
        mu_eff = {}
        if "mu2_eff" in result.draws:
            seen = [c for c in COMPONENTS if any(ch.em_events_per_mu2.get(c, 0.0) > 0 for ch in channels)]
            mu2 = result.draws["mu2_eff"].reshape(-1, len(COMPONENTS))
            for c in seen:
                mu_eff[c] = float(np.sqrt(np.quantile(mu2[:, COMPONENTS.index(c)], CREDIBLE_LEVEL)))
        problems = list(result.diagnostics.problems())
        for i in range(3):
            if not constrained[i]:
                problems.append(f"|Lambda_{i + 1}| is not constrained by the data (blind direction): its limit is "
                                "the prior's")
            elif np.isfinite(limits[i]) and limits[i] > 0.8 * prior.lambda_max:
                problems.append(f"|Lambda_{i + 1}| limit {limits[i]:.3g} is near the prior edge {prior.lambda_max:.3g}")
        d = result.diagnostics
        return PosteriorSummary(
            selections=tuple(selections), mode=mode, prior=prior.describe(), prior_name=prior.name,
            limits90=tuple(float(x) for x in limits), chi2_limits=tuple(float(x) for x in chi2),
            data_constrained=tuple(bool(x) for x in constrained), mu_eff_limits90=mu_eff,
            rhat_max=d.rhat_max, ess_bulk_min=d.ess_bulk_min, ess_tail_min=d.ess_tail_min,
            divergences=d.divergences, converged=d.converged, seconds=result.seconds,
            lambda_max=prior.lambda_max, problems=tuple(problems),
        )


def beam_selections(experiment: str, setup: str, beam: str) -> tuple[AnalysisSelection, ...]:
    """A single analysis, validated against the beams the experiment's source provides."""
    if beam not in BEAMS:
        raise ValueError(f"unknown beam {beam!r}; choose one of {list(BEAMS)}")
    return (AnalysisSelection(experiment, setup, beam),)


def provenance(summary: PosteriorSummary, settings: SamplerSettings, params: OscillationParameters,
               sampler_name: str, command: str = "") -> dict:
    """What made a posterior: spec texts and hashes, prior, sampler settings, seed, versions, summary."""
    from dataclasses import asdict

    from .posterior_io import software_versions

    specs = {s.label(): get_setup(s.experiment, s.setup) for s in summary.selections}
    return {
        "command": command,
        "analyses": [asdict(s) for s in summary.selections],
        "spec_texts": {label: spec.canonical_text for label, spec in specs.items()},
        "spec_sha256": {label: spec.key for label, spec in specs.items()},
        "spec_files": {label: spec.source_file for label, spec in specs.items()},
        "mode": summary.mode,
        "prior": {"name": summary.prior_name, "description": summary.prior, "lambda_max": summary.lambda_max},
        "oscillation_parameters": asdict(params),
        "sampler": {"name": sampler_name, **asdict(settings)},
        "versions": software_versions(),
        "summary": {
            "limits90": list(summary.limits90), "chi2_limits": list(summary.chi2_limits),
            "data_constrained": list(summary.data_constrained), "mu_eff_limits90": summary.mu_eff_limits90,
            "rhat_max": summary.rhat_max, "ess_bulk_min": summary.ess_bulk_min,
            "ess_tail_min": summary.ess_tail_min, "divergences": summary.divergences,
            "converged": summary.converged,
        },
        "units": "1e-10 muB",
    }
