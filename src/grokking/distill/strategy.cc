#include "grokking/distill/strategy.h"

#include <fmt/format.h>

#include <algorithm>

#include "grokking/core/error.h"
#include "grokking/distill/attention_strategy.h"
#include "grokking/distill/feature_strategy.h"
#include "grokking/distill/logit_strategy.h"

namespace grok {

StrategyKind parse_strategy(const std::string& text) {
  if (text == "logit") return StrategyKind::kLogit;
  if (text == "attention") return StrategyKind::kAttention;
  if (text == "feature") return StrategyKind::kFeature;
  throw UsageError(
      fmt::format("strategies: '{}' is not a strategy; choose from logit, "
                  "attention, feature (comma-separated)",
                  text));
}

std::string to_string(StrategyKind kind) {
  switch (kind) {
    case StrategyKind::kLogit:
      return "logit";
    case StrategyKind::kAttention:
      return "attention";
    case StrategyKind::kFeature:
      return "feature";
  }
  return "?";
}

std::vector<StrategyKind> parse_strategies(const std::vector<std::string>& names) {
  if (names.empty())
    throw UsageError("strategies: none given; choose one or more of logit, attention, feature");
  std::vector<StrategyKind> kinds;
  for (const auto& name : names) {
    const StrategyKind kind = parse_strategy(name);
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end())
      throw UsageError(fmt::format("strategies: '{}' is listed twice", name));
    kinds.push_back(kind);
  }
  return kinds;
}

TeacherNeeds teacher_needs(StrategyKind kind) {
  TeacherNeeds needs;
  needs.logits = kind == StrategyKind::kLogit;
  needs.attention = kind == StrategyKind::kAttention;
  needs.hidden_states = kind == StrategyKind::kFeature;
  return needs;
}

LastLayer last_layer_needs(StrategyKind kind) {
  switch (kind) {
    case StrategyKind::kLogit:
      return LastLayer::kTrimmed;
    case StrategyKind::kAttention:
      return LastLayer::kAttentionMaps;
    case StrategyKind::kFeature:
      return LastLayer::kFull;
  }
  return LastLayer::kFull;
}

void check_student_shape(StrategyKind kind, const ModelConfig& teacher,
                         const ModelConfig& student) {
  if (teacher.n_classes != student.n_classes || teacher.seq_len != student.seq_len)
    throw UsageError(fmt::format(
        "strategies: teacher and student disagree on classes ({} vs {}) or sequence length "
        "({} vs {})",
        teacher.n_classes, student.n_classes, teacher.seq_len, student.seq_len));
  const std::string name = to_string(kind);
  if (kind != StrategyKind::kLogit && teacher.depth != student.depth)
    throw UsageError(fmt::format(
        "strategies: {} needs the student's depth to equal the teacher's, got teacher depth {} "
        "vs student depth {} (it pairs {} layer by layer and does not truncate); use "
        "--depth_scale 1 or the logit strategy",
        name, teacher.depth, student.depth,
        kind == StrategyKind::kAttention ? "attention maps" : "hidden states"));
  if (kind == StrategyKind::kAttention && teacher.heads != student.heads)
    throw UsageError(fmt::format(
        "strategies: attention needs the student's heads to equal the teacher's, got teacher "
        "heads {} vs student heads {} (maps are compared head by head)",
        teacher.heads, student.heads));
}

template <typename S>
std::unique_ptr<DistillStrategy<S>> make_strategy(StrategyKind kind, const ModelConfig& student,
                                                  const TeacherCache<S>& teacher,
                                                  const StrategyOptions& options) {
  check_student_shape(kind, teacher.config(), student);
  const TeacherNeeds need = teacher_needs(kind), have = teacher.needs();
  GROK_CHECK((!need.logits || have.logits) && (!need.attention || have.attention) &&
                 (!need.hidden_states || have.hidden_states),
             "the teacher cache lacks what strategy {} reads", to_string(kind));
  switch (kind) {
    case StrategyKind::kLogit:
      return std::make_unique<LogitStrategy<S>>(teacher, options.temperature);
    case StrategyKind::kAttention:
      return std::make_unique<AttentionStrategy<S>>(student, teacher);
    case StrategyKind::kFeature:
      return std::make_unique<FeatureStrategy<S>>(student, teacher, options.seed);
  }
  GROK_CHECK(false, "unknown strategy");
}

template std::unique_ptr<DistillStrategy<float>> make_strategy(StrategyKind, const ModelConfig&,
                                                               const TeacherCache<float>&,
                                                               const StrategyOptions&);
template std::unique_ptr<DistillStrategy<double>> make_strategy(StrategyKind, const ModelConfig&,
                                                                const TeacherCache<double>&,
                                                                const StrategyOptions&);

}  // namespace grok
