// libFuzzer target: safetensors decoding (checkpoint/safetensors.h) of arbitrary bytes. Every
// failure must be a grok::Error; anything else (a crash, a sanitizer report, another exception)
// is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "grokking/checkpoint/safetensors.h"
#include "grokking/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const grok::SafeTensorFile file =
        grok::decode_safetensors(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    for (const auto& tensor : file.tensors) (void)file.find(tensor.name);
  } catch (const grok::Error&) {
  }
  return 0;
}
