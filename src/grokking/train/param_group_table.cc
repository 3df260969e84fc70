#include "grokking/train/param_group_table.h"

#include <fmt/format.h>

#include <algorithm>

#include "grokking/optim/optimizer.h"

namespace grok {
namespace {

struct Row {
  std::string tensor, group;
  double lr_multiplier, lr, weight_decay;
  bool frozen;
};

std::vector<Row> rows_of(const std::vector<TrainableGroup>& groups) {
  std::vector<Row> rows;
  for (const TrainableGroup& g : groups) {
    const Optimizer& optimizer = *g.optimizer;
    for (std::size_t t = 0; t < g.layout->tensors().size(); ++t) {
      const ParamGroup& group = optimizer.group_of(t);
      rows.push_back({g.prefix + g.layout->at(t).name, group.name, group.lr_multiplier,
                      optimizer.config().learning_rate * group.lr_multiplier, group.weight_decay,
                      optimizer.frozen()[t]});
    }
  }
  return rows;
}

}  // namespace

std::string parameter_group_table(const std::vector<TrainableGroup>& groups) {
  const std::vector<Row> rows = rows_of(groups);
  std::size_t tensor_width = 6, group_width = 5;
  for (const Row& row : rows) {
    tensor_width = std::max(tensor_width, row.tensor.size());
    group_width = std::max(group_width, row.group.size());
  }
  std::string text = "parameter groups (first matching pattern wins):\n";
  text += fmt::format("  {:<{}}  {:<{}}  {:>10}  {:>12}\n", "tensor", tensor_width, "group",
                      group_width, "lr", "weight_decay");
  for (const Row& row : rows)
    text +=
        fmt::format("  {:<{}}  {:<{}}  {:>10.4g}  {:>12.4g}{}\n", row.tensor, tensor_width,
                    row.group, group_width, row.lr, row.weight_decay, row.frozen ? "  frozen" : "");
  text.pop_back();
  return text;
}

nlohmann::json parameter_group_json(const std::vector<TrainableGroup>& groups) {
  nlohmann::json out = nlohmann::json::array();
  for (const Row& row : rows_of(groups))
    out.push_back({{"tensor", row.tensor},
                   {"group", row.group},
                   {"lr_multiplier", row.lr_multiplier},
                   {"lr", row.lr},
                   {"weight_decay", row.weight_decay},
                   {"frozen", row.frozen}});
  return out;
}

}  // namespace grok
