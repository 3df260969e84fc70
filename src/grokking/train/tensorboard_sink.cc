#include "grokking/train/tensorboard_sink.h"

#include <filesystem>
#include <sstream>

namespace grok {

TensorBoardSink::TensorBoardSink(const TrainConfig& config, std::string config_yaml)
    : enabled_(config.tensorboard),
      dir_((std::filesystem::path(config.save_dir) / kTensorBoardDir).string()),
      config_yaml_(std::move(config_yaml)) {}

void TensorBoardSink::on_start(int64_t epoch) {
  if (!enabled_) return;
  if (epoch == 0) tensorboard::remove_event_files(dir_);
  writer_.open(dir_, epoch);
  if (epoch == 0) {
    // Markdown: indented lines are shown verbatim, as a code block.
    std::istringstream lines(config_yaml_);
    std::string markdown;
    for (std::string line; std::getline(lines, line);) markdown += "    " + line + "\n";
    writer_.add_text("config", 0, markdown);
    writer_.flush();
  }
}

void TensorBoardSink::on_epoch(const std::map<std::string, double>& row) {
  if (!enabled_) return;
  const auto epoch = static_cast<int64_t>(row.at("epoch"));
  for (const auto& [column, value] : row)
    if (column != "epoch") writer_.add_scalar(column, epoch, value);
  writer_.flush();
}

void TensorBoardSink::on_finish() {
  if (enabled_) writer_.close();
}

}  // namespace grok
