// End-to-end tests of `chainsim report` (docs/report.md): a small real
// forecast (few paths, short horizon) and the report of it, opened in real
// headless Chromium by tests/report_browser_check.py (no console error, every
// section and chart in the DOM, a full-page screenshot checked for layout);
// the plan's and the sensitivity's sections from small real runs of those
// commands; the Monte Carlo error columns when the file has them; and bad
// input: a missing file, a file that is not chainsim's, a missing Chromium,
// each with its exit status, a message naming the problem and no output file.
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace chainsim::testing;  // tests/process_helpers.hpp

const fs::path kRepo = fs::path(CHAINSIM_TEST_DATA_DIR).parent_path().parent_path();
const std::string kSections = "planning,fan-charts,shortfall-heatmap,comparison,advice,sensitivity,backtest,provenance";
// Drawn for every run with two or more scenarios.
const std::string kCharts = "occupancy,permit-holders,shortfall-heatmap,comparison";

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_);
    fs::create_directories(io_);
  }

  CommandResult shell(const std::string& command) const { return run_command(command, dir_, io_); }
  CommandResult chainsim(const std::string& args) const { return shell(quote(chainsim_binary()) + " " + args); }

  // A small real forecast of the seed's three scenarios.
  fs::path forecast(const std::string& name = "run.h5") const {
    const fs::path h5 = dir_ / name;
    const CommandResult r = chainsim("run --quiet --paths 60 --weeks 40 --out " + quote(h5));
    EXPECT_EQ(r.rc, 0) << describe(r);
    return h5;
  }

  CommandResult browser_check(const fs::path& page, const std::string& charts, const std::string& provided,
                              const fs::path& screenshot) const {
    return shell(quote(std::string(CHAINSIM_PYTHON)) + " " + quote(kRepo / "tests" / "report_browser_check.py") + " " +
                 quote(page) + " --sections " + kSections + " --charts " + charts + " --provided " + provided +
                 " --screenshot " + quote(screenshot));
  }

  // Names in the work folder that are neither inputs nor the report's outputs: temporaries left behind.
  std::vector<std::string> temporaries() const {
    std::vector<std::string> left;
    for (const auto& n : listing(dir_)) {
      if (n.find(".tmp") != std::string::npos || n.find(".print.") != std::string::npos) left.push_back(n);
    }
    return left;
  }

  TempDir tmp_{"chainsim-report"};
  const fs::path dir_ = tmp_.path() / "work", io_ = tmp_.path() / "io";
};

TEST_F(ReportTest, PageAndPdfOpenInHeadlessChromiumWithEverySection) {
  const fs::path h5 = forecast();
  const CommandResult r = chainsim("report " + quote(h5) + " --backtest " + quote(kRepo / "validation"));
  ASSERT_EQ(r.rc, 0) << describe(r);
  const fs::path page = dir_ / "run.report.html", pdf = dir_ / "run.report.pdf";
  ASSERT_TRUE(fs::is_regular_file(page)) << describe(r);
  ASSERT_TRUE(fs::is_regular_file(pdf)) << describe(r);
  EXPECT_NE(r.out.find(page.string()), std::string::npos) << describe(r);
  EXPECT_EQ(read_bytes(pdf).substr(0, 5), "%PDF-");
  EXPECT_GT(fs::file_size(pdf), 20u * 1024);
  EXPECT_TRUE(temporaries().empty()) << ::testing::PrintToString(temporaries());

  const std::string html = read_bytes(page);
  // Self-contained: nothing fetched from elsewhere.
  for (const char* outside : {"src=\"http", "href=\"http", "@import", "<script"}) {
    EXPECT_EQ(html.find(outside), std::string::npos) << outside;
  }
  // Every scenario, the planning table's columns, the backtest's tables, the
  // commands that make the sections not given.
  for (const char* text : {"baseline", "no-crisis-measures", "dublin-and-return-restored", "P(shortfall)",
                           "capacity needed", "backtest_scores.csv", "chainsim plan CONFIG --out PLAN.h5",
                           "chainsim sensitivity CONFIG --out-dir sensitivity", "chainsim_git_commit", "SHA-256",
                           // The note on Monte Carlo error, whether or not this build writes the variables.
                           "Monte Carlo error variables"}) {
    EXPECT_NE(html.find(text), std::string::npos) << "page lacks " << text;
  }

  const fs::path shot = dir_ / "screenshot.png";
  const CommandResult c = browser_check(page, kCharts,
                                        "planning,fan-charts,shortfall-heatmap,comparison,backtest,"
                                        "provenance",
                                        shot);
  EXPECT_EQ(c.rc, 0) << describe(c);
  EXPECT_NE(c.out.find("\nok"), std::string::npos) << describe(c);
  EXPECT_TRUE(fs::is_regular_file(shot));
}

TEST_F(ReportTest, PlanAndSensitivitySectionsFromRealRuns) {
  // A short run keeps `plan` and `sensitivity` quick: 40 weeks, few paths.
  const fs::path config = dir_ / "short.toml";
  write_bytes(config, "[run]\nweeks = 60\npaths = 40\n");
  const fs::path h5 = dir_ / "run.h5";
  CommandResult r = chainsim("run --quiet --out " + quote(h5) + " " + quote(config));
  ASSERT_EQ(r.rc, 0) << describe(r);
  const fs::path plan = dir_ / "plan.h5";
  r = chainsim("plan --quiet --quota-by 2023-06-30 --out " + quote(plan) + " " + quote(config));
  ASSERT_EQ(r.rc, 0) << describe(r);
  const fs::path sens = dir_ / "sens";
  r = chainsim("sensitivity --quiet --design 16 --bootstrap 20 --horizons 1 --threads 2 --out-dir " + quote(sens) +
               " " + quote(config));
  ASSERT_EQ(r.rc, 0) << describe(r);

  r = chainsim("report " + quote(h5) + " --no-pdf --out " + quote(dir_ / "page.html") + " --plan " + quote(plan) +
               " --sensitivity " + quote(sens));
  ASSERT_EQ(r.rc, 0) << describe(r);
  EXPECT_FALSE(fs::exists(dir_ / "page.pdf")) << "--no-pdf wrote a PDF";
  const std::string html = read_bytes(dir_ / "page.html");
  for (const char* text :
       {"Housing quota", "Regular places: add", "order by", "Sobol", "parameter uncertainty", "chart-sensitivity"}) {
    EXPECT_NE(html.find(text), std::string::npos) << "page lacks " << text;
  }
  // The short configuration has one scenario: no comparison chart.
  const CommandResult c = browser_check(dir_ / "page.html", "occupancy,permit-holders,shortfall-heatmap,sensitivity",
                                        "planning,advice,sensitivity,provenance", dir_ / "shot.png");
  EXPECT_EQ(c.rc, 0) << describe(c);

  // The plan's own output file carries its plan: advice without --plan.
  r = chainsim("report " + quote(plan) + " --no-pdf");
  ASSERT_EQ(r.rc, 0) << describe(r);
  EXPECT_NE(read_bytes(dir_ / "plan.report.html").find("Regular places: add"), std::string::npos);
}

// The browser check is not vacuous: the same page with a console error, an
// uncaught exception, an outside image and one chart emptied fails, naming each.
TEST_F(ReportTest, BrowserCheckCatchesABrokenPage) {
  const fs::path h5 = forecast();
  CommandResult r = chainsim("report " + quote(h5) + " --no-pdf");
  ASSERT_EQ(r.rc, 0) << describe(r);
  const fs::path breaker = dir_ / "break.py";
  write_bytes(breaker, R"PY(
import sys
s = open(sys.argv[1], encoding="utf-8").read()
s = s.replace("</main>", '</main><script>console.error("boom"); notDefined();</script>'
              '<img src="http://example.invalid/x.png">', 1)
i = s.find('<figure class="chart" id="chart-permit-holders"')
j = s.find("</svg>", i)
s = s[:i] + '<figure class="chart" id="chart-permit-holders" data-chart="permit-holders"><svg viewBox="0 0 100 40">' + s[j:]
open(sys.argv[2], "w", encoding="utf-8").write(s)
)PY");
  const fs::path broken = dir_ / "broken.html";
  r = shell(quote(std::string(CHAINSIM_PYTHON)) + " " + quote(breaker) + " " + quote(dir_ / "run.report.html") + " " +
            quote(broken));
  ASSERT_EQ(r.rc, 0) << describe(r);
  const CommandResult c = browser_check(broken, kCharts, "planning", dir_ / "shot.png");
  EXPECT_EQ(c.rc, 1) << describe(c);
  for (const char* problem : {"console error: boom", "uncaught exception", "the page requests http://example.invalid",
                              "chart 'permit-holders' has only 0 marks", "chart 'permit-holders' looks empty"}) {
    EXPECT_NE(c.out.find(problem), std::string::npos) << "not caught: " << problem << "\n" << describe(c);
  }
}

// A file with the Monte Carlo error variables another part of chainsim adds
// (`shortfall_probability_mcse`, `capacity_needed_mc_low`/`_mc_high`, ...):
// made here by adding them to a real run with h5py, then shown as
// "24.9 % ± 0.4" and "47,732 (47,389–48,080)".
TEST_F(ReportTest, ShowsMonteCarloErrorsWhenTheFileHasThem) {
  const fs::path h5 = forecast();
  const fs::path add = dir_ / "add_mc.py";
  write_bytes(add, R"PY(
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    # A build that writes them already has them: keep its own.
    p = f["shortfall_probability"][()]
    if "shortfall_probability_mcse" not in f:
        f["shortfall_probability_mcse"] = np.sqrt(p * (1 - p) / 60) + 0.004
    need = f["capacity_needed"][()]
    if "capacity_needed_mc_low" not in f:
        f["capacity_needed_mc_low"] = need - 343.0
        f["capacity_needed_mc_high"] = need + 348.0
)PY");
  CommandResult r = shell(quote(std::string(CHAINSIM_PYTHON)) + " " + quote(add) + " " + quote(h5));
  ASSERT_EQ(r.rc, 0) << describe(r);
  r = chainsim("report " + quote(h5) + " --no-pdf");
  ASSERT_EQ(r.rc, 0) << describe(r);
  const std::string html = read_bytes(dir_ / "run.report.html");
  EXPECT_EQ(html.find("holds no Monte Carlo error variables"), std::string::npos);
  EXPECT_NE(html.find("Monte Carlo error variables"), std::string::npos);
  EXPECT_NE(html.find(" % <span class=\"mc\" title=\"Monte Carlo standard error, percentage points\">\u00b1 "),
            std::string::npos)
      << "no P(shortfall) with its standard error";
  EXPECT_NE(html.find("<span class=\"mc\" title=\"Monte Carlo interval of the estimate\">("), std::string::npos)
      << "no capacity needed with its Monte Carlo interval";
}

TEST_F(ReportTest, BadInputIsRefusedWithItsStatusAndNoOutput) {
  // Missing file: 66, naming it.
  CommandResult r = chainsim("report " + quote(dir_ / "absent.h5") + " --no-pdf");
  EXPECT_EQ(r.rc, 66) << describe(r);
  EXPECT_NE(r.err.find("absent.h5: no such file"), std::string::npos) << describe(r);

  // Not a chainsim output file: 65, saying what was expected.
  write_bytes(dir_ / "notes.h5", "this is not an HDF5 file\n");
  r = chainsim("report " + quote(dir_ / "notes.h5") + " --no-pdf");
  EXPECT_EQ(r.rc, 65) << describe(r);
  EXPECT_NE(r.err.find("notes.h5: not a chainsim output file"), std::string::npos) << describe(r);
  EXPECT_EQ(r.err.find("Traceback"), std::string::npos) << describe(r);

  // A bad --out: the command line (64).
  r = chainsim("report " + quote(dir_ / "notes.h5") + " --out page.pdf");
  EXPECT_EQ(r.rc, 64) << describe(r);
  EXPECT_NE(r.err.find("expected a file name ending in .html"), std::string::npos) << describe(r);

  const fs::path h5 = forecast();
  // --plan that is a plain run, not a plan: 65; a missing --sensitivity directory: 66.
  r = chainsim("report " + quote(h5) + " --no-pdf --plan " + quote(h5));
  EXPECT_EQ(r.rc, 65) << describe(r);
  EXPECT_NE(r.err.find("not a `chainsim plan` output"), std::string::npos) << describe(r);
  r = chainsim("report " + quote(h5) + " --no-pdf --sensitivity " + quote(dir_ / "nowhere"));
  EXPECT_EQ(r.rc, 66) << describe(r);
  EXPECT_NE(r.err.find("nowhere: no such directory"), std::string::npos) << describe(r);
  // No page under any name from the failed attempts.
  for (const auto& n : listing(dir_)) EXPECT_EQ(n.find(".report."), std::string::npos) << n;

  // Chromium missing (69, before any work) or failing (69, and neither file left).
  r = chainsim("report " + quote(h5) + " --chromium " + quote(dir_ / "no-chromium"));
  EXPECT_EQ(r.rc, 69) << describe(r);
  EXPECT_NE(r.err.find("no-chromium: no such executable"), std::string::npos) << describe(r);
  r = chainsim("report " + quote(h5) + " --chromium /bin/false");
  EXPECT_EQ(r.rc, 69) << describe(r);
  EXPECT_NE(r.err.find("failed to print the PDF"), std::string::npos) << describe(r);
  EXPECT_FALSE(fs::exists(dir_ / "run.report.html"));
  EXPECT_FALSE(fs::exists(dir_ / "run.report.pdf"));
  EXPECT_TRUE(temporaries().empty()) << ::testing::PrintToString(temporaries());
}

}  // namespace
