// .npy encoding: the exact bytes numpy.save writes (format version 1.0; the expected headers
// below are numpy 2.4's output; predict_python.sh compares whole files with numpy.save).
#include <gtest/gtest.h>

#include "grokking/checkpoint/npy.h"
#include "test_support.h"

namespace grok {
namespace {

template <typename T, std::size_t N>
std::string_view bytes_of(const T (&values)[N]) {
  return {reinterpret_cast<const char*>(values), sizeof values};
}

std::string header(const std::string& dict, std::size_t total) {
  std::string h = dict;
  h.append(total - 10 - dict.size() - 1, ' ');
  return h + "\n";
}

TEST(Npy, MatrixHeaderAsNumpyWritesIt) {
  const float values[6] = {0, 1, 2, 3, 4, 5};
  const std::string bytes = encode_npy(DType::kF32, {2, 3}, bytes_of(values));
  // np.save(f, np.arange(6, dtype=np.float32).reshape(2, 3)): header length 0x76.
  ASSERT_EQ(bytes.size(), 128u + sizeof values);
  EXPECT_EQ(bytes.substr(0, 10), std::string("\x93NUMPY\x01\x00\x76\x00", 10));
  EXPECT_EQ(bytes.substr(10, 118),
            header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 128));
  EXPECT_EQ(bytes.substr(128), std::string(bytes_of(values)));
}

TEST(Npy, VectorAndScalarHeaders) {
  const uint8_t flags[3] = {1, 0, 1};
  const std::string vector = encode_npy(DType::kU8, {3}, bytes_of(flags));
  EXPECT_EQ(vector.substr(10, 118),
            header("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", 128));
  const int32_t one[1] = {7};
  // np.save(f, np.int32(7)): no growth padding without an axis.
  const std::string scalar = encode_npy(DType::kI32, {}, bytes_of(one));
  EXPECT_EQ(scalar.size(), 132u);
  EXPECT_EQ(scalar.substr(10, 118),
            header("{'descr': '<i4', 'fortran_order': False, 'shape': (), }", 128));
}

TEST(Npy, RoomForTheFirstAxisToGrowCanTakeAnotherLine) {
  // np.save(f, np.zeros((1,) * 15, np.uint8)): 192 bytes before the data, where the
  // dictionary alone would fit in 128.
  const uint8_t one[1] = {0};
  EXPECT_EQ(encode_npy(DType::kU8, Shape(15, 1), bytes_of(one)).size(), 192u + 1u);
  EXPECT_EQ(encode_npy(DType::kU8, Shape(14, 1), bytes_of(one)).size(), 128u + 1u);
}

TEST(Npy, ByteCountMustMatchTheShape) {
  EXPECT_CONTAINS(testing_support::error_of([] { encode_npy(DType::kF32, {2}, "abc"); }),
                  "npy: 3 bytes for shape of 2 elements of F32");
}

}  // namespace
}  // namespace grok
