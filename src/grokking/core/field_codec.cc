#include "grokking/core/field_codec.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>

namespace grok {

std::string format_double(double v) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  std::string text(buffer, result.ptr);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

std::string yaml_scalar(const std::string& text) {
  YAML::Emitter out;
  out << text;
  return out.c_str();
}

std::string yaml_flow_item(const std::string& text) {
  if (text.find_first_of(",[]{}") == std::string::npos) return yaml_scalar(text);
  YAML::Emitter out;
  out << YAML::DoubleQuoted << text;
  return out.c_str();
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  int depth = 0;
  char quote = 0;
  const auto finish = [&] {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'') &&
        item.back() == item.front())
      item = item.substr(1, item.size() - 2);
    if (!item.empty()) items.push_back(item);
    item.clear();
  };
  for (const char c : text) {
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      finish();
      continue;
    }
    item += c;
  }
  finish();
  return items;
}

namespace codec_detail {

// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing past U+10FFFF.
bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    int extra = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
      return false;
    i += extra + 1;
  }
  return true;
}

void bad_value(const std::string& key, const std::string& text, const char* what) {
  throw UsageError(fmt::format("{}: '{}' is not {}", key, text, what));
}

void bad_json(const nlohmann::json& value, const char* what) {
  throw Error(fmt::format("{} is not {}", value.dump().substr(0, 40), what));
}

namespace {
template <typename T>
T from_chars_exact(const std::string& key, const std::string& text, const char* what) {
  T value{};
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (text.empty() || result.ec != std::errc() || result.ptr != end) bad_value(key, text, what);
  return value;
}
}  // namespace

int64_t parse_int(const std::string& key, const std::string& text) {
  return from_chars_exact<int64_t>(key, text, "an integer");
}

uint64_t parse_uint(const std::string& key, const std::string& text) {
  if (!text.empty() && text[0] == '-') bad_value(key, text, "a non-negative integer");
  return from_chars_exact<uint64_t>(key, text, "a non-negative integer");
}

double parse_double(const std::string& key, const std::string& text) {
  const double value = from_chars_exact<double>(key, text, "a number");
  if (!std::isfinite(value)) bad_value(key, text, "a finite number");
  return value;
}

bool parse_bool(const std::string& key, const std::string& text) {
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  bad_value(key, text, "true or false");
}

}  // namespace codec_detail
}  // namespace grok
