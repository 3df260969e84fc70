#include "grokking/checkpoint/npy.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace grok {
namespace {

std::string_view descr(DType dtype) {
  switch (dtype) {
    case DType::kF64:
      return "<f8";
    case DType::kF32:
      return "<f4";
    case DType::kI64:
      return "<i8";
    case DType::kU64:
      return "<u8";
    case DType::kI32:
      return "<i4";
    case DType::kU32:
      return "<u4";
    case DType::kI16:
      return "<i2";
    case DType::kU16:
      return "<u2";
    case DType::kI8:
      return "|i1";
    case DType::kU8:
      return "|u1";
  }
  return "";
}

}  // namespace

std::string encode_npy(DType dtype, const Shape& shape, std::string_view bytes) {
  const auto expected = static_cast<std::size_t>(numel(shape)) * dtype_size(dtype);
  if (bytes.size() != expected)
    throw Error(fmt::format("npy: {} bytes for shape of {} elements of {}", bytes.size(),
                            numel(shape), dtype_name(dtype)));
  // Python tuple syntax: (), (3,), (3, 4).
  std::string dims = fmt::format("{}", fmt::join(shape, ", "));
  if (shape.size() == 1) dims += ",";
  std::string header =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", descr(dtype), dims);
  // As numpy.lib.format writes it: room for the first axis to grow to 21 digits in place,
  // then spaces and a newline up to the next multiple of 64 (at least one space).
  if (!shape.empty()) header.append(21 - std::to_string(shape.front()).size(), ' ');
  const std::size_t preamble = 10;  // magic (6), version (2), header length (2)
  header.append(64 - (preamble + header.size() + 1) % 64, ' ');
  header.push_back('\n');
  std::string out = "\x93NUMPY";
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  out += header;
  out.append(bytes);
  return out;
}

}  // namespace grok
