// Tables of reports, defined once and written three ways: Markdown (for report.md and
// GitHub), LaTeX (a plain `tabular` inside a `table` float with caption and label; no
// packages needed) and CSV (RFC 4180 quoting, LF line ends). Cells are text; an empty cell is a
// missing value, written "–" in Markdown and LaTeX and left empty in CSV. Not the content
// (report_tables.h).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace grok {

enum class Align { kLeft, kRight };

struct Table {
  std::string caption;  // one sentence
  std::string label;    // LaTeX \label (e.g. "tab:trials"); [a-z0-9:_-]
  std::vector<std::string> header;
  std::vector<Align> align;  // one per column
  std::vector<std::vector<std::string>> rows;

  // Appends a row; GROK_CHECK that it has one cell per column.
  void add_row(std::vector<std::string> cells);
};

// Text escaped for Markdown table cells: | and \ and the emphasis characters * _ ` are
// backslash-escaped, newlines become spaces.
std::string escape_markdown(std::string_view text);

// Text escaped for LaTeX (text mode, no packages): \ & % $ # _ { } ~ ^ and the non-ASCII
// symbols tables use (± × – — ≥ ≤ · √ %) turned into LaTeX commands; any other non-ASCII
// character is an error (GROK_CHECK) so that the output always compiles.
std::string escape_latex(std::string_view text);

// One CSV field: quoted (with doubled quotes) if it holds a comma, quote, CR or LF.
std::string csv_field(std::string_view text);

std::string to_markdown(const Table& table);
std::string to_latex(const Table& table);
std::string to_csv(const Table& table);

// Writes dir/<stem>.md, dir/<stem>.tex and dir/<stem>.csv (atomically).
void write_table(const Table& table, const std::filesystem::path& dir, const std::string& stem);

}  // namespace grok
