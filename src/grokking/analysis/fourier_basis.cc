#include "grokking/analysis/fourier_basis.h"

#include "grokking/core/error.h"

namespace grok {

std::string to_string(FourierBasis basis) {
  return basis == FourierBasis::kAdditive ? "additive" : "multiplicative";
}

int primitive_root(int p) {
  GROK_CHECK(is_prime(p), "primitive root of {}: not a prime", p);
  if (p == 2) return 1;
  std::vector<int> factors;  // the distinct primes dividing p − 1
  int rest = p - 1;
  for (int q = 2; q * q <= rest; ++q) {
    if (rest % q != 0) continue;
    factors.push_back(q);
    while (rest % q == 0) rest /= q;
  }
  if (rest > 1) factors.push_back(rest);
  for (int g = 2; g < p; ++g) {
    bool generates = true;
    for (const int q : factors) generates = generates && mod_pow(g, (p - 1) / q, p) != 1;
    if (generates) return g;
  }
  GROK_CHECK(false, "no primitive root mod {}", p);
  return 0;
}

FourierGroup fourier_group(FourierBasis basis, int p) {
  GROK_CHECK(p >= 2, "Fourier basis of Z_{}", p);
  FourierGroup g;
  g.basis = basis;
  g.p = p;
  g.index_of.assign(p, -1);
  if (basis == FourierBasis::kAdditive) {
    g.order = p;
    for (int a = 0; a < p; ++a) g.element.push_back(a);
  } else {
    g.generator = primitive_root(p);
    g.order = p - 1;
    int64_t a = 1;
    for (int i = 0; i < g.order; ++i, a = a * g.generator % p)
      g.element.push_back(static_cast<int>(a));
  }
  for (int i = 0; i < g.order; ++i) g.index_of[g.element[i]] = i;
  return g;
}

FourierBasis fourier_basis_for(Operation operation, int p) {
  const bool multiplicative = operation == Operation::kMul || operation == Operation::kDiv;
  return multiplicative && is_prime(p) ? FourierBasis::kMultiplicative : FourierBasis::kAdditive;
}

}  // namespace grok
