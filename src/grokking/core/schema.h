// Configuration described once. A configuration struct lists its fields, with their names,
// help and allowed ranges, in one member template:
//
//   template <typename V> void visit(V& v) {
//     v(depth, {.name = "depth", .help = "transformer layers", .min = 1, .max = kMaxDepth});
//     v.section(optimizer, {.name = "optimizer", .group = "Optimizer"});
//   }
//
// and everything else is derived from that list by the visitors here: the command-line flags,
// YAML keys, --help and config.yaml (declare_options), the range checks (validate_fields, then
// the struct's own `check(prefix)` for rules across fields), and JSON for checkpoint metadata,
// manifests and plans (to_json, from_json). Adding a field to a struct is the whole change.
#pragma once

#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "grokking/core/field_codec.h"
#include "grokking/core/options.h"

namespace grok {

struct FieldSpec {
  const char* name = "";  // snake_case flag, YAML key and JSON key
  const char* help = "";
  double min = -std::numeric_limits<double>::infinity();  // allowed range of numbers
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;  // the range excludes min (or max)
  bool max_open = false;
  const char* allowed = nullptr;    // what an error says is allowed (default: from the range)
  const char* json_name = nullptr;  // the JSON key when it differs from the name
  const char* alias = nullptr;      // another accepted flag and YAML key
  const char* negation = nullptr;   // bool fields: a switch that sets it false (no_tensorboard)
  bool option = true;               // a flag and YAML key (false: derived, JSON only)
  bool saved = true;                // written into config.yaml
  bool json = true;                 // part of the JSON form
  bool json_optional = false;       // older files may lack it: absent keeps the default
  // Left out of the JSON form while its value's YAML text is this ("0.0", "none"), so that files
  // written without the option stay byte-identical to those from before it; absent when read
  // keeps the default.
  const char* json_unless = nullptr;
  // Sections only: the heading of their options in --help and config.yaml, a prefix for their
  // option names ("teacher_" → --teacher_epochs), and renamed options ("dim=base_dim depth=…").
  const char* group = nullptr;
  const char* prefix = "";
  const char* rename = "";
};

// "an integer >= 1", "a number in [0, 1)", or spec.allowed.
std::string allowed_text(const FieldSpec& spec, bool integral);

namespace schema_detail {
std::string renamed(const std::string& renames, const std::string& name);
[[noreturn]] void out_of_range(const std::string& key, const std::string& value,
                               const FieldSpec& spec, bool integral);
[[noreturn]] void json_field_error(const std::string& source, const std::string& key,
                                   const std::string& problem);
template <typename C>
concept HasCheck = requires(const C& c, const std::string& prefix) {
  c.check(prefix);
};
}  // namespace schema_detail

// Binds every option field of a struct to an OptionSet (flags, YAML keys, help, config.yaml).
class OptionBinder {
 public:
  explicit OptionBinder(OptionSet& options, std::string prefix = "", std::string renames = "")
      : options_(options), prefix_(std::move(prefix)), renames_(std::move(renames)) {}

  template <typename T>
  void operator()(T& field, const FieldSpec& spec) {
    if (!spec.option) return;
    Option option =
        make_option(prefix_ + schema_detail::renamed(renames_, spec.name), &field, spec.help);
    if (spec.alias) option.aliases.push_back(prefix_ + spec.alias);
    option.saved = spec.saved;
    options_.add_custom(std::move(option));
    if constexpr (std::is_same_v<T, bool>) {
      if (spec.negation) {
        Option negated = make_option(prefix_ + spec.negation, &field, "");
        negated.help = fmt::format("the opposite of --{}", prefix_ + spec.name);
        negated.parse = [target = &field, flag = "--" + negated.name](const std::string& text) {
          *target = !Codec<bool>::parse(text, flag);
        };
        negated.format = [target = &field] { return Codec<bool>::yaml(!*target); };
        negated.saved = false;
        options_.add_custom(std::move(negated));
      }
    }
  }

  void group(const char* heading) { options_.group(heading); }

  template <typename C>
  void section(C& nested, const FieldSpec& spec) {
    if (spec.group) options_.group(spec.group);
    OptionBinder inner(options_, prefix_ + spec.prefix,
                       renames_.empty() ? spec.rename : renames_ + " " + spec.rename);
    nested.visit(inner);
  }

 private:
  OptionSet& options_;
  std::string prefix_, renames_;
};

template <typename C>
void declare_options(OptionSet& options, C& config, const std::string& prefix = "") {
  OptionBinder binder(options, prefix);
  config.visit(binder);
}

// Range checks of every field (UsageError "<prefix><name>: <value> is invalid; allowed: …"),
// then each struct's own check(prefix) for rules across its fields.
class FieldValidator {
 public:
  explicit FieldValidator(std::string prefix = "", std::string renames = "")
      : prefix_(std::move(prefix)), renames_(std::move(renames)) {}

  template <typename T>
  void operator()(const T& field, const FieldSpec& spec) const {
    const std::string key = prefix_ + schema_detail::renamed(renames_, spec.name);
    if constexpr (kIsList<T>) {
      for (const auto& item : field) check(item, key, spec);
    } else {
      check(field, key, spec);
    }
  }

  void group(const char*) const {}

  template <typename C>
  void section(const C& nested, const FieldSpec& spec) const {
    FieldValidator inner(prefix_ + spec.prefix,
                         renames_.empty() ? spec.rename : renames_ + " " + spec.rename);
    const_cast<C&>(nested).visit(inner);
    if constexpr (schema_detail::HasCheck<C>) nested.check(prefix_ + spec.prefix);
  }

 private:
  template <typename T>
  static void check(const T& value, const std::string& key, const FieldSpec& spec) {
    const std::optional<double> x = Codec<T>::number(value);
    if (!x) return;
    const bool low = spec.min_open ? *x > spec.min : *x >= spec.min;
    const bool high = spec.max_open ? *x < spec.max : *x <= spec.max;
    if (!low || !high || std::isnan(*x))
      schema_detail::out_of_range(key, Codec<T>::text(value), spec, Codec<T>::kIntegral);
  }
  std::string prefix_, renames_;
};

template <typename C>
void validate_fields(const C& config, const std::string& prefix = "") {
  FieldValidator(prefix).section(config, FieldSpec{});
}

// The JSON form: one key per json field (json_name or name), sections as nested objects.
class JsonWriter {
 public:
  explicit JsonWriter(nlohmann::json& out) : out_(out) {}
  template <typename T>
  void operator()(const T& field, const FieldSpec& spec) {
    if (!spec.json || (spec.json_unless && Codec<T>::yaml(field) == spec.json_unless)) return;
    out_[spec.json_name ? spec.json_name : spec.name] = Codec<T>::json(field);
  }
  void group(const char*) {}

  template <typename C>
  void section(const C& nested, const FieldSpec& spec) {
    JsonWriter inner(out_[spec.json_name ? spec.json_name : spec.name]);
    const_cast<C&>(nested).visit(inner);
  }

 private:
  nlohmann::json& out_;
};

template <typename C>
nlohmann::json to_json(const C& config) {
  nlohmann::json out = nlohmann::json::object();
  JsonWriter writer(out);
  const_cast<C&>(config).visit(writer);
  return out;
}

// Reads what to_json wrote. A missing key is an error unless the field is json_optional (it
// keeps its current value); a mistyped one is an error. Errors name `source` and the key.
class JsonReader {
 public:
  JsonReader(const nlohmann::json& in, std::string source, std::string path = "")
      : in_(in), source_(std::move(source)), path_(std::move(path)) {}
  template <typename T>
  void operator()(T& field, const FieldSpec& spec) {
    if (!spec.json) return;
    const std::string key = spec.json_name ? spec.json_name : spec.name;
    const auto it = in_.find(key);
    if (it == in_.end()) {
      if (spec.json_optional || spec.json_unless) return;
      schema_detail::json_field_error(source_, path_ + key, "missing");
    }
    try {
      field = Codec<T>::from_json(*it);
    } catch (const Error& e) {
      schema_detail::json_field_error(source_, path_ + key, e.what());
    }
  }
  void group(const char*) {}

  template <typename C>
  void section(C& nested, const FieldSpec& spec) {
    const std::string key = spec.json_name ? spec.json_name : spec.name;
    const auto it = in_.find(key);
    if (it == in_.end() || !it->is_object())
      schema_detail::json_field_error(source_, path_ + key, "missing or not an object");
    JsonReader inner(*it, source_, path_ + key + ".");
    nested.visit(inner);
  }

 private:
  const nlohmann::json& in_;
  std::string source_, path_;
};

// Fills `config` from `json` (an object); grok::Error naming source and key on any problem.
template <typename C>
void from_json(const nlohmann::json& json, C& config, const std::string& source) {
  if (!json.is_object()) schema_detail::json_field_error(source, "(top)", "not an object");
  JsonReader reader(json, source);
  config.visit(reader);
}

}  // namespace grok
