// SHA-256 digests (FIPS 180-4, through OpenSSL's libcrypto) as lowercase hex, for the
// checksums recorded with every checkpoint file. Not a general crypto API.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace grok {

// 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

// Digest of a file's content, read in chunks; grok::Error naming the path if unreadable.
std::string sha256_file_hex(const std::filesystem::path& path);

}  // namespace grok
