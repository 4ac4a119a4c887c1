"""The tables of the one-page report (scripts/report), as HTML fragments.

Reads with h5py what `chainsim run`, `chainsim plan`, `chainsim sensitivity`
and `chainsim backtest` write (docs/output.md, docs/plan.md,
docs/sensitivity.md) and formats it for people: thousands separated,
probabilities in per cent, intervals in parentheses.

Monte Carlo error: where the file holds the estimate's Monte Carlo error (the
variables ending in `_mcse`, `_mc_low`, `_mc_high` beside an estimate) it is
shown with it, "24.9 % ± 0.4" or "47,732 (47,389–48,080)"; a file without them
(written before chainsim reported them) gives the table without them, and the
page says so rather than implying an exactness the run does not have.
"""

import csv
import datetime as dt
import html
import math
from pathlib import Path

import numpy as np


class ReportInputError(Exception):
    """Input the report cannot use: exit status `status` (chainsim's codes) and a message naming the file."""

    def __init__(self, message, status=65):
        super().__init__(message)
        self.status = status


def esc(x):
    return html.escape(str(x), quote=True)


def finite(x):
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def count(x, signed=False):
    if not finite(x):
        return "–"
    v = float(x)
    text = f"{v:+,.0f}" if signed and round(v) != 0 else f"{v:,.0f}"
    return text.replace("-", "\u2212")


def percent(p, digits=1, signed=False):
    if not finite(p):
        return "–"
    text = f"{100 * float(p):+.{digits}f}" if signed else f"{100 * float(p):.{digits}f}"
    return text.replace("-", "\u2212") + " %"


def euro(x):
    if not finite(x):
        return "–"
    v = float(x)
    return f"EUR {v / 1e6:,.1f} m" if abs(v) >= 1e5 else f"EUR {v:,.0f}"


def interval(lo, hi, fmt=count):
    if not (finite(lo) and finite(hi)):
        return ""
    return f"{fmt(lo)}\u2013{fmt(hi)}"


def with_mc_interval(value, lo, hi, fmt=count):
    """'47,732 (47,389–48,080)': the estimate and its Monte Carlo interval when known."""
    text = fmt(value)
    if finite(lo) and finite(hi):
        text += f' <span class="mc" title="Monte Carlo interval of the estimate">({interval(lo, hi, fmt)})</span>'
    return text


def with_mcse(p, se):
    """'24.9 % ± 0.4' (standard error in percentage points) when known."""
    text = percent(p)
    if finite(p) and finite(se):
        text += f' <span class="mc" title="Monte Carlo standard error, percentage points">\u00b1 {100 * float(se):.1f}</span>'
    return text


def as_text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        if value.size == 1:
            return as_text(value.reshape(-1)[0])
        return ", ".join(as_text(v) for v in value.reshape(-1))
    if isinstance(value, (np.floating, float)):
        return f"{float(value):g}"
    return str(value)


def table(headers, rows, cls="", caption=None):
    """An HTML table; cells are already HTML (escape text before)."""
    # In a box that scrolls sideways, so that a table wider than a narrow window
    # (the planning table with its Monte Carlo errors) never widens the page.
    out = ['<div class="table-scroll">', f'<table class="{cls}">' if cls else "<table>"]
    if caption:
        out.append(f"<caption>{caption}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{h}</th>" for h in headers) + "</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


# ---------------------------------------------------------------------------
# The forecast: periods, planning table, comparison
# ---------------------------------------------------------------------------

class Forecast:
    """The period summaries of one `chainsim run` file (an open plot.Run)."""

    def __init__(self, run):
        self.run = run
        f = run.f
        for name in ("period", "period_kind", "shortfall_probability", "period_occupancy_quantile",
                     "summary_quantile"):
            if name not in f:
                raise ReportInputError(f"{run.path}: lacks the variable {name} (the period summaries the planning "
                                       "table needs; output.periods must not be empty)")
        self.periods = [as_text(v) for v in f["period"][()].reshape(-1)]
        self.kinds = [as_text(v) for v in f["period_kind"][()].reshape(-1)]
        self.partial = (np.asarray(f["period_partial"][()]).reshape(-1).astype(bool) if "period_partial" in f
                        else np.zeros(len(self.periods), bool))
        self.sq = np.asarray(f["summary_quantile"][()], dtype=float).reshape(-1)
        self.risk = np.asarray(f["risk_level"][()], dtype=float).reshape(-1) if "risk_level" in f else np.array([])
        # The finest kind present leads (quarters, else half-years, else years): the LRT plans by quarter.
        order = ["quarter", "half-year", "year"]
        present = [k for k in order if k in self.kinds] or sorted(set(self.kinds))
        self.kind = present[0]
        self.other_kinds = present[1:]
        self.mc_vars = sorted(v for v in f if v.endswith(("_mcse", "_mc_low", "_mc_high")))

    def idx(self, kind=None):
        kind = kind or self.kind
        return [i for i, k in enumerate(self.kinds) if k == kind]

    def get(self, name):
        return np.asarray(self.run.f[name][()], dtype=float) if name in self.run.f else None

    def q(self, p):
        """Index of summary quantile p (nearest)."""
        return int(np.argmin(np.abs(self.sq - p)))

    def label(self, i):
        return self.periods[i] + (" *" if self.partial[i] else "")

    # -- planning table ------------------------------------------------------

    def planning_rows(self, s, idx):
        f = self.get
        occ_q, occ_lo, occ_hi = (f("period_occupancy_quantile"), f("period_occupancy_quantile_mc_low"),
                                 f("period_occupancy_quantile_mc_high"))
        peak_q, peak_lo, peak_hi = (f("period_peak_occupancy_quantile"), f("period_peak_occupancy_quantile_mc_low"),
                                    f("period_peak_occupancy_quantile_mc_high"))
        ph_q, ph_lo, ph_hi = (f("period_permit_holders_quantile"), f("period_permit_holders_quantile_mc_low"),
                              f("period_permit_holders_quantile_mc_high"))
        cap = f("period_capacity_mean")
        sp, sp_se = f("shortfall_probability"), f("shortfall_probability_mcse")
        pw, pw_se = f("period_shortfall_person_weeks_mean"), f("period_shortfall_person_weeks_mean_mcse")
        need, need_lo, need_hi = f("capacity_needed"), f("capacity_needed_mc_low"), f("capacity_needed_mc_high")
        lo, mid, hi = self.q(0.05), self.q(0.5), self.q(0.95)

        def at(a, *k):
            return None if a is None else a[(s,) + k]

        def quant_cell(a, alo, ahi, p):
            if a is None:
                return "–"
            text = f"<b>{with_mc_interval(at(a, p, mid), at(alo, p, mid), at(ahi, p, mid))}</b>"
            band = interval(at(a, p, lo), at(a, p, hi))
            return text + (f'<span class="band">{band}</span>' if band else "")

        rows = []
        for p in idx:
            row = [esc(self.label(p)), quant_cell(occ_q, occ_lo, occ_hi, p), quant_cell(peak_q, peak_lo, peak_hi, p),
                   count(at(cap, p)), with_mcse(at(sp, p), at(sp_se, p))]
            for r in range(len(self.risk)):
                row.append(with_mc_interval(at(need, p, r), at(need_lo, p, r), at(need_hi, p, r))
                           if need is not None else "–")
            pwc = count(at(pw, p))
            if finite(at(pw_se, p)):
                pwc += f' <span class="mc">\u00b1 {count(at(pw_se, p))}</span>'
            row += [quant_cell(ph_q, ph_lo, ph_hi, p), pwc]
            rows.append(row)
        return rows

    def planning_headers(self):
        b = "median, 5\u201395 % below"
        return (["period", f"occupancy at end<br><small>{b}</small>", f"peak occupancy<br><small>{b}</small>",
                 "capacity<br><small>mean</small>", "P(shortfall)"] +
                [f"capacity needed<br><small>risk {percent(r, 0)}</small>" for r in self.risk] +
                [f"permit holders waiting<br><small>{b}</small>", "shortfall person-weeks<br><small>mean</small>"])

    def planning_html(self, s, idx):
        return table(self.planning_headers(), self.planning_rows(s, idx), cls="planning num")

    # -- comparison ------------------------------------------------------------

    COMPARED = [("occupancy", "occupancy at end"), ("peak_occupancy", "peak occupancy"),
                ("permit_holders", "permit holders waiting"), ("cost_eur", "cost")]

    def comparison_html(self, s, idx):
        f = self.get
        headers = ["period"] + [f"\u0394 {lab}<br><small>mean (5\u201395 % of paired differences)</small>"
                                for _m, lab in self.COMPARED] + ["\u0394 P(shortfall)<br><small>(90 % CI)</small>"]
        rows = []
        for p in idx:
            row = [esc(self.label(p))]
            for m, _lab in self.COMPARED:
                mean, low, high = (f(f"difference_{m}_{k}") for k in ("mean", "low", "high"))
                fmt = euro if m == "cost_eur" else (lambda x: count(x, signed=True))
                if mean is None:
                    row.append("–")
                else:
                    row.append(f"{fmt(mean[s, p])} <span class=\"band\">({interval(low[s, p], high[s, p], fmt)})</span>")
            d, dlo, dhi = (f(n) for n in ("difference_shortfall_probability", "difference_shortfall_probability_low",
                                          "difference_shortfall_probability_high"))
            if d is None:
                row.append("–")
            else:
                pp = lambda x: percent(x, 1, signed=True)  # noqa: E731
                row.append(f"{pp(d[s, p])} <span class=\"band\">({interval(dlo[s, p], dhi[s, p], pp)})</span>")
            rows.append(row)
        return table(headers, rows, cls="comparison num")

    def comparison_metrics(self, idx):
        """(label, mean, low, high) arrays (scenario, period) for the interval chart."""
        out = []
        for m, lab in (("peak_occupancy", "\u0394 peak occupancy (persons)"),
                       ("permit_holders", "\u0394 permit holders waiting at the period's end (persons)")):
            arrays = [self.get(f"difference_{m}_{k}") for k in ("mean", "low", "high")]
            if all(a is not None for a in arrays):
                out.append((lab,) + tuple(a[:, idx] for a in arrays))
        return out


# ---------------------------------------------------------------------------
# The plan's advice (`chainsim plan` output)
# ---------------------------------------------------------------------------

def has_plan(f):
    return "plan_risk" in f.attrs


def plan_html(f, path, start):
    """The plan in words and as a table; `start` the run's first Monday (a date)."""
    a = f.attrs

    def attr(name, default=None):
        return as_text(a[name]) if name in a else default

    def week_date(w):
        return (start + dt.timedelta(days=7 * int(w))).isoformat()

    risk = float(attr("plan_risk", "nan"))
    parts = [f"<p>From <code>{esc(path)}</code>: risk \u03b1 = {percent(risk)} per {esc(attr('plan_period_kind', 'period'))}, "
             f"lead time {esc(attr('plan_lead_weeks', '?'))} weeks, {count(attr('plan_paths'))} paths.</p>"]
    advice = []
    if attr("plan_quota_searched") == "1":
        status = attr("plan_quota_status", "?")
        halves = [as_text(v) for v in f["plan_half_year"][()].reshape(-1)] if "plan_half_year" in f else []
        quota = np.asarray(f["plan_quota"][()], dtype=float).reshape(-1) if "plan_quota" in f else np.array([])
        target, by = attr("plan_quota_target"), attr("plan_quota_by")
        if status == "met" and quota.size and finite(quota[0]):
            advice.append(f"<li><b>Housing quota: {count(quota[0])} a half-year</b> for {esc(', '.join(halves))}: "
                          f"at most {count(target)} permit holders waiting on {esc(by)} with probability "
                          f"{percent(attr('plan_quota_probability'))} (with the configured quotas "
                          f"{percent(attr('plan_quota_probability_reference'))}).</li>")
        else:
            advice.append(f"<li><b>Housing quota: {esc(status)}</b>: no quota meets at most {count(target)} permit "
                          f"holders waiting on {esc(by)} with probability {percent(1 - risk)}.</li>")
    rows = []
    if "plan_period" in f:
        labels = [as_text(v) for v in f["plan_period"][()].reshape(-1)]
        g = {n: np.asarray(f[n][()]).reshape(-1) for n in
             ("plan_places_added", "plan_places_added_total", "plan_order_week", "plan_effective_week",
              "plan_shortfall_probability_reference", "plan_shortfall_probability",
              "plan_shortfall_probability_se", "plan_cost_added_places", "plan_avoided_at_emergency_rate")
             if n in f}
        status = [as_text(v) for v in f["plan_status"][()].reshape(-1)] if "plan_status" in f else ["?"] * len(labels)
        orders = []
        for i, lab in enumerate(labels):
            added = int(g["plan_places_added"][i]) if "plan_places_added" in g else 0
            order = week_date(g["plan_order_week"][i]) if added and "plan_order_week" in g else "–"
            effective = week_date(g["plan_effective_week"][i]) if added and "plan_effective_week" in g else "–"
            if added:
                orders.append(f"{count(added)} from {effective} (order by {order})")
            rows.append([esc(lab), esc(status[i]), count(added), count(g.get("plan_places_added_total", [None] * (i + 1))[i]),
                         esc(order), esc(effective),
                         percent(g["plan_shortfall_probability_reference"][i]) if "plan_shortfall_probability_reference" in g else "–",
                         with_mcse(g["plan_shortfall_probability"][i], g["plan_shortfall_probability_se"][i])
                         if "plan_shortfall_probability" in g else "–",
                         euro(g["plan_cost_added_places"][i]) if "plan_cost_added_places" in g else "–",
                         euro(g["plan_avoided_at_emergency_rate"][i]) if "plan_avoided_at_emergency_rate" in g else "–"])
        total = int(g["plan_places_added"].sum()) if "plan_places_added" in g else 0
        missed = [lab for lab, st in zip(labels, status) if st != "met"]
        advice.append(f"<li><b>Regular places: add {count(total)}</b>"
                      + (f": {esc('; '.join(orders))}" if orders else "") + ".</li>")
        if missed:
            advice.append(f"<li>Not met at {percent(risk)}: {esc(', '.join(f'{lab} ({st})' for lab, st in zip(labels, status) if st != 'met'))}.</li>")
    parts.append('<ul class="advice">' + "".join(advice) + "</ul>")
    if rows:
        parts.append(table(["period", "status", "places added", "added in total", "order by", "in effect from",
                            "P(shortfall) without", "P(shortfall) with plan", "cost of added places",
                            "avoided, at emergency rate"], rows, cls="plan num"))
    return "".join(parts)


# ---------------------------------------------------------------------------
# Sensitivity (`chainsim sensitivity` output directory)
# ---------------------------------------------------------------------------

def read_csv(path):
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError:
        raise ReportInputError(f"{path}: no such file", 66) from None
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ReportInputError(f"{path}: cannot read it ({e})", 66) from None


def need_columns(path, rows, columns):
    if not rows:
        raise ReportInputError(f"{path}: has no rows")
    missing = [c for c in columns if c not in rows[0]]
    if missing:
        raise ReportInputError(f"{path}: lacks the column(s) {', '.join(missing)}; expected the file that "
                               f"`chainsim sensitivity` or `chainsim backtest` writes")


def sensitivity_data(directory):
    """(rows of the last horizon, split per output as display strings, the split table HTML, horizon label)."""
    d = Path(directory)
    if not d.is_dir():
        raise ReportInputError(f"{d}: no such directory (expected the --out-dir of `chainsim sensitivity`)", 66)
    rows = read_csv(d / "sensitivity.csv")
    need_columns(d / "sensitivity.csv", rows, ["output", "horizon", "group", "first_order", "total", "total_lo",
                                               "total_hi"])
    split = read_csv(d / "sensitivity_split.csv")
    need_columns(d / "sensitivity_split.csv", split, ["output", "horizon", "parameters", "interaction", "process"])
    horizons = list(dict.fromkeys(r["horizon"] for r in rows))
    last = horizons[-1]

    def share(v):
        return f"{float(v):.2f}" if finite(v) else "–"

    def ci(r, k):
        lo, hi = r.get(f"{k}_lo"), r.get(f"{k}_hi")
        return f" [{share(lo)}, {share(hi)}]" if finite(lo) and finite(hi) else ""

    at_last = {r["output"]: {"parameters": share(r["parameters"]), "interaction": share(r["interaction"]),
                             "process": share(r["process"])} for r in split if r["horizon"] == last}
    split_rows = [[esc(r["output"]), esc(r["horizon"]), share(r["parameters"]) + ci(r, "parameters"),
                   share(r["interaction"]), share(r["process"]) + ci(r, "process")] for r in split]
    split_html = table(["output", "horizon", "parameter uncertainty", "interaction", "process noise"], split_rows,
                       cls="num")
    return [r for r in rows if r["horizon"] == last], at_last, split_html, last


# ---------------------------------------------------------------------------
# Backtest (`chainsim backtest` output directory, validation/)
# ---------------------------------------------------------------------------

def backtest_html(directory):
    d = Path(directory)
    if not d.is_dir():
        raise ReportInputError(f"{d}: no such directory (expected the --out-dir of `chainsim backtest`, "
                               "e.g. validation/)", 66)
    inflow_p, stock_p = d / "backtest_scores.csv", d / "backtest_stock_scores.csv"
    if not inflow_p.is_file() and not stock_p.is_file():
        raise ReportInputError(f"{d}: holds neither backtest_scores.csv nor backtest_stock_scores.csv "
                               "(what `chainsim backtest --out-dir` writes)", 66)
    parts = []

    def f2(v):
        return f"{float(v):.2f}" if finite(v) else "–"

    if inflow_p.is_file():
        rows = read_csv(inflow_p)
        need_columns(inflow_p, rows, ["method", "horizon", "n", "cov50", "cov80", "cov95", "crps"])
        # The engine against the plain baselines; the engine's variants stay in backtest.md.
        methods = [m for m in dict.fromkeys(r["method"] for r in rows) if m == "engine" or not m.startswith("engine_")]
        horizons = [h for h in dict.fromkeys(r["horizon"] for r in rows) if h in ("1", "3", "6", "12", "18", "24")]
        by = {(r["method"], r["horizon"]): r for r in rows}
        out = []
        for h in horizons:
            e = by.get(("engine", h))
            if not e:
                continue
            base = [(m, by[(m, h)]) for m in methods if m != "engine" and (m, h) in by and finite(by[(m, h)]["crps"])]
            best = min(base, key=lambda mr: float(mr[1]["crps"])) if base else None
            out.append([esc(h), esc(e["n"]), f2(e["cov50"]), f2(e["cov80"]), f2(e["cov95"]),
                        f"{float(e['crps']):,.0f}" if finite(e["crps"]) else "–",
                        (f"{float(best[1]['crps']):,.0f} ({esc(best[0])})" if best else "–")])
        parts.append(table(["horizon (months)", "origins", "covered by 50 %", "by 80 %", "by 95 %",
                            "CRPS, engine", "CRPS, best baseline"], out, cls="num",
                           caption="Monthly first asylum applications (backtest_scores.csv): coverage of the "
                                   "engine's central intervals, and its CRPS against the best plain baseline"))
    if stock_p.is_file():
        rows = read_csv(stock_p)
        need_columns(stock_p, rows, ["target", "method", "horizon_bin", "n", "cov50", "cov80", "crps"])
        by = {(r["target"], r["method"], r["horizon_bin"]): r for r in rows}
        out = []
        for t, m, h in by:
            if m != "engine":
                continue
            e = by[(t, m, h)]
            base = [(bm, r) for (bt, bm, bh), r in by.items() if bt == t and bh == h and bm != "engine"
                    and finite(r["crps"])]
            best = min(base, key=lambda mr: float(mr[1]["crps"])) if base else None
            out.append([esc(t), esc(h), esc(e["n"]), f2(e["cov50"]), f2(e["cov80"]),
                        f"{float(e['crps']):,.0f}" if finite(e["crps"]) else "–",
                        (f"{float(best[1]['crps']):,.0f} ({esc(best[0])})" if best else "–")])
        parts.append(table(["stock", "horizon (months)", "origins", "covered by 50 %", "by 80 %", "CRPS, engine",
                            "CRPS, best baseline"], out, cls="num",
                           caption="Reception stocks (backtest_stock_scores.csv)"))
    return f"<p>From <code>{esc(d)}</code>.</p>" + "".join(parts)


# ---------------------------------------------------------------------------
# Provenance
# ---------------------------------------------------------------------------

PROVENANCE_ATTRS = ["run_name", "chainsim_version", "chainsim_git_commit", "compiler", "libraries", "seed", "paths",
                    "configuration_source", "format", "format_version", "quantile_method", "sd_method"]


def provenance_html(f, path, manifest, sha256, extra):
    rows = [["file", f"<code>{esc(path)}</code>"], ["SHA-256", f"<code>{esc(sha256)}</code>"]]
    for k in PROVENANCE_ATTRS:
        if k in f.attrs:
            rows.append([esc(k), esc(as_text(f.attrs[k]))])
    if manifest:
        for k, v in manifest.items():
            if isinstance(v, (str, int, float, bool)):
                rows.append([f"manifest: {esc(k)}", esc(v)])
    rows += [[esc(k), v] for k, v in extra]
    out = table(["", ""], rows, cls="provenance")
    if "configuration" in f.attrs:
        # Stays collapsed in the PDF too (scripts/report opens only plain <details>):
        # pages of TOML would bury the report; the HTML keeps it one click away.
        out += ("<details class=\"config\"><summary>The resolved configuration the run used</summary><pre>"
                f"{esc(as_text(f.attrs['configuration']))}</pre></details>")
    return out
