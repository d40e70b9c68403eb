"""Hostile input (issue 14) for the gradient flow (gradient_flow, linearised_flow,
flow_spec, sweep, the split start's slow curve, the escape-exponent fits), the symbolic
derivation's width, and every CLI verb: the input contract of README (tests/hostile.py)."""

import contextlib
import io
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile import (PROFILE, SLOW_PROFILE, extreme_reals, hostile_int, hostile_real, hostile_vector,
                     keeps_contract, names)
from memverify import ExpSum, Loss, MemoryBump, PrecisionError, cli
from memverify.flow import flow_spec, gradient_flow, linearised_flow, sweep
from memverify.flow.exponent import fit_exponent, local_slopes
from memverify.flow.split import split_tau_param
from memverify.symbolic import derive

LOSS = Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=0.5), 2)
# max_steps bounds the work of a valid but long flow (delta between J_0-reachable and ruled out)
GOOD = {"a0": [1.0, 0.0], "w0": [1.0, 0.8], "delta": 0.05, "method": "naive", "max_steps": 300}
# what each argument of gradient_flow is drawn from
FLOW_ARGS = {"a0": hostile_vector, "w0": hostile_vector, "delta": hostile_real, "rtol": hostile_real,
             "atol": hostile_real, "t_max": hostile_real, "max_steps": hostile_int, "dps": hostile_int,
             "method": st.one_of(st.text(max_size=6), hostile_real), "integrator": st.one_of(st.text(max_size=6),
                                                                                             hostile_real),
             "momentum": hostile_real, "on_precision": st.one_of(st.text(max_size=6), hostile_int),
             "progress": st.sampled_from([1, "print", [], None]), "events": st.sampled_from([1, "x", [1.0], ()])}


def _flow_call(arg, value):
    kw = dict(GOOD, **{arg: value})
    if arg in ("dps", "momentum"):
        kw["method"] = "exact"
    return lambda: gradient_flow(LOSS, **kw)


def _check_flow(arg, value, limit=20):
    outcome, r = keeps_contract(_flow_call(arg, value), limit=limit)
    if outcome == "refused" and not isinstance(r, PrecisionError):
        assert names(r, arg, "a0, w0", "the loss at the start"), f"{arg}: {r}"


@PROFILE
@given(data=st.data(), arg=st.sampled_from(sorted(FLOW_ARGS)))
def test_gradient_flow_keeps_the_contract(data, arg):
    _check_flow(arg, data.draw(FLOW_ARGS[arg]))


@pytest.mark.slow
@SLOW_PROFILE
@given(data=st.data(), arg=st.sampled_from(sorted(FLOW_ARGS)))
def test_gradient_flow_keeps_the_contract_slow(data, arg):
    _check_flow(arg, data.draw(FLOW_ARGS[arg]), limit=60)


@PROFILE
@given(a0=st.one_of(hostile_vector, st.lists(extreme_reals, min_size=2, max_size=2)),
       w0=st.one_of(hostile_vector, st.lists(extreme_reals, min_size=2, max_size=2)),
       delta=hostile_real, dps=st.one_of(st.none(), hostile_int))
def test_linearised_flow_keeps_the_contract(a0, w0, delta, dps):
    keeps_contract(lambda: linearised_flow(LOSS, a0, w0, delta, dps=dps), limit=20)


@PROFILE
@given(omega=hostile_real, a0=hostile_vector, c0=hostile_real, sigma=hostile_real, rtol=hostile_real,
       dps=st.one_of(st.none(), hostile_int))
def test_flow_spec_keeps_the_contract(omega, a0, c0, sigma, rtol, dps):
    # flow_spec validates everything a run will need, so a sweep never ships a bad spec
    keeps_contract(lambda: flow_spec(omega, a0, [1.0, 0.8], 0.05, c0=c0, sigma=sigma, rtol=rtol, dps=dps,
                                     method="exact" if dps is not None else "fast"), limit=5)


@PROFILE
@given(inv=st.lists(st.one_of(hostile_real, st.floats(1, 100)), min_size=0, max_size=5),
       taus=st.lists(st.one_of(hostile_real, st.floats(1, 1e30)), min_size=0, max_size=5))
def test_exponent_fits_keep_the_contract(inv, taus):
    keeps_contract(lambda: fit_exponent(inv, taus), limit=5)
    keeps_contract(lambda: local_slopes(inv, taus), limit=5)


@PROFILE
@given(a1=hostile_real, delta=hostile_real, dps=st.one_of(st.none(), hostile_int))
def test_split_tau_param_keeps_the_contract(a1, delta, dps):
    target = MemoryBump(ExpSum([1.0], [1.0]), omega=0.1)
    keeps_contract(lambda: split_tau_param(target, a1, delta, dps=dps), limit=20)


@PROFILE
@given(m=hostile_int)
def test_derive_refuses_widths_beyond_its_limit(m):
    outcome, r = keeps_contract(lambda: derive(m) if not (isinstance(m, int) and 1 <= m <= 3) else None, limit=5)
    assert outcome == "refused" or m in (1, 2, 3) or m is True


def test_sweep_refuses_a_bad_executor_and_bad_specs():
    with pytest.raises(TypeError, match="executor"):
        sweep([flow_spec(0.5, [1.0, 0.0], [1.0, 0.8], 0.05)], executor="local")
    assert sweep([]) == []


# ---------------------------------------------------------------------------
# regression: the issue's examples for the flow


def test_exact_flow_refuses_digits_beyond_max_dps():
    # omega = 1e-9 asked about 8.7e8 digits (3.5e8 before the escape factor) and ran forever
    loss = Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=1e-9), 2)
    with pytest.raises(PrecisionError, match="MAX_DPS"):
        gradient_flow(loss, [1.0, 0.0], [1.0, 0.8], delta=0.05, method="exact")


def test_a_start_whose_loss_overflows_float64_is_refused():
    # J(theta_0) = 5e615: 'fast' escalated to 'exact', which returned J = inf in its float64 loss
    # array and tau = 0
    with pytest.raises(ValueError, match="beyond float64's range"):
        gradient_flow(LOSS, [1e308, 0.0], [1.0, 0.8], delta=0.05, method="fast", on_precision="exact")
    with pytest.raises(PrecisionError, match="overflows float64"):
        gradient_flow(LOSS, [1e308, 0.0], [1.0, 0.8], delta=0.05, method="naive")


def test_rtol_beyond_one_is_refused_first():
    with pytest.raises(ValueError, match=r"rtol must be in \(0, 1\)"):
        gradient_flow(LOSS, [1.0, 0.0], [1e-308, 1e308], delta=0.05, rtol=1e308)


def test_events_out_of_reach_end_the_flow_at_once():
    # delta = 1e31: |J - J_0| <= J_0 = 1.77 and ||theta - theta_0||^2 <= tau J_0 rule both events out
    # before t_max = 1e60 (the flow ran 5000 steps before); at delta = 1e29 (the falsifier) the
    # bound allows tau_param from tau = 10^57.8 < t_max: the flow is integrated
    r = gradient_flow(LOSS, [1.0, 0.0], [1.0, 0.8], delta=1e31, method="naive")
    assert r.status == 0 and r.steps == 0 and "no event can happen before t_max" in r.message
    r = gradient_flow(LOSS, [1.0, 0.0], [1.0, 0.8], delta=1e29, method="naive", max_steps=20)
    assert r.status == -1 and r.steps == 20


def test_the_distance_bound_holds_along_a_flow():
    # ||theta(tau) - theta_0||^2 <= tau (J_0 - J(tau)), the bound out_of_reach stands on
    r = gradient_flow(LOSS, [1.0, 0.0], [1.0, 0.8], delta=0.05, method="exact", dps=30)
    d2 = ((r.y - r.y[0]) ** 2).sum(axis=1)
    assert len(r.t) > 3 and np.all(d2 <= r.t * (r.loss[0] - r.loss) * (1 + 1e-9) + 1e-20)
    assert np.any(d2 > 0.5 * r.t * (r.loss[0] - r.loss))  # and it is not vacuous: within 2x somewhere


def test_linearised_flow_far_memory_is_finite():
    # omega = 1e-9: the bump sits at t = 1e9; the result has no NaN or inf (it had), and no
    # event is reported before t_max because none happens: the gradient is e^{-1e9}-small
    r = linearised_flow(Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=1e-9), 2), [1.0, 0.0], [1.0, 0.8], 0.05,
                        dps=15)
    keeps_contract(lambda: r)
    assert r.tau_param is None and r.tau_loss is None


# ---------------------------------------------------------------------------
# the command line: one line, exit 2 on bad arguments, 1 on a reported failure, never a traceback


def run_cli(argv, limit=30):
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            outcome, status = keeps_contract(lambda: cli.main(argv), limit=limit)
        except SystemExit as exc:  # argparse's own usage errors
            status = exc.code
    assert "Traceback" not in err.getvalue(), err.getvalue()
    return status, err.getvalue()


BAD_TEXT = ["nan", "inf", "-inf", "1e308", "-1e308", "5e-324", "0", "-1", "", ",", "1,,2", "abc", "1e400",
            "99999999999999999999", "1,nan", "0,0"]
BAD_PATHS = ["", "/", "/nonexistent/dir/f.png", "/tmp/", "/proc/memverify.png", "."]
VERBS = {
    "check": lambda v: ["check", "--only", v],
    "check-tier": lambda v: ["check", "--only", "thm-d.2", "--tier", v],
    "derive": lambda v: ["derive", "loss", "--m", v],
    "derive-target": lambda v: ["derive", "loss", "--m", "1", "--target", v],
    "landscape-m": lambda v: ["landscape", "--target", "powerlaw", "--m", v],
    "landscape-target": lambda v: ["landscape", "--target", v, "--m", "1"],
    "landscape-dps": lambda v: ["landscape", "--target", "powerlaw", "--m", "1", "--dps", v],
    "landscape-limit": lambda v: ["landscape", "--target", "powerlaw", "--m", "1", "--limit", v],
    "approx-omega": lambda v: ["approx", "--omega", v, "--eps", "0.1", "--routes", "sinc"],
    "approx-eps": lambda v: ["approx", "--omega", "1", "--eps", v, "--routes", "sinc"],
    "approx-routes": lambda v: ["approx", "--omega", "1", "--eps", "0.1", "--routes", v],
    "flow-omega": lambda v: ["flow", "--omega", v, "--a0", "1,0", "--w0", "1,0.8", "--delta", "0.05"],
    "flow-a0": lambda v: ["flow", "--omega", "0.5", "--a0", v, "--w0", "1,0.8", "--delta", "0.05"],
    "flow-w0": lambda v: ["flow", "--omega", "0.5", "--a0", "1,0", "--w0", v, "--delta", "0.05"],
    "flow-delta": lambda v: ["flow", "--omega", "0.5", "--a0", "1,0", "--w0", "1,0.8", "--delta", v],
    "flow-c0": lambda v: ["flow", "--omega", "0.5", "--a0", "1,0", "--w0", "1,0.8", "--delta", "0.05", "--c0", v],
    "flow-sigma": lambda v: ["flow", "--omega", "0.5", "--a0", "1,0", "--w0", "1,0.8", "--delta", "0.05",
                             "--sigma", v],
    "flow-rtol": lambda v: ["flow", "--omega", "0.5", "--a0", "1,0", "--w0", "1,0.8", "--delta", "0.05",
                            "--rtol", v],
    "flow-dps": lambda v: ["flow", "--omega", "0.5", "--a0", "1,0", "--w0", "1,0.8", "--delta", "0.05",
                           "--method", "exact", "--dps", v],
    "flow-astar": lambda v: ["flow", "--omega", "0.5", "--a0", "1,0", "--w0", "1,0.8", "--delta", "0.05",
                             "--astar", v],
}
for _k in [k for k in VERBS if k.startswith("flow")]:  # a valid but long flow stops at 50 steps
    VERBS[_k] = (lambda f: lambda v: f(v) + ["--max-steps", "50", "--no-error-estimate"])(VERBS[_k])
# figure verbs get only paths that cannot be written (a valid path would draw a figure)
FIGURE_VERBS = {"figure": lambda v: ["figure", "approx", "--out", v],
                "figure-2": lambda v: ["figure", "2", "--out", v]}


def _check_cli(argv, limit=30):
    status, err = run_cli(argv, limit=limit)
    assert status in (0, 1, 2), status
    lines = [ln for ln in err.strip().splitlines() if ln.startswith("memverify: error:")]
    # bad arguments: one error line; a reported failure (1): an error line, or the run's own
    # status in the output (a flow that stopped at max_steps)
    assert len(lines) == (1 if status == 2 else len(lines)) and len(lines) <= 1, err


@PROFILE
@given(verb=st.sampled_from(sorted(VERBS)), value=st.sampled_from(BAD_TEXT))
def test_cli_verbs_keep_the_contract(verb, value):
    _check_cli(VERBS[verb](value))


@PROFILE
@given(verb=st.sampled_from(sorted(FIGURE_VERBS)), value=st.sampled_from(BAD_PATHS))
def test_cli_figure_refuses_paths_it_cannot_write(verb, value):
    status, err = run_cli(FIGURE_VERBS[verb](value), limit=5)
    assert status == 2 and "--out" in err


@pytest.mark.slow
@SLOW_PROFILE
@given(verb=st.sampled_from(sorted(VERBS)), value=st.one_of(st.sampled_from(BAD_TEXT), st.text(max_size=12)))
def test_cli_verbs_keep_the_contract_slow(verb, value):
    _check_cli(VERBS[verb](value), limit=60)


@pytest.mark.parametrize("argv, status, words", [
    (["figure", "2", "--out", "/nonexistent/dir/f.png"], 2, "does not exist"),
    (["figure", "approx", "--out", "/nonexistent/dir/f.png"], 2, "does not exist"),
    (["figure", "approx", "--out", "/tmp/", "--json"], 2, "must name a file"),
    (["flow", "--omega", "0.2", "--a0", "1,0", "--w0", "1,0.8", "--delta", "0.05", "--rtol", "1e308", "--json"],
     2, "rtol"),
    (["approx", "--omega", "1", "--eps", "1e-2", "--routes", ","], 2, "--routes"),
    (["landscape", "--target", "powerlaw", "--m", "2", "--limit", "-1"], 2, "--limit"),
    (["flow", "--omega", "0.2", "--a0", "1e308,0", "--w0", "1,0.8", "--delta", "0.05"], 2, "a0"),
    (["check", "--only", ""], 2, "--only"),
    (["check", "--only", "thm-d.2,"], 2, "--only"),
    (["derive", "loss", "--m", "1000"], 2, "m must be"),
])
def test_cli_examples_of_the_issue(argv, status, words):
    got, err = run_cli(argv)
    assert got == status and words in err and err.count("\n") == 1, err


def test_cli_unreachable_scheduler_fails_fast():
    import time
    start = time.perf_counter()
    got, err = run_cli(["flow", "--omega", "0.5,0.25", "--a0", "1,0", "--w0", "1,0.8", "--delta", "0.05",
                        "--scheduler", "tcp://127.0.0.1:9"])
    assert got == 1 and "no dask scheduler answers" in err
    assert time.perf_counter() - start < 15  # 31 s before (dask's own 30 s timeout)


def test_cli_debug_shows_the_traceback():
    with pytest.raises(ValueError, match="--limit"):
        cli.main(["--debug", "landscape", "--target", "powerlaw", "--m", "2", "--limit", "-1"])

