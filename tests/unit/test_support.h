// Small helpers shared by the unit tests: the message of the grok::Error a call throws, and a
// substring expectation that prints the whole text on failure.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "grokking/core/error.h"

namespace grok::testing_support {

// The what() of the grok::Error that f throws, or "(no error)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace grok::testing_support

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "\"" << (text) << "\""
