// grokking predict RUN_OR_CHECKPOINT: the logits, predicted class, label and correctness of
// every example of a split, with the split's tokens, as safetensors or .npy files; a one-line
// summary on standard output.
#include <fmt/format.h>

#include "commands.h"
#include "grokking/core/error.h"
#include "grokking/core/options.h"
#include "grokking/core/threads.h"
#include "grokking/train/predictions.h"

namespace grok::cli {

int cmd_predict(int argc, const char* const* argv) {
  std::vector<std::string> paths;
  std::string split_name = "val";
  std::string out = "predictions.safetensors";
  int batch_size = 512;
  int threads = 0;
  OptionSet options(
      "predict",
      "Run a trained model in inference mode on every example of a split of its task and write "
      "tokens [N,4], labels [N], logits [N,C], predictions [N] (argmax), correct [N] (0/1) and "
      "is_val [N] (0/1). --out FILE.safetensors writes one safetensors file (its __metadata__ "
      "holds the split, config, task, checkpoint, loss and accuracy); any other --out is a "
      "directory of tokens.npy, labels.npy, logits.npy, predictions.npy, correct.npy, "
      "is_val.npy and predict.json. The path may be a run directory, a checkpoint directory or "
      "one step directory (the latest valid step is used).");
  options.positionals("RUN_OR_CHECKPOINT", &paths, "model to run", true);
  options.add("split", &split_name, "train, val or all (train rows first, then val)");
  options.add("out", &out, "a .safetensors file, or a directory for .npy files");
  options.add("batch_size", &batch_size, "examples per forward pass");
  options.add("threads", &threads, "threads (0: all cores)");
  if (!options.parse(argc, argv)) return 0;
  if (paths.size() != 1) throw UsageError("predict: expected exactly one RUN_OR_CHECKPOINT");
  const PredictSplit split = parse_predict_split(split_name);
  if (batch_size < 1)
    throw UsageError(fmt::format("batch_size: {} is invalid; must be >= 1", batch_size));
  if (threads < 0)
    throw UsageError(fmt::format("threads: {} is invalid; must be >= 0 (0: all cores)", threads));
  if (out.empty()) throw UsageError("out: empty; give a .safetensors file or a directory");
  set_num_threads(threads);

  const LoadedModel model = load_model(paths[0]);
  const Predictions predictions = predict(model, split, batch_size);
  write_predictions(predictions, out);
  fmt::print(
      "{} split of p={} '{}': {} examples, accuracy {:.2f}% ({} correct), loss {:.6f} → {}\n",
      to_string(split), model.task.p, to_string(model.task.operation), predictions.examples,
      predictions.examples ? 100.0 * predictions.correct_count / predictions.examples : 0.0,
      predictions.correct_count, predictions.loss, out);
  return 0;
}

}  // namespace grok::cli
