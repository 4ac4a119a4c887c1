#include "app/run_manifest.hpp"
#include "io/text_escape.hpp"

#include "forecast/provenance.hpp"
#include "io/planning_table.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace chainsim::app {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";  // appended: g++ 12 warns falsely (-Wrestrict) on "\"" + ... + "\""
  out += io::escape_chars(s, {{'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\r', "\\r"}, {'\t', "\\t"}}, "\\u%04x");
  out += '"';
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// Small figures (relative errors) with their significant digits; JSON has no
// infinity (a relative error of a zero estimate), so null.
std::string significant(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::string to_json(const RunManifest& m) {
  std::string j = "{\n";
  j += "  \"format\": \"chainsim-run-manifest\",\n  \"format_version\": 1,\n";
  j += "  \"status\": " + quoted(m.status) + ",\n";
  j += "  \"exit_status\": " + std::to_string(m.exit_status) + ",\n";
  j += "  \"command_line\": " + quoted(m.command_line) + ",\n";
  j += "  \"start_utc\": " + quoted(m.start_utc) + ",\n";
  j += "  \"end_utc\": " + quoted(m.end_utc) + ",\n";
  j += "  \"wall_seconds\": " + number(m.wall_seconds) + ",\n";
  j += "  \"host\": " + quoted(m.host) + ",\n";
  j += "  \"threads\": " + std::to_string(m.threads) + ",\n";
  j += "  \"ranks\": " + std::to_string(m.ranks) + ",\n";
  {
    std::string hosts;
    for (const auto& h : m.rank_hosts) hosts += (hosts.empty() ? "" : ", ") + quoted(h);
    j += "  \"rank_hosts\": [" + hosts + "],\n";
  }
  j += "  \"backend\": " + quoted(m.backend) + ",\n";
  j += "  \"simd\": " + quoted(m.simd) + ",\n";
  j += "  \"window_weeks\": " + std::to_string(m.window_weeks) + ",\n";
  j += "  \"chainsim_version\": " + quoted(forecast::chainsim_version()) + ",\n";
  j += "  \"chainsim_git_commit\": " + quoted(forecast::chainsim_git_commit()) + ",\n";
  j += "  \"compiler\": " + quoted(forecast::compiler_version()) + ",\n";
  j += "  \"libraries\": " + quoted(forecast::simulation_libraries()) + ",\n";
  j += "  \"configuration_source\": " + quoted(m.configuration_source) + ",\n";
  j += "  \"paths\": " + std::to_string(m.paths) + ",\n";
  j += "  \"weeks\": " + std::to_string(m.weeks) + ",\n";
  j += "  \"seed\": " + std::to_string(m.seed) + ",\n";
  j += "  \"scenarios\": [";
  for (std::size_t i = 0; i < m.scenarios.size(); ++i) {
    const auto& s = m.scenarios[i];
    j += std::string(i ? "," : "") + "\n    {\"name\": " + quoted(s.name) +
         ", \"simulate_seconds\": " + number(s.simulate_seconds) + ", \"total_seconds\": " + number(s.total_seconds) +
         ", \"window_file_seconds\": " + number(s.window_file_seconds) + "}";
  }
  j += m.scenarios.empty() ? "],\n" : "\n  ],\n";
  if (m.precision_target > 0) {
    j += "  \"precision\": {\"target_relative_error\": " + significant(m.precision_target) +
         ", \"batch_paths\": " + std::to_string(m.precision_batch_paths) +
         ", \"max_paths\": " + std::to_string(m.precision_max_paths) +
         ", \"batches\": " + std::to_string(m.precision_batches) + ", \"paths\": " + std::to_string(m.precision_paths) +
         ", \"met\": " + (m.precision_met ? "true" : "false") +
         ", \"worst_relative_error\": " + significant(m.precision_worst_relative_error) +
         ", \"worst_figure\": " + quoted(m.precision_worst_figure) + "},\n";
  }
  j += "  \"checkpoint_history\": [";
  for (std::size_t i = 0; i < m.checkpoint_history.size(); ++i)
    j += std::string(i ? "," : "") + "\n    " + quoted(m.checkpoint_history[i]);
  j += m.checkpoint_history.empty() ? "],\n" : "\n  ],\n";
  j += "  \"estimated_output_bytes\": " + std::to_string(static_cast<std::uintmax_t>(m.estimated_output_bytes)) + ",\n";
  j += "  \"estimated_disk_bytes\": " + std::to_string(static_cast<std::uintmax_t>(m.estimated_disk_bytes)) + ",\n";
  j += "  \"checkpoint_bytes\": " + std::to_string(m.checkpoint_bytes) + ",\n";
  j += "  \"outputs\": [";
  for (std::size_t i = 0; i < m.outputs.size(); ++i)
    j += std::string(i ? "," : "") + "\n    {\"path\": " + quoted(m.outputs[i].first) +
         ", \"bytes\": " + std::to_string(m.outputs[i].second) + "}";
  j += m.outputs.empty() ? "]\n" : "\n  ]\n";
  return j + "}\n";
}

void write_manifest(const std::string& path, const RunManifest& m) { io::write_text_atomically(path, to_json(m)); }

}  // namespace chainsim::app
