#include "grokking/checkpoint/safetensors.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>

namespace grok {
namespace {

struct DTypeInfo {
  DType dtype;
  std::string_view name;
  std::size_t size;
};

constexpr std::array<DTypeInfo, 10> kDTypes = {{
    {DType::kF64, "F64", 8},
    {DType::kF32, "F32", 4},
    {DType::kI64, "I64", 8},
    {DType::kU64, "U64", 8},
    {DType::kI32, "I32", 4},
    {DType::kU32, "U32", 4},
    {DType::kI16, "I16", 2},
    {DType::kU16, "U16", 2},
    {DType::kI8, "I8", 1},
    {DType::kU8, "U8", 1},
}};

// The reference implementation refuses headers above 100 MB; so do we.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

const DTypeInfo& info(DType dtype) {
  for (const auto& entry : kDTypes)
    if (entry.dtype == dtype) return entry;
  throw Error(fmt::format("internal error: unknown DType {}", static_cast<int>(dtype)));
}

// numel(shape) * element_size, or false on a negative dimension or overflow.
bool byte_count(const Shape& shape, std::size_t element_size, uint64_t* out) {
  uint64_t n = element_size;
  for (const int64_t dim : shape) {
    if (dim < 0) return false;
    if (__builtin_mul_overflow(n, static_cast<uint64_t>(dim), &n)) return false;
  }
  *out = n;
  return true;
}

std::string shape_text(const Shape& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

// One decoded header entry before its bytes are copied.
struct Entry {
  std::string name;
  DType dtype;
  Shape shape;
  uint64_t begin;
  uint64_t end;
};

Entry parse_entry(const std::string& name, const nlohmann::json& value, const std::string& source) {
  const auto fail = [&](const std::string& problem) -> Error {
    return Error(fmt::format("{}: tensor '{}': {}", source, name, problem));
  };
  if (!value.is_object()) throw fail("header entry is not an object");
  if (!value.contains("dtype") || !value["dtype"].is_string())
    throw fail("missing or non-string \"dtype\"");
  if (!value.contains("shape") || !value["shape"].is_array())
    throw fail("missing or non-array \"shape\"");
  if (!value.contains("data_offsets") || !value["data_offsets"].is_array() ||
      value["data_offsets"].size() != 2)
    throw fail("\"data_offsets\" must be an array [begin, end]");
  Entry entry{name, DType::kF32, {}, 0, 0};
  const auto dtype_text = value["dtype"].get<std::string>();
  bool known = false;
  for (const auto& d : kDTypes)
    if (d.name == dtype_text) {
      entry.dtype = d.dtype;
      known = true;
    }
  if (!known)
    throw fail(
        fmt::format("unsupported dtype \"{}\" (supported: F64 F32 I64 U64 I32 U32 I16 "
                    "U16 I8 U8)",
                    dtype_text));
  for (const auto& dim : value["shape"]) {
    if (!dim.is_number_unsigned() || dim.get<uint64_t>() > uint64_t{INT64_MAX})
      throw fail(
          fmt::format("invalid dimension {} in shape {}", dim.dump(), value["shape"].dump()));
    entry.shape.push_back(dim.get<int64_t>());
  }
  for (const auto& offset : value["data_offsets"])
    if (!offset.is_number_unsigned())
      throw fail(fmt::format("invalid data_offsets {}", value["data_offsets"].dump()));
  entry.begin = value["data_offsets"][0].get<uint64_t>();
  entry.end = value["data_offsets"][1].get<uint64_t>();
  uint64_t expected = 0;
  if (!byte_count(entry.shape, info(entry.dtype).size, &expected))
    throw fail(fmt::format("shape {} is too large", shape_text(entry.shape)));
  if (entry.end < entry.begin || entry.end - entry.begin != expected)
    throw fail(fmt::format("data_offsets [{}, {}] hold {} bytes but {} {} needs {}", entry.begin,
                           entry.end, entry.end < entry.begin ? 0 : entry.end - entry.begin,
                           dtype_text, shape_text(entry.shape), expected));
  return entry;
}

// Parses the header JSON, refusing duplicate top-level keys (nlohmann keeps the last).
nlohmann::json parse_header(std::string_view text, const std::string& source) {
  std::set<std::string> keys;
  std::string duplicate;
  const nlohmann::json::parser_callback_t callback =
      [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        if (event == nlohmann::json::parse_event_t::key && depth == 1) {
          const auto key = parsed.get<std::string>();
          if (!keys.insert(key).second && duplicate.empty()) duplicate = key;
        }
        return true;
      };
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(text, callback);
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: header is not valid JSON ({})", source, e.what()));
  }
  if (!duplicate.empty())
    throw Error(fmt::format("{}: header lists '{}' twice", source, duplicate));
  if (!header.is_object()) throw Error(fmt::format("{}: header is not a JSON object", source));
  return header;
}

}  // namespace

std::string_view dtype_name(DType dtype) { return info(dtype).name; }

std::size_t dtype_size(DType dtype) { return info(dtype).size; }

DType parse_dtype(std::string_view name) {
  for (const auto& entry : kDTypes)
    if (entry.name == name) return entry.dtype;
  throw Error(
      fmt::format("unsupported dtype \"{}\" (supported: F64 F32 I64 U64 I32 U32 I16 "
                  "U16 I8 U8)",
                  name));
}

const SafeTensor* SafeTensorFile::find(std::string_view name) const {
  for (const auto& tensor : tensors)
    if (tensor.name == name) return &tensor;
  return nullptr;
}

const SafeTensor& SafeTensorFile::get(std::string_view name) const {
  const SafeTensor* tensor = find(name);
  if (tensor == nullptr) throw Error(fmt::format("{}: no tensor named '{}'", source, name));
  return *tensor;
}

std::string encode_safetensors(const std::vector<SafeTensorView>& tensors,
                               const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  std::set<std::string_view> names;
  for (const auto& tensor : tensors) {
    if (tensor.name.empty() || tensor.name == "__metadata__")
      throw Error(fmt::format("safetensors: invalid tensor name '{}'", tensor.name));
    if (!names.insert(tensor.name).second)
      throw Error(fmt::format("safetensors: duplicate tensor name '{}'", tensor.name));
    uint64_t expected = 0;
    if (!byte_count(tensor.shape, dtype_size(tensor.dtype), &expected) ||
        expected != tensor.bytes.size())
      throw Error(fmt::format("safetensors: tensor '{}' {} {} needs {} bytes, got {}", tensor.name,
                              dtype_name(tensor.dtype), shape_text(tensor.shape), expected,
                              tensor.bytes.size()));
    header[tensor.name] = {{"dtype", dtype_name(tensor.dtype)},
                           {"shape", tensor.shape},
                           {"data_offsets", {offset, offset + expected}}};
    offset += expected;
  }
  std::string header_text = header.dump();
  header_text.resize((header_text.size() + 7) / 8 * 8, ' ');
  std::string out;
  out.reserve(8 + header_text.size() + offset);
  const uint64_t n = header_text.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += header_text;
  for (const auto& tensor : tensors) out.append(tensor.bytes);
  return out;
}

SafeTensorFile decode_safetensors(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 8)
    throw Error(fmt::format("{}: truncated ({} bytes, shorter than the 8-byte header length)",
                            source, bytes.size()));
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
  if (n > kMaxHeaderBytes || n > bytes.size() - 8)
    throw Error(
        fmt::format("{}: header length {} exceeds the file ({} bytes); truncated or not "
                    "a safetensors file",
                    source, n, bytes.size()));
  const std::string_view header_text = bytes.substr(8, n);
  if (header_text.empty() || header_text.front() != '{')
    throw Error(fmt::format("{}: header does not start with '{{'", source));
  const nlohmann::json header = parse_header(header_text, source);
  const std::string_view data = bytes.substr(8 + n);

  SafeTensorFile file;
  file.source = source;
  std::vector<Entry> entries;
  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) throw Error(fmt::format("{}: __metadata__ is not an object", source));
      for (const auto& [mkey, mvalue] : value.items()) {
        if (!mvalue.is_string())
          throw Error(fmt::format("{}: __metadata__ value of '{}' is not a string", source, mkey));
        file.metadata[mkey] = mvalue.get<std::string>();
      }
      continue;
    }
    entries.push_back(parse_entry(key, value, source));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::pair(a.begin, a.end) < std::pair(b.begin, b.end);
  });
  uint64_t position = 0;
  for (const auto& entry : entries) {
    if (entry.begin != position)
      throw Error(fmt::format("{}: tensor '{}' starts at byte {} of the data, expected {} ({})",
                              source, entry.name, entry.begin, position,
                              entry.begin < position ? "overlap" : "gap"));
    position = entry.end;
  }
  if (position != data.size())
    throw Error(fmt::format("{}: {} ({} data bytes, the header describes {})", source,
                            position > data.size() ? "truncated" : "trailing bytes after the data",
                            data.size(), position));
  for (auto& entry : entries)
    file.tensors.push_back({std::move(entry.name), entry.dtype, std::move(entry.shape),
                            std::string(data.substr(entry.begin, entry.end - entry.begin))});
  return file;
}

}  // namespace grok
