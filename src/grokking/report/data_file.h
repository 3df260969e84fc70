// Data files of figures, in gnuplot's plain format: whitespace-separated columns under a
// comment header naming them, several data sets in one file as blocks separated by two blank
// lines (selected with `index N`, numbered from 0 in the order added; an empty block holds one
// all-NaN row so that the numbering holds). Non-finite values are
// written as NaN (undefined to gnuplot: the point is skipped). Not a CSV writer (table.h).
#pragma once

#include <span>
#include <string>
#include <vector>

namespace grok {

// A number as data-file text: shortest-exact ("%.10g"-like), NaN for non-finite values.
std::string data_value(double v);

class DataFile {
 public:
  // `columns`: the names of every block's columns (without spaces), written in each header.
  explicit DataFile(std::vector<std::string> columns);

  // Starts a block titled `title` (a comment line) and returns its index.
  int add_block(const std::string& title);
  // A row of the current block; its size must equal the column count.
  void add_row(std::span<const double> values);
  // A row whose first column is a label (written double-quoted, as gnuplot reads it for
  // xtic(1) or column headers), followed by columns.size() − 1 values.
  void add_row(const std::string& label, std::span<const double> values);

  int blocks() const { return static_cast<int>(titles_.size()); }
  int rows_in_block(int block) const;
  std::string text() const;

 private:
  std::vector<std::string> columns_;
  std::vector<std::string> titles_;
  std::vector<std::vector<std::string>> rows_;  // per block, each row one line
};

}  // namespace grok
