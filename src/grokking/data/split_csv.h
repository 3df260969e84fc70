// The split as CSV for `grokking data` (CONTRACT.md): header a,b,c,split (c the label), or
// a,b,c,result,split for three-operand tasks, then the train rows in split order, then the val
// rows in split order; split is "train" or "val". S5 operands and labels are permutation
// numbers (data/permutations.h). With label noise a last column, true_c (true_result), holds
// the label before noise; the c (result) column is the label trained on.
#pragma once

#include <ostream>

#include "grokking/data/dataset.h"

namespace grok {

void write_split_csv(const Split& split, std::ostream& out);

}  // namespace grok
