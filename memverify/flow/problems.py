"""The right-hand side the float64 integrator steps: grad J and Hess J at a state y
(the 'exact' method's, `PlainProblem`, is in flow/plain.py).

- `OffsetProblem`: float64, y = offsets of theta from a reference point that
  moves with the flow, evaluated in the residual form of
  `memverify.symbolic.offsets` (proved equal to the plain derivatives) with the
  exponential part of the residual moments summed exactly.  It also returns a
  bound on the rounding error of the gradient, which the driver turns into a
  `PrecisionError` when it is too large to trust a step.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import gmpy2
import numpy as np
import sympy as sp

from ..symbolic.offsets import W_STAR, entry_symbols, exp_moment_difference, residual_entries
from ..backends import (DD_ADD_BOUND, DD_MUL_BOUND, DD_RECIP_BOUND, DD_U2, Precision, dd_add, dd_mul, dd_recip, dd_sum,
                        rounding_bound, two_sum)
from ..targets import exp_term_moment, s as _s_sym, w_sym as _w_sym

from .plain import EPS, PlainProblem, auto_dps  # noqa: F401  (re-exported: they lived here)

# OffsetProblem keeps a float64 sum of the residuals' exponential part when its
# error bound is at most FLOAT_SUM_MAX_LOSS times what an exact sum would leave
# beside the template's own error, or at most FLOAT_SUM_REL_MAX relative to the
# residual itself (10^4 below the default rtol); beyond (the terms cancel among
# themselves), it sums in rationals
FLOAT_SUM_MAX_LOSS = 1024.0
FLOAT_SUM_REL_MAX = 1e-13
# where the float sum is not good enough it is redone in double words (_exp_part_dd,
# about 2^-106 relative to the terms), and only where that is not enough either in rationals;
# below this width the rational sum costs less than the float sum's numpy calls
# (measured per state: 25 against 70 us at m = 2, 60 against 70 at m = 3, 400
# against 75 at m = 10), so it is summed in rationals straight away
FLOAT_SUM_MIN_WIDTH = 3
# a Radau step compares two first guesses of its stages, then iterates from the better
# one; the gradient at a state and the Hessian there share the residuals too
RESIDUAL_CACHE = 3


@functools.lru_cache(maxsize=None)
def _entries_compiled():
    """The gradient and Hessian entries of the residual form for a neuron i and a
    neuron j (symbolic.offsets.residual_entries, proved to give every entry at every
    width), each with a bound on its rounding error: backends.rounding_bound plus
    sum_n |d entry / d R_n| E_n over the R_n of both neurons that it depends on (E_n
    the R_n's error bounds).  Returns {"grad", "pair", "self"}: numpy functions of
    the two neurons' (a, w, R0, R1, R2, E0, E1, E2), on arrays that broadcast, each
    giving [value, error bound] per entry."""
    ent = residual_entries()
    sym_i, sym_j = entry_symbols()
    err_i = sp.symbols("E0_i E1_i E2_i", nonnegative=True)
    err_j = sp.symbols("E0_j E1_j E2_j", nonnegative=True)
    args = list(sym_i) + list(err_i) + list(sym_j) + list(err_j)

    def pieces(e):
        prop = sum(sp.Abs(sp.diff(e, r)) * err for r, err in zip(sym_i[2:] + sym_j[2:], err_i + err_j))
        return [e, rounding_bound(e) + prop]

    out = {}
    for key, exprs in (("grad", ent["grad"]), ("pair", [x for row in ent["pair"] for x in row]),
                       ("self", [x for row in ent["self"] for x in row])):
        out[key] = sp.lambdify(args, [pieces(e) for e in exprs], modules="numpy", cse=True)
    return out


@functools.lru_cache(maxsize=None)
def _exp_sums_float():
    """M_n(s; w) = n!/(s + w)^(n+1) (targets.exp_term_moment) and minus its divided
    difference -D_n(s; w, w_star) (symbolic.offsets.exp_moment_difference), n = 0, 1, 2,
    as numpy functions of arrays, each with a bound on its relative float64 error:
    2 (operations + 1) eps for the evaluation (backends.rounding_bound; both are
    positive, so abs_bound is the value) plus degree * eps / 2 for arguments s, w
    rounded to eps / 2 (a positive rational function of degree d moves by at most
    d times the relative change of its arguments)."""
    fs = [exp_term_moment(n) for n in range(3)]
    Ds = [-exp_moment_difference(n) for n in range(3)]

    def rel(e):
        num, den = sp.fraction(sp.together(e))
        deg = sum(sp.Poly(p, _s_sym, _w_sym, W_STAR).total_degree() for p in (num, den))
        return 2 * (sp.count_ops(e) + 1) * EPS + deg * EPS / 2

    f = sp.lambdify([_s_sym, _w_sym], fs, modules="numpy", cse=True)
    D = sp.lambdify([_s_sym, _w_sym, W_STAR], Ds, modules="numpy", cse=True)
    return f, np.array([rel(e) for e in fs]), D, np.array([rel(e) for e in Ds])


@functools.lru_cache(maxsize=None)
def _exp_moments_exact():
    """(M_0, M_1, M_2)(s) of e^{-w t} (targets.exp_term_moment) on exact rationals
    (gmpy2.mpq): one call per term, the common power shared."""
    return sp.lambdify([_s_sym, _w_sym], [exp_term_moment(n) for n in range(3)], modules=[{}], cse=True)


class OffsetProblem:
    """float64 grad J / Hess J at theta = theta_ref + y, without cancellation.

    grad J and Hess J are taken in the residual form of
    `memverify.symbolic.offsets` (proved equal to the plain derivatives): they
    depend on theta and on the residual moments R_n(w_k) = M_n[rho_hat -
    rho](w_k), n = 0, 1, 2, which are exponentially small on M* although the
    terms that make them up are O(1).  The exponential part of R_n, sum_i a_i
    n!/(w_k + w_i)^{n+1} minus the target's own exponential terms, is summed
    without cancellation: each model term near a target rate is paired with it
    (a divided difference times w_i - w*, exact in float64, plus the exact
    (sum a_i - a*) times the target term's moment), and the float64 sum carries a
    bound on its error; where that bound is more than FLOAT_SUM_MAX_LOSS times
    what an exact sum would leave (the terms cancel among themselves), the sum is
    redone in double words (about 32 digits, with its own bound), and where that
    is not enough either, and for widths below FLOAT_SUM_MIN_WIDTH, in exact
    rational arithmetic (gmpy2) and rounded once.  The only
    rounding left is then the template moment's (float64, relative accuracy).
    The state y is the offset of theta from a reference that moves with the flow
    (`rebase` after every accepted step); a is kept as exact rationals there,
    because the flow moves a_i by far less than an ulp (a* - e^{-w/omega}).  The
    target must have an exponential part (Target.exponential_part: ExpSum, MemoryBump)."""

    def __init__(self, loss, theta_ref):
        target = loss.target
        base = target.exponential_part()
        if base is None:
            raise ValueError(f"method='fast' needs a target with an exponential part (the residual form "
                             f"subtracts it exactly), got {type(target).__name__}; use method='exact'")
        self.loss = loss
        self.m = loss.m
        self.dps = None
        self.arith = Precision(None)
        self.target = target
        self._base_terms = [(-gmpy2.mpq(Fraction(a)), gmpy2.mpq(Fraction(w))) for a, w in zip(base.a, base.w)]
        # the target's terms as double words (coefficient, its remainder; rate), for _exp_part_dd,
        # which needs the rates exactly
        tc = [_double_word(c) for c, _ in self._base_terms]
        tw = [_double_word(w) for _, w in self._base_terms]
        self._dd_target = (np.array([c[0] for c in tc]), np.array([c[1] for c in tc]), np.array([c[2] for c in tc]),
                           np.array([w[0] for w in tw]), np.array([w[1] for w in tw]))
        self._dd_exact_rates = all(w[2] == 0 for w in tw)
        self._astar = np.array([float(a) for a in base.a])
        self._wstar = np.array([float(w) for w in base.w])
        self._entries = _entries_compiled()
        self._moments = _exp_moments_exact()
        self._set_reference([gmpy2.mpq(float(x)) for x in theta_ref[: self.m]],
                            [float(x) for x in theta_ref[self.m:]])

    def _set_reference(self, a_exact, w_ref):
        """a_ref as exact rationals, w_ref as float64 numbers; pairs each model rate
        with the nearest target rate w* within [w*/2, 2 w*] (there w_ref - w* is
        exact: Sterbenz), and the groups' sum a_i - a*, exactly, as hi + lo + rem."""
        self.a_exact = list(a_exact)
        self.a_ref = np.array([float(a) for a in a_exact])
        self._float_cancels = False  # the float64 sum was not enough at this reference
        # the residuals at the last RESIDUAL_CACHE batches of offset states (offsets from
        # this reference: a new reference empties it)
        self._cache = {}
        self._a_dd = np.array([_double_word(a) for a in a_exact]).T  # hi, lo, remainder
        self.w_ref = np.array(w_ref, dtype=float)
        self.theta_ref = np.concatenate([self.a_ref, self.w_ref])
        pair = -np.ones(self.m, dtype=int)
        if len(self._wstar):
            near = np.argmin(np.abs(np.log(self.w_ref[:, None] / self._wstar[None, :])), axis=1)
            inside = (self.w_ref >= self._wstar[near] / 2) & (self.w_ref <= 2 * self._wstar[near])
            pair[inside] = near[inside]
        self._pair = pair
        self._paired = np.nonzero(pair >= 0)[0]
        self._single = np.nonzero(pair < 0)[0]
        self._groups, self._group_base = [], []
        for j, (aj, _) in enumerate(self._base_terms):
            members = np.nonzero(pair == j)[0]
            c = sum((self.a_exact[i] for i in members), aj)  # aj is -a*_j
            self._groups.append(members)
            self._group_base.append(_double_word(c))
        self._group_rem = np.array([rem for _, _, rem in self._group_base])
        self._dw = self.w_ref[self._paired] - self._wstar[pair[self._paired]]  # exact

    def initial_state(self, theta0):
        return np.zeros(2 * self.m)

    def rebase(self, y):
        """Move the reference to theta_ref + y: a exactly (rationals), w to the
        float64 nearest w_ref + v, keeping the rounding remainder as the new
        offset (TwoSum: s + r = w_ref + v exactly).  Returns the new offsets."""
        m = self.m
        a_new = [a + gmpy2.mpq(float(u)) for a, u in zip(self.a_exact, y[:m])]
        w, v = self.w_ref, y[m:]
        s = w + v
        bb = s - w
        r = (w - (s - bb)) + (v - bb)
        self._set_reference(a_new, s)
        return np.concatenate([np.zeros(m), r])

    def theta(self, y):
        return self.theta_ref + y

    def _templates(self, x):
        """Signed template moments T_n at the rates x (array), n = 0..3, shape (4, len(x)),
        and bounds on their errors (the target's template_moments)."""
        return self.target.template_moments(x)

    def _exp_part_float(self, U, V):
        """S_n(w_k), the exponential part of R_n(w_k), in float64 for states with
        offsets U, V (shape (S, m) each): (S, Serr), shape (S, 3, m) each, Serr a bound
        on the error.  Each contribution is computed with a small relative error
        (_exp_sums_float) and the sum of L of them errs by at most (L - 1) eps times
        their absolute sum."""
        f, rel_f, D, rel_D = _exp_sums_float()
        wf = self.w_ref + V                                     # the rates, to eps/2
        af = self.a_ref + U
        aerr = EPS * (np.abs(self.a_ref) + np.abs(af))          # |af - a|
        q = wf[:, :, None]                                      # (S, k, 1)
        # the target terms, with their groups' coefficient sum a_i - a*, exact to rem,
        # and the model terms far from every target rate
        groups = [[math.fsum([hi, lo, *u[members]]) for members, (hi, lo, _) in zip(self._groups, self._group_base)]
                  for u in U]
        single = self._single
        coef = np.concatenate([np.array(groups).reshape(len(U), -1), af[:, single]], axis=1)
        cerr = np.concatenate([EPS / 2 * np.abs(coef[:, :len(self._groups)]) + 2 * self._group_rem, aerr[:, single]],
                              axis=1)
        rate = np.concatenate([np.broadcast_to(self._wstar, (len(U), len(self._wstar))), wf[:, single]], axis=1)
        Fv = np.array(f(q, rate[:, None, :]))                   # (3, S, k, L)
        terms = coef[:, None, :] * Fv
        aterms = np.abs(terms)
        Ssum, asum = terms.sum(-1), aterms.sum(-1)
        Serr = (aterms * rel_f[:, None, None, None] + np.abs(Fv) * cerr[:, None, :]).sum(-1)
        L = terms.shape[-1]
        P = self._paired
        if len(P):
            d = self._dw + V[:, P]                              # w_i - w*, to eps/2
            Dv = np.array(D(q, wf[:, P][:, None, :], self._wstar[self._pair[P]]))  # -D_n > 0, (3, S, k, P)
            dD = d[:, None, :] * Dv
            pt = -af[:, P][:, None, :] * dD
            apt = np.abs(pt)
            Ssum = Ssum + pt.sum(-1)
            asum = asum + apt.sum(-1)
            Serr = Serr + (apt * (rel_D[:, None, None, None] + 3 * EPS) + np.abs(dD) * aerr[:, P][:, None, :]).sum(-1)
            L += len(P)
        Serr = Serr + (L - 1) * EPS * asum + EPS / 2 * np.abs(Ssum)
        return np.moveaxis(Ssum, 0, 1), np.moveaxis(Serr, 0, 1)

    def _exp_part_dd(self, U, V):
        """S_n(w_k), n = 0, 1, 2, for states with offsets U, V (shape (S, m) each) in
        double-word arithmetic (backends.dd_*): (S, Serr), shape (S, 3, m) each, Serr
        bounding the error before S's rounding to float64.  The rates w_k = w_ref_k +
        v_k are exact pairs, the coefficients a_i + u_i exact up to a_exact's remainder;
        each term c M_n(w_k; w) is computed with a relative error of at most
        term_bound_n u^2 (the operations' bounds added up, plus 1% for the higher
        orders), and the pairwise sum adds DD_ADD_BOUND u^2 per level relative to the
        terms' absolute sum.  A last 2^-1000 per term covers underflow in the low words."""
        nS, m = U.shape
        ahi, alo, arem, whi, wlo = self._dd_target
        ones = np.ones((nS, 1))
        qh, ql = two_sum(self.w_ref, V)                      # w_k exactly, (S, m)
        ch, cl = dd_add((self._a_dd[0] * ones, self._a_dd[1] * ones), (U, np.zeros_like(U)))
        coef = (np.concatenate([ch, ahi * ones], axis=1), np.concatenate([cl, alo * ones], axis=1))  # (S, L)
        cerr = np.concatenate([self._a_dd[2] * ones, arem * ones], axis=1)
        rh, rl = np.concatenate([qh, whi * ones], axis=1), np.concatenate([ql, wlo * ones], axis=1)
        s = dd_add((qh[:, :, None], ql[:, :, None]), (rh[:, None, :], rl[:, None, :]))   # (S, m, L)
        inv = dd_recip(s)
        M1 = dd_mul(inv, inv)
        M2 = dd_mul(M1, inv)
        M = (np.stack([inv[0], M1[0], 2 * M2[0]]), np.stack([inv[1], M1[1], 2 * M2[1]]))  # (3, S, m, L)
        t = dd_mul((coef[0][None, :, None, :], coef[1][None, :, None, :]), M)
        (Sh, _), levels = dd_sum(t)
        inv_b = DD_RECIP_BOUND + DD_ADD_BOUND
        term_b = np.array([inv_b, 2 * inv_b + DD_MUL_BOUND, 3 * inv_b + 2 * DD_MUL_BOUND]) + DD_ADD_BOUND + DD_MUL_BOUND
        L = t[0].shape[-1]
        Mabs = np.abs(M[0])
        Serr = (1.01 * DD_U2 * (term_b + DD_ADD_BOUND * levels)[:, None, None] * np.abs(t[0]).sum(-1)
                + (Mabs * cerr[None, :, None, :]).sum(-1) * 1.01 + 2.0 ** -1000 * L * (1 + Mabs.sum(-1)))
        return np.moveaxis(Sh, 0, 1), np.moveaxis(Serr, 0, 1)

    def _exp_part_exact(self, U, V):
        """S_n(w_k), n = 0, 1, 2, at every k for states with offsets U, V (shape
        (S, m) each), summed in exact rational arithmetic and rounded once: shape (S, 3, m)."""
        out = np.zeros((len(U), 3, self.m))
        for row, (u, v) in enumerate(zip(U, V)):
            w_exact = [gmpy2.mpq(float(wr)) + gmpy2.mpq(float(vv)) for wr, vv in zip(self.w_ref, v)]
            # the terms of rho_hat - (exponential part of rho), equal rates merged
            coef = {}
            for a, uu, w in zip(self.a_exact, u, w_exact):
                coef[w] = coef.get(w, 0) + a + gmpy2.mpq(float(uu))
            for a, w in self._base_terms:
                coef[w] = coef.get(w, 0) + a
            terms = [(c, w) for w, c in coef.items() if c != 0]
            for k, q in enumerate(w_exact):
                acc = [gmpy2.mpq(0)] * 3
                for c, w in terms:
                    for n, mom in enumerate(self._moments(q, w)):
                        acc[n] += c * mom
                out[row, :, k] = [float(x) for x in acc]
        return out

    def _residuals(self, Y):
        """R_n(w_k), n = 0, 1, 2, at the states Y (shape (S, 2m)): (R, E), shape
        (S, 3, m) each, E bounding the rounding error of R.

        R_n(w_k) = S_n(w_k) - T_n(w_k), with w_k = w_ref_k + v_k.  S_n, the
        exponential part, errs by at most Serr (eps |S_n| / 2 when summed exactly);
        T_n, the template's moment, is float64 at x_k = fl(w_k) (its own bound,
        plus |T_{n+1}| |x_k - w_k| <= |T_{n+1}| eps x_k / 2 for the shift of the
        rate, since dT_n/ds = -T_{n+1}); the difference is rounded (eps |R_n| / 2).
        The bound below takes each of these twice."""
        key = (Y.shape, Y.tobytes())
        if key in self._cache:
            return self._cache[key]
        m, nS = self.m, len(Y)
        U, V = Y[:, :m], Y[:, m:]
        x = self.w_ref + V
        if not (np.all(np.isfinite(Y)) and np.all(x > 0)):
            raise ValueError("a rate left the domain w > 0 (or a parameter is not finite)")
        T, T_err = self._templates(x.ravel())
        T, T_err = T.reshape(4, nS, m).transpose(1, 0, 2), T_err.reshape(4, nS, m).transpose(1, 0, 2)
        rest = EPS * np.abs(x)[:, None, :] * np.abs(T[:, 1:]) + 2 * T_err[:, :3]
        S, Serr, rows = np.zeros((nS, 3, m)), np.zeros((nS, 3, m)), np.arange(nS)

        def resolved(S_, Serr_, r):
            # the sum's error is within FLOAT_SUM_MAX_LOSS of what an exact sum would
            # leave, or within FLOAT_SUM_REL_MAX of R_n: per state, over every n and k
            ok = ((Serr_ <= FLOAT_SUM_MAX_LOSS * (EPS * np.abs(S_) + rest[r]))
                  | (Serr_ <= FLOAT_SUM_REL_MAX * np.abs(S_ - T[r, :3]))) & np.isfinite(Serr_)
            return ok.all(axis=(1, 2))

        if m >= FLOAT_SUM_MIN_WIDTH:
            if not self._float_cancels:
                with np.errstate(over="ignore", invalid="ignore"):
                    Sf, Sferr = self._exp_part_float(U, V)
                done = resolved(Sf, Sferr, rows)
                S[done], Serr[done] = Sf[done], Sferr[done]
                rows = rows[~done]
                # until the next rebase (the stages of one step are alike), straight to double words
                self._float_cancels = len(rows) > 0
            if len(rows) and self._dd_exact_rates:
                with np.errstate(over="ignore", invalid="ignore"):
                    Sd, Sderr = self._exp_part_dd(U[rows], V[rows])
                Sderr = Sderr + EPS / 2 * np.abs(Sd)
                done = resolved(Sd, Sderr, rows)
                S[rows[done]], Serr[rows[done]] = Sd[done], Sderr[done]
                rows = rows[~done]
        if len(rows):
            S[rows] = self._exp_part_exact(U[rows], V[rows])
            Serr[rows] = EPS / 2 * np.abs(S[rows])
        R = S - T[:, :3]
        E = 2 * Serr + EPS * np.abs(R) + rest
        if len(self._cache) >= RESIDUAL_CACHE:
            del self._cache[next(iter(self._cache))]
        R.setflags(write=False)  # shared by the callers of the cache
        E.setflags(write=False)
        self._cache[key] = (R, E)
        return R, E

    def _neurons(self, Y):
        """Per neuron at each state of Y: (a, w) arrays (S, m) and R_n and its error
        bound E_n, as lists of three arrays (S, m)."""
        th = self.theta_ref + Y
        R, E = self._residuals(Y)
        m = self.m
        return th[:, :m], th[:, m:], [R[:, n] for n in range(3)], [E[:, n] for n in range(3)]

    def gradients(self, Y):
        """grad J at each state of Y (shape (S, 2m)) and componentwise bounds on
        their rounding errors: two arrays (S, 2m)."""
        Y = np.asarray(Y, dtype=float).reshape(-1, 2 * self.m)
        a, w, R, E = self._neurons(Y)
        zero = [0.0] * 3
        out = self._entries["grad"](a, w, *R, *E, a, w, *zero, *zero)
        g = np.concatenate([np.broadcast_to(v, a.shape) for v, _ in out], axis=1)
        err = np.concatenate([np.broadcast_to(e, a.shape) for _, e in out], axis=1)
        return g, err + 4 * EPS * np.abs(g)

    def gradient(self, y):
        """(grad J, a componentwise bound on its rounding error)."""
        g, err = self.gradients(np.asarray(y, dtype=float)[None, :])
        return g[0], err[0]

    def hessian(self, y):
        return self.hessian_and_error(y)[0]

    def hessians(self, Y):
        """Hess J at each state of Y (shape (S, 2m)): an array (S, 2m, 2m)."""
        return self.hessians_and_errors(Y)[0]

    def hessians_and_errors(self, Y):
        """Hess J at each state of Y (shape (S, 2m)) and componentwise bounds on
        their rounding errors (arrays (S, 2m, 2m)): the evaluation's own rounding
        (backends.rounding_bound) plus the R_n's errors through dH/dR.  The four
        blocks (a, a), (a, w), (w, a), (w, w) are evaluated for every pair of
        neurons at once, their diagonals from the i = j entries."""
        Y = np.asarray(Y, dtype=float).reshape(-1, 2 * self.m)
        a, w, R, E = self._neurons(Y)
        nS, m = a.shape
        i_ = [x[:, :, None] for x in [a, w, *R, *E]]   # neuron i along rows
        j_ = [x[:, None, :] for x in [a, w, *R, *E]]   # neuron j along columns
        pair = self._entries["pair"](*i_, *j_)
        zero = [0.0] * 3
        own = self._entries["self"](a, w, *R, *E, a, w, *zero, *zero)
        H, err = np.empty((nS, 2 * m, 2 * m)), np.empty((nS, 2 * m, 2 * m))
        d = np.arange(m)
        for b, (p, q) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
            for k, out in enumerate((H, err)):
                out[:, p * m:(p + 1) * m, q * m:(q + 1) * m] = pair[b][k]
                out[:, p * m + d, q * m + d] = own[b][k]
        # the lower triangle from the upper: evaluated separately, the two differ in
        # the last bits, and the eigensolver needs a symmetric matrix
        lo = np.tril_indices(2 * m, -1)
        for out in (H, err):
            out[:, lo[0], lo[1]] = out[:, lo[1], lo[0]]
        return H, err

    def hessian_and_error(self, y):
        """(Hess J, a componentwise bound on its rounding error) at one state."""
        H, err = self.hessians_and_errors(np.asarray(y, dtype=float)[None, :])
        return H[0], err[0]

    def value(self, theta):
        """J at theta (float64: |J(theta) - J(theta_0)| is O(1) - O(1), good to ~1e-16 absolute)."""
        return self.loss.value(list(theta[: self.m]), list(theta[self.m:]))

    def value_error(self, theta):
        """A bound on the rounding error of value(theta) (Loss.value_error)."""
        return self.loss.value_error(list(theta[: self.m]), list(theta[self.m:]))


def _double_word(x):
    """A rational x as (hi, lo, remainder): float64 hi + lo nearest x, |x - hi - lo|."""
    hi = float(x)
    lo = float(x - gmpy2.mpq(hi))
    return hi, lo, abs(float(x - gmpy2.mpq(hi) - gmpy2.mpq(lo)))
