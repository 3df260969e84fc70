#include "grokking/checkpoint/checkpoint_state.h"

#include <fmt/format.h>

#include "grokking/checkpoint/checkpoint_manager.h"
#include "grokking/core/sha256.h"

namespace grok {
namespace {

std::string state_digest(nlohmann::json state) {
  state.erase("state_sha256");
  return sha256_hex(state.dump());
}

}  // namespace

void seal_state(nlohmann::json* state) { (*state)["state_sha256"] = state_digest(*state); }

std::string check_state(const nlohmann::json& state, const std::string& source) {
  if (!state.is_object()) return source + ": not a JSON object";
  const auto version = state.find("format_version");
  if (version == state.end() || !version->is_number_integer())
    return source + ": missing or non-integer \"format_version\"";
  if (version->get<int64_t>() > kCheckpointFormatVersion || version->get<int64_t>() < 1)
    return fmt::format("{}: format_version {} is not supported (this build reads 1 to {})", source,
                       version->get<int64_t>(), kCheckpointFormatVersion);
  const auto sha = state.find("state_sha256");
  if (sha == state.end() || !sha->is_string()) return source + ": missing \"state_sha256\"";
  const std::string found = state_digest(state);
  if (sha->get<std::string>() != found)
    return fmt::format("{}: checksum mismatch (expected state_sha256 {}, found {})", source,
                       sha->get<std::string>(), found);
  for (const char* key : {"step", "epoch"}) {
    const auto value = state.find(key);
    if (value == state.end() || !value->is_number_unsigned())
      return fmt::format("{}: missing or invalid \"{}\"", source, key);
  }
  const auto mid_epoch = state.find("mid_epoch");
  if (mid_epoch != state.end() && !mid_epoch->is_boolean())
    return fmt::format("{}: \"mid_epoch\" is {}; allowed true or false", source, mid_epoch->dump());
  const auto files = state.find("files");
  if (files == state.end() || !files->is_object()) return source + ": missing \"files\"";
  return "";
}

}  // namespace grok
