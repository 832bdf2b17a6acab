"""PyTensor versions of mu^2 = Lambda^dag M Lambda for use inside PyMC models.

The quadratic form is evaluated in real arithmetic: with z = (Re Lambda, Im Lambda) and
M = A + iB, mu^2 = z^T Q z, Q = [[A, -B], [B, A]] (see :func:`bayes_tmm.tmm.real_quadratic_form_6x6`).
This keeps every graph real-valued, so gradients are plain real gradients (NUTS-friendly), and the
numbers agree with the numpy :func:`bayes_tmm.tmm.mu2_from_matrix` to rounding.

Inputs may carry leading batch dimensions: moduli/phases or re/im of shape (..., 3) give mu^2 of
shape (...). ``M`` is a Hermitian (3, 3) numpy array (e.g. from
:func:`bayes_tmm.tmm.effective_moment_matrix` or :func:`bayes_tmm.solar.solar_moment_matrix`) or a
(3, 3) PyTensor tensor (real, or complex Hermitian).

Units: Lambda in 1e-10 mu_B (moduli >= 0), phases in radians, mu^2 in (1e-10 mu_B)^2.
"""

from __future__ import annotations

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable

from .tmm import real_quadratic_form_6x6

__all__ = ["quadratic_form_6x6_pt", "mu2_from_cartesian_pt", "mu2_from_matrix_pt", "mu2_from_forms_pt"]


def quadratic_form_6x6_pt(M):
    """Real symmetric (6, 6) tensor Q for a Hermitian (3, 3) M (numpy array or PyTensor tensor)."""
    if not isinstance(M, Variable):
        # numpy / nested list: validated (Hermitian) and converted once, stored as a graph constant.
        return pt.constant(real_quadratic_form_6x6(M), dtype="float64")
    m = pt.as_tensor_variable(M)
    if m.ndim != 2:
        raise ValueError(f"M must be a (3, 3) tensor, got ndim = {m.ndim}")
    if m.dtype.startswith("complex"):
        a, b = pt.real(m), pt.imag(m)
    else:
        a, b = m, pt.zeros_like(m)
    return pt.concatenate([pt.concatenate([a, -b], axis=1), pt.concatenate([b, a], axis=1)], axis=0)


def _check_numeric_moduli(moduli) -> None:
    """Reject negative moduli when they are concrete numbers (symbolic inputs cannot be checked)."""
    if isinstance(moduli, Variable):
        return
    r = np.asarray(moduli, dtype=float)
    if not np.all(np.isfinite(r)) or np.any(r < 0):
        raise ValueError(f"moduli (|Lambda_i|, units 1e-10 mu_B) must be finite and >= 0, got {moduli!r}")


def mu2_from_cartesian_pt(re, im, M):
    """mu^2 = Lambda^dag M Lambda with Lambda = re + i im (tensors of shape (..., 3), 1e-10 mu_B).

    Returns a tensor of shape (...) in (1e-10 mu_B)^2.
    """
    x = pt.as_tensor_variable(re)
    y = pt.as_tensor_variable(im)
    if x.ndim < 1 or y.ndim < 1:
        raise ValueError("re and im must have a last axis of length 3")
    q = quadratic_form_6x6_pt(M)
    x, y = pt.broadcast_arrays(x, y)
    z = pt.concatenate([x, y], axis=-1)
    zq = pt.tensordot(z, q, axes=[[z.ndim - 1], [0]])
    return pt.sum(z * zq, axis=-1)


def mu2_from_matrix_pt(moduli, phases, M):
    """mu^2 = Lambda^dag M Lambda with Lambda_i = moduli_i exp(i phases_i).

    ``moduli`` (1e-10 mu_B, >= 0; checked when given as numbers) and ``phases`` (radians) are
    tensors or arrays of shape (..., 3); the result has shape (...) in (1e-10 mu_B)^2.
    """
    _check_numeric_moduli(moduli)
    r = pt.as_tensor_variable(moduli)
    phi = pt.as_tensor_variable(phases)
    return mu2_from_cartesian_pt(r * pt.cos(phi), r * pt.sin(phi), M)


def mu2_from_forms_pt(re, im, forms):
    """mu_c^2 = z^T Q_c z for a stack of real quadratic forms, z = (Re Lambda, Im Lambda).

    ``re``, ``im``: tensors of shape (3,) (1e-10 mu_B); ``forms``: tensor or array of shape (C, 6, 6), e.g.
    ``np.stack([real_quadratic_form_6x6(M_c) for c in ...])`` held in a ``pm.Data`` so that a compiled model
    can be re-used with other mixing matrices. Returns shape (C,) in (1e-10 mu_B)^2.
    """
    z = pt.concatenate([pt.as_tensor_variable(re), pt.as_tensor_variable(im)])
    q = pt.as_tensor_variable(forms)
    return pt.sum(pt.dot(q, z) * z, axis=-1)
