"""TMM fits of the released COHERENT data, both ways: profile likelihood and posterior.

Data sets (each a :class:`~bayes_tmm.binned.BinnedDataset` built by its own module):

* ``coherent_csi_2017`` — :mod:`bayes_tmm.data_csi2017` (PE x arrival time, COHERENT 2017 release);
* ``coherent_csi_2021`` — :mod:`bayes_tmm.data_csi2021` (PE x arrival time, full CsI data set);
* ``coherent_lar_2020`` — :mod:`bayes_tmm.data_lar2020` (energy x F90 x time, CENNS-10 Analysis A);
* ``joint`` — all three with shared TMMs and separate nuisances. CsI 2017 and CsI 2021 share the
  2017 data (the 2021 set contains them), so the joint fit uses CsI 2021 and LAr 2020 only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .priors import Prior
from .binned import BinnedDataset
from .data_fits import SignalFit, fit_sm_signal, profile_limits
from .frequentist import TABLE2_PARAMETERS

__all__ = ["DATASET_NAMES", "JOINT_MEMBERS", "load_dataset", "DataFitResult", "fit_data"]

#: The data sets ``fit-data`` accepts, besides ``joint``.
DATASET_NAMES = ("coherent_csi_2017", "coherent_csi_2021", "coherent_lar_2020")
#: The independent data sets of the joint fit (CsI 2021 contains the 2017 exposure).
JOINT_MEMBERS = ("coherent_csi_2021", "coherent_lar_2020")


def load_dataset(name: str, data_dir=None) -> BinnedDataset:
    """Build the likelihood inputs of one released data set (checksummed files from the data directory)."""
    if name == "coherent_csi_2017":
        from .data_csi2017 import load_csi2017_dataset

        return load_csi2017_dataset(data_dir)
    if name == "coherent_csi_2021":
        from .data_csi2021 import load_csi2021_dataset

        return load_csi2021_dataset(data_dir)
    if name == "coherent_lar_2020":
        from .data_lar2020 import load_lar2020_dataset

        return load_lar2020_dataset(data_dir)
    raise ValueError(f"unknown data set {name!r}; choose one of {DATASET_NAMES + ('joint',)}")


@dataclass(frozen=True)
class DataFitResult:
    """Results of one data set (or the joint fit).

    Attributes
    ----------
    dataset : str
    mode : str
        ``single`` (one non-zero real Lambda_i at a time) or ``full`` (others and phases profiled/marginalized).
    signal_fits : dict name -> SignalFit
        Fitted SM CEvNS events per data set, TMMs zero.
    limits90_profile, limits90_posterior : tuple of 3 floats
        90 % limits on |Lambda_1..3| (1e-10 mu_B): Delta(-2 ln L) = 2.71 and 90 % credible (flat prior).
    converged : bool
        The posterior sampler passed its checks (otherwise the posterior limits are not results).
    published : dict name -> dict
        The collaborations' numbers, for comparison.
    seconds : float
    """

    dataset: str
    mode: str
    signal_fits: dict[str, SignalFit]
    limits90_profile: tuple[float, float, float]
    limits90_posterior: tuple[float, float, float]
    converged: bool
    diagnostics: dict
    published: dict
    seconds: float


def fit_data(name: str, *, mode: str = "single", prior: str = "flat", lambda_max: float | None = None,
             settings=None, data_dir=None, sample: bool = True) -> DataFitResult:
    """Fit one released data set (or ``joint``): SM signal, profile-likelihood and posterior TMM limits."""
    start = time.perf_counter()
    names = JOINT_MEMBERS if name == "joint" else (name,)
    datasets = [load_dataset(n, data_dir) for n in names]
    fits = {d.name: fit_sm_signal(d) for d in datasets}
    profile = profile_limits(datasets, mode, params=TABLE2_PARAMETERS)
    posterior = (np.nan, np.nan, np.nan)
    converged, diagnostics = False, {}
    if sample:
        from .bayes_binned import build_binned_model
        from .sampling import CompiledSampler

        finite = profile[np.isfinite(profile)]
        lmax = lambda_max if lambda_max is not None else 3.0 * (finite.max() if finite.size else 100.0)
        model = build_binned_model(datasets, mode, Prior(prior, lmax), TABLE2_PARAMETERS)
        if settings is None:
            from .sampling import SamplerSettings

            settings = SamplerSettings()
        result = CompiledSampler(model, settings).run()
        moduli = result.draws["lambda_moduli"].reshape(-1, 3)
        posterior = tuple(float(x) for x in np.quantile(moduli, 0.9, axis=0))
        d = result.diagnostics
        converged = d.converged
        diagnostics = {"rhat_max": d.rhat_max, "ess_bulk_min": d.ess_bulk_min, "ess_tail_min": d.ess_tail_min,
                       "divergences": d.divergences, "prior": Prior(prior, lmax).describe(),
                       "problems": d.problems()}
    return DataFitResult(name, mode, fits, tuple(float(x) for x in profile), posterior, converged, diagnostics,
                         {d.name: d.published for d in datasets}, time.perf_counter() - start)
