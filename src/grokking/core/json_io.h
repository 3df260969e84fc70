// JSON files: parse with errors that name the file and the position, write atomically
// (see atomic_file.h). For metadata, state and manifest files; not for streaming logs.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace grok {

// Parses `text`; grok::Error "<source>: invalid JSON (<parser message>)" on failure.
nlohmann::json parse_json(std::string_view text, const std::string& source);

// Reads and parses `path`; grok::Error naming the path if missing, unreadable or invalid.
nlohmann::json read_json_file(const std::filesystem::path& path);

// Writes `value` (indented by `indent`, newline-terminated) atomically to `path`.
void write_json_file_atomic(const std::filesystem::path& path, const nlohmann::json& value,
                            int indent = 2);

}  // namespace grok
