#!/usr/bin/python3
"""Opens a chainsim run as tidy xarray and pandas objects.

    import sys; sys.path.insert(0, "scripts")
    import chainsim_reader as cr
    run = cr.open_run("out/seed-2022-06.h5")
    run.statistics("occupancy")            # DataArray (scenario, statistic, week)
    run.statistics("permit_holders_regional").sel(statistic="p50", region="VR13")
    run.statistics("period_occupancy")     # (scenario, statistic, period): mean, p05, p50, p95
    run.difference("occupancy")            # (scenario, statistic, period): mean, p05, p95
    run.paths("occupancy")                 # DataArray (scenario, path, week), if stored
    run.paired_difference("occupancy")     # per path: scenario - baseline (common random numbers)
    run.tidy("occupancy")                  # long pandas DataFrame: one row per value
    run.planning(), run.regional_planning(), run.comparison()  # the CSV tables as DataFrames

The HDF5 file keeps one variable per statistic (`occupancy_mean`, `occupancy_sd`,
`occupancy_quantile`); docs/output.md says why. This module gives the view with
the statistic as a dimension: labels "mean", "sd" and "p<percent>" for each
quantile ("p05", "p50", "p2.5"), in that order.

Run as a script, it prints what a file holds: `scripts/chainsim_reader.py run.h5`.
Needs Debian's python3 with xarray, h5netcdf and pandas (run it with /usr/bin/python3).
"""

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

FORMAT = "chainsim-ensemble"


def quantile_label(p):
    """0.05 -> 'p05', 0.5 -> 'p50', 0.025 -> 'p2.5': the planning tables' column suffixes."""
    pct = round(float(p) * 100, 6)
    text = f"{pct:g}"
    return "p" + (text.zfill(2) if pct == int(pct) else text)


def table_stem(path):
    """'out/run.h5' -> 'out/run': the tables beside the file are out/run.planning.csv etc."""
    p = Path(path)
    return p.with_suffix("") if p.suffix in (".h5", ".nc") else p


class Run:
    """One chainsim output file and the tables written beside it."""

    def __init__(self, path):
        self.path = Path(path)
        self.ds = xr.open_dataset(self.path, engine="h5netcdf")
        if self.ds.attrs.get("format") != FORMAT:
            found = self.ds.attrs.get("format")
            self.ds.close()
            raise ValueError(f"{path}: not a chainsim output file (format {found!r}, expected {FORMAT!r})")
        self.scenarios = [str(s) for s in self.ds["scenario"].values]
        self.baseline = self.scenarios[0]

    def close(self):
        self.ds.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- statistics as a dimension -------------------------------------------

    def statistic_names(self):
        """Names with statistics: 'occupancy', 'permit_holders_regional', 'period_occupancy', ..."""
        names = set()
        for v in self.ds.data_vars:
            for suffix in ("_mean", "_quantile"):
                if v.endswith(suffix) and not v.startswith("difference_"):
                    names.add(v[: -len(suffix)])
        return sorted(names)

    def statistics(self, name):
        """`name`_mean, `name`_sd and `name`_quantile as one DataArray with a `statistic` dimension
        right after `scenario`."""
        parts = []
        for stat in ("mean", "sd"):
            if f"{name}_{stat}" in self.ds:
                parts.append(self.ds[f"{name}_{stat}"].expand_dims(statistic=[stat]))
        if f"{name}_quantile" in self.ds:
            q = self.ds[f"{name}_quantile"]
            qdim = "quantile" if "quantile" in q.dims else "summary_quantile"
            labels = [quantile_label(p) for p in q[qdim].values]
            parts.append(q.rename({qdim: "statistic"}).assign_coords(statistic=labels))
        if not parts:
            raise KeyError(f"{self.path}: no statistics of {name!r} (looked for {name}_mean, {name}_sd, "
                           f"{name}_quantile); known: {', '.join(self.statistic_names())}")
        # Drop the probability coordinate left by the rename; the label says it.
        da = xr.concat([p.drop_vars([c for c in p.coords if c in ("quantile", "summary_quantile")])
                        for p in parts], dim="statistic")
        order = ["scenario", "statistic"] + [d for d in da.dims if d not in ("scenario", "statistic")]
        da = da.transpose(*order)
        da.name = name
        da.attrs = {k: v for k, v in parts[0].attrs.items() if k in ("units", "currency")}
        # The mean's long_name without the statistic: "persons in reception at end of week (persons)".
        long_name = str(parts[0].attrs.get("long_name", name))
        long_name = re.sub(r"(; | \()(regional )?mean over paths\)", lambda m: ")" if m.group(1) == "; " else "",
                           long_name)
        da.attrs["long_name"] = re.sub(r"^mean over paths of the ", "", long_name)
        return da

    def difference(self, metric):
        """Paired differences to the baseline of a period metric: (scenario, statistic, period),
        statistic = mean, p05, p95 of the per-path differences."""
        parts = [(s, f"difference_{metric}_{k}") for s, k in (("mean", "mean"), ("p05", "low"), ("p95", "high"))]
        missing = [v for _, v in parts if v not in self.ds]
        if missing:
            raise KeyError(f"{self.path}: lacks {', '.join(missing)}")
        da = xr.concat([self.ds[v].expand_dims(statistic=[s]) for s, v in parts], dim="statistic")
        da = da.transpose("scenario", "statistic", "period")
        da.name = f"difference_{metric}"
        return da

    # --- per-path series ---------------------------------------------------------

    def paths(self, name):
        """The per-path series (scenario, path, week), kept for the variables in output.ensemble."""
        if name not in self.ds or "path" not in self.ds[name].dims:
            kept = [v for v in self.ds.data_vars if "path" in self.ds[v].dims]
            raise KeyError(f"{self.path}: no per-path series {name!r}; kept: {', '.join(kept) or 'none'} "
                           "(output.ensemble)")
        return self.ds[name]

    def paired_difference(self, name):
        """scenario - baseline path by path (the scenarios share random numbers, so path p of each
        scenario met the same draws): (scenario, path, week), float."""
        x = self.paths(name).astype("float64")
        return x - x.sel(scenario=self.baseline)

    # --- long (tidy) form --------------------------------------------------------

    def tidy(self, name):
        """statistics(name) as a long DataFrame: one row per scenario, statistic, time (and region)
        with the value in column `value`."""
        return self.statistics(name).to_dataframe(name="value").reset_index()

    # --- the tables beside the file ----------------------------------------------

    def _table(self, suffix):
        p = Path(f"{table_stem(self.path)}.{suffix}")
        if not p.is_file():
            raise FileNotFoundError(f"{p}: not found (chainsim run writes it beside {self.path.name})")
        return pd.read_csv(p, dtype={"period": str, "scenario": str, "baseline": str, "region": str,
                                     "region_name": str}, keep_default_na=False, na_values=[""])

    def planning(self):
        return self._table("planning.csv")

    def regional_planning(self):
        return self._table("regional.csv")

    def comparison(self):
        return self._table("comparison.csv")


def open_run(path):
    return Run(path)


def main(argv):
    if len(argv) != 2:
        print("usage: chainsim_reader.py OUTPUT.h5", file=sys.stderr)
        return 2
    with open_run(argv[1]) as run:
        print(f"{run.path}: run {run.ds.attrs.get('run_name')!r}, {len(run.scenarios)} scenario(s): "
              f"{', '.join(run.scenarios)}")
        print("dimensions: " + ", ".join(f"{k} = {v}" for k, v in run.ds.sizes.items()))
        print("statistics (run.statistics(name)): " + ", ".join(run.statistic_names()))
        kept = [v for v in run.ds.data_vars if "path" in run.ds[v].dims]
        print("per-path series (run.paths(name)): " + (", ".join(kept) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
