// The order in which the runner starts trials that are ready (their dependencies done), to
// shorten a study's wall time on --jobs cores: list scheduling with the critical path first.
// A trial that others wait for (a teacher, a student with recursive rounds after it) starts
// before those that gate nothing; among equals, the longest first (largest estimated cost),
// so that the short ones fill the cores at the end instead of one long trial running alone.
// Every trial still runs single-threaded: a run is bit-reproducible for a given thread count,
// and the study's results must not depend on --jobs or on timing (docs/PERFORMANCE.md).
#pragma once

#include <cstddef>
#include <vector>

#include "grokking/experiment/plan.h"

namespace grok {

// Estimated cost of a trial in GEMM FLOPs (model/flops.h): epochs × steps per epoch × one
// training step of its model, plus its evaluations; feature distillation counts 1.8× (its
// extra projections and untrimmed last layer, docs/PERFORMANCE.md "Distillation cost").
double estimated_cost(const Trial& trial);

// Indices of `plan` in start order: trials with dependents first, then by estimated cost,
// descending; ties in plan order.
std::vector<std::size_t> start_order(const std::vector<Trial>& plan);

}  // namespace grok
