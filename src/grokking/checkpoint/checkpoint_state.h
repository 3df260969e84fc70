// state.json of a step directory: the reserved keys the manager adds to the caller's state
// and the self-checksum that detects a corrupted state.json. Internal to checkpoint/.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace grok {

inline constexpr std::array<std::string_view, 6> kReservedStateKeys = {
    "format_version", "step", "epoch", "mid_epoch", "files", "state_sha256"};

// Sets "state_sha256" to the SHA-256 of the compact dump of `state` without that key (keys
// sorted, so parse -> dump reproduces the same text).
void seal_state(nlohmann::json* state);

// "" if `state` has the reserved keys with valid types, a supported format_version and a
// matching state_sha256; otherwise "<source>: <problem>".
std::string check_state(const nlohmann::json& state, const std::string& source);

}  // namespace grok
