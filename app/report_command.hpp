#pragma once
// `chainsim report`: the one-page LRT report of an output file, a
// self-contained HTML page and a PDF (docs/report.md). The page is made by
// the Python script scripts/report (matplotlib for the charts, headless
// Chromium for the PDF); this command finds that script and Debian's Python,
// runs it, and passes its exit status on. The script, not this command,
// checks the inputs, so that `scripts/report` run by hand says the same.
#include <filesystem>
#include <string>
#include <vector>

namespace chainsim::app {

struct ReportCommand {
  std::string file;         // the HDF5 output of `chainsim run` or `chainsim plan`
  std::string out;          // the page; empty: FILE's stem + .report.html
  std::string plan;         // `chainsim plan` output for the plan's advice; empty: none
  std::string sensitivity;  // `chainsim sensitivity --out-dir`; empty: none
  std::string backtest;     // `chainsim backtest --out-dir`; empty: none
  std::string chromium;     // the Chromium for the PDF; empty: found on PATH
  bool no_pdf = false;
};

// Where the report's interpreter and script are. Python: $CHAINSIM_PYTHON,
// else the one found at configure time (Debian's /usr/bin/python3, which has
// numpy, h5py and matplotlib). The script: $CHAINSIM_SCRIPTS_DIR/report, else
// <prefix>/share/chainsim/scripts/report beside an installed executable
// (cmake/install.cmake), else the source tree's scripts/ compiled in.
struct ReportTools {
  std::filesystem::path python;
  std::filesystem::path script;                 // empty when none was found
  std::vector<std::filesystem::path> searched;  // where the script was looked for, for the message
};
ReportTools locate_report_tools();

// The script's command line for `command` (without the interpreter).
std::vector<std::string> report_arguments(const ReportCommand& command);

// Runs the script and returns chainsim's exit status: the script's own
// (0, 64, 65, 66, 69, 70, 73, 74), 69 when Python or the script cannot be
// found or started, 70 for any other status or a signal.
int report(const ReportCommand& command);

}  // namespace chainsim::app
