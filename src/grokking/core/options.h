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
  std::function<std::string()> format;            // current value as YAML scalar text
};

class OptionSet {
 public:
  explicit OptionSet(std::string verb, std::string description);
  ~OptionSet();

  // Binds an option to a variable whose current value is the default.
  void add(const std::string& name, int* target, const std::string& help);
  void add(const std::string& name, int64_t* target, const std::string& help);
  void add(const std::string& name, uint64_t* target, const std::string& help);
  void add(const std::string& name, double* target, const std::string& help);
  void add(const std::string& name, std::string* target, const std::string& help);
  void add_switch(const std::string& name, bool* target, const std::string& help);
  // A list of comma-separated values, e.g. --student_scales 0.5,0.25.
  void add(const std::string& name, std::vector<double>* target, const std::string& help);
  void add(const std::string& name, std::vector<std::string>* target, const std::string& help);
  // A custom option (enums): parse and format given by the caller.
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

  // Applies a YAML mapping; unknown keys are errors naming the file and key.
  void apply_yaml_file(const std::string& path);
  void apply_yaml_text(const std::string& text, const std::string& source);

  // The saved options as a YAML document (re-loadable with --config).
  std::string to_yaml() const;
  std::string help_text() const;
  // Names of options set explicitly on the command line (after parse).
  const std::vector<std::string>& explicit_flags() const { return explicit_; }
  const Option* find(const std::string& name) const;

 private:
  Option& push(Option option);
  std::string verb_;
  std::string description_;
  std::string group_ = "Options";
  std::vector<Option> options_;
  std::vector<std::string> explicit_;
  std::vector<std::string>* positionals_ = nullptr;
  std::string positionals_name_, positionals_help_;
  bool positionals_required_ = false;
  std::string config_path_;
};

// Closest name by edit distance, or "" if none is close (for "did you mean").
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace grok
