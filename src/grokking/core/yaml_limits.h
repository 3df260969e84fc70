// Limits on a YAML config before it is loaded: its size, its number of nodes, and its aliases
// (a few kilobytes of nested aliases can expand to gigabytes: "billion laughs"). A config of
// options needs none of them large. Checked on the parser's event stream, which does not expand
// aliases. Not a validator of the options themselves (options.h).
#pragma once

#include <cstdint>
#include <string>

namespace grok {

inline constexpr int64_t kMaxYamlBytes = 1 << 20;  // 1 MiB
inline constexpr int64_t kMaxYamlNodes = 100'000;
inline constexpr int64_t kMaxYamlAliases = 64;

// UsageError "<source>: ..." naming the limit if `text` exceeds one, or if it is not valid YAML.
void check_yaml_limits(const std::string& text, const std::string& source);

}  // namespace grok
