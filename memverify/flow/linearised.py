"""The linearised flow of the proof of Theorem C.1 (eqs. 109-113) and
initialisations on the manifold M* (Definition C.1)."""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from .. import validation
from ..backends import Precision, illinois
from ..loss import Loss
from .linalg import eigh, phi
from .plain import auto_dps


@dataclass(frozen=True)
class LinearisedFlow:
    """theta(tau) ~ theta_0 - int_0^tau e^{-H_0 s} ds g_0 (eq. 109) and its hitting times.

    g0_norm: ||g_0||_2; eigenvalues: of H_0, ascending (lambda_2m first);
    tau_param: time at which ||theta(tau) - theta_0|| = delta (eq. 110);
    tau_loss: time at which the quadratic model of J changes by delta;
    tau_bound: min(delta / ||g_0||, ln(1 + delta) / |lambda_2m|) (eq. 113; for
    lambda_2m >= 0 the second term is omitted; None where g_0 = 0 too);
    status (as FlowResult's): 1 both times found, 0 a time not reached by
    tau = 1e300, -1 a time below 1e-300 that is not resolved; such a time is
    None, and the message says which."""

    delta: float
    g0_norm: float
    eigenvalues: list
    tau_param: float | None
    tau_loss: float | None
    tau_bound: float | None
    dps: int
    status: int = 1
    message: str = "both hitting times found"

    @property
    def success(self):
        return self.status >= 0


def linearised_flow(loss, a0, w0, delta, dps=None):
    """The linearised prediction of eqs. 109-113 at theta_0 = (a0, w0), computed
    at mpmath precision `dps` (default: as gradient_flow's 'exact')."""
    if not isinstance(loss, Loss):
        raise TypeError(f"loss must be a memverify.Loss, got {type(loss).__name__}")
    a0 = validation.vector(a0, "a0", length=loss.m)
    w0 = validation.vector(w0, "w0", length=loss.m, positive_entries=True)
    delta = float(validation.positive(delta, "delta"))
    theta0 = list(a0) + list(w0)
    dps = auto_dps(loss, theta0) if dps is None else validation.digits(dps)
    ar = Precision(dps)
    with mpmath.workdps(dps):
        g = loss.gradient(a0, w0, dps=dps)
        H = loss.hessian(a0, w0, dps=dps)
        lam, Q = eigh(ar, H)
        gq = Q.T.dot(g)

        def disp(tau):  # ||int_0^tau e^{-H s} ds g0||, increasing in tau
            return ar.norm2(phi(ar, 1, lam * -tau) * tau * gq)

        def dloss(tau):  # g.D + D.H.D/2 with D = -int e^{-Hs} ds g, in the eigenbasis
            c = phi(ar, 1, lam * -tau) * tau
            return abs(mpmath.fsum(-(gi**2) * ci + li * (ci * gi) ** 2 / 2 for gi, ci, li in zip(gq, c, lam)))

        d = mpmath.mpf(delta)
        tau_param = _first_crossing(lambda x: disp(x) - d)
        tau_loss = _first_crossing(lambda x: dloss(x) - d)
        gn = ar.norm2(g)
        bound = d / gn if gn > 0 else mpmath.inf
        if lam[0] < 0:
            bound = min(bound, mpmath.log(1 + d) / abs(lam[0]))
        status, message = 1, "both hitting times found"
        missing = [k for k, v in (("tau_param", tau_param), ("tau_loss", tau_loss)) if v == mpmath.inf]
        if missing:
            status, message = 0, f"{' and '.join(missing)} not reached by tau = 1e300 (None)"
        tiny = [k for k, v in (("tau_param", tau_param), ("tau_loss", tau_loss)) if v is None]
        if tiny:
            status, message = -1, f"{' and '.join(tiny)} below tau = 1e-300, not resolved (None)"
        t = lambda v: None if v is None or v == mpmath.inf else float(v)  # noqa: E731
        return LinearisedFlow(delta, float(gn), [float(x) for x in lam], t(tau_param), t(tau_loss),
                              t(bound), dps, status, message)


def _first_crossing(f, lo=mpmath.mpf("1e-6"), hi_max=mpmath.mpf("1e300"), lo_min=mpmath.mpf("1e-300")):
    """The first tau with f(tau) > 0 (f increasing, f(0) < 0), scanning tau by factors
    of 2 (down from `lo` when f(lo) > 0 already), then refining the bracket (backends.illinois);
    inf beyond hi_max, None below lo_min."""
    while f(lo) > 0:
        if lo < lo_min:
            return None
        lo = lo / 2
    hi = lo
    while f(hi) <= 0:
        lo, hi = hi, hi * 2
        if hi > hi_max:
            return mpmath.inf
    return illinois(f, lo, hi, f(lo), f(hi), mpmath.mpf(10) ** (-14), offset=0)[1]
