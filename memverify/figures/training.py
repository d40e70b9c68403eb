"""Figures 1 and 4: training loss against iteration (log-log), mean +- sd over the
initialisations, from the plain data of memverify.training.experiments.run_setting."""

from __future__ import annotations

import numpy as np


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _band(ax, result, label, color=None):
    it = np.asarray(result["loss_iterations"]) + 1
    curves = [c for c, run in zip(result["loss_curves"], result["runs"]) if run["status"] == "ok"]
    n_bad = len(result["runs"]) - len(curves)
    if not curves:
        ax.plot([], [], label=f"{label} (all {n_bad} runs diverged)")
        return
    L = np.asarray(curves, dtype=float)
    mean, sd = L.mean(axis=0), L.std(axis=0)
    extra = f", {n_bad} diverged (not shown)" if n_bad else ""
    st = result["plateau_length"]
    line, = ax.plot(it, mean, label=f"{label}: plateau {st['mean']:.0f} +- {st['sd']:.0f} it, "
                                    f"{result['n_with_plateau']}/{len(curves)} runs{extra}", color=color)
    ax.fill_between(it, np.maximum(mean - sd, mean * 1e-3), mean + sd, color=line.get_color(), alpha=0.25)


def _finish(ax, title):
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("iteration + 1")
    ax.set_ylabel("training loss")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=6, loc="lower left")
    ax.grid(True, which="both", alpha=0.3)


def draw_figure1(results, out):
    """results: name -> run data for the settings of figure1_settings; writes `out`."""
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    _band(axes[0], results["a"], "exp-sum (m* = 8)")
    _finish(axes[0], "(a) linear RNN, GD, random exp-sum target")
    for k in sorted(k for k in results if k.startswith("b-")):
        _band(axes[1], results[k], f"Airy {k[2:]}")
    _finish(axes[1], "(b) linear RNN, GD, Airy Ai(2.25 (t - t0))")
    _band(axes[2], results["c"], "Lorenz 96")
    _finish(axes[2], "(c) tanh RNN, Adam, Lorenz 96 (sequence loss)")
    fig.suptitle("Figure 1: mean +- sd over initialisations (width 16, Euler dt = 0.1, T = 6.4)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def draw_figure4(results, out):
    """results: name -> run data for the settings of figure4_settings; writes `out`."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.6))
    s0 = next(iter(results.values()))["setting"]
    for ax, inputs in zip(axes, ("white", "cosine")):
        for act in ("linear", "tanh"):
            for opt in ("gd", "adam"):
                r = results[f"{inputs}-{act}-{opt}"]
                _band(ax, r, f"{act}, {opt} (lr {r['setting']['lr']:g})")
        _finish(ax, f"({'a' if inputs == 'white' else 'b'}) {inputs} inputs")
    fig.suptitle(f"Figure 4: memory bump, 1/omega = {s0['inv_omega']:g}, T = {s0['T']:g}, "
                 f"{s0['batch']} paths, full W; mean +- sd over {s0['n_init']} initialisations", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def draw_sweep(sweeps, out):
    """sweeps: label -> memory_sweep data; log plateau length against 1/omega with the fit."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for label, sw in sweeps.items():
        x = [r["inv_omega"] for r in sw["rows"]]
        y = [r["plateau_length"]["mean"] for r in sw["rows"]]
        e = [r["plateau_length"]["sd"] for r in sw["rows"]]
        fit = sw["fit"]
        lab = label if fit is None else f"{label}: slope {fit['slope']:.3f} +- {fit['se']:.3f}"
        h = ax.errorbar(x, y, yerr=e, marker="o", ls="none", label=lab)
        if fit is not None:
            xx = np.linspace(min(x), max(x), 50)
            ax.plot(xx, np.exp(fit["intercept"] + fit["slope"] * xx), color=h[0].get_color(), lw=1)
    ax.set_yscale("log")
    ax.set_xlabel("1/omega")
    ax.set_ylabel("plateau length (iterations)")
    ax.legend(fontsize=7)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
