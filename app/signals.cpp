#include "app/signals.hpp"

#include "app/exit_codes.hpp"

#include <csignal>
#include <unistd.h>

#include <atomic>

namespace chainsim::app {
namespace {

std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int sig) {
  int expected = 0;
  if (!g_signal.compare_exchange_strong(expected, sig)) {
    // Second signal: stop now. Only async-signal-safe calls here.
    static const char msg[] = "chainsim: second signal: stopping now; resume from the last checkpoint\n";
    const ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    ::_exit(exit_code::kInterrupted);
  }
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  // The terminal closing (an ssh session dropped) ends a run the same way,
  // with its checkpoint and a message, rather than killing it silently.
  sigaction(SIGHUP, &sa, nullptr);
}

bool stop_requested() noexcept { return g_signal.load(std::memory_order_relaxed) != 0; }
int stop_signal() noexcept { return g_signal.load(std::memory_order_relaxed); }

}  // namespace chainsim::app
