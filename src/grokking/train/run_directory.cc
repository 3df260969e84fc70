#include "grokking/train/run_directory.h"

#include <fmt/format.h>

#include <filesystem>
#include <vector>

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"

namespace grok {
namespace fs = std::filesystem;

void prepare_run_directory(const TrainConfig& config, const RunCheckpointer& checkpointer,
                           const std::string& history_file) {
  const fs::path dir = config.save_dir;
  const bool has_checkpoints = checkpointer.holds_checkpoints();
  const bool has_history = fs::exists(dir / history_file);
  if ((has_checkpoints || has_history) && !config.resume) {
    if (!config.overwrite)
      throw UsageError(fmt::format(
          "save_dir: '{}' already holds a run{}; pass --resume to continue it or --overwrite "
          "to start again",
          dir.string(), has_checkpoints ? " (checkpoints in " + config.checkpoint_dir + ")" : ""));
    checkpointer.clear();
    for (const char* name : {"summary.json", "config.yaml"}) fs::remove(dir / name);
    fs::remove(dir / history_file);
  }
  fs::create_directories(dir);
  // Temporaries of the run files left by a process killed while writing one (atomic_file.h).
  std::vector<fs::path> leftovers;
  for (const auto& entry : fs::directory_iterator(dir))
    for (const std::string& file :
         {history_file, std::string("summary.json"), std::string("config.yaml")})
      if (entry.path().filename().string().starts_with(std::string(kTempPrefix) + file + "-"))
        leftovers.push_back(entry.path());
  for (const auto& path : leftovers) fs::remove(path);
}

}  // namespace grok
