// libFuzzer target: a checkpoint's state.json (checkpoint_state.h: format, seal, step, files) and
// the trainer's loop state read from it against a run of 5 batches of 64 with 3 loss components
// (run_checkpoint.h). The seal is not required here, so the fuzzer reaches the range checks a
// re-sealed edit would. Every failure must be a grok::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "grokking/checkpoint/checkpoint_state.h"
#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/train/run_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const nlohmann::json state =
        grok::parse_json(std::string(reinterpret_cast<const char*>(data), size), "state.json");
    (void)grok::check_state(state, "state.json");
    const grok::LoopShape shape{5, 64, 3};
    (void)grok::loop_state_from_json(state, "state.json", shape);
  } catch (const grok::Error&) {
  }
  return 0;
}
