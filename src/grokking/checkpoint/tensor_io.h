// Safetensors files and tensor arenas: reading/writing whole files, and moving the tensors
// of a grok::TensorLayout arena in and out of F32 entries with checks that name the tensor.
// The format itself is in safetensors.h.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "grokking/checkpoint/safetensors.h"
#include "grokking/core/tensor.h"

namespace grok {

// Reads and decodes `path`; errors start with the path.
SafeTensorFile read_safetensors(const std::filesystem::path& path);

// Encodes and writes `path` atomically (see atomic_file.h).
void write_safetensors(const std::filesystem::path& path,
                       const std::vector<SafeTensorView>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// One F32 view per tensor of `layout` (in layout order, padding skipped), named
// `prefix + spec.name`, into `arena` (layout.total_size() floats, which must outlive the views).
std::vector<SafeTensorView> layout_views(const TensorLayout& layout, const float* arena,
                                         std::string_view prefix = "");

// The tensor of `file` for every tensor of `layout`, in layout order, with the checks of
// load_layout: a caller can check a file against a layout before allocating the arena.
std::vector<const SafeTensor*> check_layout(const SafeTensorFile& file, const TensorLayout& layout,
                                            std::string_view prefix = "");

// Copies tensor `prefix + spec.name` of `file` into `arena` for every tensor of `layout`.
// grok::Error "<source>: tensor '<name>' ..." if one is missing, is not F32, or has another
// shape ("shape [4, 8] in the file, expected [4, 16]"). Tensors of `file` that the layout
// does not name are not looked at (see unexpected_tensors). Padding in `arena` is untouched.
void load_layout(const SafeTensorFile& file, const TensorLayout& layout, float* arena,
                 std::string_view prefix = "");

// Names in `file` that are not in `expected`, in file order.
std::vector<std::string> unexpected_tensors(const SafeTensorFile& file,
                                            const std::vector<std::string>& expected);

// `prefix + spec.name` for every tensor of `layout`.
std::vector<std::string> layout_names(const TensorLayout& layout, std::string_view prefix = "");

// load_layout, then grok::Error naming the unexpected tensors if `file` holds any tensor the
// layout does not name (e.g. a checkpoint of a deeper model).
void load_layout_exact(const SafeTensorFile& file, const TensorLayout& layout, float* arena);

}  // namespace grok
