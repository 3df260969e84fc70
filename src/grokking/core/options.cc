#include "grokking/core/options.h"

#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "grokking/core/error.h"

namespace grok {
namespace {

std::string kebab(std::string name) {
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

template <typename T>
T parse_number(const std::string& name, const std::string& text, const char* what) {
  T value{};
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  std::from_chars_result result{};
  if constexpr (std::is_floating_point_v<T>) {
    // from_chars for double handles "1e-3", "inf" is rejected below.
    result = std::from_chars(begin, end, value);
  } else {
    result = std::from_chars(begin, end, value);
  }
  if (text.empty() || result.ec != std::errc() || result.ptr != end)
    throw UsageError(fmt::format("{}: '{}' is not {}", name, text, what));
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(value)) throw UsageError(fmt::format("{}: '{}' is not finite", name, text));
  }
  return value;
}

std::string format_double(double v) {
  // Shortest text that reads back to the same double.
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  std::string text(buffer, result.ptr);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::string quote_if_needed(const std::string& text) {
  YAML::Emitter out;
  out << text;
  return out.c_str();
}

// "[a, b, c]": a YAML flow sequence of the formatted items.
template <typename T, typename Format>
std::string format_list(const std::vector<T>& items, Format format) {
  std::string text = "[";
  for (std::size_t i = 0; i < items.size(); ++i) text += (i ? ", " : "") + format(items[i]);
  return text + "]";
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(3, name.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

OptionSet::OptionSet(std::string verb, std::string description)
    : verb_(std::move(verb)), description_(std::move(description)) {}
OptionSet::~OptionSet() = default;

Option& OptionSet::push(Option option) {
  GROK_CHECK(find(option.name) == nullptr, "option {} declared twice", option.name);
  option.group = group_;
  options_.push_back(std::move(option));
  return options_.back();
}

namespace {

// An option with a value: `parse` reads the text into *target, `format` writes it back.
template <typename T, typename Parse, typename Format>
Option value_option(const std::string& name, const std::string& help, Parse parse, Format format) {
  Option option;
  option.name = name;
  option.help = help;
  option.parse = std::move(parse);
  option.format = std::move(format);
  return option;
}

template <typename T>
Option integer_option(const std::string& name, T* target, const std::string& help,
                      const char* what) {
  return value_option<T>(
      name, help, [=](const std::string& t) { *target = parse_number<T>("--" + name, t, what); },
      [=] { return std::to_string(*target); });
}

}  // namespace

void OptionSet::add(const std::string& name, int* target, const std::string& help) {
  push(integer_option(name, target, help, "an integer"));
}
void OptionSet::add(const std::string& name, int64_t* target, const std::string& help) {
  push(integer_option(name, target, help, "an integer"));
}
void OptionSet::add(const std::string& name, uint64_t* target, const std::string& help) {
  push(integer_option(name, target, help, "a non-negative integer"));
}
void OptionSet::add(const std::string& name, double* target, const std::string& help) {
  push(value_option<double>(
      name, help,
      [=](const std::string& t) { *target = parse_number<double>("--" + name, t, "a number"); },
      [=] { return format_double(*target); }));
}
void OptionSet::add(const std::string& name, std::string* target, const std::string& help) {
  push(value_option<std::string>(
      name, help, [=](const std::string& t) { *target = t; },
      [=] { return quote_if_needed(*target); }));
}
void OptionSet::add_switch(const std::string& name, bool* target, const std::string& help) {
  push({name,
        {},
        help,
        "",
        true,
        true,
        [=](const std::string& t) {
          if (t == "true" || t == "1" || t == "yes") {
            *target = true;
          } else if (t == "false" || t == "0" || t == "no") {
            *target = false;
          } else {
            throw UsageError(fmt::format("--{}: '{}' is not true or false", name, t));
          }
        },
        [=] { return std::string(*target ? "true" : "false"); }});
}
void OptionSet::add(const std::string& name, std::vector<double>* target, const std::string& help) {
  push(value_option<std::vector<double>>(
      name, help,
      [=](const std::string& t) {
        target->clear();
        for (const auto& item : split_list(t))
          target->push_back(parse_number<double>("--" + name, item, "a number"));
      },
      [=] { return format_list(*target, format_double); }));
}
void OptionSet::add(const std::string& name, std::vector<std::string>* target,
                    const std::string& help) {
  push(value_option<std::vector<std::string>>(
      name, help, [=](const std::string& t) { *target = split_list(t); },
      [=] { return format_list(*target, quote_if_needed); }));
}
void OptionSet::add_custom(Option option) { push(std::move(option)); }

void OptionSet::alias(const std::string& name) { options_.back().aliases.push_back(name); }
void OptionSet::not_saved() { options_.back().saved = false; }

void OptionSet::positionals(const std::string& name, std::vector<std::string>* target,
                            const std::string& help, bool required) {
  positionals_ = target;
  positionals_name_ = name;
  positionals_help_ = help;
  positionals_required_ = required;
}

const Option* OptionSet::find(const std::string& name) const {
  for (const auto& option : options_) {
    if (option.name == name) return &option;
    for (const auto& alias_name : option.aliases)
      if (alias_name == name) return &option;
  }
  return nullptr;
}

void OptionSet::apply_yaml_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("--config: cannot read '{}'", path));
  std::stringstream text;
  text << in.rdbuf();
  apply_yaml_text(text.str(), path);
}

void OptionSet::apply_yaml_text(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw UsageError(fmt::format("{}: invalid YAML: {}", source, e.what()));
  }
  if (root.IsNull()) return;
  if (!root.IsMap()) throw UsageError(fmt::format("{}: expected a mapping of key: value", source));
  std::vector<std::string> names;
  for (const auto& option : options_) names.push_back(option.name);
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    const Option* option = find(key);
    if (option == nullptr || key == "config") {
      const std::string hint = closest_name(key, names);
      throw UsageError(fmt::format("{}: unknown key '{}'{}", source, key,
                                   hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    std::string value;
    if (entry.second.IsSequence()) {
      for (const auto& item : entry.second)
        value += (value.empty() ? "" : ",") + item.as<std::string>();
    } else if (entry.second.IsScalar()) {
      value = entry.second.as<std::string>();
    } else if (entry.second.IsNull()) {
      value = "";
    } else {
      throw UsageError(fmt::format("{}: key '{}' must be a scalar or a list", source, key));
    }
    try {
      option->parse(value);
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("{}: {}", source, e.what()));
    }
  }
}

bool OptionSet::parse(int argc, const char* const* argv) {
  // --config first, so that explicit flags override the file.
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config") {
      if (i + 1 >= argc) throw UsageError("--config: expected a file name");
      config_path_ = argv[i + 1];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path_ = arg.substr(9);
    }
  }
  if (!config_path_.empty()) apply_yaml_file(config_path_);

  CLI::App app(description_, "grokking " + verb_);
  app.allow_extras();
  app.get_formatter()->column_width(34);
  std::string ignored_config;
  app.add_option("--config", ignored_config, "YAML file of options (flags override it)")
      ->group("Options");
  std::vector<std::string> names;
  for (auto& option : options_) {
    std::string flags = "--" + option.name;
    names.push_back(option.name);
    if (kebab(option.name) != option.name) flags += ",--" + kebab(option.name);
    for (const auto& alias_name : option.aliases) flags += ",--" + alias_name;
    std::string help = option.help;
    if (!option.is_switch) help += " [default: " + option.format() + "]";
    Option* bound = &option;
    CLI::Option* cli = nullptr;
    if (option.is_switch) {
      cli = app.add_flag_callback(
          flags,
          [this, bound] {
            bound->parse("true");
            explicit_.push_back(bound->name);
          },
          help);
    } else {
      cli = app.add_option_function<std::string>(
          flags,
          [this, bound](const std::string& v) {
            bound->parse(v);
            explicit_.push_back(bound->name);
          },
          help);
      cli->type_name("");
      cli->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // a repeated flag: last wins
    }
    cli->group(option.group);
  }
  if (positionals_ != nullptr) {
    auto* cli = app.add_option(positionals_name_, *positionals_, positionals_help_);
    if (positionals_required_) cli->required();
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return false;
  } catch (const CLI::ParseError& e) {
    throw UsageError(fmt::format("grokking {}: {}", verb_, e.what()));
  }
  for (const auto& extra : app.remaining()) {
    if (extra.rfind("--", 0) == 0 || (extra.size() > 1 && extra[0] == '-')) {
      std::string name = extra.substr(extra.find_first_not_of('-'));
      name = name.substr(0, name.find('='));
      std::replace(name.begin(), name.end(), '-', '_');
      const std::string hint = closest_name(name, names);
      throw UsageError(fmt::format("grokking {}: unknown flag '{}'{}", verb_, extra,
                                   hint.empty() ? "" : " (did you mean '--" + hint + "'?)"));
    }
    throw UsageError(fmt::format("grokking {}: unexpected argument '{}'", verb_, extra));
  }
  return true;
}

std::string OptionSet::to_yaml() const {
  std::string text;
  std::string current_group;
  for (const auto& option : options_) {
    if (!option.saved) continue;
    if (option.group != current_group) {
      text += (text.empty() ? "# " : "\n# ") + option.group + "\n";
      current_group = option.group;
    }
    text += option.name + ": " + option.format() + "\n";
  }
  return text;
}

std::string OptionSet::help_text() const {
  std::string text;
  for (const auto& option : options_) text += "--" + option.name + "  " + option.help + "\n";
  return text;
}

}  // namespace grok
