"""Hostile input for memverify.training (the JAX RNNs of Figures 1 and 4) and memverify.report
(issue 14): every public entry point refuses bad arguments with a ValueError/TypeError naming
them, returns no NaN or inf (a diverged run is data: a flag, None or a stated sentinel), and
refuses up front the sizes whose work would run for minutes.

Valid draws are kept cheap: where a valid value would start a new JAX compilation or a long
loop (a step count, a node count, an iteration count), the property tests map it onto a few
small values; what they test is the refusal of the hostile ones and the finiteness of what
comes back."""

from __future__ import annotations

import math
from unittest import mock

import jax.numpy as jnp
import mpmath as mp
import numpy as np
import pytest
from hypothesis import strategies as st

from hostile import (bad_rate, extreme_reals, hostile_int, hostile_matrix, hostile_real,
                     hostile_vector, is_finite_real, keeps_contract, names, not_a_real,
                     not_a_sequence, profile_pair)
from memverify import Airy, ExpSum, report
from memverify.backends import PrecisionError
from memverify.claims import REGISTRY, Claim, Falsifier, Verdict
from memverify.training import (PlateauParams, cosine_inputs, euler_outputs, init_params, input_gram, kernel_euler,
                                lorenz96, make_optimizer, plateau_measure, random_expsum_target, rho_grid,
                                sampled_loss, sampled_loss_linear, sequence_loss, target_outputs, train,
                                white_noise_inputs, white_noise_loss, white_noise_loss_euler)
from memverify.training import experiments as ex
from memverify.training.optim import NOT_RECORDED


def _p(m=2, seed=0):
    """One initialisation of width m (numpy)."""
    return {k: v[0] for k, v in init_params(seed, m, 1, 1).items()}


def _quadratic(p):
    return jnp.sum((p["x"] - 3.0) ** 2)


def _tiny(**changes):
    """A setting that trains in about a second, and diverges (lr = 1e308: lr is not bounded
    above).  Every test that runs it shares one run through run_setting's cache; its name is
    the one memory_sweep gives base _tiny(name='tiny') at 1/omega = 1."""
    s = ex.Setting("tiny-inv_omega=1", "bump", "sampled", lr=1e308, n_iter=3, n_init=2, T=0.4, batch=4,
                   inv_omega=1.0, fresh_batch=0)
    return s.with_(**changes)


def _refused(exc_type, call, *words):
    with pytest.raises(exc_type) as info:
        call()
    assert names(info.value, *words), str(info.value)
    return info.value


# ---------------------------------------------------------------------------
# report.run_claims, run_claim, format_table, to_json

@pytest.mark.parametrize("patterns", ["", ",", ",,", [], ()])
def test_run_claims_refuses_empty_patterns(patterns):
    """`memverify check --only ''` used to run every claim: '' and [] selected none (select
    returned []) or, through the CLI, all.  Now an empty pattern string or list is a
    ValueError naming `patterns` (None still means every claim)."""
    _refused(ValueError, lambda: report.run_claims(patterns), "patterns")


def test_run_claims_refuses_an_empty_pattern_in_a_list():
    _refused(ValueError, lambda: report.run_claims(["thm-d.2", ""]), "patterns[1]")


def test_run_claims_none_means_every_claim():
    seen = []
    with mock.patch.object(report, "run_claim", lambda claim, tier="fast": claim.id):
        out = report.run_claims(None, progress=lambda i, n, cid: seen.append(cid))
    assert out == list(REGISTRY) == seen


def test_run_claims_keeps_the_unknown_id_message():
    _refused(ValueError, lambda: report.run_claims("thm-9.9"), "unknown claim id or pattern 'thm-9.9'")


@pytest.mark.parametrize("tier", ["slow", "", None, 1, ["fast"]])
def test_run_claims_refuses_a_bad_tier(tier):
    _refused(ValueError, lambda: report.run_claims("thm-d.2", tier=tier), "tier")


@pytest.mark.parametrize("progress", [3, "print", [print]])
def test_run_claims_refuses_a_progress_that_is_not_callable(progress):
    """Used to fail inside the loop with "'int' object is not callable"."""
    _refused(TypeError, lambda: report.run_claims("thm-d.2", progress=progress), "progress")


def test_run_claims_runs_one_real_claim():
    calls = []
    out = report.run_claims("thm-d.2", progress=lambda i, n, cid: calls.append((i, n, cid)))
    assert [r.id for r in out] == ["thm-d.2"] and calls == [(0, 1, "thm-d.2")]
    assert out[0].ok
    assert "thm-d.2" in report.format_table(out) and '"thm-d.2"' in report.to_json(out)


def test_run_claim_refuses_what_is_not_a_claim():
    _refused(TypeError, lambda: report.run_claim("thm-d.2"), "claim")
    _refused(ValueError, lambda: report.run_claim(_toy(), tier="everything"), "tier")


@pytest.mark.parametrize("results", [None, "abc", 3, [1], [None]])
def test_format_table_and_to_json_refuse_what_is_not_results(results):
    """Used to raise AttributeError ('int' object has no attribute 'falsifiers')."""
    _refused(TypeError, lambda: report.format_table(results), "results")
    _refused(TypeError, lambda: report.to_json(results), "results")


def _toy():
    return Claim(id="toy", statement="toy", verify=lambda variant="right": Verdict(
        "proved" if variant == "right" else "refuted", f"toy {variant}"), params={},
        falsifiers=(Falsifier("wrong", {"variant": "wrong"}),))


# ---------------------------------------------------------------------------
# training: divergence is data, never NaN


def test_train_reports_divergence_with_a_sentinel_not_nan():
    """A learning rate far too large: the run diverges.  Its losses from diverged_at on are
    not recorded (recorded False, NOT_RECORDED beneath), not NaN as before."""
    r = train(_quadratic, {"x": np.zeros((2, 3))}, make_optimizer("gd", 1e3), 100)
    assert np.all(r["diverged_at"] > 0)
    for i, k in enumerate(r["diverged_at"]):
        assert r["recorded"][i, :k].all() and not r["recorded"][i, k:].any()
        assert np.all(r["loss"][i, k:] == NOT_RECORDED)
    assert np.all(np.isfinite(r["loss"])) and all(np.all(np.isfinite(v)) for v in r["params"].values())


def test_train_dates_a_divergence_by_an_overflowing_update():
    """The loss and gradient are finite but the update overflows: the run used to be reported
    with diverged_at = -1 (and NaN losses), so run_setting said 'diverged at iteration -1'."""
    r = train(lambda p: 10.0 * jnp.sum(p["x"]), {"x": np.ones((1, 1))}, make_optimizer("gd", 1e308), 3)
    assert r["diverged_at"].tolist() == [1]
    assert r["recorded"].tolist() == [[True, False, False, False]]
    assert r["loss"].tolist() == [[10.0, NOT_RECORDED, NOT_RECORDED, NOT_RECORDED]]
    assert r["params"]["x"].tolist() == [[1.0]]  # the last finite parameters


def test_train_reports_a_loss_that_is_never_finite():
    r = train(lambda p: jnp.sum(p["x"]) * jnp.inf, {"x": np.ones((2, 2))}, make_optimizer("gd", 0.1), 2)
    assert r["diverged_at"].tolist() == [0, 0] and not r["recorded"].any()
    assert np.all(r["loss"] == NOT_RECORDED)


def test_run_setting_reports_divergence_as_plain_data():
    """lr is not bounded above: lr = 1e308 is a legitimate experiment that diverges, and is
    reported ('diverged at iteration k', k >= 0, final loss and plateau None)."""
    r = ex.run_setting(_tiny())
    assert r["n_diverged"] == 2 and r["n_finite"] == 0
    for run in r["runs"]:
        assert run["status"].startswith("diverged at iteration ") and int(run["status"].split()[-1]) >= 0
        assert run["final_loss"] is None and run["plateau"] is None
    summ = ex.summary(r)
    assert summ["plateau_lengths"] == [None, None] and summ["plateau_length"]["mean"] is None
    keeps_contract(lambda: r)  # no NaN or inf anywhere in the data


# ---------------------------------------------------------------------------
# training: limits and refusals (one per example of the task)


@pytest.mark.parametrize("field, value, word", [
    ("lr", float("nan"), "lr"), ("lr", float("inf"), "lr"), ("lr", 0.0, "lr"), ("lr", -1.0, "lr"),
    ("m", 0, "m"), ("m", 2**31, "m"), ("m", 1.5, "m"), ("n_init", 10**400, "n_init"),
    ("batch", 0, "batch"), ("batch", 2**64, "batch"), ("n_iter", 0, "n_iter"), ("n_iter", 10**7, "n_iter"),
    ("T", 1e308, "T / dt"), ("dt", 5e-324, "T / dt"), ("T", float("nan"), "T"), ("dt", 0, "dt"),
    ("seed", -1, "seed"), ("seed", 2**64, "seed"), ("data_seed", 2**64 - 1, "data_seed"),
    ("optimizer", "sgdx", "optimizer"), ("optimizer", ["gd"], "optimizer"), ("activation", "relu", "activation"),
    ("target", "lorenz63", "target"), ("inputs", "lorenz", "inputs"), ("momentum", 1.0, "momentum"),
    ("c0", 0.0, "c0"), ("inv_omega", 5e-324, "inv_omega"), ("name", None, "name"), ("plateau", {}, "plateau"),
])
def test_setting_refuses_hostile_fields(field, value, word):
    """Settings used to accept most of these (optimizer 'sgdx', seed -1, c0 = 0, momentum 2,
    inputs 'lorenz' for a sampled loss, the last two silently) and fail later, or never;
    T = 1e308, dt = 5e-324 raised OverflowError."""
    exc = (TypeError, ValueError)
    _refused(exc, lambda: _tiny(**{field: value}), word)


@pytest.mark.parametrize("changes", [
    dict(activation="tanh", n_iter=10**5, n_init=10, T=32.0, batch=128),   # 2.4e12 multiply-adds
    dict(n_iter=10**6, n_init=100, m=1),                                    # the loss history
    dict(batch=10**6, T=409.6),                                             # a 10^6 x 4096 Gram matrix
])
def test_setting_refuses_work_beyond_the_budget(changes):
    _refused(ValueError, lambda: _tiny(**changes), "beyond the limit")


def test_paper_settings_fit_the_budget():
    for full in (True, False):
        for settings in (ex.figure1_settings(full), ex.figure4_settings(full)):
            assert all(s.work <= ex.MAX_WORK for s in settings.values())
            assert sum(s.work for s in settings.values()) <= ex.MAX_TOTAL_WORK
    assert max(s.work for s in ex.figure4_settings(True).values()) > 0.5 * ex.MAX_WORK  # the budget is not lax


def test_run_settings_refuses_a_group_beyond_the_total_budget():
    big = ex.figure4_settings(True)["white-tanh-gd"]
    _refused(ValueError, lambda: ex.run_settings({str(i): big for i in range(6)}), "settings")


def test_lorenz_target_needs_the_sequence_loss():
    """Used to be accepted and fail (or not) at run time."""
    _refused(ValueError, lambda: ex.Setting("x", "lorenz96", "sampled"), "Lorenz 96")
    _refused(ValueError, lambda: ex.Setting("x", "airy", "sequence", activation="tanh"), "Lorenz 96")


def test_memory_sweep_refuses_repeated_values():
    """Repeated 1/omega used to collapse into one dict key, and the rows silently lost values."""
    _refused(ValueError, lambda: ex.memory_sweep(_tiny(), [2.0, 2.0]), "inv_omegas")


@pytest.mark.parametrize("full", ["no", 1, None])
def test_figure_settings_need_a_bool(full):
    _refused(TypeError, lambda: ex.figure1_settings(full), "full")
    _refused(TypeError, lambda: ex.figure4_settings(full), "full")


def _jt_reference(p, target, T, dps=40):
    """J_T in mpmath: c^T e^{W t} b = sum_i alpha_i e^{lambda_i t} from W's eigenvectors, and
    J_T = sum_pq beta_p beta_q (e^{(mu_p + mu_q) T} - 1)/(mu_p + mu_q) exactly (T = inf: the limit)."""
    with mp.workdps(dps):
        W = mp.matrix(np.asarray(p["W"]).tolist())
        E, ER = mp.eig(W)
        EL = ER ** -1
        c, b = mp.matrix(np.asarray(p["c"]).tolist()), mp.matrix(np.asarray(p["U"])[:, 0].tolist())
        beta = [(c.T * ER[:, i])[0] * (EL[i, :] * b)[0] for i in range(len(E))] + [-mp.mpf(a) for a in target.a]
        mu = list(E) + [-mp.mpf(w) for w in target.w]
        tot = 0
        for bp, mp_ in zip(beta, mu):
            for bq, mq in zip(beta, mu):
                s = mp_ + mq
                tot += bp * bq * ((mp.exp(s * T) - 1) / s if T != math.inf else -1 / s)
        return float(mp.re(tot))


@pytest.mark.parametrize("T", [10.0, 50.0, 100.0, 1e4, pytest.param(1e308, marks=pytest.mark.slow)])  # 1e308: 1.5 s
def test_white_noise_loss_is_right_for_long_horizons(T):
    """J_T with a full W: Van Loan's block exponential over [0, T] lost every digit (m = 3:
    0.0202 for 0.01185 at T = 50, 2.6e12 at T = 100, NaN at 1e308); now a short step and
    doublings, against mpmath's closed form from W's eigenvectors."""
    p, target = _p(3), ExpSum([1.0], [1.0])
    ref = _jt_reference(p, target, T if T < 1e3 else math.inf)
    assert float(white_noise_loss(p, target, T)) == pytest.approx(ref, rel=1e-10)


def test_white_noise_loss_refuses_hostile_arguments():
    p = _p(3)
    _refused(TypeError, lambda: white_noise_loss(p, "airy", 1.0), "target")  # was AttributeError
    _refused(ValueError, lambda: white_noise_loss(p, Airy(2.25, 3.0), float("nan")), "T")
    _refused(ValueError, lambda: white_noise_loss(p, Airy(2.25, 3.0), 1000.0), "nodes")  # was NaN
    _refused(ValueError, lambda: white_noise_loss(p, Airy(2.25, 3.0), 1.0, nodes=2**15), "nodes")
    unstable = {"c": np.ones(3), "W": np.eye(3), "U": np.ones((3, 1))}
    _refused(PrecisionError, lambda: white_noise_loss(unstable, ExpSum([1.0], [1.0]), 1000.0), "T")


def test_model_functions_refuse_hostile_parameters():
    """A missing key, lists or a stacked batch of parameters used to raise KeyError or
    AttributeError, an unstable Euler step returned NaN."""
    _refused(ValueError, lambda: kernel_euler({}, 4, 0.1), "params")
    _refused(ValueError, lambda: kernel_euler(init_params(0, 3, 1, 2), 4, 0.1), "params['c']")
    _refused(TypeError, lambda: kernel_euler({"c": ["a"], "W": [[1.0]], "U": [[1.0]]}, 4, 0.1), "params['c']")
    k = kernel_euler({"c": [1.0], "W": [[-1.0]], "U": [[1.0]]}, 3, 0.5)  # lists are fine
    np.testing.assert_allclose(np.asarray(k)[:, 0], [1.0, 0.5, 0.25])
    _refused(PrecisionError, lambda: kernel_euler({"c": np.ones(3), "W": 100 * np.eye(3), "U": np.ones((3, 1))},
                                                  400, 0.1), "dt")
    _refused(ValueError, lambda: euler_outputs(_p(), np.ones((1, 3, 1)), 0.1, []), "activation")
    _refused(ValueError, lambda: euler_outputs(_p(), np.ones((1, 3, 2)), 0.1), "x")
    _refused(ValueError, lambda: sampled_loss(_p(), np.ones((2, 3, 1)), np.ones(3), 0.1), "h_target")
    _refused(ValueError, lambda: kernel_euler(_p(), 2**17, 0.1), "n_steps")
    _refused(ValueError, lambda: input_gram(np.ones((1, 5000, 1))), "N * d")
    _refused(PrecisionError, lambda: init_params(0, 1, w_diag=-1.7e308, w_scale=1.7e308), "w_scale")


def test_samplers_refuse_hostile_grids():
    """n_steps = 10^400 raised OverflowError/'Maximum allowed size exceeded'; 10^6 x 10^6 paths
    a MemoryError; dt = 1e308 returned NaN cosines, an unstable RK4 step NaN states."""
    _refused(ValueError, lambda: cosine_inputs(0, 2, 10**400, 0.1), "n_steps")
    _refused(ValueError, lambda: white_noise_inputs(0, 10**6, 10**6, 0.1), "batch * n_steps")
    _refused(PrecisionError, lambda: cosine_inputs(0, 2, 3, 1e308), "dt")
    _refused(PrecisionError, lambda: white_noise_inputs(0, 4, 400, 0.1, sd=1e308), "sd")
    _refused(PrecisionError, lambda: lorenz96(0, 2, 30, 10.0, substeps=1), "substeps")
    _refused(ValueError, lambda: lorenz96(0, 128, 10**4, 0.1), "n_steps * substeps")
    _refused(ValueError, lambda: random_expsum_target(0, 65), "m_star")


def test_rho_grid_refuses_hostile_times_and_targets():
    """An empty grid used to return an empty array, a sum beyond float64 [inf], and the work
    was not bounded (points times the target's terms)."""
    _refused(ValueError, lambda: rho_grid(Airy(2.25, 3.0), []), "t")
    _refused(ValueError, lambda: rho_grid(Airy(2.25, 3.0), [0.0, -1.0]), "t")
    _refused(ValueError, lambda: rho_grid(Airy(2.25, 3.0), [[0.0], [1.0, 2.0]]), "t")
    _refused(ValueError, lambda: rho_grid(Airy(2.25, 3.0), np.zeros(20_001)), "t")
    _refused(TypeError, lambda: rho_grid("airy", [0.0]), "target")
    wide = ExpSum([1.0] * 1000, [float(k) for k in range(1, 1001)])  # 18 ms a point: 300 points would take 5 s
    _refused(ValueError, lambda: rho_grid(wide, np.arange(300.0)), "exponential terms")
    _refused(PrecisionError, lambda: rho_grid(ExpSum([1e308, 1e308], [1.0, 2.0]), [0.0]), "float64")


def test_optimizer_and_train_refuse_hostile_arguments():
    _refused(ValueError, lambda: make_optimizer(["gd"], 0.1), "optimizer")
    _refused(ValueError, lambda: make_optimizer("gd", float("inf")), "lr")
    _refused(ValueError, lambda: make_optimizer("heavy-ball", 0.1, 1.0), "momentum")
    opt = make_optimizer("gd", 0.1)
    _refused(ValueError, lambda: train(_quadratic, {"x": np.zeros((2, 3))}, opt, 10**7), "n_iter")
    _refused(ValueError, lambda: train(_quadratic, {"x": np.zeros((2, 3))}, opt, 3, chunks=10**9), "chunks")
    _refused(ValueError, lambda: train(_quadratic, {"x": np.array([[np.nan]])}, opt, 3), "params['x']")
    _refused(ValueError, lambda: train(lambda p: p["x"].sum() + p["y"].sum(), {"x": np.ones((2, 1)),
                                                                            "y": np.ones((3, 1))}, opt, 3), "n_init")
    _refused(TypeError, lambda: train(lambda p: p["x"], {"x": np.ones((2, 3))}, opt, 3), "loss_fn")
    _refused(TypeError, lambda: train(_quadratic, {"x": np.ones((2, 3))}, "gd", 3), "optimizer")
    _refused(TypeError, lambda: train(_quadratic, {"x": np.ones((2, 3))}, opt, 3, progress=1), "progress")


def test_plateau_measure_refuses_hostile_curves():
    """A ragged list or a dict used to raise numpy's messages (not naming `loss`)."""
    _refused(ValueError, lambda: plateau_measure([[1.0], [1.0, 2.0]]), "loss")
    _refused(TypeError, lambda: plateau_measure({}), "loss")
    _refused(ValueError, lambda: plateau_measure(np.ones(10**6 + 2)), "loss")
    assert PlateauParams(rtol=mp.mpf("0.1")).as_dict() == PlateauParams().as_dict()  # stored as float


def test_fit_log_linear_is_right_or_refuses():
    """x = 1, 1 + 2^-52, 1 gave the slope 0.30 (the normal equations lost it); equal x raised
    LinAlgError, y <= 0 returned NaN, x = +-1e308 an intercept of 0."""
    fit = ex.fit_log_linear([1.0, 1.0 + 2.0**-52, 1.0], [1.0, 2.0, 3.0])
    with mp.workdps(40):
        xs, ls = [mp.mpf(1), 1 + mp.mpf(2) ** -52, mp.mpf(1)], [mp.log(k) for k in (1, 2, 3)]
        xb, lb = sum(xs) / 3, sum(ls) / 3
        slope = sum((a - xb) * (b - lb) for a, b in zip(xs, ls)) / sum((a - xb) ** 2 for a in xs)
    assert fit["slope"] == pytest.approx(float(slope), rel=1e-12)
    fit = ex.fit_log_linear([1e308, -1e308, 0.0], [1.0, 2.0, 3.0])
    assert fit["intercept"] == pytest.approx(math.log(6) / 3, rel=1e-12)
    _refused(ValueError, lambda: ex.fit_log_linear([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]), "x")
    _refused(ValueError, lambda: ex.fit_log_linear([1.0, 2.0, 3.0], [1.0, -2.0, 3.0]), "y[1]")
    _refused(PrecisionError, lambda: ex.fit_log_linear([5e-324, 1e-323, 1.5e-323], [1.0, 2.0, 3.0]), "x")


def test_summary_refuses_what_is_not_a_result():
    """Used to raise KeyError 'setting'."""
    _refused(TypeError, lambda: ex.summary(None), "result")
    _refused(ValueError, lambda: ex.summary({}), "result")


# ---------------------------------------------------------------------------
# property tests: each public entry point under hostile arguments





def _small(values, count=3):
    """hostile integers, with those in [1, 2^20] mapped onto 1..count (each distinct count is
    a new compilation or a longer loop); the others (< 1, huge, not integers) are kept."""
    return values.map(lambda v: 1 + v % count if type(v) is int and 1 <= v <= 2**20 else v)


def _one_of(**args):
    """A (name, value) pair: which argument is hostile, and its value."""
    return st.one_of(*[st.tuples(st.just(k), v) for k, v in args.items()])


hostile_paths = st.one_of(
    not_a_sequence, hostile_matrix, st.just([]), st.just(np.zeros((0, 3, 1))), st.just(np.ones((2, 3, 2))),
    st.just([[[1.0], [2.0]], [[1.0]]]), st.just(np.ones((2, 3, 1), dtype=complex)),
    st.lists(st.lists(st.lists(st.one_of(hostile_real, st.floats(-2, 2)), min_size=1, max_size=1),
                      min_size=3, max_size=3), min_size=2, max_size=2),
)
hostile_dt = st.one_of(hostile_real, st.sampled_from([0.1, 1e-3]))


def _params_case(kv):
    """params with one entry, or the whole, replaced by a hostile value."""
    key, value = kv
    if key == "params":
        return value, ("params",)
    p = _p()
    p[key] = value
    return p, (f"params['{key}']", "params")


hostile_params = _one_of(params=st.one_of(not_a_sequence, st.just({}), st.just({"c": 1.0})),
                         c=hostile_vector, W=hostile_matrix, U=hostile_matrix)


def _init_params(kv):
    key, v = kv
    return (lambda: init_params(**{"seed": 0, "m": 2, key: v}), (key,))


test_hostile_init_params, test_hostile_init_params_slow = profile_pair(
    _one_of(seed=hostile_int, m=_small(hostile_int, 4), d=_small(hostile_int), n_init=_small(hostile_int),
            w_diag=hostile_real, w_scale=hostile_real, c_scale=hostile_real, u_scale=hostile_real), _init_params)


def _kernel_euler(kv):
    key, v = kv
    if key in ("c", "W", "U", "params"):
        p, words = _params_case(kv)
        return lambda: kernel_euler(p, 3, 0.1), words
    args = {"n_steps": 3, "dt": 0.1, key: v}
    return lambda: kernel_euler(_p(), **args), (key,)


test_hostile_kernel_euler, test_hostile_kernel_euler_slow = profile_pair(
    st.one_of(hostile_params, _one_of(n_steps=_small(hostile_int), dt=hostile_dt)), _kernel_euler)


def _euler_outputs(kv):
    key, v = kv
    if key in ("c", "W", "U", "params"):
        p, words = _params_case(kv)
        return lambda: euler_outputs(p, np.ones((2, 3, 1)), 0.1), words
    args = {"x": np.ones((2, 3, 1)), "dt": 0.1, "activation": "tanh", key: v}
    return lambda: euler_outputs(_p(), **args), (key,)


hostile_name = st.one_of(st.sampled_from(["linear", "tanh", "relu", "", "TANH", None, 1, ["tanh"]]), not_a_real)
test_hostile_euler_outputs, test_hostile_euler_outputs_slow = profile_pair(
    st.one_of(hostile_params, _one_of(x=hostile_paths, dt=hostile_dt, activation=hostile_name)), _euler_outputs)


def _target_outputs(kv):
    key, v = kv
    args = {"rho_values": np.ones((3, 1)), "x": np.ones((2, 3, 1)), "dt": 0.1, key: v}
    return lambda: target_outputs(**args), (key, "x")


test_hostile_target_outputs, test_hostile_target_outputs_slow = profile_pair(
    _one_of(rho_values=hostile_matrix, x=hostile_paths, dt=hostile_dt), _target_outputs)


def _sampled_loss(kv):
    key, v = kv
    if key in ("c", "W", "U", "params"):
        p, words = _params_case(kv)
        return lambda: sampled_loss(p, np.ones((2, 3, 1)), np.ones(2), 0.1), words
    args = {"x": np.ones((2, 3, 1)), "h_target": np.ones(2), "dt": 0.1, "activation": "linear", key: v}
    return lambda: sampled_loss(_p(), **args), (key, "x")


test_hostile_sampled_loss, test_hostile_sampled_loss_slow = profile_pair(
    st.one_of(hostile_params, _one_of(x=hostile_paths, h_target=hostile_vector, dt=hostile_dt,
                                      activation=hostile_name)), _sampled_loss)


test_hostile_input_gram, test_hostile_input_gram_slow = profile_pair(
    hostile_paths, lambda x: (lambda: input_gram(x), ("x",)))


def _sampled_loss_linear(kv):
    key, v = kv
    if key in ("c", "W", "U", "params"):
        p, words = _params_case(kv)
        return lambda: sampled_loss_linear(p, np.eye(2), np.ones((2, 1)), 0.1), words
    args = {"gram": np.eye(2), "rho_values": np.ones((2, 1)), "dt": 0.1, key: v}
    return lambda: sampled_loss_linear(_p(), **args), (key,)


test_hostile_sampled_loss_linear, test_hostile_sampled_loss_linear_slow = profile_pair(
    st.one_of(hostile_params, _one_of(gram=hostile_matrix, rho_values=hostile_matrix, dt=hostile_dt)),
    _sampled_loss_linear)


def _white_noise_loss_euler(kv):
    key, v = kv
    if key in ("c", "W", "U", "params"):
        p, words = _params_case(kv)
        return lambda: white_noise_loss_euler(p, np.ones((2, 1)), 0.1), words
    args = {"rho_values": np.ones((2, 1)), "dt": 0.1, key: v}
    return lambda: white_noise_loss_euler(_p(), **args), (key,)


test_hostile_white_noise_loss_euler, test_hostile_white_noise_loss_euler_slow = profile_pair(
    st.one_of(hostile_params, _one_of(rho_values=hostile_matrix, dt=hostile_dt)), _white_noise_loss_euler)


def _white_noise_loss(kv):
    key, v = kv
    if key in ("c", "W", "U", "params"):
        p, words = _params_case(kv)
        return lambda: white_noise_loss(p, ExpSum([1.0], [1.0]), 1.0), words
    if key == "T":  # (width 3: the compilation the regression test made)
        return lambda: white_noise_loss(_p(3), ExpSum([1.0], [1.0]), v), ("T",)
    args = {"target": Airy(2.25, 3.0), "T": 1.0, "nodes": 64, key: v}
    return lambda: white_noise_loss(_p(), **args), (key,)


hostile_target = st.sampled_from(["airy", None, 1.0, object(), {"kind": "Airy"}, ExpSum, [ExpSum([1.0], [1.0])]])
test_hostile_white_noise_loss, test_hostile_white_noise_loss_slow = profile_pair(
    st.one_of(hostile_params, _one_of(T=st.one_of(hostile_real, st.floats(1e-3, 1e3)), target=hostile_target,
                                      nodes=hostile_int.map(lambda v: 64 if type(v) is int and 1 <= v <= 2**14
                                                            else v))),
    _white_noise_loss, limit=30.0)


def _sequence_loss(kv):
    key, v = kv
    if key in ("c", "W", "U", "params"):
        p, words = _params_case(kv)
        return lambda: sequence_loss(p, np.ones((2, 3, 1)), np.ones((2, 3)), 0.1), words
    args = {"x": np.ones((2, 3, 1)), "y_target": np.ones((2, 3)), "dt": 0.1, "activation": "tanh", key: v}
    return lambda: sequence_loss(_p(), **args), (key, "x")


test_hostile_sequence_loss, test_hostile_sequence_loss_slow = profile_pair(
    st.one_of(hostile_params, _one_of(x=hostile_paths, y_target=hostile_matrix, dt=hostile_dt,
                                      activation=hostile_name)), _sequence_loss)


def _sampler(f, base):
    def check(kv):
        key, v = kv
        return (lambda: f(**{**base, key: v}), (key, "n_steps", "dt"))
    return check


test_hostile_white_noise_inputs, test_hostile_white_noise_inputs_slow = profile_pair(
    _one_of(seed=hostile_int, batch=_small(hostile_int), n_steps=_small(hostile_int), dt=hostile_real,
            d=_small(hostile_int), sd=st.one_of(hostile_real, st.none())),
    _sampler(white_noise_inputs, dict(seed=0, batch=2, n_steps=3, dt=0.1)))

test_hostile_cosine_inputs, test_hostile_cosine_inputs_slow = profile_pair(
    _one_of(seed=hostile_int, batch=_small(hostile_int), n_steps=_small(hostile_int), dt=hostile_real,
            J=_small(hostile_int), lam_max=hostile_real, d=_small(hostile_int)),
    _sampler(cosine_inputs, dict(seed=0, batch=2, n_steps=3, dt=0.1)))

test_hostile_lorenz96, test_hostile_lorenz96_slow = profile_pair(
    _one_of(seed=hostile_int, batch=_small(hostile_int), n_steps=_small(hostile_int), dt=hostile_real,
            K=_small(hostile_int, 8), forcing_sd=hostile_real, forcing_tau=hostile_real,
            substeps=_small(hostile_int)),
    _sampler(lorenz96, dict(seed=0, batch=2, n_steps=3, dt=0.1, substeps=2)))

test_hostile_random_expsum_target, test_hostile_random_expsum_target_slow = profile_pair(
    _one_of(seed=hostile_int, m_star=_small(hostile_int, 4)),
    _sampler(random_expsum_target, dict(seed=0, m_star=2)))

test_hostile_rho_grid, test_hostile_rho_grid_slow = profile_pair(
    _one_of(t=hostile_vector, target=hostile_target),
    lambda kv: (lambda: rho_grid(**{"target": Airy(2.25, 3.0), "t": [0.0, 1.0], kv[0]: kv[1]}), (kv[0],)))

hostile_params_arg = st.one_of(st.sampled_from([None, {"rtol": 0.1}, 0.1, PlateauParams]),
                               st.builds(PlateauParams, rtol=st.floats(0.01, 0.5), min_length=st.integers(1, 5)))
test_hostile_plateau_measure, test_hostile_plateau_measure_slow = profile_pair(
    _one_of(loss=st.one_of(hostile_vector, st.lists(st.floats(0, 2), min_size=2, max_size=30)),
            params=hostile_params_arg),
    lambda kv: (lambda: plateau_measure(**{"loss": [1.0, 0.9, 0.5], "params": PlateauParams(), kv[0]: kv[1]}),
                (kv[0],)))

test_hostile_plateau_params, test_hostile_plateau_params_slow = profile_pair(
    _one_of(rtol=hostile_real, level=hostile_real, min_length=hostile_int),
    lambda kv: (lambda: PlateauParams(**{kv[0]: kv[1]}), (kv[0],)))

test_hostile_make_optimizer, test_hostile_make_optimizer_slow = profile_pair(
    _one_of(name=hostile_name, lr=st.one_of(bad_rate, hostile_real), momentum=hostile_real),
    lambda kv: (lambda: make_optimizer(**{"name": "heavy-ball", "lr": 0.1, "momentum": 0.5,
                                          kv[0]: kv[1]}), ("optimizer" if kv[0] == "name" else kv[0],)))


def _train(kv):
    key, v = kv
    args = {"loss_fn": _quadratic, "params": {"x": np.zeros((1, 2))}, "n_iter": 2, "chunks": 1}
    if key == "x":
        args["params"], key = {"x": v}, "params['x']"
    elif key != "lr":
        args[key] = v

    def call():  # a hostile lr: make_optimizer refuses it, or the run diverges (data, not NaN)
        opt = make_optimizer("gd", v if key == "lr" else 0.1) if "optimizer" not in args else args.pop("optimizer")
        return train(optimizer=opt, **args)
    return call, (key, "params", "loss_fn")


hostile_callable = st.sampled_from([None, 1.0, "loss", [1.0], lambda p: "loss", lambda p: p["x"],
                                    lambda p: jnp.sum(p["x"]) * jnp.inf, lambda p: jnp.sum(p["x"]).astype(int)])
test_hostile_train, test_hostile_train_slow = profile_pair(
    _one_of(n_iter=_small(hostile_int, 2), chunks=_small(hostile_int, 2), lr=hostile_real, x=hostile_matrix,
            loss_fn=hostile_callable, params=st.one_of(not_a_sequence, st.just({})),
            optimizer=st.sampled_from([None, "gd", object()]),
            progress=st.sampled_from([1, "p", [print]])),
    _train, limit=30.0)

setting_fields = dict(
    lr=hostile_real, T=hostile_real, dt=hostile_real, m=hostile_int, n_iter=hostile_int, batch=hostile_int,
    n_init=hostile_int, seed=hostile_int, data_seed=hostile_int, inv_omega=hostile_real, c0=hostile_real,
    sigma=hostile_real, w_scale=hostile_real, momentum=hostile_real, fresh_batch=hostile_int,
    optimizer=hostile_name, activation=hostile_name, target=hostile_name, loss=hostile_name, inputs=hostile_name,
    name=hostile_name, plateau=hostile_params_arg)
test_hostile_setting, test_hostile_setting_slow = profile_pair(
    _one_of(**setting_fields),
    lambda kv: (lambda: _tiny(**{kv[0]: kv[1]}), (kv[0], "T / dt", "beyond the limit")))


def _run_setting(kv):
    key, v = kv
    args = {"s": _tiny(), "progress": None, "cache": True, key: v}  # valid: the cached tiny run
    return lambda: ex.run_setting(**args), ("setting" if key == "s" else key,)


test_hostile_run_setting, test_hostile_run_setting_slow = profile_pair(
    _one_of(s=st.one_of(hostile_name, st.just({"target": "bump"})), progress=st.sampled_from([1, "p", [print]]),
            cache=st.one_of(st.sampled_from([True, np.bool_(True)]), not_a_real.filter(lambda v: v is not False),
                            hostile_int)), _run_setting, limit=60.0)

hostile_result = st.one_of(not_a_sequence, st.just({}), st.just({"setting": {}}),
                           st.fixed_dictionaries({k: hostile_real for k in (
                               "plateau_length", "n_with_plateau", "n_censored", "n_finite", "n_diverged",
                               "final_loss", "fresh_loss", "seconds", "seconds_per_iteration",
                               "seconds_per_iteration_per_run")}).map(
                               lambda d: {**d, "setting": {"name": "x"}, "runs": []}))
test_hostile_summary, test_hostile_summary_slow = profile_pair(
    hostile_result, lambda r: (lambda: ex.summary(r), ("result",)))

test_hostile_figure_settings, test_hostile_figure_settings_slow = profile_pair(
    _one_of(full=st.one_of(not_a_real, st.booleans()), inv_omega=hostile_real),
    lambda kv: (lambda: (ex.figure1_settings(kv[1]) if kv[0] == "full" else
                         ex.figure4_settings(True, kv[1])), (kv[0],)))

test_hostile_run_settings, test_hostile_run_settings_slow = profile_pair(
    _one_of(settings=st.one_of(not_a_sequence, st.just({}), st.just({"a": 1}), st.just([_tiny()]),
                               st.just({"a": _tiny()})),
            progress=st.sampled_from([1, "p", [print]])),
    lambda kv: (lambda: ex.run_settings(**{"settings": {"a": _tiny()}, "progress": None, kv[0]: kv[1]}),
                (kv[0],)), limit=60.0)

test_hostile_fit_log_linear, test_hostile_fit_log_linear_slow = profile_pair(
    _one_of(x=st.one_of(hostile_vector, st.lists(st.one_of(extreme_reals, st.floats(-1e3, 1e3)), min_size=3,
                                                 max_size=6)),
            y=st.one_of(hostile_vector, st.lists(st.one_of(extreme_reals, st.floats(1e-3, 1e3)), min_size=3,
                                                 max_size=6))),
    lambda kv: (lambda: ex.fit_log_linear(**{"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 3.0], kv[0]: kv[1]}),
                (kv[0], "x", "y")))


def _memory_sweep(kv):
    key, v = kv
    if key == "inv_omegas" and isinstance(v, list) and v and all(is_finite_real(w) and w > 0 for w in v):
        v = [1.0]  # a valid list: the cached tiny run (each new 1/omega would train anew)
    args = {"base": _tiny(name="tiny"), "inv_omegas": [1.0], key: v}
    return lambda: ex.memory_sweep(**args), (key, "inv_omega")


test_hostile_memory_sweep, test_hostile_memory_sweep_slow = profile_pair(
    _one_of(base=st.one_of(hostile_name, st.just(_tiny(target="airy", loss="white-noise-euler"))),
            inv_omegas=hostile_vector, progress=st.sampled_from([1, "p"])), _memory_sweep, limit=60.0)


def _setting_functions(kv):
    f, v = kv
    return lambda: f(v), ("setting",)


test_hostile_setting_functions, test_hostile_setting_functions_slow = profile_pair(
    st.tuples(st.sampled_from([ex.make_target, ex.loss_function, ex.fresh_loss_function]),
              st.one_of(hostile_name, st.just(_tiny()))), _setting_functions)


def _run_claims(kv):
    key, v = kv
    args = {"patterns": "thm-d.2", "tier": "fast", "progress": None, key: v}

    def call():  # the validation only: run_claim is a stub (no claim runs)
        with mock.patch.object(report, "run_claim", lambda claim, tier="fast": claim.id):
            return report.run_claims(**args)
    return call, (key, "unknown claim id")


hostile_patterns = st.one_of(not_a_sequence, st.sampled_from(["", ",", [], (), [""], ["thm-d.2", None], [1],
                                                              "x" * 10**5, ["*"] * 2000, "thm-9.9"]),
                             st.lists(st.text(max_size=5), max_size=3), st.text(max_size=8))
test_hostile_run_claims, test_hostile_run_claims_slow = profile_pair(
    _one_of(patterns=hostile_patterns, tier=hostile_name, progress=st.sampled_from([1, "p", [print]])),
    _run_claims)


def _tables(kv):
    f, v = kv
    return lambda: f(v), ("results",)


_TOY_RESULT = report.run_claim(_toy())
test_hostile_format_table_to_json, test_hostile_format_table_to_json_slow = profile_pair(
    st.tuples(st.sampled_from([report.format_table, report.to_json]),
              st.one_of(not_a_sequence, hostile_vector, st.just([_TOY_RESULT]), st.just([_TOY_RESULT, None]))),
    _tables)

test_hostile_run_claim, test_hostile_run_claim_slow = profile_pair(
    _one_of(claim=st.one_of(hostile_name, st.just(_toy())), tier=hostile_name),
    lambda kv: (lambda: report.run_claim(**{"claim": _toy(), "tier": "fast", kv[0]: kv[1]}), (kv[0],)))
