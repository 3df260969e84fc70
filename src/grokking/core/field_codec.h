// How one configuration value reads and writes itself: from a flag or YAML scalar, to YAML
// text (config.yaml, --help defaults), to and from JSON (checkpoint metadata, manifests, plans),
// and as a number for range checks. One Codec<T> per value type; enums take part by declaring
// `std::string to_string(E)` and `void from_string(const std::string&, E&)` (the latter throws
// UsageError naming what is allowed). Used by schema.h; not for files' own formats.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "grokking/core/error.h"

namespace grok {

// Shortest text that reads back as the same double ("0.5", "1e-08", "2.0").
std::string format_double(double value);
// YAML scalar text, quoted when plain text would not read back as the same string.
std::string yaml_scalar(const std::string& text);
// The same for an item of a flow sequence ([a, b]), where commas and brackets need quotes too.
std::string yaml_flow_item(const std::string& text);
// Items of a list flag: split at commas that are not inside quotes or (), [], {}; surrounding
// blanks dropped, quotes around a whole item removed, so `layers\.{0,1}` and `"a,b"` are one
// item each.
std::vector<std::string> split_list(const std::string& text);

namespace codec_detail {
bool valid_utf8(std::string_view text);
[[noreturn]] void bad_value(const std::string& key, const std::string& text, const char* what);
[[noreturn]] void bad_json(const nlohmann::json& value, const char* what);
int64_t parse_int(const std::string& key, const std::string& text);
uint64_t parse_uint(const std::string& key, const std::string& text);
double parse_double(const std::string& key, const std::string& text);
bool parse_bool(const std::string& key, const std::string& text);
}  // namespace codec_detail

template <typename T, typename = void>
struct Codec;

template <typename T>
struct Codec<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
  static constexpr const char* kWhat =
      std::is_unsigned_v<T> ? "a non-negative integer" : "an integer";
  static T parse(const std::string& text, const std::string& key) {
    if constexpr (std::is_unsigned_v<T>) {
      const uint64_t v = codec_detail::parse_uint(key, text);
      if (v > std::numeric_limits<T>::max()) codec_detail::bad_value(key, text, kWhat);
      return static_cast<T>(v);
    } else {
      const int64_t v = codec_detail::parse_int(key, text);
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max())
        codec_detail::bad_value(key, text, kWhat);
      return static_cast<T>(v);
    }
  }
  static constexpr bool kIntegral = true;
  static std::string yaml(const T& v) { return std::to_string(v); }
  static std::string yaml_item(const T& v) { return yaml(v); }
  static nlohmann::json json(const T& v) { return v; }
  static T from_json(const nlohmann::json& j) {
    if (!j.is_number_integer()) codec_detail::bad_json(j, kWhat);
    if constexpr (std::is_unsigned_v<T>) {
      if (j.is_number_unsigned()) {
        const uint64_t v = j.get<uint64_t>();
        if (v <= std::numeric_limits<T>::max()) return static_cast<T>(v);
      } else if (j.get<int64_t>() >= 0 &&
                 static_cast<uint64_t>(j.get<int64_t>()) <= std::numeric_limits<T>::max()) {
        return static_cast<T>(j.get<int64_t>());
      }
      codec_detail::bad_json(j, kWhat);
    } else {
      if (j.is_number_unsigned() &&
          j.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<T>::max()))
        codec_detail::bad_json(j, kWhat);
      const int64_t v = j.get<int64_t>();
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max())
        codec_detail::bad_json(j, kWhat);
      return static_cast<T>(v);
    }
  }
  static std::optional<double> number(const T& v) { return static_cast<double>(v); }
  static std::string text(const T& v) { return std::to_string(v); }
};

template <>
struct Codec<double> {
  static double parse(const std::string& text, const std::string& key) {
    return codec_detail::parse_double(key, text);
  }
  static constexpr bool kIntegral = false;
  static std::string yaml(const double& v) { return format_double(v); }
  static std::string yaml_item(const double& v) { return yaml(v); }
  static nlohmann::json json(const double& v) { return v; }
  static double from_json(const nlohmann::json& j) {
    if (!j.is_number()) codec_detail::bad_json(j, "a number");
    return j.get<double>();
  }
  static std::optional<double> number(const double& v) { return v; }
  static std::string text(const double& v) { return fmt::format("{}", v); }
};

template <>
struct Codec<bool> {
  static bool parse(const std::string& text, const std::string& key) {
    return codec_detail::parse_bool(key, text);
  }
  static constexpr bool kIntegral = false;
  static std::string yaml(const bool& v) { return v ? "true" : "false"; }
  static std::string yaml_item(const bool& v) { return yaml(v); }
  static nlohmann::json json(const bool& v) { return v; }
  static bool from_json(const nlohmann::json& j) {
    if (!j.is_boolean()) codec_detail::bad_json(j, "true or false");
    return j.get<bool>();
  }
  static std::optional<double> number(const bool&) { return std::nullopt; }
  static std::string text(const bool& v) { return yaml(v); }
};

template <>
struct Codec<std::string> {
  // Strings (paths, names) go into JSON files, which must be UTF-8: anything else is refused
  // here rather than when a file is written after training.
  static std::string parse(const std::string& text, const std::string& key) {
    if (!codec_detail::valid_utf8(text))
      codec_detail::bad_value(key, text, "valid UTF-8 (it is written into JSON files)");
    return text;
  }
  static constexpr bool kIntegral = false;
  static std::string yaml(const std::string& v) { return yaml_scalar(v); }
  static std::string yaml_item(const std::string& v) { return yaml_flow_item(v); }
  static nlohmann::json json(const std::string& v) { return v; }
  static std::string from_json(const nlohmann::json& j) {
    if (!j.is_string()) codec_detail::bad_json(j, "a string");
    return j.get<std::string>();
  }
  static std::optional<double> number(const std::string&) { return std::nullopt; }
  static std::string text(const std::string& v) { return "'" + v + "'"; }
};

template <typename E>
struct Codec<E, std::enable_if_t<std::is_enum_v<E>>> {
  static E parse(const std::string& text, const std::string&) {
    E value{};
    from_string(text, value);
    return value;
  }
  static constexpr bool kIntegral = false;
  static std::string yaml(const E& v) { return yaml_scalar(to_string(v)); }
  static std::string yaml_item(const E& v) { return yaml_flow_item(to_string(v)); }
  static nlohmann::json json(const E& v) { return to_string(v); }
  static E from_json(const nlohmann::json& j) {
    if (!j.is_string()) codec_detail::bad_json(j, "a string");
    return parse(j.get<std::string>(), "");
  }
  static std::optional<double> number(const E&) { return std::nullopt; }
  static std::string text(const E& v) { return "'" + std::string(to_string(v)) + "'"; }
};

// An optional value: unset is written `null` and read from "", "null" or "none"; "-1" also
// reads as unset for unsigned values (the sentinel of older config files, e.g. split_seed).
template <typename T>
struct Codec<std::optional<T>> {
  static bool unset(const std::string& text) {
    return text.empty() || text == "null" || text == "none" ||
           (std::is_unsigned_v<T> && text == "-1");
  }
  static std::optional<T> parse(const std::string& text, const std::string& key) {
    if (unset(text)) return std::nullopt;
    return Codec<T>::parse(text, key);
  }
  static constexpr bool kIntegral = Codec<T>::kIntegral;
  static std::string yaml(const std::optional<T>& v) { return v ? Codec<T>::yaml(*v) : "null"; }
  static nlohmann::json json(const std::optional<T>& v) {
    return v ? Codec<T>::json(*v) : nlohmann::json(nullptr);
  }
  static std::optional<T> from_json(const nlohmann::json& j) {
    if (j.is_null()) return std::nullopt;
    return Codec<T>::from_json(j);
  }
  static std::optional<double> number(const std::optional<T>& v) {
    return v ? Codec<T>::number(*v) : std::nullopt;
  }
  static std::string text(const std::optional<T>& v) { return v ? Codec<T>::text(*v) : "null"; }
};

// A list: a flag's comma-separated items (split_list) or a YAML sequence's items.
template <typename T>
struct Codec<std::vector<T>> {
  static constexpr bool kIntegral = Codec<T>::kIntegral;
  static std::vector<T> parse_items(const std::vector<std::string>& items, const std::string& key) {
    std::vector<T> values;
    for (const auto& item : items) values.push_back(Codec<T>::parse(item, key));
    return values;
  }
  static std::vector<T> parse(const std::string& text, const std::string& key) {
    return parse_items(split_list(text), key);
  }
  static std::string yaml(const std::vector<T>& v) {
    std::string text = "[";
    for (std::size_t i = 0; i < v.size(); ++i) text += (i ? ", " : "") + Codec<T>::yaml_item(v[i]);
    return text + "]";
  }
  static nlohmann::json json(const std::vector<T>& v) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& item : v) j.push_back(Codec<T>::json(item));
    return j;
  }
  static std::vector<T> from_json(const nlohmann::json& j) {
    if (!j.is_array()) codec_detail::bad_json(j, "a list");
    std::vector<T> values;
    for (const auto& item : j) values.push_back(Codec<T>::from_json(item));
    return values;
  }
  static std::optional<double> number(const std::vector<T>&) { return std::nullopt; }
  static std::string text(const std::vector<T>& v) { return yaml(v); }
};

// A value written as one YAML flow mapping ("{pattern: x, lr_multiplier: 0}"), read and written
// by its own functions; a list item as it is, never a number. Codec<T> derives from it.
template <typename T, T (*Parse)(const std::string& text, const std::string& key),
          std::string (*Yaml)(const T&), nlohmann::json (*Json)(const T&),
          T (*FromJson)(const nlohmann::json&)>
struct MappingCodec {
  static T parse(const std::string& text, const std::string& key) { return Parse(text, key); }
  static constexpr bool kIntegral = false;
  static std::string yaml(const T& v) { return Yaml(v); }
  static std::string yaml_item(const T& v) { return Yaml(v); }
  static nlohmann::json json(const T& v) { return Json(v); }
  static T from_json(const nlohmann::json& j) { return FromJson(j); }
  static std::optional<double> number(const T&) { return std::nullopt; }
  static std::string text(const T& v) { return Yaml(v); }
};

template <typename T>
inline constexpr bool kIsList = false;
template <typename T>
inline constexpr bool kIsList<std::vector<T>> = true;

}  // namespace grok
