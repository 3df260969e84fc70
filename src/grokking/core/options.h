// Options declared once: each option's name, default (the bound variable's initial value),
// help text and parser live in one declaration, from which the command-line flags
// (--snake_case and --kebab-case), the YAML config keys, --help and the saved config.yaml
// all come. Precedence: built-in defaults < --config FILE < explicit flags.
// Not for validation across options: the config structs' validate() does that.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "grokking/core/field_codec.h"

namespace CLI {
class App;
}

namespace grok {

struct Option {
  std::string name;                  // snake_case flag and YAML key
  std::vector<std::string> aliases;  // extra names accepted in flags and YAML
  std::string help;
  std::string group;                              // section of --help and config.yaml
  bool is_switch = false;                         // a flag without a value (--resume)
  bool saved = true;                              // written into config.yaml
  std::function<void(const std::string&)> parse;  // throws UsageError naming the option
  // Lists only: the items of a YAML sequence, each kept whole (commas and all).
  std::function<void(const std::vector<std::string>&)> parse_items;
  std::function<std::string()> format;  // current value as YAML scalar text
};

// An option bound to *target, read and written by Codec<T> (a bool is a switch; a list takes
// comma-separated items from a flag, or a YAML sequence).
template <typename T>
Option make_option(const std::string& name, T* target, const std::string& help) {
  Option option;
  option.name = name;
  option.help = help;
  option.is_switch = std::is_same_v<T, bool>;
  const std::string flag = "--" + name;
  option.parse = [target, flag](const std::string& text) { *target = Codec<T>::parse(text, flag); };
  if constexpr (kIsList<T>)
    option.parse_items = [target, flag](const std::vector<std::string>& items) {
      *target = Codec<T>::parse_items(items, flag);
    };
  option.format = [target] { return Codec<T>::yaml(*target); };
  return option;
}

class OptionSet {
 public:
  explicit OptionSet(std::string verb, std::string description);
  ~OptionSet();

  // Binds an option to a variable whose current value is the default (make_option).
  template <typename T>
  void add(const std::string& name, T* target, const std::string& help) {
    add_custom(make_option(name, target, help));
  }
  void add_custom(Option option);

  // Subsequent options are listed under this heading.
  void group(const std::string& heading) { group_ = heading; }
  // The last added option: an extra accepted name (YAML and flag), or not saved.
  void alias(const std::string& name);
  void not_saved();
  // Positional arguments (e.g. checkpoint directories).
  void positionals(const std::string& name, std::vector<std::string>* target,
                   const std::string& help, bool required);

  // Parses argv[1..argc) (argv[0] is the verb): applies --config FILE first, then the flags.
  // Returns false if --help was printed (the caller exits 0). Throws UsageError on unknown
  // flags (with a did-you-mean), bad values, or unknown config keys.
  bool parse(int argc, const char* const* argv);

  // Applies a YAML mapping; unknown or repeated keys, a file past the limits of yaml_limits.h,
  // and a directory are errors naming the file and key.
  void apply_yaml_file(const std::string& path);
  void apply_yaml_text(const std::string& text, const std::string& source);

  // The saved options (or all of them) as a YAML document, re-loadable with --config.
  std::string to_yaml(bool all = false) const;
  const Option* find(const std::string& name) const;

 private:
  void apply_yaml_nodes(const std::string& text, const std::string& source);
  Option& push(Option option);
  std::string verb_;
  std::string description_;
  std::string group_ = "Options";
  std::vector<Option> options_;
  std::vector<std::string>* positionals_ = nullptr;
  std::string positionals_name_, positionals_help_;
  bool positionals_required_ = false;
  std::string config_path_;
};

// Closest name by edit distance, or "" if none is close (for "did you mean").
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace grok
