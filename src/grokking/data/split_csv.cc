#include "grokking/data/split_csv.h"

#include <fmt/format.h>

#include <iterator>
#include <string_view>

#include "grokking/core/error.h"

namespace grok {
namespace {

void append_rows(const Dataset& data, std::string_view name, fmt::memory_buffer& buffer) {
  for (int i = 0; i < data.size(); ++i)
    fmt::format_to(std::back_inserter(buffer), "{},{},{},{}\n", data.a[i], data.b[i],
                   data.labels[i], name);
}

}  // namespace

void write_split_csv(const Split& split, std::ostream& out) {
  fmt::memory_buffer buffer;
  fmt::format_to(std::back_inserter(buffer), "a,b,c,split\n");
  append_rows(split.train, "train", buffer);
  append_rows(split.val, "val", buffer);
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  if (!out) throw Error("data: writing the split CSV failed (disk full or closed stream?)");
}

}  // namespace grok
