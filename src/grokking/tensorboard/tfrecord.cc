#include "grokking/tensorboard/tfrecord.h"

#include <fmt/format.h>

#include <array>
#include <cstring>

#include "grokking/core/error.h"

namespace grok::tensorboard {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78u;  // Castagnoli, bit-reflected
constexpr uint32_t kMaskDelta = 0xa282ead8u;

constexpr std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ kPolynomial : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kTable = make_table();

void put_le(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
}

uint64_t get_le(std::string_view in, std::size_t at, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i)
    value |= static_cast<uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return value;
}

}  // namespace

uint32_t crc32c(std::string_view data) {
  uint32_t crc = 0xffffffffu;
  for (const char c : data)
    crc = kTable[(crc ^ static_cast<unsigned char>(c)) & 0xffu] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

uint32_t masked_crc32c(std::string_view data) {
  const uint32_t crc = crc32c(data);
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}

std::string tfrecord_frame(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  put_le(out, data.size(), 8);
  put_le(out, masked_crc32c(out), 4);
  out.append(data);
  put_le(out, masked_crc32c(data), 4);
  return out;
}

std::vector<std::string> read_tfrecords(std::string_view bytes, const std::string& source) {
  std::vector<std::string> records;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const auto fail = [&](const std::string& problem) {
      throw Error(fmt::format("{}: record {} at byte {}: {}", source, records.size(), at, problem));
    };
    if (bytes.size() - at < 12) fail("truncated length header");
    const uint64_t length = get_le(bytes, at, 8);
    if (get_le(bytes, at + 8, 4) != masked_crc32c(bytes.substr(at, 8)))
      fail("length checksum mismatch");
    if (length > bytes.size() - at - 12 || bytes.size() - at - 12 - length < 4)
      fail(fmt::format("truncated data ({} bytes announced)", length));
    const std::string_view data = bytes.substr(at + 12, length);
    if (get_le(bytes, at + 12 + length, 4) != masked_crc32c(data)) fail("data checksum mismatch");
    records.emplace_back(data);
    at += 16 + length;
  }
  return records;
}

}  // namespace grok::tensorboard
