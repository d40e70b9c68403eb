"""`memverify figure approx`: L1 error against width for exponential-type and
power-law memory, and the widths m(omega, eps) of the Appendix B route, the sinc
sum and the best sum found, against the paper's bound shape omega eps^(-1/omega)."""

from __future__ import annotations



def error_curves(widths=(2, 4, 8, 16)):
    """Plain data for panel 1: L1 errors of the Lemma A.2 (rates 1..m) and Thm 4.2
    (Chebyshev, beta = 1) constructions for Airy(1, 2) and PowerLaw(2)."""
    from .approximation import lemma_a2_expsum, thm42_expsum
    from .targets import Airy, PowerLaw

    out = {}
    for name, target in (("Airy(1, 2)", Airy(1.0, 2.0)), ("PowerLaw(2)", PowerLaw(2))):
        out[f"{name}, Lemma A.2"] = [float(lemma_a2_expsum(target, m).error) for m in widths]
        if name.startswith("Airy"):
            out[f"{name}, Thm 4.2 (alpha=1, beta=1)"] = [float(thm42_expsum(target, m, 1, 1.0).error)
                                                        for m in widths]
    return {"widths": list(widths), "errors": out}


def width_table(omegas, epss, best_cells, m_max):
    """Plain data for panel 2: rows of `curse_of_memory_row`."""
    from .approximation import curse_of_memory_row

    rows = []
    for eps in epss:
        for om in omegas:
            routes = ("appendix_b", "sinc") + (("best",) if (om, eps) in best_cells else ())
            rows.append(curse_of_memory_row(om, eps, routes=routes, m_max=m_max))
    return rows


def draw(out, full=False):
    """Write the figure to `out` and return the path."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    omegas = (1.0, 0.5, 0.25, 0.125, 0.0625)
    epss = (1e-2, 1e-3) if full else (1e-2,)
    best = {(o, e) for o in omegas for e in epss} if full else {(1.0, 1e-2), (0.5, 1e-2), (0.25, 1e-2)}
    curves = error_curves((2, 4, 8, 16) if full else (2, 4, 8))
    rows = width_table(omegas, epss, best, 4096 if full else 1024)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for label, errs in curves["errors"].items():
        ax1.loglog(curves["widths"], errs, "o-", label=label)
    ax1.set_xlabel("width m")
    ax1.set_ylabel("L1 error ||rho - rho_hat||")
    ax1.set_title("error against width")
    ax1.legend(fontsize=7)
    styles = {1e-2: "-", 1e-3: "--"}
    for eps in epss:
        sub = [r for r in rows if r["eps"] == eps]
        x = [1 / r["omega"] for r in sub]
        ax2.semilogy(x, [r["bound_shape"] for r in sub], "k" + styles[eps], label=f"omega eps^(-1/omega), eps={eps:g}")
        ab = [(1 / r["omega"], r["appendix_b"]["m"]) for r in sub if r["appendix_b"]["m"] is not None]
        if ab:
            ax2.semilogy(*zip(*ab), "s" + styles[eps], label=f"Appendix B route, eps={eps:g}")
        ax2.semilogy(x, [r["sinc"]["m"] for r in sub], "o" + styles[eps], label=f"sinc sum, eps={eps:g}")
        bb = [(1 / r["omega"], r["best"]["m"]) for r in sub if "best" in r and r["best"]["m"] is not None]
        if bb:
            ax2.semilogy(*zip(*bb), "^" + styles[eps], label=f"best found, eps={eps:g}")
    ax2.set_xlabel("1/omega (memory exponent of rho ~ t^-(1+omega))")
    ax2.set_ylabel("width m reaching relative L1 error eps")
    ax2.set_title("m(omega, eps)")
    ax2.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
