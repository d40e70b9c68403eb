"""memverify.training: independent routes that check each other."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.linalg

from memverify import Airy, ExpSum, Loss, MemoryBump
from memverify.training import (cosine_inputs, euler_outputs, init_params, input_gram, lorenz96, make_optimizer,
                                random_expsum_target, rho_grid, sampled_loss, sampled_loss_linear, target_outputs,
                                train, white_noise_inputs, white_noise_loss, white_noise_loss_euler)
from memverify.training.experiments import Setting, fit_log_linear, run_setting


def _one(seed=3, m=4, d=1, w_scale=0.4):
    p = init_params(seed, m, d, 1, w_scale=w_scale)
    return {k: jnp.asarray(v[0]) for k, v in p.items()}


@pytest.mark.parametrize("target, T", [
    (ExpSum([1.0, -0.5], [1.0, 3.0]), 60.0),
    (MemoryBump(ExpSum([1.0], [1.0]), omega=0.2, c0=1.0, sigma=1.0), 40.0),
])
def test_jax_gradient_of_diagonal_loss_matches_sympy_loss(target, T):
    """Route 1: JAX autodiff of J_T(c, W, U) (Van Loan / quadrature) at W = -diag(w), U = 1.
    Route 2: the sympy-derived Loss.gradient (Laplace moments, T = infinity; tail < 1e-20)."""
    a, w = np.array([0.7, -0.3]), np.array([0.9, 1.7])
    p = {"c": jnp.asarray(a), "W": -jnp.diag(jnp.asarray(w)), "U": jnp.ones((2, 1))}
    val, g = jax.value_and_grad(lambda q: white_noise_loss(q, target, T, nodes=512))(p)
    loss = Loss(target, 2)
    ref = loss.gradient(list(a), list(w))
    mine = np.concatenate([np.asarray(g["c"]), -np.diag(np.asarray(g["W"]))])
    np.testing.assert_allclose(float(val), loss.value(list(a), list(w)), rtol=1e-10)
    np.testing.assert_allclose(mine, ref, rtol=1e-8, atol=1e-11)


@pytest.mark.parametrize("target", [ExpSum([1.0, -0.5], [1.0, 3.0]), Airy(2.25, 3.0)])
def test_euler_loss_converges_to_closed_form(target):
    """Full W: the Euler-discretised white-noise loss -> J_T at first order in dt."""
    p, T = _one(), 6.4
    exact = float(white_noise_loss(p, target, T, nodes=512))
    errs = []
    for dt in (0.1, 0.05, 0.025, 0.0125):
        n = int(round(T / dt))
        r = jnp.asarray(rho_grid(target, dt * np.arange(n))[:, None])
        errs.append(abs(float(white_noise_loss_euler(p, r, dt)) - exact))
    ratios = np.array(errs[:-1]) / np.array(errs[1:])
    assert np.all((ratios > 1.7) & (ratios < 2.3)), (errs, ratios)
    assert errs[-1] < 0.02 * exact


def test_closed_form_against_scipy_quadrature():
    """Van Loan (JAX expm) against scipy.integrate.quad with scipy.linalg.expm, full W."""
    from scipy.integrate import quad
    p, tgt = _one(seed=5), ExpSum([1.0, -0.5], [1.0, 3.0])
    c, W, b = (np.asarray(p[k]) for k in ("c", "W", "U"))
    f = lambda t: (c @ scipy.linalg.expm(W * t) @ b[:, 0] - tgt.rho(t)) ** 2  # noqa: E731
    ref = quad(f, 0, 5.0, limit=200, epsabs=1e-13)[0]
    np.testing.assert_allclose(float(white_noise_loss(p, tgt, 5.0)), ref, rtol=1e-9)
    np.testing.assert_allclose(float(white_noise_loss(p, Airy(2.25, 3.0), 5.0, nodes=512)),
                               quad(lambda t: (c @ scipy.linalg.expm(W * t) @ b[:, 0] - Airy(2.25, 3.0).rho(t)) ** 2,
                                    0, 5.0, limit=200, epsabs=1e-13)[0], rtol=1e-8)


def test_sampled_loss_mean_matches_white_noise_loss():
    """Ito scaling x_k = xi_k / sqrt(dt): the mean of (y_N - H_N)^2 over paths is the Euler
    white-noise loss; checked within 4 standard errors at B = 4000 paths."""
    p, dt, n = _one(seed=7), 0.1, 64
    tgt = Airy(2.25, 3.0)
    r = jnp.asarray(rho_grid(tgt, dt * np.arange(n))[:, None])
    x = jnp.asarray(white_noise_inputs(11, 4000, n, dt))
    err2 = (euler_outputs(p, x, dt)[:, -1] - target_outputs(r, x, dt)) ** 2
    mean, se = float(jnp.mean(err2)), float(jnp.std(err2)) / np.sqrt(err2.size)
    exact = float(white_noise_loss_euler(p, r, dt))
    assert abs(mean - exact) < 4 * se, (mean, exact, se)
    assert se < 0.05 * exact  # the check has teeth: a 20% error would be seen


def test_gram_form_equals_sampled_loss():
    p, dt, n = _one(seed=2, m=5, d=2), 0.1, 40
    x = cosine_inputs(4, 32, n, dt, J=3, d=2)
    r = jnp.asarray(np.random.default_rng(0).standard_normal((n, 2)))
    h = target_outputs(r, jnp.asarray(x), dt)
    np.testing.assert_allclose(float(sampled_loss_linear(p, jnp.asarray(input_gram(x)), r, dt)),
                               float(sampled_loss(p, jnp.asarray(x), h, dt, "linear")), rtol=1e-11)


@pytest.mark.parametrize("activation", ["linear", "tanh"])
def test_autodiff_against_finite_differences(activation):
    p, dt, n = _one(seed=9, m=4, d=2), 0.1, 30
    x = jnp.asarray(white_noise_inputs(1, 16, n, dt, d=2, sd=1.0))
    h = jnp.asarray(np.random.default_rng(1).standard_normal(16))
    f = lambda q: sampled_loss(q, x, h, dt, activation)  # noqa: E731
    g = jax.grad(f)(p)
    rng = np.random.default_rng(3)
    v = {k: jnp.asarray(rng.standard_normal(val.shape)) for k, val in p.items()}
    eps = 1e-5
    shift = lambda s: {k: p[k] + s * v[k] for k in p}  # noqa: E731
    fd = (float(f(shift(eps))) - float(f(shift(-eps)))) / (2 * eps)
    ad = sum(float(jnp.sum(g[k] * v[k])) for k in p)
    np.testing.assert_allclose(ad, fd, rtol=1e-7)


def test_random_expsum_target_is_the_matrix_kernel():
    tgt, mats = random_expsum_target(0, 8)
    c, W, b = (np.asarray(mats[k]) for k in ("c", "W", "b"))
    assert np.allclose(W, W.T) and np.max(np.linalg.eigvalsh(W)) <= -1 + 1e-12
    for t in (0.0, 0.3, 2.0):
        np.testing.assert_allclose(tgt.rho(t), c @ scipy.linalg.expm(W * t) @ b, rtol=1e-10, atol=1e-12)
    assert random_expsum_target(0, 8)[0].as_dict() == tgt.as_dict()
    assert random_expsum_target(1, 8)[0].as_dict() != tgt.as_dict()


def test_lorenz96_reproducible_and_converged():
    x1, y1 = lorenz96(5, 4, 32, 0.1)
    x2, y2 = lorenz96(5, 4, 32, 0.1)
    assert x1.shape == (4, 32, 1) and y1.shape == (4, 32)
    assert np.array_equal(y1, y2) and np.array_equal(x1, x2)
    assert not np.array_equal(lorenz96(6, 4, 32, 0.1)[1], y1)
    _, yf = lorenz96(5, 4, 32, 0.1, substeps=40)  # RK4: the step does not matter at this level
    np.testing.assert_allclose(y1, yf, atol=1e-5)


def test_divergence_is_reported_not_plotted():
    s = Setting("diverge", "bump", "sampled", lr=1e3, n_iter=30, T=4.0, inv_omega=2.0, batch=16, n_init=2)
    r = run_setting(s, cache=False)
    assert r["n_diverged"] == 2 and all(run["status"].startswith("diverged") for run in r["runs"])
    assert r["plateau_length"]["mean"] is None
    assert all(v is None or np.isfinite(v) for c in r["loss_curves"] for v in c)


def test_training_reproducible():
    s = Setting("repro", "airy", "white-noise-euler", lr=0.05, n_iter=50, n_init=2)
    r1, r2 = run_setting(s, cache=False), run_setting(s, cache=False)
    assert r1["loss_curves"] == r2["loss_curves"]
    assert r1["runs"][0]["parameters"] == r2["runs"][0]["parameters"]


def test_train_decreases_a_convex_loss():
    f = lambda p: jnp.sum((p["x"] - 3.0) ** 2)  # noqa: E731
    for name in ("gd", "heavy-ball", "adam"):
        r = train(f, {"x": jnp.zeros((2, 3))}, make_optimizer(name, 0.1 if name != "adam" else 0.3), 200)
        assert r["loss"][:, -1].max() < 1e-3 * r["loss"][:, 0].min(), name


def test_fit_log_linear_recovers_a_slope():
    x = np.array([4.0, 8, 12, 16, 20])
    fit = fit_log_linear(x, np.exp(0.3 * x + 1.0))
    assert abs(fit["slope"] - 0.3) < 1e-12 and fit["se"] < 1e-10


def test_bad_input():
    with pytest.raises(ValueError, match="m"):
        init_params(0, 0)
    with pytest.raises(TypeError, match="seed"):
        init_params(1.5, 4)
    with pytest.raises(ValueError, match="optimizer"):
        make_optimizer("sgdx", 0.1)
    with pytest.raises(ValueError, match="lr"):
        make_optimizer("gd", -1.0)
    with pytest.raises(ValueError, match="target"):
        Setting("x", "nope", "sampled")
    with pytest.raises(ValueError, match="activation"):
        Setting("x", "airy", "white-noise-euler", activation="tanh")
    with pytest.raises(ValueError, match="dt"):
        white_noise_inputs(0, 4, 10, 0.0)
    with pytest.raises(ValueError, match="d = 1"):
        white_noise_loss(_one(d=2), Airy(1.0, 1.0), 1.0)
    with pytest.raises(TypeError, match="target"):
        rho_grid("airy", [0.0])


def _tiny_figure_settings():
    tiny1 = {"a": Setting("a", "expsum-random", "white-noise-euler", n_iter=30, n_init=2),
             "b-t0=3": Setting("b", "airy", "white-noise-euler", n_iter=30, n_init=2),
             "c": Setting("c", "lorenz96", "sequence", activation="tanh", optimizer="adam", lr=1e-3, n_iter=20,
                          n_init=2, batch=8, T=1.0)}
    tiny4 = {f"{i}-{a}-{o}": Setting(f"{i}-{a}-{o}", "bump", "sampled", activation=a, optimizer=o, inputs=i,
                                     n_iter=20, n_init=2, batch=8, T=2.0, inv_omega=1.0, lr=1e-3)
             for i in ("white", "cosine") for a in ("linear", "tanh") for o in ("gd", "adam")}
    return {"1": tiny1, "4": tiny4}


def _check_cli_figure(name, tmp_path, monkeypatch, capsys):
    import json

    from memverify import cli
    from memverify.training import experiments as ex
    tiny = _tiny_figure_settings()[name]
    monkeypatch.setattr(ex, f"figure{name}_settings", lambda full: tiny)
    out = tmp_path / f"fig{name}.png"
    assert cli.main(["figure", name, "--out", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert out.stat().st_size > 1000
    assert set(data["experiments"]) == set(tiny) and set(data["plateaus"]) == set(tiny)
    run = next(iter(data["experiments"].values()))
    assert len(run["loss_curves"]) == 2 and len(run["loss_curves"][0]) == len(run["loss_iterations"])
    assert {"c", "W", "U"} <= set(run["runs"][0]["parameters"])
    assert run["setting"]["plateau"]["rtol"] > 0


def test_cli_figure1_writes_png_and_json(tmp_path, monkeypatch, capsys):
    """memverify figure 1 --json: a PNG, and JSON with settings, curves, plateaus, final (c, W, U)."""
    _check_cli_figure("1", tmp_path, monkeypatch, capsys)


@pytest.mark.slow
def test_cli_figure4_writes_png_and_json(tmp_path, monkeypatch, capsys):
    _check_cli_figure("4", tmp_path, monkeypatch, capsys)
