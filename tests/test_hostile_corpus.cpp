// The hostile-input corpus (issue #6, item 7): every row of tests/hostile/expected.tsv
// runs `chainsim run <case>` (and `chainsim validate <case>` where meaningful) and must
// give its exit status and message, print nothing on stdout, and leave the output
// directory exactly as it was: no output file, no temporaries, no planning tables.
// Binary junk, other encodings, the multi-megabyte file and missing inputs are made
// at run time (tests/hostile holds only small text files).
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kCorpusDir = fs::path(CHAINSIM_TEST_DATA_DIR).parent_path() / "hostile";
const std::string kDefaultArgs = "--paths 8 --weeks 4 --quiet --out {out}/x.h5";

struct Row {
  int number = 0;  // line in expected.tsv
  std::string file, setup, args;
  int code = 0;
  std::vector<std::string> messages;
};

// How gtest names a row (in ctest's listing and in failures).
void PrintTo(const Row& r, std::ostream* os) { *os << r.file << " (expected.tsv line " << r.number << ")"; }

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<Row> load_rows() {
  std::vector<Row> rows;
  std::ifstream in(kCorpusDir / "expected.tsv");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    const auto cols = split(line, '\t');
    Row r;
    r.number = n;
    if (cols.size() >= 5) {
      r.file = cols[0];
      r.code = std::atoi(cols[1].c_str());
      r.setup = cols[2];
      r.args = cols[3];
      r.messages.assign(cols.begin() + 4, cols.end());
    } else {
      r.file = "<malformed row>";
    }
    rows.push_back(r);
  }
  return rows;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

using chainsim::testing::describe;
using chainsim::testing::quote;
using chainsim::testing::write_bytes;
using Result = chainsim::testing::CommandResult;

// Generated cases: written into `dir`, returning the path to pass to chainsim.
fs::path make_generated(const std::string& name, const fs::path& dir) {
  const fs::path p = dir / (name.substr(1) + ".toml");
  if (name == "@binary-junk") {
    std::string bytes(4096, '\0');
    std::uint64_t x = 0x9E3779B97F4A7C15ull;  // a fixed xorshift stream: the same junk every run
    for (char& c : bytes) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      c = static_cast<char>(x >> 56);
    }
    bytes[0] = static_cast<char>(0xC3);  // start with an invalid UTF-8 sequence (0xC3 0x28)
    bytes[1] = '(';
    write_bytes(p, bytes);
  } else if (name == "@nul-bytes") {
    write_bytes(p, std::string("[run]\npaths = 1\0\0\0\n", 20));
  } else if (name == "@invalid-utf8") {
    write_bytes(p, "[run]\nname = \"\xff\xfe\"\n");
  } else if (name == "@utf16") {
    const std::string text = "[run]\npaths = 100\n";
    std::string bytes = "\xff\xfe";  // UTF-16LE with its byte-order mark
    for (char c : text) {
      bytes += c;
      bytes += '\0';
    }
    write_bytes(p, bytes);
  } else if (name == "@huge-3mib") {
    // Valid TOML, three megabytes of it: refused on size before it is parsed.
    std::string text = "[run]\npaths = 100\n";
    while (text.size() < 3u * 1024 * 1024) text += "# padding padding padding padding padding padding padding\n";
    write_bytes(p, text);
  } else if (name == "@huge-dotted-line") {
    // Under the size limit, but one key nested ~400,000 deep (a stack-exhaustion attempt).
    std::string text = "[run]\n";
    text += "a";
    while (text.size() < 900 * 1024) text += ".a";
    write_bytes(p, text + " = 1\n");
  } else if (name == "@missing") {
    // nothing: the file does not exist
  } else if (name == "@directory") {
    fs::create_directories(p);
  } else {
    ADD_FAILURE() << "unknown generated case " << name;
  }
  return p;
}

std::string describe(const std::string& cmd, const Result& r) { return cmd + "\n" + describe(r); }

class HostileCorpus : public ::testing::TestWithParam<Row> {
 protected:
  void SetUp() override {
    fs::create_directories(out_);
    fs::create_directories(inputs_);
    fs::create_directories(io_);
  }

  // Runs a command in the output directory; stdout/stderr go outside it.
  Result shell(const std::string& command) const { return chainsim::testing::run_command(command, out_, io_); }

  // Removed with write permission given back (a case may make a read-only folder).
  chainsim::testing::TempDir tmp_{"chainsim-hostile"};
  const fs::path out_ = tmp_.path() / "out", inputs_ = tmp_.path() / "inputs", io_ = tmp_.path() / "io";
};

TEST_P(HostileCorpus, ExitCodeMessageAndNoOutput) {
  const Row& row = GetParam();
  SCOPED_TRACE("tests/hostile/expected.tsv line " + std::to_string(row.number) + ": " + row.file);
  ASSERT_NE(row.file, "<malformed row>") << "a row needs file, code, setup, args and a message";

  // Setup entries in the output directory: what must be there afterwards.
  std::vector<std::string> expected_listing;
  if (row.setup != "-") {
    for (const std::string& entry : split(row.setup, ',')) {
      const auto colon = entry.find(':');
      ASSERT_NE(colon, std::string::npos) << "bad setup " << entry;
      const std::string kind = entry.substr(0, colon), name = entry.substr(colon + 1);
      fs::create_directories(out_ / name);
      if (kind == "readonly") {
        if (::geteuid() == 0) GTEST_SKIP() << "running as root: a read-only directory is writable anyway";
        fs::permissions(out_ / name, fs::perms::owner_read | fs::perms::owner_exec);
      } else {
        ASSERT_EQ(kind, "dir") << "bad setup " << entry;
      }
      expected_listing.push_back(name);
    }
  }
  std::sort(expected_listing.begin(), expected_listing.end());

  const fs::path config = row.file[0] == '@' ? make_generated(row.file, inputs_) : kCorpusDir / row.file;
  if (row.file[0] != '@') {
    ASSERT_TRUE(fs::is_regular_file(config)) << config;
  }
  const std::string args = replace_all(row.args == "-" ? kDefaultArgs : row.args, "{out}", out_.string());
  const auto expand = [&](const std::string& m) {
    return replace_all(replace_all(m, "{file}", config.string()), "{out}", out_.string());
  };

  const auto check = [&](const std::string& cmd) {
    const Result r = shell(cmd);
    EXPECT_EQ(r.rc, row.code) << describe(cmd, r);
    EXPECT_TRUE(r.out.empty()) << "a failed command printed on stdout\n" << describe(cmd, r);
    for (const std::string& m : row.messages) {
      EXPECT_NE(r.err.find(expand(m)), std::string::npos) << "stderr lacks: " << expand(m) << "\n" << describe(cmd, r);
    }
    EXPECT_EQ(chainsim::testing::listing_recursive(out_), expected_listing) << "the output directory changed\n"
                                                                            << describe(cmd, r);
  };

  const std::string bin = quote(CHAINSIM_BINARY);
  check(bin + " run " + quote(config.string()) + " " + args);
  if ((row.code == 65 || row.code == 66) && row.args == "-") check(bin + " validate " + quote(config.string()));
}

std::string row_name(const ::testing::TestParamInfo<Row>& info) {
  std::string out;
  for (char c : info.param.file) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  // Names stay unique: the row's line number ends them.
  return out + "_L" + std::to_string(info.param.number);
}

INSTANTIATE_TEST_SUITE_P(Corpus, HostileCorpus, ::testing::ValuesIn(load_rows()), row_name);

// The corpus itself: large enough, every category present, every committed file used.
TEST(HostileCorpusFiles, CoverEveryCategoryAndEveryFileIsListed) {
  const std::vector<Row> rows = load_rows();
  std::set<std::string> bad_configs, listed;
  for (const Row& r : rows) {
    listed.insert(r.file);
    if (r.code != 0 && r.file != "valid-small.toml") bad_configs.insert(r.file);
  }
  EXPECT_GE(bad_configs.size(), 40u) << "issue #6 asks for at least 40 bad configurations";
  for (const char* prefix :
       {"syntax-", "type-", "nan-", "inf-", "neg", "prob-", "beta-sd-", "start-", "weeks-zero", "weeks-absurd",
        "paths-zero", "paths-absurd", "scenario-duplicate-names", "unknown-", "overlap-", "@binary-junk", "@huge-3mib",
        "output-path-is-directory", "output-path-unwritable"}) {
    EXPECT_TRUE(std::any_of(bad_configs.begin(), bad_configs.end(),
                            [&](const std::string& f) { return f.rfind(prefix, 0) == 0; }))
        << "no case for category " << prefix;
  }
  bool cli_directory = false, cli_unwritable = false;
  for (const Row& r : rows) {
    cli_directory =
        cli_directory || (r.code == 73 && r.setup.rfind("dir:", 0) == 0 && r.args.find("--out") != std::string::npos);
    cli_unwritable = cli_unwritable || (r.code == 73 && r.args.find("/dev/null/") != std::string::npos);
  }
  EXPECT_TRUE(cli_directory) << "no case of --out naming a directory";
  EXPECT_TRUE(cli_unwritable) << "no case of an uncreatable --out";
  for (const auto& e : fs::directory_iterator(kCorpusDir)) {
    const std::string name = e.path().filename().string();
    if (name == "expected.tsv") continue;
    EXPECT_TRUE(listed.count(name)) << name << " is in tests/hostile but not in expected.tsv";
    EXPECT_LT(e.file_size(), 64u * 1024) << name << ": large cases are generated, not committed";
  }
}

}  // namespace
