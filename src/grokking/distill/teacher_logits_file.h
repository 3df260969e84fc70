// The offline teacher-logits file (`grokking teacher-logits`, docs/DISTILLATION.md "Offline
// teacher logits"): per split, the teacher's top-k logits of every example with their class
// indices, the logsumexp of all its logits and its logit of the label, and the example's
// tokens and label, in HDF5 (one
// group per split, /train and /val), with attributes naming the teacher, its model config and
// task. This file is the format alone: writing it atomically and reading it back with every
// value range-checked (the file is untrusted) and its checksum verified. Computing it from a
// teacher and turning it into a teacher cache are in teacher_logits.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "grokking/data/task_config.h"
#include "grokking/model/model_config.h"

namespace grok {

inline constexpr const char* kTeacherLogitsFormat = "grokking-teacher-logits";
inline constexpr int kTeacherLogitsFormatVersion = 1;

// One split's examples, in split order (N = labels.size(), T = seq_len, k = file's k).
struct TeacherLogitsSplit {
  std::string name;                   // "train" or "val" (the HDF5 group)
  std::vector<int32_t> tokens;        // [N,T]
  std::vector<int32_t> labels;        // [N]
  std::vector<float> topk_values;     // [N,k] descending; ties: the lower class index first
  std::vector<int32_t> topk_indices;  // [N,k] their classes, distinct, in [0, C)
  std::vector<float> logsumexp;       // [N] log Σ_c exp(z_c) over all C logits
  std::vector<float> label_logit;     // [N] z_label: the teacher's CE is logsumexp − label_logit
  int examples() const { return static_cast<int>(labels.size()); }
};

struct TeacherLogitsFile {
  // The teacher (root attributes).
  std::string teacher_sha256;      // of its model.safetensors
  std::string teacher_checkpoint;  // its step directory when the file was written
  int64_t teacher_step = 0;
  int64_t teacher_epoch = 0;
  uint64_t teacher_seed = 0;  // its run's seed: a student's default seed
  ModelConfig config;         // n_classes C, seq_len T
  TaskConfig task;            // p, operation, train_fraction, label_noise, split_seed
  int k = 0;                  // 1..C stored classes per example
  int eval_batch_size = 0;    // examples per teacher forward (as distill's eval_batch_size)
  std::string toolkit_version;
  std::vector<TeacherLogitsSplit> splits;
  // sha256 of the lines "<split>/<dataset> <sha256 of its little-endian bytes>\n", splits in
  // file order, datasets in the order tokens, labels, topk_values, topk_indices, logsumexp,
  // label_logit.
  std::string datasets_sha256;

  // The split of that name, or null.
  const TeacherLogitsSplit* find(const std::string& name) const;
};

// datasets_sha256 of these splits (the definition above).
std::string teacher_logits_checksum(const std::vector<TeacherLogitsSplit>& splits);

// The file's bytes (an HDF5 image built in memory): datasets chunked by rows, shuffle + gzip
// at gzip_level (0: uncompressed); datasets_sha256 is computed here (file.datasets_sha256 is
// not read). `name` labels messages.
std::string teacher_logits_image(const TeacherLogitsFile& file, int gzip_level,
                                 const std::string& name);

// Writes the image atomically (temporary name, fsync, rename: core/atomic_file.h), so a crash
// never leaves a partial file under `path`. Returns the bytes written.
int64_t write_teacher_logits(const TeacherLogitsFile& file, const std::filesystem::path& path,
                             int gzip_level);

// Reads and validates a file: grok::Error naming the path and the problem if it is missing,
// not HDF5, truncated or corrupt (checksum), of another format or version, or holds a value
// out of range (shapes, k, class indices, tokens, labels, non-finite or unordered values,
// model config and task that do not fit each other).
TeacherLogitsFile read_teacher_logits(const std::filesystem::path& path);

}  // namespace grok
