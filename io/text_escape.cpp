#include "io/text_escape.hpp"

#include <cstdio>

namespace chainsim::io {

std::string escape_chars(std::string_view s, std::initializer_list<CharEscape> named, const char* control_format,
                         bool escape_delete) {
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const CharEscape* hit = nullptr;
    for (const CharEscape& e : named)
      if (e.c == ch) hit = &e;
    const auto c = static_cast<unsigned char>(ch);
    if (hit) {
      out += hit->with;
    } else if (control_format && (c < 0x20 || (escape_delete && c == 0x7f))) {
      char buf[16];
      std::snprintf(buf, sizeof buf, control_format, static_cast<unsigned>(c));
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace chainsim::io
