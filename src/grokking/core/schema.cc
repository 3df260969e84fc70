#include "grokking/core/schema.h"

#include <cmath>
#include <sstream>

namespace grok {
namespace {

std::string bound(double x, bool integral) {
  if (integral && std::abs(x) < 9.2e18) return std::to_string(static_cast<int64_t>(x));
  return fmt::format("{}", x);
}

}  // namespace

std::string allowed_text(const FieldSpec& spec, bool integral) {
  if (spec.allowed) return spec.allowed;
  const char* kind = integral ? "an integer" : "a number";
  const bool has_min = std::isfinite(spec.min), has_max = std::isfinite(spec.max);
  if (has_min && has_max)
    return fmt::format("{} in {}{}, {}{}", kind, spec.min_open ? "(" : "[",
                       bound(spec.min, integral), bound(spec.max, integral),
                       spec.max_open ? ")" : "]");
  if (has_min)
    return fmt::format("{} {} {}", kind, spec.min_open ? ">" : ">=", bound(spec.min, integral));
  if (has_max)
    return fmt::format("{} {} {}", kind, spec.max_open ? "<" : "<=", bound(spec.max, integral));
  return integral ? "an integer" : "a finite number";
}

namespace schema_detail {

std::string renamed(const std::string& renames, const std::string& name) {
  std::istringstream in(renames);
  std::string pair, result = name;
  while (in >> pair) {  // later renames apply to earlier results: "dim=base_dim"
    const auto eq = pair.find('=');
    if (eq != std::string::npos && pair.substr(0, eq) == result) result = pair.substr(eq + 1);
  }
  return result;
}

void out_of_range(const std::string& key, const std::string& value, const FieldSpec& spec,
                  bool integral) {
  throw UsageError(
      fmt::format("{}: {} is invalid; allowed: {}", key, value, allowed_text(spec, integral)));
}

void json_field_error(const std::string& source, const std::string& key,
                      const std::string& problem) {
  throw Error(fmt::format("{}: key '{}': {}", source, key, problem));
}

}  // namespace schema_detail
}  // namespace grok
