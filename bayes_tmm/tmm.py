"""Effective transition magnetic moments mu^2_eff(Lambda) per neutrino beam component (Eqs. 5-19).

A Majorana neutrino has an antisymmetric complex 3x3 moment matrix, parametrized by three complex
numbers: ``lambda_ab = eps_abc Lambda_c`` in the flavour basis (Lambda_e, Lambda_mu, Lambda_tau) and
``lambda~_ij = eps_ijk Lambda_k`` in the mass basis (Lambda_1, Lambda_2, Lambda_3), with
``Lambda_i = |Lambda_i| e^{i zeta_i}`` (Eqs. 6, 7).

A source emitting negative-helicity (neutrino) amplitudes ``a_-`` and positive-helicity (antineutrino)
amplitudes ``a_+`` sees (Eq. 5 in the flavour basis, Eq. 9 in the mass basis)::

    mu^2 = a_-^dag lambda^dag lambda a_-  +  a_+^dag lambda lambda^dag a_+ ,
    a~_- = U^dag a_- ,  a~_+ = U^T a_+ ,  lambda~ = U^T lambda U            (Eq. 8)

Because ``lambda~^dag lambda~ = |Lambda|^2 1 - Lambda Lambda^dag`` and
``lambda~ lambda~^dag = |Lambda|^2 1 - conj(Lambda) Lambda^T``, mu^2 is a Hermitian quadratic form
``mu^2 = Lambda^dag M Lambda`` with

    M = |a~_-|^2 1 - a~_- a~_-^dag  +  |a~_+|^2 1 - conj(a~_+) a~_+^T .

For a pure flavour alpha (neutrino or antineutrino alike) this is ``M = 1 - w w^dag`` with
``w_i = conj(U_alpha i)``, i.e. the closed form ``mu^2 = |Lambda|^2 - |sum_i U_alpha i Lambda_i|^2``
(PHYSICS.md Sect. 1.1). One matrix M_c per beam component drives both the numpy code (chi^2 scans)
and the PyTensor code (:mod:`bayes_tmm.tmm_pytensor`).

Units: Lambda (and hence mu_eff) in units of 1e-10 mu_B, so mu^2 is in (1e-10 mu_B)^2. The matrices
M_c are dimensionless.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from .mixing import OscillationParameters, pmns_matrix

__all__ = [
    "Flavour",
    "BeamComponent",
    "HelicityAmplitudes",
    "as_component",
    "as_flavour",
    "complex_moments",
    "lambda_tilde",
    "helicity_amplitudes",
    "mass_basis_amplitudes",
    "moment_matrix_from_amplitudes",
    "mu2_eff_matrix_form",
    "mu2_eff_closed_form",
    "effective_moment_matrix",
    "effective_moment_matrices",
    "mu2_from_matrix",
    "real_quadratic_form_6x6",
    "flavour_to_mass",
    "mass_to_flavour",
    "mu2_flavour_matrix_form",
    "mu2_flavour_basis",
    "blind_direction",
]

# Levi-Civita symbol eps_ijk.
_EPS = np.zeros((3, 3, 3))
_EPS[0, 1, 2] = _EPS[1, 2, 0] = _EPS[2, 0, 1] = 1.0
_EPS[0, 2, 1] = _EPS[2, 1, 0] = _EPS[1, 0, 2] = -1.0


class Flavour(Enum):
    """Neutrino flavour; ``index`` is the row of the PMNS matrix."""

    E = "e"
    MU = "mu"
    TAU = "tau"

    @property
    def index(self) -> int:
        """Row index in U (e -> 0, mu -> 1, tau -> 2)."""
        return ("e", "mu", "tau").index(self.value)

    @classmethod
    def _missing_(cls, value):
        raise ValueError(f"unknown flavour {value!r}; allowed: {[m.value for m in cls]}")


class BeamComponent(Enum):
    """A pure-flavour neutrino beam component seen by a CEvNS detector.

    ======== ================================== ======= ===============
    value    source                             flavour antineutrino?
    ======== ================================== ======= ===============
    antinue  reactor anti-nu_e (Eqs. 10-12)     e       yes
    prompt   SNS prompt nu_mu (Eqs. 15, 17)     mu      no
    nue      SNS delayed nu_e (Eqs. 16, 18)     e       no
    numubar  SNS delayed anti-nu_mu (16, 19)    mu      yes
    ======== ================================== ======= ===============

    ``BeamComponent("prompt")`` works; an unknown name raises ValueError listing the allowed ones.
    """

    ANTINUE = "antinue"
    PROMPT = "prompt"
    NUE = "nue"
    NUMUBAR = "numubar"

    @property
    def flavour(self) -> Flavour:
        """The flavour of the component."""
        return _COMPONENT_FLAVOUR[self.value]

    @property
    def is_antineutrino(self) -> bool:
        """True for positive-helicity (antineutrino) components: they enter through a_+."""
        return self.value in ("antinue", "numubar")

    @classmethod
    def _missing_(cls, value):
        raise ValueError(f"unknown beam component {value!r}; allowed: {[m.value for m in cls]}")


_COMPONENT_FLAVOUR = {"antinue": Flavour.E, "prompt": Flavour.MU, "nue": Flavour.E, "numubar": Flavour.MU}


@dataclass(frozen=True)
class HelicityAmplitudes:
    """Helicity amplitude 3-vectors of a source (complex, shape (3,)).

    Attributes
    ----------
    a_minus : numpy.ndarray
        Negative-helicity (neutrino) amplitudes.
    a_plus : numpy.ndarray
        Positive-helicity (antineutrino) amplitudes.
    basis : str
        "flavour" (components e, mu, tau) or "mass" (components 1, 2, 3).
    """

    a_minus: np.ndarray
    a_plus: np.ndarray
    basis: str


def as_component(component: BeamComponent | str) -> BeamComponent:
    """Validate and convert a component name ("antinue", "prompt", "nue", "numubar") or member."""
    if isinstance(component, BeamComponent):
        return component
    if not isinstance(component, str):
        raise ValueError(f"component must be a BeamComponent or one of {[m.value for m in BeamComponent]}, "
                         f"got {component!r}")
    return BeamComponent(component)


def as_flavour(flavour: Flavour | str) -> Flavour:
    """Validate and convert a flavour name ("e", "mu", "tau") or member."""
    if isinstance(flavour, Flavour):
        return flavour
    if not isinstance(flavour, str):
        raise ValueError(f"flavour must be a Flavour or one of {[m.value for m in Flavour]}, got {flavour!r}")
    return Flavour(flavour)


def _as_unitary(U) -> np.ndarray:
    """U given as None (default parameters), OscillationParameters, or a unitary (3, 3) array."""
    if U is None or isinstance(U, OscillationParameters):
        return pmns_matrix(U)
    u = np.asarray(U, dtype=complex)
    if u.shape != (3, 3):
        raise ValueError(f"U must have shape (3, 3), got {u.shape}")
    if not np.allclose(u.conj().T @ u, np.eye(3), atol=1e-10):
        raise ValueError("U must be unitary (U^dagger U = 1 to 1e-10)")
    return u


def _as_lambda(Lambda, name: str = "Lambda") -> np.ndarray:
    lam = np.asarray(Lambda, dtype=complex)
    if lam.ndim == 0 or lam.shape[-1] != 3:
        raise ValueError(f"{name} must have shape (..., 3), got {lam.shape}")
    if not np.all(np.isfinite(lam)):
        raise ValueError(f"{name} must be finite")
    return lam


def _real_out(x: np.ndarray):
    """Return a Python float for 0-d results, a float array otherwise."""
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


def complex_moments(moduli, phases=None) -> np.ndarray:
    """Complex moments Lambda_i = |Lambda_i| exp(i zeta_i), shape (..., 3).

    ``moduli`` in units of 1e-10 mu_B (must be >= 0), ``phases`` zeta_i in radians (default 0).
    Raises ValueError naming ``moduli`` when a modulus is negative or not finite.

    >>> complex_moments([1.0, 2.0, 0.0], [0.0, np.pi, 0.0]).round(12).tolist()
    [(1+0j), (-2+0j), 0j]
    """
    r = np.asarray(moduli, dtype=float)
    if r.ndim == 0 or r.shape[-1] != 3:
        raise ValueError(f"moduli must have shape (..., 3), got {r.shape}")
    if not np.all(np.isfinite(r)) or np.any(r < 0):
        raise ValueError(f"moduli (|Lambda_i|, units 1e-10 mu_B) must be finite and >= 0, got {moduli!r}")
    if phases is None:
        return r.astype(complex)
    z = np.asarray(phases, dtype=float)
    if not np.all(np.isfinite(z)):
        raise ValueError(f"phases (zeta_i, radians) must be finite, got {phases!r}")
    return r * np.exp(1j * z)


def lambda_tilde(Lambda) -> np.ndarray:
    """Antisymmetric moment matrix ``lambda_ij = eps_ijk Lambda_k`` (Eqs. 6, 7).

    Works for the flavour basis (Lambda_e, Lambda_mu, Lambda_tau) and the mass basis alike.
    Input shape (..., 3), output (..., 3, 3); units follow Lambda.

    >>> lambda_tilde([1, 2, 3]).real.astype(int).tolist()
    [[0, 3, -2], [-3, 0, 1], [2, -1, 0]]
    """
    lam = _as_lambda(Lambda)
    return np.einsum("ijk,...k->...ij", _EPS, lam)


def helicity_amplitudes(component: BeamComponent | str) -> HelicityAmplitudes:
    """Flavour-basis helicity amplitudes of a pure-flavour component (a unit vector e_alpha)."""
    c = as_component(component)
    e_alpha = np.zeros(3, dtype=complex)
    e_alpha[c.flavour.index] = 1.0
    zero = np.zeros(3, dtype=complex)
    if c.is_antineutrino:
        return HelicityAmplitudes(a_minus=zero, a_plus=e_alpha, basis="flavour")
    return HelicityAmplitudes(a_minus=e_alpha, a_plus=zero, basis="flavour")


def mass_basis_amplitudes(component: BeamComponent | str, U=None) -> HelicityAmplitudes:
    """Mass-basis amplitudes of Eq. (8): a~_- = U^dag a_-, a~_+ = U^T a_+.

    ``U``: PMNS matrix (3, 3), an OscillationParameters, or None for the default parameters.
    """
    u = _as_unitary(U)
    a = helicity_amplitudes(component)
    return HelicityAmplitudes(a_minus=u.conj().T @ a.a_minus, a_plus=u.T @ a.a_plus, basis="mass")


def _mu2_from_lambda_matrix(lam: np.ndarray, a_minus: np.ndarray, a_plus: np.ndarray) -> np.ndarray:
    """a_-^dag lam^dag lam a_- + a_+^dag lam lam^dag a_+ = |lam a_-|^2 + |lam^dag a_+|^2."""
    v_minus = np.einsum("...ij,j->...i", lam, a_minus)
    v_plus = np.einsum("...ji,j->...i", lam.conj(), a_plus)
    return np.sum(np.abs(v_minus) ** 2, axis=-1) + np.sum(np.abs(v_plus) ** 2, axis=-1)


def mu2_eff_matrix_form(Lambda, component: BeamComponent | str, U=None):
    """mu^2_eff from the general mass-basis matrix expression, Eq. (9).

    Parameters
    ----------
    Lambda : array_like, complex, shape (..., 3)
        Mass-basis moments (Lambda_1, Lambda_2, Lambda_3) in units of 1e-10 mu_B.
    component : BeamComponent or str
        "antinue", "prompt", "nue" or "numubar".
    U : (3, 3) array, OscillationParameters or None
        PMNS matrix (None: default parameters).

    Returns
    -------
    float or ndarray of shape (...): mu^2_eff in (1e-10 mu_B)^2.
    """
    lam = _as_lambda(Lambda)
    a = mass_basis_amplitudes(component, U)
    return _real_out(_mu2_from_lambda_matrix(lambda_tilde(lam), a.a_minus, a.a_plus))


def mu2_eff_closed_form(Lambda, component: BeamComponent | str, U=None):
    """mu^2_eff = |Lambda|^2 - |sum_i U_alpha i Lambda_i|^2 (PHYSICS.md Sect. 1.1), alpha = flavour.

    Same inputs, units and output as :func:`mu2_eff_matrix_form`; identical for a neutrino or an
    antineutrino of the same flavour.
    """
    lam = _as_lambda(Lambda)
    u = _as_unitary(U)
    row = u[as_component(component).flavour.index]
    return _real_out(np.sum(np.abs(lam) ** 2, axis=-1) - np.abs(lam @ row) ** 2)


def moment_matrix_from_amplitudes(a_minus, a_plus) -> np.ndarray:
    """Hermitian M with mu^2 = Lambda^dag M Lambda for given helicity amplitudes (same basis as Lambda).

    M = |a_-|^2 1 - a_- a_-^dag + |a_+|^2 1 - conj(a_+) a_+^T, derived from Eq. (5)/(9) with
    lambda^dag lambda = |Lambda|^2 1 - Lambda Lambda^dag and lambda lambda^dag = |Lambda|^2 1 - conj(Lambda) Lambda^T.
    Dimensionless, shape (3, 3).
    """
    am = np.asarray(a_minus, dtype=complex).reshape(3)
    ap = np.asarray(a_plus, dtype=complex).reshape(3)
    eye = np.eye(3)
    m = (np.vdot(am, am).real * eye - np.outer(am, am.conj())) + (np.vdot(ap, ap).real * eye - np.outer(ap.conj(), ap))
    return 0.5 * (m + m.conj().T)  # exact hermiticity (removes rounding asymmetry)


def effective_moment_matrix(component: BeamComponent | str, U=None) -> np.ndarray:
    """Hermitian 3x3 matrix M_c with mu^2_c = Lambda^dag M_c Lambda (Lambda in the mass basis).

    Built from the rotated helicity amplitudes of Eq. (8). For a pure flavour alpha it equals
    1 - w w^dag with w_i = conj(U_alpha i). Dimensionless.
    """
    a = mass_basis_amplitudes(component, U)
    return moment_matrix_from_amplitudes(a.a_minus, a.a_plus)


def effective_moment_matrices(params: OscillationParameters | None = None) -> dict[BeamComponent, np.ndarray]:
    """M_c for all four beam components, keyed by :class:`BeamComponent` (default parameters if None)."""
    u = pmns_matrix(params)
    return {c: effective_moment_matrix(c, u) for c in BeamComponent}


def _as_hermitian(M) -> np.ndarray:
    m = np.asarray(M, dtype=complex)
    if m.shape != (3, 3):
        raise ValueError(f"M must have shape (3, 3), got {m.shape}")
    if not np.allclose(m, m.conj().T, atol=1e-12 * max(1.0, np.abs(m).max())):
        raise ValueError("M must be Hermitian")
    return m


def mu2_from_matrix(Lambda, M):
    """mu^2 = Lambda^dag M Lambda for Lambda of shape (..., 3) and a Hermitian (3, 3) M.

    Units: Lambda in 1e-10 mu_B, result in (1e-10 mu_B)^2 (float, or array of shape (...)).
    """
    lam = _as_lambda(Lambda)
    m = _as_hermitian(M)
    return _real_out(np.einsum("...i,ij,...j->...", lam.conj(), m, lam).real)


def real_quadratic_form_6x6(M) -> np.ndarray:
    """Real symmetric 6x6 Q with Lambda^dag M Lambda = z^T Q z, z = (Re Lambda, Im Lambda).

    With M = A + iB (A symmetric, B antisymmetric): Q = [[A, -B], [B, A]].
    """
    m = _as_hermitian(M)
    a, b = m.real, m.imag
    return np.block([[a, -b], [b, a]])


def flavour_to_mass(Lambda_flavour, U=None) -> np.ndarray:
    """Mass-basis vector from the flavour-basis one, induced by lambda~ = U^T lambda U (Eq. 8).

    From eps_abc U_ai U_bj U_ck = det(U) eps_ijk:  Lambda_mass = det(U) U^dag Lambda_flavour.
    Input/output shape (..., 3), units 1e-10 mu_B. The map is unitary, so |Lambda| is preserved.
    """
    lam = _as_lambda(Lambda_flavour, "Lambda_flavour")
    u = _as_unitary(U)
    return np.linalg.det(u) * np.einsum("ji,...j->...i", u.conj(), lam)


def mass_to_flavour(Lambda_mass, U=None) -> np.ndarray:
    """Inverse of :func:`flavour_to_mass`: Lambda_flavour = conj(det U) U Lambda_mass."""
    lam = _as_lambda(Lambda_mass, "Lambda_mass")
    u = _as_unitary(U)
    return np.conj(np.linalg.det(u)) * np.einsum("ij,...j->...i", u, lam)


def mu2_flavour_matrix_form(Lambda_flavour, component: BeamComponent | str):
    """mu^2 from the flavour-basis matrix expression, Eq. (5), with lambda_ab = eps_abc Lambda_c.

    Lambda_flavour = (Lambda_e, Lambda_mu, Lambda_tau), shape (..., 3), units 1e-10 mu_B.
    """
    lam = _as_lambda(Lambda_flavour, "Lambda_flavour")
    a = helicity_amplitudes(component)
    return _real_out(_mu2_from_lambda_matrix(lambda_tilde(lam), a.a_minus, a.a_plus))


def mu2_flavour_basis(Lambda_flavour, component: BeamComponent | str):
    """Closed flavour-basis form: |Lambda|^2 - |Lambda_alpha|^2 (Eqs. 10, 15, 16).

    E.g. reactor anti-nu_e: |Lambda_mu|^2 + |Lambda_tau|^2; prompt nu_mu: |Lambda_e|^2 + |Lambda_tau|^2.
    Units as :func:`mu2_flavour_matrix_form`.
    """
    lam = _as_lambda(Lambda_flavour, "Lambda_flavour")
    k = as_component(component).flavour.index
    return _real_out(np.sum(np.abs(lam) ** 2, axis=-1) - np.abs(lam[..., k]) ** 2)


def blind_direction(component_or_flavour: BeamComponent | Flavour | str, U=None) -> np.ndarray:
    """Unit complex mass-basis direction along which a pure-flavour source sees mu^2 = 0 (Eqs. 13, 14).

    For flavour alpha it is w_i = conj(U_alpha i) (unit norm by unitarity); any complex multiple
    c w is blind too. For the reactor with delta_CP = 0 it is (c12 c13, s12 c13, s13).
    Accepts a BeamComponent/component name or a Flavour/flavour name ("e", "mu", "tau").

    >>> from bayes_tmm.mixing import DESALAS2018_NO
    >>> blind_direction("antinue", DESALAS2018_NO.with_delta_cp(0.0)).real.round(4).tolist()
    [0.8157, 0.5595, 0.147]
    """
    x = component_or_flavour
    if isinstance(x, Flavour) or (isinstance(x, str) and x in {f.value for f in Flavour}):
        flavour = as_flavour(x)
    elif isinstance(x, BeamComponent) or (isinstance(x, str) and x in {c.value for c in BeamComponent}):
        flavour = as_component(x).flavour
    else:
        allowed = [c.value for c in BeamComponent] + [f.value for f in Flavour]
        raise ValueError(f"unknown component or flavour {x!r}; allowed: {allowed}")
    u = _as_unitary(U)
    return u[flavour.index].conj().copy()
