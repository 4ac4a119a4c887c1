#pragma once
// The explicit "append" form of a list in a configuration layer (issue 20).
//
// A list given in a layer (the user file over the seed, a [[scenario]] over the
// base) replaces the list below it as a whole. To keep that list and add to it,
// the layer writes the list's key with "_add":
//
//   [[scenario.capacity.tnv_add]]        # the base's TNV locations and this one
//   name = "cruise ship 2"
//   ...
//
// expand_list_additions rewrites each `<key>_add = [...]` of `layer` (at any
// table depth) into `<key> = <the list below> + [...]` before the layer is
// merged, so the reader downstream sees an ordinary list. Internal to the io
// library.
#include <string>

#include "io/toml_helpers.hpp"

namespace chainsim::io::detail {

// `below` is the merged view the layer goes over; `prefix` names the layer in
// messages ("" for the base, "scenario[<name>]." for a scenario). The entries
// the layer adds are moved, so they keep their file and line; the entries of
// the list below are copied (they were checked when the layer below was read).
// Throws ConfigError when `<key>_add` is not a list, when `<key>` below is not
// a list, or when the layer gives both `<key>` and `<key>_add`.
void expand_list_additions(toml::table& layer, const View& below, const std::string& prefix);

}  // namespace chainsim::io::detail
