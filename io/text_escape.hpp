#pragma once
// One escaper for the text formats the engine writes (JSON, TOML, SVG, the
// terminal's one-line form): each format is a short table of characters and
// what replaces them, plus how control characters are spelled.
#include <initializer_list>
#include <string>
#include <string_view>

namespace chainsim::io {

struct CharEscape {
  char c;
  const char* with;
};

// `s` with each character of `named` replaced by its text; other control
// characters (below 0x20, and DEL when `escape_delete`) written with
// `control_format` (a printf format of one unsigned, e.g. "\\u%04X"), or
// kept as they are when it is null.
std::string escape_chars(std::string_view s, std::initializer_list<CharEscape> named,
                         const char* control_format = nullptr, bool escape_delete = false);

}  // namespace chainsim::io
