// Errors and checks. Bad input from outside (files, flags, configs) throws grok::Error with
// what failed, the bad value and a hint; main() maps it to an exit code and prints one line.
// Internal invariants use GROK_CHECK, which stays on in release builds.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace grok {

// Process exit codes (CONTRACT.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSigint = 130;
inline constexpr int kExitSigterm = 143;

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int exit_code = kExitRuntime)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// A usage error: an unknown flag, an invalid value. Exit code 2.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(message, kExitUsage) {}
};

namespace detail {
[[noreturn]] void check_failed_message(const char* expr, const char* file, int line,
                                       const std::string& msg);
[[noreturn]] inline void check_failed(const char* expr, const char* file, int line) {
  check_failed_message(expr, file, line, "");
}
template <typename... Args>
[[noreturn]] void check_failed(const char* expr, const char* file, int line,
                               fmt::format_string<Args...> format, Args&&... args) {
  check_failed_message(expr, file, line, fmt::format(format, std::forward<Args>(args)...));
}
}  // namespace detail

}  // namespace grok

// GROK_CHECK(cond) or GROK_CHECK(cond, "format {}", args...): throws grok::Error naming the
// condition, the place and the formatted context.
#define GROK_CHECK(cond, ...)                                                             \
  do {                                                                                    \
    if (!(cond))                                                                          \
      ::grok::detail::check_failed(#cond, __FILE__, __LINE__ __VA_OPT__(, ) __VA_ARGS__); \
  } while (0)
