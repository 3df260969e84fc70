// TensorBoard event files: CRC-32C against published check values, TFRecord framing read back
// and corruption detected, and EventWriter's events decoded with the same messages (the
// Python side, tensorboard_events.sh, reads them with TensorBoard itself).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "grokking/core/atomic_file.h"
#include "grokking/tensorboard/event.pb.h"
#include "grokking/tensorboard/event_writer.h"
#include "grokking/tensorboard/tfrecord.h"
#include "test_support.h"

namespace grok::tensorboard {
namespace {

namespace fs = std::filesystem;
using testing_support::error_of;

// RFC 3720 (iSCSI) appendix B.4 and the usual "123456789" check value of CRC-32C.
TEST(Crc32c, MatchesPublishedCheckValues) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(crc32c(""), 0u);
}

TEST(Crc32c, MaskRotatesAndAddsTheConstant) {
  const uint32_t crc = crc32c("123456789");
  EXPECT_EQ(masked_crc32c("123456789"), ((crc >> 15) | (crc << 17)) + 0xa282ead8u);
}

TEST(TfRecord, FrameLayoutAndRoundTrip) {
  const std::string frame = tfrecord_frame("abc");
  ASSERT_EQ(frame.size(), 3u + 16u);
  EXPECT_EQ(frame.substr(0, 8), std::string("\x03\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(frame.substr(12, 3), "abc");
  const auto records = read_tfrecords(frame + tfrecord_frame("") + tfrecord_frame("xyz"), "f");
  EXPECT_EQ(records, (std::vector<std::string>{"abc", "", "xyz"}));
}

TEST(TfRecord, CorruptionAndTruncationAreNamed) {
  const std::string two = tfrecord_frame("first") + tfrecord_frame("second");
  std::string flipped = two;
  flipped[21 + 14] ^= 1;  // a data byte of the second record
  EXPECT_CONTAINS(error_of([&] { read_tfrecords(flipped, "f"); }),
                  "f: record 1 at byte 21: data checksum mismatch");
  std::string bad_length = two;
  bad_length[0] = 6;
  EXPECT_CONTAINS(error_of([&] { read_tfrecords(bad_length, "f"); }), "length checksum mismatch");
  EXPECT_CONTAINS(error_of([&] { read_tfrecords(two.substr(0, two.size() - 2), "f"); }),
                  "record 1 at byte 21: truncated data");
}

class EventWriterTest : public ::testing::Test {
 protected:
  EventWriterTest()
      : dir_(fs::temp_directory_path() / ("grok-tb-test-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
  }
  ~EventWriterTest() override { fs::remove_all(dir_); }

  static std::vector<Event> events(const fs::path& file) {
    std::vector<Event> out;
    for (const std::string& record : read_tfrecords(read_file(file), file.string())) {
      Event event;
      EXPECT_TRUE(event.ParseFromString(record));
      out.push_back(event);
    }
    return out;
  }
  fs::path dir_;
};

TEST_F(EventWriterTest, WritesVersionScalarsAndText) {
  EventWriter writer;
  writer.open(dir_);
  writer.add_scalar("val_acc", 3, 0.125);
  writer.add_scalar("lr", 3, 1e-3);
  writer.add_text("config", 0, "    p: 97\n");
  writer.close();
  const auto e = events(writer.path());
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].file_version(), "brain.Event:2");
  EXPECT_EQ(e[1].step(), 3);
  EXPECT_EQ(e[1].summary().value(0).tag(), "val_acc");
  EXPECT_EQ(e[1].summary().value(0).simple_value(), 0.125f);
  EXPECT_EQ(e[2].summary().value(0).simple_value(), static_cast<float>(1e-3));
  const Summary::Value& text = e[3].summary().value(0);
  EXPECT_EQ(text.metadata().plugin_data().plugin_name(), "text");
  EXPECT_EQ(text.tensor().dtype(), DT_STRING);
  EXPECT_EQ(text.tensor().tensor_shape().dim_size(), 0);
  EXPECT_EQ(text.tensor().string_val(0), "    p: 97\n");
  EXPECT_GT(e[3].wall_time(), 1.5e9);
}

TEST_F(EventWriterTest, AResumedFileSortsLastAndStartsASession) {
  EventWriter first;
  first.open(dir_);
  first.add_scalar("loss", 1, 2.0);
  first.add_scalar("loss", 2, 1.0);
  first.close();
  EventWriter second;  // within the same second: still named after the first
  second.open(dir_, 1);
  second.add_scalar("loss", 2, 0.5);
  second.close();
  EXPECT_LT(first.path().filename().string(), second.path().filename().string());
  const auto e = events(second.path());
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[1].session_log().status(), SessionLog::START);
  EXPECT_EQ(e[1].step(), 2);  // TensorBoard drops steps >= 2 of the first file
  EXPECT_EQ(remove_event_files(dir_), 2);
  EXPECT_TRUE(fs::is_empty(dir_));
}

}  // namespace
}  // namespace grok::tensorboard
