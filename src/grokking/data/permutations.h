// The symmetric group S5 as the tokens of a task: its 120 permutations of {0, 1, 2, 3, 4},
// numbered 0..119 in lexicographic order of their one-line notation [σ(0), …, σ(4)] (0 is the
// identity, 119 is [4, 3, 2, 1, 0]), as Python's itertools.permutations(range(5)) lists them.
// The product x·y is composition with y applied first: (x·y)(i) = x(y(i)). Not the tasks
// built on it (task.h).
#pragma once

#include <array>

namespace grok {

inline constexpr int kS5Order = 120;
using Permutation5 = std::array<int, 5>;

// Permutation number `index` < 120.
Permutation5 s5_permutation(int index);
// The number of a permutation (its lexicographic rank).
int s5_index(const Permutation5& sigma);
// Indices of x·y, of x⁻¹.
int s5_compose(int x, int y);
int s5_inverse(int x);

}  // namespace grok
