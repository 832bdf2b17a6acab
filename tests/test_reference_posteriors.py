"""The reference posteriors in ``posteriors/``: intact, consistent with their manifest, converged, and
still the posteriors of the package's current likelihoods (not stale)."""

from __future__ import annotations

import functools
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from bayes_tmm.references import (
    MANIFEST_NAME,
    REFERENCE_ANALYSES,
    check_references,
    load_manifest,
    reference_chi2_limits,
    run_cli,
    stored_summary,
    summed_chi2_limits,
)

POSTERIORS = Path(__file__).resolve().parents[1] / "posteriors"
REGENERATE = "regenerate them: python -c \"from bayes_tmm.references import regenerate_references; " \
             "regenerate_references('posteriors')\" (or bayes-tmm reference-posteriors)"
BY_NAME = {ref.name: ref for ref in REFERENCE_ANALYSES}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return load_manifest(POSTERIORS)


def _entries() -> list[dict]:
    """Manifest entries for parametrization (none if the manifest is missing: the first test then fails)."""
    path = POSTERIORS / MANIFEST_NAME
    return json.loads(path.read_text())["references"] if path.is_file() else []


def _slow_if_joint(entry):
    marks = [pytest.mark.slow] if len(entry["analyses"]) > 1 else []  # the joint profile is numerical (~10 s)
    return pytest.param(entry, id=entry["name"], marks=marks)


@functools.lru_cache(maxsize=None)
def _fresh_chi2(name: str) -> dict:
    return reference_chi2_limits(BY_NAME[name])


def test_manifest_lists_every_reference_and_files_are_small(manifest):
    names = [e["name"] for e in manifest["references"]]
    assert names == [ref.name for ref in REFERENCE_ANALYSES]
    total = sum((POSTERIORS / e["file"]).stat().st_size for e in manifest["references"])
    total += (POSTERIORS / MANIFEST_NAME).stat().st_size
    assert total < 2_000_000, f"reference posteriors take {total} bytes"
    for e in manifest["references"]:
        assert e["stored"]["chains"] == 4 and e["stored"]["draws_per_chain"] == 250
        assert e["cli"].startswith("bayes-tmm ") and f"--seed {e['seed']}" in e["cli"]
        assert {"bayes_tmm", "pymc", "arviz"} <= set(e["versions"])


@pytest.mark.parametrize("entry", [pytest.param(e, id=e["name"]) for e in _entries()])
def test_file_hash_and_summary_match_manifest(entry):
    from bayes_tmm.posterior_io import load_posterior

    post = load_posterior(POSTERIORS / entry["file"])  # recomputes the content hash
    assert post.sha256 == entry["sha256"]
    assert post.provenance["sampler"]["seed"] == entry["seed"]
    assert post.provenance["mode"] == entry["mode"]
    limits = stored_summary(post.draws)["limits90"]
    np.testing.assert_allclose(limits, entry["limits90"], rtol=1e-12, atol=0)
    assert set(post.draws) == set(entry["stored"]["variables"])


def test_check_references_passes_on_the_repository_files():
    assert check_references(POSTERIORS) == []


def test_references_use_the_current_experiment_specs():
    problems = check_references(POSTERIORS, check_specs=True)
    assert problems == [], f"{problems}: {REGENERATE}"


@pytest.mark.parametrize("entry", [pytest.param(e, id=e["name"]) for e in _entries()])
def test_every_reference_run_converged(entry):
    assert entry["converged"], f"{entry['name']}: {entry['diagnostics']['problems']}"
    d = entry["diagnostics"]
    assert d["rhat_max"] <= 1.01 and d["ess_bulk_min"] >= 400 and d["ess_tail_min"] >= 400 and d["divergences"] == 0
    assert all(entry["data_constrained"])


@pytest.mark.parametrize("entry", [_slow_if_joint(e) for e in _entries()])
def test_limits_are_near_fresh_chi2_limits(entry):
    """Stale-reference check: the likelihood's chi^2 limits, computed now, equal those recorded when the
    reference was made, and the stored credible limits lie in their neighbourhood: within 40 % of the
    one-at-a-time limit (single mode), between 0.6 x the one-at-a-time and 1.4 x the profiled limit (full
    mode: marginalizing the phases weighs the blind valleys that set the profiled limit by their volume)."""
    fresh = _fresh_chi2(entry["name"])
    for kind, values in fresh.items():
        recorded = np.array([np.inf if x is None else x for x in entry["chi2_limits"][kind]])
        np.testing.assert_allclose(values, recorded, rtol=1e-6,
                                   err_msg=f"{entry['name']}: {kind} chi^2 limits changed: {REGENERATE}")
    post = np.array(entry["limits90"])
    one, prof = fresh["one_at_a_time"], fresh["profiled"]
    if entry["mode"] == "single":
        bounded = np.isfinite(one)
        assert bounded.all()
        assert np.all(np.abs(post[bounded] / one[bounded] - 1.0) < 0.4), (post, one)
    else:
        assert np.all(post >= 0.6 * one), (post, one)
        bounded = np.isfinite(prof)
        assert np.all(post[bounded] <= 1.4 * prof[bounded]), (post, prof)


@pytest.mark.parametrize("analysis", [("CsI", "current", "full"), ("CsI", "current", "prompt"),
                                      ("LAr", "future", "delayed")])
def test_summed_chi2_limits_of_one_analysis_equal_the_frequentist_ones(analysis):
    from bayes_tmm.frequentist import one_at_a_time_limits, profiled_limits
    from bayes_tmm.inference import AnalysisSelection, channels_for

    channels = channels_for([AnalysisSelection(*analysis)])
    np.testing.assert_allclose(summed_chi2_limits(channels, profiled=False), one_at_a_time_limits(channels[0]),
                               rtol=1e-9)
    expected = profiled_limits(channels[0])
    got = summed_chi2_limits(channels, profiled=True)
    np.testing.assert_array_equal(np.isfinite(got), np.isfinite(expected))
    np.testing.assert_allclose(got[np.isfinite(got)], expected[np.isfinite(expected)], rtol=1e-7)


def test_tampering_and_missing_files_are_reported(tmp_path):
    import h5py

    copy = tmp_path / "posteriors"
    shutil.copytree(POSTERIORS, copy)
    assert check_references(copy) == []
    entries = load_manifest(copy)["references"]
    # 1. an altered draw: the content hash no longer matches
    with h5py.File(copy / entries[0]["file"], "r+") as f:
        f["posterior/lambda_moduli"][0, 0, 0] += 1.0
    # 2. a manifest limit off by 1e-9 (relative)
    manifest = json.loads((copy / MANIFEST_NAME).read_text())
    manifest["references"][1]["limits90"][0] *= 1.0 + 1e-9
    (copy / MANIFEST_NAME).write_text(json.dumps(manifest))
    # 3. a missing file
    (copy / entries[2]["file"]).unlink()
    problems = check_references(copy)
    assert len(problems) == 3, problems
    assert "hash" in problems[0] and entries[0]["name"] in problems[0]
    assert entries[1]["name"] in problems[1] and "differ" in problems[1]
    assert entries[2]["name"] in problems[2]


def test_cli_check_reports_success(capsys):
    assert run_cli(str(POSTERIORS), check=True) == 0
    assert "all references check out" in capsys.readouterr().out
