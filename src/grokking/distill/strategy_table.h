// The distillation strategies, one row each: the single place that says what a strategy is
// called, what it reads from the teacher, how much of the student's last layer it taps, which
// shapes it can pair, its own hyperparameters, the weight of its term and how to build it.
// Everything else is derived from the table: the CLI's --strategies, the experiment's list and
// "combined", the history columns (<name>_loss), the plan and metadata, the report's columns
// and colours. Adding a strategy is its own files plus one row in strategy_table.cc.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grokking/distill/strategy.h"

namespace grok {

template <typename S>
using StrategyFactory = std::unique_ptr<DistillStrategy<S>> (*)(const StrategyContext<S>&);

struct StrategyInfo {
  const char* name;   // --strategies value; its history column is <name>_loss
  const char* help;   // one line for --help and the docs
  const char* label;  // its term in figure keys, e.g. "logit (KL to teacher)"
  TeacherNeeds teacher;
  LastLayer last_layer;
  bool same_depth = false;  // pairs the teacher's layers one to one
  bool same_heads = false;  // pairs the teacher's heads one to one
  // The weight of the strategy's term in the total (REFERENCE.md §5).
  double (*weight)(const DistillSettings&) = nullptr;
  StrategyFactory<float> make_float = nullptr;
  StrategyFactory<double> make_double = nullptr;
  std::string loss_column() const { return std::string(name) + "_loss"; }
};

// Every strategy, in the order of the history columns.
const std::vector<StrategyInfo>& strategy_table();
// The row named `name`; UsageError naming --strategies and the allowed names otherwise.
const StrategyInfo& strategy_info(const std::string& name);
// "logit, attention, feature".
std::string strategy_names_text();

// "combined" runs every strategy of the table together in one student.
inline constexpr const char* kCombinedStrategy = "combined";
// The strategies a name of the experiment's --strategies turns on: one, or all for
// "combined". UsageError naming --strategies for any other name.
std::vector<std::string> expand_strategy(const std::string& name);

// UsageError if the strategy cannot pair the teacher's and student's intermediates (same depth,
// same heads as the row asks; the same classes and length always). No silent truncation.
void check_student_shape(const StrategyInfo& strategy, const ModelConfig& teacher,
                         const ModelConfig& student);

// Checks the shapes and builds the strategy over context.teacher.
template <typename S>
std::unique_ptr<DistillStrategy<S>> make_strategy(const StrategyInfo& strategy,
                                                  const StrategyContext<S>& context);

}  // namespace grok
