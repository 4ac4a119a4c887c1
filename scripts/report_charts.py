"""The charts of the one-page report (scripts/report), as inline SVG.

Each function takes what scripts/plot's reader (plot.Run) gives and returns an
SVG string that the page embeds as it is: no file beside the page, so the HTML
stays self-contained. Colours, line styles and bands are scripts/plot's (one
colour and line style per scenario in every chart), imported from it, so the
report and the PNG charts show a scenario the same way.
"""

import io
import itertools
import math
import re

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, PercentFormatter  # noqa: E402

# Text stays text in the SVG (smaller pages, selectable numbers); DejaVu Sans is
# what matplotlib uses and what Debian's Chromium finds (fonts-dejavu-core).
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["font.family"] = "DejaVu Sans"

WIDTH = 9.6  # inches; the page scales the SVG to its column width
_ids = itertools.count()


def svg_of(fig):
    """The figure as an SVG element without XML prologue. matplotlib's element ids
    (clip paths, glyphs) come from a hash salted by svg.hashsalt; a salt per figure
    keeps them unique when several SVGs share one HTML document (a duplicate id
    would clip one chart with another's rectangle)."""
    salt = f"chainsim-report-{next(_ids)}"
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    start = text.find("<svg")
    svg = text[start:]
    # matplotlib also numbers its groups per figure (figure_1, axes_1, ...): every
    # id and every reference to one gets the figure's own prefix, so the page's
    # ids are unique (HTML requires it; a url(#clip) must find its own chart's).
    prefix = f"c{salt.rsplit('-', 1)[1]}-"
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    # The page sizes the chart (CSS width 100 %); the viewBox keeps the shape.
    svg = re.sub(r'^<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1', svg, count=1)
    return svg


def legend_below(fig, handles, ncol):
    """A figure legend under the panels. matplotlib 3.6 (Debian 12) has no
    loc="outside ...": the legend hangs below the figure and the tight bounding
    box of svg_of() takes it in."""
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=ncol, fontsize=8,
               frameon=False)


def forecast_xlim(run, axes):
    """The observed history takes at most as much of the axis as half the run
    (at least a quarter): scripts/plot shows 2.5 years of it, which would squeeze
    a short run's fans into a sliver of a report-sized chart."""
    weeks = run.dates.size
    back = np.timedelta64(7 * max(13, weeks // 2), "D")
    for ax in np.ravel(axes):
        if ax.get_visible():
            ax.set_xlim(run.dates[0] - back, run.dates[-1] + np.timedelta64(7, "D"))


def _thousands(ax, signed=False):
    if signed:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:+,.0f}" if x else "0"))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:,.0f}"))


def occupancy_fans(plot, run, data_dir):
    """Occupancy against capacity: one panel per scenario on a shared y axis, so
    every scenario's fan is visible whole (overlaid fans would hide each other)."""
    occ = run.quantile_series("occupancy")
    if "capacity_mean" in run.f:
        cap, cap_label = run.series("capacity_mean"), "capacity (mean over paths)"
    else:
        cap, cap_label = run.quantile_series("capacity")[:, :, run.qi["mid"]], "capacity (median)"
    n = len(run.scenarios)
    ncols = 1 if n == 1 else (2 if n <= 4 else 3)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH, 0.9 + 2.6 * nrows), dpi=100, sharex=True, sharey=True,
                             squeeze=False, layout="constrained")
    hist = plot.observed(data_dir, "occupancy", plot.origin_of(run)) if data_dir else None
    for s, name in enumerate(run.scenarios):
        ax = axes[s // ncols][s % ncols]
        plot.fan(ax, run.dates, occ[s], run, plot.scenario_style(s)["color"])
        ax.plot(run.dates, cap[s], color="black", linewidth=1.2, linestyle="--", zorder=4)
        if hist is not None:
            plot.draw_history(ax, hist)
        plot.style(ax, "persons / places" if s % ncols == 0 else None)
        ax.set_title(name, fontsize=10, loc="left", color=plot.scenario_style(s)["color"])
        ax.tick_params(labelbottom=True, labelsize=8)
    for k in range(n, nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    forecast_xlim(run, axes)
    plot.floor_at_zero(axes)
    handles = plot.band_handles(run) + [Line2D([], [], color="black", linewidth=1.2, linestyle="--",
                                               label=cap_label)]
    if hist is not None:
        handles.append(Line2D([], [], color="black", linestyle="none", marker="o", markersize=4, label=hist[2]))
    legend_below(fig, handles, ncol=3)
    return svg_of(fig)


def permit_holder_fans(plot, run, data_dir):
    """Permit holders waiting, every scenario overlaid: hatched 5-95 % bands (no fill
    hides another) and median lines widest first, as scripts/plot draws them."""
    q = run.quantile_series("permit_holders")
    fig, ax = plt.subplots(figsize=(WIDTH, 4.2), dpi=100, layout="constrained")
    i = run.qi
    for s in range(len(run.scenarios)):
        plot.hatched_band(ax, run.dates, q[s][:, i["lo"]], q[s][:, i["hi"]], s)
    for s in range(len(run.scenarios)):
        plot.scenario_line(ax, run.dates, q[s][:, i["mid"]], s)
    hist = plot.observed(data_dir, "permit_holders", plot.origin_of(run)) if data_dir else None
    if hist is not None:
        plot.draw_history(ax, hist)
    plot.style(ax, "persons")
    forecast_xlim(run, ax)
    plot.floor_at_zero(ax)
    handles = [plot.handle_of(plot.scenario_entry(run, s, f"{run.scenarios[s]}: median"))
               for s in range(len(run.scenarios))]
    outer, _inner, _median = plot.band_labels(run)
    handles.append(Patch(facecolor="none", edgecolor="0.45", hatch="////", label=f"hatched: {outer}"))
    if hist is not None:
        handles.append(Line2D([], [], color="black", linestyle="none", marker="o", markersize=4, label=hist[2]))
    legend_below(fig, handles, ncol=3)
    return svg_of(fig)


def shortfall_heatmap(scenarios, periods, prob, mcse=None):
    """P(shortfall in some week of the period): scenarios (rows) by periods
    (columns), every cell written out. The colour scale is fixed at 0-100 %, so
    the same colour means the same risk in every report."""
    prob = np.asarray(prob, dtype=float)
    n_s, n_p = prob.shape
    fig, ax = plt.subplots(figsize=(WIDTH, 1.3 + 0.48 * n_s), dpi=100, layout="constrained")
    im = ax.imshow(prob, cmap="YlOrRd", vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(n_p), periods, rotation=45 if n_p > 8 else 0, ha="right" if n_p > 8 else "center",
                  fontsize=8)
    ax.set_yticks(range(n_s), scenarios, fontsize=9)
    ax.set_xticks(np.arange(-0.5, n_p, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n_s, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    size = 8 if n_p <= 12 else (6.5 if n_p <= 24 else 5)
    for s in range(n_s):
        for p in range(n_p):
            v = prob[s, p]
            if not np.isfinite(v):
                text = "–"
            else:
                text = f"{100 * v:.0f}"
                if mcse is not None and np.isfinite(mcse[s, p]) and n_p <= 12:
                    text += f"\n±{100 * mcse[s, p]:.1f}"
            ax.text(p, s, text, ha="center", va="center", fontsize=size,
                    color="white" if np.isfinite(v) and v > 0.6 else "black")
    bar = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.01)
    bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    bar.ax.tick_params(labelsize=8)
    ax.set_xlabel("period (cells: P(shortfall) in %" + (", ± Monte Carlo standard error)" if mcse is not None
                                                          else ")"), fontsize=8.5)
    return svg_of(fig)


def comparison_intervals(plot, scenarios, periods, metrics):
    """Paired differences to the baseline per period: the mean (dot) and the 5-95 %
    of the per-path differences (bar), one colour per scenario as in the fans,
    one panel per metric. `metrics`: [(label, mean, low, high)] with arrays
    (scenario, period); the baseline row is skipped (its differences are 0)."""
    n_p = len(periods)
    fig, axes = plt.subplots(len(metrics), 1, figsize=(WIDTH, 0.6 + 2.3 * len(metrics)), dpi=100, sharex=True,
                             squeeze=False, layout="constrained")
    others = list(range(1, len(scenarios)))
    width = 0.7 / max(1, len(others))
    for ax, (label, mean, low, high) in zip(axes[:, 0], metrics):
        for k, s in enumerate(others):
            x = np.arange(n_p) - 0.35 + width * (k + 0.5)
            color = plot.scenario_style(s)["color"]
            m, lo, hi = (np.asarray(a[s], dtype=float) for a in (mean, low, high))
            ax.vlines(x, lo, hi, color=color, linewidth=2.2, alpha=0.55)
            ax.plot(x, m, linestyle="none", marker="o", markersize=4.5, color=color,
                    label=f"{scenarios[s]} \u2212 {scenarios[0]}")
        ax.axhline(0, color="0.3", linewidth=0.8, zorder=0)
        _thousands(ax, signed=True)
        ax.set_title(label, fontsize=9.5, loc="left")
        ax.grid(True, axis="y", alpha=0.35, linewidth=0.6)
        ax.tick_params(labelsize=8)
    axes[-1, 0].set_xticks(range(n_p), periods, rotation=45 if n_p > 8 else 0, ha="right" if n_p > 8 else "center")
    handles = [Line2D([], [], color=plot.scenario_style(s)["color"], marker="o", linewidth=2.2,
                      label=f"{scenarios[s]} \u2212 {scenarios[0]}: mean, bar 5\u201395 % of the paired differences")
               for s in others]
    legend_below(fig, handles, ncol=1)
    return svg_of(fig)


def sensitivity_bars(rows, split):
    """Sobol' indices at one horizon, one panel per output: the total index as a
    light bar with its interval, the first-order index as a dark bar inside it,
    groups by total index (largest on top), as the tornado chart of
    `chainsim sensitivity`. `rows`: dicts of sensitivity.csv for that horizon."""
    outputs = list(dict.fromkeys(r["output"] for r in rows))
    ncols = 2 if len(outputs) > 1 else 1
    nrows = math.ceil(len(outputs) / ncols)
    groups = max(len([r for r in rows if r["output"] == o]) for o in outputs)
    fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH, 0.7 + (0.9 + 0.22 * groups) * nrows), dpi=100,
                             squeeze=False, layout="constrained")

    def num(v):
        try:
            return float(v)
        except (TypeError, ValueError):
            return float("nan")

    for k, o in enumerate(outputs):
        ax = axes[k // ncols][k % ncols]
        mine = [r for r in rows if r["output"] == o]
        mine.sort(key=lambda r: (-num(r["total"]) if math.isfinite(num(r["total"])) else math.inf))
        y = np.arange(len(mine))[::-1]
        total = np.array([num(r["total"]) for r in mine])
        first = np.array([num(r["first_order"]) for r in mine])
        lo = np.array([num(r["total_lo"]) for r in mine])
        hi = np.array([num(r["total_hi"]) for r in mine])
        ax.barh(y, np.nan_to_num(total), height=0.75, color="#9ecae1", label="total index")
        ax.barh(y, np.nan_to_num(np.clip(first, 0, None)), height=0.4, color="#08519c", label="first-order index")
        ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(total)
        ax.errorbar(total[ok], y[ok], xerr=[np.clip(total[ok] - lo[ok], 0, None), np.clip(hi[ok] - total[ok], 0, None)],
                    fmt="none", ecolor="0.25", elinewidth=0.8, capsize=2)
        ax.set_yticks(y, [r["group"] for r in mine], fontsize=7.5)
        ax.set_xlim(0, max(1.0, float(np.nanmax(hi)) if ok.any() else 1.0))
        ax.tick_params(axis="x", labelsize=7.5)
        ax.grid(True, axis="x", alpha=0.35, linewidth=0.6)
        sub = split.get(o)
        title = o
        if sub:
            title += f"\nparameters {sub['parameters']}, interaction {sub['interaction']}, process {sub['process']}"
        ax.set_title(title, fontsize=8.5, loc="left")
    for k in range(len(outputs), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    handles = [Patch(color="#9ecae1", label="total index (bar: 95 % bootstrap interval)"),
               Patch(color="#08519c", label="first-order index")]
    legend_below(fig, handles, ncol=2)
    return svg_of(fig)
