#include "grokking/distill/student_config.h"

#include <fmt/format.h>

#include <cmath>

#include "grokking/core/error.h"

namespace grok {
long long round_half_even(double x) { return std::llrint(std::nearbyint(x)); }

ModelConfig student_config(const ModelConfig& teacher, double student_scale, double depth_scale) {
  if (!(std::isfinite(student_scale) && student_scale > 0))
    throw UsageError(
        fmt::format("student_scale: {} is invalid; must be a positive number", student_scale));
  if (!(std::isfinite(depth_scale) && depth_scale > 0))
    throw UsageError(
        fmt::format("depth_scale: {} is invalid; must be a positive number", depth_scale));
  if (teacher.dim * student_scale > kMaxDim || teacher.depth * depth_scale > kMaxDepth)
    throw UsageError(fmt::format(
        "student_scale {} / depth_scale {}: a student wider than {} or deeper than {} is not "
        "supported",
        student_scale, depth_scale, kMaxDim, kMaxDepth));
  ModelConfig student = teacher;
  long long dim = std::max(8LL, round_half_even(teacher.dim * student_scale));
  if (dim % teacher.heads != 0) dim += teacher.heads - dim % teacher.heads;
  student.dim = static_cast<int>(dim);
  student.depth = static_cast<int>(std::max(1LL, round_half_even(teacher.depth * depth_scale)));
  try {
    student.validate();
  } catch (const UsageError& e) {
    throw UsageError(fmt::format(
        "student_scale {} × teacher dim {} gives a student of dim {} with {} heads, which is "
        "invalid ({}); choose another scale",
        student_scale, teacher.dim, student.dim, student.heads, e.what()));
  }
  return student;
}

}  // namespace grok
