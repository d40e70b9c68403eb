"""memverify.landscape: exact counts, partitions, M*, coincided spaces, minimisers,
certified spectra; property tests of the identities that must hold for every
partition, width and parameter."""

import math
import random
import time
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from memverify import ExpSum, Loss, PowerLaw
from memverify.backends import to_arb
from memverify.landscape import (Partition, certified_spectrum, exact_inertia, expsum_coefficients,
                                 global_minimiser, mstar_partition_of, mstar_partitions, ordered_bell,
                                 ordered_partitions, point_on_coincided_space, point_on_mstar, stirling2, surjections)
from memverify.symbolic import derive
from memverify.symbolic.landscape import memory_specialise


def test_counts_against_sympy_and_enumeration():
    for n in range(0, 9):
        for k in range(0, n + 1):
            assert stirling2(n, k) == sp.functions.combinatorial.numbers.stirling(n, k)
    assert [ordered_bell(n) for n in range(7)] == [1, 1, 3, 13, 75, 541, 4683]
    for m in range(1, 6):
        for k in range(1, m + 1):
            parts = list(ordered_partitions(m, k))
            assert len(parts) == len(set(parts)) == surjections(m, k)


def test_count_check_to_200_is_fast():
    start = time.perf_counter()
    for m in range(2, 201):
        lhs = Fraction(sum(surjections(m, d) for d in range(1, m)), math.factorial(m))
        assert lhs >= Fraction((m + 1) * (3 * m - 2), 24)
    assert time.perf_counter() - start < 1.0


def test_bad_input():
    with pytest.raises(TypeError, match="n"):
        stirling2(2.5, 1)
    with pytest.raises(ValueError, match="k"):
        surjections(3, -1)
    with pytest.raises(ValueError, match="partition"):
        Partition(3, ((0, 1),))
    with pytest.raises(ValueError, match="m_star"):
        list(mstar_partitions(2, 3))
    with pytest.raises(TypeError, match="target"):
        global_minimiser("expsum", 1)
    with pytest.raises(ValueError, match="d"):
        global_minimiser(PowerLaw(1.5), 0)
    with pytest.raises(ValueError, match="tol"):
        certified_spectrum([[1, 0], [0, 1]], tol=-1)
    with pytest.raises(ValueError, match="symmetric"):
        exact_inertia([[1, 2], [0, 1]])


def test_exact_inertia_and_spectrum_agree():
    H = [[2, 1, 0], [1, 2, 0], [0, 0, 0]]
    assert exact_inertia(H) == (2, 0, 1)
    s = certified_spectrum(H, tol=0)
    assert (s.positive, s.negative, s.near_zero) == (2, 0, 1)
    assert (s.success, s.status) == (True, 0) and s.as_dict()["message"] == s.message
    assert exact_inertia([[0, 1], [1, 0]]) == (1, 1, 0)


def test_spectrum_with_straddling_enclosures_is_not_a_success():
    # the eigenvalue 1 of [[2, 1], [1, 2]] against tol = 1: its enclosure straddles tol
    s = certified_spectrum([[2, 1], [1, 2]], dps=20, tol=1)
    assert s.undecided >= 1 and (s.success, s.status) == (False, 1) and "raise dps" in s.message


def test_minimiser_of_an_exponential_sum_is_the_target():
    t = ExpSum([1, Fraction(1, 2)], [1, 3])
    M = global_minimiser(t, 2, dps=30)
    assert [float(x) for x in M.v] == pytest.approx([1, 3], rel=1e-12)
    assert [float(x) for x in M.b] == pytest.approx([1, 0.5], rel=1e-12)
    assert abs(M.loss) < 1e-25 and M.non_degenerate
    assert (M.success, M.status) == (True, 0) and M.message.startswith("Newton's method reached")


def _partition_strategy(max_m=6):
    @st.composite
    def build(draw):
        m = draw(st.integers(2, max_m))
        k = draw(st.integers(1, min(3, m)))
        labels = draw(st.lists(st.integers(-2, k - 1), min_size=m, max_size=m))
        for j in range(k):  # every labelled block non-empty
            if j not in labels:
                labels[draw(st.integers(0, m - 1))] = j
        if any(labels.count(j) == 0 for j in range(k)):
            labels = [i % k for i in range(m)]
        blocks = tuple(tuple(i for i in range(m) if labels[i] == j) for j in range(k))
        zero = [i for i in range(m) if labels[i] < 0]
        zblocks = {}
        for i in zero:
            zblocks.setdefault(labels[i], []).append(i)
        return Partition(m, blocks, tuple(tuple(b) for b in zblocks.values()))
    return build()


@settings(max_examples=40, deadline=None)
@given(P=_partition_strategy(), seed=st.integers(0, 10**6))
def test_points_of_mstar_reproduce_rho_bar(P, seed):
    """Lemma C.3 at random exact points of random M*_P, and the partition is recovered."""
    astar = [Fraction(1), Fraction(-1, 2), Fraction(2, 3)][:P.k]
    wstar = [Fraction(1), Fraction(3), Fraction(7, 2)][:P.k]
    a, w = point_on_mstar(P, astar, wstar, seed=seed)
    assert expsum_coefficients(a, w) == dict(zip(wstar, astar))
    assert mstar_partition_of(a, w, astar, wstar) == P


@settings(max_examples=25, deadline=None)
@given(P=_partition_strategy(max_m=5), seed=st.integers(0, 10**6))
def test_hessian_structure_on_mstar(P, seed):
    """Prop. C.3's row coincidences and rank bound at random exact points of M*_P."""
    astar = [Fraction(1), Fraction(-1, 2), Fraction(2, 3)][:P.k]
    wstar = [Fraction(1), Fraction(3), Fraction(7, 2)][:P.k]
    a, w = point_on_mstar(P, astar, wstar, seed=seed)
    m = P.m
    d = derive(m)
    Q = lambda x: sp.Rational(Fraction(x))
    H = memory_specialise(d.hessian, [Q(x) for x in astar], [Q(x) for x in wstar], template=None)
    H = H.xreplace({**{s: Q(x) for s, x in zip(d.a, a)}, **{s: Q(x) for s, x in zip(d.w, w)}})
    for block in P.blocks + P.zero_blocks:
        for i, j in zip(block, block[1:]):
            assert H.row(i) == H.row(j)
            assert Q(a[j]) * H.row(m + i) == Q(a[i]) * H.row(m + j)
    pos, neg, zero = exact_inertia([[Fraction(int(x.p), int(x.q)) for x in H.row(i)] for i in range(2 * m)])
    assert neg == 0 and pos <= P.row_count_bound <= P.rank_bound <= m + P.k
    assert zero >= m - P.k


@settings(max_examples=20, deadline=None)
@given(m=st.integers(2, 5), d=st.integers(1, 3), seed=st.integers(0, 10**6))
def test_gradient_symmetry_on_coincided_spaces(m, d, seed):
    """Eq. 126 numerically (exact rationals, arb) for random (b, v), partitions and points."""
    d = min(d, m)
    rng = random.Random(seed)
    parts = list(ordered_partitions(m, d))
    P = rng.choice(parts)
    b = [Fraction(rng.randint(1, 20), 7) * rng.choice([-1, 1]) for _ in range(d)]
    v = sorted({Fraction(rng.randint(1, 40), 9) for _ in range(d + 3)})[:d]
    if len(v) < d:
        return
    a, w = point_on_coincided_space(P, b, v, seed=rng)
    target = PowerLaw(Fraction(3, 2))
    gm = Loss(target, m).gradient(a, w, arb=True, dps=30)
    gd = Loss(target, d).gradient(b, v, arb=True, dps=30)
    for s, block in enumerate(P.blocks):
        for k in block:
            assert (gm[k] - gd[s]).contains(0)
            assert (to_arb(b[s]) * gm[m + k] - to_arb(a[k]) * gd[d + s]).contains(0)


def test_landscape_cli(capsys):
    import json

    from memverify import cli
    assert cli.main(["landscape", "--target", "expsum:2", "--m", "2", "--json", "--dps", "30"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["m_factorial"] == 2 and [lv["spaces"] for lv in out["levels"]] == [1, 2]
    assert out["levels"][0]["listed"][0]["spectrum"]["negative"] >= 0
    for argv, word in ((["landscape", "--target", "nonsense", "--m", "2"], "target"),
                       (["landscape", "--target", "powerlaw", "--m", "0"], "--m"),
                       (["landscape", "--target", "powerlaw", "--m", "2", "--dps", "5"], "--dps")):
        assert cli.main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("memverify: error:") and word in err and "Traceback" not in err
