#include "grokking/data/operation.h"

#include <array>

#include "grokking/core/error.h"

namespace grok {
namespace {

// In the enum's order.
constexpr std::array<const char*, 15> kNames = {
    "+",        "-",   "*",  "/",      "x2+y2", "x2+xy+y2", "x2+xy+y2+x", "x3+xy",
    "x3+xy2+y", "mix", "s5", "s5conj", "s5aba", "(a+b)*c",  "(a*b)+c"};

}  // namespace

const char* operation_names() {
  return "+ - * / x2+y2 x2+xy+y2 x2+xy+y2+x x3+xy x3+xy2+y mix s5 s5conj s5aba (a+b)*c (a*b)+c";
}

Operation parse_operation(const std::string& text) {
  if (text == "add") return Operation::kAdd;
  if (text == "sub") return Operation::kSub;
  if (text == "mul") return Operation::kMul;
  if (text == "div") return Operation::kDiv;
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (text == kNames[i]) return static_cast<Operation>(i);
  throw UsageError(fmt::format("operation: '{}' is not one of {}", text, operation_names()));
}

std::string to_string(Operation operation) {
  const auto i = static_cast<std::size_t>(operation);
  GROK_CHECK(i < kNames.size(), "unknown Operation {}", i);
  return kNames[i];
}

bool is_s5(Operation operation) {
  return operation == Operation::kS5 || operation == Operation::kS5Conjugate ||
         operation == Operation::kS5Aba;
}

int operand_count(Operation operation) {
  return operation == Operation::kSumTimes || operation == Operation::kProductPlus ? 3 : 2;
}

bool excludes_zero_divisor(Operation operation) { return operation == Operation::kDiv; }

bool needs_prime_modulus(Operation operation) {
  return operation == Operation::kDiv || operation == Operation::kMix;
}

bool is_prime(int n) {
  if (n < 2) return false;
  for (int d = 2; static_cast<int64_t>(d) * d <= n; ++d)
    if (n % d == 0) return false;
  return true;
}

int mod_pow(int64_t base, int64_t exp, int m) {
  GROK_CHECK(m >= 1 && exp >= 0, "mod_pow(base {}, exp {}, m {})", base, exp, m);
  int64_t result = 1 % m;
  base %= m;
  if (base < 0) base += m;
  for (; exp > 0; exp >>= 1) {
    if (exp & 1) result = result * base % m;
    base = base * base % m;
  }
  return static_cast<int>(result);
}

int apply_operation(Operation operation, int a, int b, int p) {
  GROK_CHECK(p >= 1 && a >= 0 && a < p && b >= 0 && b < p, "a {} b {} p {}", a, b, p);
  // a, b < 4096, so every product below stays far inside 64 bits before the final % p.
  const int64_t x = a, y = b;
  switch (operation) {
    case Operation::kAdd:
      return static_cast<int>((x + y) % p);
    case Operation::kSub:
      return static_cast<int>((x - y + p) % p);
    case Operation::kMul:
      return static_cast<int>(x * y % p);
    case Operation::kDiv:
      GROK_CHECK(b != 0, "division by zero mod {}", p);
      return static_cast<int>(x * mod_pow(y, p - 2, p) % p);
    case Operation::kSquares:
      return static_cast<int>((x * x + y * y) % p);
    case Operation::kQuadratic:
      return static_cast<int>((x * x + x * y + y * y) % p);
    case Operation::kQuadraticPlusX:
      return static_cast<int>((x * x + x * y + y * y + x) % p);
    case Operation::kCubeXY:
      return static_cast<int>((x * x % p * x + x * y) % p);
    case Operation::kCubeXY2Y:
      return static_cast<int>((x * x % p * x + x * (y * y % p) + y) % p);
    case Operation::kMix:
      return b % 2 == 1 ? apply_operation(Operation::kDiv, a, b, p)
                        : apply_operation(Operation::kSub, a, b, p);
    default:
      break;
  }
  GROK_CHECK(false, "{} is not a binary operation mod p", to_string(operation));
}

int apply_operation(Operation operation, int a, int b, int c, int p) {
  GROK_CHECK(p >= 1 && a >= 0 && a < p && b >= 0 && b < p && c >= 0 && c < p, "a {} b {} c {} p {}",
             a, b, c, p);
  const int64_t x = a, y = b, z = c;
  if (operation == Operation::kSumTimes) return static_cast<int>((x + y) % p * z % p);
  GROK_CHECK(operation == Operation::kProductPlus, "{} is not a three-operand operation",
             to_string(operation));
  return static_cast<int>((x * y % p + z) % p);
}

}  // namespace grok
