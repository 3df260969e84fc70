// The student's shape from the teacher's (REFERENCE.md §5): width scaled and rounded
// half-to-even (Python's round, as the reference uses), at least 8, rounded up to a multiple
// of the heads; depth = max(1, round(L·depth_scale)); heads, dropout, pool, vocabulary copied.
// Not the distillation hyperparameters (distill_config.h).
#pragma once

#include "grokking/model/model_config.h"

namespace grok {

// Round to the nearest integer, ties to even (2.5 → 2, 3.5 → 4), as Python's round().
long long round_half_even(double x);

// Throws UsageError naming student_scale / depth_scale if a scale is not positive and finite,
// or if the resulting shape is invalid (e.g. an odd head width, which RoPE cannot rotate).
ModelConfig student_config(const ModelConfig& teacher, double student_scale, double depth_scale);

}  // namespace grok
