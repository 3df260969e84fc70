#include "grokking/distill/strategy_table.h"

#include <fmt/format.h>

#include <algorithm>

#include "grokking/core/error.h"
#include "grokking/distill/attention_strategy.h"
#include "grokking/distill/feature_strategy.h"
#include "grokking/distill/logit_strategy.h"

namespace grok {
namespace {

template <template <typename> class Impl, typename S>
std::unique_ptr<DistillStrategy<S>> build(const StrategyContext<S>& context) {
  return std::make_unique<Impl<S>>(context);
}

}  // namespace

const std::vector<StrategyInfo>& strategy_table() {
  static const std::vector<StrategyInfo> table = {
      {.name = "logit",
       .help = "KL between the tempered softmaxes of teacher and student logits",
       .label = "logit (KL to teacher)",
       .teacher = {.logits = true},
       .last_layer = LastLayer::kTrimmed,
       .weight = [](const DistillSettings& s) { return 1.0 - s.alpha; },
       .make_float = build<LogitStrategy, float>,
       .make_double = build<LogitStrategy, double>},
      {.name = "attention",
       .help = "MSE between the attention maps, layer by layer",
       .label = "attention (MSE of the maps)",
       .teacher = {.attention = true},
       .last_layer = LastLayer::kAttentionMaps,
       .same_depth = true,
       .same_heads = true,
       .weight = [](const DistillSettings& s) { return s.param("attention_weight"); },
       .make_float = build<AttentionStrategy, float>,
       .make_double = build<AttentionStrategy, double>},
      {.name = "feature",
       .help = "MSE between the student's hidden states and learned projections of the teacher's",
       .label = "feature (MSE to projected states)",
       .teacher = {.hidden_states = true},
       .last_layer = LastLayer::kFull,
       .same_depth = true,
       .weight = [](const DistillSettings& s) { return s.param("feature_weight"); },
       .make_float = build<FeatureStrategy, float>,
       .make_double = build<FeatureStrategy, double>},
  };
  return table;
}

const std::vector<StrategyParam>& strategy_params() {
  static const std::vector<StrategyParam> params = {
      {{.name = "temperature",
        .help = "softmax temperature τ of logit",
        .min = 0,
        .min_open = true},
       2.0},
      {{.name = "attention_weight", .help = "weight of the attention-transfer loss", .min = 0},
       1.0},
      {{.name = "feature_weight", .help = "weight of the feature-projection loss", .min = 0}, 1.0},
  };
  return params;
}

std::string strategy_names_text() {
  std::string text;
  for (const auto& s : strategy_table()) text += (text.empty() ? "" : ", ") + std::string(s.name);
  return text;
}

const StrategyInfo& strategy_info(const std::string& name) {
  for (const auto& s : strategy_table())
    if (name == s.name) return s;
  throw UsageError(
      fmt::format("strategies: '{}' is not a strategy; allowed: {}", name, strategy_names_text()));
}

std::vector<std::string> expand_strategy(const std::string& name) {
  std::vector<std::string> names;
  if (name == kCombinedStrategy) {
    for (const auto& s : strategy_table()) names.emplace_back(s.name);
    return names;
  }
  for (const auto& s : strategy_table())
    if (name == s.name) return {name};
  throw UsageError(fmt::format("strategies: '{}' is not a strategy; allowed: {}, {}", name,
                               strategy_names_text(), kCombinedStrategy));
}

void check_student_shape(const StrategyInfo& strategy, const ModelConfig& teacher,
                         const ModelConfig& student) {
  if (teacher.n_classes != student.n_classes || teacher.seq_len != student.seq_len)
    throw UsageError(fmt::format(
        "strategies: teacher and student disagree on classes ({} vs {}) or sequence length "
        "({} vs {})",
        teacher.n_classes, student.n_classes, teacher.seq_len, student.seq_len));
  if (strategy.same_depth && teacher.depth != student.depth)
    throw UsageError(fmt::format(
        "strategies: {} needs the student's depth to equal the teacher's, got teacher depth {} "
        "vs student depth {} (it pairs layers one to one and does not truncate); use "
        "--depth_scale 1 or the logit strategy",
        strategy.name, teacher.depth, student.depth));
  if (strategy.same_heads && teacher.heads != student.heads)
    throw UsageError(fmt::format(
        "strategies: {} needs the student's heads to equal the teacher's, got teacher heads {} "
        "vs student heads {} (it pairs heads one to one)",
        strategy.name, teacher.heads, student.heads));
}

template <typename S>
std::unique_ptr<DistillStrategy<S>> make_strategy(const StrategyInfo& strategy,
                                                  const StrategyContext<S>& context) {
  check_student_shape(strategy, context.teacher.config(), context.student);
  const TeacherNeeds need = strategy.teacher, have = context.teacher.needs();
  GROK_CHECK((!need.logits || have.logits) && (!need.attention || have.attention) &&
                 (!need.hidden_states || have.hidden_states),
             "the teacher cache lacks what strategy {} reads", strategy.name);
  if constexpr (std::is_same_v<S, float>)
    return strategy.make_float(context);
  else
    return strategy.make_double(context);
}

template std::unique_ptr<DistillStrategy<float>> make_strategy(const StrategyInfo&,
                                                               const StrategyContext<float>&);
template std::unique_ptr<DistillStrategy<double>> make_strategy(const StrategyInfo&,
                                                                const StrategyContext<double>&);

}  // namespace grok
