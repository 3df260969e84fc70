#include "grokking/core/json_io.h"

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"

namespace grok {

nlohmann::json parse_json(std::string_view text, const std::string& source) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number past double's range (1e400).
    throw Error(fmt::format("{}: invalid JSON ({})", source, e.what()));
  }
}

nlohmann::json read_json_file(const std::filesystem::path& path) {
  return parse_json(read_file(path), path.string());
}

void write_json_file_atomic(const std::filesystem::path& path, const nlohmann::json& value,
                            int indent) {
  write_file_atomic(path, value.dump(indent) + "\n");
}

}  // namespace grok
