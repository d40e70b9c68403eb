"""The loss landscape of the diagonal model (Appendices C.2 and D).

- Exact counting: `stirling2`, `surjections`, `ordered_bell` (Python integers).
- `Partition`: Definition C.1's partition of [m] into I_1..I_{m*} and
  I_0 = I_{0,1} u ... u I_{0,i0}; also Theorem D.1's partitions into d blocks
  (no I_0).  Enumerated by `ordered_partitions` and `mstar_partitions`.
- The manifold M* of exact fits (Definition C.1, Lemma C.3): `point_on_mstar`
  draws exact rational points of M*_P; `mstar_partition_of` recognises them.
- Theorem D.1's d-coincided critical affine spaces M_{P,(b,v),(m,d)}:
  `point_on_coincided_space`, built from a non-degenerate global minimiser
  (b, v) of J_d that `global_minimiser` computes at the precision asked.
- `certified_spectrum`: rigorous enclosures (arb) of a Hessian's eigenvalues.

Indices are 0-based in code and 1-based when printed, as in the paper.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
import time
from dataclasses import dataclass
from fractions import Fraction

import flint
import mpmath
import numpy as np
import scipy.optimize

from . import _validate
from .backends import Precision, to_arb
from .loss import Loss
from .targets import ExpSum, Target

# ---------------------------------------------------------------------------
# exact counting


@functools.lru_cache(maxsize=None)
def _stirling_row(n):
    if n == 0:
        return (1,)
    prev = _stirling_row(n - 1)
    # S(n, k) = k S(n-1, k) + S(n-1, k-1)
    return tuple((k * prev[k] if k < len(prev) else 0) + (prev[k - 1] if k >= 1 else 0) for k in range(n + 1))


def stirling2(n, k):
    """Stirling number of the second kind S(n, k): the partitions of an n-set into k non-empty blocks."""
    n = _validate.integer(n, "n", minimum=0)
    k = _validate.integer(k, "k", minimum=0)
    if k > n:
        return 0
    if n > 2000:
        raise ValueError(f"n must be <= 2000 (the row of Stirling numbers is cached), got {n}")
    if n > 400:  # the recursion would go deeper than Python allows: fill the cache upwards first
        for j in range(0, n, 400):
            _stirling_row(j)
    return _stirling_row(n)[k]


def surjections(n, k):
    """k! S(n, k): the surjections of an n-set onto a k-set (ordered partitions into k blocks)."""
    return math.factorial(_validate.integer(k, "k", minimum=0)) * stirling2(n, k)


def ordered_bell(n):
    """sum_k k! S(n, k) (the Fubini number): all ordered set partitions of an n-set."""
    n = _validate.integer(n, "n", minimum=0)
    return sum(surjections(n, k) for k in range(n + 1))


# ---------------------------------------------------------------------------
# partitions


@dataclass(frozen=True)
class Partition:
    """A partition P of [m] = {0..m-1} (Definition C.1): labelled non-empty
    blocks I_1..I_k (`blocks`) and the blocks I_{0,1}..I_{0,i0} of I_0
    (`zero_blocks`, possibly none).  Theorem D.1's partitions have no I_0."""

    m: int
    blocks: tuple
    zero_blocks: tuple = ()

    def __post_init__(self):
        m = _validate.integer(self.m, "m", minimum=1)
        blocks = tuple(tuple(sorted(_validate.integer(i, "index") for i in b)) for b in self.blocks)
        zero = tuple(tuple(sorted(_validate.integer(i, "index") for i in b)) for b in self.zero_blocks)
        if not blocks:
            raise ValueError("blocks must hold at least one block I_1")
        if any(not b for b in blocks + zero):
            raise ValueError("every block of a partition must be non-empty")
        flat = [i for b in blocks + zero for i in b]
        if sorted(flat) != list(range(m)):
            raise ValueError(f"blocks must partition {{0..{m - 1}}} (each index once), got {blocks + zero}")
        object.__setattr__(self, "blocks", blocks)
        # I_{0,r} carry no label: a canonical order makes equal partitions compare equal
        object.__setattr__(self, "zero_blocks", tuple(sorted(zero)))

    @property
    def k(self):
        """Number of labelled blocks (m* in Definition C.1, d in Theorem D.1)."""
        return len(self.blocks)

    @property
    def i0(self):
        """Number of blocks of I_0."""
        return len(self.zero_blocks)

    @property
    def size_I0(self):
        return sum(len(b) for b in self.zero_blocks)

    @property
    def dimension(self):
        """Dimension of M*_P, sum_j (|I_j| - 1) + sum_r |I_{0,r}| = m - m* (Remark C.2; with
        I_0 the rates v_r are free too), and of M_{P,(b,v),(m,d)}: m - d."""
        return self.m - self.k

    @property
    def rank_bound(self):
        """Prop. C.3's bound on rank Hess J_bar on M*_P: 2m* + |I_0|."""
        return 2 * self.k + self.size_I0

    @property
    def row_count_bound(self):
        """The finer count in Prop. C.3's proof: at most 2m* + i0 + i2 distinct rows, i2 the
        number of blocks of I_0 with at least two elements."""
        return 2 * self.k + self.i0 + sum(len(b) >= 2 for b in self.zero_blocks)

    def block_of(self, i):
        """(label, block) holding index i: label j >= 1 for I_j, (0, r) for I_{0,r}."""
        for j, b in enumerate(self.blocks):
            if i in b:
                return j + 1, b
        for r, b in enumerate(self.zero_blocks):
            if i in b:
                return (0, r + 1), b
        raise ValueError(f"index {i} not in the partition")

    def __str__(self):
        show = lambda b: "{" + ",".join(str(i + 1) for i in b) + "}"
        parts = [f"I_{j + 1}={show(b)}" for j, b in enumerate(self.blocks)]
        parts += [f"I_0,{r + 1}={show(b)}" for r, b in enumerate(self.zero_blocks)]
        return " ".join(parts)

    def as_dict(self):
        return {"m": self.m, "blocks": [[i + 1 for i in b] for b in self.blocks],
                "zero_blocks": [[i + 1 for i in b] for b in self.zero_blocks], "dimension": self.dimension}


def _set_partitions(items):
    """Every partition of the list `items` into unlabelled non-empty blocks."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _set_partitions(rest):
        yield [[first]] + part
        for j in range(len(part)):
            yield part[:j] + [[first] + part[j]] + part[j + 1:]


def ordered_partitions(m, k):
    """Every partition of [m] into k labelled non-empty blocks (no I_0): k! S(m, k) of them."""
    m = _validate.integer(m, "m", minimum=1)
    k = _validate.integer(k, "k", minimum=1)
    for part in _set_partitions(list(range(m))):
        if len(part) == k:
            for perm in itertools.permutations(part):
                yield Partition(m, tuple(tuple(b) for b in perm))


def mstar_partitions(m, m_star, with_I0=False):
    """The partitions of Definition C.1 for width m and m* labelled blocks:
    I_0 empty (m*! S(m, m*) of them), or, with `with_I0`, also every non-empty
    I_0 split into unlabelled blocks I_{0,r}."""
    m = _validate.integer(m, "m", minimum=1)
    m_star = _validate.integer(m_star, "m_star", minimum=1)
    if m_star > m:
        raise ValueError(f"m must be >= m_star (Definition C.1 needs m >= m*), got m={m}, m_star={m_star}")
    if not with_I0:
        yield from ordered_partitions(m, m_star)
        return
    for size in range(0, m - m_star + 1):
        for zero in itertools.combinations(range(m), size):
            rest = [i for i in range(m) if i not in zero]
            for zparts in _set_partitions(list(zero)):
                for part in _set_partitions(rest):
                    if len(part) == m_star:
                        for perm in itertools.permutations(part):
                            yield Partition(m, tuple(tuple(b) for b in perm), tuple(tuple(b) for b in zparts))


# ---------------------------------------------------------------------------
# M* and the coincided affine spaces: exact points


def _rng(seed):
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def _random_fraction(rng, lo=-2, hi=2, den=12):
    return Fraction(rng.randint(lo * den, hi * den), den)


def _split_sum(rng, total, n):
    """n random rationals summing exactly to `total`, none of them zero."""
    while True:
        xs = [_random_fraction(rng) for _ in range(n - 1)]
        xs.append(Fraction(total) - sum(xs))
        if all(x != 0 for x in xs) or (n == 1 and total == 0):
            return xs


def point_on_mstar(partition, astar, wstar, seed=None):
    """A random exact point (a, w) of M*_P (Definition C.1) as tuples of Fractions:
    w_i = w*_j and sum_{i in I_j} a_i = a*_j; on I_{0,r}, w_i = v_r (a fresh rate
    distinct from every w*_j) and sum a_i = 0.  `astar`, `wstar`: the
    exponential-sum part rho_bar, as rationals (ints, Fractions or floats)."""
    if not isinstance(partition, Partition):
        raise TypeError(f"partition must be a Partition, got {type(partition).__name__}")
    wstar = _validate.vector(wstar, "wstar", positive_entries=True, distinct=True)
    astar = _validate.vector(astar, "astar", length=len(wstar))
    if partition.k != len(astar):
        raise ValueError(f"partition has {partition.k} labelled blocks but rho_bar has m* = {len(astar)} terms")
    rng = _rng(seed)
    a, w = [None] * partition.m, [None] * partition.m
    for j, block in enumerate(partition.blocks):
        for i, x in zip(block, _split_sum(rng, Fraction(astar[j]), len(block))):
            a[i], w[i] = x, Fraction(wstar[j])
    used = {Fraction(x) for x in wstar}
    for block in partition.zero_blocks:
        v = Fraction(rng.randint(1, 48), 8)
        while v in used:
            v += Fraction(1, 16)
        used.add(v)
        for i, x in zip(block, _split_sum(rng, 0, len(block))):
            a[i], w[i] = x, v
    return tuple(a), tuple(w)


def expsum_coefficients(a, w):
    """The exponential polynomial sum_i a_i e^{-w_i t} collected by rate: {w: total coefficient}
    (exact for rationals); by Lemma C.2 two such sums are equal iff these dicts agree."""
    out = {}
    for ai, wi in zip(a, w):
        out[wi] = out.get(wi, 0) + ai
    return {k: v for k, v in out.items() if v != 0}


def mstar_partition_of(a, w, astar, wstar):
    """Lemma C.3: the partition P with (a, w) in M*_P, or None when (a, w) is not in M*.
    Exact for rational input."""
    m = len(a)
    blocks = []
    for aj, wj in zip(astar, wstar):
        block = tuple(i for i in range(m) if w[i] == wj)
        if not block or sum(a[i] for i in block) != aj:
            return None
        blocks.append(block)
    rest = [i for i in range(m) if all(w[i] != wj for wj in wstar)]
    zero = {}
    for i in rest:
        zero.setdefault(w[i], []).append(i)
    if any(sum(a[i] for i in b) != 0 for b in zero.values()):
        return None
    return Partition(m, tuple(blocks), tuple(tuple(b) for b in zero.values()))


def exact_fraction(x):
    """The exact value of a binary float, mpf, int or Fraction as a Fraction."""
    if isinstance(x, mpmath.mpf):
        sign, man, exp, _ = x._mpf_
        if not man:
            return Fraction(0)
        val = Fraction(int(man)) * (Fraction(2) ** int(exp))
        return -val if sign else val
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"expected a real number, got bool {x!r}")
    return Fraction(_validate.real(x, "x"))


def point_on_coincided_space(partition, b, v, seed=None):
    """A random point (a, w) of M_{P,(b,v),(m,d)} (Theorem D.1): w_i = v_s and
    sum_{i in I_s} a_i = b_s for i in I_s.  The a_i are exact Fractions (an mpf
    b_s is a binary rational and converts exactly); w_i = v_s as given."""
    if not isinstance(partition, Partition) or partition.zero_blocks:
        raise TypeError("partition must be a Partition without I_0 blocks")
    if len(b) != partition.k or len(v) != partition.k:
        raise ValueError(f"b and v must have length d = {partition.k}, got {len(b)} and {len(v)}")
    rng = _rng(seed)
    b = [exact_fraction(x) for x in b]  # b_s - sum(free) exactly, whatever mpmath's precision
    a, w = [None] * partition.m, [None] * partition.m
    for s, block in enumerate(partition.blocks):
        free = [_random_fraction(rng) for _ in block[:-1]]
        for i, x in zip(block[:-1], free):
            a[i], w[i] = x, v[s]
        a[block[-1]] = b[s] - sum(free)
        w[block[-1]] = v[s]
    return tuple(a), tuple(w)


# ---------------------------------------------------------------------------
# non-degenerate global minimisers of J_d


@dataclass(frozen=True)
class Minimiser:
    """A computed minimiser (b, v) of J_d (eq. 18 with width d), v increasing.

    b, v: mpmath numbers at `dps` digits; loss: J_d(b, v); gradient_norm:
    max |grad J_d| there; starts: local searches run; candidates: the best
    loss each start reached (float64), so a user can see how clear the
    winner was.  Global optimality is numerical evidence, not a proof."""

    target: str
    d: int
    b: tuple
    v: tuple
    loss: object
    gradient_norm: object
    dps: int
    starts: int
    candidates: tuple = ()
    seconds: float = 0.0

    @property
    def converged(self):
        """Newton's method reached |grad J_d| < 10^(-dps/2) (a degenerate infimum does not)."""
        return self.gradient_norm < mpmath.mpf(10) ** (-(self.dps // 2))

    @property
    def non_degenerate(self):
        """b_i != 0 and v_i distinct (Definition D.2): |b_i| and the relative gaps of v exceed
        10^(-dps/4) (a degenerate infimum leaves float64 noise, ~1e-16, in its place)."""
        eps = mpmath.mpf(10) ** (-(self.dps // 4))
        return all(abs(x) > eps for x in self.b) and all(
            self.v[i + 1] - self.v[i] > eps * (1 + abs(self.v[i])) for i in range(self.d - 1))

    def as_dict(self):
        n = lambda x: mpmath.nstr(x, 20)
        return {"target": self.target, "d": self.d, "b": [n(x) for x in self.b], "v": [n(x) for x in self.v],
                "loss": n(self.loss), "gradient_norm": mpmath.nstr(self.gradient_norm, 5),
                "converged": bool(self.converged), "non_degenerate": bool(self.non_degenerate), "dps": self.dps,
                "starts": self.starts, "candidates": [float(c) for c in self.candidates],
                "seconds": round(self.seconds, 3)}


def _local_search(loss, b0, v0):
    """Local minimisation of J_d in float64 over (b, log v) with the exact gradient and Hessian."""
    d = len(b0)

    def unpack(x):
        return x[:d], np.exp(x[d:])

    def f(x):
        b, v = unpack(x)
        return loss.value(b, v)

    def g(x):
        b, v = unpack(x)
        gr = loss.gradient(b, v)
        return np.concatenate([gr[:d], gr[d:] * v])  # chain rule for log v

    def h(x):
        b, v = unpack(x)
        H = loss.hessian(b, v)
        gr = loss.gradient(b, v)
        J = np.concatenate([np.ones(d), v])
        out = H * np.outer(J, J)
        out[d:, d:] += np.diag(gr[d:] * v)
        return out

    x0 = np.concatenate([np.asarray(b0, float), np.log(np.asarray(v0, float))])
    with np.errstate(all="ignore"):
        try:
            res = scipy.optimize.minimize(f, x0, jac=g, hess=h, method="trust-exact",
                                          options={"maxiter": 400, "gtol": 1e-12})
        except (OverflowError, ValueError, np.linalg.LinAlgError):
            return None
    if not np.all(np.isfinite(res.x)) or not np.isfinite(res.fun):
        return None
    b, v = unpack(res.x)
    order = np.argsort(v)
    return float(res.fun), b[order], v[order]


def _newton_polish(loss, b, v, dps):
    """Newton's method on grad J_d = 0 at `dps` digits, from a float64 minimiser."""
    d = len(b)
    with mpmath.workdps(dps + 10):
        x = mpmath.matrix([mpmath.mpf(float(t)) for t in list(b) + list(v)])
        for _ in range(60):
            bb, vv = list(x[:d]), list(x[d:])
            g = mpmath.matrix(list(loss.gradient(bb, vv, dps=dps + 10)))
            gnorm = max(abs(t) for t in g)
            if gnorm < mpmath.mpf(10) ** (-dps - 5):
                break
            H = mpmath.matrix(loss.hessian(bb, vv, dps=dps + 10).tolist())
            step = mpmath.lu_solve(H, -g)
            x = x + step
            if min(x[d:]) <= 0:
                raise ArithmeticError("Newton's method left the domain w > 0")
        bb, vv = list(x[:d]), list(x[d:])
        g = loss.gradient(bb, vv, dps=dps + 10)
        return bb, vv, loss.value(bb, vv, dps=dps + 10), max(abs(t) for t in g)


def _starts(target, d, previous, rng, extra):
    """Initial points for J_d: the minimiser of J_{d-1} with one more rate inserted
    in each gap (and beyond each end), plus `extra` random spreads of rates."""
    out = []
    if previous is not None:
        pb, pv = [float(x) for x in previous.b], [float(x) for x in previous.v]
        cands = [pv[0] / 3] + [math.sqrt(pv[i] * pv[i + 1]) for i in range(len(pv) - 1)] + [pv[-1] * 3]
        for c in cands:
            v = sorted(pv + [c])
            b = [pb[pv.index(x)] if x in pv else 0.05 for x in v]
            out.append((b, v))
    scale = 1.0
    if isinstance(target, ExpSum):
        scale = float(np.exp(np.mean(np.log([float(x) for x in target.w]))))
    for _ in range(extra):
        v = sorted(scale * math.exp(rng.uniform(-3, 3)) for _ in range(d))
        if len(set(v)) == d:
            out.append(([0.5 / d] * d, v))
    return out


def global_minimiser(target, d, dps=30, extra_starts=6, seed=0):
    """A non-degenerate global minimiser (b, v) of J_d for `target` (Definition D.2),
    computed by continuation in d (the minimiser of J_{d-1} with one rate inserted in
    every gap, the d = 1 start from Lemma D.1's a(w) = 2wL(w)) plus `extra_starts`
    random starts, each a float64 trust-region search; the best is polished by
    Newton's method at `dps` digits.  Returns a `Minimiser`; raises ValueError if
    no start converges to a non-degenerate critical point."""
    if not isinstance(target, Target):
        raise TypeError(f"target must be a memverify target, got {type(target).__name__}")
    d = _validate.integer(d, "d", minimum=1)
    dps = _validate.integer(dps, "dps", minimum=15)
    return _global_minimiser(target, d, dps, _validate.integer(extra_starts, "extra_starts", minimum=0), seed)


@functools.lru_cache(maxsize=64)
def _global_minimiser(target, d, dps, extra, seed):
    # cached by the target's value (targets are values): J_d's minimiser starts J_{d+1}'s continuation
    return _compute_minimiser(target, d, dps, extra, seed)


def _compute_minimiser(target, d, dps, extra, seed):
    start = time.perf_counter()
    rng = random.Random(seed)
    loss = Loss(target, d)
    previous = _global_minimiser(target, d - 1, dps, extra, seed) if d > 1 else None
    if d == 1:
        grid = [10 ** (k / 8) for k in range(-40, 41)]
        w0 = max(grid, key=lambda x: x * float(target.moment(0, x)) ** 2)
        starts = [([2 * w0 * float(target.moment(0, w0))], [w0])]
    else:
        starts = _starts(target, d, previous, rng, extra)
    results = [r for r in (_local_search(loss, b, v) for b, v in starts) if r is not None]
    results = [r for r in results if len(set(np.round(np.log(r[2]), 8))) == d]  # distinct rates
    if not results:
        raise ValueError(f"no local search for J_{d} of {target.spec()} reached a non-degenerate point")
    results.sort(key=lambda r: r[0])
    best = None
    for fun, b, v in results[:3]:  # polish the three best; keep the lowest loss
        try:
            pb, pv, val, gn = _newton_polish(loss, b, v, dps)
        except (ArithmeticError, ZeroDivisionError, ValueError):
            continue
        if best is None or val < best[2]:
            best = (pb, pv, val, gn)
    if best is None:
        raise ValueError(f"Newton's method did not converge for J_{d} of {target.spec()}")
    pb, pv, val, gn = best
    with mpmath.workdps(dps):
        order = sorted(range(d), key=lambda i: pv[i])
        return Minimiser(target.spec(), d, tuple(+pb[i] for i in order), tuple(+pv[i] for i in order),
                         +val, +gn, dps, len(starts), tuple(r[0] for r in results),
                         time.perf_counter() - start)


# ---------------------------------------------------------------------------
# certified spectra


@dataclass
class Spectrum:
    """Rigorous enclosures of the eigenvalues of a real symmetric matrix (arb balls),
    sorted, and what they decide about a threshold `tol` >= 0:

    positive / negative: eigenvalues certified > tol / < -tol; near_zero:
    certified |lambda| <= tol (for tol = 0: enclosures that contain 0, so those
    eigenvalues are 0 or smaller than zero_radius); undecided: enclosures that
    straddle +-tol (raise the precision)."""

    balls: list
    tol: float
    positive: int
    negative: int
    near_zero: int
    undecided: int
    zero_radius: float

    @property
    def certified_rank(self):
        """Eigenvalues certified larger than tol in magnitude."""
        return self.positive + self.negative

    def as_dict(self):
        return {"tol": self.tol, "positive": self.positive, "negative": self.negative,
                "near_zero": self.near_zero, "undecided": self.undecided, "zero_radius": self.zero_radius,
                "eigenvalues": [b.mid().str(8, radius=False) + f" +/- {float(b.rad()):.1e}" for b in self.balls]}


def certified_spectrum(H, dps=40, tol=0):
    """Enclose every eigenvalue of the real symmetric matrix H (entries: numbers,
    Fractions, mpf or arb balls; shape (n, n)) with python-flint's rigorous
    eigenvalue algorithm (clusters of multiple or near-zero eigenvalues allowed),
    at `dps` digits, doubled up to three times if the enclosures cannot be
    separated.  Returns a `Spectrum` that counts the eigenvalues above `tol`,
    below -tol and within [-tol, tol] (see Spectrum)."""
    dps = _validate.integer(dps, "dps", minimum=10)
    tol = _validate.real(tol, "tol")
    if tol < 0:
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    rows = [list(r) for r in (H.tolist() if hasattr(H, "tolist") else H)]
    n = len(rows)
    if any(len(r) != n for r in rows):
        raise ValueError(f"H must be square, got {n} rows of lengths {[len(r) for r in rows]}")
    last = None
    for attempt in range(3):
        with Precision(dps * 2 ** attempt, arb=True).context():
            M = flint.arb_mat([[to_arb(x) for x in r] for r in rows])
            if not (M - M.transpose()).contains(flint.arb_mat(n, n)):
                raise ValueError("H must be symmetric")
            try:
                eig = [e.real for e in flint.acb_mat(M).eig(multiple=True)]
            except ValueError as exc:
                last = exc
                if tol > 0:  # clusters that will not separate: count by inertia instead
                    below = _count_below(M, -to_arb(tol))
                    within = _count_below(M, to_arb(tol))
                    if below is not None and within is not None:
                        return Spectrum([], float(tol), n - within, below, within - below, 0, float(tol))
                continue
        balls = sorted(eig, key=lambda b: float(b.mid()))
        t = to_arb(tol)
        pos = sum(bool(b > t) for b in balls)
        neg = sum(bool(b < -t) for b in balls)
        zero = [b for b in balls if (b.contains(0) if tol == 0 else bool(abs(b) <= t))]
        rad = max((float(abs(b).upper()) for b in zero), default=0.0)
        return Spectrum(balls, float(tol), pos, neg, len(zero), len(balls) - pos - neg - len(zero), rad)
    raise ArithmeticError(f"could not enclose the eigenvalues at up to {dps * 4} digits: {last}")


def _count_below(M, sigma, tries=8):
    """How many eigenvalues of the symmetric arb matrix M lie below sigma: by Sylvester's
    law of inertia, the negative pivots of an LDL^T factorisation of P(M - sigma I)P^T,
    when every pivot is certified non-zero (a few symmetric permutations P are tried).
    None if no factorisation could be certified."""
    n = M.nrows()
    order = list(range(n))
    rng = random.Random(0)
    for _ in range(tries):
        A = [[M[order[i], order[j]] - (sigma if i == j else 0) for j in range(n)] for i in range(n)]
        negative, ok = 0, True
        for k in range(n):
            piv = A[k][k]
            if piv.contains(0):
                ok = False
                break
            negative += bool(piv < 0)
            for i in range(k + 1, n):
                f = A[i][k] / piv
                for j in range(k + 1, n):
                    A[i][j] -= f * A[k][j]
        if ok:
            return negative
        rng.shuffle(order)
    return None


def exact_inertia(H):
    """(positive, negative, zero) eigenvalue counts of a real symmetric matrix with
    rational entries (ints or Fractions; shape (n, n)), exactly: the characteristic
    polynomial (python-flint, rational arithmetic) has only real roots, so Descartes'
    rule of signs counts its positive and negative roots exactly."""
    rows = [list(r) for r in (H.tolist() if hasattr(H, "tolist") else H)]
    n = len(rows)
    if any(len(r) != n for r in rows):
        raise ValueError("H must be square")
    M = flint.fmpq_mat([[flint.fmpq(Fraction(x).numerator, Fraction(x).denominator) for x in r] for r in rows])
    if M != M.transpose():
        raise ValueError("H must be symmetric")
    coeffs = M.charpoly().coeffs()  # constant term first
    zero = next(i for i, c in enumerate(coeffs) if c != 0)
    def changes(cs):
        signs = [c > 0 for c in cs if c != 0]
        return sum(x != y for x, y in zip(signs, signs[1:]))
    pos = changes(coeffs)
    neg = changes([c * (-1) ** i for i, c in enumerate(coeffs)])
    if pos + neg + zero != n:
        raise ArithmeticError("the characteristic polynomial is not real-rooted: H is not symmetric?")
    return pos, neg, zero


__all__ = ["Minimiser", "Partition", "Spectrum", "certified_spectrum", "exact_fraction", "exact_inertia", "expsum_coefficients", "global_minimiser",
           "mstar_partition_of", "mstar_partitions", "ordered_bell", "ordered_partitions", "point_on_coincided_space",
           "point_on_mstar", "stirling2", "surjections"]
