#pragma once
// A tornado chart of sensitivity indices as an SVG document: one panel per
// output and horizon, one horizontal bar per input, longest on top. The light
// bar is the total index with its interval as a whisker, the dark bar inside
// it the first-order index. Written as text, so the chart needs no plotting
// library and opens in any browser.
#include <string>
#include <vector>

namespace chainsim::io {

struct TornadoBar {
  std::string label;
  double first = 0.0;                        // first-order index
  double total = 0.0;                        // total index
  double total_low = 0.0, total_high = 0.0;  // its interval (NaN: none drawn)
};

struct TornadoPanel {
  std::string title;             // "occupancy, year 1"
  std::string subtitle;          // "parameters 62 %, process noise 30 %"
  std::vector<TornadoBar> bars;  // drawn sorted by total index, largest first
};

// The chart: `columns` panels per row; indices are drawn on [0, 1] (NaN
// values are drawn as no bar, the label kept).
std::string tornado_svg(const std::string& title, const std::vector<TornadoPanel>& panels, int columns);

// Text for an SVG element: &, <, >, " and ' escaped.
std::string svg_text(const std::string& s);

}  // namespace chainsim::io
