// libFuzzer target: a --config YAML file through the real option sets of `train` and
// `experiment` (core/options.h, the schemas of train_config.h and experiment_config.h), then
// their range checks. Every failure must be a grok::Error (a UsageError).
#include <cstddef>
#include <cstdint>
#include <string>

#include "grokking/core/error.h"
#include "grokking/core/options.h"
#include "grokking/experiment/experiment_config.h"
#include "grokking/train/train_config.h"

namespace {

// The task's examples are built by the checks; a large modulus only makes the fuzzer slow.
constexpr int kMaxFuzzedModulus = 97;

template <typename Config>
void apply(const std::string& text, const char* verb) {
  Config config;
  grok::OptionSet options(verb, "fuzz");
  grok::declare_options(options, config);
  options.apply_yaml_text(text, "config.yaml");
  (void)options.to_yaml();
  if constexpr (requires { config.task.p; })
    if (config.task.p > kMaxFuzzedModulus) return;
  config.validate();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    apply<grok::TrainConfig>(text, "train");
  } catch (const grok::Error&) {
  }
  try {
    apply<grok::ExperimentConfig>(text, "experiment");
  } catch (const grok::Error&) {
  }
  return 0;
}
