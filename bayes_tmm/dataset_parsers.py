"""Parsers for the released data files registered in :mod:`bayes_tmm.datasets`.

Each loader resolves its file(s) through :func:`bayes_tmm.datasets.dataset_path` (so the
SHA-256 is verified first) and returns a frozen dataclass of read-only numpy arrays whose
docstring lists every field with its unit. Column meanings, units and binning follow the
README.md of each data folder. Bin edges are reconstructed from the (uniformly spaced)
bin centres given in the files.

Units: PE = photoelectrons; keVee / MeVee = electron-equivalent energy; keVnr / MeVnr =
nuclear-recoil energy; µs written ``us`` in names; GWhr = gigawatt-hours of SNS beam;
POT = protons on target; N_h = Borexino number-of-hits energy estimator.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping, TypeAlias

import numpy as np

from bayes_tmm.datasets import DatasetError, dataset_path

__all__ = [
    # generic
    "parse_simple_yaml",
    "QuenchingFactorData",
    # COHERENT CsI 2017
    "CsI2017Histogram",
    "CsI2017ArrivalTimePdfs",
    "CsI2017PromptNeutronPdf",
    "CsI2017Efficiency",
    "CsI2017Parameters",
    "CsI2017Release",
    "load_csi2017_histogram",
    "load_csi2017_arrival_time_pdfs",
    "load_csi2017_prompt_neutron_pdf",
    "load_csi2017_qf_data",
    "load_csi2017_parameters",
    "load_coherent_csi_2017",
    # COHERENT CsI 2021
    "CsI2021Events",
    "CsI2021PeSpectrum",
    "CsI2021TimeDistribution",
    "CsI2021Efficiency",
    "CsI2021ScintillationResponse",
    "CsI2021Release",
    "load_csi2021_events",
    "load_csi2021_pe_spectrum",
    "load_csi2021_time_distribution",
    "load_csi2021_efficiency",
    "load_csi2021_scintillation_response",
    "load_coherent_csi_2021",
    # COHERENT LAr 2020
    "LAR2020_3D_FILES",
    "LAr2020Histogram3D",
    "LAr2020Projection",
    "LAr2020SystematicBand",
    "LAr2020Efficiency",
    "LAr2020Parameters",
    "LAr2020Release",
    "load_lar2020_histogram3d",
    "load_lar2020_projection",
    "load_lar2020_systematic_band",
    "load_lar2020_efficiency",
    "load_lar2020_parameters",
    "load_coherent_lar_2020",
    # Dresden-II
    "DRESDEN_II_RX_ON_DAYS",
    "DRESDEN_II_RX_OFF_DAYS",
    "DresdenIISpectra",
    "DresdenIIQuenching",
    "DresdenIIRelease",
    "load_dresden_ii_spectra",
    "load_dresden_ii_quenching",
    "load_dresden_ii_2022",
    # Borexino
    "BorexinoSpectrum",
    "DigitizedTrace",
    "BorexinoDigitizedBackgrounds",
    "BorexinoRelease",
    "load_borexino_spectrum",
    "load_borexino_digitized_backgrounds",
    "load_borexino_phase2",
    # Reactor spectra
    "HuberSpectrum",
    "MuellerU238Spectrum",
    "KopeikinSpectrum",
    "TabulatedReactorSpectrum",
    "ReactorSpectraRelease",
    "load_huber_spectrum",
    "load_mueller_u238_spectrum",
    "load_kopeikin_spectrum",
    "load_larizgoitia_spectrum",
    "load_reactor_antineutrino_spectra",
]

#: Type of the optional explicit data-directory argument of every loader.
DataDir: TypeAlias = "str | os.PathLike[str] | None"


# =======================================================================================
# Generic helpers
# =======================================================================================


def _ro(values: Any, dtype: Any = float) -> np.ndarray:
    """Read-only copy as a numpy array, so that frozen dataclasses are really immutable."""
    array = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


def _read(name: str, filename: str, data_dir: DataDir) -> str:
    return dataset_path(name, filename, data_dir).read_text(encoding="utf-8")


@dataclass(frozen=True, eq=False)
class _Table:
    comments: tuple[str, ...]  # '#' lines without the '#', in file order
    header: tuple[str, ...]  # non-numeric lines before the first data row
    rows: np.ndarray  # shape (n_rows, n_columns)


def _parse_table(text: str, source: str, delimiter: str | None = None) -> _Table:
    """Numeric table: '#' comments and leading non-numeric header lines are set aside.

    ``delimiter=None`` splits on any whitespace (spaces or tabs, repeated tabs allowed).
    """
    comments: list[str] = []
    header: list[str] = []
    rows: list[list[float]] = []
    for line_number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            comments.append(line.lstrip("#").strip())
            continue
        fields = [f.strip() for f in line.split(delimiter)] if delimiter else line.split()
        try:
            values = [float(f) for f in fields]
        except ValueError:
            if rows:  # text after data has started is an error, not a header
                raise DatasetError(f"{source}: line {line_number} is not numeric: {raw!r}") from None
            header.append(line)
            continue
        if rows and len(values) != len(rows[0]):
            raise DatasetError(
                f"{source}: line {line_number} has {len(values)} columns, expected {len(rows[0])}"
            )
        rows.append(values)
    if not rows:
        raise DatasetError(f"{source}: no numeric rows found")
    return _Table(tuple(comments), tuple(header), np.array(rows, dtype=float))


def _uniform_edges(centers: np.ndarray, source: str) -> np.ndarray:
    """Bin edges from uniformly spaced bin centres (edges halfway, outer edges extrapolated)."""
    widths = np.diff(centers)
    width = float(np.mean(widths))
    if not np.allclose(widths, width, rtol=1e-6, atol=1e-9 * abs(width)):
        raise DatasetError(f"{source}: bin centres are not uniformly spaced")
    return np.concatenate([centers - 0.5 * width, [centers[-1] + 0.5 * width]])


def _grid(coordinates: list[np.ndarray], values: np.ndarray, source: str) -> tuple[list[np.ndarray], np.ndarray]:
    """Reshape long-format rows (coord_1, ..., coord_k, value) into a dense k-dim array.

    Every combination of the unique coordinate values must appear exactly once, whatever
    the row order; otherwise the file is not the regular grid its README describes.
    """
    axes = [np.unique(c) for c in coordinates]
    shape = tuple(len(a) for a in axes)
    indices = tuple(np.searchsorted(a, c) for a, c in zip(axes, coordinates))
    filled = np.zeros(shape, dtype=int)
    np.add.at(filled, indices, 1)
    if not np.all(filled == 1):
        raise DatasetError(f"{source}: rows do not form a complete {shape} grid (each cell exactly once)")
    grid = np.empty(shape, dtype=float)
    grid[indices] = values
    return axes, grid


def _coefficient_blocks(text: str, source: str) -> tuple[tuple[str, ...], np.ndarray]:
    """Coefficient files of the CsI 2021 release: '# label' lines, each followed by one row."""
    labels: list[str] = []
    rows: list[list[float]] = []
    pending_label: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            pending_label = line.lstrip("#").strip()
            continue
        rows.append([float(f) for f in line.split()])
        labels.append(pending_label or "")
    if not rows or any(len(r) != 4 for r in rows):
        raise DatasetError(f"{source}: expected rows of 4 coefficients (a b c d)")
    return tuple(labels), np.array(rows)


def _header_number(comments: tuple[str, ...], pattern: str, source: str) -> float:
    for comment in comments:
        match = re.search(pattern, comment)
        if match:
            return float(match.group(1))
    raise DatasetError(f"{source}: header comment matching {pattern!r} not found")


# ---------------------------------------------------------------------------------------
# Minimal YAML reader for the two release parameter files (no PyYAML dependency).
# Supports: nested mappings, lists of mappings ("- key: value"), literal block scalars
# ("|"), multi-line plain scalars, int/float/str scalars. That is all those files use.
# ---------------------------------------------------------------------------------------

_YAML_KEY = re.compile(r"^([A-Za-z_][\w\-]*):(\s.*|)$")


def _yaml_scalar(text: str) -> Any:
    text = text.strip()
    if text[:1] in ("[", "{", "&", "*", "!"):
        raise DatasetError(f"YAML value {text!r}: flow collections, anchors and tags are not supported")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


class _YamlSubsetParser:
    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.ends_with_newline = text.endswith(("\n", "\r"))
        self.i = 0

    def _peek(self) -> tuple[int, str] | None:
        """(indent, stripped content) of the next non-blank line, without consuming it."""
        while self.i < len(self.lines) and not self.lines[self.i].strip():
            self.i += 1
        if self.i == len(self.lines):
            return None
        raw = self.lines[self.i]
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise DatasetError(f"YAML line {self.i + 1}: tab indentation is not supported")
        return len(raw) - len(raw.lstrip(" ")), raw.strip()

    def parse_node(self, indent: int) -> Any:
        _, content = self._peek()  # type: ignore[misc]
        return self.parse_list(indent) if content.startswith("- ") else self.parse_mapping(indent)

    def parse_mapping(self, indent: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while (nxt := self._peek()) is not None:
            line_indent, content = nxt
            if line_indent < indent or content.startswith("- "):
                break
            match = _YAML_KEY.match(content)
            if line_indent > indent or match is None:
                raise DatasetError(f"YAML line {self.i + 1}: cannot parse {self.lines[self.i]!r}")
            key, rest = match.group(1), match.group(2).strip()
            self.i += 1
            if rest in ("|", "|-", "|+"):
                result[key] = self._block_scalar(indent, chomp=rest[1:])
            elif rest:
                result[key] = _yaml_scalar(rest)
            else:
                result[key] = self._value_on_following_lines(indent)
        return result

    def _value_on_following_lines(self, key_indent: int) -> Any:
        nxt = self._peek()
        if nxt is None:
            return None
        line_indent, content = nxt
        if line_indent == key_indent and content.startswith("- "):
            return self.parse_list(line_indent)
        if line_indent <= key_indent:
            return None
        if content.startswith("- ") or _YAML_KEY.match(content):
            return self.parse_node(line_indent)
        # Multi-line plain scalar: lines are folded with single spaces.
        parts = []
        while (nxt := self._peek()) is not None and nxt[0] > key_indent:
            parts.append(nxt[1])
            self.i += 1
        return _yaml_scalar(" ".join(parts))

    def parse_list(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while (nxt := self._peek()) is not None:
            line_indent, content = nxt
            if line_indent != indent or not content.startswith("- "):
                break
            item = content[2:].strip()
            if _YAML_KEY.match(item):
                # "- key: v" opens a mapping whose keys sit two columns further in.
                raw = self.lines[self.i]
                self.lines[self.i] = raw[:line_indent] + "  " + raw[line_indent + 2 :]
                items.append(self.parse_mapping(line_indent + 2))
            else:
                items.append(_yaml_scalar(item))
                self.i += 1
        return items

    def _block_scalar(self, key_indent: int, chomp: str) -> str:
        collected: list[str] = []
        while self.i < len(self.lines):
            raw = self.lines[self.i]
            if raw.strip() and len(raw) - len(raw.lstrip(" ")) <= key_indent:
                break
            collected.append(raw)
            self.i += 1
        non_blank = [line for line in collected if line.strip()]
        block_indent = min(len(line) - len(line.lstrip(" ")) for line in non_blank) if non_blank else 0
        body = [line[block_indent:] if line.strip() else "" for line in collected]
        had_trailing_blank = bool(body) and not body[-1]
        while body and not body[-1]:
            body.pop()
        text = "\n".join(body)
        # "Clip" chomping keeps the last content line's break, which is absent only when the
        # block is the very end of a file without a final newline.
        has_final_break = had_trailing_blank or self.i < len(self.lines) or self.ends_with_newline
        return text + "\n" if text and chomp != "-" and has_final_break else text


def parse_simple_yaml(text: str) -> dict[str, Any]:
    """Parse the subset of YAML used by the COHERENT release parameter files into dicts/lists."""
    parser = _YamlSubsetParser(text)
    if parser._peek() is None:
        return {}
    result = parser.parse_mapping(0)
    if parser._peek() is not None:
        raise DatasetError(f"YAML line {parser.i + 1}: unexpected content {parser.lines[parser.i]!r}")
    return result


def _value(node: Mapping[str, Any], *keys: str) -> Any:
    """Nested lookup with a clear error if a release parameter is missing."""
    for key in keys:
        if not isinstance(node, Mapping) or key not in node:
            raise DatasetError(f"release parameter {'/'.join(keys)} not found")
        node = node[key]
    return node


def _named_parameters(node: Mapping[str, Any], *keys: str) -> dict[str, Mapping[str, Any]]:
    """The ``parameters:`` list of a YAML block, keyed by each item's ``name``."""
    return {item["name"]: item for item in _value(node, *keys, "parameters")}


# =======================================================================================
# Shared result type
# =======================================================================================


@dataclass(frozen=True, eq=False)
class QuenchingFactorData:
    """Quenching-factor measurements (CsI[Na], COHERENT 2017 release).

    E_ee = QF * E_nr. Horizontal and vertical errors are correlated (not accounted for).
    Rows keep the file order (the TUNL file is not sorted in energy).

    Fields:
        lab: "chicago" or "tunl".
        recoil_energy_keVnr: mean nuclear-recoil energy [keVnr].
        recoil_energy_err_hi_keVnr: upper 1-sigma error on the recoil energy [keVnr].
        recoil_energy_err_lo_keVnr: lower 1-sigma error [keVnr] (= hi for Chicago, symmetric).
        qf: quenching factor [dimensionless].
        qf_err_hi: upper 1-sigma error on QF [dimensionless].
        qf_err_lo: lower 1-sigma error on QF [dimensionless] (= hi for Chicago).
    """

    lab: str
    recoil_energy_keVnr: np.ndarray
    recoil_energy_err_hi_keVnr: np.ndarray
    recoil_energy_err_lo_keVnr: np.ndarray
    qf: np.ndarray
    qf_err_hi: np.ndarray
    qf_err_lo: np.ndarray


# =======================================================================================
# COHERENT CsI[Na] 2017
# =======================================================================================

_CSI2017 = "coherent_csi_2017"


@dataclass(frozen=True, eq=False)
class CsI2017Histogram:
    """COHERENT CsI 2017 event histogram in (PE, arrival time) for one window and beam state.

    Fields:
        window: "C" (coincidence, signal window) or "AC" (anti-coincidence, steady-state background).
        beam: "on" or "off".
        pe_bin_centers: bin centres [PE], shape (25,), 1, 3, ..., 49.
        pe_bin_edges: bin edges [PE], shape (26,), 0 ... 50 (2-PE bins).
        time_bin_centers_us: arrival-time bin centres [µs], shape (24,), 0.25 ... 11.75.
        time_bin_edges_us: arrival-time bin edges [µs], shape (25,), 0 ... 12 (0.5 µs bins).
        counts: events per bin [counts], integer array of shape (25, 24) indexed [pe, time].
    """

    window: str
    beam: str
    pe_bin_centers: np.ndarray
    pe_bin_edges: np.ndarray
    time_bin_centers_us: np.ndarray
    time_bin_edges_us: np.ndarray
    counts: np.ndarray

    @property
    def total(self) -> int:
        """Total number of events [counts]."""
        return int(self.counts.sum())


def load_csi2017_histogram(window: str, beam: str, data_dir: DataDir = None) -> CsI2017Histogram:
    """Load ``data_{coincidence|anticoincidence}_beam{On|Off}.txt`` (rows ``PE, t [µs], counts``).

    Args:
        window: "C" (coincidence) or "AC" (anti-coincidence).
        beam: "on" or "off".
    """
    windows = {"C": "coincidence", "AC": "anticoincidence"}
    beams = {"on": "On", "off": "Off"}
    if window not in windows or beam not in beams:
        raise ValueError(f"window must be 'C' or 'AC' and beam 'on' or 'off', got {window!r}, {beam!r}")
    filename = f"data_{windows[window]}_beam{beams[beam]}.txt"
    table = _parse_table(_read(_CSI2017, filename, data_dir), filename, delimiter=",")
    (pe, time_us), counts = _grid([table.rows[:, 0], table.rows[:, 1]], table.rows[:, 2], filename)
    if not np.all(counts == np.round(counts)):
        raise DatasetError(f"{filename}: counts are not integers")
    return CsI2017Histogram(
        window=window,
        beam=beam,
        pe_bin_centers=_ro(pe),
        pe_bin_edges=_ro(_uniform_edges(pe, filename)),
        time_bin_centers_us=_ro(time_us),
        time_bin_edges_us=_ro(_uniform_edges(time_us, filename)),
        counts=_ro(counts, dtype=np.int64),
    )


@dataclass(frozen=True, eq=False)
class CsI2017ArrivalTimePdfs:
    """Arrival-time PDFs of the CsI 2017 release (probability per 0.5 µs bin; each sums to 1).

    Fields:
        time_bin_centers_us: bin centres [µs], shape (24,), 0.25 ... 11.75.
        time_bin_edges_us: bin edges [µs], shape (25,), 0 ... 12.
        prompt_neutrinos: prompt νμ from π decay [probability per bin].
        delayed_neutrinos: delayed νe and ν̄μ from μ decay [probability per bin].
        prompt_neutrons: prompt beam neutrons [probability per bin].
    """

    time_bin_centers_us: np.ndarray
    time_bin_edges_us: np.ndarray
    prompt_neutrinos: np.ndarray
    delayed_neutrinos: np.ndarray
    prompt_neutrons: np.ndarray


def load_csi2017_arrival_time_pdfs(data_dir: DataDir = None) -> CsI2017ArrivalTimePdfs:
    """Load the three ``arrivalTimePDF_*.txt`` files (rows ``t [µs], probability``)."""
    columns: dict[str, np.ndarray] = {}
    time_us: np.ndarray | None = None
    for key, stem in (
        ("prompt_neutrinos", "promptNeutrinos"),
        ("delayed_neutrinos", "delayedNeutrinos"),
        ("prompt_neutrons", "promptNeutrons"),
    ):
        filename = f"arrivalTimePDF_{stem}.txt"
        rows = _parse_table(_read(_CSI2017, filename, data_dir), filename, delimiter=",").rows
        if time_us is not None and not np.array_equal(rows[:, 0], time_us):
            raise DatasetError(f"{filename}: time binning differs from the other arrival-time PDFs")
        time_us = rows[:, 0]
        columns[key] = _ro(rows[:, 1])
    assert time_us is not None
    return CsI2017ArrivalTimePdfs(
        time_bin_centers_us=_ro(time_us),
        time_bin_edges_us=_ro(_uniform_edges(time_us, "arrivalTimePDF")),
        **columns,
    )


@dataclass(frozen=True, eq=False)
class CsI2017PromptNeutronPdf:
    """Prompt beam-neutron PE spectrum of the CsI 2017 release (``promptPDF.txt``).

    No efficiency is applied; apply :class:`CsI2017Efficiency` at the bin centres.

    Fields:
        pe_bin_centers: bin centres [PE], shape (50,), 0.5 ... 49.5.
        pe_bin_edges: bin edges [PE], shape (51,), 0 ... 50 (1-PE bins).
        counts_per_GWhr: expected prompt-neutron events per bin per GWhr of beam [counts / GWhr].
        exposure_GWhr: beam exposure of the 2017 data set, from the file header [GWhr] (7.47594).
        normalization_rel_uncertainty: overall normalisation uncertainty, from the header
            [fraction] (0.25).
    """

    pe_bin_centers: np.ndarray
    pe_bin_edges: np.ndarray
    counts_per_GWhr: np.ndarray
    exposure_GWhr: float
    normalization_rel_uncertainty: float

    def expected_counts(self) -> np.ndarray:
        """Expected prompt-neutron events per 1-PE bin for the release exposure [counts]."""
        return self.counts_per_GWhr * self.exposure_GWhr


def load_csi2017_prompt_neutron_pdf(data_dir: DataDir = None) -> CsI2017PromptNeutronPdf:
    """Load ``promptPDF.txt`` (rows ``PE bin centre, prompt neutrons / GWhr``; '#' header)."""
    filename = "promptPDF.txt"
    table = _parse_table(_read(_CSI2017, filename, data_dir), filename, delimiter=",")
    pe = table.rows[:, 0]
    return CsI2017PromptNeutronPdf(
        pe_bin_centers=_ro(pe),
        pe_bin_edges=_ro(_uniform_edges(pe, filename)),
        counts_per_GWhr=_ro(table.rows[:, 1]),
        exposure_GWhr=_header_number(table.comments, r"exposure .* is ([\d.]+) GWhr", filename),
        normalization_rel_uncertainty=0.01
        * _header_number(table.comments, r"normalization uncertainty .* is ([\d.]+)\s*%", filename),
    )


def load_csi2017_qf_data(lab: str, data_dir: DataDir = None) -> QuenchingFactorData:
    """Load ``qfData_chicago.txt`` (E, ±σE, QF, ±σQF) or ``qfData_tunl.txt`` (E, +σE, −σE, QF, +σ, −σ).

    Args:
        lab: "chicago" (symmetric errors) or "tunl" (asymmetric errors).
    """
    if lab not in ("chicago", "tunl"):
        raise ValueError(f"lab must be 'chicago' or 'tunl', got {lab!r}")
    filename = f"qfData_{lab}.txt"
    rows = _parse_table(_read(_CSI2017, filename, data_dir), filename, delimiter=",").rows
    if lab == "chicago":
        energy, energy_err, qf, qf_err = rows.T
        energy_hi = energy_lo = energy_err
        qf_hi = qf_lo = qf_err
    else:
        energy, energy_hi, energy_lo, qf, qf_hi, qf_lo = rows.T
    return QuenchingFactorData(
        lab=lab,
        recoil_energy_keVnr=_ro(energy),
        recoil_energy_err_hi_keVnr=_ro(energy_hi),
        recoil_energy_err_lo_keVnr=_ro(energy_lo),
        qf=_ro(qf),
        qf_err_hi=_ro(qf_hi),
        qf_err_lo=_ro(qf_lo),
    )


@dataclass(frozen=True)
class CsI2017Efficiency:
    """CsI 2017 acceptance efficiency f(x) = a / (1 + exp(-k (x - x0))) * H(x - 5), x in PE.

    H is the release's modified step: 0 for x < 5, 1/2 for 5 <= x < 6, 1 for x >= 6 PE.
    The release applies it to 1-PE-binned spectra evaluated at bin centres.

    Fields:
        a, a_err_hi, a_err_lo: plateau [dimensionless] and its asymmetric 1-sigma errors.
        k_per_PE, k_err_hi_per_PE, k_err_lo_per_PE: logistic slope [1/PE] and errors.
        x0_PE, x0_err_hi_PE, x0_err_lo_PE: logistic midpoint [PE] and errors.
    """

    a: float
    a_err_hi: float
    a_err_lo: float
    k_per_PE: float
    k_err_hi_per_PE: float
    k_err_lo_per_PE: float
    x0_PE: float
    x0_err_hi_PE: float
    x0_err_lo_PE: float

    def __call__(self, pe: np.ndarray | float) -> np.ndarray:
        """Efficiency [dimensionless] at reconstructed energy ``pe`` [PE]."""
        x = np.asarray(pe, dtype=float)
        step = np.where(x < 5.0, 0.0, np.where(x < 6.0, 0.5, 1.0))
        return self.a / (1.0 + np.exp(-self.k_per_PE * (x - self.x0_PE))) * step


@dataclass(frozen=True, eq=False)
class CsI2017Parameters:
    """Release parameters of COHERENT CsI 2017 (``coherent_parameters.yaml``).

    Fields:
        beam_exposure_GWhr: effective SNS beam exposure [GWhr].
        distance_m: distance from the SNS target [m].
        qf: CsI[Na] quenching factor [dimensionless]; qf_uncertainty: its 1-sigma error.
        light_yield_PE_per_keVee: light yield [PE/keVee]; light_yield_uncertainty_PE_per_keVee: error.
        neutrinos_per_proton_per_flavor: DAR ν per proton per flavour [1/proton];
            neutrinos_per_proton_uncertainty: its error [1/proton].
        prompt_neutron_normalization: scale of the prompt-neutron PDF [dimensionless] (1);
            prompt_neutron_normalization_uncertainty: its error [dimensionless] (0.25).
        efficiency: the acceptance-efficiency curve with its parameters.
        raw: the whole parsed YAML (nested dicts; includes the comments).
    """

    beam_exposure_GWhr: float
    distance_m: float
    qf: float
    qf_uncertainty: float
    light_yield_PE_per_keVee: float
    light_yield_uncertainty_PE_per_keVee: float
    neutrinos_per_proton_per_flavor: float
    neutrinos_per_proton_uncertainty: float
    prompt_neutron_normalization: float
    prompt_neutron_normalization_uncertainty: float
    efficiency: CsI2017Efficiency
    raw: Mapping[str, Any]


def load_csi2017_parameters(data_dir: DataDir = None) -> CsI2017Parameters:
    """Load ``coherent_parameters.yaml`` and check the units it declares."""
    doc = parse_simple_yaml(_read(_CSI2017, "coherent_parameters.yaml", data_dir))
    for key, unit in (("beamExposure", "GW*hr"), ("distanceToTarget", "m"), ("csiLightYield", "PE/keVee")):
        if _value(doc, key, "units") != unit:
            raise DatasetError(f"coherent_parameters.yaml: {key} units are not {unit!r}")
    eff = _named_parameters(doc, "acceptanceEfficiency")
    return CsI2017Parameters(
        beam_exposure_GWhr=float(_value(doc, "beamExposure", "value")),
        distance_m=float(_value(doc, "distanceToTarget", "value")),
        qf=float(_value(doc, "csiQF", "value")),
        qf_uncertainty=float(_value(doc, "csiQF", "uncertainty")),
        light_yield_PE_per_keVee=float(_value(doc, "csiLightYield", "value")),
        light_yield_uncertainty_PE_per_keVee=float(_value(doc, "csiLightYield", "uncertainty")),
        neutrinos_per_proton_per_flavor=float(_value(doc, "neutrinosPerProton", "value")),
        neutrinos_per_proton_uncertainty=float(_value(doc, "neutrinosPerProton", "uncertainty")),
        prompt_neutron_normalization=float(_value(doc, "promptNeutronNormalization", "value")),
        prompt_neutron_normalization_uncertainty=float(_value(doc, "promptNeutronNormalization", "uncertainty")),
        efficiency=CsI2017Efficiency(
            a=float(eff["a"]["value"]),
            a_err_hi=float(eff["a"]["error_hi"]),
            a_err_lo=float(eff["a"]["error_lo"]),
            k_per_PE=float(eff["k"]["value"]),
            k_err_hi_per_PE=float(eff["k"]["error_hi"]),
            k_err_lo_per_PE=float(eff["k"]["error_lo"]),
            x0_PE=float(eff["x_0"]["value"]),
            x0_err_hi_PE=float(eff["x_0"]["error_hi"]),
            x0_err_lo_PE=float(eff["x_0"]["error_lo"]),
        ),
        raw=MappingProxyType(doc),
    )


@dataclass(frozen=True, eq=False)
class CsI2017Release:
    """Every file of the COHERENT CsI 2017 release, parsed.

    Fields:
        coincidence_beam_on, anticoincidence_beam_on, coincidence_beam_off,
        anticoincidence_beam_off: the four (PE x time) histograms [counts].
        arrival_time_pdfs: prompt/delayed ν and prompt-neutron timing PDFs.
        prompt_neutron_pdf: prompt-neutron PE spectrum [counts / GWhr].
        qf_chicago, qf_tunl: quenching-factor measurements.
        parameters: release parameters incl. the acceptance efficiency.
    """

    coincidence_beam_on: CsI2017Histogram
    anticoincidence_beam_on: CsI2017Histogram
    coincidence_beam_off: CsI2017Histogram
    anticoincidence_beam_off: CsI2017Histogram
    arrival_time_pdfs: CsI2017ArrivalTimePdfs
    prompt_neutron_pdf: CsI2017PromptNeutronPdf
    qf_chicago: QuenchingFactorData
    qf_tunl: QuenchingFactorData
    parameters: CsI2017Parameters


def load_coherent_csi_2017(data_dir: DataDir = None) -> CsI2017Release:
    """Load the whole COHERENT CsI 2017 release."""
    return CsI2017Release(
        coincidence_beam_on=load_csi2017_histogram("C", "on", data_dir),
        anticoincidence_beam_on=load_csi2017_histogram("AC", "on", data_dir),
        coincidence_beam_off=load_csi2017_histogram("C", "off", data_dir),
        anticoincidence_beam_off=load_csi2017_histogram("AC", "off", data_dir),
        arrival_time_pdfs=load_csi2017_arrival_time_pdfs(data_dir),
        prompt_neutron_pdf=load_csi2017_prompt_neutron_pdf(data_dir),
        qf_chicago=load_csi2017_qf_data("chicago", data_dir),
        qf_tunl=load_csi2017_qf_data("tunl", data_dir),
        parameters=load_csi2017_parameters(data_dir),
    )


# =======================================================================================
# COHERENT CsI[Na] 2021 (full data set)
# =======================================================================================

_CSI2021 = "coherent_csi_2021"


@dataclass(frozen=True, eq=False)
class CsI2021Events:
    """Unbinned beam-on events of the CsI 2021 release.

    Fields:
        window: "C" (coincidence, signal window) or "AC" (anti-coincidence, steady-state background).
        energy_PE: reconstructed recoil energy [PE].
        recoil_time_us: recoil time [µs].
    """

    window: str
    energy_PE: np.ndarray
    recoil_time_us: np.ndarray

    @property
    def n_events(self) -> int:
        """Number of events."""
        return int(self.energy_PE.size)


def load_csi2021_events(window: str, data_dir: DataDir = None) -> CsI2021Events:
    """Load ``dataBeamOnC.txt`` or ``dataBeamOnAC.txt`` (rows ``energy [PE], time [µs]``).

    Args:
        window: "C" or "AC".
    """
    if window not in ("C", "AC"):
        raise ValueError(f"window must be 'C' or 'AC', got {window!r}")
    filename = f"dataBeamOn{window}.txt"
    rows = _parse_table(_read(_CSI2021, filename, data_dir), filename).rows
    return CsI2021Events(window=window, energy_PE=_ro(rows[:, 0]), recoil_time_us=_ro(rows[:, 1]))


@dataclass(frozen=True, eq=False)
class CsI2021PeSpectrum:
    """Beam-related (BRN) or neutrino-induced (NIN) neutron PE spectrum of the CsI 2021 release.

    According to the Newtrinos code the weights already include the energy efficiency ε(PE).

    Fields:
        component: "brn" or "nin".
        pe_bin_centers: bin centres [PE], shape (250,), 0.5 ... 249.5.
        pe_bin_edges: bin edges [PE], shape (251,), 0 ... 250 (1-PE bins).
        weight: relative weight per bin [arbitrary normalisation].
    """

    component: str
    pe_bin_centers: np.ndarray
    pe_bin_edges: np.ndarray
    weight: np.ndarray


@dataclass(frozen=True, eq=False)
class CsI2021TimeDistribution:
    """BRN or NIN recoil-time distribution of the CsI 2021 release (no timing efficiency ε(t)).

    Fields:
        component: "brn" or "nin".
        time_bin_centers_us: bin centres [µs], shape (650,), -0.245 ... 6.245.
        time_bin_edges_us: bin edges [µs], shape (651,), -0.25 ... 6.25 (10 ns bins).
        weight: relative weight per bin [arbitrary normalisation].
    """

    component: str
    time_bin_centers_us: np.ndarray
    time_bin_edges_us: np.ndarray
    weight: np.ndarray


def _check_component(component: str) -> None:
    if component not in ("brn", "nin"):
        raise ValueError(f"component must be 'brn' or 'nin', got {component!r}")


def load_csi2021_pe_spectrum(component: str, data_dir: DataDir = None) -> CsI2021PeSpectrum:
    """Load ``brnPE.txt`` or ``ninPE.txt`` (rows ``PE bin centre, weight``)."""
    _check_component(component)
    filename = f"{component}PE.txt"
    rows = _parse_table(_read(_CSI2021, filename, data_dir), filename).rows
    return CsI2021PeSpectrum(
        component=component,
        pe_bin_centers=_ro(rows[:, 0]),
        pe_bin_edges=_ro(_uniform_edges(rows[:, 0], filename)),
        weight=_ro(rows[:, 1]),
    )


def load_csi2021_time_distribution(component: str, data_dir: DataDir = None) -> CsI2021TimeDistribution:
    """Load ``brnTrec.txt`` or ``ninTrec.txt`` (rows ``t bin centre [µs], weight``)."""
    _check_component(component)
    filename = f"{component}Trec.txt"
    rows = _parse_table(_read(_CSI2021, filename, data_dir), filename).rows
    return CsI2021TimeDistribution(
        component=component,
        time_bin_centers_us=_ro(rows[:, 0]),
        time_bin_edges_us=_ro(_uniform_edges(rows[:, 0], filename)),
        weight=_ro(rows[:, 1]),
    )


@dataclass(frozen=True, eq=False)
class CsI2021Efficiency:
    """CsI 2021 energy efficiency ε(x) = a / (1 + exp(-b (x - c))) + d, x in PE.

    Fields:
        labels: the file's comment for each coefficient set; index 0 is the nominal model.
        coefficients: shape (n_sets, 4), columns a [1], b [1/PE], c [PE], d [1].
    """

    labels: tuple[str, ...]
    coefficients: np.ndarray

    def __call__(self, pe: np.ndarray | float, variant: int = 0) -> np.ndarray:
        """Efficiency [dimensionless] at ``pe`` [PE] for coefficient set ``variant`` (0 = nominal)."""
        a, b, c, d = self.coefficients[variant]
        return a / (1.0 + np.exp(-b * (np.asarray(pe, dtype=float) - c))) + d


@dataclass(frozen=True, eq=False)
class CsI2021ScintillationResponse:
    """CsI 2021 scintillation response E_ee(x) = a x + b x² + c x³ + d x⁴, x in MeVnr, E_ee in MeVee.

    Fields:
        labels: the file's comment for each coefficient set; index 0 is the nominal model,
            then ±1σ of systematic models 0 and 1.
        coefficients: shape (n_sets, 4), columns a [MeVee/MeVnr], b [MeVee/MeVnr²],
            c [MeVee/MeVnr³], d [MeVee/MeVnr⁴].
    """

    labels: tuple[str, ...]
    coefficients: np.ndarray

    def electron_equivalent_MeVee(self, recoil_MeVnr: np.ndarray | float, variant: int = 0) -> np.ndarray:
        """Electron-equivalent energy [MeVee] of a nuclear recoil [MeVnr] (0 = nominal set)."""
        x = np.asarray(recoil_MeVnr, dtype=float)
        a, b, c, d = self.coefficients[variant]
        return x * (a + x * (b + x * (c + x * d)))


def load_csi2021_efficiency(data_dir: DataDir = None) -> CsI2021Efficiency:
    """Load ``effCoefficients.txt`` (nominal a b c d, then two systematic sets)."""
    labels, coefficients = _coefficient_blocks(
        _read(_CSI2021, "effCoefficients.txt", data_dir), "effCoefficients.txt"
    )
    return CsI2021Efficiency(labels=labels, coefficients=_ro(coefficients))


def load_csi2021_scintillation_response(data_dir: DataDir = None) -> CsI2021ScintillationResponse:
    """Load ``scintRespCoefficients.txt`` (nominal a b c d, then ±1σ of two systematic models)."""
    labels, coefficients = _coefficient_blocks(
        _read(_CSI2021, "scintRespCoefficients.txt", data_dir), "scintRespCoefficients.txt"
    )
    return CsI2021ScintillationResponse(labels=labels, coefficients=_ro(coefficients))


@dataclass(frozen=True, eq=False)
class CsI2021Release:
    """Every file of the COHERENT CsI 2021 release, parsed.

    Fields:
        coincidence, anticoincidence: unbinned beam-on events (energy [PE], time [µs]).
        brn_pe, nin_pe: neutron PE spectra; brn_time, nin_time: neutron recoil-time distributions.
        efficiency: energy efficiency ε(PE); scintillation_response: E_ee(E_nr) in MeV.
    """

    coincidence: CsI2021Events
    anticoincidence: CsI2021Events
    brn_pe: CsI2021PeSpectrum
    nin_pe: CsI2021PeSpectrum
    brn_time: CsI2021TimeDistribution
    nin_time: CsI2021TimeDistribution
    efficiency: CsI2021Efficiency
    scintillation_response: CsI2021ScintillationResponse


def load_coherent_csi_2021(data_dir: DataDir = None) -> CsI2021Release:
    """Load the whole COHERENT CsI 2021 release."""
    return CsI2021Release(
        coincidence=load_csi2021_events("C", data_dir),
        anticoincidence=load_csi2021_events("AC", data_dir),
        brn_pe=load_csi2021_pe_spectrum("brn", data_dir),
        nin_pe=load_csi2021_pe_spectrum("nin", data_dir),
        brn_time=load_csi2021_time_distribution("brn", data_dir),
        nin_time=load_csi2021_time_distribution("nin", data_dir),
        efficiency=load_csi2021_efficiency(data_dir),
        scintillation_response=load_csi2021_scintillation_response(data_dir),
    )


# =======================================================================================
# COHERENT CENNS-10 LAr 2020, Analysis A
# =======================================================================================

_LAR2020 = "coherent_lar_2020"

#: 3D (E, F90, t) files of the LAr release, by key.
LAR2020_3D_FILES: Mapping[str, str] = MappingProxyType(
    {
        "data": "datanobkgsub.txt",
        "steady_state": "bkgpdf.txt",
        "cevns": "cevnspdf.txt",
        "cevns_f90_plus1sigma": "cevnspdf+1sigF90.txt",
        "cevns_f90_minus1sigma": "cevnspdf-1sigF90.txt",
        "cevns_timing_mean": "cevnspdfCEvNSTimingMeanSyst.txt",
        "brn": "brnpdf.txt",
        "brn_energy_plus1sigma": "brnpdf+1sigEnergy.txt",
        "brn_energy_minus1sigma": "brnpdf-1sigEnergy.txt",
        "brn_timing_mean_plus1sigma": "brnpdf+1sigBRNTimingMean.txt",
        "brn_timing_mean_minus1sigma": "brnpdf-1sigBRNTimingMean.txt",
        "brn_timing_width": "brnpdfBRNTimingWidthSyst.txt",
        "delayed_brn": "delbrnpdf.txt",
    }
)


@dataclass(frozen=True, eq=False)
class LAr2020Histogram3D:
    """One 3D (energy, F90, time) histogram of the LAr Analysis A release.

    Fields:
        key: key in :data:`LAR2020_3D_FILES` ("data", "cevns", "brn", ...).
        energy_bin_centers_keVee: [keVee], shape (12,), 5 ... 115.
        energy_bin_edges_keVee: [keVee], shape (13,), 0 ... 120 (10 keVee bins).
        f90_bin_centers: pulse-shape parameter F90 [dimensionless], shape (8,), 0.525 ... 0.875.
        f90_bin_edges: [dimensionless], shape (9,), 0.5 ... 0.9 (0.05 bins).
        time_bin_centers_us: [µs], shape (10,), 0.15 ... 4.65.
        time_bin_edges_us: [µs], shape (11,), -0.1 ... 4.9 (0.5 µs bins).
        values: shape (12, 8, 10) indexed [energy, f90, time]: observed counts for "data",
            otherwise expected events per bin normalised to the predicted total [counts].
    """

    key: str
    energy_bin_centers_keVee: np.ndarray
    energy_bin_edges_keVee: np.ndarray
    f90_bin_centers: np.ndarray
    f90_bin_edges: np.ndarray
    time_bin_centers_us: np.ndarray
    time_bin_edges_us: np.ndarray
    values: np.ndarray

    @property
    def total(self) -> float:
        """Sum over all bins [counts]."""
        return float(self.values.sum())


def load_lar2020_histogram3d(key: str, data_dir: DataDir = None) -> LAr2020Histogram3D:
    """Load one 3D file (rows ``E [keVee], F90, t [µs], value``); ``key`` from :data:`LAR2020_3D_FILES`."""
    if key not in LAR2020_3D_FILES:
        raise ValueError(f"unknown LAr 3D key {key!r}; choose from {', '.join(LAR2020_3D_FILES)}")
    filename = LAR2020_3D_FILES[key]
    rows = _parse_table(_read(_LAR2020, filename, data_dir), filename).rows
    (energy, f90, time_us), values = _grid([rows[:, 0], rows[:, 1], rows[:, 2]], rows[:, 3], filename)
    return LAr2020Histogram3D(
        key=key,
        energy_bin_centers_keVee=_ro(energy),
        energy_bin_edges_keVee=_ro(_uniform_edges(energy, filename)),
        f90_bin_centers=_ro(f90),
        f90_bin_edges=_ro(_uniform_edges(f90, filename)),
        time_bin_centers_us=_ro(time_us),
        time_bin_edges_us=_ro(_uniform_edges(time_us, filename)),
        values=_ro(values),
    )


_LAR_AXES = {
    "energy": ("energydata1d.txt", "systerrors1denergy.txt"),
    "f90": ("f90data1d.txt", "systerrors1dpsd.txt"),
    "time": ("timingdata1d.txt", "systerrors1dtime.txt"),
}


def _check_axis(axis: str) -> None:
    if axis not in _LAR_AXES:
        raise ValueError(f"axis must be one of {', '.join(_LAR_AXES)}, got {axis!r}")


@dataclass(frozen=True, eq=False)
class LAr2020Projection:
    """1D projection of the LAr Analysis A fit (``{energy,f90,timing}data1d.txt``).

    Fields:
        axis: "energy" (bin_centers in keVee), "f90" (dimensionless) or "time" (µs).
        bin_centers: bin centres [keVee | 1 | µs].
        ss_subtracted_data: beam-on data minus steady-state background [counts per bin].
        data_stat_error: statistical error of that [counts].
        cevns: best-fit CEvNS [counts]; brn: best-fit prompt+delayed BRN [counts];
        cevns_plus_brn: their sum [counts].
        syst_band_low, syst_band_high: the columns the README calls "syst. error low/high";
            they are absolute lower/upper edges of the systematic band on cevns_plus_brn
            [counts] (their ratio to cevns_plus_brn is the relative band of
            :class:`LAr2020SystematicBand`).
    """

    axis: str
    bin_centers: np.ndarray
    ss_subtracted_data: np.ndarray
    data_stat_error: np.ndarray
    cevns: np.ndarray
    brn: np.ndarray
    cevns_plus_brn: np.ndarray
    syst_band_low: np.ndarray
    syst_band_high: np.ndarray


def load_lar2020_projection(axis: str, data_dir: DataDir = None) -> LAr2020Projection:
    """Load a 1D projection (one header line, 8 columns); ``axis`` is "energy", "f90" or "time"."""
    _check_axis(axis)
    filename = _LAR_AXES[axis][0]
    table = _parse_table(_read(_LAR2020, filename, data_dir), filename)
    if len(table.header) != 1 or table.rows.shape[1] != 8:
        raise DatasetError(f"{filename}: expected one header line and 8 columns")
    columns = [_ro(c) for c in table.rows.T]
    return LAr2020Projection(axis, *columns)


@dataclass(frozen=True, eq=False)
class LAr2020SystematicBand:
    """Relative systematic band of a LAr 1D projection (``systerrors1d*.txt``).

    Fields:
        axis: "energy" (keVee), "f90" (dimensionless) or "time" (µs).
        bin_centers: bin centres [keVee | 1 | µs].
        relative_low, relative_high: lower/upper band edge divided by the CEvNS+BRN
            prediction [dimensionless].
    """

    axis: str
    bin_centers: np.ndarray
    relative_low: np.ndarray
    relative_high: np.ndarray


def load_lar2020_systematic_band(axis: str, data_dir: DataDir = None) -> LAr2020SystematicBand:
    """Load ``systerrors1d{energy,psd,time}.txt`` (rows ``bin centre, low, high``)."""
    _check_axis(axis)
    filename = _LAR_AXES[axis][1]
    rows = _parse_table(_read(_LAR2020, filename, data_dir), filename).rows
    return LAr2020SystematicBand(axis, _ro(rows[:, 0]), _ro(rows[:, 1]), _ro(rows[:, 2]))


@dataclass(frozen=True, eq=False)
class LAr2020Efficiency:
    """CENNS-10 Analysis A acceptance efficiency (``CENNS10AnlAEfficiency.txt``).

    Fields:
        energy_bin_centers_keVee: [keVee], shape (80,), 0.25 ... 39.75.
        energy_bin_edges_keVee: [keVee], shape (81,), 0 ... 40 (0.5 keVee bins).
        energy_bin_centers_keVnr: the same bin centres as nuclear-recoil energy [keVnr].
        efficiency: acceptance efficiency [dimensionless].
    """

    energy_bin_centers_keVee: np.ndarray
    energy_bin_edges_keVee: np.ndarray
    energy_bin_centers_keVnr: np.ndarray
    efficiency: np.ndarray


def load_lar2020_efficiency(data_dir: DataDir = None) -> LAr2020Efficiency:
    """Load ``CENNS10AnlAEfficiency.txt`` (rows ``E [keVee], E [keVnr], efficiency``)."""
    filename = "CENNS10AnlAEfficiency.txt"
    rows = _parse_table(_read(_LAR2020, filename, data_dir), filename).rows
    return LAr2020Efficiency(
        energy_bin_centers_keVee=_ro(rows[:, 0]),
        energy_bin_edges_keVee=_ro(_uniform_edges(rows[:, 0], filename)),
        energy_bin_centers_keVnr=_ro(rows[:, 1]),
        efficiency=_ro(rows[:, 2]),
    )


@dataclass(frozen=True, eq=False)
class LAr2020Parameters:
    """Release parameters of CENNS-10 Analysis A (``LArParametersAnlA.yaml``).

    Fields:
        exposure_1e22_POT: beam exposure [10²² protons on target] (13.8).
        exposure_GWhr: the same exposure as integrated beam power [GWhr] (6.12, from the comment).
        distance_m: distance from the SNS target [m].
        fiducial_mass_kg, fiducial_mass_uncertainty_kg: CENNS-10 fiducial mass and error [kg].
        qf_a, qf_a_uncertainty: QF = a + b T; a [dimensionless].
        qf_b_per_keVnr, qf_b_uncertainty_per_keVnr: b [1/keVnr].
        neutrinos_per_proton_per_flavor, neutrinos_per_proton_uncertainty: [1/proton].
        bestfit_cevns, bestfit_cevns_uncertainty: best-fit CEvNS events [counts]
            (the YAML key is ``uncertainty_stat`` although its comment says stat+syst).
        bestfit_prompt_brn, bestfit_prompt_brn_uncertainty: [counts].
        bestfit_delayed_brn, bestfit_delayed_brn_uncertainty: [counts].
        bestfit_steady_state, bestfit_steady_state_uncertainty: [counts].
        predicted_cevns, predicted_prompt_brn, predicted_delayed_brn, predicted_steady_state
            and their *_uncertainty: pre-fit normalisations [counts].
        energy_resolution_a_sqrt_keVee: σ/E = a / sqrt(E [keVee]); a [keVee^(1/2)].
        pot_trace_mean_ns, pot_trace_mean_uncertainty_ns, pot_trace_width_ns: Gaussian
            protons-on-target time trace [ns].
        raw: the whole parsed YAML.
    """

    exposure_1e22_POT: float
    exposure_GWhr: float
    distance_m: float
    fiducial_mass_kg: float
    fiducial_mass_uncertainty_kg: float
    qf_a: float
    qf_a_uncertainty: float
    qf_b_per_keVnr: float
    qf_b_uncertainty_per_keVnr: float
    neutrinos_per_proton_per_flavor: float
    neutrinos_per_proton_uncertainty: float
    bestfit_cevns: float
    bestfit_cevns_uncertainty: float
    bestfit_prompt_brn: float
    bestfit_prompt_brn_uncertainty: float
    bestfit_delayed_brn: float
    bestfit_delayed_brn_uncertainty: float
    bestfit_steady_state: float
    bestfit_steady_state_uncertainty: float
    predicted_cevns: float
    predicted_cevns_uncertainty: float
    predicted_prompt_brn: float
    predicted_prompt_brn_uncertainty: float
    predicted_delayed_brn: float
    predicted_delayed_brn_uncertainty: float
    predicted_steady_state: float
    predicted_steady_state_uncertainty: float
    energy_resolution_a_sqrt_keVee: float
    pot_trace_mean_ns: float
    pot_trace_mean_uncertainty_ns: float
    pot_trace_width_ns: float
    raw: Mapping[str, Any]


def load_lar2020_parameters(data_dir: DataDir = None) -> LAr2020Parameters:
    """Load ``LArParametersAnlA.yaml`` and check the units it declares."""
    doc = parse_simple_yaml(_read(_LAR2020, "LArParametersAnlA.yaml", data_dir))
    if _value(doc, "beamExposure", "units") != "E22 POT" or _value(doc, "fiducialMass", "units") != "kg":
        raise DatasetError("LArParametersAnlA.yaml: unexpected units for beamExposure or fiducialMass")
    gwhr = re.search(r"([\d.]+)\s*GWhr", str(_value(doc, "beamExposure", "comment")))
    if gwhr is None:
        raise DatasetError("LArParametersAnlA.yaml: exposure in GWhr not found in beamExposure comment")
    qf = _named_parameters(doc, "larQF")
    resolution = _named_parameters(doc, "energyResolution")
    trace = _named_parameters(doc, "snsPOTTraceTiming")

    def value_and_error(key: str, error_key: str = "uncertainty") -> tuple[float, float]:
        return float(_value(doc, key, "value")), float(_value(doc, key, error_key))

    fields: dict[str, float] = {}
    for prefix, key, error_key in (
        ("bestfit_cevns", "cevnsBestfitNormalization", "uncertainty_stat"),
        ("bestfit_prompt_brn", "promptBeamRelatedNeutronBestfitNormalization", "uncertainty"),
        ("bestfit_delayed_brn", "delayedBeamRelatedNeutronBestfitNormalization", "uncertainty"),
        ("bestfit_steady_state", "ssBackgroundBestfitNormalization", "uncertainty"),
        ("predicted_cevns", "cevnsPredictionNormalization", "uncertainty"),
        ("predicted_prompt_brn", "promptBeamRelatedNeutronPredictionNormalization", "uncertainty"),
        ("predicted_delayed_brn", "delayedBeamRelatedNeutronPredictionNormalization", "uncertainty"),
        ("predicted_steady_state", "ssBackgroundPredictionNormalization", "uncertainty"),
    ):
        fields[prefix], fields[prefix + "_uncertainty"] = value_and_error(key, error_key)
    mass, mass_error = value_and_error("fiducialMass")
    nu_per_proton, nu_per_proton_error = value_and_error("neutrinosPerProton")
    return LAr2020Parameters(
        exposure_1e22_POT=float(_value(doc, "beamExposure", "value")),
        exposure_GWhr=float(gwhr.group(1)),
        distance_m=float(_value(doc, "distanceToTarget", "value")),
        fiducial_mass_kg=mass,
        fiducial_mass_uncertainty_kg=mass_error,
        qf_a=float(qf["a"]["value"]),
        qf_a_uncertainty=float(qf["a"]["uncertainty"]),
        qf_b_per_keVnr=float(qf["b"]["value"]),
        qf_b_uncertainty_per_keVnr=float(qf["b"]["uncertainty"]),
        neutrinos_per_proton_per_flavor=nu_per_proton,
        neutrinos_per_proton_uncertainty=nu_per_proton_error,
        energy_resolution_a_sqrt_keVee=float(resolution["a"]["value"]),
        pot_trace_mean_ns=float(trace["a"]["value"]),
        pot_trace_mean_uncertainty_ns=float(trace["a"]["uncertainty"]),
        pot_trace_width_ns=float(trace["b"]["value"]),
        raw=MappingProxyType(doc),
        **fields,
    )


@dataclass(frozen=True, eq=False)
class LAr2020Release:
    """Every file of the CENNS-10 LAr Analysis A release, parsed.

    Fields:
        histograms: 3D histograms keyed as in :data:`LAR2020_3D_FILES` ("data" = observed counts).
        projections: 1D projections keyed "energy", "f90", "time".
        systematic_bands: relative 1D systematic bands keyed "energy", "f90", "time".
        efficiency: acceptance efficiency vs energy.
        parameters: release parameters.
    """

    histograms: Mapping[str, LAr2020Histogram3D]
    projections: Mapping[str, LAr2020Projection]
    systematic_bands: Mapping[str, LAr2020SystematicBand]
    efficiency: LAr2020Efficiency
    parameters: LAr2020Parameters


def load_coherent_lar_2020(data_dir: DataDir = None) -> LAr2020Release:
    """Load the whole CENNS-10 LAr Analysis A release."""
    return LAr2020Release(
        histograms=MappingProxyType({k: load_lar2020_histogram3d(k, data_dir) for k in LAR2020_3D_FILES}),
        projections=MappingProxyType({a: load_lar2020_projection(a, data_dir) for a in _LAR_AXES}),
        systematic_bands=MappingProxyType({a: load_lar2020_systematic_band(a, data_dir) for a in _LAR_AXES}),
        efficiency=load_lar2020_efficiency(data_dir),
        parameters=load_lar2020_parameters(data_dir),
    )


# =======================================================================================
# Dresden-II (2022)
# =======================================================================================

_DRESDEN = "dresden_ii_2022"

#: Live times stated in the Dresden-II folder README [days] (not in the data file itself).
DRESDEN_II_RX_ON_DAYS = 96.4
DRESDEN_II_RX_OFF_DAYS = 25.0


@dataclass(frozen=True, eq=False)
class DresdenIISpectra:
    """Dresden-II Ge reactor-on / reactor-off ionisation spectra (``data_release.txt``).

    The rate unit is as labelled in the source code, "counts / (10 eV · 3 kg · day)"; the README
    calls the absolute normalisation ambiguous (check against Fig. 1 of arXiv:2202.09672).
    The errors combine statistical and signal-acceptance uncertainties (not √N).

    Fields:
        energy_bin_centers_keVee: ionisation energy [keVee], shape (130,), 0.205 ... 1.495.
        energy_bin_edges_keVee: [keVee], shape (131,), 0.20 ... 1.50 (10 eV bins).
        rx_on_rate, rx_on_error: reactor-on rate and its error [counts / (10 eV · 3 kg · day)].
        rx_off_rate, rx_off_error: reactor-off rate and its error [same unit].
        rx_on_days: reactor-on live time [days] (96.4, from the README).
        rx_off_days: reactor-off live time [days] (25, from the README).
    """

    energy_bin_centers_keVee: np.ndarray
    energy_bin_edges_keVee: np.ndarray
    rx_on_rate: np.ndarray
    rx_on_error: np.ndarray
    rx_off_rate: np.ndarray
    rx_off_error: np.ndarray
    rx_on_days: float = DRESDEN_II_RX_ON_DAYS
    rx_off_days: float = DRESDEN_II_RX_OFF_DAYS


def load_dresden_ii_spectra(data_dir: DataDir = None) -> DresdenIISpectra:
    """Load ``data_release.txt`` (5 columns: E [keVee], Rx-ON, error, Rx-OFF, error)."""
    filename = "data_release.txt"
    rows = _parse_table(_read(_DRESDEN, filename, data_dir), filename).rows
    energy, on, on_err, off, off_err = rows.T
    return DresdenIISpectra(
        energy_bin_centers_keVee=_ro(energy),
        energy_bin_edges_keVee=_ro(_uniform_edges(energy, filename)),
        rx_on_rate=_ro(on),
        rx_on_error=_ro(on_err),
        rx_off_rate=_ro(off),
        rx_off_error=_ro(off_err),
    )


@dataclass(frozen=True, eq=False)
class DresdenIIQuenching:
    """Germanium quenching-factor models used with Dresden-II (``QF_Fef_YBe.txt``).

    E_ee = T_nr · QF(T_nr).

    Fields:
        recoil_energy_keVnr: nuclear-recoil energy grid [keVnr], shape (451,), 0 ... 4.5 in 10 eV steps.
        qf_fef: QF of the iron-filtered-neutron model [dimensionless].
        qf_ybe: QF of the YBe photoneutron model [dimensionless].
    """

    recoil_energy_keVnr: np.ndarray
    qf_fef: np.ndarray
    qf_ybe: np.ndarray

    def ionization_energy_keVee(self, recoil_keVnr: np.ndarray | float, model: str = "fef") -> np.ndarray:
        """E_ee [keVee] = T · QF(T) with QF linearly interpolated on the table (T in keVnr, ≤ 4.5)."""
        table = {"fef": self.qf_fef, "ybe": self.qf_ybe}[model]
        t = np.asarray(recoil_keVnr, dtype=float)
        return t * np.interp(t, self.recoil_energy_keVnr, table)


def load_dresden_ii_quenching(data_dir: DataDir = None) -> DresdenIIQuenching:
    """Load ``QF_Fef_YBe.txt`` (rows ``T [keVnr], QF Fef, QF YBe``)."""
    filename = "QF_Fef_YBe.txt"
    rows = _parse_table(_read(_DRESDEN, filename, data_dir), filename).rows
    return DresdenIIQuenching(_ro(rows[:, 0]), _ro(rows[:, 1]), _ro(rows[:, 2]))


@dataclass(frozen=True, eq=False)
class DresdenIIRelease:
    """Both Dresden-II files, parsed. Fields: spectra (Rx-ON/OFF), quenching (QF tables)."""

    spectra: DresdenIISpectra
    quenching: DresdenIIQuenching


def load_dresden_ii_2022(data_dir: DataDir = None) -> DresdenIIRelease:
    """Load the Dresden-II spectra and quenching tables."""
    return DresdenIIRelease(load_dresden_ii_spectra(data_dir), load_dresden_ii_quenching(data_dir))


# =======================================================================================
# Borexino Phase-II
# =======================================================================================

_BOREXINO = "borexino_phase2"


@dataclass(frozen=True, eq=False)
class BorexinoSpectrum:
    """Borexino Phase-II TFC-subtracted spectrum (Nature 562 (2018) 505, Fig. 2a open data).

    One row per 1-N_h bin. Rate unit: counts / (day · 100 t · N_h). Bins with zero rate
    also have zero error.

    Fields:
        row_index: row number [1 ... 859].
        n_hits: N_h energy estimator at the bin [hits], 92 ... 950 (1-N_h bins).
        energy_keV: electron-equivalent energy of the bin [keV], 212 ... 2629.
        kev_per_nhit: bin width in energy [keV / N_h], 2.35 ... 3.28.
        rate: measured rate [counts / (day · 100 t · N_h)].
        rate_error: its uncertainty [same unit].
        residual: (data − best fit) / error [dimensionless].
    """

    row_index: np.ndarray
    n_hits: np.ndarray
    energy_keV: np.ndarray
    kev_per_nhit: np.ndarray
    rate: np.ndarray
    rate_error: np.ndarray
    residual: np.ndarray

    @property
    def best_fit_rate(self) -> np.ndarray:
        """Collaboration best-fit model, rate − residual × error [counts / (day · 100 t · N_h)]."""
        return self.rate - self.residual * self.rate_error


def load_borexino_spectrum(data_dir: DataDir = None) -> BorexinoSpectrum:
    """Load ``Nature2018_Fig2a_DATA.txt`` (7 tab/whitespace-separated columns, no header)."""
    filename = "Nature2018_Fig2a_DATA.txt"
    rows = _parse_table(_read(_BOREXINO, filename, data_dir), filename).rows
    if rows.shape[1] != 7:
        raise DatasetError(f"{filename}: expected 7 columns, found {rows.shape[1]}")
    index, n_hits, energy, width, rate, error, residual = rows.T
    return BorexinoSpectrum(
        row_index=_ro(index, dtype=np.int64),
        n_hits=_ro(n_hits, dtype=np.int64),
        energy_keV=_ro(energy),
        kev_per_nhit=_ro(width),
        rate=_ro(rate),
        rate_error=_ro(error),
        residual=_ro(residual),
    )


@dataclass(frozen=True, eq=False)
class DigitizedTrace:
    """A digitised (WebPlotDigitizer-style) background curve; a rough shape, not official data.

    Fields:
        component: e.g. "bi210", "c11", "kr85", "po210", "c14".
        energy_keV: abscissa [keV] (file order, not necessarily monotonic).
        rate: ordinate [counts / (day · 100 t · N_h)].
    """

    component: str
    energy_keV: np.ndarray
    rate: np.ndarray


@dataclass(frozen=True, eq=False)
class BorexinoDigitizedBackgrounds:
    """Digitised Borexino background shapes from pyCEvNS.

    Fields:
        traces: from the ``*.txt`` files, keyed "bi210", "c11", "kr85", "po210".
        csv_traces: from ``borexino_background_sample_datasets.csv``, keyed "bi", "kr", "po", "c14", "c11".
    """

    traces: Mapping[str, DigitizedTrace]
    csv_traces: Mapping[str, DigitizedTrace]


_BOREXINO_TRACE_FILES = {
    "bi210": "bismuth210.txt",
    "c11": "carbon11.txt",
    "kr85": "krypton85.txt",
    "po210": "polonium210.txt",
}


def _parse_xy_pairs_csv(text: str, source: str) -> dict[str, DigitizedTrace]:
    """CSV with a component-name row, an 'X,Y' row, then X,Y pairs (empty where a trace ended)."""
    lines = [line for line in text.splitlines() if line.strip()]
    names = [n.strip() for n in lines[0].split(",")[0::2]]
    if any(line.split(",")[0::2] != ["X"] * len(names) for line in lines[1:2]):
        raise DatasetError(f"{source}: second header row should be X,Y pairs")
    points: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for line in lines[2:]:
        fields = [f.strip() for f in line.split(",")]
        for j, name in enumerate(names):
            x, y = fields[2 * j], fields[2 * j + 1]
            if x and y:
                points[name].append((float(x), float(y)))
            elif x or y:
                raise DatasetError(f"{source}: half-empty X,Y pair for {name!r}")
    return {
        name: DigitizedTrace(name, _ro([p[0] for p in pts]), _ro([p[1] for p in pts]))
        for name, pts in points.items()
    }


def load_borexino_digitized_backgrounds(data_dir: DataDir = None) -> BorexinoDigitizedBackgrounds:
    """Load ``digitized_backgrounds_pyCEvNS/*`` (``energy [keV], rate`` text files and the X,Y CSV)."""
    folder = "digitized_backgrounds_pyCEvNS/"
    traces = {}
    for component, filename in _BOREXINO_TRACE_FILES.items():
        rows = _parse_table(_read(_BOREXINO, folder + filename, data_dir), filename, delimiter=",").rows
        traces[component] = DigitizedTrace(component, _ro(rows[:, 0]), _ro(rows[:, 1]))
    csv_name = "borexino_background_sample_datasets.csv"
    csv_traces = _parse_xy_pairs_csv(_read(_BOREXINO, folder + csv_name, data_dir), csv_name)
    return BorexinoDigitizedBackgrounds(MappingProxyType(traces), MappingProxyType(csv_traces))


@dataclass(frozen=True, eq=False)
class BorexinoRelease:
    """Borexino Phase-II files, parsed. Fields: spectrum (official), backgrounds (digitised)."""

    spectrum: BorexinoSpectrum
    backgrounds: BorexinoDigitizedBackgrounds


def load_borexino_phase2(data_dir: DataDir = None) -> BorexinoRelease:
    """Load the Borexino Phase-II spectrum and digitised background shapes."""
    return BorexinoRelease(load_borexino_spectrum(data_dir), load_borexino_digitized_backgrounds(data_dir))


# =======================================================================================
# Reactor antineutrino spectra
# =======================================================================================

_REACTOR = "reactor_antineutrino_spectra"
_HUBER_ISOTOPES = ("U235", "Pu239", "Pu241")


@dataclass(frozen=True, eq=False)
class HuberSpectrum:
    """Huber (2011) ν̄e spectrum of one fissile isotope with its error breakdown.

    All ``rel_err_*`` are fractional errors (absolute error = fraction × spectrum); the
    ``*_neg`` columns carry the sign of the file (≤ 0), the ``*_pos`` ones are ≥ 0.

    Fields:
        isotope: "U235", "Pu239" or "Pu241".
        energy_MeV: ν̄e energy [MeV], shape (25,), 2.00 ... 8.00 in 0.25 MeV steps.
        spectrum: ν̄e per MeV per fission [1 / (MeV · fission)].
        rel_err_stat_neg, rel_err_stat_pos: statistical [fraction].
        rel_err_bias_neg, rel_err_bias_pos: conversion bias [fraction].
        rel_err_z_neg, rel_err_z_pos: effective-Z [fraction].
        rel_err_wm_neg, rel_err_wm_pos: weak magnetism [fraction].
        rel_err_norm_neg, rel_err_norm_pos: normalisation [fraction].
        rel_err_total_neg, rel_err_total_pos: total [fraction].
    """

    isotope: str
    energy_MeV: np.ndarray
    spectrum: np.ndarray
    rel_err_stat_neg: np.ndarray
    rel_err_stat_pos: np.ndarray
    rel_err_bias_neg: np.ndarray
    rel_err_bias_pos: np.ndarray
    rel_err_z_neg: np.ndarray
    rel_err_z_pos: np.ndarray
    rel_err_wm_neg: np.ndarray
    rel_err_wm_pos: np.ndarray
    rel_err_norm_neg: np.ndarray
    rel_err_norm_pos: np.ndarray
    rel_err_total_neg: np.ndarray
    rel_err_total_pos: np.ndarray


def load_huber_spectrum(isotope: str, data_dir: DataDir = None) -> HuberSpectrum:
    """Load ``<isotope>-anti-neutrino-flux-250keV.csv`` (one header row, 14 columns)."""
    if isotope not in _HUBER_ISOTOPES:
        raise ValueError(f"isotope must be one of {', '.join(_HUBER_ISOTOPES)}, got {isotope!r}")
    filename = f"{isotope}-anti-neutrino-flux-250keV.csv"
    table = _parse_table(_read(_REACTOR, filename, data_dir), filename, delimiter=",")
    if table.rows.shape[1] != 14:
        raise DatasetError(f"{filename}: expected 14 columns, found {table.rows.shape[1]}")
    return HuberSpectrum(isotope, *(_ro(c) for c in table.rows.T))


@dataclass(frozen=True, eq=False)
class MuellerU238Spectrum:
    """Mueller et al. (2011) ab-initio ²³⁸U spectra (``U238-anti-neutrino-flux-Muller.csv``).

    Fields:
        energy_MeV: kinetic energy [MeV], shape (25,), 2.00 ... 8.00.
        beta_12h, beta_450d: β spectrum after 12 h / 450 d of irradiation [1 / (MeV · fission)].
        antineutrino_12h, antineutrino_450d: ν̄e spectrum after 12 h / 450 d [1 / (MeV · fission)].
    """

    energy_MeV: np.ndarray
    beta_12h: np.ndarray
    beta_450d: np.ndarray
    antineutrino_12h: np.ndarray
    antineutrino_450d: np.ndarray


def load_mueller_u238_spectrum(data_dir: DataDir = None) -> MuellerU238Spectrum:
    """Load ``U238-anti-neutrino-flux-Muller.csv`` (one header row, 5 columns)."""
    filename = "U238-anti-neutrino-flux-Muller.csv"
    rows = _parse_table(_read(_REACTOR, filename, data_dir), filename, delimiter=",").rows
    return MuellerU238Spectrum(*(_ro(c) for c in rows.T))


@dataclass(frozen=True, eq=False)
class KopeikinSpectrum:
    """Kopeikin (2012) total reactor ν̄e spectrum incl. low energies (``kopeikin_spectrum.txt``).

    Fields:
        energy_MeV: ν̄e energy [MeV], shape (50,), 0.010 ... 9.0 (non-uniform grid).
        spectrum: ν̄e per MeV per fission [1 / (MeV · fission)].
        rel_uncertainty_percent: relative uncertainty [%].
    """

    energy_MeV: np.ndarray
    spectrum: np.ndarray
    rel_uncertainty_percent: np.ndarray


def load_kopeikin_spectrum(data_dir: DataDir = None) -> KopeikinSpectrum:
    """Load ``kopeikin_spectrum.txt`` (rows ``E [MeV], ν̄e/MeV/fission, rel. unc. [%]``)."""
    filename = "kopeikin_spectrum.txt"
    rows = _parse_table(_read(_REACTOR, filename, data_dir), filename).rows
    return KopeikinSpectrum(*(_ro(c) for c in rows.T))


@dataclass(frozen=True, eq=False)
class TabulatedReactorSpectrum:
    """One Larizgoitia per-isotope table (``combined_low_energy_Larizgoitia/spectraMeV*.txt``).

    Fields:
        label: "U235", "U238", "Pu239", "Pu241" or "U238Ncapture".
        energy_MeV: ν̄e energy [MeV] (0.0078 ... 8.0 for isotopes; 0.02 ... 1.29 for U238Ncapture).
        spectrum: ν̄e per MeV per fission [1 / (MeV · fission)]; for U238Ncapture it is
            digitised from a figure and its normalisation is undocumented (probably the same unit).
    """

    label: str
    energy_MeV: np.ndarray
    spectrum: np.ndarray


_LARIZGOITIA_LABELS = ("U235", "U238", "Pu239", "Pu241", "U238Ncapture")


def load_larizgoitia_spectrum(label: str, data_dir: DataDir = None) -> TabulatedReactorSpectrum:
    """Load ``spectraMeV<label>.txt`` (rows ``E [MeV], spectrum``)."""
    if label not in _LARIZGOITIA_LABELS:
        raise ValueError(f"label must be one of {', '.join(_LARIZGOITIA_LABELS)}, got {label!r}")
    filename = f"combined_low_energy_Larizgoitia/spectraMeV{label}.txt"
    rows = _parse_table(_read(_REACTOR, filename, data_dir), filename).rows
    return TabulatedReactorSpectrum(label, _ro(rows[:, 0]), _ro(rows[:, 1]))


@dataclass(frozen=True, eq=False)
class ReactorSpectraRelease:
    """All reactor ν̄e tables, parsed.

    Fields:
        huber: keyed "U235", "Pu239", "Pu241".
        mueller_u238: Mueller ²³⁸U table.
        kopeikin: Kopeikin total spectrum.
        larizgoitia: keyed "U235", "U238", "Pu239", "Pu241", "U238Ncapture".
    """

    huber: Mapping[str, HuberSpectrum]
    mueller_u238: MuellerU238Spectrum
    kopeikin: KopeikinSpectrum
    larizgoitia: Mapping[str, TabulatedReactorSpectrum]


def load_reactor_antineutrino_spectra(data_dir: DataDir = None) -> ReactorSpectraRelease:
    """Load every reactor-spectrum table."""
    return ReactorSpectraRelease(
        huber=MappingProxyType({iso: load_huber_spectrum(iso, data_dir) for iso in _HUBER_ISOTOPES}),
        mueller_u238=load_mueller_u238_spectrum(data_dir),
        kopeikin=load_kopeikin_spectrum(data_dir),
        larizgoitia=MappingProxyType({lab: load_larizgoitia_spectrum(lab, data_dir) for lab in _LARIZGOITIA_LABELS}),
    )
