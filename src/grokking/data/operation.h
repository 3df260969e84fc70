// The operations a task can ask for (REFERENCE.md §1) and the number theory they need: the
// binary operations mod p of Power et al. 2022's table (+ − × ÷, the polynomials, and `mix`),
// the symmetric group S5's products (permutations.h), and two three-operand operations mod p.
// Not the task configuration (task_config.h) nor the enumeration of examples (task.h).
#pragma once

#include <cstdint>
#include <string>

namespace grok {

enum class Operation {
  kAdd,             // x + y
  kSub,             // x − y
  kMul,             // x · y
  kDiv,             // x / y = x · y^(p−2), y ≠ 0
  kSquares,         // x² + y²
  kQuadratic,       // x² + xy + y²
  kQuadraticPlusX,  // x² + xy + y² + x
  kCubeXY,          // x³ + xy
  kCubeXY2Y,        // x³ + xy² + y
  kMix,             // x / y if y is odd, else x − y (modular division, y odd so y ≠ 0)
  kS5,              // x · y in S5
  kS5Conjugate,     // x · y · x⁻¹ in S5
  kS5Aba,           // x · y · x in S5
  kSumTimes,        // (a + b) · c
  kProductPlus,     // (a · b) + c
};

// Every operation's name, in the enum's order, as --operation takes it ("+", "x2+y2", "s5",
// "(a+b)*c", …); also "add", "sub", "mul", "div". Throws UsageError otherwise.
Operation parse_operation(const std::string& text);
inline void from_string(const std::string& text, Operation& out) { out = parse_operation(text); }
// Its --operation name: "+", "x2+xy+y2", "s5conj", "(a*b)+c", ….
std::string to_string(Operation operation);
// The names, space-separated, for help and errors.
const char* operation_names();

// Whether the operands are permutations of S5 (and --p is ignored).
bool is_s5(Operation operation);
// 2, or 3 for (a+b)*c and (a*b)+c.
int operand_count(Operation operation);
// Whether b = 0 is left out of the pairs (division).
bool excludes_zero_divisor(Operation operation);
// Whether p must be prime (the operation divides: / and mix).
bool needs_prime_modulus(Operation operation);

// Trial division; false for n < 2.
bool is_prime(int n);
// base^exp mod m for exp >= 0, m >= 1 (64-bit intermediates, so any int operands).
int mod_pow(int64_t base, int64_t exp, int m);
// c = a op b mod p, in [0, p), for a, b in [0, p) and a binary modular operation. Division
// uses the Fermat inverse b^(p-2) (p prime, b != 0).
int apply_operation(Operation operation, int a, int b, int p);
// (a + b)·c or (a·b) + c mod p, for a, b, c in [0, p).
int apply_operation(Operation operation, int a, int b, int c, int p);

}  // namespace grok
