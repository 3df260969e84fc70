// The optimizer of a new stage of a multi-stage run (train/stage_plan.h) taking over from the
// previous stage's: the new one is built for the stage's own settings and parameter groups over
// the same parameters, then hand_over gives it what it keeps. Not when stages start, nor the
// decay anchor (the caller sets it again from the initial weights).
#pragma once

#include <cstdint>

#include "grokking/optim/optimizer.h"

namespace grok {

// `next` continues `previous`'s step count; its schedule (and its transforms' filters, whose
// state lives in the packed layout of the trainable tensors, which the stage may change)
// restarts at `first_step`, the stage's first step. With reset, every trainable tensor starts
// fresh: zero moments, counted from first_step (bias corrections from 1). Without, a tensor
// trainable in both stages keeps its update-rule state and that state's age; a tensor frozen in
// the previous stage starts fresh. No previous optimizer (the first stage): all fresh.
void hand_over(const Optimizer* previous, Optimizer& next, bool reset, int64_t first_step);

}  // namespace grok
