#include "io/tornado_chart.hpp"
#include "io/text_escape.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace chainsim::io {
namespace {

// Layout, in SVG user units (pixels).
constexpr double kLabelWidth = 170;  // the inputs' names left of the bars
constexpr double kBarWidth = 240;    // index 0..1
constexpr double kPanelPad = 20;
constexpr double kRowHeight = 18;
constexpr double kPanelHead = 40;  // title and subtitle
constexpr double kAxisHeight = 26;
constexpr double kTitleHeight = 56;  // the chart's title and legend

std::string n(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// An index as a bar length: [0, 1] (estimates just outside it by sampling error are clipped).
double clip(double v) { return std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 0.0; }

}  // namespace

std::string svg_text(const std::string& s) {
  return escape_chars(s, {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&apos;"}});
}

std::string tornado_svg(const std::string& title, const std::vector<TornadoPanel>& panels, int columns) {
  columns = std::max(1, columns);
  std::size_t max_bars = 0;
  for (const auto& p : panels) max_bars = std::max(max_bars, p.bars.size());
  const double panel_w = kLabelWidth + kBarWidth + 2 * kPanelPad;
  const double panel_h = kPanelHead + static_cast<double>(max_bars) * kRowHeight + kAxisHeight + kPanelPad;
  const auto rows = (panels.size() + static_cast<std::size_t>(columns) - 1) / static_cast<std::size_t>(columns);
  const double width = panel_w * std::min<double>(columns, std::max<std::size_t>(1, panels.size()));
  const double height = kTitleHeight + panel_h * static_cast<double>(std::max<std::size_t>(rows, 1));

  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + n(width) + "\" height=\"" + n(height) +
       "\" viewBox=\"0 0 " + n(width) + " " + n(height) + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + n(kPanelPad) + "\" y=\"22\" font-size=\"15\" font-weight=\"bold\">" + svg_text(title) +
       "</text>\n";
  // Legend.
  s += "<rect x=\"" + n(kPanelPad) + "\" y=\"34\" width=\"14\" height=\"10\" fill=\"#9ecae1\"/>";
  s += "<text x=\"" + n(kPanelPad + 18) + "\" y=\"43\">total index (with its interval)</text>";
  s += "<rect x=\"" + n(kPanelPad + 200) + "\" y=\"36\" width=\"14\" height=\"6\" fill=\"#08519c\"/>";
  s += "<text x=\"" + n(kPanelPad + 218) + "\" y=\"43\">first-order index</text>\n";

  for (std::size_t k = 0; k < panels.size(); ++k) {
    const TornadoPanel& p = panels[k];
    const double x0 = panel_w * static_cast<double>(k % static_cast<std::size_t>(columns));
    const double y0 = kTitleHeight + panel_h * static_cast<double>(k / static_cast<std::size_t>(columns));
    const double bx = x0 + kPanelPad + kLabelWidth;  // x of index 0
    s += "<g>\n<text x=\"" + n(x0 + kPanelPad) + "\" y=\"" + n(y0 + 16) + "\" font-size=\"13\" font-weight=\"bold\">" +
         svg_text(p.title) + "</text>\n";
    s += "<text x=\"" + n(x0 + kPanelPad) + "\" y=\"" + n(y0 + 31) + "\" fill=\"#444\">" + svg_text(p.subtitle) +
         "</text>\n";
    std::vector<TornadoBar> bars = p.bars;
    std::stable_sort(bars.begin(), bars.end(),
                     [](const TornadoBar& a, const TornadoBar& b) { return clip(a.total) > clip(b.total); });
    const double top = y0 + kPanelHead;
    for (std::size_t i = 0; i < bars.size(); ++i) {
      const TornadoBar& b = bars[i];
      const double y = top + static_cast<double>(i) * kRowHeight;
      s += "<text x=\"" + n(bx - 6) + "\" y=\"" + n(y + 13) + "\" text-anchor=\"end\">" + svg_text(b.label) + "</text>";
      if (std::isfinite(b.total))
        s += "<rect x=\"" + n(bx) + "\" y=\"" + n(y + 3) + "\" width=\"" + n(kBarWidth * clip(b.total)) +
             "\" height=\"12\" fill=\"#9ecae1\"/>";
      if (std::isfinite(b.first))
        s += "<rect x=\"" + n(bx) + "\" y=\"" + n(y + 6) + "\" width=\"" + n(kBarWidth * clip(b.first)) +
             "\" height=\"6\" fill=\"#08519c\"/>";
      if (std::isfinite(b.total_low) && std::isfinite(b.total_high))
        s += "<line x1=\"" + n(bx + kBarWidth * clip(b.total_low)) + "\" x2=\"" +
             n(bx + kBarWidth * clip(b.total_high)) + "\" y1=\"" + n(y + 9) + "\" y2=\"" + n(y + 9) +
             "\" stroke=\"#333\" stroke-width=\"1\"/>";
      s += "\n";
    }
    // Axis: 0, 0.25, ..., 1.
    const double axis_y = top + static_cast<double>(bars.size()) * kRowHeight + 4;
    s += "<line x1=\"" + n(bx) + "\" x2=\"" + n(bx + kBarWidth) + "\" y1=\"" + n(axis_y) + "\" y2=\"" + n(axis_y) +
         "\" stroke=\"#333\"/>";
    for (int t = 0; t <= 4; ++t) {
      const double x = bx + kBarWidth * t / 4.0;
      s += "<line x1=\"" + n(x) + "\" x2=\"" + n(x) + "\" y1=\"" + n(axis_y) + "\" y2=\"" + n(axis_y + 4) +
           "\" stroke=\"#333\"/><text x=\"" + n(x) + "\" y=\"" + n(axis_y + 15) + "\" text-anchor=\"middle\">" +
           (t == 0   ? "0"
            : t == 4 ? "1"
            : t == 2 ? "0.5"
            : t == 1 ? "0.25"
                     : "0.75") +
           "</text>";
    }
    s += "\n</g>\n";
  }
  s += "</svg>\n";
  return s;
}

}  // namespace chainsim::io
