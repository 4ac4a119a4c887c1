#include "io/number_format.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace chainsim::io {

std::string trimmed_decimal(double v, int decimals) {
  if (std::isnan(v)) return "";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  std::string s(buf, r.ptr);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string grouped_thousands(double v) {
  const long long n = std::llround(v);
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out = n < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string percent_one_decimal(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", 100 * p);
  return buf;
}

}  // namespace chainsim::io
