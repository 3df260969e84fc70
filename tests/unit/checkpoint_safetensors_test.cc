// The safetensors codec: round trips for every dtype, byte-exact golden and hand-computed
// files, files written independently (by hand and by the Python library), every kind of
// corruption named, and TensorLayout arenas in and out.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>

#include "grokking/checkpoint/safetensors.h"
#include "grokking/checkpoint/tensor_io.h"
#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "test_support.h"

namespace grok {
namespace {

using testing_support::error_of;

namespace fs = std::filesystem;

fs::path data_dir() {
  if (const char* src = std::getenv("GROK_SOURCE_DIR")) return fs::path(src) / "tests" / "data";
  return fs::path(__FILE__).parent_path().parent_path() / "data";
}

// A file from a header text and data, without padding.
std::string make_file(const std::string& header, const std::string& data) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
  return out + header + data;
}

template <typename T>
std::string raw(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

TEST(SafeTensors, DTypeNamesAndSizes) {
  for (const auto dtype : {DType::kF64, DType::kF32, DType::kI64, DType::kU64, DType::kI32,
                           DType::kU32, DType::kI16, DType::kU16, DType::kI8, DType::kU8})
    EXPECT_EQ(parse_dtype(dtype_name(dtype)), dtype);
  EXPECT_EQ(dtype_name(DType::kF32), "F32");
  EXPECT_EQ(dtype_name(DType::kU64), "U64");
  EXPECT_EQ(dtype_size(DType::kF64), 8u);
  EXPECT_EQ(dtype_size(DType::kI16), 2u);
  EXPECT_CONTAINS(error_of([] { parse_dtype("BF16"); }), "unsupported dtype \"BF16\"");
}

TEST(SafeTensors, RoundTripsEveryDType) {
  const std::vector<double> f64 = {0.1, -1e300, std::numeric_limits<double>::denorm_min(),
                                   std::numeric_limits<double>::infinity()};
  const std::vector<float> f32 = {1.5f,   -0.0f, std::numeric_limits<float>::quiet_NaN(),
                                  7e-45f, 3.0f,  -2.0f};
  const std::vector<int64_t> i64 = {std::numeric_limits<int64_t>::min(), -1, 42};
  const std::vector<uint64_t> u64 = {std::numeric_limits<uint64_t>::max()};
  const std::vector<int32_t> i32 = {-7, 0, 7, std::numeric_limits<int32_t>::max()};
  const std::vector<uint32_t> u32 = {0xdeadbeefu, 1u};
  const std::vector<int16_t> i16 = {-300, 300};
  const std::vector<uint16_t> u16 = {65535};
  const std::vector<int8_t> i8 = {-128, 127, 0};
  const std::vector<uint8_t> u8 = {1, 2, 3, 4, 5};
  const std::vector<SafeTensorView> views = {
      make_view("f64", {2, 2}, f64.data()), make_view("f32", {3, 2}, f32.data()),
      make_view("i64", {3}, i64.data()),    make_view("u64", {}, u64.data()),
      make_view("i32", {1, 4}, i32.data()), make_view("u32", {2}, u32.data()),
      make_view("i16", {2}, i16.data()),    make_view("u16", {1}, u16.data()),
      make_view("i8", {3}, i8.data()),      make_view("u8", {5}, u8.data()),
      make_view("none", {0, 3}, f32.data())};
  const std::string bytes = encode_safetensors(views, {{"what", "round trip"}});
  uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data(), 8);
  EXPECT_EQ(header_length % 8, 0u);  // data starts 8-byte aligned
  const SafeTensorFile file = decode_safetensors(bytes, "mem");
  ASSERT_EQ(file.tensors.size(), views.size());
  for (std::size_t i = 0; i < views.size(); ++i) {
    SCOPED_TRACE(views[i].name);
    EXPECT_EQ(file.tensors[i].name, views[i].name);
    EXPECT_EQ(file.tensors[i].dtype, views[i].dtype);
    EXPECT_EQ(file.tensors[i].shape, views[i].shape);
    EXPECT_EQ(file.tensors[i].bytes, views[i].bytes);
  }
  EXPECT_EQ(file.metadata, (std::map<std::string, std::string>{{"what", "round trip"}}));
  EXPECT_EQ(file.get("u64").values<uint64_t>(), u64);
  EXPECT_EQ(file.get("i8").values<int8_t>(), i8);
  EXPECT_TRUE(std::isnan(file.get("f32").values<float>()[2]));
  EXPECT_TRUE(std::signbit(file.get("f32").values<float>()[1]));
  EXPECT_EQ(file.get("none").values<float>().size(), 0u);
  EXPECT_EQ(file.find("absent"), nullptr);
  EXPECT_CONTAINS(error_of([&] { file.get("absent"); }), "mem: no tensor named 'absent'");
  EXPECT_CONTAINS(error_of([&] { file.get("u64").values<int64_t>(); }),
                  "tensor 'u64' has dtype U64, read as I64");
}

// The hand-computed file: 54 header bytes padded to 56, then 1.0f.
TEST(SafeTensors, EncodesTheHandComputedBytes) {
  const float one = 1.0f;
  const std::string expected = std::string("\x38\0\0\0\0\0\0\0", 8) +
                               R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})"
                               "  " +
                               std::string("\x00\x00\x80\x3f", 4);
  EXPECT_EQ(encode_safetensors({make_view("x", {1}, &one)}), expected);
  const std::string with_metadata =
      std::string("\x50\0\0\0\0\0\0\0", 8) +
      R"({"__metadata__":{"a":"b"},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})"
      " " +
      std::string("\x00\x00\x80\x3f", 4);
  EXPECT_EQ(encode_safetensors({make_view("x", {1}, &one)}, {{"a", "b"}}), with_metadata);
}

struct Golden {
  std::vector<float> weights = {0.5f,
                                -1.25f,
                                3.1415927410125732f,
                                -0.0f,
                                std::numeric_limits<float>::min(),
                                std::numeric_limits<float>::max()};
  std::vector<double> bias = {0.1, -2.5, 1e300};
  std::vector<int32_t> counts = {std::numeric_limits<int32_t>::min(), -1, 0,
                                 std::numeric_limits<int32_t>::max()};
  std::vector<uint32_t> ids = {0, 1, 4294967295u, 123456789u};
  std::vector<int64_t> offsets = {std::numeric_limits<int64_t>::min(),
                                  std::numeric_limits<int64_t>::max()};
  uint64_t step = std::numeric_limits<uint64_t>::max();
  std::vector<uint8_t> bytes = {0, 128, 255};

  std::string encode() const {
    return encode_safetensors(
        {make_view("weights", {2, 3}, weights.data()), make_view("bias", {3}, bias.data()),
         make_view("counts", {2, 2}, counts.data()), make_view("ids", {4}, ids.data()),
         make_view("offsets", {2}, offsets.data()), make_view("step", {}, &step),
         make_view("empty", {0}, weights.data()), make_view("bytes", {3}, bytes.data())},
        {{"format", "np"}, {"producer", "grokking.cpp golden"}});
  }
};

// tests/data/golden.safetensors is what tests/cli/safetensors_python.sh loads in Python.
// Regenerate (after a deliberate format change) with GROK_REGENERATE_GOLDEN=1.
TEST(SafeTensors, ReproducesTheGoldenFileByteForByte) {
  const std::string encoded = Golden().encode();
  const fs::path golden = data_dir() / "golden.safetensors";
  if (std::getenv("GROK_REGENERATE_GOLDEN") != nullptr) write_file_atomic(golden, encoded);
  EXPECT_EQ(encoded, read_file(golden));

  const SafeTensorFile file = decode_safetensors(read_file(golden), golden.string());
  const Golden g;
  EXPECT_EQ(file.get("weights").values<float>(), g.weights);
  EXPECT_EQ(file.get("bias").values<double>(), g.bias);
  EXPECT_EQ(file.get("counts").values<int32_t>(), g.counts);
  EXPECT_EQ(file.get("ids").values<uint32_t>(), g.ids);
  EXPECT_EQ(file.get("offsets").values<int64_t>(), g.offsets);
  EXPECT_EQ(file.get("step").values<uint64_t>(), std::vector<uint64_t>{g.step});
  EXPECT_EQ(file.get("step").shape, Shape{});
  EXPECT_EQ(file.get("bytes").values<uint8_t>(), g.bytes);
  EXPECT_EQ(file.get("empty").shape, Shape{0});

  // The Python check's expectations describe the same tensors.
  const auto expected = read_json_file(data_dir() / "golden.json");
  ASSERT_EQ(expected["tensors"].size(), file.tensors.size());
  for (std::size_t i = 0; i < file.tensors.size(); ++i) {
    const auto& want = expected["tensors"][i];
    EXPECT_EQ(want["name"], file.tensors[i].name);
    EXPECT_EQ(want["dtype"], dtype_name(file.tensors[i].dtype));
    EXPECT_EQ(want["shape"].get<Shape>(), file.tensors[i].shape);
    EXPECT_EQ(want["values"].size(), static_cast<std::size_t>(numel(file.tensors[i].shape)));
  }
  EXPECT_EQ(expected["metadata"].get<decltype(file.metadata)>(), file.metadata);
}

// Written with Python's struct and json (tests/data/make_reference_safetensors.py): header
// order differs from data order, __metadata__ last, spaces in the JSON.
TEST(SafeTensors, DecodesAHandWrittenFile) {
  const SafeTensorFile file =
      decode_safetensors(read_file(data_dir() / "handmade.safetensors"), "handmade.safetensors");
  ASSERT_EQ(file.tensors.size(), 2u);
  EXPECT_EQ(file.tensors[0].name, "a");  // data order
  EXPECT_EQ(file.get("a").values<float>(), (std::vector<float>{1.5f, -0.25f}));
  EXPECT_EQ(file.get("b").values<int32_t>(), (std::vector<int32_t>{1, -2, 3}));
  EXPECT_EQ(file.get("b").shape, Shape{3});
  EXPECT_EQ(file.metadata, (std::map<std::string, std::string>{{"k", "v"}}));
}

// Written by safetensors.numpy.save_file (tests/data/make_reference_safetensors.py).
TEST(SafeTensors, DecodesAFileWrittenByThePythonLibrary) {
  const SafeTensorFile file = decode_safetensors(
      read_file(data_dir() / "python_written.safetensors"), "python_written.safetensors");
  EXPECT_EQ(file.get("m").values<double>(), (std::vector<double>{1, 2, 3, 4.5}));
  EXPECT_EQ(file.get("m").shape, (Shape{2, 2}));
  EXPECT_EQ(file.get("n").values<uint64_t>(),
            std::vector<uint64_t>{std::numeric_limits<uint64_t>::max()});
  EXPECT_EQ(file.get("o").values<float>(), (std::vector<float>{0.5f, -0.5f, 2.0f}));
  EXPECT_EQ(file.metadata.at("source"), "safetensors.numpy");
}

TEST(SafeTensors, NamesEveryCorruption) {
  const std::vector<float> two = {1.0f, 2.0f};
  const std::string good = encode_safetensors({make_view("w", {2}, two.data())});
  const auto decode_error = [](const std::string& bytes) {
    return error_of([&] { decode_safetensors(bytes, "dir/model.safetensors"); });
  };
  EXPECT_EQ(decode_error(good), "(no error)");

  // Truncation anywhere.
  EXPECT_CONTAINS(decode_error(good.substr(0, good.size() - 1)),
                  "dir/model.safetensors: truncated (7 data bytes, the header describes 8)");
  EXPECT_CONTAINS(decode_error(good.substr(0, 20)), "header length 56 exceeds the file");
  EXPECT_CONTAINS(decode_error(good.substr(0, 5)), "truncated (5 bytes");
  EXPECT_CONTAINS(decode_error(""), "truncated");
  EXPECT_CONTAINS(decode_error(good + "x"), "trailing bytes");

  // A bit flip in the header: '"' (0x22) -> '#' (0x23) breaks the JSON.
  std::string flipped = good;
  flipped[9] = static_cast<char>(flipped[9] ^ 1);
  EXPECT_CONTAINS(decode_error(flipped), "dir/model.safetensors: header is not valid JSON");
  // A bit flip in the length.
  std::string big_length = good;
  big_length[3] = 1;
  EXPECT_CONTAINS(decode_error(big_length), "exceeds the file");
  EXPECT_CONTAINS(decode_error(make_file(" {}", "")), "header does not start with '{'");
  EXPECT_CONTAINS(decode_error(make_file("[1]", "")), "header does not start with '{'");

  const auto one = [](const std::string& entry, const std::string& data) {
    return make_file("{\"w\":" + entry + "}", data);
  };
  const std::string eight(8, '\0');
  EXPECT_CONTAINS(decode_error(one(R"({"dtype":"F16","shape":[2],"data_offsets":[0,4]})", "1234")),
                  "tensor 'w': unsupported dtype \"F16\"");
  EXPECT_CONTAINS(decode_error(one(R"({"dtype":"F32","shape":[3],"data_offsets":[0,8]})", eight)),
                  "data_offsets [0, 8] hold 8 bytes but F32 [3] needs 12");
  EXPECT_CONTAINS(decode_error(one(R"({"dtype":"F32","shape":[-2],"data_offsets":[0,8]})", eight)),
                  "invalid dimension -2");
  EXPECT_CONTAINS(decode_error(one(R"({"dtype":"F32","shape":[2],"data_offsets":[8,0]})", eight)),
                  "data_offsets [8, 0]");
  EXPECT_CONTAINS(decode_error(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0]})", eight)),
                  "\"data_offsets\" must be an array [begin, end]");
  EXPECT_CONTAINS(decode_error(one(R"({"shape":[2],"data_offsets":[0,8]})", eight)),
                  "missing or non-string \"dtype\"");
  EXPECT_CONTAINS(decode_error(one(R"({"dtype":"F32","shape":[4294967296,4294967296,
                  4294967296],"data_offsets":[0,8]})",
                                   eight)),
                  "too large");
  EXPECT_CONTAINS(decode_error(one(R"({"dtype":"F32","shape":[2],"data_offsets":[4,12]})",
                                   std::string(12, '\0'))),
                  "tensor 'w' starts at byte 4 of the data, expected 0 (gap)");
  EXPECT_CONTAINS(
      decode_error(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                             std::string(12, '\0'))),
      "tensor 'b' starts at byte 4 of the data, expected 8 (overlap)");
  EXPECT_CONTAINS(decode_error(make_file(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                                         R"("a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})",
                                         "xy")),
                  "header lists 'a' twice");
  EXPECT_CONTAINS(decode_error(make_file(R"({"__metadata__":{"n":1}})", "")),
                  "__metadata__ value of 'n' is not a string");
  EXPECT_CONTAINS(decode_error(make_file(R"({"w":[1]})", "")), "header entry is not an object");
  EXPECT_EQ(decode_error(make_file("{}", "")), "(no error)");  // an empty file is valid
}

TEST(SafeTensors, EncoderRefusesInconsistentInput) {
  const std::vector<float> three = {1, 2, 3};
  EXPECT_CONTAINS(
      error_of([&] {
        encode_safetensors({make_view("w", {3}, three.data()), make_view("w", {3}, three.data())});
      }),
      "duplicate tensor name 'w'");
  SafeTensorView short_view = make_view("w", {3}, three.data());
  short_view.shape = {4};
  EXPECT_CONTAINS(error_of([&] { encode_safetensors({short_view}); }),
                  "tensor 'w' F32 [4] needs 16 bytes, got 12");
  EXPECT_CONTAINS(error_of([&] { encode_safetensors({make_view("", {3}, three.data())}); }),
                  "invalid tensor name");
  EXPECT_CONTAINS(
      error_of([&] { encode_safetensors({make_view("__metadata__", {3}, three.data())}); }),
      "invalid tensor name");
}

class LayoutIo : public ::testing::Test {
 protected:
  LayoutIo() {
    layout_.add("embedding.embedding", {5, 3});  // 15 elements, padded to 16
    layout_.add("final_norm.scale", {3});
    layout_.add("output_dense.kernel", {3, 5});
    arena_.assign(layout_.total_size(), -99.0f);
    for (const auto& spec : layout_.tensors())
      for (std::size_t i = 0; i < spec.size(); ++i)
        arena_[spec.offset + i] = static_cast<float>(spec.offset) + 0.25f * static_cast<float>(i);
  }
  TensorLayout layout_;
  Buffer<float> arena_;
};

TEST_F(LayoutIo, RoundTripsThroughAFileBitForBit) {
  const fs::path path =
      fs::temp_directory_path() / ("grok-layout-io-" + std::to_string(::getpid()) + ".st");
  write_safetensors(path, layout_views(layout_, arena_.data()));
  const SafeTensorFile file = read_safetensors(path);
  fs::remove(path);
  EXPECT_EQ(file.source, path.string());
  ASSERT_EQ(file.tensors.size(), 3u);
  EXPECT_EQ(file.get("final_norm.scale").shape, Shape{3});
  EXPECT_EQ(file.get("final_norm.scale").values<float>(),
            (std::vector<float>{16.0f, 16.25f, 16.5f}));
  Buffer<float> loaded(layout_.total_size(), 7.0f);
  load_layout_exact(file, layout_, loaded.data());
  for (const auto& spec : layout_.tensors())
    for (std::size_t i = 0; i < spec.size(); ++i)
      EXPECT_EQ(loaded[spec.offset + i], arena_[spec.offset + i]) << spec.name;
  EXPECT_EQ(loaded[15], 7.0f);  // padding untouched
}

TEST_F(LayoutIo, PrefixesNameGroupsInOneFile) {
  Buffer<float> nu(layout_.total_size(), 3.0f);
  auto views = layout_views(layout_, arena_.data(), "mu.");
  for (auto& view : layout_views(layout_, nu.data(), "nu.")) views.push_back(view);
  const uint64_t count = 12;
  views.push_back(make_view("count", {}, &count));
  const SafeTensorFile file = decode_safetensors(encode_safetensors(views), "optimizer");
  Buffer<float> mu_back(layout_.total_size(), 0.0f), nu_back(layout_.total_size(), 0.0f);
  load_layout(file, layout_, mu_back.data(), "mu.");
  load_layout(file, layout_, nu_back.data(), "nu.");
  EXPECT_EQ(mu_back[layout_.find("output_dense.kernel").offset + 4],
            arena_[layout_.find("output_dense.kernel").offset + 4]);
  EXPECT_EQ(nu_back[0], 3.0f);
  EXPECT_EQ(file.get("count").values<uint64_t>(), std::vector<uint64_t>{12});
  auto expected = layout_names(layout_, "mu.");
  EXPECT_EQ(expected.front(), "mu.embedding.embedding");
  for (const auto& name : layout_names(layout_, "nu.")) expected.push_back(name);
  EXPECT_EQ(unexpected_tensors(file, expected), std::vector<std::string>{"count"});
}

TEST_F(LayoutIo, MismatchesNameTheTensorAndBothShapes) {
  const auto load_error = [&](const TensorLayout& other) {
    Buffer<float> out(other.total_size(), 5.0f);
    const auto message = error_of([&] {
      load_layout_exact(decode_safetensors(encode_safetensors(layout_views(layout_, arena_.data())),
                                           "ckpt/model.safetensors"),
                        other, out.data());
    });
    for (const float v : out) EXPECT_EQ(v, 5.0f);  // nothing copied on failure
    return message;
  };
  TensorLayout wider;
  wider.add("embedding.embedding", {5, 3});
  wider.add("final_norm.scale", {4});
  wider.add("output_dense.kernel", {3, 5});
  EXPECT_CONTAINS(load_error(wider),
                  "ckpt/model.safetensors: tensor 'final_norm.scale' has shape [3] in the file, "
                  "expected [4]");
  TensorLayout deeper = layout_;
  deeper.add("layers.0.ffn.w1.kernel", {3, 6});
  EXPECT_CONTAINS(load_error(deeper), "tensor 'layers.0.ffn.w1.kernel' is missing");
  TensorLayout smaller;
  smaller.add("embedding.embedding", {5, 3});
  EXPECT_CONTAINS(load_error(smaller), "unexpected tensors final_norm.scale, output_dense.kernel");

  const std::vector<double> as_double(15, 1.0);
  const auto file = decode_safetensors(
      encode_safetensors({make_view("embedding.embedding", {5, 3}, as_double.data())}), "d");
  Buffer<float> out(smaller.total_size());
  EXPECT_CONTAINS(error_of([&] { load_layout(file, smaller, out.data()); }),
                  "d: tensor 'embedding.embedding' has dtype F64, expected F32");
}

}  // namespace
}  // namespace grok
