"""Lemma C.1's second memory template, the sign-changing rho0(t) = -t e^{-t^2/2}: its
certified moments (the Gaussian template's are `MemoryBump.template_moment`)."""

from __future__ import annotations

import flint

from .. import validation
from ..backends import PrecisionError, flint_precision, to_arb


# the most digits of the arb quadratures below (3 s at 1000 digits, 46 s at 3000)
MAX_TEMPLATE_DPS = 1000


def sign_changing_template_moments(n, w, mu, dps=30):
    """The signed and the absolute moment int_0^inf t^n e^{-wt} rho0(t - mu) dt (and with
    |rho0|) of the sign-changing template rho0(t) = -t e^{-t^2/2} (Lemma C.1's second
    template), w > 0, mu >= 0, as arb balls at `dps` digits: quadrature on [0, mu] and
    [mu, mu + 40] (rho0(t - mu) keeps its sign on each) plus a bound on the tail.
    n <= 100, 15 <= dps <= 1000 (MAX_TEMPLATE_DPS); PrecisionError where arb's quadrature
    gives no enclosure (mu ~ 1e100)."""
    n = validation.integer(n, "n", minimum=0)
    if n > 100:
        raise ValueError(f"n must be <= 100 (the tail bound), got {n}")
    w = validation.positive(w, "w")
    mu = validation.real(mu, "mu")
    if mu < 0:
        raise ValueError(f"mu must be >= 0, got {mu!r}")
    dps = validation.integer(dps, "dps", minimum=validation.MIN_DPS, maximum=MAX_TEMPLATE_DPS)
    given = f"n={n}, w={w!r}, mu={mu!r}"
    with flint_precision(dps=dps):
        w, mu = to_arb(w), to_arb(mu)

        def f(sign):
            return lambda t, _a: sign * (t ** n) * (-w * t).exp() * (-(t - mu)) * (-(t - mu) ** 2 / 2).exp()

        left = flint.acb.integral(f(1), 0, mu).real
        right = flint.acb.integral(f(1), mu, mu + 40).real
        L = mu + 40
        # beyond L, with x = t - mu >= 40: e^{-wt} <= 1, (mu + x)^n <= (L x / 40)^n, and
        # int_40^inf x^(n+1) e^{-x^2/2} dx <= 40^n e^{-800} / (1 - n/1600) (integrating by
        # parts), so the tail is at most 1.07 L^n e^{-800} for n <= 100; 410 (L + 1)^n e^{-800}
        tail = (L + 1) ** n * 41 * flint.arb(-800).exp() * 10
        signed = left + right + flint.arb(0, tail.upper())
        absolute = left - right + flint.arb(0, tail.upper())
        if not (signed.is_finite() and absolute.is_finite()):
            # arb's quadrature over [0, mu] gives up (mu = 1e100): no enclosure, refuse
            raise PrecisionError(f"the sign-changing template moments at {given} are not resolved "
                                 f"at dps={dps} (arb's quadrature over [0, mu] did not converge): a smaller mu "
                                 "(or a larger dps)")
        return signed, absolute
