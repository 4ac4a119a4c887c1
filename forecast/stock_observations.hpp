#pragma once
// Published values of a reception stock (COA occupancy, permit holders in
// reception) as dated observations, and the rules of the stock backtest that
// depend only on those dates: what date a period stands for, one observation
// per week, the value known at an origin, horizons, and the spread of the
// naive random walk. Pure: the caller turns data rows into Observations.
#include "forecast/config.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chainsim::forecast::stock {

struct Observation {
  Date date{};         // the day the value refers to (period_date)
  double value = 0.0;  // persons
  std::string series;  // the producer's series, e.g. "coa_occupancy_31dec"
  std::string period;  // as published
  std::string where;   // "file:line", for messages and the detail CSV
};

// The day a published period stands for:
//   "YYYY-MM-DD" that day;
//   "YYYY-MM"    the 15th (mid-month: the 15th is within a day of the middle
//                of every month, and the sources say only "in August");
//   "YYYY"       31 December (the yearly stocks are year-end stocks: NJI's
//                are dated 31 December, and COA's yearly table equals them
//                where both exist, data/README.md).
// nullopt for anything else.
std::optional<Date> period_date(std::string_view period);

// Months between two dates as a decimal (days / (365.25 / 12)), and rounded
// to the nearest whole month (halves away from zero).
double months_between(Date from, Date to) noexcept;
int rounded_months(Date from, Date to) noexcept;

// Horizon bins of the stock backtest, by the rounded horizon h in months:
// 1..4 -> 3, 5..9 -> 6, 10..18 -> 12, 19..30 -> 24; 0 (not scored) otherwise.
// Stocks are published at scattered dates, so every observation within 30
// months of an origin is scored once, in the bin of its horizon.
int horizon_bin(int rounded_horizon_months) noexcept;

// Several producers publish the same stock (NJI's 31-December values, COA's
// yearly table, COA points). Two values in the same Monday-based week would be
// one observation counted twice, so per week only one is kept: the series
// that comes first in `priority` (series not listed come after all listed
// ones), then the earlier date, then the earlier in the input. The result is
// sorted by date.
std::vector<Observation> one_per_week(std::vector<Observation> observations, const std::vector<std::string>& priority);

// The latest observation dated on or before `d` (nullptr when there is none).
const Observation* latest_at_or_before(const std::vector<Observation>& sorted_by_date, Date d) noexcept;

// Log-scale sd of the naive random walk over `lead_months` (from the last
// observation before the origin to the scored date), from history before the
// origin only. Changes: every pair of observations a < b of the series dated
// on or before the origin whose separation falls in the same bin as the lead
// (horizon_bin of the rounded months, leads beyond 30 months counted in the
// 24-month bin, leads under a month in the 3-month bin); each log change is
// put on a yearly scale, z = log(b / a) / sqrt(months(a, b) / 12). With at
// least 3 such changes the sd is the root mean square of z (about zero: the
// naive assumes no drift, so a trend in the history widens it instead of
// moving its centre) times sqrt(lead / 12). With fewer, the same from the
// consecutive yearly changes of `year_end` (31-December values dated on or
// before the origin). Throws std::invalid_argument when both have fewer than 3.
struct NaiveSpread {
  double sd = 0.0;
  int changes = 0;        // changes used
  bool year_end = false;  // true when the year-end fallback was used
};
NaiveSpread naive_log_sd(const std::vector<Observation>& series, const std::vector<Observation>& year_end, Date origin,
                         double lead_months);

}  // namespace chainsim::forecast::stock
