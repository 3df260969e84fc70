#include "grokking/report/table.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <utility>

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"

namespace grok {
namespace {

constexpr std::string_view kMissing = "–";

void check_shape(const Table& t) {
  GROK_CHECK(!t.header.empty(), "table '{}' without columns", t.caption);
  GROK_CHECK(t.align.size() == t.header.size(), "table '{}': {} alignments for {} columns",
             t.caption, t.align.size(), t.header.size());
  for (const auto& row : t.rows)
    GROK_CHECK(row.size() == t.header.size(), "table '{}': a row of {} cells for {} columns",
               t.caption, row.size(), t.header.size());
}

// Non-ASCII symbols of our tables and their LaTeX (text-mode) spellings.
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kLatexSymbols = {{
    {"±", "$\\pm$"},
    {"×", "$\\times$"},
    {"–", "--"},
    {"—", "---"},
    {"≥", "$\\geq$"},
    {"≤", "$\\leq$"},
    {"·", "$\\cdot$"},
    {"√", "$\\surd$"},
    {"−", "$-$"},
    {"σ", "$\\sigma$"},
}};

}  // namespace

void Table::add_row(std::vector<std::string> cells) {
  GROK_CHECK(cells.size() == header.size(), "table '{}': a row of {} cells for {} columns", caption,
             cells.size(), header.size());
  rows.push_back(std::move(cells));
}

std::string escape_markdown(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    if (c == '|' || c == '\\' || c == '*' || c == '_' || c == '`') out += '\\';
    out += c;
  }
  return out;
}

std::string escape_latex(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      bool known = false;
      for (const auto& [symbol, latex] : kLatexSymbols) {
        if (text.substr(i, symbol.size()) == symbol) {
          out += latex;
          i += symbol.size();
          known = true;
          break;
        }
      }
      GROK_CHECK(known, "no LaTeX spelling for the character at byte {} of '{}'", i, text);
      continue;
    }
    switch (c) {
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '&':
        out += "\\&";
        break;
      case '%':
        out += "\\%";
        break;
      case '$':
        out += "\\$";
        break;
      case '#':
        out += "\\#";
        break;
      case '_':
        out += "\\_";
        break;
      case '{':
        out += "\\{";
        break;
      case '}':
        out += "\\}";
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      case '\n':
        out += ' ';
        break;
      default:
        out += c;
    }
    ++i;
  }
  return out;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string to_markdown(const Table& t) {
  check_shape(t);
  auto line = [](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (const std::string& c : cells) {  // appended piece by piece: GCC 12's -Wrestrict
      out += ' ';                         // misfires on " " + std::string&&
      out += c.empty() ? std::string(kMissing) : escape_markdown(c);
      out += " |";
    }
    return out + "\n";
  };
  std::string out = line(t.header) + "|";
  for (Align a : t.align) out += a == Align::kRight ? "---:|" : "---|";
  out += "\n";
  for (const auto& row : t.rows) out += line(row);
  return out;
}

std::string to_latex(const Table& t) {
  check_shape(t);
  std::string spec;
  for (Align a : t.align) spec += a == Align::kRight ? 'r' : 'l';
  auto line = [](const std::vector<std::string>& cells) {
    std::string out = "  ";
    for (std::size_t i = 0; i < cells.size(); ++i)
      out += (i ? " & " : "") + (cells[i].empty() ? std::string("--") : escape_latex(cells[i]));
    return out + " \\\\\n";
  };
  std::string out = "% Written by grokking report; \\input{} it into a document.\n";
  out += "\\begin{table}[ht]\n\\centering\n\\small\n";
  out += fmt::format("\\caption{{{}}}\n", escape_latex(t.caption));
  if (!t.label.empty()) {
    for (char c : t.label)
      GROK_CHECK(std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '-' || c == '_',
                 "label '{}'", t.label);
    out += fmt::format("\\label{{{}}}\n", t.label);
  }
  out += fmt::format("\\begin{{tabular}}{{{}}}\n  \\hline\n", spec);
  out += line(t.header) + "  \\hline\n";
  for (const auto& row : t.rows) out += line(row);
  out += "  \\hline\n\\end{tabular}\n\\end{table}\n";
  return out;
}

std::string to_csv(const Table& t) {
  check_shape(t);
  auto line = [](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) out += ',';
      out += csv_field(cells[i]);
    }
    return out + "\n";
  };
  std::string out = line(t.header);
  for (const auto& row : t.rows) out += line(row);
  return out;
}

void write_table(const Table& table, const std::filesystem::path& dir, const std::string& stem) {
  write_file_atomic(dir / (stem + ".md"), to_markdown(table));
  write_file_atomic(dir / (stem + ".tex"), to_latex(table));
  write_file_atomic(dir / (stem + ".csv"), to_csv(table));
}

}  // namespace grok
