#include "grokking/report/data_file.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "grokking/core/error.h"

namespace grok {

std::string data_value(double v) {
  if (!std::isfinite(v)) return "NaN";
  return fmt::format("{}", v);
}

DataFile::DataFile(std::vector<std::string> columns) : columns_(std::move(columns)) {
  GROK_CHECK(!columns_.empty());
  for (const std::string& c : columns_)
    GROK_CHECK(!c.empty() && c.find_first_of(" \t\n") == std::string::npos, "column '{}'", c);
}

int DataFile::add_block(const std::string& title) {
  titles_.push_back(title);
  rows_.emplace_back();
  return blocks() - 1;
}

void DataFile::add_row(std::span<const double> values) {
  GROK_CHECK(!rows_.empty(), "add_block before add_row");
  GROK_CHECK(values.size() == columns_.size(), "{} values for {} columns", values.size(),
             columns_.size());
  std::string line;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) line += ' ';
    line += data_value(values[i]);
  }
  rows_.back().push_back(std::move(line));
}

void DataFile::add_row(const std::string& label, std::span<const double> values) {
  GROK_CHECK(!rows_.empty(), "add_block before add_row");
  GROK_CHECK(values.size() + 1 == columns_.size(), "label + {} values for {} columns",
             values.size(), columns_.size());
  GROK_CHECK(label.find_first_of("\"\n") == std::string::npos, "label '{}'", label);
  std::string line = "\"" + label + "\"";
  for (double v : values) {
    line += ' ';
    line += data_value(v);
  }
  rows_.back().push_back(std::move(line));
}

int DataFile::rows_in_block(int block) const {
  GROK_CHECK(block >= 0 && block < blocks());
  return static_cast<int>(rows_[static_cast<std::size_t>(block)].size());
}

std::string DataFile::text() const {
  std::string out;
  for (std::size_t b = 0; b < titles_.size(); ++b) {
    if (b > 0) out += "\n\n";
    out += fmt::format("# index {}: {}\n# {}\n", b, titles_[b], fmt::join(columns_, " "));
    for (const std::string& line : rows_[b]) out += line + "\n";
    // An empty block would merge with its neighbour's separator: one undefined row keeps
    // the block numbering (gnuplot skips it with a warning).
    if (rows_[b].empty()) {
      for (std::size_t c = 0; c < columns_.size(); ++c) out += c ? " NaN" : "NaN";
      out += "\n";
    }
  }
  return out;
}

}  // namespace grok
