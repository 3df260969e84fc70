// Run-directory locks (core/run_lock.h): a second lock on a held directory fails naming the
// directory and the holder's pid; released on destruction; a lock file left by a dead holder
// is taken over. UTF-8 validation of string options (field_codec.h) on hand-made cases.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "grokking/core/error.h"
#include "grokking/core/field_codec.h"
#include "grokking/core/run_lock.h"
#include "test_support.h"

namespace grok {
namespace {

namespace fs = std::filesystem;
using testing_support::error_of;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("grok-lock-test-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  return dir;
}

std::string contents(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RunLock, SecondHolderIsRefusedWithThePid) {
  const fs::path dir = fresh_dir("held");
  std::optional<RunLock> first(std::in_place, dir, "train");
  const std::string pid = "pid " + std::to_string(::getpid()) + ", grokking train";
  EXPECT_EQ(contents(dir / ".lock"), pid + "\n");
  // flock locks belong to the open file, so a second open in this process conflicts too.
  const std::string message = error_of([&] { RunLock second(dir, "distill"); });
  EXPECT_NE(message.find(dir.string() + " is in use by another process (" + pid + ")"),
            std::string::npos)
      << message;
  first.reset();
  RunLock again(dir, "distill");
  EXPECT_EQ(contents(dir / ".lock"), "pid " + std::to_string(::getpid()) + ", grokking distill\n");
  fs::remove_all(dir);
}

TEST(RunLock, StaleLockFileIsTakenOver) {
  const fs::path dir = fresh_dir("stale");
  fs::create_directories(dir);
  std::ofstream(dir / ".lock") << "pid 999999999, grokking experiment and a long tail\n";
  RunLock lock(dir, "train");
  EXPECT_EQ(contents(dir / ".lock"), "pid " + std::to_string(::getpid()) + ", grokking train\n");
  fs::remove_all(dir);
}

TEST(RunLock, UnwritableDirectoryIsNamed) {
  const std::string message = error_of([] { RunLock lock("/proc/no-such-run", "train"); });
  EXPECT_NE(message.find("/proc/no-such-run"), std::string::npos) << message;
}

TEST(ValidUtf8, HandMadeCases) {
  using codec_detail::valid_utf8;
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("runs/plain"));
  EXPECT_TRUE(valid_utf8("r\xC3\xA9sultats"));   // é
  EXPECT_TRUE(valid_utf8("\xE2\x82\xAC"));       // € U+20AC
  EXPECT_TRUE(valid_utf8("\xF0\x9F\x98\x80"));   // U+1F600
  EXPECT_TRUE(valid_utf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF, the last code point
  EXPECT_FALSE(valid_utf8("\xFF"));              // never in UTF-8
  EXPECT_FALSE(valid_utf8("bad-\x80"));          // a lone continuation byte
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong '/', three bytes
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // U+110000, past the range
  EXPECT_FALSE(valid_utf8("\xE2\x82"));          // truncated at the end
  EXPECT_FALSE(valid_utf8("\xE2\x82x"));         // truncated before a plain byte
}

}  // namespace
}  // namespace grok
