#include "forecast/stock_observations.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace chainsim::forecast::stock {
namespace {

using namespace std::chrono;

std::optional<int> number(std::string_view s) {
  int v = 0;
  if (s.empty() || s.size() > 4) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The bin of a lead or of the separation of two observations: as horizon_bin,
// with everything under a month in the first bin and beyond 30 months in the last.
int lead_bin(int rounded) noexcept {
  if (rounded < 1) return horizon_bin(1);
  if (rounded > 30) return horizon_bin(30);
  return horizon_bin(rounded);
}

double rms(const std::vector<double>& z) {
  double s = 0;
  for (double v : z) s += v * v;
  return std::sqrt(s / static_cast<double>(z.size()));
}

}  // namespace

std::optional<Date> period_date(std::string_view p) {
  const auto y = number(p.substr(0, 4));
  if (!y || p.size() < 4 || *y < 1900) return std::nullopt;
  if (p.size() == 4) return Date{year{*y} / December / 31};
  if (p.size() < 7 || p[4] != '-') return std::nullopt;
  const auto m = number(p.substr(5, 2));
  if (!m || *m < 1 || *m > 12) return std::nullopt;
  const year_month ym{year{*y}, month{static_cast<unsigned>(*m)}};
  if (p.size() == 7) return Date{ym / 15};
  if (p.size() != 10 || p[7] != '-') return std::nullopt;
  const auto d = number(p.substr(8, 2));
  if (!d) return std::nullopt;
  const year_month_day ymd{ym / day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return Date{ymd};
}

double months_between(Date from, Date to) noexcept {
  return static_cast<double>((to - from).count()) / (365.25 / 12.0);
}

int rounded_months(Date from, Date to) noexcept { return static_cast<int>(std::lround(months_between(from, to))); }

int horizon_bin(int h) noexcept {
  if (h < 1 || h > 30) return 0;
  if (h <= 4) return 3;
  if (h <= 9) return 6;
  if (h <= 18) return 12;
  return 24;
}

std::vector<Observation> one_per_week(std::vector<Observation> obs, const std::vector<std::string>& priority) {
  auto rank = [&](const Observation& o) {
    const auto it = std::find(priority.begin(), priority.end(), o.series);
    return static_cast<int>(it - priority.begin());
  };
  // Monday-based week: 1970-01-01 was a Thursday, so days + 3 counts from a Monday.
  auto week = [](Date d) {
    const long days = d.time_since_epoch().count() + 3;
    return days >= 0 ? days / 7 : (days - 6) / 7;
  };
  std::vector<std::size_t> order(obs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const long wa = week(obs[a].date), wb = week(obs[b].date);
    if (wa != wb) return wa < wb;
    const int ra = rank(obs[a]), rb = rank(obs[b]);
    if (ra != rb) return ra < rb;
    return obs[a].date < obs[b].date;
  });
  std::vector<Observation> out;
  long last = 0;
  for (std::size_t i : order) {
    const long w = week(obs[i].date);
    if (!out.empty() && w == last) continue;  // a better one of this week is already kept
    out.push_back(std::move(obs[i]));
    last = w;
  }
  return out;
}

const Observation* latest_at_or_before(const std::vector<Observation>& sorted, Date d) noexcept {
  const Observation* best = nullptr;
  for (const Observation& o : sorted) {
    if (o.date > d) break;
    best = &o;
  }
  return best;
}

NaiveSpread naive_log_sd(const std::vector<Observation>& series, const std::vector<Observation>& year_end, Date origin,
                         double lead_months) {
  const int bin = lead_bin(static_cast<int>(std::lround(lead_months)));
  std::vector<double> z;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Observation& a = series[i];
    if (a.date > origin) break;
    for (std::size_t k = i + 1; k < series.size(); ++k) {
      const Observation& b = series[k];
      if (b.date > origin) break;
      if (!(a.value > 0 && b.value > 0) || !(b.date > a.date)) continue;
      if (lead_bin(rounded_months(a.date, b.date)) != bin) continue;
      z.push_back(std::log(b.value / a.value) / std::sqrt(months_between(a.date, b.date) / 12.0));
    }
  }
  NaiveSpread s;
  if (z.size() < 3) {
    z.clear();
    for (std::size_t i = 1; i < year_end.size(); ++i) {
      const Observation &a = year_end[i - 1], &b = year_end[i];
      if (b.date > origin) break;
      if (!(a.value > 0 && b.value > 0)) continue;
      const int gap = rounded_months(a.date, b.date);
      if (gap != 12) continue;  // consecutive year ends only
      z.push_back(std::log(b.value / a.value));
    }
    s.year_end = true;
    if (z.size() < 3)
      throw std::invalid_argument("fewer than 3 log changes before the origin for the naive random walk's spread");
  }
  s.changes = static_cast<int>(z.size());
  s.sd = rms(z) * std::sqrt(std::max(lead_months, 0.0) / 12.0);
  return s;
}

}  // namespace chainsim::forecast::stock
