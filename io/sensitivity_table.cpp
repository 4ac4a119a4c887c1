#include "io/sensitivity_table.hpp"

#include "forecast/calendar.hpp"
#include "io/number_format.hpp"
#include "io/table_writer.hpp"
#include "io/tornado_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace chainsim::io {
namespace {

// Indices to 6 decimals in CSV ('.' whatever the locale), empty when undefined.
// (trimmed_decimal, io/number_format.hpp, but an infinite value too is left empty.)
std::string csv_num(double v, int decimals = 6) { return std::isfinite(v) ? trimmed_decimal(v, decimals) : ""; }

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return std::string(buf) == "-0.00" ? "0.00" : buf;
}

std::string cell(const forecast::IndexEstimate& e) {
  if (!std::isfinite(e.estimate)) return "-";
  return fixed(e.estimate, 2) + " [" + fixed(e.low, 2) + ", " + fixed(e.high, 2) + "]";
}

std::string percent(double v) { return std::isfinite(v) ? fixed(100 * v, 0) + " %" : "-"; }

const char* kind_name(forecast::InputKind k) { return k == forecast::InputKind::Parameter ? "parameter" : "process"; }

std::string level_label(const forecast::BootstrapOptions& b) { return fixed(100 * b.level, 0) + " %"; }

// The groups ordered by their total index for `o` at the last horizon (NaN last).
std::vector<std::size_t> by_influence(const forecast::SensitivityResult& r, forecast::SensitivityOutput o) {
  std::vector<std::size_t> order(r.groups.size());
  std::iota(order.begin(), order.end(), 0);
  const forecast::SobolIndices& s = r.at(o, r.horizons.size() - 1);
  const auto key = [&](std::size_t i) { return std::isfinite(s.total[i].estimate) ? s.total[i].estimate : -1.0; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) > key(b); });
  return order;
}

}  // namespace

SensitivityFiles sensitivity_files(const forecast::SensitivityResult& r, const SensitivityRunInfo& info) {
  SensitivityFiles f;
  const std::size_t H = r.horizons.size();

  // ---- indices, CSV ----
  append_csv_row(f.indices_csv, {"output", "horizon", "horizon_end", "first_week", "last_week", "group", "kind",
                                 "first_order", "first_order_lo", "first_order_hi", "total", "total_lo", "total_hi"});
  for (std::size_t o = 0; o < forecast::kNumSensitivityOutputs; ++o) {
    const auto out = static_cast<forecast::SensitivityOutput>(o);
    for (std::size_t h = 0; h < H; ++h) {
      const forecast::SensitivityHorizon& hz = r.horizons[h];
      const forecast::SobolIndices& s = r.at(out, h);
      for (std::size_t i = 0; i < r.groups.size(); ++i) {
        const forecast::IndexEstimate& a = s.first[i];
        const forecast::IndexEstimate& t = s.total[i];
        append_csv_row(f.indices_csv, {forecast::kSensitivityOutputNames[o], hz.label, forecast::iso_date(hz.date),
                                       std::to_string(hz.first_week), std::to_string(hz.last_week), r.groups[i].name,
                                       kind_name(r.groups[i].kind), csv_num(a.estimate), csv_num(a.low),
                                       csv_num(a.high), csv_num(t.estimate), csv_num(t.low), csv_num(t.high)});
      }
    }
  }

  // ---- variance split, CSV ----
  append_csv_row(f.split_csv, {"output", "horizon", "horizon_end", "mean", "sd", "parameters", "parameters_lo",
                               "parameters_hi", "interaction", "process", "process_lo", "process_hi"});
  for (std::size_t o = 0; o < forecast::kNumSensitivityOutputs; ++o) {
    const auto out = static_cast<forecast::SensitivityOutput>(o);
    for (std::size_t h = 0; h < H; ++h) {
      const forecast::SobolIndices& s = r.at(out, h);
      const forecast::VarianceSplit v = variance_split(r, out, h);
      append_csv_row(f.split_csv,
                     {forecast::kSensitivityOutputNames[o], r.horizons[h].label, forecast::iso_date(r.horizons[h].date),
                      csv_num(s.mean, 4), csv_num(std::sqrt(s.variance), 4), csv_num(v.parameters.estimate),
                      csv_num(v.parameters.low), csv_num(v.parameters.high), csv_num(v.interaction.estimate),
                      csv_num(v.process.estimate), csv_num(v.process.low), csv_num(v.process.high)});
    }
  }

  // ---- Markdown ----
  std::string& md = f.markdown;
  const std::string level = level_label(info.bootstrap);
  md = "# Sensitivity of the forecast to its uncertain inputs\n\n";
  md += "Scenario `" + markdown_cell(info.scenario) + "` of " + markdown_cell(info.source) + ", seed " +
        std::to_string(info.seed) + ". Saltelli design of N = " + std::to_string(r.design_size) +
        " rows: " + std::to_string(r.simulated_paths) + " paths simulated. Intervals: " + level +
        " bootstrap percentile " + "intervals over the design's rows (" + std::to_string(info.bootstrap.replicates) +
        " replicates). " + "Method: docs/sensitivity.md.\n\n";
  md +=
      "First-order index: the share of the output's variance that the input explains alone. Total index: the "
      "share it has a part in, alone or together with other inputs. An index near 0 means that fixing the input "
      "would hardly narrow the forecast; a total well above the first-order index means the input matters "
      "through interactions.\n\n";

  md += "## Where the spread comes from\n\n";
  md += "| output | horizon | mean | sd | parameter uncertainty [" + level + "] | interaction | process noise [" +
        level + "] |\n|---|---|---|---|---|---|---|\n";
  for (std::size_t o = 0; o < forecast::kNumSensitivityOutputs; ++o) {
    const auto out = static_cast<forecast::SensitivityOutput>(o);
    for (std::size_t h = 0; h < H; ++h) {
      const forecast::SobolIndices& s = r.at(out, h);
      const forecast::VarianceSplit v = variance_split(r, out, h);
      const bool shortfall = out == forecast::SensitivityOutput::Shortfall;
      md += std::string("| ") + forecast::kSensitivityOutputNames[o] + " | " + markdown_cell(r.horizons[h].label) +
            " | " + (shortfall ? percent(s.mean) : fixed(s.mean, 0)) + " | " +
            (shortfall ? fixed(std::sqrt(s.variance), 2) : fixed(std::sqrt(s.variance), 0)) + " | " +
            cell(v.parameters) + " | " + fixed(v.interaction.estimate, 2) + " | " + cell(v.process) + " |\n";
    }
  }
  md +=
      "\nParameter uncertainty: the first-order index of all priors together (the variance of the output's "
      "mean given the parameters). Process noise: the share left when the parameters are known and the "
      "weekly draws vary (1 − the priors' total index). Interaction: the rest. The shortfall's mean is "
      "P(shortfall).\n";

  for (std::size_t o = 0; o < forecast::kNumSensitivityOutputs; ++o) {
    const auto out = static_cast<forecast::SensitivityOutput>(o);
    md += "\n## " + std::string(forecast::kSensitivityOutputNames[o]) + "\n\n" +
          forecast::sensitivity_output_description(out) + ". First-order and total index [" + level +
          "], the inputs by their total index at the last horizon.\n\n";
    md += "| input | kind |";
    std::string rule = "|---|---|";
    for (const auto& hz : r.horizons) {
      md += " " + markdown_cell(hz.label) + ": first-order | " + markdown_cell(hz.label) + ": total |";
      rule += "---|---|";
    }
    md += "\n" + rule + "\n";
    for (std::size_t i : by_influence(r, out)) {
      md += "| " + markdown_cell(r.groups[i].name) + " | " + kind_name(r.groups[i].kind) + " |";
      for (std::size_t h = 0; h < H; ++h) {
        const forecast::SobolIndices& s = r.at(out, h);
        md += " " + cell(s.first[i]) + " | " + cell(s.total[i]) + " |";
      }
      md += "\n";
    }
  }

  md += "\n## Inputs\n\n| input | kind | what varies |\n|---|---|---|\n";
  for (const auto& g : r.groups)
    md += "| " + markdown_cell(g.name) + " | " + kind_name(g.kind) + " | " + markdown_cell(g.description) + " |\n";
  if (!r.inactive.empty()) {
    md += "\nNot uncertain in this scenario (their indices are zero; not simulated):";
    for (std::size_t i = 0; i < r.inactive.size(); ++i) md += (i ? ", " : " ") + markdown_cell(r.inactive[i].name);
    md += ".\n";
  }
  md += "\nHorizons: ";
  for (std::size_t h = 0; h < H; ++h) {
    const auto& hz = r.horizons[h];
    md += (h ? "; " : "") + markdown_cell(hz.label) + " ends " + forecast::iso_date(hz.date) + " (weeks " +
          std::to_string(hz.first_week) + "–" + std::to_string(hz.last_week) + " for the peak and the shortfall)";
  }
  md += ". A dash: the output does not vary (e.g. a shortfall on every path or on none), so it has no indices.\n";

  // ---- tornado chart: outputs by row, horizons by column ----
  std::vector<TornadoPanel> panels;
  for (std::size_t o = 0; o < forecast::kNumSensitivityOutputs; ++o) {
    const auto out = static_cast<forecast::SensitivityOutput>(o);
    for (std::size_t h = 0; h < H; ++h) {
      const forecast::SobolIndices& s = r.at(out, h);
      const forecast::VarianceSplit v = variance_split(r, out, h);
      TornadoPanel p;
      p.title = std::string(forecast::kSensitivityOutputNames[o]) + ", " + r.horizons[h].label;
      p.subtitle = std::isfinite(s.variance) && s.variance > 0.0
                       ? "parameters " + percent(v.parameters.estimate) + ", process noise " +
                             percent(v.process.estimate) + ", interaction " + percent(v.interaction.estimate)
                       : "does not vary: no indices";
      for (std::size_t i = 0; i < r.groups.size(); ++i)
        p.bars.push_back({r.groups[i].name, s.first[i].estimate, s.total[i].estimate, s.total[i].low, s.total[i].high});
      panels.push_back(std::move(p));
    }
  }
  f.tornado_svg = tornado_svg("Sensitivity indices, scenario " + info.scenario +
                                  " (N = " + std::to_string(r.design_size) + ", " + level + " intervals)",
                              panels, static_cast<int>(H));
  return f;
}

}  // namespace chainsim::io
