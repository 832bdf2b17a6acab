"""Released experimental data: where it lives, what it is, and whether it is intact.

The package never ships third-party data. The released files (COHERENT CsI 2017/2021,
COHERENT LAr 2020, Dresden-II, Borexino Phase-II, reactor antineutrino spectra) are read
from a *data directory* that holds one sub-folder per data set, laid out as::

    <data dir>/coherent_csi_2017/data_coincidence_beamOn.txt
    <data dir>/borexino_phase2/digitized_backgrounds_pyCEvNS/bismuth210.txt
    ...

Configuring the data directory (highest precedence first):

1. the ``data_dir=`` argument of :func:`dataset_path` and of every loader;
2. :func:`set_data_dir` (process-wide default);
3. the environment variable ``BAYES_TMM_DATA_DIR``.

If none is set, :class:`DataDirNotSetError` explains how to set one.

Every file is checked against the SHA-256 recorded in :data:`REGISTRY` (copied from the data
folder's ``SHA256SUMS.txt``; the hashes are metadata, not data). The check runs once per
process for each (path, mtime, size).

The parsers that turn these files into arrays with units live in
:mod:`bayes_tmm.dataset_parsers`; they are also reachable as attributes of this module
(``bayes_tmm.datasets.load_coherent_csi_2017`` etc.).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DATA_DIR_ENV_VAR",
    "DatasetError",
    "DataDirNotSetError",
    "DatasetFileMissingError",
    "ChecksumMismatchError",
    "DatasetFile",
    "DatasetEntry",
    "REGISTRY",
    "set_data_dir",
    "get_data_dir",
    "get_dataset",
    "dataset_path",
    "verify_dataset",
    "sha256_of_file",
]

#: Environment variable naming the data directory.
DATA_DIR_ENV_VAR = "BAYES_TMM_DATA_DIR"


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


class DatasetError(Exception):
    """Base class for every data-layer error (configuration, missing file, bad checksum)."""


class DataDirNotSetError(DatasetError):
    """No data directory was given, set with :func:`set_data_dir`, or found in the environment."""


class DatasetFileMissingError(DatasetError, FileNotFoundError):
    """A registered data file is not where the configured data directory says it should be."""


class ChecksumMismatchError(DatasetError):
    """A data file exists but its SHA-256 differs from the registered one."""


# ---------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetFile:
    """One file of a data set.

    Fields:
        filename: path relative to the data set's folder (POSIX separators).
        sha256: expected SHA-256 of the file, lower-case hex (64 characters).
    """

    filename: str
    sha256: str


@dataclass(frozen=True)
class DatasetEntry:
    """Registry record for one released data set.

    Fields:
        name: registry key, e.g. ``"coherent_csi_2017"``.
        folder: sub-folder of the data directory that holds the files.
        files: the files with their SHA-256.
        paper: the physics paper(s) (arXiv id and journal reference).
        release_publisher: who published the official data release.
        official_release: DOI / URL of the official release, or, where only a third-party
            copy is known, a statement saying so and naming the release paper.
        local_copy_source: the public repository @ commit the expected local copy was taken from.
        description: one line on what the data set is.
    """

    name: str
    folder: str
    files: tuple[DatasetFile, ...]
    paper: str
    release_publisher: str
    official_release: str
    local_copy_source: str
    description: str

    @property
    def filenames(self) -> tuple[str, ...]:
        """Names of the registered files, relative to :attr:`folder`."""
        return tuple(f.filename for f in self.files)

    def expected_sha256(self, filename: str) -> str:
        """Registered SHA-256 of ``filename``; :class:`DatasetError` if it is not registered."""
        for f in self.files:
            if f.filename == filename:
                return f.sha256
        raise DatasetError(
            f"'{filename}' is not a file of data set '{self.name}'. "
            f"Registered files: {', '.join(self.filenames)}"
        )

    def where_to_get(self) -> str:
        """Human-readable instructions for obtaining the files (used in error messages)."""
        return (
            f"Official release: {self.official_release} (published by {self.release_publisher}; "
            f"paper: {self.paper}). The checksummed copy this package expects was taken from "
            f"{self.local_copy_source}."
        )


def _files(*pairs: tuple[str, str]) -> tuple[DatasetFile, ...]:
    return tuple(DatasetFile(filename=name, sha256=digest) for name, digest in pairs)


_ENTRIES = (
    DatasetEntry(
        name="coherent_csi_2017",
        folder="coherent_csi_2017",
        files=_files(
            ("arrivalTimePDF_delayedNeutrinos.txt", "6d8b4054173ca7d4f612b2ead7ce563e99eb99af9f4fc8d7b8b47c06cd5b640f"),
            ("arrivalTimePDF_promptNeutrinos.txt", "2c92dd58f1366b7844e6ea0c73f016069a2c9b7d4538374259c00c370b9eb66a"),
            ("arrivalTimePDF_promptNeutrons.txt", "f3992ea6d88a3da80f5134a00e4a7b784c119c9adeed9bc9649f4134e203fb11"),
            ("coherent_parameters.yaml", "daa4f3feaeb5499cb1d876f8ea39f3cfd571f998a6ab92e9cdf552afc78b67e8"),
            ("data_anticoincidence_beamOff.txt", "efc91013ae0859631882513155761b423ddd08cb5062b6dfd9c17a7bd34f1e7d"),
            ("data_anticoincidence_beamOn.txt", "8b180f9395dc8886f8be02f619e35903f151f8b15f7cbc5a0171ac7e59e59523"),
            ("data_coincidence_beamOff.txt", "47e7904cd55929f6f84e9a58567b223cfcd6741af38f8b54091bbcc8756e9ae8"),
            ("data_coincidence_beamOn.txt", "f9e8b795a48eb1f3a22cdca33cad978e5dc17fe56ea8f6a0bf32d18967051765"),
            ("promptPDF.txt", "6e74171096abb2e9a3fac3c1b1c85f3973501627b88b2a83de7e7e5121601efa"),
            ("qfData_chicago.txt", "31046d48092e619eb84f06acdf09ea8e86c642da6aa368c10fe338480b90a04f"),
            ("qfData_tunl.txt", "9e3c83e669c52be27ce47d588bbeb5d5400fadbc5625c41aa665d03c99186f94"),
        ),
        paper="arXiv:1708.01294 (COHERENT, Science 357 (2017) 1123)",
        release_publisher="COHERENT Collaboration",
        official_release="Zenodo doi:10.5281/zenodo.1228631 (data-release paper arXiv:1804.09459)",
        local_copy_source="GitHub athompson-tamu/pyCEvNS @ c203b6019e60b9176d997774bfd24b76baa97d54, pyCEvNS/data/",
        description="COHERENT CsI[Na] first CEvNS observation: beam-on/off C and AC PE x time histograms, "
        "arrival-time PDFs, prompt-neutron PDF, QF data, release parameters incl. efficiency.",
    ),
    DatasetEntry(
        name="coherent_csi_2021",
        folder="coherent_csi_2021",
        files=_files(
            ("brnPE.txt", "0000b042b8d0d28b90370eb70d1409db1d8c510fcf2b3e636370b0d4443ac0b0"),
            ("brnTrec.txt", "6f279d835242a868dfc048abaa42b8c400bf961036de7bc7e64636efdd46466f"),
            ("dataBeamOnAC.txt", "f530d4a50e889333ada0e739db2e36d7f9f3b783822c8c6e932dae88ce071639"),
            ("dataBeamOnC.txt", "0a188a0291af06dd023d966d1c9fea7a82ec32d8c1a10750fd09c2b17f10a749"),
            ("effCoefficients.txt", "f1e58e6b8ec4db53da3be21fe44ebc4621e9b248b920be09759b1000dada8c51"),
            ("ninPE.txt", "41cae0376003cc2dcd028a3913e7c16395471f612b56d311f80e2a6071c9950c"),
            ("ninTrec.txt", "2bb034d648b312f4ee329ae95078dc748ff3f83b999c411b08f86d82ddf8e151"),
            ("scintRespCoefficients.txt", "ea6b8f34b296bf6e99f2a4ac504030d99155daba3e3c252f51c87d2470319d13"),
        ),
        paper="arXiv:2110.07730 (COHERENT, Phys. Rev. Lett. 129 (2022) 081801)",
        release_publisher="COHERENT Collaboration",
        official_release="the public data release (ancillary files) of arXiv:2110.07730, "
        "https://arxiv.org/abs/2110.07730; the folder README gives no DOI, only a GitHub copy",
        local_copy_source="GitHub philippeller/Newtrinos.jl @ 653141ba6e05dd920fd0a795eb82e3de626076ce, "
        "src/experiments/coherent/coherent_2020/csi/",
        description="COHERENT CsI[Na] full data set: unbinned beam-on C/AC events, BRN/NIN PE and "
        "recoil-time PDFs, energy-efficiency and scintillation-response coefficients.",
    ),
    DatasetEntry(
        name="coherent_lar_2020",
        folder="coherent_lar_2020",
        files=_files(
            ("CENNS10AnlAEfficiency.txt", "21ce25451c1ed552752ff4a22496deab3ff5dba178bf360813eaff1d25be89e2"),
            ("LArParametersAnlA.yaml", "a206a77220436d0173c4783ae8fddeab97adf5e144f3d65005eff0870257693e"),
            ("bkgpdf.txt", "36c89291dde3032a19ca7a8e64510d036d7b40c34b0805ce475a13ccfa739dd1"),
            ("brnpdf+1sigBRNTimingMean.txt", "7f06099e1bba0d2e328555c61cb255bb290607a44202327d29eb3ae3e05c1cd5"),
            ("brnpdf+1sigEnergy.txt", "fb6fdaf99c9941653d33e1a909d8000b81c1ee9bb8e8ad3bf31839561faf6661"),
            ("brnpdf-1sigBRNTimingMean.txt", "b5c1c8d0cb8b2319d093d38418da5ac2ccda59108755fb23e7f4a559cfe154f8"),
            ("brnpdf-1sigEnergy.txt", "20bcad29e716f3fb0f1e9eeb8ffb049b4b3d8b3b3a150800b9c8711e2b177be6"),
            ("brnpdf.txt", "02664ce6a84eca8c6146b6502497bc5d8165df945da132193622334ff4ff826f"),
            ("brnpdfBRNTimingWidthSyst.txt", "304dba1553989d7c0cd3f745df9731a5306ec07ecc1044c20efbe2952707b270"),
            ("cevnspdf+1sigF90.txt", "308f78e19b7fb3e54399dc29c207bd2a89b91825df5309d48068a3495e1c92e2"),
            ("cevnspdf-1sigF90.txt", "b4e8071f87aa22a562e0c00654a0989915251acf2c7e569068b9b78c3ae5ac35"),
            ("cevnspdf.txt", "3b1d5b25749e8d8e1cfdf5c32e48f026ce4aafec0a80632b3a63273e6e0e1f37"),
            ("cevnspdfCEvNSTimingMeanSyst.txt", "3170dafd4cf44df35bde0795e1245606d8144c05f3e50f015648c57bcdba97f5"),
            ("datanobkgsub.txt", "dabf3d80f13959f4b94b77c9b56f7347a645105801e8cc177424e7ffcf7c7f66"),
            ("delbrnpdf.txt", "ebccca6c1650b0ace71fdbaade7a80ea289a99ff3c120266ae6ecf0083df5c63"),
            ("energydata1d.txt", "d691284e875fb24e72787016f118c171974ca68fa6005da7ea653ca66059aa04"),
            ("f90data1d.txt", "e82988ec2fdb871f21850ceea866213310ee81dca656ee4448282748037f1579"),
            ("systerrors1denergy.txt", "09fd74b1bc242f1638dae465eefc97e374a2e6efa0aaa1b4452f1ee20dd42aed"),
            ("systerrors1dpsd.txt", "a553c63ce5861d63c139aa18d3ece0f5e9d32be2029eb2a7474b8e4e39000c0f"),
            ("systerrors1dtime.txt", "a7719f21aa5c8820f6ed65d385d7ba14f55631976a6ca289d8685081599529be"),
            ("timingdata1d.txt", "fb1054fac8baf2f527b51e6bd45e4341da45fe80dadce815a3d1cad08d729554"),
        ),
        paper="arXiv:2003.10630 (COHERENT, Phys. Rev. Lett. 126 (2021) 012002)",
        release_publisher="COHERENT Collaboration",
        official_release="Zenodo doi:10.5281/zenodo.3903810 (data-release paper arXiv:2006.12659)",
        local_copy_source="GitHub philippeller/Newtrinos.jl @ 653141ba6e05dd920fd0a795eb82e3de626076ce, "
        "src/experiments/coherent/coherent_2020/lAr/",
        description="COHERENT CENNS-10 LAr Analysis A: 3D (E, F90, t) data and PDFs with systematic "
        "variations, 1D projections, acceptance efficiency, release parameters.",
    ),
    DatasetEntry(
        name="dresden_ii_2022",
        folder="dresden_ii_2022",
        files=_files(
            ("QF_Fef_YBe.txt", "a53ff7708b474b036e43b9173365bc2cb21e68d47c4a75176b2476000a704f93"),
            ("data_release.txt", "5b8b37749f0d32a3e5daebc24ab9c636a920e61eac8f093c78f0af0d3cf535dc"),
        ),
        paper="arXiv:2202.09672 (Colaresi et al., Phys. Rev. Lett. 129 (2022) 211802); "
        "QF models arXiv:2102.10089",
        release_publisher="the Dresden-II authors (J. Colaresi, J.I. Collar, T.W. Hossbach, C.M. Lewis, K.M. Yocum)",
        official_release="no official URL/DOI is given in the folder README, only a GitHub copy; "
        "the official data accompany arXiv:2202.09672 (supplemental material of PRL 129, 211802)",
        local_copy_source="GitHub LeireLarizgoitia/Reactor_CEnuNS @ 2242059ec1784d3f70d89add2f3bd7d63ef20239 (top level)",
        description="Dresden-II Ge PPC reactor CEvNS: Rx-ON / Rx-OFF spectra 0.2-1.5 keVee in 10 eV bins; "
        "Fef and YBe quenching-factor tables.",
    ),
    DatasetEntry(
        name="borexino_phase2",
        folder="borexino_phase2",
        files=_files(
            ("Nature2018_Fig2a_DATA.txt", "8e03a209212cd3a36989b032a1432182309e4ee71ad31ecdc92d19ae9f826e0b"),
            ("digitized_backgrounds_pyCEvNS/bismuth210.txt", "a3c32b160988349d844309234c59554c21f1757dd6bac7b34281ad4e98d4931c"),
            ("digitized_backgrounds_pyCEvNS/borexino_background_sample_datasets.csv", "4756bf03c18ffb4791f80d6899a4edb833c29cf6097290d7026195c946b37a6d"),
            ("digitized_backgrounds_pyCEvNS/carbon11.txt", "03132a16e01ba03a7a30c44270ed0531060803f331590a98bfd527e9f893a944"),
            ("digitized_backgrounds_pyCEvNS/krypton85.txt", "cbc368572d02506a81950f296c7f8c28c6110a58f7eb8fbdbfe017510c426d98"),
            ("digitized_backgrounds_pyCEvNS/polonium210.txt", "4eecc95337817af7eec0d4a6e820696e33164943a5bbc5e7ebf479a2027de93e"),
        ),
        paper="Borexino, Nature 562 (2018) 505 (Fig. 2a); magnetic moment: arXiv:1707.09355",
        release_publisher="Borexino Collaboration",
        official_release="Borexino open data, https://borex.lngs.infn.it/ (Nature 2018 Fig. 2a); the digitised "
        "background shapes have no official release, only a GitHub copy",
        local_copy_source="GitHub athompson-tamu/pyCEvNS @ c203b6019e60b9176d997774bfd24b76baa97d54, pyCEvNS/data/",
        description="Borexino Phase-II TFC-subtracted N_h spectrum (859 bins) plus digitised "
        "210Bi, 11C, 85Kr, 210Po (and 14C) background shapes.",
    ),
    DatasetEntry(
        name="reactor_antineutrino_spectra",
        folder="reactor_antineutrino_spectra",
        files=_files(
            ("Pu239-anti-neutrino-flux-250keV.csv", "92f0a0ebef1e4a54cd41704642c230b80dab2b374fa147169d227694cb7770bc"),
            ("Pu241-anti-neutrino-flux-250keV.csv", "0be0da2c849cfb3f265d37626274c86918e7ce799f6ac7e7dd3a816b57bcc617"),
            ("U235-anti-neutrino-flux-250keV.csv", "37528e177efe541dddc2d75290d6fe79e262936ec5afae975cefe817d932c791"),
            ("U238-anti-neutrino-flux-Muller.csv", "6b85f4c35097ff4883bda2f3c273066e57fa83b6112fd99568cb0d8aa2c0e131"),
            ("combined_low_energy_Larizgoitia/spectraMeVPu239.txt", "192254a7d1775b1595250d4108937edcfa02d83a5ed6d9c1475661f09d263963"),
            ("combined_low_energy_Larizgoitia/spectraMeVPu241.txt", "5cfee7ab247f0461984dff2c9425a923d9c9b2d0d9017f3363158fa50daef9c8"),
            ("combined_low_energy_Larizgoitia/spectraMeVU235.txt", "a7dc2a83641d2b032a258fbdea270bd74d814ed4e2097447d8f415d93b6e599b"),
            ("combined_low_energy_Larizgoitia/spectraMeVU238.txt", "bbb298372a8595d462630b5c8e5660425ddd0cf76e0ab133be07f39d4a4321bb"),
            ("combined_low_energy_Larizgoitia/spectraMeVU238Ncapture.txt", "0b4462154c7b20e675f5b6cbf5ef02c8ab52604504b4cabd117cfc658614c2ce"),
            ("kopeikin_spectrum.txt", "f0ffdb9b9fa9fe19527b5b7b84bd0f0b05a0faea21cdb6049be9c5be35e414ab"),
        ),
        paper="Huber arXiv:1106.0687 (PRC 84 (2011) 024617); Mueller et al. arXiv:1101.2663 (PRC 83 (2011) 054615); "
        "Kopeikin, Phys. At. Nucl. 75 (2012) 143",
        release_publisher="P. Huber (ancillary tables of arXiv:1106.0687); Th. A. Mueller et al. (238U table of "
        "arXiv:1101.2663); V. I. Kopeikin",
        official_release="no official machine-readable release is named in the folder README, only GitHub copies; "
        "the originals are the ancillary '<iso>-anti-neutrino-flux-250keV.dat' files of arXiv:1106.0687 and the "
        "238U table of arXiv:1101.2663",
        local_copy_source="GitHub pedrodedin/Paleodetectors @ 92fbf5436a8cc58e42f962bceb98759419ce88ef (Reactor/); "
        "joejohnston203/ricochet_cevns_spectra @ d1a994602252f7bdfaf176e3378fe60ccef27f65 (data/kopeikin_spectrum.txt); "
        "LeireLarizgoitia/Reactor_CEnuNS @ 2242059ec1784d3f70d89add2f3bd7d63ef20239 (spectraMeV*.txt)",
        description="Reactor antineutrino spectra: Huber 235U/239Pu/241Pu with error breakdown, Mueller 238U, "
        "Kopeikin total low-energy spectrum, per-isotope tables 7.8 keV-8 MeV.",
    ),
)

#: Registry of the released data sets, keyed by name.
REGISTRY: dict[str, DatasetEntry] = {entry.name: entry for entry in _ENTRIES}


def get_dataset(name: str) -> DatasetEntry:
    """Registry entry for ``name``; :class:`DatasetError` listing valid names if unknown."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise DatasetError(f"Unknown data set '{name}'. Known data sets: {', '.join(REGISTRY)}") from None


# ---------------------------------------------------------------------------------------
# Data-directory configuration
# ---------------------------------------------------------------------------------------

_default_data_dir: Path | None = None


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Set the process-wide data directory (``None`` clears it).

    It overrides ``BAYES_TMM_DATA_DIR`` but not an explicit ``data_dir=`` argument.
    """
    global _default_data_dir
    _default_data_dir = None if path is None else Path(path).expanduser()


def _how_to_configure() -> str:
    return (
        f"Set the environment variable {DATA_DIR_ENV_VAR}=/path/to/data, call "
        "bayes_tmm.datasets.set_data_dir('/path/to/data'), or pass data_dir=... explicitly. "
        "The directory must hold one folder per data set ("
        + ", ".join(entry.folder + "/" for entry in _ENTRIES)
        + "); the files are not distributed with bayes_tmm."
    )


def get_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the data directory: explicit argument > :func:`set_data_dir` > ``BAYES_TMM_DATA_DIR``.

    Raises:
        DataDirNotSetError: nothing is configured, or the configured directory does not exist.
    """
    if data_dir is not None:
        path, origin = Path(data_dir).expanduser(), "the data_dir argument"
    elif _default_data_dir is not None:
        path, origin = _default_data_dir, "set_data_dir()"
    elif os.environ.get(DATA_DIR_ENV_VAR):
        path, origin = Path(os.environ[DATA_DIR_ENV_VAR]).expanduser(), f"${DATA_DIR_ENV_VAR}"
    else:
        raise DataDirNotSetError("No bayes_tmm data directory is configured. " + _how_to_configure())
    if not path.is_dir():
        raise DataDirNotSetError(
            f"The data directory '{path}' (from {origin}) does not exist or is not a directory. "
            + _how_to_configure()
        )
    return path


# ---------------------------------------------------------------------------------------
# Checksums and file lookup
# ---------------------------------------------------------------------------------------

# (resolved path, mtime_ns, size) -> hex digest; hashing happens once per process per file version.
_sha256_cache: dict[tuple[str, int, int], str] = {}


def sha256_of_file(path: str | os.PathLike[str]) -> str:
    """SHA-256 (lower-case hex) of a file, cached per (path, mtime, size) for this process."""
    resolved = Path(path).resolve()
    stat = resolved.stat()
    key = (str(resolved), stat.st_mtime_ns, stat.st_size)
    digest = _sha256_cache.get(key)
    if digest is None:
        hasher = hashlib.sha256()
        with resolved.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(block)
        digest = hasher.hexdigest()
        _sha256_cache[key] = digest
    return digest


def dataset_path(name: str, filename: str, data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Absolute path of a registered file, after verifying its SHA-256.

    Args:
        name: data-set key in :data:`REGISTRY`, e.g. ``"coherent_lar_2020"``.
        filename: file path relative to the data set's folder, e.g. ``"bkgpdf.txt"``.
        data_dir: optional explicit data directory (overrides every other setting).

    Raises:
        DataDirNotSetError: no data directory configured.
        DatasetFileMissingError: (also a FileNotFoundError) the file is absent; the message gives
            the full path searched and where to obtain the official release.
        ChecksumMismatchError: the file differs from the registered release.
        DatasetError: unknown data set or file name.
    """
    entry = get_dataset(name)
    expected = entry.expected_sha256(filename)
    path = get_data_dir(data_dir) / entry.folder / filename
    if not path.is_file():
        raise DatasetFileMissingError(
            f"Data file '{filename}' of data set '{name}' was not found; looked for it at '{path}'. "
            f"{entry.where_to_get()} Place the file at that path (see the data set's README.md)."
        )
    actual = sha256_of_file(path)
    if actual != expected:
        raise ChecksumMismatchError(
            f"Checksum mismatch for data file '{filename}' of data set '{name}' at '{path}': "
            f"expected SHA-256 {expected}, got {actual}. The file was altered or is a different "
            f"release than the one this package was validated against. {entry.where_to_get()}"
        )
    return path


def verify_dataset(name: str, data_dir: str | os.PathLike[str] | None = None) -> tuple[Path, ...]:
    """Verify every file of data set ``name``; returns their paths or raises on the first problem."""
    return tuple(dataset_path(name, f, data_dir) for f in get_dataset(name).filenames)


def __getattr__(attribute: str):
    # Lazy re-export of the parsers: dataset_parsers imports this module, so a top-level import
    # here would be circular.
    from bayes_tmm import dataset_parsers

    if attribute in getattr(dataset_parsers, "__all__", ()):
        return getattr(dataset_parsers, attribute)
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")
