"""Sweeps on concurrent.futures executors and on a dask LocalCluster; the CLI's flow and figure commands."""

import concurrent.futures
import json

import pytest

from memverify.cli import main
from memverify.flow import flow_spec, run_spec, sweep

SPECS = [flow_spec(o, [1.0, 0.0], [1.0, 0.8], 0.05) for o in (0.2, 0.1)]


def test_sweep_thread_pool_matches_single_runs():
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        seen = []
        out = sweep(SPECS, executor=ex, progress=lambda d, n: seen.append((d, n)))
    assert [r["omega"] for r in out] == [0.2, 0.1]
    assert out[1]["tau_param"] == pytest.approx(run_spec(SPECS[1])["tau_param"], rel=1e-12)
    assert seen[-1] == (2, 2)


def test_sweep_on_dask_local_cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        out = sweep(SPECS, client=client)
    assert [r["status"] for r in out] == [1, 1]
    assert out[0]["tau_loss"] < out[1]["tau_loss"]  # the plateau lengthens as omega -> 0


def test_sweep_rejects_non_executor():
    with pytest.raises(TypeError, match="executor"):
        sweep(SPECS, executor=object())


def test_cli_flow_json(capsys):
    assert main(["flow", "--omega", "0.1", "--a0", "1,0", "--w0", "1,0.8", "--delta", "0.05", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"tau_loss", "tau_param", "method", "dps", "steps", "seconds", "status"} <= set(out)
    assert out["tau_loss"] > out["tau_param"] > 0


def test_cli_flow_bad_input(capsys):
    assert main(["flow", "--omega", "0.1", "--a0", "1,x", "--w0", "1,0.8", "--delta", "0.05"]) == 2
    assert "--a0" in capsys.readouterr().err


def test_cli_figure_2(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "fig2.png"
    assert main(["figure", "2", "--out", str(out)]) == 0
    assert out.stat().st_size > 1000
    assert "slopes" in capsys.readouterr().out


def test_flow_spec_rejects_bad_tolerance():
    with pytest.raises(ValueError, match="rtol"):
        flow_spec(0.1, [1.0, 0.0], [1.0, 0.8], 0.05, rtol=0.0)
    with pytest.raises(ValueError, match="max_steps"):
        flow_spec(0.1, [1.0, 0.0], [1.0, 0.8], 0.05, max_steps=0)


def test_run_spec_tolerance_and_trajectory():
    spec = flow_spec(0.1, [1.0, 0.0], [1.0, 0.8], 0.05, rtol=1e-6, trajectory=True)
    out = run_spec(spec)
    assert out["rtol"] == 1e-6 and out["status"] == 1
    assert len(out["t"]) == len(out["loss"]) == out["steps"] + 1
    tight = run_spec(flow_spec(0.1, [1.0, 0.0], [1.0, 0.8], 0.05))
    assert tight["steps"] > out["steps"]  # a tighter tolerance takes more steps
    assert out["tau_param"] == pytest.approx(tight["tau_param"], rel=1e-5)


def test_figure_data_on_an_executor_matches_serial():
    from memverify.flow.figures import figure_data

    seen = []
    serial = figure_data("2", inv_omegas=(5, 8))
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        pooled = figure_data("2", inv_omegas=(5, 8), executor=ex, progress=lambda d, n: seen.append(d))
    assert [r["inv_omega"] for r in pooled["runs"]] == [5, 8]
    assert [r["tau_loss"] for r in pooled["runs"]] == [r["tau_loss"] for r in serial["runs"]]
    assert pooled["rtol"] == 1e-9 and seen == [1, 2]  # gradient_flow's default rtol
    loss = pooled["runs"][0]["loss"]
    assert abs(loss[-1] - loss[0]) >= 0.05  # the trajectory runs to the loss hitting time
