// TFRecord framing, the container of TensorBoard event files: each record is
//   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes |
//   length bytes of data | uint32 masked CRC-32C of the data
// with CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) masked as
// ((crc >> 15) | (crc << 17)) + 0xa282ead8. Not the messages inside (event_writer.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace grok::tensorboard {

// CRC-32C of `data`; crc32c("123456789") = 0xE3069283.
uint32_t crc32c(std::string_view data);
uint32_t masked_crc32c(std::string_view data);

// One framed record holding `data`.
std::string tfrecord_frame(std::string_view data);

// The records of a whole file, in order. grok::Error naming `source`, the record and the
// problem (truncated, length or data checksum mismatch).
std::vector<std::string> read_tfrecords(std::string_view bytes, const std::string& source);

}  // namespace grok::tensorboard
