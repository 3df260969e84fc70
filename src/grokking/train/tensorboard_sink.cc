#include "grokking/train/tensorboard_sink.h"

#include <sstream>

namespace grok {

TensorBoardSink::TensorBoardSink(std::filesystem::path dir, std::string config_yaml)
    : dir_(dir.string()), config_yaml_(std::move(config_yaml)) {}

void TensorBoardSink::on_start(const History& restored) {
  const auto epoch = restored.rows() ? static_cast<int64_t>(restored.column("epoch").back()) : 0;
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

void TensorBoardSink::on_epoch(const EpochEnd& end) {
  const History& h = end.history;
  const auto epoch = static_cast<int64_t>(h.column("epoch").back());
  for (const std::string& column : h.columns())
    if (column != "epoch") writer_.add_scalar(column, epoch, h.column(column).back());
  writer_.flush();
}

void TensorBoardSink::on_finish(const nlohmann::ordered_json&) { writer_.close(); }

}  // namespace grok
