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
