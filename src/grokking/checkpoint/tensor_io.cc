#include "grokking/checkpoint/tensor_io.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"

namespace grok {

SafeTensorFile read_safetensors(const std::filesystem::path& path) {
  return decode_safetensors(read_file(path), path.string());
}

void write_safetensors(const std::filesystem::path& path,
                       const std::vector<SafeTensorView>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  write_file_atomic(path, encode_safetensors(tensors, metadata));
}

std::vector<SafeTensorView> layout_views(const TensorLayout& layout, const float* arena,
                                         std::string_view prefix) {
  std::vector<SafeTensorView> views;
  views.reserve(layout.tensors().size());
  for (const auto& spec : layout.tensors())
    views.push_back(make_view(std::string(prefix) + spec.name, spec.shape, arena + spec.offset));
  return views;
}

std::vector<std::string> layout_names(const TensorLayout& layout, std::string_view prefix) {
  std::vector<std::string> names;
  for (const auto& spec : layout.tensors()) names.push_back(std::string(prefix) + spec.name);
  return names;
}

std::vector<const SafeTensor*> check_layout(const SafeTensorFile& file, const TensorLayout& layout,
                                            std::string_view prefix) {
  std::vector<const SafeTensor*> found;
  for (const auto& spec : layout.tensors()) {
    const std::string name = std::string(prefix) + spec.name;
    const SafeTensor* tensor = file.find(name);
    if (tensor == nullptr)
      throw Error(fmt::format("{}: tensor '{}' is missing (expected F32 [{}])", file.source, name,
                              fmt::join(spec.shape, ", ")));
    if (tensor->dtype != DType::kF32)
      throw Error(fmt::format("{}: tensor '{}' has dtype {}, expected F32", file.source, name,
                              dtype_name(tensor->dtype)));
    if (tensor->shape != spec.shape)
      throw Error(fmt::format("{}: tensor '{}' has shape [{}] in the file, expected [{}]",
                              file.source, name, fmt::join(tensor->shape, ", "),
                              fmt::join(spec.shape, ", ")));
    found.push_back(tensor);
  }
  return found;
}

void load_layout(const SafeTensorFile& file, const TensorLayout& layout, float* arena,
                 std::string_view prefix) {
  // Check every tensor before copying any, so that a failed load leaves the arena unchanged.
  const std::vector<const SafeTensor*> found = check_layout(file, layout, prefix);
  for (std::size_t i = 0; i < found.size(); ++i) {
    const auto& bytes = found[i]->bytes;
    if (!bytes.empty()) std::memcpy(arena + layout.at(i).offset, bytes.data(), bytes.size());
  }
}

std::vector<std::string> unexpected_tensors(const SafeTensorFile& file,
                                            const std::vector<std::string>& expected) {
  std::vector<std::string> extra;
  for (const auto& tensor : file.tensors)
    if (std::find(expected.begin(), expected.end(), tensor.name) == expected.end())
      extra.push_back(tensor.name);
  return extra;
}

void load_layout_exact(const SafeTensorFile& file, const TensorLayout& layout, float* arena) {
  const auto extra = unexpected_tensors(file, layout_names(layout));
  if (!extra.empty())
    throw Error(fmt::format("{}: unexpected tensor{} {} (the file holds a different model)",
                            file.source, extra.size() == 1 ? "" : "s", fmt::join(extra, ", ")));
  load_layout(file, layout, arena);
}

}  // namespace grok
