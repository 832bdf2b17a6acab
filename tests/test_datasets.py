"""Tests of the released-data layer (bayes_tmm.datasets / bayes_tmm.dataset_parsers).

Each parser is checked against what the data folder's README.md states; the README sentence
is quoted next to the assertion. Data-dependent tests use the ``shared_data_dir`` fixture
(tests/conftest.py): skipped when ../shared/data is absent locally, failing in CI.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from bayes_tmm import dataset_parsers as parsers
from bayes_tmm import datasets
from bayes_tmm.datasets import (
    DATA_DIR_ENV_VAR,
    REGISTRY,
    ChecksumMismatchError,
    DataDirNotSetError,
    DatasetError,
    DatasetFileMissingError,
)


@pytest.fixture(autouse=True)
def _isolated_data_dir_config(monkeypatch):
    """Every test starts with no data directory configured and leaves none behind."""
    monkeypatch.delenv(DATA_DIR_ENV_VAR, raising=False)
    datasets.set_data_dir(None)
    yield
    datasets.set_data_dir(None)


# =======================================================================================
# Configuration, registry, checksums, error messages
# =======================================================================================


def test_no_data_dir_configured_explains_how_to_set_it():
    with pytest.raises(DataDirNotSetError) as info:
        datasets.get_data_dir()
    message = str(info.value)
    assert DATA_DIR_ENV_VAR in message
    assert "set_data_dir" in message
    assert "data_dir=" in message
    # The error also surfaces through the loaders.
    with pytest.raises(DataDirNotSetError):
        parsers.load_csi2017_parameters()


def test_data_dir_precedence(tmp_path, monkeypatch):
    env_dir, set_dir, explicit_dir = (tmp_path / n for n in ("env", "set", "explicit"))
    for d in (env_dir, set_dir, explicit_dir):
        d.mkdir()
    monkeypatch.setenv(DATA_DIR_ENV_VAR, str(env_dir))
    assert datasets.get_data_dir() == env_dir
    datasets.set_data_dir(set_dir)
    assert datasets.get_data_dir() == set_dir
    assert datasets.get_data_dir(explicit_dir) == explicit_dir
    datasets.set_data_dir(None)
    assert datasets.get_data_dir() == env_dir


def test_nonexistent_data_dir_is_reported(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(DataDirNotSetError, match=re.escape(str(missing))):
        datasets.get_data_dir(missing)


def test_missing_file_names_path_and_official_release(tmp_path):
    datasets.set_data_dir(tmp_path)
    with pytest.raises(DatasetFileMissingError) as info:
        datasets.dataset_path("coherent_csi_2017", "data_coincidence_beamOn.txt")
    assert isinstance(info.value, FileNotFoundError)
    assert isinstance(info.value, DatasetError)
    message = str(info.value)
    assert "data_coincidence_beamOn.txt" in message
    assert str(tmp_path / "coherent_csi_2017" / "data_coincidence_beamOn.txt") in message
    assert "10.5281/zenodo.1228631" in message  # official release (Zenodo DOI)
    assert "arXiv:1804.09459" in message  # data-release paper
    assert "COHERENT Collaboration" in message


def test_missing_file_of_github_only_dataset_says_so(tmp_path):
    with pytest.raises(DatasetFileMissingError) as info:
        datasets.dataset_path("dresden_ii_2022", "data_release.txt", data_dir=tmp_path)
    message = str(info.value)
    assert "only a GitHub copy" in message
    assert "arXiv:2202.09672" in message


def test_altered_copy_is_detected(shared_data_dir, tmp_path):
    filename = "data_coincidence_beamOn.txt"
    original = shared_data_dir / "coherent_csi_2017" / filename
    copy = tmp_path / "coherent_csi_2017" / filename
    copy.parent.mkdir()
    shutil.copyfile(original, copy)
    content = bytearray(copy.read_bytes())
    content[-2] = ord("7") if content[-2] != ord("7") else ord("8")  # change one count
    copy.write_bytes(bytes(content))
    expected = REGISTRY["coherent_csi_2017"].expected_sha256(filename)
    actual = hashlib.sha256(bytes(content)).hexdigest()

    datasets.set_data_dir(tmp_path)
    with pytest.raises(ChecksumMismatchError) as info:
        parsers.load_csi2017_histogram("C", "on")
    assert isinstance(info.value, DatasetError)
    message = str(info.value)
    assert filename in message
    assert expected in message and actual in message
    assert "altered" in message and "different release" in message


def test_checksum_cache_does_not_hide_later_changes(shared_data_dir, tmp_path):
    filename = "qfData_chicago.txt"
    copy = tmp_path / "coherent_csi_2017" / filename
    copy.parent.mkdir()
    shutil.copyfile(shared_data_dir / "coherent_csi_2017" / filename, copy)
    assert datasets.dataset_path("coherent_csi_2017", filename, tmp_path) == copy
    # Same content is served from the cache (one hash per path+mtime+size) ...
    assert any(key[0] == str(copy.resolve()) for key in datasets._sha256_cache)
    # ... but a modified file has a new mtime/size and is re-hashed.
    copy.write_text(copy.read_text().replace("0.0521", "0.0522"))
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    with pytest.raises(ChecksumMismatchError):
        datasets.dataset_path("coherent_csi_2017", filename, tmp_path)


def test_unknown_names_are_rejected(tmp_path):
    with pytest.raises(DatasetError, match="Known data sets"):
        datasets.dataset_path("coherent_nai_2030", "x.txt", tmp_path)
    with pytest.raises(DatasetError, match="Registered files"):
        datasets.dataset_path("coherent_csi_2017", "data_anc.txt", tmp_path)


def test_registry_matches_sha256sums(shared_data_dir):
    # README: "SHA256SUMS.txt lists the checksums (sha256sum -c SHA256SUMS.txt)".
    listed = {}
    for line in (shared_data_dir / "SHA256SUMS.txt").read_text().splitlines():
        digest, path = line.split(maxsplit=1)
        listed[path.removeprefix("./")] = digest
    registered = {
        f"{entry.folder}/{f.filename}": f.sha256 for entry in REGISTRY.values() for f in entry.files
    }
    assert registered == listed
    assert set(REGISTRY) == {
        "coherent_csi_2017",
        "coherent_csi_2021",
        "coherent_lar_2020",
        "dresden_ii_2022",
        "borexino_phase2",
        "reactor_antineutrino_spectra",
    }
    for entry in REGISTRY.values():
        assert entry.paper and entry.release_publisher and entry.official_release and entry.description


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registered_file_verifies(shared_data_dir, name):
    paths = datasets.verify_dataset(name, shared_data_dir)
    assert len(paths) == len(REGISTRY[name].files)


def test_loaders_are_reexported_from_datasets():
    assert datasets.load_coherent_csi_2017 is parsers.load_coherent_csi_2017
    with pytest.raises(AttributeError):
        datasets.no_such_loader  # noqa: B018


def test_yaml_subset_parser_handles_the_constructs_used():
    text = (
        "top:\n  name: A b\n  value: 13.8\n  n: 3\n  note: |\n    line one\n    line two\n"
        "  parameters:\n    - name: a\n      value: 0.5\n    - name: b\n      value: negligible\n"
        "  comment:\n    folded plain\n    scalar\n"
    )
    assert parsers.parse_simple_yaml(text) == {
        "top": {
            "name": "A b",
            "value": 13.8,
            "n": 3,
            "note": "line one\nline two\n",
            "parameters": [{"name": "a", "value": 0.5}, {"name": "b", "value": "negligible"}],
            "comment": "folded plain scalar",
        }
    }
    with pytest.raises(DatasetError):
        parsers.parse_simple_yaml("a: [1, 2]\n")


@pytest.mark.parametrize(
    "relative", ["coherent_csi_2017/coherent_parameters.yaml", "coherent_lar_2020/LArParametersAnlA.yaml"]
)
def test_yaml_subset_parser_agrees_with_pyyaml(shared_data_dir, relative):
    yaml = pytest.importorskip("yaml")
    text = (shared_data_dir / relative).read_text()
    assert parsers.parse_simple_yaml(text) == yaml.safe_load(text)


# =======================================================================================
# COHERENT CsI 2017
# =======================================================================================


@pytest.mark.parametrize(
    "window, beam, total",
    [
        ("C", "on", 1207),  # README: "data_coincidence_beamOn.txt ... Total 1207 counts"
        ("AC", "on", 1032),  # README: "data_anticoincidence_beamOn.txt ... total 1032 counts"
        ("C", "off", 507),  # README: "data_coincidence_beamOff.txt ... total 507 counts"
        ("AC", "off", 507),  # README: "data_anticoincidence_beamOff.txt ... total 507 counts"
    ],
)
def test_csi2017_histograms(shared_data_dir, window, beam, total):
    h = parsers.load_csi2017_histogram(window, beam, shared_data_dir)
    # README: "25 PE bins with centres 1,3,…,49 (2-PE width) × 24 time bins with centres
    # 0.25,…,11.75 µs (0.5 µs width) = 600 rows"
    assert h.counts.shape == (25, 24)
    np.testing.assert_allclose(h.pe_bin_centers, np.arange(1, 50, 2))
    np.testing.assert_allclose(h.pe_bin_edges, np.arange(0, 51, 2))
    np.testing.assert_allclose(h.time_bin_centers_us, np.arange(0.25, 12.0, 0.5))
    np.testing.assert_allclose(h.time_bin_edges_us, np.arange(0.0, 12.01, 0.5))
    assert h.total == total
    assert h.counts.dtype.kind == "i" and h.counts.min() >= 0
    assert not h.counts.flags.writeable


def test_csi2017_beam_off_c_and_ac_differ(shared_data_dir):
    # README: "total 507 counts (the contents differ from the C file, but the total is the same)"
    c = parsers.load_csi2017_histogram("C", "off", shared_data_dir)
    ac = parsers.load_csi2017_histogram("AC", "off", shared_data_dir)
    assert c.total == ac.total == 507
    assert not np.array_equal(c.counts, ac.counts)


def test_csi2017_arrival_time_pdfs(shared_data_dir):
    pdfs = parsers.load_csi2017_arrival_time_pdfs(shared_data_dir)
    # README: "t bin centre [µs], probability (24 bins of 0.5 µs)"
    np.testing.assert_allclose(pdfs.time_bin_centers_us, np.arange(0.25, 12.0, 0.5))
    for pdf in (pdfs.prompt_neutrinos, pdfs.delayed_neutrinos, pdfs.prompt_neutrons):
        assert pdf.shape == (24,)
        assert pdf.sum() == pytest.approx(1.0, abs=1e-9)  # a probability per bin
        assert pdf.min() >= 0.0
    # Prompt ν (π decay, τ = 26 ns) sit inside the first 1.5 µs; delayed ν (μ decay) do not.
    assert pdfs.prompt_neutrinos[3:].sum() == 0.0
    assert pdfs.delayed_neutrinos[3:].sum() > 0.5


def test_csi2017_prompt_neutron_pdf(shared_data_dir):
    pdf = parsers.load_csi2017_prompt_neutron_pdf(shared_data_dir)
    # README: "PE bin centre, prompt neutrons / GWhr (1-PE bins 0.5…49.5)"
    np.testing.assert_allclose(pdf.pe_bin_centers, np.arange(0.5, 50.0, 1.0))
    np.testing.assert_allclose(pdf.pe_bin_edges, np.arange(0.0, 50.5, 1.0))
    # README: "Normalised per GWhr (exposure 7.47594 GWhr), 25 % normalisation uncertainty (header comments)"
    assert pdf.exposure_GWhr == 7.47594
    assert pdf.normalization_rel_uncertainty == pytest.approx(0.25)
    assert pdf.expected_counts().sum() == pytest.approx(pdf.counts_per_GWhr.sum() * 7.47594)


def test_csi2017_qf_data(shared_data_dir):
    # README: "E_nr [keVnr], ±σ(E_nr) [keVnr], QF, ±σ(QF)"
    chicago = parsers.load_csi2017_qf_data("chicago", shared_data_dir)
    assert chicago.qf.shape == (7,)  # 7 data rows in the file
    np.testing.assert_array_equal(chicago.qf_err_hi, chicago.qf_err_lo)  # symmetric
    assert chicago.recoil_energy_keVnr[0] == 2.87 and chicago.qf[0] == 0.0521
    # README: "E_nr [keVnr], +σ, −σ [keVnr], QF, +σ, −σ (asymmetric)"
    tunl = parsers.load_csi2017_qf_data("tunl", shared_data_dir)
    assert tunl.qf.shape == (12,)  # 12 data rows in the file
    assert not np.array_equal(tunl.qf_err_hi, tunl.qf_err_lo)
    for data in (chicago, tunl):
        assert np.all((data.qf > 0.04) & (data.qf < 0.12))  # CsI[Na] QF is 5-10 %
        assert np.all(data.recoil_energy_err_hi_keVnr > 0) and np.all(data.qf_err_lo > 0)


def test_csi2017_parameters(shared_data_dir):
    p = parsers.load_csi2017_parameters(shared_data_dir)
    # README: "beam exposure 7.47594 GWhr; distance 19.3 m; QF 0.0878 ± 0.0166; light yield
    # 13.348 ± 0.019 PE/keVee; 0.08 ± 0.008 ν/flavour/proton"
    assert p.beam_exposure_GWhr == 7.47594
    assert p.distance_m == 19.3
    assert (p.qf, p.qf_uncertainty) == (0.0878, 0.0166)
    assert (p.light_yield_PE_per_keVee, p.light_yield_uncertainty_PE_per_keVee) == (13.348, 0.019)
    assert (p.neutrinos_per_proton_per_flavor, p.neutrinos_per_proton_uncertainty) == (0.08, 0.008)
    assert p.prompt_neutron_normalization_uncertainty == 0.25
    # README: "f(x)=a/(1+exp(−k(x−x0)))·H(x−5) with a=0.6655, k=0.4942, x0=10.8507 (asymmetric
    # errors given) and H the modified step (0 for x<5, ½ for 5≤x<6, 1 for x≥6 PE)"
    eff = p.efficiency
    assert (eff.a, eff.k_per_PE, eff.x0_PE) == (0.6655, 0.4942, 10.8507)
    assert (eff.a_err_hi, eff.a_err_lo) == (0.0212, 0.0384)

    def logistic(x):
        return 0.6655 / (1.0 + np.exp(-0.4942 * (x - 10.8507)))

    np.testing.assert_allclose(
        eff(np.array([4.5, 5.5, 6.5, 30.5])), [0.0, 0.5 * logistic(5.5), logistic(6.5), logistic(30.5)]
    )
    assert "acceptanceEfficiency" in p.raw


def test_coherent_csi_2017_bundle(shared_data_dir):
    release = parsers.load_coherent_csi_2017(shared_data_dir)
    assert release.coincidence_beam_on.total == 1207
    assert release.parameters.beam_exposure_GWhr == release.prompt_neutron_pdf.exposure_GWhr


# =======================================================================================
# COHERENT CsI 2021
# =======================================================================================


@pytest.mark.parametrize(
    "window, n_events",
    [
        ("C", 5142),  # README: "dataBeamOnC.txt ... 5142 events"
        ("AC", 4890),  # README: "dataBeamOnAC.txt ... 4890 events"
    ],
)
def test_csi2021_events(shared_data_dir, window, n_events):
    events = parsers.load_csi2021_events(window, shared_data_dir)
    # README: "reconstructed energy [PE], recoil time [µs]"
    assert events.n_events == n_events
    assert events.energy_PE.shape == events.recoil_time_us.shape == (n_events,)
    assert events.energy_PE.min() > 0 and events.energy_PE.max() < 250
    assert events.recoil_time_us.min() >= 0 and events.recoil_time_us.max() < 6.25


@pytest.mark.parametrize("component", ["brn", "nin"])
def test_csi2021_neutron_pdfs(shared_data_dir, component):
    pe = parsers.load_csi2021_pe_spectrum(component, shared_data_dir)
    # README: "PE bin centre (0.5…249.5, 1-PE bins), weight"
    np.testing.assert_allclose(pe.pe_bin_centers, np.arange(0.5, 250.0, 1.0))
    np.testing.assert_allclose(pe.pe_bin_edges[[0, -1]], [0.0, 250.0])
    assert pe.weight.min() >= 0 and pe.weight.sum() > 0
    time = parsers.load_csi2021_time_distribution(component, shared_data_dir)
    # README: "t bin centre [µs] (−0.245…6.245, 10 ns bins), weight"
    assert time.weight.shape == (650,)
    np.testing.assert_allclose(time.time_bin_centers_us, -0.245 + 0.01 * np.arange(650), atol=1e-9)
    np.testing.assert_allclose(time.time_bin_edges_us[[0, -1]], [-0.25, 6.25], atol=1e-9)
    assert time.weight.min() >= 0


def test_csi2021_efficiency(shared_data_dir):
    eff = parsers.load_csi2021_efficiency(shared_data_dir)
    # README: "ε(x)=a/(1+exp(−b(x−c)))+d, x in PE | nominal 1.32045 0.285979 10.8646 -0.333322,
    # plus ±1σ sets"
    assert eff.coefficients.shape == (3, 4)
    np.testing.assert_array_equal(eff.coefficients[0], [1.32045, 0.285979, 10.8646, -0.333322])
    assert eff.labels[0].startswith("Nominal")
    x = np.array([20.0, 60.0])
    np.testing.assert_allclose(eff(x), 1.32045 / (1 + np.exp(-0.285979 * (x - 10.8646))) - 0.333322)
    # The two systematic sets bracket the nominal curve at 20 PE (one above, one below).
    at20 = [eff(20.0, k) for k in range(3)]
    assert min(at20[1], at20[2]) < at20[0] < max(at20[1], at20[2])


def test_csi2021_scintillation_response(shared_data_dir):
    scint = parsers.load_csi2021_scintillation_response(shared_data_dir)
    # README: "E_ee(x)=a x+b x²+c x³+d x⁴, x = nuclear recoil energy in MeVnr, E_ee in MeVee |
    # nominal 0.0554628 4.30681 -111.707 840.384, plus ±1σ sets for two systematic models"
    assert scint.coefficients.shape == (5, 4)
    np.testing.assert_array_equal(scint.coefficients[0], [0.0554628, 4.30681, -111.707, 840.384])
    x = 0.02  # 20 keVnr
    expected = 0.0554628 * x + 4.30681 * x**2 - 111.707 * x**3 + 840.384 * x**4
    assert scint.electron_equivalent_MeVee(x) == pytest.approx(expected)
    assert 0.05 < expected / x < 0.12  # effective QF of CsI[Na] at 20 keVnr


def test_coherent_csi_2021_bundle(shared_data_dir):
    release = parsers.load_coherent_csi_2021(shared_data_dir)
    assert (release.coincidence.n_events, release.anticoincidence.n_events) == (5142, 4890)


# =======================================================================================
# COHERENT LAr 2020
# =======================================================================================

# README totals: "datanobkgsub.txt ... Total 3752", "bkgpdf.txt ... Sum 3152", "cevnspdf.txt ...
# Sum 128", "brnpdf.txt ... Sum 497", "delbrnpdf.txt ... Sum 33".
LAR_README_TOTALS = {"data": 3752, "steady_state": 3152, "cevns": 128, "brn": 497, "delayed_brn": 33}


@pytest.mark.parametrize("key", list(parsers.LAR2020_3D_FILES))
def test_lar2020_3d_files(shared_data_dir, key):
    h = parsers.load_lar2020_histogram3d(key, shared_data_dir)
    # README: "All 3D files have 960 rows E [keVee] F90 t [µs] value ... 12 energy bins (centres
    # 5…115 keVee, 10 keVee wide), 8 F90 bins (centres 0.525…0.875, width 0.05) and 10 time bins
    # (centres 0.15…4.65 µs, 0.5 µs wide)."
    assert h.values.shape == (12, 8, 10) and h.values.size == 960
    np.testing.assert_allclose(h.energy_bin_centers_keVee, np.arange(5, 116, 10))
    np.testing.assert_allclose(h.f90_bin_centers, 0.525 + 0.05 * np.arange(8))
    np.testing.assert_allclose(h.time_bin_centers_us, 0.15 + 0.5 * np.arange(10))
    np.testing.assert_allclose(h.energy_bin_edges_keVee[[0, -1]], [0, 120])
    assert h.values.min() >= 0
    if key in LAR_README_TOTALS:
        assert h.total == pytest.approx(LAR_README_TOTALS[key], abs=1e-3)
    if key == "data":
        np.testing.assert_array_equal(h.values, np.round(h.values))  # observed counts


def test_lar2020_shape_variations_keep_the_nominal_normalisation(shared_data_dir):
    # Shape systematics: same grid, same total as the nominal PDF (to 1e-6), except the BRN
    # timing-mean +1σ file, which sums to 523.67 (documented in the report, not in the README).
    for variation, nominal in [
        ("cevns_f90_plus1sigma", 128),
        ("cevns_f90_minus1sigma", 128),
        ("cevns_timing_mean", 128),
        ("brn_energy_plus1sigma", 497),
        ("brn_energy_minus1sigma", 497),
        ("brn_timing_mean_minus1sigma", 497),
        ("brn_timing_width", 497),
    ]:
        assert parsers.load_lar2020_histogram3d(variation, shared_data_dir).total == pytest.approx(nominal, rel=1e-6)
    odd = parsers.load_lar2020_histogram3d("brn_timing_mean_plus1sigma", shared_data_dir)
    assert odd.total == pytest.approx(523.671, abs=1e-3)


@pytest.mark.parametrize("axis, n_bins", [("energy", 12), ("f90", 8), ("time", 10)])
def test_lar2020_projections_and_bands(shared_data_dir, axis, n_bins):
    # README: "1D projections, with a header line. Columns: bin centre, SS-subtracted data, data
    # stat. error, CEvNS, BRN, CEvNS+BRN, syst. error low, syst. error high"
    p = parsers.load_lar2020_projection(axis, shared_data_dir)
    assert p.bin_centers.shape == (n_bins,)
    np.testing.assert_allclose(p.cevns + p.brn, p.cevns_plus_brn, atol=1e-3)
    # The 1D predictions are the best-fit ones (YAML: CEvNS 159 ± 43, prompt BRN 553 + delayed 10).
    assert p.cevns.sum() == pytest.approx(159.5, abs=0.1)
    assert p.brn.sum() == pytest.approx(553 + 10, abs=1)
    # SS-subtracted data = 3752 observed − ~3132 steady state.
    assert p.ss_subtracted_data.sum() == pytest.approx(620.25, abs=0.01)
    # README: "systerrors1d*.txt: bin centre, low, high relative systematic bands for the 1D
    # projections" -> the projection's "syst. error low/high" are those bands in counts.
    band = parsers.load_lar2020_systematic_band(axis, shared_data_dir)
    np.testing.assert_array_equal(band.bin_centers, p.bin_centers)
    np.testing.assert_allclose(p.syst_band_low / p.cevns_plus_brn, band.relative_low, atol=1e-5)
    np.testing.assert_allclose(p.syst_band_high / p.cevns_plus_brn, band.relative_high, atol=1e-5)
    assert np.all(band.relative_low <= 1) and np.all(band.relative_high >= 1)


def test_lar2020_projection_axes_match_3d_binning(shared_data_dir):
    h = parsers.load_lar2020_histogram3d("cevns", shared_data_dir)
    for axis, centers in (
        ("energy", h.energy_bin_centers_keVee),
        ("f90", h.f90_bin_centers),
        ("time", h.time_bin_centers_us),
    ):
        np.testing.assert_allclose(parsers.load_lar2020_projection(axis, shared_data_dir).bin_centers, centers)


def test_lar2020_efficiency(shared_data_dir):
    eff = parsers.load_lar2020_efficiency(shared_data_dir)
    # README: "E bin centre [keVee], E bin centre [keVnr], acceptance efficiency (0.25…39.75 keVee)"
    np.testing.assert_allclose(eff.energy_bin_centers_keVee, np.arange(0.25, 40.0, 0.5))
    assert np.all(np.diff(eff.energy_bin_centers_keVnr) > 0)
    assert np.all((eff.efficiency >= 0) & (eff.efficiency <= 1))


def test_lar2020_parameters(shared_data_dir):
    p = parsers.load_lar2020_parameters(shared_data_dir)
    # README: "exposure 13.8×10²² POT (6.12 GWhr); distance 27.5 m; fiducial mass 24.4 ± 0.61 kg;
    # QF = 0.246 + 0.00078·T[keVnr]; 0.09 ± 0.009 ν/flavour/proton"
    assert (p.exposure_1e22_POT, p.exposure_GWhr, p.distance_m) == (13.8, 6.12, 27.5)
    assert (p.fiducial_mass_kg, p.fiducial_mass_uncertainty_kg) == (24.4, 0.61)
    assert (p.qf_a, p.qf_b_per_keVnr) == (0.246, 0.00078)
    assert (p.neutrinos_per_proton_per_flavor, p.neutrinos_per_proton_uncertainty) == (0.09, 0.009)
    # README: "best-fit normalisations (CEvNS 159 ± 43, prompt BRN 553 ± 34, delayed BRN 10 ± 11,
    # SS 3131 ± 23)"
    assert (p.bestfit_cevns, p.bestfit_cevns_uncertainty) == (159, 43)
    assert (p.bestfit_prompt_brn, p.bestfit_prompt_brn_uncertainty) == (553, 34)
    assert (p.bestfit_delayed_brn, p.bestfit_delayed_brn_uncertainty) == (10, 11)
    assert (p.bestfit_steady_state, p.bestfit_steady_state_uncertainty) == (3131, 23)
    # README: "(128 ± 17)", "(497 ± 160)", "(33 ± 33)", "predicted normalisation of 3154 ± 25"
    assert (p.predicted_cevns, p.predicted_cevns_uncertainty) == (128, 17)
    assert (p.predicted_prompt_brn, p.predicted_prompt_brn_uncertainty) == (497, 160)
    assert (p.predicted_delayed_brn, p.predicted_delayed_brn_uncertainty) == (33, 33)
    assert (p.predicted_steady_state, p.predicted_steady_state_uncertainty) == (3154, 25)
    # README: "energy resolution σ/E = 0.58/√E[keVee]; SNS POT trace as a Gaussian (mean 440 ± 200 ns,
    # width 150 ns)"
    assert p.energy_resolution_a_sqrt_keVee == 0.58
    assert (p.pot_trace_mean_ns, p.pot_trace_mean_uncertainty_ns, p.pot_trace_width_ns) == (440, 200, 150)


def test_lar2020_predicted_normalisations_match_pdf_sums(shared_data_dir):
    release = parsers.load_coherent_lar_2020(shared_data_dir)
    p = release.parameters
    assert release.histograms["cevns"].total == pytest.approx(p.predicted_cevns, abs=1e-3)
    assert release.histograms["brn"].total == pytest.approx(p.predicted_prompt_brn, abs=1e-3)
    assert release.histograms["delayed_brn"].total == pytest.approx(p.predicted_delayed_brn, abs=1e-3)
    # README: "Sum 3152 (the YAML gives a predicted normalisation of 3154 ± 25)"
    steady_state_sum = release.histograms["steady_state"].total
    assert abs(steady_state_sum - p.predicted_steady_state) < p.predicted_steady_state_uncertainty


# =======================================================================================
# Dresden-II
# =======================================================================================


def test_dresden_ii_spectra(shared_data_dir):
    s = parsers.load_dresden_ii_spectra(shared_data_dir)
    # README: "129 rows, 5 space-separated columns" and "0.205…1.495 in 10 eV bins". The range and
    # step give (1.495 − 0.205)/0.010 + 1 = 130 bins, and the file has 130 rows: its last line has
    # no final newline, so `wc -l` counts 129. The README's "129 rows" is that artefact.
    assert s.rx_on_rate.shape == (130,)
    np.testing.assert_allclose(s.energy_bin_centers_keVee, 0.205 + 0.01 * np.arange(130), atol=1e-9)
    np.testing.assert_allclose(s.energy_bin_edges_keVee[[0, -1]], [0.2, 1.5], atol=1e-9)
    # README: "96.4 days of reactor-on operation", "25 days of reactor-off operation"
    assert (s.rx_on_days, s.rx_off_days) == (96.4, 25.0)
    for rate, error in ((s.rx_on_rate, s.rx_on_error), (s.rx_off_rate, s.rx_off_error)):
        assert np.all(rate > 0) and np.all(error > 0)
    # README: "the 71Ge L-shell EC peak at 1.297 keV": the Rx-ON maximum above 1 keV is there.
    high = s.energy_bin_centers_keVee > 1.0
    assert s.energy_bin_centers_keVee[high][np.argmax(s.rx_on_rate[high])] == pytest.approx(1.295, abs=0.011)


def test_dresden_ii_quenching(shared_data_dir):
    q = parsers.load_dresden_ii_quenching(shared_data_dir)
    # README: "451 rows: nuclear recoil energy [keVnr] (0…4.5 in 10 eV steps), QF (Fef model), QF (YBe model)"
    assert q.qf_fef.shape == q.qf_ybe.shape == (451,)
    np.testing.assert_allclose(q.recoil_energy_keVnr, 0.01 * np.arange(451), atol=1e-9)
    # README: "The source code uses it as E_ee = T_nr × QF(T_nr)."
    assert q.ionization_energy_keVee(1.0, "fef") == pytest.approx(1.0 * q.qf_fef[100])
    assert q.ionization_energy_keVee(1.0, "ybe") == pytest.approx(1.0 * q.qf_ybe[100])


# =======================================================================================
# Borexino Phase-II
# =======================================================================================


def test_borexino_spectrum(shared_data_dir):
    s = parsers.load_borexino_spectrum(shared_data_dir)
    # README: "859 rows, 7 whitespace/tab-separated columns, no header"
    assert s.rate.shape == (859,)
    # README col 1: "row index (1…859)"; col 2: "N_h ... (92…950); bins are 1 N_h wide"
    np.testing.assert_array_equal(s.row_index, np.arange(1, 860))
    np.testing.assert_array_equal(s.n_hits, np.arange(92, 951))
    # README col 3: "electron-equivalent energy [keV] (212…2629)"; col 4: "(2.35…3.28)"
    assert (round(s.energy_keV[0]), round(s.energy_keV[-1])) == (212, 2629)
    assert (round(s.kev_per_nhit[0], 2), round(s.kev_per_nhit[-1], 2)) == (2.35, 3.28)
    # col 4 is the keV width of a 1-N_h bin: it matches the spacing of col 3.
    np.testing.assert_allclose(np.diff(s.energy_keV), s.kev_per_nhit[:-1], atol=0.01)
    # README col 7: "Best-fit model = col5 − col7 × col6"
    np.testing.assert_allclose(s.best_fit_rate, s.rate - s.residual * s.rate_error)
    assert np.all(s.rate >= 0) and np.all(s.rate_error >= 0)


def test_borexino_digitized_backgrounds(shared_data_dir):
    b = parsers.load_borexino_digitized_backgrounds(shared_data_dir)
    assert set(b.traces) == {"bi210", "c11", "kr85", "po210"}
    # README: "CSV: two header rows, then X,Y pairs per component (bi, kr, po, c14, c11)"
    assert list(b.csv_traces) == ["bi", "kr", "po", "c14", "c11"]
    # README: "²¹⁰Bi is 0.063 near 204–214 keV and ⁸⁵Kr 0.028"
    bi, kr = b.traces["bi210"], b.traces["kr85"]
    assert 204 - 1 < bi.energy_keV[0] < 214 and bi.rate[0] == pytest.approx(0.063, abs=0.001)
    assert kr.rate[0] == pytest.approx(0.028, abs=0.001)
    for trace in list(b.traces.values()) + list(b.csv_traces.values()):
        assert trace.energy_keV.shape == trace.rate.shape and trace.energy_keV.size >= 10
        assert np.all(trace.rate > 0)


# =======================================================================================
# Reactor antineutrino spectra
# =======================================================================================

HUBER_GRID_MeV = 2.0 + 0.25 * np.arange(25)  # README: "2.00…8.00, 0.25 MeV steps"


@pytest.mark.parametrize("isotope", ["U235", "Pu239", "Pu241"])
def test_huber_spectra(shared_data_dir, isotope):
    h = parsers.load_huber_spectrum(isotope, shared_data_dir)
    np.testing.assert_allclose(h.energy_MeV, HUBER_GRID_MeV)
    # README: "neutrinos [MeV⁻¹ fission⁻¹], then relative (fractional) errors: neg/pos stat., neg/pos
    # bias, Z error (2 cols), weak-magnetism error (2 cols), normalisation error (2 cols), neg/pos total"
    assert np.all(np.diff(h.spectrum) < 0) and 0.5 < h.spectrum[0] < 2
    for side in ("stat", "bias", "z", "wm", "norm", "total"):
        assert np.all(getattr(h, f"rel_err_{side}_neg") <= 0)
        assert np.all(getattr(h, f"rel_err_{side}_pos") >= 0)
    assert np.all(h.rel_err_total_pos < 0.5)  # fractions, not absolute errors
    assert np.all(h.rel_err_total_pos >= h.rel_err_stat_pos)


def test_mueller_u238_spectrum(shared_data_dir):
    m = parsers.load_mueller_u238_spectrum(shared_data_dir)
    # README: "Kinetic_E (MeV) (2.00…8.00), β spectrum per fission per MeV after 12 h and 450 d of
    # irradiation, ν̄e spectrum per fission per MeV after 12 h and after 450 d"
    np.testing.assert_allclose(m.energy_MeV, HUBER_GRID_MeV)
    assert (m.antineutrino_450d[0], m.beta_450d[0]) == (1.48, 1.15)
    assert np.all(m.antineutrino_450d > m.beta_450d)


def test_kopeikin_spectrum(shared_data_dir):
    k = parsers.load_kopeikin_spectrum(shared_data_dir)
    # README: "E_ν [MeV] (0.010…9.0), ν̄e per MeV per fission, relative uncertainty [%]"
    assert (k.energy_MeV[0], k.energy_MeV[-1]) == (0.010, 9.0)
    assert k.energy_MeV.shape == (50,)  # 50 rows in the file
    assert np.all(np.diff(k.energy_MeV) > 0)
    assert np.all(k.rel_uncertainty_percent >= 0) and k.rel_uncertainty_percent.max() <= 10


@pytest.mark.parametrize("isotope", ["U235", "U238", "Pu239", "Pu241"])
def test_larizgoitia_isotope_tables(shared_data_dir, isotope):
    t = parsers.load_larizgoitia_spectrum(isotope, shared_data_dir)
    # README: "Below 2 MeV the values are low-energy ... summation values at 7.8, 15.6, 31, 62.5,
    # 125, 250, 500, 750, 1000, 1500 keV"; "from 7.8 keV to 8 MeV"
    low = t.energy_MeV < 2.0
    np.testing.assert_allclose(
        t.energy_MeV[low] * 1e3, [7.8, 15.6, 31, 62.5, 125, 250, 500, 750, 1000, 1500], rtol=0.01
    )  # the file has 7.813, 15.63, 31.2 keV (README rounds them)
    np.testing.assert_allclose(t.energy_MeV[~low], HUBER_GRID_MeV)
    assert t.energy_MeV.shape == (35,)


def test_larizgoitia_u238_equals_mueller_450d(shared_data_dir):
    # README: "At E ≥ 2 MeV the values equal ... Mueller 450 d (²³⁸U) rounded to 3 significant figures"
    t = parsers.load_larizgoitia_spectrum("U238", shared_data_dir)
    m = parsers.load_mueller_u238_spectrum(shared_data_dir)
    np.testing.assert_array_equal(t.spectrum[t.energy_MeV >= 2.0], m.antineutrino_450d)


@pytest.mark.xfail(
    strict=True,
    reason="README claims equality with Huber to 3 significant figures at E >= 2 MeV; the files "
    "differ by up to 8 % (U235), 22 % (Pu239), 12 % (Pu241). Strict: alerts if the data change.",
)
@pytest.mark.parametrize("isotope", ["U235", "Pu239", "Pu241"])
def test_larizgoitia_equals_huber_as_readme_claims(shared_data_dir, isotope):
    # README: "At E ≥ 2 MeV the values equal Huber (²³⁵U, ²³⁹Pu, ²⁴¹Pu) ... rounded to 3
    # significant figures"
    t = parsers.load_larizgoitia_spectrum(isotope, shared_data_dir)
    h = parsers.load_huber_spectrum(isotope, shared_data_dir)
    np.testing.assert_allclose(t.spectrum[t.energy_MeV >= 2.0], h.spectrum, rtol=5e-3)


def test_larizgoitia_u238_neutron_capture(shared_data_dir):
    t = parsers.load_larizgoitia_spectrum("U238Ncapture", shared_data_dir)
    # README: "E_ν [MeV] (0.02…1.29), spectrum"
    assert t.energy_MeV.min() == pytest.approx(0.02, abs=0.002)
    assert t.energy_MeV.max() == pytest.approx(1.29, abs=0.005)
    assert t.spectrum.min() >= 0


def test_reactor_bundle(shared_data_dir):
    release = parsers.load_reactor_antineutrino_spectra(shared_data_dir)
    assert set(release.huber) == {"U235", "Pu239", "Pu241"}
    assert set(release.larizgoitia) == {"U235", "U238", "Pu239", "Pu241", "U238Ncapture"}


# =======================================================================================
# Whole-release loaders through the environment variable
# =======================================================================================


def test_all_bundles_load_through_env_var(shared_data_dir, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV_VAR, str(shared_data_dir))
    assert parsers.load_coherent_csi_2017().anticoincidence_beam_on.total == 1032
    assert parsers.load_coherent_csi_2021().anticoincidence.n_events == 4890
    assert parsers.load_coherent_lar_2020().histograms["data"].total == 3752
    assert parsers.load_dresden_ii_2022().quenching.qf_fef.size == 451
    assert parsers.load_borexino_phase2().spectrum.rate.size == 859
    assert parsers.load_reactor_antineutrino_spectra().kopeikin.energy_MeV.size == 50


def test_no_data_file_is_inside_the_repository():
    # Third-party data must never be committed: no registered file name appears in the repo.
    repo = Path(__file__).resolve().parents[1]
    names = {Path(f.filename).name for entry in REGISTRY.values() for f in entry.files}
    found = []
    for folder, subfolders, files in os.walk(repo):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]  # skip .git, .venv*
        found += [os.path.join(folder, f) for f in files if f in names]
    assert found == []
