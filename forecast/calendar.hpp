#pragma once
// Weeks, months, quarters and half-years of a run (MODEL.md §2, §10).
#include "forecast/config.hpp"

#include <string>

namespace chainsim::forecast {

// The week containing `d`: floor((d - start) / 7); negative before the start.
int week_of(Date start, Date d) noexcept;

// Monday of week t.
Date monday_of(Date start, int t) noexcept;

// Calendar parts of a date.
int year_of(Date d) noexcept;
int month_of(Date d) noexcept;    // 1..12
int half_of(Date d) noexcept;     // 1 (Jan-Jun) or 2 (Jul-Dec)
int quarter_of(Date d) noexcept;  // 1..4

// Number of Mondays in the calendar half-year containing d.
int mondays_in_half(Date d) noexcept;

// "2022-H2" for a date in July-December 2022.
std::string half_label(Date d);

// Days since 1970-01-01 and back, for output coordinates.
long days_since_epoch(Date d) noexcept;
std::string iso_date(Date d);

}  // namespace chainsim::forecast
