"""Declarative experiment specifications: ``models/*.toml`` -> validated :class:`SetupSpec` objects.

One TOML file per experiment holds its source, its detector material and one table per setup
(``current``, ``future``). Loading validates every field; a bad file gets a :class:`SpecError` naming
the file, the key, the value and what is allowed. Unknown keys are errors too (they are usually typos).

The format (see ``models/csi.toml`` for an annotated example)::

    name = "CsI"                      # experiment name used by the CLI and tables
    description = "..."
    [physics]                         # optional; defaults shown
    form_factor = "symmetrized_fermi" # or "helm", "klein_nystrand"
    em_t_over_4e2_term = false        # EM cross-section convention switch (Eq. 25)
    [source]
    kind = "sns"                      # or "reactor"; the other keys are the source's parameters
    ...
    [detector]
    composition = { Cs = 1, I = 1 }   # atoms per formula unit
    [setups.current]
    mass_kg = 14.57
    exposure_days = 308.1
    bin_edges = [...]                 # optional, in the response's observable unit
    [setups.current.source]           # optional overrides of [source] keys for this setup
    [setups.current.response]         # kind = "flat" or "coherent_csi"
    [setups.current.statistics]       # kind = "coherent_2017" (Eq. 34) or "asimov" (Eq. 35)
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .detectors import THRESHOLD_SCALES, CoherentCsIResponse, FlatResponse
from .form_factors import FORM_FACTORS
from .nuclei import ELEMENTS
from .sources import LOW_ENERGY_MODELS, PionDecayAtRestSource, ReactorSource

__all__ = [
    "SpecError",
    "PhysicsOptions",
    "CoherentCountStatistics",
    "AsimovStatistics",
    "SetupSpec",
    "ExperimentSpec",
    "models_dir",
    "load_experiment",
    "load_all",
    "experiment_names",
    "get_setup",
    "SETUP_NAMES",
    "MODELS_DIR_ENV",
]

#: Environment variable naming the folder of experiment TOML files (default: the repository's ``models/``).
MODELS_DIR_ENV = "BAYES_TMM_MODELS_DIR"
#: Setup names every experiment file must define.
SETUP_NAMES = ("current", "future")


class SpecError(ValueError):
    """An invalid experiment specification; the message names the file, key, value and what is allowed."""


@dataclass(frozen=True)
class PhysicsOptions:
    """Physics conventions of a spec: form factor name and the EM T/(4E^2) switch."""

    form_factor: str = "symmetrized_fermi"
    em_t_over_4e2_term: bool = False


@dataclass(frozen=True)
class CoherentCountStatistics:
    """Eq. (34): a measured count with beam-on prompt-neutron and steady-state backgrounds (COHERENT 2017).

    Attributes
    ----------
    measured_events : float
        N_meas (134: COHERENT's fitted CEvNS count).
    prompt_neutron_background, steady_state_background : float
        B_0n and B_ss in events.
    signal_uncertainty, background_uncertainty : float
        sigma_alpha (on the signal) and sigma_beta (on B_0n), fractional.
    """

    measured_events: float
    prompt_neutron_background: float
    steady_state_background: float
    signal_uncertainty: float
    background_uncertainty: float
    kind: str = "coherent_2017"


@dataclass(frozen=True)
class AsimovStatistics:
    """Eq. (35): a projected sensitivity with Asimov data N_meas = N_SM, no background, one
    normalization nuisance of fractional width ``signal_uncertainty`` (sigma_alpha)."""

    signal_uncertainty: float
    kind: str = "asimov"


@dataclass(frozen=True)
class SetupSpec:
    """One setup (``current`` or ``future``) of one experiment, fully validated.

    Attributes
    ----------
    experiment, setup : str
        Names, e.g. ``"CsI"``, ``"current"``.
    source : PionDecayAtRestSource | ReactorSource
    composition : tuple of (element symbol, atoms per formula unit)
    mass_kg : float
        Active detector mass, kg.
    exposure_days : float
        Live time, days.
    response : FlatResponse | CoherentCsIResponse
    bin_edges : tuple of float or None
        Analysis bins in the response's observable unit; None means one bin (the total count).
    statistics : CoherentCountStatistics | AsimovStatistics
    physics : PhysicsOptions
    source_file : str
        The TOML file it came from.
    canonical_text : str
        The merged setup as canonical JSON (provenance); :attr:`key` is its SHA256.
    """

    experiment: str
    setup: str
    source: PionDecayAtRestSource | ReactorSource
    composition: tuple[tuple[str, float], ...]
    mass_kg: float
    exposure_days: float
    response: FlatResponse | CoherentCsIResponse
    bin_edges: tuple[float, ...] | None
    statistics: CoherentCountStatistics | AsimovStatistics
    physics: PhysicsOptions
    source_file: str
    canonical_text: str

    @property
    def key(self) -> str:
        """SHA256 of the canonical text: identifies the physics content of this setup."""
        return hashlib.sha256(self.canonical_text.encode()).hexdigest()

    @property
    def label(self) -> str:
        return f"{self.experiment} {self.setup}"


@dataclass(frozen=True)
class ExperimentSpec:
    """An experiment with its setups, as loaded from one TOML file."""

    name: str
    description: str
    setups: dict[str, SetupSpec]
    source_file: str


# --- validation helpers -------------------------------------------------------------------------


class _Table:
    """A TOML table being validated: knows its file and key path, tracks which keys were used."""

    def __init__(self, data: dict, file: str, path: str):
        if not isinstance(data, dict):
            raise SpecError(f"{file}: {path or 'top level'} must be a table, got {data!r}")
        self.data, self.file, self.path, self.used = data, file, path, set()

    def _key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, value: Any, allowed: str) -> SpecError:
        return SpecError(f"{self.file}: {self._key(key)} = {value!r} is not allowed: {allowed}")

    def get(self, key: str, kind: str, *, default: Any = ..., check: Callable[[Any], bool] | None = None, allowed: str = ""):
        self.used.add(key)
        if key not in self.data:
            if default is ...:
                raise SpecError(f"{self.file}: missing required key {self._key(key)} ({kind}{', ' + allowed if allowed else ''})")
            return default
        value = self.data[key]
        ok = {
            "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
            "string": lambda v: isinstance(v, str),
            "bool": lambda v: isinstance(v, bool),
            "table": lambda v: isinstance(v, dict),
            "array": lambda v: isinstance(v, list),
        }[kind](value)
        if not ok:
            raise self.error(key, value, f"expected a {kind}{', ' + allowed if allowed else ''}")
        if check is not None and not check(value):
            raise self.error(key, value, allowed)
        return value

    def number(self, key: str, *, default: Any = ..., low: float = -math.inf, high: float = math.inf,
               low_open: bool = False) -> float:
        lo_sym = "(" if low_open else "["
        allowed = f"a number in {lo_sym}{low}, {high}]"
        check = (lambda v: low < v <= high) if low_open else (lambda v: low <= v <= high)
        value = self.get(key, "number", default=default, check=check, allowed=allowed)
        return value if value is None else float(value)

    def choice(self, key: str, choices, *, default: Any = ...) -> str:
        return self.get(key, "string", default=default, check=lambda v: v in choices, allowed=f"one of {list(choices)}")

    def sub(self, key: str, *, default: Any = ...) -> "_Table":
        value = self.get(key, "table", default=default)
        return _Table(value, self.file, self._key(key))

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise SpecError(
                f"{self.file}: unknown key(s) {', '.join(self._key(k) for k in unknown)}; "
                f"allowed keys here: {', '.join(sorted(self.used))}"
            )


def _parse_source(t: _Table):
    kind = t.choice("kind", ("sns", "reactor"))
    if kind == "sns":
        src = PionDecayAtRestSource(
            baseline_m=t.number("baseline_m", low=0, low_open=True),
            protons_on_target_per_day=t.number("protons_on_target_per_day", low=0, low_open=True),
            neutrinos_per_flavour_per_proton=t.number("neutrinos_per_flavour_per_proton", default=0.08, low=0, low_open=True),
        )
    else:
        kwargs = {}
        for key in ("fission_fractions", "energy_per_fission_MeV"):
            if key in t.data:
                sub = t.sub(key)
                bound = 1.0 if key == "fission_fractions" else math.inf
                kwargs[key] = {iso: sub.number(iso, low=0, high=bound) for iso in ("U235", "U238", "Pu239", "Pu241")}
                sub.finish()
        try:
            src = ReactorSource(
                thermal_power_GW=t.number("thermal_power_GW", low=0, low_open=True),
                baseline_m=t.number("baseline_m", low=0, low_open=True),
                min_energy_MeV=t.number("min_energy_MeV", default=0.0, low=0),
                max_energy_MeV=t.number("max_energy_MeV", default=10.0, low=0, low_open=True),
                low_energy_model=t.choice("low_energy_model", LOW_ENERGY_MODELS, default="vogel_engel_1989"),
                **kwargs,
            )
        except ValueError as exc:
            raise SpecError(f"{t.file}: {t.path}: {exc}") from None
    t.finish()
    return src


def _parse_response(t: _Table):
    kind = t.choice("kind", ("flat", "coherent_csi"))
    if kind == "flat":
        resp = FlatResponse(
            threshold_keV=t.number("threshold_keV", low=0, low_open=True),
            threshold_scale=t.choice("threshold_scale", THRESHOLD_SCALES),
            efficiency=t.number("efficiency", low=0, high=1),
        )
    else:
        resp = CoherentCsIResponse(
            pe_per_keVnr=t.number("pe_per_keVnr", default=1.17, low=0, low_open=True),
            efficiency_amplitude=t.number("efficiency_amplitude", default=0.6655, low=0, high=1),
            efficiency_slope_per_pe=t.number("efficiency_slope_per_pe", default=0.4942, low=0, low_open=True),
            efficiency_midpoint_pe=t.number("efficiency_midpoint_pe", default=10.8507),
            pe_max=t.number("pe_max", default=None, low=CoherentCsIResponse.STEP_EDGES_PE[0], low_open=True),
        )
    t.finish()
    return resp


def _parse_statistics(t: _Table):
    kind = t.choice("kind", ("coherent_2017", "asimov"))
    if kind == "coherent_2017":
        stats = CoherentCountStatistics(
            measured_events=t.number("measured_events", low=0),
            prompt_neutron_background=t.number("prompt_neutron_background", low=0),
            steady_state_background=t.number("steady_state_background", low=0),
            signal_uncertainty=t.number("signal_uncertainty", low=0, high=1),
            background_uncertainty=t.number("background_uncertainty", low=0, high=1),
        )
    else:
        stats = AsimovStatistics(signal_uncertainty=t.number("signal_uncertainty", low=0, high=1))
    t.finish()
    return stats


def _parse_setup(name: str, setup: str, merged: dict, file: str) -> SetupSpec:
    top = _Table(merged, file, "")
    physics_t = top.sub("physics", default={})
    physics = PhysicsOptions(
        form_factor=physics_t.choice("form_factor", tuple(FORM_FACTORS), default="symmetrized_fermi"),
        em_t_over_4e2_term=physics_t.get("em_t_over_4e2_term", "bool", default=False),
    )
    physics_t.finish()
    source = _parse_source(top.sub("source"))
    detector = top.sub("detector")
    comp_t = detector.sub("composition")
    composition = []
    for symbol in comp_t.data:
        if symbol not in ELEMENTS:
            raise comp_t.error(symbol, comp_t.data[symbol], f"an element the package knows: {', '.join(ELEMENTS)}")
        composition.append((symbol, comp_t.number(symbol, low=0, low_open=True)))
    if not composition:
        raise SpecError(f"{file}: detector.composition must name at least one element")
    comp_t.finish()
    detector.finish()
    s = top.sub("setup")
    mass_kg = s.number("mass_kg", low=0, low_open=True)
    exposure_days = s.number("exposure_days", low=0, low_open=True)
    response = _parse_response(s.sub("response"))
    edges = s.get("bin_edges", "array", default=None)
    if edges is not None:
        ok = len(edges) >= 2 and all(isinstance(e, (int, float)) and not isinstance(e, bool) and e >= 0 for e in edges)
        if not ok or any(b <= a for a, b in zip(edges[:-1], edges[1:])):
            raise s.error("bin_edges", edges, f"at least two increasing numbers >= 0 in {response.observable_unit}")
        edges = tuple(float(e) for e in edges)
    statistics = _parse_statistics(s.sub("statistics"))
    s.finish()
    top.used.update({"name", "description"})
    top.finish()
    canonical = json.dumps(merged, sort_keys=True, separators=(",", ":"))
    return SetupSpec(
        experiment=name,
        setup=setup,
        source=source,
        composition=tuple(composition),
        mass_kg=mass_kg,
        exposure_days=exposure_days,
        response=response,
        bin_edges=edges,
        statistics=statistics,
        physics=physics,
        source_file=file,
        canonical_text=canonical,
    )


def parse_experiment(data: dict, file: str = "<string>") -> ExperimentSpec:
    """Validate a parsed TOML document (a dict) and build its :class:`ExperimentSpec`."""
    top = _Table(data, file, "")
    name = top.get("name", "string", check=lambda v: bool(v.strip()), allowed="a non-empty name")
    description = top.get("description", "string", default="")
    top.get("physics", "table", default={})
    source = top.get("source", "table")
    top.get("detector", "table")
    setups_t = top.sub("setups")
    top.finish()
    setups = {}
    for setup in SETUP_NAMES:
        sub = setups_t.sub(setup)
        overrides = dict(sub.data)
        source_overrides = overrides.pop("source", {})
        if not isinstance(source_overrides, dict):
            raise sub.error("source", source_overrides, "a table of overrides of [source] keys")
        if "kind" in source_overrides:
            raise sub.error("source.kind", source_overrides["kind"], "a setup may not change the source kind")
        merged_source = {**source, **source_overrides}
        merged = {k: v for k, v in data.items() if k != "setups"}
        merged.update(source=merged_source, setup=overrides)
        setups[setup] = _parse_setup(name, setup, merged, file)
    setups_t.finish()
    return ExperimentSpec(name=name, description=description, setups=setups, source_file=file)


def models_dir(path: str | os.PathLike | None = None) -> Path:
    """The folder of experiment TOML files: ``path`` if given, else ``$BAYES_TMM_MODELS_DIR``, else the
    repository's ``models/`` beside the package."""
    if path is None:
        path = os.environ.get(MODELS_DIR_ENV) or Path(__file__).resolve().parents[1] / "models"
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"experiment specs folder {folder} does not exist; set {MODELS_DIR_ENV} to the folder holding "
            "the *.toml experiment files (the repository's models/)"
        )
    return folder


def load_experiment(file: str | os.PathLike) -> ExperimentSpec:
    """Load and validate one experiment TOML file."""
    file = Path(file)
    try:
        data = tomllib.loads(file.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{file}: not valid TOML: {exc}") from None
    return parse_experiment(data, str(file))


_LOADED: dict[str, dict[str, ExperimentSpec]] = {}


def load_all(path: str | os.PathLike | None = None) -> dict[str, ExperimentSpec]:
    """All experiments in the models folder, by name (files sorted by name; loaded once per folder)."""
    folder = models_dir(path)
    cache_key = str(folder.resolve())
    if cache_key not in _LOADED:
        experiments = {}
        for file in sorted(folder.glob("*.toml")):
            spec = load_experiment(file)
            if spec.name in experiments:
                raise SpecError(f"{file}: experiment name {spec.name!r} is already defined in {experiments[spec.name].source_file}")
            experiments[spec.name] = spec
        _LOADED[cache_key] = experiments
    return _LOADED[cache_key]


def experiment_names(path: str | os.PathLike | None = None) -> list[str]:
    """Names of the experiments in the models folder, in the paper's order where known."""
    order = ["CsI", "HPGe", "LAr", "NaI", "CONUS", "CONNIE", "MINER", "TEXONO", "RED100"]
    names = list(load_all(path))
    return sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))


def get_setup(experiment: str, setup: str, path: str | os.PathLike | None = None) -> SetupSpec:
    """The validated spec of one setup; errors list the available experiments and setups."""
    experiments = load_all(path)
    if experiment not in experiments:
        raise ValueError(f"unknown experiment {experiment!r}; available: {', '.join(experiment_names(path))}")
    if setup not in SETUP_NAMES:
        raise ValueError(f"unknown setup {setup!r}; choose one of {list(SETUP_NAMES)}")
    return experiments[experiment].setups[setup]
