// grokking teacher-logits --teacher_checkpoint DIR --out FILE.h5: runs a teacher once in
// inference mode and stores its top-k logits per example and split in HDF5
// (src/grokking/distill/teacher_logits.h), for `grokking distill --teacher_logits FILE.h5`.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "commands.h"
#include "grokking/core/error.h"
#include "grokking/core/gemm.h"
#include "grokking/core/options.h"
#include "grokking/core/threads.h"
#include "grokking/core/timer.h"
#include "grokking/distill/teacher_logits.h"

namespace grok::cli {
namespace fs = std::filesystem;

int cmd_teacher_logits(int argc, const char* const* argv) {
  std::string teacher_checkpoint, out;
  int top_k = kDefaultTopK;
  std::vector<std::string> splits = {"train", "val"};
  int compression = 4;
  int eval_batch_size = 512;
  int threads = 0;
  bool overwrite = false;
  OptionSet options(
      "teacher-logits",
      "Run a trained teacher once in inference mode over its own task's splits and store, per "
      "example, its top-k logits (float32 [N,k], descending, ties by the lower class), their "
      "classes (int32 [N,k]), the logsumexp of all its logits (float32 [N]), the tokens "
      "(int32 [N,T]) and the label (int32 [N]) in an HDF5 file, one group per split (/train, "
      "/val), with the teacher's sha256, model config, task and split seed as attributes. "
      "`grokking distill --teacher_logits FILE.h5` then distils from the file without the "
      "teacher's weights. Layout: docs/DISTILLATION.md \"Offline teacher logits\".");
  options.add("teacher_checkpoint", &teacher_checkpoint,
              "teacher: a run directory, checkpoint directory or step directory (required)");
  options.add("out", &out, "the HDF5 file to write (required), e.g. teacher.h5");
  options.add("top_k", &top_k,
              fmt::format("logits kept per example (default {}; clamped to the class count; 0: "
                          "all classes)",
                          kDefaultTopK));
  options.add("splits", &splits, "comma-separated splits to store: train, val");
  options.add("compression", &compression,
              "gzip level 0-9 of the chunked datasets, with the shuffle filter (0: none)");
  options.add("eval_batch_size", &eval_batch_size,
              "examples per teacher forward; keep distill's --eval_batch_size (the default) so "
              "the logits equal its online teacher's bit for bit");
  options.add("threads", &threads, "threads (0: all cores)");
  options.add("overwrite", &overwrite, "replace an existing --out file");
  if (!options.parse(argc, argv)) return 0;

  // Every flag is checked before anything is read or written.
  if (teacher_checkpoint.empty())
    throw UsageError(
        "teacher_checkpoint: required; give the teacher's run, checkpoint or step "
        "directory");
  if (!fs::exists(teacher_checkpoint))
    throw UsageError(
        fmt::format("teacher_checkpoint: '{}' does not exist; give the teacher's "
                    "run, checkpoint or step directory",
                    teacher_checkpoint));
  if (out.empty()) throw UsageError("out: required; give the HDF5 file to write, e.g. teacher.h5");
  if (fs::is_directory(out))
    throw UsageError(fmt::format("out: '{}' is a directory; give a file name", out));
  if (fs::exists(out) && !overwrite)
    throw UsageError(fmt::format("out: '{}' exists; pass --overwrite to replace it", out));
  const fs::path parent = fs::absolute(out).parent_path();
  if (!fs::is_directory(parent))
    throw UsageError(fmt::format("out: directory '{}' does not exist", parent.string()));
  if (top_k < 0)
    throw UsageError(fmt::format(
        "top_k: {} is invalid; allowed: an integer >= 1 (clamped to the class count), or 0 for "
        "all classes",
        top_k));
  if (splits.empty()) throw UsageError("splits: none given; allowed: train, val");
  for (std::size_t i = 0; i < splits.size(); ++i) {
    if (splits[i] != "train" && splits[i] != "val")
      throw UsageError(fmt::format(
          "splits: '{}' is not a split; allowed: train, val (comma-separated)", splits[i]));
    if (std::find(splits.begin(), splits.begin() + i, splits[i]) != splits.begin() + i)
      throw UsageError(fmt::format("splits: '{}' is listed twice", splits[i]));
  }
  if (compression < 0 || compression > 9)
    throw UsageError(
        fmt::format("compression: {} is invalid; allowed: a gzip level in [0, 9] (0: uncompressed)",
                    compression));
  if (eval_batch_size < 1)
    throw UsageError(
        fmt::format("eval_batch_size: {} is invalid; allowed: an integer >= 1", eval_batch_size));
  if (threads < 0)
    throw UsageError(fmt::format("threads: {} is invalid; allowed: >= 0 (0: all cores)", threads));
  set_num_threads(threads);
  set_gemm_precision(GemmPrecision::kFp32);  // as distill's teacher pass

  const LoadedModel teacher = load_model(teacher_checkpoint);
  const Stopwatch pass;
  const TeacherLogitsFile file = compute_teacher_logits(teacher, splits, top_k, eval_batch_size);
  const double pass_s = pass.seconds();
  const Stopwatch write;
  const int64_t bytes = write_teacher_logits(file, out, compression);
  const double write_s = write.seconds();

  int64_t examples = 0;
  std::vector<std::string> counts;
  for (const auto& s : file.splits) {
    examples += s.examples();
    counts.push_back(fmt::format("{} {}", s.name, s.examples()));
  }
  fmt::print(
      "teacher {} (p={} '{}', {} classes): {} examples, top {} of {} logits each → {}\n"
      "wrote {} bytes ({:.3f} MiB, gzip {}) in {:.3f} s ({:.1f} MB/s); teacher pass {:.3f} s; "
      "{:.0f} examples/s overall\n",
      teacher.step_dir.string(), teacher.task.p, to_string(teacher.task.operation),
      teacher.config.n_classes, fmt::join(counts, " + "), file.k, teacher.config.n_classes, out,
      bytes, bytes / double(1 << 20), compression, write_s, bytes / 1e6 / std::max(write_s, 1e-9),
      pass_s, examples / std::max(pass_s + write_s, 1e-9));
  return 0;
}

}  // namespace grok::cli
