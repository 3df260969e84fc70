// grokking inspect DIR: print a checkpoint's config, task, step and every tensor (name, shape,
// dtype, L2 norm), and verify every step directory's checksums. Exit 1 naming the failing
// file if anything is wrong.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "commands.h"
#include "grokking/checkpoint/checkpoint_manager.h"
#include "grokking/core/error.h"
#include "grokking/core/options.h"

namespace grok::cli {
namespace {

template <typename T>
double sum_of_squares(const SafeTensor& tensor) {
  double sum = 0;
  for (const T v : tensor.values<T>()) sum += static_cast<double>(v) * static_cast<double>(v);
  return sum;
}

// Summed in double, in file order.
double l2_norm(const SafeTensor& tensor) {
  switch (tensor.dtype) {
    case DType::kF64:
      return std::sqrt(sum_of_squares<double>(tensor));
    case DType::kF32:
      return std::sqrt(sum_of_squares<float>(tensor));
    case DType::kI64:
      return std::sqrt(sum_of_squares<int64_t>(tensor));
    case DType::kU64:
      return std::sqrt(sum_of_squares<uint64_t>(tensor));
    case DType::kI32:
      return std::sqrt(sum_of_squares<int32_t>(tensor));
    case DType::kU32:
      return std::sqrt(sum_of_squares<uint32_t>(tensor));
    case DType::kI16:
      return std::sqrt(sum_of_squares<int16_t>(tensor));
    case DType::kU16:
      return std::sqrt(sum_of_squares<uint16_t>(tensor));
    case DType::kI8:
      return std::sqrt(sum_of_squares<int8_t>(tensor));
    case DType::kU8:
      return std::sqrt(sum_of_squares<uint8_t>(tensor));
  }
  return std::nan("");
}

void print_tensors(const SafeTensorFile& file) {
  for (const auto& t : file.tensors)
    fmt::print("  {:<34} {:<5} {:<12} L2 {:.6g}\n", t.name, dtype_name(t.dtype),
               fmt::format("[{}]", fmt::join(t.shape, ", ")), l2_norm(t));
}

}  // namespace

int cmd_inspect(int argc, const char* const* argv) {
  std::vector<std::string> paths;
  OptionSet options("inspect",
                    "Print a checkpoint (config, task, step, tensors with L2 norms) and verify "
                    "the checksums of every step directory. DIR may be a run directory, a "
                    "checkpoint directory or one step_XXXXXXXX directory. Exits 1 naming the "
                    "failing file if anything is wrong.");
  options.positionals("DIR", &paths, "checkpoint to inspect", true);
  if (!options.parse(argc, argv)) return 0;
  if (paths.size() != 1) throw UsageError("inspect: expected exactly one DIR");

  namespace fs = std::filesystem;
  fs::path path = fs::path(paths[0]).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();  // "step_00000040/"
  if (!fs::exists(path)) throw Error(fmt::format("{}: no such directory", path.string()));
  if (fs::exists(path / "checkpoints")) path /= "checkpoints";

  // Which step directories to verify: all of a checkpoint directory, or the one given.
  std::vector<fs::path> step_dirs;
  fs::path checkpoint_dir = path;
  if (parse_step_dir_name(path.filename().string())) {
    step_dirs.push_back(path);
    checkpoint_dir = path.parent_path();
  } else {
    for (const auto& entry : CheckpointManager(path).list_steps()) step_dirs.push_back(entry.path);
    if (step_dirs.empty())
      throw Error(fmt::format("{}: no step_XXXXXXXX checkpoint directories", path.string()));
  }

  const CheckpointManager manager(checkpoint_dir);
  if (const auto metadata = manager.read_metadata()) {
    fmt::print("checkpoint directory {}\n", checkpoint_dir.string());
    for (const char* section : {"config", "task", "optimizer", "seed", "batching", "schedule"})
      if (metadata->contains(section))
        fmt::print("  {:<10} {}\n", section, (*metadata)[section].dump());
    for (const auto& [key, value] : metadata->items())
      if (key == "latest_step" || key == "latest_epoch" || key == "format_version")
        fmt::print("  {:<10} {}\n", key, value.dump());
  } else {
    fmt::print("checkpoint directory {} (no metadata.json)\n", checkpoint_dir.string());
  }

  int failures = 0;
  bool printed = false;
  for (const auto& dir : step_dirs) {
    const std::string problem = validate_checkpoint(dir);
    if (!problem.empty()) {
      fmt::print("{}: INVALID: {}\n", dir.filename().string(), problem);
      fmt::print(stderr, "grokking inspect: error: {}\n", problem);
      ++failures;
      continue;
    }
    const CheckpointContents contents = load_checkpoint(dir);
    fmt::print("{}: ok (step {}, epoch {}; checksums verified)\n", dir.filename().string(),
               contents.step, contents.epoch);
    if (!printed) {  // tensors of the newest valid step
      fmt::print(" {}:\n", kModelFile);
      for (const auto& [key, value] : contents.model.metadata)
        fmt::print("  __metadata__.{} {}\n", key, value);
      print_tensors(contents.model);
      fmt::print(" {}:\n", kOptimizerFile);
      print_tensors(contents.optimizer);
      printed = true;
    }
  }
  if (failures) {
    fmt::print("{} of {} step directories invalid\n", failures, step_dirs.size());
    return kExitRuntime;
  }
  return 0;
}

}  // namespace grok::cli
