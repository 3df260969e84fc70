#include "grokking/optim/optimizer_config.h"

#include "grokking/core/error.h"

namespace grok {

Grokfast parse_grokfast(const std::string& text) {
  if (text == "none") return Grokfast::kNone;
  if (text == "ema") return Grokfast::kEma;
  if (text == "ma") return Grokfast::kMa;
  throw UsageError(fmt::format("grokfast: '{}' is not one of none, ema, ma", text));
}

std::string to_string(Grokfast grokfast) {
  switch (grokfast) {
    case Grokfast::kNone:
      return "none";
    case Grokfast::kEma:
      return "ema";
    case Grokfast::kMa:
      return "ma";
  }
  GROK_CHECK(false, "unknown Grokfast {}", static_cast<int>(grokfast));
}

DecayTo parse_decay_to(const std::string& text) {
  if (text == "zero") return DecayTo::kZero;
  if (text == "init") return DecayTo::kInit;
  throw UsageError(fmt::format("decay_to: '{}' is not one of zero, init", text));
}

std::string to_string(DecayTo decay_to) { return decay_to == DecayTo::kInit ? "init" : "zero"; }

void OptimizerConfig::check(const std::string& prefix) const {
  if (type != "adamw" && type != "muon")
    throw UsageError(
        fmt::format("{}optimizer: '{}' is not an optimizer; allowed: adamw, muon", prefix, type));
  if (grokfast_filter != "mean" && grokfast_filter != "sum")
    throw UsageError(fmt::format("{}grokfast_filter: '{}' is invalid; allowed: mean, sum", prefix,
                                 grokfast_filter));
}

void OptimizerConfig::validate() const { validate_fields(*this); }

double scheduled_lr(const OptimizerConfig& config, int64_t step) {
  GROK_CHECK(step >= 0, "scheduled_lr: negative step {}", step);
  if (step < config.warmup_steps)
    return config.learning_rate * static_cast<double>(step) /
           static_cast<double>(config.warmup_steps);
  return config.learning_rate;
}

}  // namespace grok
