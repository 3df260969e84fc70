// Progress display of a run. On a terminal one live line is rewritten every epoch; otherwise
// (pipes, files, CI logs) a plain line is printed every log_every epochs and at the end.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace grok {

struct EpochReport {
  int64_t epoch = 0;  // 1-based, completed
  int64_t epochs = 0;
  int64_t step = 0;
  double train_loss = 0, train_acc = 0, val_loss = 0, val_acc = 0;
  double lr = 0, weight_norm = 0;
  double steps_per_s = 0;
  double eta_s = 0;
  std::string extra;  // e.g. distillation components
  std::string stage;  // the stage's name (multi-stage runs), else empty
};

class Progress {
 public:
  Progress(int log_every, bool quiet, std::FILE* out = stdout);
  // Prints nothing at all, not even messages and warnings (the other ranks of an MPI run,
  // whose rank 0 says everything once).
  static Progress silent() { return Progress(1, true, nullptr); }
  void epoch(const EpochReport& report);
  // A message on its own line (clears the live line first).
  void message(const std::string& text);
  // A warning on standard error (clears the live line first); shown even when quiet.
  void warning(const std::string& text);
  void finish();

 private:
  std::string format(const EpochReport& report) const;
  int log_every_;
  bool quiet_;
  bool live_;
  bool line_open_ = false;
  std::FILE* out_;
};

std::string format_duration(double seconds);

}  // namespace grok
