#include "forecast/calendar.hpp"

#include <chrono>
#include <cstdio>

namespace chainsim::forecast {
namespace {
using namespace std::chrono;

year_month_day ymd(Date d) noexcept { return year_month_day{d}; }

int floor_div(long a, long b) noexcept {
  long q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return static_cast<int>(q);
}
}  // namespace

int week_of(Date start, Date d) noexcept { return floor_div((d - start).count(), 7); }

Date monday_of(Date start, int t) noexcept { return start + days{7L * t}; }

int year_of(Date d) noexcept { return static_cast<int>(ymd(d).year()); }
int month_of(Date d) noexcept { return static_cast<int>(static_cast<unsigned>(ymd(d).month())); }
int half_of(Date d) noexcept { return month_of(d) <= 6 ? 1 : 2; }
int quarter_of(Date d) noexcept { return (month_of(d) - 1) / 3 + 1; }

int mondays_in_half(Date d) noexcept {
  const year y = ymd(d).year();
  const Date first = sys_days{y / (half_of(d) == 1 ? January : July) / 1};
  const Date end = half_of(d) == 1 ? sys_days{y / July / 1} : sys_days{(y + years{1}) / January / 1};
  // First Monday on or after `first`.
  const weekday wd{first};
  const Date monday = first + (Monday - wd);
  return static_cast<int>(((end - monday).count() + 6) / 7);
}

std::string half_label(Date d) { return std::to_string(year_of(d)) + (half_of(d) == 1 ? "-H1" : "-H2"); }

long days_since_epoch(Date d) noexcept { return d.time_since_epoch().count(); }

std::string iso_date(Date d) {
  const auto v = ymd(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(v.year()), static_cast<unsigned>(v.month()),
                static_cast<unsigned>(v.day()));
  return buf;
}

}  // namespace chainsim::forecast
