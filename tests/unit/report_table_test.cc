// The table writers of reports: Markdown, LaTeX and CSV escaping and content, checked against
// hand-written expected text, and every LaTeX table checked syntactically (pdflatex is not
// part of the build's dependencies): balanced braces, the column count of every row equal to
// the tabular spec, & and \\ placement, and no unescaped special character.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "grokking/report/table.h"
#include "test_support.h"

namespace grok {
namespace {

using testing_support::error_of;

// Splits `line` at unescaped `&` (a `\&` is text).
std::vector<std::string> latex_cells(const std::string& line) {
  std::vector<std::string> cells(1);
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      cells.back() += line.substr(i, 2);
      ++i;
    } else if (line[i] == '&') {
      cells.emplace_back();
    } else {
      cells.back() += line[i];
    }
  }
  return cells;
}

// Syntactic check of a to_latex table; returns "" or what is wrong.
std::string latex_problem(const std::string& tex) {
  int depth = 0;
  int dollars = 0;
  for (std::size_t i = 0; i < tex.size(); ++i) {
    const char c = tex[i];
    if (c == '%' && (i == 0 || tex[i - 1] == '\n')) {  // a comment line
      while (i < tex.size() && tex[i] != '\n') ++i;
      continue;
    }
    if (c == '\\') {
      ++i;  // the escaped character or the command's first letter
      continue;
    }
    if (c == '{') ++depth;
    if (c == '}' && --depth < 0) return "unbalanced } at byte " + std::to_string(i);
    if (c == '$') ++dollars;
    if (c == '_' || c == '%' || c == '#' || c == '&' || c == '^' || c == '~') {
      if (c != '&') return std::string("unescaped '") + c + "' at byte " + std::to_string(i);
    }
    if (static_cast<unsigned char>(c) >= 0x80) return "non-ASCII byte at " + std::to_string(i);
  }
  if (depth != 0) return "unbalanced {";
  if (dollars % 2 != 0) return "odd number of $";
  const std::string begin = "\\begin{tabular}{";
  const std::size_t b = tex.find(begin);
  if (b == std::string::npos) return "no tabular";
  const std::size_t spec_end = tex.find('}', b + begin.size());
  const std::string spec = tex.substr(b + begin.size(), spec_end - b - begin.size());
  for (char c : spec)
    if (c != 'l' && c != 'r' && c != 'c') return "bad spec " + spec;
  const std::size_t e = tex.find("\\end{tabular}");
  if (e == std::string::npos || tex.find("\\begin{table}") == std::string::npos ||
      tex.find("\\end{table}") == std::string::npos)
    return "no end";
  std::size_t pos = tex.find('\n', spec_end) + 1;
  int rows = 0;
  while (pos < e) {
    const std::size_t nl = tex.find('\n', pos);
    std::string line = tex.substr(pos, nl - pos);
    pos = nl + 1;
    if (line == "  \\hline") continue;
    const std::string end = " \\\\";
    if (line.size() < end.size() || line.compare(line.size() - end.size(), end.size(), end) != 0)
      return "row without \\\\: " + line;
    line.resize(line.size() - end.size());
    if (line.find("\\\\") != std::string::npos) return "\\\\ inside a row: " + line;
    if (latex_cells(line).size() != spec.size())
      return "row of " + std::to_string(latex_cells(line).size()) + " cells for spec " + spec;
    ++rows;
  }
  if (rows == 0) return "no rows";
  return "";
}

Table sample() {
  Table t;
  t.caption = "Runs of p_97 at 100 % & more";
  t.label = "tab:runs";
  t.header = {"trial", "val acc (%)", "note"};
  t.align = {Align::kLeft, Align::kRight, Align::kLeft};
  t.add_row({"s42/student-0.5-logit_r0", "99.85", "a|b, \"quoted\""});
  t.add_row({"s43/teacher", "", "mean ± sd × 2 ≥ 1 #3 $5 {x} ~y ^z \\w"});
  return t;
}

TEST(ReportTable, EscapesMarkdown) {
  EXPECT_EQ(escape_markdown("a|b_c*d`e\\f\ng"), "a\\|b\\_c\\*d\\`e\\\\f g");
  EXPECT_EQ(escape_markdown("99.85 %"), "99.85 %");
}

TEST(ReportTable, EscapesLatex) {
  EXPECT_EQ(escape_latex("a_b 5% #1 $2 & {c} ~ ^ \\"),
            "a\\_b 5\\% \\#1 \\$2 \\& \\{c\\} \\textasciitilde{} \\textasciicircum{} "
            "\\textbackslash{}");
  EXPECT_EQ(escape_latex("± × – ≥ ≤ · √ −"),
            "$\\pm$ $\\times$ -- $\\geq$ $\\leq$ $\\cdot$ $\\surd$ $-$");
  // A character with no known spelling is refused rather than written uncompilable.
  EXPECT_CONTAINS(error_of([] { escape_latex("naïve"); }), "no LaTeX spelling");
}

TEST(ReportTable, QuotesCsvFields) {
  EXPECT_EQ(csv_field("plain 1.5"), "plain 1.5");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

TEST(ReportTable, WritesCsv) {
  EXPECT_EQ(to_csv(sample()),
            "trial,val acc (%),note\n"
            "s42/student-0.5-logit_r0,99.85,\"a|b, \"\"quoted\"\"\"\n"
            "s43/teacher,,mean ± sd × 2 ≥ 1 #3 $5 {x} ~y ^z \\w\n");
}

TEST(ReportTable, WritesMarkdown) {
  EXPECT_EQ(to_markdown(sample()),
            "| trial | val acc (%) | note |\n"
            "|---|---:|---|\n"
            "| s42/student-0.5-logit\\_r0 | 99.85 | a\\|b, \"quoted\" |\n"
            "| s43/teacher | – | mean ± sd × 2 ≥ 1 #3 $5 {x} ~y ^z \\\\w |\n");
}

TEST(ReportTable, WritesLatex) {
  const std::string tex = to_latex(sample());
  EXPECT_CONTAINS(tex, "\\caption{Runs of p\\_97 at 100 \\% \\& more}\n\\label{tab:runs}\n");
  EXPECT_CONTAINS(tex, "\\begin{tabular}{lrl}\n  \\hline\n  trial & val acc (\\%) & note \\\\\n");
  EXPECT_CONTAINS(tex, "  s42/student-0.5-logit\\_r0 & 99.85 & a|b, \"quoted\" \\\\\n");
  // The missing value is "--"; every special character of the row is escaped.
  EXPECT_CONTAINS(tex,
                  "  s43/teacher & -- & mean $\\pm$ sd $\\times$ 2 $\\geq$ 1 \\#3 \\$5 \\{x\\} "
                  "\\textasciitilde{}y \\textasciicircum{}z \\textbackslash{}w \\\\\n");
  EXPECT_EQ(latex_problem(tex), "");
}

TEST(ReportTable, LatexCheckerCatchesBrokenTables) {
  // The checker itself must be able to fail.
  const std::string good = to_latex(sample());
  std::string extra_cell = good;
  extra_cell.replace(extra_cell.find("99.85"), 5, "99 & 85");
  EXPECT_CONTAINS(latex_problem(extra_cell), "cells for spec");
  std::string raw_underscore = good;
  raw_underscore.replace(raw_underscore.find("logit\\_r0"), 9, "logit_r0");
  EXPECT_CONTAINS(latex_problem(raw_underscore), "unescaped '_'");
  std::string open_brace = good;
  open_brace.replace(open_brace.find("\\{x\\}"), 5, "{x");
  EXPECT_CONTAINS(latex_problem(open_brace), "unbalanced");
  std::string no_end = good;
  const std::string row_end = "99.85 & a|b, \"quoted\" \\\\";
  no_end.replace(no_end.find(row_end), row_end.size(), "99.85 & a|b, \"quoted\"");
  EXPECT_CONTAINS(latex_problem(no_end), "row without");
}

TEST(ReportTable, RejectsRowsOfTheWrongWidth) {
  Table t = sample();
  EXPECT_CONTAINS(error_of([&] { t.add_row({"only", "two"}); }), "a row of 2 cells for 3");
  t.rows.push_back({"x"});
  EXPECT_CONTAINS(error_of([&] { to_csv(t); }), "a row of 1 cells for 3");
  Table bad_label = sample();
  bad_label.label = "tab:a b";
  EXPECT_CONTAINS(error_of([&] { to_latex(bad_label); }), "label");
}

}  // namespace
}  // namespace grok
