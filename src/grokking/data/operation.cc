#include "grokking/data/operation.h"

#include "grokking/core/error.h"

namespace grok {

Operation parse_operation(const std::string& text) {
  if (text == "+" || text == "add") return Operation::kAdd;
  if (text == "-" || text == "sub") return Operation::kSub;
  if (text == "*" || text == "mul") return Operation::kMul;
  if (text == "/" || text == "div") return Operation::kDiv;
  throw UsageError(fmt::format("operation: '{}' is not one of + - * /", text));
}

std::string to_string(Operation operation) {
  switch (operation) {
    case Operation::kAdd:
      return "+";
    case Operation::kSub:
      return "-";
    case Operation::kMul:
      return "*";
    case Operation::kDiv:
      return "/";
  }
  GROK_CHECK(false, "unknown Operation {}", static_cast<int>(operation));
}

bool excludes_zero_divisor(Operation operation) { return operation == Operation::kDiv; }

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
  }
  GROK_CHECK(false, "unknown Operation {}", static_cast<int>(operation));
}

}  // namespace grok
