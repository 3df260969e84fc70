// Offline teacher logits between a teacher and a run: computing the file's contents from a
// loaded teacher (`grokking teacher-logits`), checking that a file belongs to a teacher and to
// a split, and rebuilding a split's dense teacher cache from it for `grokking distill
// --teacher_logits` (the teacher's weights are then never loaded). The format itself is
// teacher_logits_file.h; the rebuilding of missing classes topk_reconstruction.h.
#pragma once

#include <string>
#include <vector>

#include "grokking/data/dataset.h"
#include "grokking/distill/teacher_cache.h"
#include "grokking/distill/teacher_logits_file.h"
#include "grokking/distill/topk_reconstruction.h"
#include "grokking/train/model_loader.h"

namespace grok {

// The default --top_k, and its meaning at 0.
inline constexpr int kDefaultTopK = 64;
// k as stored: top_k clamped to the class count, all classes for 0 (top_k >= 0).
int stored_top_k(int top_k, int classes);

// Runs the teacher once in inference mode over each named split ("train", "val") of its own
// task, in chunks of min(eval_batch_size, split size) examples — the chunks of distill's
// online teacher cache, so the logits are the same floats — and keeps the top stored_top_k(k)
// logits per example. The caller sets the GEMM precision (fp32, as distill does).
TeacherLogitsFile compute_teacher_logits(const LoadedModel& teacher,
                                         const std::vector<std::string>& splits, int top_k,
                                         int eval_batch_size);

// What distill needs of a teacher when only its file is given: config, task, step, epoch,
// step_dir (the checkpoint recorded in the file) and metadata {"seed"}; no weights.
LoadedModel teacher_from_logits_file(const TeacherLogitsFile& file);

// UsageError naming the first mismatch if the file at `source` was not written from this
// teacher: task (p, operation, train_fraction, label noise), split seed, vocabulary and class
// count, model config, then the sha256 of its model.safetensors.
void check_file_matches_teacher(const TeacherLogitsFile& file, const std::string& source,
                                const LoadedModel& teacher);

// grok::Error unless the file's split `name` holds exactly the examples of `expected` in
// order (count, then tokens and labels; the proof that it is the same split). UsageError if
// the file lacks that split.
void check_split_examples(const TeacherLogitsFile& file, const std::string& source,
                          const std::string& name, const Dataset& expected);

// The split's teacher logits [N,C] rebuilt per `mode` (topk_reconstruction.h), after
// check_split_examples against `expected`.
Buffer<float> dense_teacher_logits(const TeacherLogitsFile& file, const std::string& source,
                                   const std::string& name, const Dataset& expected,
                                   TopkReconstruction mode);

// Puts the split's rebuilt logits (dense_teacher_logits) into `cache`, a cache over `expected`,
// and, when the file holds fewer than all C logits, the teacher's exact cross-entropy per
// example (logsumexp − label_logit: the teacher's own, whatever the reconstruction); `seconds`
// (reading the file) is added to its time.
void load_file_logits(TeacherCache<float>& cache, const TeacherLogitsFile& file,
                      const std::string& source, const std::string& name, const Dataset& expected,
                      TopkReconstruction mode, double seconds = 0);

// The same as a teacher cache over `expected` holding logits only: the train split's for
// distillation, the val split's for validation-split teacher terms.
TeacherCache<float> teacher_cache_from_file(const TeacherLogitsFile& file,
                                            const std::string& source, const std::string& name,
                                            const Dataset& expected, TopkReconstruction mode);

}  // namespace grok
