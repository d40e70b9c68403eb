"""Definition C.1's partitions of [m] and Theorem D.1's partitions into d blocks
(`Partition`, enumerated by `ordered_partitions` and `mstar_partitions`), and their
exact counts (`stirling2`, `surjections`, `ordered_bell`: Python integers)."""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import validation


# rows of Stirling numbers up to _CACHED_ROWS are all kept (the claims count partitions up to
# m = 200 many times); beyond, a row is built up from there and only the last few are kept
# (every row up to 2000 kept took 18.8 s and 1.7 GB, one row built alone 3.6 s and 15 MB)
_CACHED_ROWS = 400
# the largest n of stirling2 / surjections / ordered_bell: S(2000, k) takes ~4 s
MAX_N = 2000
# the largest m ordered_partitions / mstar_partitions enumerate: one nested generator per
# element (Python's recursion limit is 1000); the first partition comes at once at any m
MAX_ENUMERATED = 300


def _next_row(prev):
    # S(n, k) = k S(n-1, k) + S(n-1, k-1)
    return tuple((k * prev[k] if k < len(prev) else 0) + (prev[k - 1] if k >= 1 else 0)
                 for k in range(len(prev) + 1))


@functools.lru_cache(maxsize=None)
def _stirling_row(n):
    return (1,) if n == 0 else _next_row(_stirling_row(n - 1))


@functools.lru_cache(maxsize=4)
def _long_row(n):
    row = _stirling_row(_CACHED_ROWS)
    for _ in range(_CACHED_ROWS, n):
        row = _next_row(row)
    return row


def stirling2(n, k):
    """Stirling number of the second kind S(n, k): the partitions of an n-set into k
    non-empty blocks.  0 <= n <= MAX_N = 2000 (n = 2000 takes ~4 s); k > n gives 0 at once."""
    n = validation.integer(n, "n", minimum=0)
    k = validation.integer(k, "k", minimum=0)
    if k > n:
        return 0
    validation.integer(n, "n", maximum=MAX_N)  # a row of MAX_N Stirling numbers is built
    return _stirling_row(n)[k] if n <= _CACHED_ROWS else _long_row(n)[k]


def surjections(n, k):
    """k! S(n, k): the surjections of an n-set onto a k-set (ordered partitions into k
    blocks).  n <= MAX_N = 2000 as for `stirling2`; k > n gives 0 at once."""
    s = stirling2(n, k)  # validates n and k, and is 0 for k > n before k! is formed
    return 0 if s == 0 else math.factorial(k) * s


def ordered_bell(n):
    """sum_k k! S(n, k) (the Fubini number): all ordered set partitions of an n-set.
    0 <= n <= MAX_N = 2000."""
    n = validation.integer(n, "n", minimum=0, maximum=MAX_N)
    return sum(surjections(n, k) for k in range(n + 1))


@dataclass(frozen=True)
class Partition:
    """A partition P of [m] = {0..m-1} (Definition C.1): labelled non-empty
    blocks I_1..I_k (`blocks`) and the blocks I_{0,1}..I_{0,i0} of I_0
    (`zero_blocks`, possibly none).  Theorem D.1's partitions have no I_0."""

    m: int
    blocks: tuple
    zero_blocks: tuple = ()

    def __post_init__(self):
        m = validation.integer(self.m, "m", minimum=1)
        blocks, zero = _blocks(self.blocks, "blocks"), _blocks(self.zero_blocks, "zero_blocks")
        if not blocks:
            raise ValueError("blocks must hold at least one block I_1")
        if any(not b for b in blocks + zero):
            raise ValueError("every block of a partition must be non-empty")
        flat = [i for b in blocks + zero for i in b]
        # (the length first: list(range(m)) of a huge m is not built)
        if len(flat) != m or sorted(flat) != list(range(m)):
            raise ValueError(f"blocks must partition {{0..{m - 1}}} (each index once), got {blocks + zero}")
        object.__setattr__(self, "m", m)
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


def _blocks(x, name):
    """A sequence of blocks, each a collection of integer indices, as sorted tuples."""
    if isinstance(x, (str, bytes, Mapping)) or not hasattr(x, "__iter__"):
        raise TypeError(f"{name} must be a sequence of blocks of indices, got {type(x).__name__}")
    out = []
    for j, b in enumerate(x):
        if isinstance(b, (str, bytes, Mapping)) or not hasattr(b, "__iter__"):
            raise TypeError(f"{name}[{j}] must be a collection of indices, got {type(b).__name__}")
        out.append(tuple(sorted(validation.integer(i, f"{name}[{j}] index") for i in b)))
    return tuple(out)


def _set_partitions(items, lo=0, hi=None):
    """Every partition of the list `items` into unlabelled non-empty blocks, with between
    `lo` and `hi` blocks (default: all), lazily and always in the same order.  Only the
    partitions of the rest that extend to lo..hi blocks are built, so the first one comes
    after len(items) steps (filtering all Bell(m) partitions took hours at m = 20)."""
    hi = len(items) if hi is None else hi
    if not items:
        if lo <= 0:
            yield []
        return
    first, rest = items[0], items[1:]
    for part in _set_partitions(rest, max(lo - 1, 0), hi):
        if lo <= len(part) + 1 <= hi:
            yield [[first]] + part
        if lo <= len(part) <= hi:
            for j in range(len(part)):
                yield part[:j] + [[first] + part[j]] + part[j + 1:]


def ordered_partitions(m, k):
    """Every partition of [m] into k labelled non-empty blocks (no I_0): k! S(m, k) of them,
    as an iterator (the first at once; the arguments are checked when it is made).
    1 <= m <= MAX_ENUMERATED = 300 (one nested generator per element); k > m gives none."""
    m = validation.integer(m, "m", minimum=1, maximum=MAX_ENUMERATED)
    k = validation.integer(k, "k", minimum=1)
    return _ordered_partitions(m, k)


def _ordered_partitions(m, k):
    for part in _set_partitions(list(range(m)), k, k):
        for perm in itertools.permutations(part):
            yield Partition(m, tuple(tuple(b) for b in perm))


def mstar_partitions(m, m_star, with_I0=False):
    """The partitions of Definition C.1 for width m and m* labelled blocks:
    I_0 empty (m*! S(m, m*) of them), or, with `with_I0`, also every non-empty
    I_0 split into unlabelled blocks I_{0,r}.  An iterator, as `ordered_partitions`:
    1 <= m_star <= m <= MAX_ENUMERATED = 300."""
    m = validation.integer(m, "m", minimum=1, maximum=MAX_ENUMERATED)
    m_star = validation.integer(m_star, "m_star", minimum=1)
    if m_star > m:
        raise ValueError(f"m must be >= m_star (Definition C.1 needs m >= m*), got m={m}, m_star={m_star}")
    if not isinstance(with_I0, (bool, np.bool_)):
        raise TypeError(f"with_I0 must be True or False, got {type(with_I0).__name__} {with_I0!r}")
    if not with_I0:
        return _ordered_partitions(m, m_star)
    return _mstar_partitions_with_I0(m, m_star)


def _mstar_partitions_with_I0(m, m_star):
    for size in range(0, m - m_star + 1):
        for zero in itertools.combinations(range(m), size):
            rest = [i for i in range(m) if i not in zero]
            for zparts in _set_partitions(list(zero)):
                for part in _set_partitions(rest, m_star, m_star):
                    for perm in itertools.permutations(part):
                        yield Partition(m, tuple(tuple(b) for b in perm), tuple(tuple(b) for b in zparts))
