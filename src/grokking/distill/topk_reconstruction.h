// Rebuilding the teacher's full logits [C] from its stored top-k (teacher_logits_file.h), for
// distillation from the file (docs/DISTILLATION.md, "Offline teacher logits"). Two modes, both
// defined at temperature 1; the distillation then divides the rebuilt logits by τ exactly as it
// does online logits:
//   zero     the missing classes get logit −inf (probability 0 at every τ); the softmax of the
//            rebuilt logits is the softmax over the stored k alone.
//   uniform  the mass the top-k leave, rest = 1 − Σ_i exp(v_i − lse) (lse: logsumexp of ALL
//            C logits, stored), is spread evenly over the C − k missing classes: each gets
//            logit lse + log(rest / (C − k)), so the rebuilt softmax (τ = 1) keeps every
//            stored probability exactly and sums to 1. If rest underflows (<= 0), the missing
//            classes get −inf as in zero.
// With k = C both give the stored logits back, bit for bit.
#pragma once

#include <cstdint>
#include <string>

namespace grok {

enum class TopkReconstruction { kZero, kUniform };

std::string to_string(TopkReconstruction mode);
// UsageError naming --topk_reconstruction and the allowed values.
void from_string(const std::string& text, TopkReconstruction& mode);

// logits [C] from values [k] (top-k order), their class indices [k] (distinct, in [0, C)) and
// the logsumexp of the full logits.
void reconstruct_logits(const float* values, const int32_t* indices, int k, float log_sum_exp,
                        int classes, TopkReconstruction mode, float* logits);

}  // namespace grok
