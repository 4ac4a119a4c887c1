#pragma once
// Numbers as the tables print them: '.' decimals whatever the locale
// (std::to_chars), thousands grouped with ',' for persons, one-decimal
// percentages. Shared by the planning, regional and plan tables and the plan
// command's log, so that a figure reads the same in each.
#include <string>

namespace chainsim::io {

// Fixed-point with at most `decimals` decimals, trailing zeros dropped, "-0"
// as "0"; NaN as "" (an empty CSV field).
std::string trimmed_decimal(double v, int decimals);

// 12345.6 -> "12,346" (rounded to the nearest whole number).
std::string grouped_thousands(double v);

// 0.0525 -> "5.3 %".
std::string percent_one_decimal(double p);

}  // namespace chainsim::io
