// NumPy's .npy format, version 1.0 (numpy.lib.format): the magic "\x93NUMPY", version bytes
// 1 0, a little-endian uint16 header length, an ASCII header
//   {'descr': '<f4', 'fortran_order': False, 'shape': (N, C), }
// padded with spaces and a newline so that the data starts at a multiple of 64 bytes, then
// the C-order little-endian data: byte for byte what numpy.save writes for the same array
// (predict_python.sh compares). Only writing is supported.
#pragma once

#include <string>
#include <string_view>

#include "grokking/checkpoint/safetensors.h"

namespace grok {

// The .npy bytes of one array; `bytes` holds numel(shape) * dtype_size(dtype) bytes
// (grok::Error otherwise).
std::string encode_npy(DType dtype, const Shape& shape, std::string_view bytes);

}  // namespace grok
