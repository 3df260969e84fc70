// The per-epoch history of a run: parallel lists (step, epoch, train_loss, ...), written as
// JSON after every epoch (training_history.json / distillation_history.json).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace grok {

class History {
 public:
  History() = default;
  // Columns in order; "step" and "epoch" are written as integers.
  explicit History(std::vector<std::string> columns);

  // Appends one row; throws if a column is missing or an unknown key is given.
  void append(const std::map<std::string, double>& row);
  std::size_t rows() const { return columns_.empty() ? 0 : values_.front().size(); }
  const std::vector<std::string>& columns() const { return columns_; }
  const std::vector<double>& column(const std::string& name) const;
  // Keeps the rows with epoch <= epoch (after a resume, so no row is duplicated).
  void truncate_to_epoch(int64_t epoch);

  nlohmann::ordered_json to_json() const;
  // Reads a history written by to_json with these columns; grok::Error naming `source` if
  // columns are missing or lengths differ.
  // Columns in `may_lack` that the file lacks (written before they existed) are NaN for its
  // epochs (null in JSON), and nulls in them read back as NaN.
  static History from_json(const nlohmann::json& json, std::vector<std::string> columns,
                           const std::string& source,
                           const std::vector<std::string>& may_lack = {});
  bool operator==(const History&) const = default;

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<double>> values_;
};

}  // namespace grok
