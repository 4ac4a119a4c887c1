#include "app/run_preflight.hpp"

#include "app/output_lock.hpp"
#include "io/run_output.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace chainsim::app {

namespace fs = std::filesystem;

fs::path directory_of(const fs::path& out) { return out.has_parent_path() ? out.parent_path() : fs::path("."); }

void remove_stale_temporaries(const fs::path& out, const fs::path& checkpoint_dir) {
  std::error_code ec;
  std::vector<fs::path> finals = io::run_outputs(out);
  finals.push_back(out.string() + ".run.json");
  for (const fs::path& dir : {directory_of(out), checkpoint_dir})
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const auto at = name.rfind(".tmp.");
      if (at == std::string::npos) continue;
      const std::string pid = name.substr(at + 5);
      if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
      const bool ours = dir == checkpoint_dir || std::any_of(finals.begin(), finals.end(), [&](const fs::path& f) {
                          return f.filename().string() == name.substr(0, at);
                        });
      if (ours) fs::remove(it->path(), ec);
    }
}

namespace {

// "2.31 GiB" from 1 GiB on, else "5.73 MiB": small runs on small disks too
// get a figure that says something.
std::string gib(double bytes) {
  char buf[48];
  if (bytes >= 1024.0 * 1024.0 * 1024.0) std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  else std::snprintf(buf, sizeof buf, "%.2f MiB", bytes / (1024.0 * 1024.0));
  return buf;
}

// "<name>.run.json.tmp.<pid>" for a name the run derives from the output's.
std::string stem_pattern(const std::string& derived, const std::string& name, const std::string& stem) {
  const bool from_name = derived.compare(0, name.size(), name) == 0;
  std::string rest = derived.substr(from_name ? name.size() : stem.size());
  if (const auto at = rest.rfind(".tmp."); at != std::string::npos) rest = rest.substr(0, at) + ".tmp.<pid>";
  return (from_name ? "<name>" : "<name without .h5>") + rest;
}

double available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024.0;
  return -1;  // unknown: no check
}

}  // namespace

void check_output_names(const fs::path& output, const io::OutputLayout& layout, std::size_t scenarios, int weeks) {
  if (const std::string problem = io::OutputFile::text_problem(layout); !problem.empty())
    throw OutputExistsError("cannot write output: " + problem +
                            "; the output file records it as text, which must be UTF-8 (choose a UTF-8 name)");
  const fs::path dir = directory_of(output);
  // Every name the run creates beside the output and in its checkpoint, with
  // the longest process ID the system can give (a resumed run has another).
  std::size_t pid_digits = 7;  // Linux's largest pid_max, 4194304
  if (std::ifstream pid_max("/proc/sys/kernel/pid_max"); pid_max) {
    std::string v;
    pid_max >> v;
    if (!v.empty()) pid_digits = v.size();
  }
  const std::string pid(pid_digits, '9');
  const std::string name = output.filename().string(), stem = fs::path(io::table_stem(output)).filename().string();
  const std::vector<std::string> beside = {fs::path(OutputLock::lock_path(output)).filename().string(),
                                           name + ".tmp." + pid,
                                           name + ".ckpt",
                                           name + ".run.json.tmp." + pid,
                                           stem + ".planning.csv.tmp." + pid,
                                           stem + ".planning.md.tmp." + pid,
                                           stem + ".comparison.csv.tmp." + pid,
                                           stem + ".comparison.md.tmp." + pid};
  const std::string inside = "s" + std::to_string(scenarios) + "-w" + std::to_string(weeks) + ".bin.tmp." + pid;
  const long name_max = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  if (name_max > 0) {
    const auto longest = *std::max_element(beside.begin(), beside.end(),
                                           [](const auto& a, const auto& b) { return a.size() < b.size(); });
    if (longest.size() > static_cast<std::size_t>(name_max)) {
      const std::size_t room = static_cast<std::size_t>(name_max) - (longest.size() - name.size());
      throw OutputExistsError("cannot write output: the name " + name + " (" + std::to_string(name.size()) +
                              " bytes) is too long: beside it chainsim writes names up to " +
                              std::to_string(longest.size() - name.size()) + " bytes longer (" +
                              stem_pattern(longest, name, stem) + "), and the file system of " + dir.string() +
                              " allows at most " + std::to_string(name_max) +
                              " bytes per name; use an output name of at most " + std::to_string(room) + " bytes");
    }
  }
  const long path_max = ::pathconf(dir.c_str(), _PC_PATH_MAX);
  std::error_code ec;
  const fs::path absolute_dir = fs::absolute(dir, ec);
  const std::size_t longest_path = absolute_dir.string().size() + 1 + (name + ".ckpt/").size() + inside.size();
  if (path_max > 0 && !ec && longest_path >= static_cast<std::size_t>(path_max))
    throw OutputExistsError("cannot write output: the path " + output.string() +
                            " is too long: the checkpoint's files "
                            "would have paths of " +
                            std::to_string(longest_path) + " bytes, the system allows " + std::to_string(path_max - 1));
}

double checkpoint_bytes_on_disk(const fs::path& dir) {
  double sum = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) sum += static_cast<double>(it->file_size(ec));
  return sum;
}

void preflight(const fs::path& out, io::RunEstimate& e, const std::function<void(io::RunEstimate&)>& refine,
               double on_disk, Log& log) {
  const fs::path dir = directory_of(out);
  // Writable? Try it rather than trusting permission bits (root, ACLs, read-only mounts).
  const fs::path probe = dir / (".chainsim-probe." + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    throw OutputExistsError("cannot write output: cannot create " + out.string() + " in " + dir.string() + ": " +
                            std::strerror(errno));
  ::close(fd);
  fs::remove(probe);
  const double mem = available_memory_bytes();
  if (mem > 0 && e.memory_bytes > mem)
    throw NoMemoryError("not enough memory: the run needs about " + gib(e.memory_bytes) + ", " + gib(mem) +
                        " is available; use fewer paths or --window-weeks to shrink the window");
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) == 0) {
    const double free_bytes = static_cast<double>(vfs.f_bavail) * static_cast<double>(vfs.f_frsize);
    refine(e);
    const double need = std::max(0.0, e.disk_bytes() - on_disk);
    if (need > free_bytes)
      throw NoSpaceError("not enough disk space in " + dir.string() + ": the run needs up to " + gib(need) +
                         " (output about " + gib(e.output_bytes()) + "; checkpoint up to " +
                         gib(e.window_bytes + 2 * e.state_bytes) + ": per-path windows " + gib(e.window_bytes) +
                         ", state " + gib(e.state_bytes) + ", twice while it is saved" +
                         (on_disk > 0 ? "; " + gib(on_disk) + " of it already on disk" : std::string()) + "), " +
                         gib(free_bytes) + " is free");
  }
  log.debug("pre-flight: output about " + gib(e.output_bytes()) + ", at most " + gib(e.disk_bytes()) +
            " on disk at once, memory about " + gib(e.memory_bytes));
}

}  // namespace chainsim::app
