"""memverify approx and memverify figure approx."""

import json

import pytest

from memverify import PowerLaw, cli
from memverify.approximation import expsum_error


def test_approx_json_carries_sums_that_reproduce_their_errors(capsys):
    assert cli.main(["approx", "--omega", "1", "--eps", "1e-2", "--routes", "sinc,appendix_b",
                     "--m-max", "128", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    s = row["sinc"]
    a, w = [float(x) for x in s["sum"]["a"]], [float(x) for x in s["sum"]["w"]]
    # anyone can re-evaluate: relative L1 error of (1+t)^-2 (mass 1)
    assert expsum_error(PowerLaw(2), a, w) == pytest.approx(s["relative_error"], rel=1e-9)
    assert s["relative_error"] <= 1e-2 and s["m"] == len(a)
    ab = row["appendix_b"]
    assert ab["m"] == 64 and len(ab["chebyshev_coefficients_of_Q"]) == 64
    assert row["bound_shape"] == pytest.approx(100.0)


def test_approx_table_output(capsys):
    assert cli.main(["approx", "--omega", "0.5", "--eps", "1e-2", "--routes", "sinc"]) == 0
    out = capsys.readouterr().out
    assert "sinc" in out and "w_min" in out


@pytest.mark.parametrize("argv, word", [
    (["approx", "--omega", "-1", "--eps", "1e-2"], "omega"),
    (["approx", "--omega", "1", "--eps", "0"], "eps"),
    (["approx", "--omega", "1", "--eps", "1e-2", "--routes", "magic"], "routes"),
])
def test_approx_bad_input(argv, word, capsys):
    assert cli.main(argv) == 2
    assert word in capsys.readouterr().err


def test_figure_approx(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "approx.png"
    assert cli.main(["figure", "approx", "--out", str(out)]) == 0
    assert out.stat().st_size > 10_000


def test_approx_json_appendix_b_sum(capsys):
    import mpmath
    assert cli.main(["approx", "--omega", "1", "--eps", "1e-2", "--routes", "appendix_b", "--json"]) == 0
    ab = json.loads(capsys.readouterr().out)["appendix_b"]
    with mpmath.workdps(100):
        a = [mpmath.mpf(x) for x in ab["sum"]["a"]]
        w = [mpmath.mpf(x) for x in ab["sum"]["w"]]
        err = expsum_error(PowerLaw(2), a, w, dps=40)
    assert float(err) == pytest.approx(ab["relative_error"], rel=1e-6)
