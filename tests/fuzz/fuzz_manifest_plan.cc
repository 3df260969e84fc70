// libFuzzer target: an experiment's manifest.json and plan.json as a re-run reads them
// (experiment/manifest.h: read_manifest_records; plan.h: compare_plans against itself and
// against an empty plan). Every failure must be a grok::Error.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/experiment/manifest.h"
#include "grokking/experiment/plan.h"

namespace {

const std::filesystem::path& manifest_path() {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("fuzz-manifest-" + std::to_string(::getpid()));
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  {
    std::ofstream out(manifest_path(), std::ios::binary | std::ios::trunc);
    out << text;
  }
  try {
    (void)grok::read_manifest_records(manifest_path());
  } catch (const grok::Error&) {
  }
  try {
    const nlohmann::json plan = grok::parse_json(text, "plan.json");
    (void)grok::compare_plans(plan, plan);
    (void)grok::compare_plans(plan, nlohmann::json::array());
  } catch (const grok::Error&) {
  }
  return 0;
}
