// The Fourier basis that matches a modular operation. A network that has learned + or − mod p
// represents a number a through the characters of the additive group Z_p, cos/sin(2πka/p)
// (Nanda et al. 2023); one that has learned × or ÷ represents it through the multiplicative
// group Z_p^× ≅ Z_{p−1}: with a primitive root g, a = g^i for a unique i = log_g a in
// [0, p−1), and the characters are cos/sin(2πk·log_g(a)/(p−1)). Token 0 has no discrete
// logarithm, so the multiplicative basis leaves it out (its row is reported separately).
// Not the spectrum itself (fourier.h).
#pragma once

#include <string>
#include <vector>

#include "grokking/data/operation.h"

namespace grok {

enum class FourierBasis { kAdditive, kMultiplicative };
std::string to_string(FourierBasis basis);  // "additive" | "multiplicative"

// The smallest primitive root mod p (the smallest g in [1, p) whose powers give every
// non-zero residue): g^((p−1)/q) ≠ 1 for every prime q dividing p − 1. p must be prime
// (GROK_CHECK); p = 2 gives 1.
int primitive_root(int p);

// The group a spectrum is taken over: `order` elements, element i being token element[i].
//   additive:       order p,     element[i] = i,            generator 0 (none)
//   multiplicative: order p − 1, element[i] = g^i mod p,    generator g
// index_of[token] is the inverse (−1 for token 0 in the multiplicative basis).
struct FourierGroup {
  FourierBasis basis = FourierBasis::kAdditive;
  int p = 0;
  int generator = 0;
  int order = 0;
  std::vector<int> element;   // [order]
  std::vector<int> index_of;  // [p]
  // The frequencies of a real spectrum: 1..floor(order/2) (0, the mean, is left out).
  int frequency_count() const { return order / 2; }
};

// multiplicative requires a prime p (GROK_CHECK); additive any p >= 2.
FourierGroup fourier_group(FourierBasis basis, int p);

// The basis for an operation: additive for + and −, multiplicative for × and ÷ when p is
// prime (for a composite p, Z_p^× is not cyclic in general, so × falls back to additive).
FourierBasis fourier_basis_for(Operation operation, int p);

}  // namespace grok
