// Durable file writes (atomic replace, injected disk-full), whole-file reads, SHA-256 known
// answers and JSON file errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/core/sha256.h"
#include "test_support.h"

namespace grok {
namespace {

using testing_support::error_of;

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("grok-atomic-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    set_write_failure_injection(std::nullopt);
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  fs::path path_;
};

TEST(AtomicFile, WritesAndReplacesWholeContent) {
  TempDir dir;
  const fs::path file = dir.path() / "a.bin";
  const std::string first("one\0two", 7);
  write_file_atomic(file, first);
  EXPECT_EQ(read_file(file), first);
  write_file_atomic(file, "replacement");
  EXPECT_EQ(read_file(file), "replacement");
  write_file_atomic(file, "");
  EXPECT_EQ(read_file(file), "");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"a.bin"});  // no temporaries left
}

TEST(AtomicFile, LargeContentRoundTrips) {
  TempDir dir;
  std::string big(3'000'000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 2654435761u >> 13);
  write_file_atomic(dir.path() / "big", big);
  EXPECT_EQ(read_file(dir.path() / "big"), big);
}

TEST(AtomicFile, ReadErrorsNameThePath) {
  TempDir dir;
  const auto missing = dir.path() / "missing.json";
  const auto message = error_of([&] { read_file(missing); });
  EXPECT_NE(message.find(missing.string()), std::string::npos) << message;
  EXPECT_NE(message.find("No such file"), std::string::npos) << message;
  const auto as_dir = error_of([&] { read_file(dir.path()); });
  EXPECT_NE(as_dir.find("directory"), std::string::npos) << as_dir;
}

TEST(AtomicFile, WriteIntoMissingDirectoryNamesThePath) {
  TempDir dir;
  const auto target = dir.path() / "no" / "such" / "file";
  const auto message = error_of([&] { write_file_atomic(target, "x"); });
  EXPECT_NE(message.find(target.string()), std::string::npos) << message;
  EXPECT_NE(message.find("No such file"), std::string::npos) << message;
}

TEST(AtomicFile, InjectedDiskFullKeepsOldContentAndRemovesTemporary) {
  TempDir dir;
  const fs::path file = dir.path() / "state.json";
  write_file_atomic(file, "old content");
  for (const int64_t budget : {0, 1, 5, 9}) {
    set_write_failure_injection(budget);
    const auto message = error_of([&] { write_file_atomic(file, "new content!"); });
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    EXPECT_NE(message.find("No space left on device"), std::string::npos) << message;
    EXPECT_EQ(read_file(file), "old content");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"state.json"});
  }
  // The budget is cumulative: 12 bytes allow exactly one more write of 12 bytes.
  set_write_failure_injection(12);
  write_file_atomic(file, "new content!");
  EXPECT_EQ(read_file(file), "new content!");
  EXPECT_NE(error_of([&] { write_file_atomic(file, "x"); }), "(no error)");
  set_write_failure_injection(std::nullopt);
  write_file_atomic(file, "x");
  EXPECT_EQ(read_file(file), "x");
}

TEST(AtomicFile, SyncedWriteRemovesPartialFileOnFailure) {
  TempDir dir;
  set_write_failure_injection(3);
  const auto message = error_of([&] { write_file_synced(dir.path() / "m.safetensors", "12345"); });
  EXPECT_NE(message.find("m.safetensors: No space left on device"), std::string::npos) << message;
  EXPECT_TRUE(dir.entries().empty());
  set_write_failure_injection(std::nullopt);
  write_file_synced(dir.path() / "m.safetensors", "12345");
  EXPECT_EQ(read_file(dir.path() / "m.safetensors"), "12345");
  fsync_directory(dir.path());
  EXPECT_NE(error_of([&] { fsync_directory(dir.path() / "nope"); }), "(no error)");
}

// GROK_INJECT_WRITE_FAILURE (for CLI tests) is read at the first write of a fresh process.
TEST(AtomicFileDeathTest, EnvironmentVariableInjectsDiskFull) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // the child re-executes this binary
  ::setenv("GROK_INJECT_WRITE_FAILURE", "4", 1);
  const auto write_in_child = [] {
    const fs::path dir = fs::temp_directory_path() / ("grok-env-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    int code = 0;
    try {
      write_file_atomic(dir / "f", "1234");  // exactly the budget
      write_file_atomic(dir / "g", "5");
    } catch (const Error& e) {
      std::fprintf(stderr, "%s\n", e.what());
      const bool f_ok = !fs::exists(dir / "f") || read_file(dir / "f") == "1234";
      code = f_ok && !fs::exists(dir / "g") ? 3 : 4;
    }
    fs::remove_all(dir);
    std::exit(code);
  };
  EXPECT_EXIT(write_in_child(), ::testing::ExitedWithCode(3), "/g: No space left on device");
  ::setenv("GROK_INJECT_WRITE_FAILURE", "lots", 1);
  EXPECT_EXIT(write_in_child(), ::testing::ExitedWithCode(3),
              "GROK_INJECT_WRITE_FAILURE='lots' is not a byte count");
  ::unsetenv("GROK_INJECT_WRITE_FAILURE");
}

// FIPS 180-2 appendix B test vectors.
TEST(Sha256, MatchesFipsVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FileDigestEqualsContentDigest) {
  TempDir dir;
  const std::string content(200000, 'a');  // spans several read chunks
  write_file_atomic(dir.path() / "f", content);
  EXPECT_EQ(sha256_file_hex(dir.path() / "f"), sha256_hex(content));
  EXPECT_NE(error_of([&] { sha256_file_hex(dir.path() / "g"); }).find("/g"), std::string::npos);
}

TEST(JsonIo, RoundTripsAndNamesTheFileOnErrors) {
  TempDir dir;
  const auto file = dir.path() / "m.json";
  const nlohmann::json value = {{"step", 40}, {"config", {{"dim", 128}}}, {"lr", 0.001}};
  write_json_file_atomic(file, value);
  EXPECT_EQ(read_json_file(file), value);
  EXPECT_EQ(read_file(file).back(), '\n');
  write_file_atomic(file, "{\"step\": 4");
  const auto message = error_of([&] { read_json_file(file); });
  EXPECT_NE(message.find(file.string() + ": invalid JSON"), std::string::npos) << message;
  EXPECT_NE(error_of([&] { read_json_file(dir.path() / "none.json"); }).find("none.json"),
            std::string::npos);
}

}  // namespace
}  // namespace grok
