// grokking data: write a task's split as CSV (a,b,c,split), train rows first, so users can
// inspect exactly which examples a run trains and validates on.
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "commands.h"
#include "grokking/core/error.h"
#include "grokking/data/dataset.h"
#include "grokking/data/split_csv.h"
#include "grokking/train/train_config.h"

namespace grok::cli {

namespace {
// The task options of `grokking train`, and nothing else of its.
struct DataOptions {
  TrainConfig train;
  template <typename V>
  void visit(V& v) {
    train.visit_task(v);
  }
};
}  // namespace

int cmd_data(int argc, const char* const* argv) {
  DataOptions data;
  std::string out_path;
  OptionSet options("data",
                    "Write a task's train/val split as CSV with header a,b,c,split (train rows "
                    "first, each in split order). Standard output by default.");
  declare_options(options, data);
  options.group("Output");
  options.add("out", &out_path, "CSV file to write (default: standard output)");
  if (!options.parse(argc, argv)) return 0;
  TaskConfig task = data.train.task;
  task.split_seed = data.train.split_seed.value_or(data.train.seed);
  validate_fields(data);
  const Split split = make_split(task);
  if (out_path.empty()) {
    write_split_csv(split, std::cout);
    std::cout.flush();
    if (!std::cout) throw Error("writing the CSV to standard output failed");
  } else {
    std::ofstream out(out_path);
    if (!out) throw Error(fmt::format("--out: cannot open '{}' for writing", out_path));
    write_split_csv(split, out);
    out.close();
    if (!out) throw Error(fmt::format("--out: writing '{}' failed", out_path));
  }
  return 0;
}

}  // namespace grok::cli
