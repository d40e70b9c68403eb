"""`memverify figure approx`: L1 error against width for exponential-type and
power-law memory, and the widths m(omega, eps) of the Appendix B route, the sinc
sum and the best sum found, against the paper's bound shape omega eps^(-1/omega)."""

from __future__ import annotations

from . import validation

WIDTHS_MAX = 16      # panel 1's widths (Lemma A.2 for Airy at m = 16 takes 5 to 20 s: moments by quadrature)
TABLE_MAX = 64       # panel 2's cells (omegas x epss)


def error_curves(widths=(2, 4, 8, 16)):
    """Plain data for panel 1: L1 errors of the Lemma A.2 (rates 1..m) and Thm 4.2
    (Chebyshev, beta = 1) constructions for Airy(1, 2) and PowerLaw(2).  widths: a
    non-empty sequence of at most 4 integers in [1, WIDTHS_MAX = 16] (each m = 16 costs
    5 to 20 s)."""
    from .approximation import lemma_a2_expsum, thm42_expsum
    from .targets import Airy, PowerLaw

    widths = _widths(widths)

    out = {}
    for name, target in (("Airy(1, 2)", Airy(1.0, 2.0)), ("PowerLaw(2)", PowerLaw(2))):
        out[f"{name}, Lemma A.2"] = [float(lemma_a2_expsum(target, m).error) for m in widths]
        if name.startswith("Airy"):
            out[f"{name}, Thm 4.2 (alpha=1, beta=1)"] = [float(thm42_expsum(target, m, 1, 1.0).error)
                                                        for m in widths]
    return {"widths": list(widths), "errors": out}


def width_table(omegas, epss, best_cells, m_max):
    """Plain data for panel 2: rows of `curse_of_memory_row`, every cell validated by its
    limits before any row is computed.  omegas, epss: non-empty sequences of numbers (at
    most TABLE_MAX = 64 cells); best_cells: a collection of (omega, eps) pairs that get
    the best route too."""
    from .approximation import curse_of_memory_row
    from .approximation.widths import check_row

    omegas = validation.vector(omegas, "omegas")
    epss = validation.vector(epss, "epss")
    if len(omegas) * len(epss) > TABLE_MAX:
        raise ValueError(f"omegas x epss must be at most {TABLE_MAX} cells, got {len(omegas) * len(epss)}")
    if isinstance(best_cells, (str, bytes)) or not hasattr(best_cells, "__contains__"):
        raise TypeError(f"best_cells must be a collection of (omega, eps) pairs, got {type(best_cells).__name__}")
    cells = []
    for eps in epss:
        for om in omegas:
            routes = ("appendix_b", "sinc") + (("best",) if (om, eps) in best_cells else ())
            try:
                cells.append(check_row(om, eps, routes, m_max))
            except (ValueError, TypeError) as exc:   # (which cell of omegas x epss)
                raise type(exc)(f"omegas x epss cell ({om!r}, {eps!r}): {exc}") from None
    return [curse_of_memory_row(*cell) for cell in cells]


def _widths(widths):
    """widths validated: a non-empty sequence of at most 4 integers in [1, WIDTHS_MAX]."""
    if isinstance(widths, (str, bytes)) or not isinstance(widths, (tuple, list)) or not 1 <= len(widths) <= 4:
        raise ValueError(f"widths must be a sequence of 1 to 4 integers in [1, {WIDTHS_MAX}], got "
                         f"{validation._short(widths)}")
    return [validation.integer(m, f"widths[{i}]", minimum=1, maximum=WIDTHS_MAX) for i, m in enumerate(widths)]


def draw(out, full=False):
    """Write the figure to `out` and return the path (out: a writable file path; full:
    True or False).  The best route runs where `curse_of_memory_row` allows it."""
    from .approximation.widths import best_route_allowed

    if not isinstance(full, bool):
        raise TypeError(f"full must be True or False, got {validation._short(full)}")
    out = validation.output_path(out)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    omegas = (1.0, 0.5, 0.25, 0.125, 0.0625)
    epss = (1e-2, 1e-3) if full else (1e-2,)
    best = {(o, e) for o in omegas for e in epss if best_route_allowed(o, e)} if full else \
        {(1.0, 1e-2), (0.5, 1e-2), (0.25, 1e-2)}
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
