#include "grokking/data/split_csv.h"

#include <fmt/format.h>

#include <iterator>
#include <string_view>

#include "grokking/core/error.h"

namespace grok {
namespace {

void append_rows(const Dataset& data, std::string_view name, fmt::memory_buffer& buffer) {
  auto out = std::back_inserter(buffer);
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    fmt::format_to(out, "{},{},", data.a[i], data.b[i]);
    if (!data.c.empty()) fmt::format_to(out, "{},", data.c[i]);
    fmt::format_to(out, "{},{}", data.labels[i], name);
    if (!data.true_labels.empty()) fmt::format_to(out, ",{}", data.true_labels[i]);
    buffer.push_back('\n');
  }
}

}  // namespace

void write_split_csv(const Split& split, std::ostream& out) {
  fmt::memory_buffer buffer;
  const bool three = !split.train.c.empty();
  const bool noisy = !split.train.true_labels.empty();
  fmt::format_to(std::back_inserter(buffer), "{},split{}\n", three ? "a,b,c,result" : "a,b,c",
                 noisy ? (three ? ",true_result" : ",true_c") : "");
  append_rows(split.train, "train", buffer);
  append_rows(split.val, "val", buffer);
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  if (!out) throw Error("data: writing the split CSV failed (disk full or closed stream?)");
}

}  // namespace grok
