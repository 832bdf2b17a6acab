"""The expected-count model, written once for numpy (chi^2 and profile-likelihood scans) and PyTensor (PyMC).

    N[b] = s_SM * sum_c N_SM[c, b]  +  s_EM * sum_c mu_c^2 n_EM[c, b]  +  sum_k (1 + beta_k) B[k, b]

with the signal normalization nuisance alpha entering as

* ``nuisance_on="total"``:  s_SM = s_EM = 1 + alpha  (Eq. 34 as written, the literal Eq. 35, and the
  real-data likelihoods, where alpha stands for flux, quenching and efficiency normalizations);
* ``nuisance_on="signal"``: s_SM = 1, s_EM = 1 + alpha  (the nuisance acts on the EM excess only: the
  effective Eq. 35 that reproduces the paper's Table 2, PHYSICS.md Sect. 10.2).

Only arithmetic and ``@`` are used, so every argument may be a numpy array or a PyTensor tensor.
"""

from __future__ import annotations

__all__ = ["NUISANCE_CONVENTIONS", "expected_counts", "check_nuisance_on"]

#: Where the signal-normalization nuisance alpha acts.
NUISANCE_CONVENTIONS = ("signal", "total")


def check_nuisance_on(nuisance_on: str) -> str:
    """Return ``nuisance_on`` if it is a known convention, else raise ``ValueError``."""
    if nuisance_on not in NUISANCE_CONVENTIONS:
        raise ValueError(f"nuisance_on must be one of {NUISANCE_CONVENTIONS}, got {nuisance_on!r}")
    return nuisance_on


def expected_counts(sm_events, em_events_per_mu2, mu2, *, alpha=0.0, backgrounds=None, beta=0.0,
                    nuisance_on: str = "total"):
    """Expected events per bin.

    Parameters
    ----------
    sm_events : array (n_components, n_bins)
        SM events per beam component and bin (all components count, whatever the TMM beam).
    em_events_per_mu2 : array (n_components, n_bins)
        EM events per unit mu^2 (mu in 1e-10 mu_B); zero rows switch a component's EM term off.
    mu2 : array (..., n_components)
        Effective moments squared per component, (1e-10 mu_B)^2.
    alpha : scalar or array broadcasting with the result
        Signal normalization nuisance (fractional).
    backgrounds : array (n_backgrounds, n_bins), optional
        Expected background events of each background component.
    beta : array (..., n_backgrounds)
        Background normalization nuisances (fractional), one per background component.
    nuisance_on : {"total", "signal"}
        Where alpha acts (module docstring).

    Returns
    -------
    array (..., n_bins) of expected events.

    Examples
    --------
    >>> import numpy as np
    >>> sm = np.array([[10.0], [20.0]]); em = np.array([[1.0], [2.0]])
    >>> expected_counts(sm, em, np.array([4.0, 1.0]), alpha=0.5, nuisance_on="signal")
    array([39.])
    >>> expected_counts(sm, em, np.array([0.0, 0.0]), backgrounds=np.array([[5.0]]), beta=np.array([0.2]))
    array([36.])
    """
    check_nuisance_on(nuisance_on)
    sm = sm_events.sum(axis=0)
    em = mu2 @ em_events_per_mu2
    if nuisance_on == "total":
        counts = (1.0 + alpha) * (sm + em)
    else:
        counts = sm + (1.0 + alpha) * em
    if backgrounds is not None:
        counts = counts + (1.0 + beta) @ backgrounds
    return counts
