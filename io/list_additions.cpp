#include "io/list_additions.hpp"

#include <vector>

namespace chainsim::io::detail {

namespace {

constexpr std::string_view kSuffix = "_add";
// The schema's tables nest at most four deep; deeper tables are unknown keys,
// reported by the reader (and a hostile a.a.a.a... must not exhaust the stack).
constexpr int kMaxDepth = 8;

const View* kid(const View* v, const std::string& key) {
  if (v == nullptr) return nullptr;
  const auto it = v->kids.find(key);
  return it == v->kids.end() ? nullptr : &it->second;
}

void expand(toml::table& layer, const View* below, const std::string& prefix, int depth) {
  if (depth >= kMaxDepth) return;
  std::vector<std::string> additions;
  for (auto&& [k, child] : layer) {
    const std::string key(k.str());
    if (auto* t = child.as_table()) expand(*t, kid(below, key), prefix + key + ".", depth + 1);
    if (key.size() > kSuffix.size() && key.ends_with(kSuffix)) additions.push_back(key);
  }
  for (const std::string& key_add : additions) {
    const std::string key = key_add.substr(0, key_add.size() - kSuffix.size());
    toml::node& add = *layer.get(key_add);
    if (!add.is_array()) fail(add, prefix + key_add, "a list of entries to append to " + prefix + key);
    if (const toml::node* both = layer.get(key)) {
      fail(*both, prefix + key,
           "either " + key + " (a list that replaces the one below) or " + key_add +
               " (entries appended to it), not both");
    }
    const View* target = kid(below, key);
    if (target == nullptr || target->node == nullptr || !target->node->is_array()) {
      fail(add, prefix + key_add,
           "a key ending in _add only beside a list to append to; " + prefix + key + " is not a list");
    }
    toml::array merged = std::move(*add.as_array());  // a move keeps the file and line
    const toml::array& old = *target->node->as_array();
    merged.insert(merged.cbegin(), old.begin(), old.end());
    layer.erase(key_add);
    layer.insert(key, std::move(merged));
  }
}

}  // namespace

void expand_list_additions(toml::table& layer, const View& below, const std::string& prefix) {
  expand(layer, &below, prefix, 0);
}

}  // namespace chainsim::io::detail
