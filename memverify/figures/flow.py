"""Figures 2 and 3: the loss along the flow (m = 2) and log tau against 1/omega
(m = 10), drawn from the plain data of memverify.flow.figures.figure_data."""

from __future__ import annotations

import math

import numpy as np

from ..flow.figures import figure_data


def draw_figure(which, out, **kwargs):
    """Draw Figure 2 or 3 as a PNG at `out`; returns the data (figure_data)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = figure_data(which, **kwargs)
    fig, ax = plt.subplots(figsize=(6, 4))
    if which == "2":
        for r in data["runs"]:
            t = np.array(r["t"][1:])
            ax.semilogx(t, r["loss"][1:], label=f"1/omega = {r['inv_omega']}")
        ax.set_xlabel("tau")
        ax.set_ylabel("J(theta(tau))")
        ax.set_title("Figure 2: gradient flow, m = 2")
    else:
        x = [r["inv_omega"] for r in data["runs"]]
        for k, mk in (("tau_loss", "o-"), ("tau_param", "s--")):
            f = data["fits"][k]
            ax.plot(x, [math.log(r[k]) for r in data["runs"]], mk, label=f"log {k} (slope {f['slope']:.3f})")
        ax.set_xlabel("1/omega")
        ax.set_ylabel("log time")
        ax.set_title(f"Figure 3: m = {data['m']}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return data
