// The split as CSV for `grokking data` (CONTRACT.md): header a,b,c,split, then the train
// rows in split order, then the val rows in split order; split is "train" or "val".
#pragma once

#include <ostream>

#include "grokking/data/dataset.h"

namespace grok {

void write_split_csv(const Split& split, std::ostream& out);

}  // namespace grok
