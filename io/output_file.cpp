#include "io/output_file.hpp"

#include "core/model/variables.hpp"
#include "forecast/calendar.hpp"
#include "forecast/mc_error.hpp"
#include "forecast/provenance.hpp"
#include "io/h5file.hpp"

#include <hdf5.h>
#include <fcntl.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <system_error>

namespace chainsim::io {
namespace {

using core::Var;

const char* period_kind_name(forecast::PeriodKind k) {
  switch (k) {
    case forecast::PeriodKind::Quarter: return "quarter";
    case forecast::PeriodKind::HalfYear: return "half-year";
    case forecast::PeriodKind::Year: return "year";
  }
  return "?";
}

void fsync_path(const std::filesystem::path& p, bool directory) {
  const int fd = ::open(p.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + p.string() + " for fsync");
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw std::system_error(err, std::generic_category(), "fsync " + p.string());
}

// CF units that UDUNITS-2 parses, from the units chainsim's catalogues name.
// Persons and places are counts: "1", the long_name says what is counted.
// Person-weeks and staff-days are a count times a time span: "week", "day".
// UDUNITS has no currency, so euros are "1" too, with the currency in the
// long_name and a `currency` attribute (docs/output.md says so).
struct CfUnits {
  std::string units;
  std::string counted;  // said in the long_name: "persons", "euro" ...
};
CfUnits cf_units(std::string_view u) {
  if (u == "persons") return {"1", "persons"};
  if (u == "places") return {"1", "places"};
  if (u == "persons week") return {"week", "person-weeks"};
  if (u == "staff-days") return {"day", "staff-days"};
  if (u == "weeks") return {"week", ""};
  if (u == "EUR") return {"1", "euro"};
  return {std::string(u), ""};
}

// What a week's value is: a stock or capacity at the end of the week (a point
// in time), or a flow, cost or staff input summed over the week.
const char* week_method(core::Kind k) {
  return k == core::Kind::Stock || k == core::Kind::Capacity ? "week: point" : "week: sum";
}

// Attributes of a variable: CF units, the long_name with what is counted and
// the statistic in parentheses ("... (persons; mean over paths)"),
// cell_methods when there is one, the currency for money.
h5::VarOptions cf_options(const std::string& long_name, std::string_view units, const std::string& cell_methods,
                          const std::string& statistic = "") {
  const CfUnits cu = cf_units(units);
  std::string note = cu.counted;
  if (!statistic.empty()) note += (note.empty() ? "" : "; ") + statistic;
  h5::VarOptions o;
  o.string_attrs = {{"long_name", note.empty() ? long_name : long_name + " (" + note + ")"}, {"units", cu.units}};
  if (!cell_methods.empty()) o.string_attrs.push_back({"cell_methods", cell_methods});
  if (units == "EUR") o.string_attrs.push_back({"currency", "EUR"});
  return o;
}

// The statistic over Monte Carlo paths in CF's words: paths are realizations
// (a CF standard name, so usable in cell_methods without a dimension). CF has
// no method for a quantile: quantile variables carry only the time method and
// the `quantile` coordinate says which probability.
enum class OverPaths { Mean, Sd, Quantiles, None };
std::string cell_methods(const std::string& time_method, OverPaths stat) {
  std::string m = time_method;
  const char* over = stat == OverPaths::Mean ? "realization: mean"
                     : stat == OverPaths::Sd ? "realization: standard_deviation"
                                             : nullptr;
  if (over != nullptr) {
    if (!m.empty()) m += ' ';
    m += over;
  }
  return m;
}

h5::VarOptions stat_options(const core::VarInfo& v, const std::string& what, OverPaths stat) {
  return cf_options(std::string(v.long_name), v.units, cell_methods(week_method(v.kind), stat), what + " over paths");
}

}  // namespace

struct OutputFile::Impl {
  h5::File file;
  std::map<std::string, h5::Variable> stats;     // per-scenario statistics, by name
  std::map<std::string, h5::Variable> per_path;  // per-path series, by name
};

OutputFile::OutputFile(OutputLayout layout) : layout_(std::move(layout)) {
  const auto& L = layout_;
  tmp_ = L.path;
  tmp_ += ".tmp." + std::to_string(::getpid());
  try {
    impl_ = std::make_unique<Impl>(Impl{h5::File::create(tmp_), {}, {}});
    define();
  } catch (...) {
    // A constructor that throws gets no destructor call: abandon the file here.
    abandon();
    throw;
  }
}

void OutputFile::abandon() noexcept {
  if (impl_) {
    impl_->file.discard();  // room for the close's flush, on a full disk too
    impl_.reset();          // its variables first, then the file
  }
  std::error_code ec;
  std::filesystem::remove(tmp_, ec);
}

void OutputFile::define() {
  const auto& L = layout_;
  h5::File& f = impl_->file;
  auto create_stat = [&](const std::string& name, const std::vector<std::string>& dims, const h5::VarOptions& o) {
    impl_->stats.emplace(name, f.create_variable<double>(name, dims, o));
  };
  const auto T = static_cast<std::size_t>(L.weeks);
  const std::size_t NP = L.periods.size();

  // --- dimensions and coordinates ---
  f.define_dimension("scenario", std::span<const std::string>(L.scenarios),
                     {{{"long_name", "scenario (the first is the baseline)"}}, {}});
  if (!L.ensemble.empty()) {
    std::vector<std::int64_t> paths(static_cast<std::size_t>(L.paths));
    for (std::size_t p = 0; p < paths.size(); ++p) paths[p] = static_cast<std::int64_t>(p);
    f.define_dimension("path", std::span<const std::int64_t>(paths), {{{"long_name", "Monte Carlo path index"}}, {}});
  }
  std::vector<std::int32_t> week_days(T);
  for (std::size_t t = 0; t < T; ++t) week_days[t] = static_cast<std::int32_t>(7 * t);
  f.define_dimension("week", std::span<const std::int32_t>(week_days),
                     {{{"long_name", "Monday of the simulated week"},
                       {"standard_name", "time"},
                       {"axis", "T"},
                       {"units", "days since " + forecast::iso_date(L.start)},
                       {"calendar", "proleptic_gregorian"}},
                      {}});
  f.define_dimension("region", std::span<const std::string>(L.region_codes),
                     {{{"long_name", "safety region code (NL = national)"}}, {}});
  f.define_dimension("quantile", std::span<const double>(L.quantiles),
                     {{{"long_name", "probability of the quantile (type 7, linear interpolation)"}}, {}});
  // The same labels as the planning tables ("2022-Q3", "2022-H2", "2023"):
  // unique without the kind, which is in `period_kind`.
  std::vector<std::string> labels;
  for (const auto& p : L.periods) labels.push_back(p.label);
  if (NP > 0) {
    f.define_dimension("period", std::span<const std::string>(labels),
                       {{{"long_name", "reporting period: quarter, half-year or year of the week's Monday"}}, {}});
    f.define_dimension("risk_level", std::span<const double>(L.risk_levels),
                       {{{"long_name", "alpha: accepted probability of shortfall in the period"}}, {}});
    f.define_dimension(
        "summary_quantile",
        std::span<const double>(forecast::kSummaryQuantiles.data(), forecast::kSummaryQuantiles.size()),
        {{{"long_name", "probability of the quantile of a period metric (median and 90 % interval)"}}, {}});
  }
  f.write_string_variable("region_name", {"region"}, std::span<const std::string>(L.region_names),
                          {.string_attrs = {{"long_name", "safety region name"}}});

  // --- per-week statistics (created now, filled per scenario) ---
  for (const auto& v : core::kVarInfo) {
    const std::string n(v.name);
    create_stat(n + "_mean", {"scenario", "week"}, stat_options(v, "mean", OverPaths::Mean));
    create_stat(n + "_sd", {"scenario", "week"}, stat_options(v, "standard deviation", OverPaths::Sd));
    create_stat(n + "_quantile", {"scenario", "week", "quantile"}, stat_options(v, "quantiles", OverPaths::Quantiles));
  }
  for (std::size_t rv = 0; rv < forecast::kStoredRegionalVars; ++rv) {
    const auto& v = core::info(core::national_of(static_cast<core::RegionalVar>(rv)));
    const std::string n = std::string(v.name) + "_regional";
    create_stat(n + "_mean", {"scenario", "week", "region"}, stat_options(v, "regional mean", OverPaths::Mean));
    create_stat(n + "_sd", {"scenario", "week", "region"},
                stat_options(v, "regional standard deviation", OverPaths::Sd));
    create_stat(n + "_quantile", {"scenario", "week", "region", "quantile"},
                stat_options(v, "regional quantiles", OverPaths::Quantiles));
  }

  // --- per-period statistics ---
  if (NP > 0) {
    std::vector<std::string> kinds;
    std::vector<std::int32_t> starts, first, end;
    std::vector<std::int8_t> partial;
    for (const auto& p : L.periods) {
      kinds.emplace_back(period_kind_name(p.kind));
      starts.push_back(static_cast<std::int32_t>((p.start - L.start).count()));
      first.push_back(p.first_week);
      end.push_back(p.end_week);
      partial.push_back(p.partial ? 1 : 0);
    }
    f.write_string_variable("period_kind", {"period"}, std::span<const std::string>(kinds));
    f.write_variable<std::int32_t>("period_start", {"period"}, starts,
                                   {.string_attrs = {{"long_name", "first day of the calendar period"},
                                                     {"units", "days since " + forecast::iso_date(L.start)},
                                                     {"calendar", "proleptic_gregorian"}}});
    f.write_variable<std::int32_t>("period_first_week", {"period"}, first,
                                   {.string_attrs = {{"long_name", "index of the period's first simulated week"}}});
    f.write_variable<std::int32_t>(
        "period_end_week", {"period"}, end,
        {.string_attrs = {{"long_name", "index one past the period's last simulated week"}}});
    f.write_variable<std::int8_t>("period_partial", {"period"}, partial,
                                  {.string_attrs = {{"long_name", "1 if the run covers only part of the period"},
                                                    {"flag_values", "0 1"},
                                                    {"flag_meanings", "complete partial"}}});
    auto opts = [](const std::string& long_name, std::string_view units, OverPaths stat = OverPaths::None) {
      return cf_options(long_name, units, cell_methods("", stat));
    };
    create_stat("peak_occupancy_mean", {"scenario", "period"},
                opts("mean over paths of the peak weekly occupancy in the period", "persons", OverPaths::Mean));
    create_stat("peak_occupancy_quantile", {"scenario", "period", "quantile"},
                opts("quantiles over paths of the peak weekly occupancy in the period", "persons"));
    create_stat(
        "shortfall_probability", {"scenario", "period"},
        opts("probability of a shortfall (occupancy above capacity) in some week of the period", "1", OverPaths::Mean));
    create_stat("shortfall_person_weeks", {"scenario", "period"},
                opts("expected shortfall person-weeks in the period", "persons week", OverPaths::Mean));
    create_stat("capacity_needed", {"scenario", "period", "risk_level"},
                opts("smallest capacity c with P(peak occupancy in the period > c) <= alpha", "places"));
    // The planning table's per-period metrics and the paired scenario differences.
    for (std::size_t m = 0; m < forecast::kNumPeriodMetrics; ++m) {
      const std::string n = forecast::kPeriodMetricNames[m];
      const std::string what = forecast::period_metric_description(static_cast<forecast::PeriodMetric>(m));
      const char* units = forecast::period_metric_units(static_cast<forecast::PeriodMetric>(m));
      create_stat("period_" + n + "_mean", {"scenario", "period"},
                  opts("mean over paths of the " + what, units, OverPaths::Mean));
      create_stat("period_" + n + "_quantile", {"scenario", "period", "summary_quantile"},
                  opts("quantiles over paths of the " + what, units));
      create_stat("difference_" + n + "_mean", {"scenario", "period"},
                  opts("mean paired difference to the baseline of the " + what, units, OverPaths::Mean));
      create_stat("difference_" + n + "_low", {"scenario", "period"},
                  opts("5 % quantile of the paired per-path differences to the baseline of the " + what, units));
      create_stat("difference_" + n + "_high", {"scenario", "period"},
                  opts("95 % quantile of the paired per-path differences to the baseline of the " + what, units));
    }
    create_stat(
        "difference_shortfall_probability", {"scenario", "period"},
        opts("difference to the baseline of the probability of a shortfall in the period", "1", OverPaths::Mean));
    create_stat("difference_shortfall_probability_low", {"scenario", "period"},
                opts("lower end of the 90 % confidence interval of the difference in shortfall probability", "1"));
    create_stat("difference_shortfall_probability_high", {"scenario", "period"},
                opts("upper end of the 90 % confidence interval of the difference in shortfall probability", "1"));
  }

  // --- per-path series ---
  for (const std::string& name : L.ensemble) {
    const auto it = std::find_if(core::kVarInfo.begin(), core::kVarInfo.end(),
                                 [&](const core::VarInfo& v) { return v.name == name; });
    if (it == core::kVarInfo.end()) throw std::invalid_argument("unknown ensemble variable " + name);
    h5::VarOptions o;
    // A block of paths × the whole horizon: one path's series is read from one chunk.
    o.chunk = {1, chunk_paths(), T};
    o.deflate_level = kPerPathFilters.deflate_level;
    o.shuffle = kPerPathFilters.shuffle;
    o.string_attrs = cf_options(std::string(it->long_name), it->units, week_method(it->kind)).string_attrs;
    if (it->integer)
      impl_->per_path.emplace(name, f.create_variable<std::int32_t>(name, {"scenario", "path", "week"}, o));
    else impl_->per_path.emplace(name, f.create_variable<double>(name, {"scenario", "path", "week"}, o));
  }

  // --- Monte Carlo error of the period figures (forecast/mc_error.hpp) ---
  // Defined after every other variable: the order of the existing ones is part
  // of the output format. No cell_methods: CF has no method for a standard
  // error or an interval; `mc_error_method` says how each is computed.
  if (NP > 0) {
    auto mc = [](const std::string& long_name, std::string_view units, const char* method) {
      h5::VarOptions o = cf_options(long_name, units, "");
      o.string_attrs.push_back({"mc_error_method", method});
      return o;
    };
    constexpr const char* kMeanSe = "standard error of the mean: sd / sqrt(paths), sd with n - 1 denominator";
    constexpr const char* kProbSe = "binomial standard error: sqrt(p (1 - p) / paths)";
    constexpr const char* kOrderStat =
        "distribution-free 95 % interval between order statistics: 1-based ranks floor(n q - 1.96 s) and "
        "ceil(n q + 1.96 s) + 1, s = sqrt(n q (1 - q)), clipped to [1, n], n = paths";
    for (std::size_t m = 0; m < forecast::kNumPeriodMetrics; ++m) {
      const std::string n = forecast::kPeriodMetricNames[m];
      const std::string what = forecast::period_metric_description(static_cast<forecast::PeriodMetric>(m));
      const char* units = forecast::period_metric_units(static_cast<forecast::PeriodMetric>(m));
      create_stat("period_" + n + "_mean_mcse", {"scenario", "period"},
                  mc("Monte Carlo standard error of the mean over paths of the " + what, units, kMeanSe));
      create_stat("period_" + n + "_quantile_mc_low", {"scenario", "period", "summary_quantile"},
                  mc("lower end of the 95 % Monte Carlo interval of the quantiles over paths of the " + what, units,
                     kOrderStat));
      create_stat("period_" + n + "_quantile_mc_high", {"scenario", "period", "summary_quantile"},
                  mc("upper end of the 95 % Monte Carlo interval of the quantiles over paths of the " + what, units,
                     kOrderStat));
    }
    create_stat("peak_occupancy_mean_mcse", {"scenario", "period"},
                mc("Monte Carlo standard error of the mean peak weekly occupancy in the period", "persons", kMeanSe));
    create_stat(
        "shortfall_probability_mcse", {"scenario", "period"},
        mc("Monte Carlo standard error of the probability of a shortfall in some week of the period", "1", kProbSe));
    create_stat(
        "shortfall_person_weeks_mcse", {"scenario", "period"},
        mc("Monte Carlo standard error of the expected shortfall person-weeks in the period", "persons week", kMeanSe));
    create_stat("capacity_needed_mc_low", {"scenario", "period", "risk_level"},
                mc("lower end of the 95 % Monte Carlo interval of the capacity needed ((1 - alpha) quantile of the "
                   "peak occupancy)",
                   "places", kOrderStat));
    create_stat("capacity_needed_mc_high", {"scenario", "period", "risk_level"},
                mc("upper end of the 95 % Monte Carlo interval of the capacity needed ((1 - alpha) quantile of the "
                   "peak occupancy)",
                   "places", kOrderStat));
  }

  // --- provenance: identical between identical runs (no time, host or thread count) ---
  f.set_attribute("/", "title", "chainsim Monte Carlo forecast of the Dutch asylum reception chain");
  f.set_attribute("/", "Conventions", "CF-1.8");
  f.set_attribute("/", "format", kOutputFormat);
  f.set_attribute<std::int32_t>("/", "format_version", kOutputFormatVersion);
  f.set_attribute("/", "chainsim_version", forecast::chainsim_version());
  f.set_attribute("/", "chainsim_git_commit", forecast::chainsim_git_commit());
  f.set_attribute("/", "compiler", forecast::compiler_version());
  unsigned h5_major = 0, h5_minor = 0, h5_release = 0;
  H5get_libversion(&h5_major, &h5_minor, &h5_release);
  f.set_attribute("/", "libraries",
                  forecast::simulation_libraries() + "; HDF5 " + std::to_string(h5_major) + "." +
                      std::to_string(h5_minor) + "." + std::to_string(h5_release) + "; toml++ " +
                      std::to_string(TOML_LIB_MAJOR) + "." + std::to_string(TOML_LIB_MINOR) + "." +
                      std::to_string(TOML_LIB_PATCH));
  f.set_attribute("/", "run_name", L.run_name);
  f.set_attribute("/", "seed", std::to_string(L.seed));
  f.set_attribute<std::int64_t>("/", "paths", L.paths);
  f.set_attribute("/", "configuration_source", L.configuration_source);
  f.set_attribute("/", "configuration", L.configuration_toml);
  f.set_attribute("/", "quantile_method",
                  "exact over all paths; linear interpolation between order statistics "
                  "(Hyndman-Fan type 7, numpy.quantile method='linear')");
  f.set_attribute("/", "sd_method", "sample standard deviation over paths (n - 1 denominator)");
  f.set_attribute("/", "mc_error_method", forecast::kMcErrorMethod);
}

h5::File& OutputFile::h5_file() { return impl_->file; }

OutputFile::~OutputFile() {
  if (!committed_) abandon();
}

void OutputFile::write_summary(std::size_t s, const forecast::ScenarioSummary& sum) {
  const auto& L = layout_;
  const auto T = static_cast<std::size_t>(L.weeks);
  const std::size_t R = L.region_codes.size();
  const std::size_t Q = L.quantiles.size();
  const std::size_t NP = L.periods.size();
  const std::size_t A = L.risk_levels.size();

  // Variables created in the constructor are re-opened by name for each block.
  auto write = [&](const std::string& name, std::vector<std::size_t> count, const std::vector<double>& data) {
    std::vector<std::size_t> start(count.size() + 1, 0);
    start[0] = s;
    count.insert(count.begin(), 1);
    impl_->stats.at(name).write_block<double>(start, count, data);
  };
  for (std::size_t v = 0; v < core::kNumVars; ++v) {
    const std::string n(core::kVarInfo[v].name);
    write(n + "_mean", {T}, sum.national[v].mean);
    write(n + "_sd", {T}, sum.national[v].sd);
    write(n + "_quantile", {T, Q}, sum.national[v].quantiles);
  }
  for (std::size_t rv = 0; rv < forecast::kStoredRegionalVars; ++rv) {
    const std::string n =
        std::string(core::info(core::national_of(static_cast<core::RegionalVar>(rv))).name) + "_regional";
    write(n + "_mean", {T, R}, sum.regional[rv].mean);
    write(n + "_sd", {T, R}, sum.regional[rv].sd);
    write(n + "_quantile", {T, R, Q}, sum.regional[rv].quantiles);
  }
  if (NP > 0) {
    const forecast::PeriodStats& ps = sum.periods;
    write("peak_occupancy_mean", {NP}, ps.peak_occupancy_mean);
    write("peak_occupancy_quantile", {NP, Q}, ps.peak_occupancy_quantiles);
    write("shortfall_probability", {NP}, ps.shortfall_probability);
    write("shortfall_person_weeks", {NP}, ps.shortfall_person_weeks);
    write("capacity_needed", {NP, A}, ps.capacity_needed);
    for (std::size_t m = 0; m < forecast::kNumPeriodMetrics; ++m) {
      const std::string n = forecast::kPeriodMetricNames[m];
      write("period_" + n + "_mean", {NP}, ps.metric_mean[m]);
      write("period_" + n + "_quantile", {NP, forecast::kSummaryQuantiles.size()}, ps.metric_quantiles[m]);
    }
    for (std::size_t m = 0; m < forecast::kNumPeriodMetrics; ++m) {
      const std::string n = forecast::kPeriodMetricNames[m];
      write("period_" + n + "_mean_mcse", {NP}, ps.metric_mean_mcse[m]);
      write("period_" + n + "_quantile_mc_low", {NP, forecast::kSummaryQuantiles.size()}, ps.metric_quantile_mc_low[m]);
      write("period_" + n + "_quantile_mc_high", {NP, forecast::kSummaryQuantiles.size()},
            ps.metric_quantile_mc_high[m]);
    }
    write("peak_occupancy_mean_mcse", {NP},
          ps.metric_mean_mcse[static_cast<std::size_t>(forecast::PeriodMetric::PeakOccupancy)]);
    write("shortfall_probability_mcse", {NP}, ps.shortfall_probability_mcse);
    write("shortfall_person_weeks_mcse", {NP},
          ps.metric_mean_mcse[static_cast<std::size_t>(forecast::PeriodMetric::ShortfallPersonWeeks)]);
    write("capacity_needed_mc_low", {NP, A}, ps.capacity_needed_mc_low);
    write("capacity_needed_mc_high", {NP, A}, ps.capacity_needed_mc_high);
  }
}

void OutputFile::write_comparison(std::size_t s, const forecast::ScenarioComparison& c) {
  const std::size_t NP = layout_.periods.size();
  if (NP == 0) return;
  auto write = [&](const std::string& name, const std::vector<double>& data) {
    impl_->stats.at(name).write_block<double>({s, 0}, {1, NP}, data);
  };
  for (std::size_t m = 0; m < forecast::kNumPeriodMetrics; ++m) {
    const std::string n = forecast::kPeriodMetricNames[m];
    write("difference_" + n + "_mean", c.mean[m]);
    write("difference_" + n + "_low", c.low[m]);
    write("difference_" + n + "_high", c.high[m]);
  }
  write("difference_shortfall_probability", c.shortfall_probability);
  write("difference_shortfall_probability_low", c.shortfall_probability_low);
  write("difference_shortfall_probability_high", c.shortfall_probability_high);
}

void OutputFile::write_per_path(std::size_t s, const std::string& name, std::size_t first_path, std::size_t paths,
                                std::span<const std::int32_t> data) {
  impl_->per_path.at(name).write_block<std::int32_t>({s, first_path, 0},
                                                     {1, paths, static_cast<std::size_t>(layout_.weeks)}, data);
}

void OutputFile::write_per_path(std::size_t s, const std::string& name, std::size_t first_path, std::size_t paths,
                                std::span<const double> data) {
  impl_->per_path.at(name).write_block<double>({s, first_path, 0}, {1, paths, static_cast<std::size_t>(layout_.weeks)},
                                               data);
}

namespace {

// Encodes `paths` paths × `weeks` of data as one whole chunk of `chunk_paths`
// paths. A short last chunk is padded with 0, the value HDF5 gives the
// unwritten part of a chunk of a variable without a fill value; a full chunk
// is encoded from the caller's data without a copy.
template <class T>
std::vector<unsigned char> encode_padded(const h5::Variable& var, std::span<const T> data, std::size_t paths,
                                         std::size_t chunk_paths, std::size_t weeks) {
  if (paths == 0 || paths > chunk_paths || data.size() != paths * weeks)
    throw std::invalid_argument("encode_per_path: " + std::to_string(data.size()) + " values for " +
                                std::to_string(paths) + " paths x " + std::to_string(weeks) + " weeks (at most " +
                                std::to_string(chunk_paths) + " paths a chunk)");
  if (paths == chunk_paths) return var.encode_chunk(data);
  std::vector<T> chunk(chunk_paths * weeks, T{});
  std::copy(data.begin(), data.end(), chunk.begin());
  return var.encode_chunk(std::span<const T>(chunk));
}

}  // namespace

std::vector<unsigned char> OutputFile::encode_per_path(const std::string& name, std::size_t paths,
                                                       std::span<const std::int32_t> data) const {
  return encode_padded(impl_->per_path.at(name), data, paths, chunk_paths(), static_cast<std::size_t>(layout_.weeks));
}

std::vector<unsigned char> OutputFile::encode_per_path(const std::string& name, std::size_t paths,
                                                       std::span<const double> data) const {
  return encode_padded(impl_->per_path.at(name), data, paths, chunk_paths(), static_cast<std::size_t>(layout_.weeks));
}

void OutputFile::write_encoded_per_path(std::size_t s, const std::string& name, std::size_t first_path,
                                        std::span<const unsigned char> encoded) {
  impl_->per_path.at(name).write_chunk({s, first_path, 0}, encoded);
}

std::size_t OutputFile::encoded_bytes(std::span<const char> values, std::size_t element_bytes) {
  return h5::encode_chunk(
             std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(values.data()), values.size()),
             element_bytes, kPerPathFilters)
      .size();
}

std::string OutputFile::text_problem(const OutputLayout& L) {
  auto check = [](const std::string& what, const std::string& text) -> std::string {
    const std::string why = h5::invalid_text_reason(text);
    return why.empty() ? std::string() : what + " \"" + h5::escaped(text) + "\" " + why;
  };
  std::string p = check("the output name", L.path.string());
  if (p.empty()) p = check("the configuration file's name", L.configuration_source);
  if (p.empty()) p = check("the run name", L.run_name);
  for (const auto& n : L.scenarios)
    if (p.empty()) p = check("the scenario name", n);
  for (const auto& n : L.region_codes)
    if (p.empty()) p = check("the region code", n);
  for (const auto& n : L.region_names)
    if (p.empty()) p = check("the region name", n);
  if (p.empty()) p = check("the configuration", L.configuration_toml);
  return p;
}

void OutputFile::commit() {
  // Everything HDF5 still holds goes to disk first, while every object is
  // open: a full disk fails here, and the destructor can then abandon the
  // file cleanly. Closing afterwards has next to nothing left to write.
  impl_->file.flush();
  for (auto& [name, var] : impl_->stats) var.close();
  for (auto& [name, var] : impl_->per_path) var.close();
  impl_->stats.clear();
  impl_->per_path.clear();
  impl_->file.close();
  {
    // Verify: the file re-opens and says what it is.
    h5::File check = h5::File::open_read(tmp_);
    if (check.read_string_attribute("/", "format") != kOutputFormat)
      throw std::runtime_error("output verification failed for " + tmp_.string());
    check.close();
  }
  fsync_path(tmp_, false);
  std::filesystem::rename(tmp_, layout_.path);
  const auto dir = layout_.path.has_parent_path() ? layout_.path.parent_path() : std::filesystem::path(".");
  fsync_path(dir, true);
  committed_ = true;
}

}  // namespace chainsim::io
