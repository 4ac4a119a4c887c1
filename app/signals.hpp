#pragma once
// SIGTERM, SIGINT and SIGHUP ask a run to stop: the first lets the current
// window of weeks finish (or, while the output is being written, abandons the
// partial file), writes a checkpoint and exits with the resumable status; a
// second one exits at once with the same status (the previous checkpoint on
// disk stays valid). Nothing else in the program installs signal handlers.
namespace chainsim::app {

void install_stop_handlers();
bool stop_requested() noexcept;
// Which signal asked to stop (0 if none).
int stop_signal() noexcept;

}  // namespace chainsim::app
