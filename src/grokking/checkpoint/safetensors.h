// The safetensors tensor file format (https://github.com/huggingface/safetensors): an 8-byte
// little-endian header length N, N bytes of JSON header
//   {"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}}
// padded with spaces to a multiple of 8, then the raw little-endian tensor data, contiguous
// in header order. Files we write load with safetensors.numpy.load_file, and we read files
// written by the Python library. This module only encodes and decodes bytes; see
// tensor_io.h for files and arenas. Not supported: F16/BF16/BOOL/F8 dtypes.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/core/tensor.h"

namespace grok {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; big-endian hosts would need byte swaps");

enum class DType { kF64, kF32, kI64, kU64, kI32, kU32, kI16, kU16, kI8, kU8 };

// "F32", "I64", ... as written in the header.
std::string_view dtype_name(DType dtype);
// Inverse of dtype_name; grok::Error listing the supported names otherwise.
DType parse_dtype(std::string_view name);
std::size_t dtype_size(DType dtype);

// The dtype of a C++ element type (float -> kF32, uint64_t -> kU64, ...).
template <typename T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<double>() {
  return DType::kF64;
}
template <>
constexpr DType dtype_of<float>() {
  return DType::kF32;
}
template <>
constexpr DType dtype_of<int64_t>() {
  return DType::kI64;
}
template <>
constexpr DType dtype_of<uint64_t>() {
  return DType::kU64;
}
template <>
constexpr DType dtype_of<int32_t>() {
  return DType::kI32;
}
template <>
constexpr DType dtype_of<uint32_t>() {
  return DType::kU32;
}
template <>
constexpr DType dtype_of<int16_t>() {
  return DType::kI16;
}
template <>
constexpr DType dtype_of<uint16_t>() {
  return DType::kU16;
}
template <>
constexpr DType dtype_of<int8_t>() {
  return DType::kI8;
}
template <>
constexpr DType dtype_of<uint8_t>() {
  return DType::kU8;
}

// A tensor to encode: borrows `bytes` (numel(shape) * dtype_size(dtype) bytes) from the caller.
struct SafeTensorView {
  std::string name;
  DType dtype = DType::kF32;
  Shape shape;  // [] for a scalar
  std::string_view bytes;
};

// A view of `numel(shape)` elements at `data` (which must outlive the view).
template <typename T>
SafeTensorView make_view(std::string name, Shape shape, const T* data) {
  const auto n = static_cast<std::size_t>(numel(shape)) * sizeof(T);
  return {std::move(name), dtype_of<T>(), std::move(shape),
          std::string_view(reinterpret_cast<const char*>(data), n)};
}

// A decoded tensor (owns a copy of its bytes).
struct SafeTensor {
  std::string name;
  DType dtype = DType::kF32;
  Shape shape;
  std::string bytes;

  // The elements as T; grok::Error if T does not match dtype.
  template <typename T>
  std::vector<T> values() const {
    if (dtype_of<T>() != dtype)
      throw Error(fmt::format("tensor '{}' has dtype {}, read as {}", name, dtype_name(dtype),
                              dtype_name(dtype_of<T>())));
    std::vector<T> out(bytes.size() / sizeof(T));
    if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  }
};

// A decoded file: tensors in data order, the header's __metadata__, and where it came from.
struct SafeTensorFile {
  std::string source;  // path (or description) used in error messages
  std::map<std::string, std::string> metadata;
  std::vector<SafeTensor> tensors;

  // nullptr if absent.
  const SafeTensor* find(std::string_view name) const;
  // grok::Error "<source>: no tensor named '<name>'" if absent.
  const SafeTensor& get(std::string_view name) const;
};

// Encodes tensors in the given order (offsets contiguous from 0). The header lists
// "__metadata__" first (omitted when empty), then the tensors in order, and is padded with
// spaces to a multiple of 8 bytes so that data starts aligned. Throws grok::Error on a
// duplicate or empty name or a byte count that does not match shape and dtype.
std::string encode_safetensors(const std::vector<SafeTensorView>& tensors,
                               const std::map<std::string, std::string>& metadata = {});

// Decodes and validates a whole file: header length within the file, JSON object, known
// dtypes, non-negative shapes, offsets matching shape x dtype, contiguous from 0 with no
// overlap or gap and ending at the end of the file, string-valued __metadata__, no duplicate
// names. Every failure is a grok::Error "<source>: <problem>".
SafeTensorFile decode_safetensors(std::string_view bytes, const std::string& source);

}  // namespace grok
