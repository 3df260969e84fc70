#include "grokking/core/options.h"

#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "grokking/core/error.h"
#include "grokking/core/yaml_limits.h"

namespace grok {
namespace {

std::string kebab(std::string name) {
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
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
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UsageError(fmt::format("--config: '{}' is a directory, not a YAML file", path));
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > static_cast<uintmax_t>(kMaxYamlBytes))
    throw UsageError(fmt::format("--config: '{}' is {} bytes, above the limit of {} bytes", path,
                                 size, kMaxYamlBytes));
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("--config: cannot read '{}'", path));
  std::stringstream text;
  text << in.rdbuf();
  apply_yaml_text(text.str(), path);
}

void OptionSet::apply_yaml_text(const std::string& text, const std::string& source) {
  check_yaml_limits(text, source);
  try {
    apply_yaml_nodes(text, source);
  } catch (const YAML::Exception& e) {
    // A conversion (a key that is not a scalar) or anything else yaml-cpp rejects.
    throw UsageError(fmt::format("{}: invalid YAML: {}", source, e.what()));
  }
}

void OptionSet::apply_yaml_nodes(const std::string& text, const std::string& source) {
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
  std::map<const Option*, std::string> seen;  // option → the key that set it
  for (const auto& entry : root) {
    if (!entry.first.IsScalar())
      throw UsageError(fmt::format("{}: a key must be a plain name", source));
    const std::string key = entry.first.as<std::string>();
    const Option* option = find(key);
    if (option == nullptr || key == "config") {
      const std::string hint = closest_name(key, names);
      throw UsageError(fmt::format("{}: unknown key '{}'{}", source, key,
                                   hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    if (const auto [it, added] = seen.emplace(option, key); !added)
      throw UsageError(fmt::format("{}: key '{}' is given twice{}; give it once", source, key,
                                   it->second == key ? "" : " (as '" + it->second + "')"));
    try {
      if (entry.second.IsSequence()) {
        if (!option->parse_items)
          throw UsageError(fmt::format("key '{}' takes one value, not a list", key));
        std::vector<std::string> items;
        for (const auto& item : entry.second) {
          if (item.IsScalar()) {
            items.push_back(item.as<std::string>());
            continue;
          }
          // A mapping item (param_groups' rules) goes to its option as flow YAML text.
          if (!item.IsMap())
            throw UsageError(fmt::format("key '{}': list items must be scalars or mappings", key));
          YAML::Emitter flow;
          flow << YAML::Flow << item;
          items.push_back(flow.c_str());
        }
        option->parse_items(items);
      } else if (entry.second.IsScalar()) {
        option->parse(entry.second.as<std::string>());
      } else if (entry.second.IsNull()) {
        option->parse("");
      } else {
        throw UsageError(fmt::format("key '{}' must be a scalar or a list", key));
      }
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
          flags, [bound] { bound->parse("true"); }, help);
    } else {
      cli = app.add_option_function<std::string>(
          flags, [bound](const std::string& v) { bound->parse(v); }, help);
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

std::string OptionSet::to_yaml(bool all) const {
  std::string text;
  std::string current_group;
  for (const auto& option : options_) {
    if (!option.saved && !all) continue;
    if (option.group != current_group) {
      text += (text.empty() ? "# " : "\n# ") + option.group + "\n";
      current_group = option.group;
    }
    text += option.name + ": " + option.format() + "\n";
  }
  return text;
}

}  // namespace grok
