// The four modular operations of the task (REFERENCE.md §1) and the number theory they need.
// Not the task configuration (task_config.h) nor the enumeration of examples (dataset.h).
#pragma once

#include <cstdint>
#include <string>

namespace grok {

enum class Operation { kAdd, kSub, kMul, kDiv };

// "+", "-", "*", "/" (also "add", "sub", "mul", "div"); throws UsageError otherwise.
Operation parse_operation(const std::string& text);
inline void from_string(const std::string& text, Operation& out) { out = parse_operation(text); }
// The symbol: "+", "-", "*" or "/".
std::string to_string(Operation operation);
// Whether b = 0 is left out of the pairs (division).
bool excludes_zero_divisor(Operation operation);

// Trial division; false for n < 2.
bool is_prime(int n);
// base^exp mod m for exp >= 0, m >= 1 (64-bit intermediates, so any int operands).
int mod_pow(int64_t base, int64_t exp, int m);
// c = a op b mod p, in [0, p), for a, b in [0, p). Division uses the Fermat inverse
// b^(p-2) (p prime, b != 0).
int apply_operation(Operation operation, int a, int b, int p);

}  // namespace grok
