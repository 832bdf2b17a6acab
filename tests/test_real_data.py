"""Real released data through the CLI: SM signal vs the collaborations' fits, limits both ways."""

import json

import numpy as np
import pytest

from bayes_tmm.cli import main
from bayes_tmm.frequentist import counting_chi2, one_at_a_time_limits
from bayes_tmm.experiments import get_setup


@pytest.mark.slow
def test_fit_data_csi_2017(shared_data_dir, capsys, monkeypatch):
    monkeypatch.setenv("BAYES_TMM_DATA_DIR", str(shared_data_dir))
    assert main(["fit-data", "--dataset", "coherent_csi_2017", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    published = out["published"]["coherent_csi_2017"]
    # the fitted SM CEvNS signal agrees with COHERENT's 134 +- 22 within the published error
    assert abs(out["sm_signal_events"] - published["cevns_fit_events"]) < published["cevns_fit_error"]
    assert out["converged"]
    profile = np.array(out["limits90_profile"])
    posterior = np.array(out["limits90_posterior"])
    assert np.all(np.isfinite(profile)) and np.all(np.isfinite(posterior))
    # the PE x time likelihood is tighter than the paper's single count (full beam, Eq. 34)
    counting = one_at_a_time_limits(counting_chi2(get_setup("CsI", "current"), "full"))
    assert np.all(profile < counting)
    assert np.all(np.abs(posterior / profile - 1) < 0.3)


def test_joint_profile_is_the_sum_of_the_data_sets_and_tighter_than_lar_alone(shared_data_dir):
    """The data sets share only the TMMs, so the joint profile -2 ln L is the sum of the individual ones;
    the joint limits are tighter than LAr's alone. (Against CsI 2021 alone the joint |Lambda_1| limit is
    not tighter: LAr 2020 fluctuates upward and its -2 ln L has its minimum near |Lambda_1| = 15.)"""
    from bayes_tmm.data_fits import _profile_curve, profile_limits
    from bayes_tmm.frequentist import TABLE2_PARAMETERS
    from bayes_tmm.real_data import load_dataset

    csi, lar = load_dataset("coherent_csi_2021", shared_data_dir), load_dataset("coherent_lar_2020", shared_data_dir)
    curves = [_profile_curve(ds, TABLE2_PARAMETERS, 0, "single") for ds in ([csi], [lar], [csi, lar])]
    for r in (0.0, 12.0, 25.0):
        assert curves[2](r) == pytest.approx(curves[0](r) + curves[1](r), rel=1e-9, abs=1e-6)
    joint = profile_limits([csi, lar], "single")
    alone = profile_limits([lar], "single")
    assert np.all(joint < alone)
