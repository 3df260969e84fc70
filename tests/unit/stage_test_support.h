// A stage of a multi-stage run (train/stage_config.h) for the unit tests: its name and epochs,
// every other key left to the run.
#pragma once

#include <string>

#include "grokking/train/stage_config.h"

namespace grok::testing_support {

inline StageConfig stage(const std::string& name, int epochs) {
  StageConfig s;
  s.name = name;
  s.epochs = epochs;
  return s;
}

}  // namespace grok::testing_support
