// libFuzzer target: metadata.json as the loaders read it (model_loader.h: the model config and
// task, with their range checks; run_checkpoint.h: the form a resume compares), then the
// parameter layout the config implies (built, not allocated). Every failure must be a
// grok::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/train/model_loader.h"
#include "grokking/train/run_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const nlohmann::json metadata =
        grok::parse_json(std::string(reinterpret_cast<const char*>(data), size), "metadata.json");
    const grok::ModelConfig config = grok::model_config_from_metadata(metadata, "metadata.json");
    (void)grok::task_config_from_metadata(metadata, "metadata.json");
    (void)grok::comparable_metadata(metadata, "metadata.json", metadata);
    (void)grok::param_layout(config).total_size();
  } catch (const grok::Error&) {
  }
  return 0;
}
