#include "grokking/distill/hdf5_io.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <hdf5.h>

#include <algorithm>
#include <type_traits>

#include "grokking/core/error.h"

namespace grok {
namespace {

static_assert(std::is_same_v<hid_t, int64_t>, "libhdf5 >= 1.10: hid_t is int64_t");

// libhdf5 prints its error stack to stderr by default; our errors say what failed instead.
void silence_hdf5() {
  static const bool silenced = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
}

Hdf5Handle checked(hid_t id, herr_t (*close)(hid_t), const std::string& what) {
  if (id < 0) throw Error(what);
  return Hdf5Handle(id, close);
}

void check(herr_t status, const std::string& what) {
  if (status < 0) throw Error(what);
}

// ~256 KiB of whole rows per chunk, at least one row and at most all of them.
hsize_t chunk_rows(const std::vector<int64_t>& shape, std::size_t element_bytes) {
  const int64_t row_bytes = (shape.size() > 1 ? shape[1] : 1) * static_cast<int64_t>(element_bytes);
  const int64_t rows = std::max<int64_t>(1, (int64_t{256} << 10) / std::max<int64_t>(1, row_bytes));
  return static_cast<hsize_t>(std::min(rows, std::max<int64_t>(1, shape[0])));
}

void write_dataset(hid_t group, const std::string& where, const std::string& name,
                   const std::vector<int64_t>& shape, hid_t file_type, hid_t memory_type,
                   std::size_t element_bytes, const void* data, int gzip_level) {
  const std::string what = fmt::format("{}/{}", where, name);
  GROK_CHECK(shape.size() == 1 || shape.size() == 2, "{}: rank {}", what, shape.size());
  GROK_CHECK(gzip_level >= 0 && gzip_level <= 9, "{}: gzip level {}", what, gzip_level);
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  std::vector<hsize_t> chunk = dims;
  chunk[0] = chunk_rows(shape, element_bytes);
  for (hsize_t& c : chunk) c = std::max<hsize_t>(c, 1);
  const int rank = static_cast<int>(dims.size());
  const Hdf5Handle space = checked(H5Screate_simple(rank, dims.data(), nullptr), H5Sclose,
                                   fmt::format("{}: cannot create a dataspace", what));
  const Hdf5Handle dcpl = checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose,
                                  fmt::format("{}: cannot create a property list", what));
  check(H5Pset_chunk(dcpl.id(), rank, chunk.data()), fmt::format("{}: cannot chunk", what));
  if (gzip_level > 0) {
    check(H5Pset_shuffle(dcpl.id()), fmt::format("{}: no shuffle filter", what));
    check(H5Pset_deflate(dcpl.id(), static_cast<unsigned>(gzip_level)),
          fmt::format("{}: no gzip filter in this libhdf5", what));
  }
  const Hdf5Handle dataset = checked(
      H5Dcreate2(group, name.c_str(), file_type, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
      H5Dclose, fmt::format("{}: cannot create the dataset", what));
  check(H5Dwrite(dataset.id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
        fmt::format("{}: cannot write the dataset", what));
}

Hdf5Handle open_attribute(hid_t object, const std::string& where, const std::string& name) {
  if (H5Aexists(object, name.c_str()) <= 0)
    throw Error(fmt::format("{}: attribute '{}' is missing", where, name));
  return checked(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose,
                 fmt::format("{}: cannot open attribute '{}'", where, name));
}

// The attribute must be a scalar (or one element) of the given class.
void check_attribute(hid_t attribute, const std::string& where, const std::string& name,
                     H5T_class_t want, const char* want_text) {
  const Hdf5Handle type = checked(H5Aget_type(attribute), H5Tclose,
                                  fmt::format("{}: attribute '{}' has no type", where, name));
  const Hdf5Handle space = checked(H5Aget_space(attribute), H5Sclose,
                                   fmt::format("{}: attribute '{}' has no space", where, name));
  if (H5Tget_class(type.id()) != want || H5Sget_simple_extent_npoints(space.id()) != 1)
    throw Error(fmt::format("{}: attribute '{}' is not {}", where, name, want_text));
}

void write_attribute(hid_t object, const std::string& where, const std::string& name,
                     hid_t file_type, hid_t memory_type, const void* value) {
  const Hdf5Handle space =
      checked(H5Screate(H5S_SCALAR), H5Sclose, fmt::format("{}: cannot create a dataspace", where));
  const Hdf5Handle attribute =
      checked(H5Acreate2(object, name.c_str(), file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, fmt::format("{}: cannot create attribute '{}'", where, name));
  check(H5Awrite(attribute.id(), memory_type, value),
        fmt::format("{}: cannot write attribute '{}'", where, name));
}

// A variable-length UTF-8 string type (what h5py reads as str).
Hdf5Handle string_type() {
  Hdf5Handle type = checked(H5Tcopy(H5T_C_S1), H5Tclose, "cannot copy the string type");
  check(H5Tset_size(type.id(), H5T_VARIABLE), "cannot make a variable-length string type");
  check(H5Tset_cset(type.id(), H5T_CSET_UTF8), "cannot make a UTF-8 string type");
  return type;
}

}  // namespace

Hdf5Handle& Hdf5Handle::operator=(Hdf5Handle&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0 && close_) close_(id_);
    id_ = other.id_;
    close_ = other.close_;
    other.id_ = -1;
  }
  return *this;
}

Hdf5Handle::~Hdf5Handle() {
  if (id_ >= 0 && close_) close_(id_);
}

Hdf5Group Hdf5Group::create_group(const std::string& name) {
  return Hdf5Group(
      checked(H5Gcreate2(handle_.id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Gclose, fmt::format("{}: cannot create group '{}'", where_, name)),
      where_ + (where_.back() == '/' ? "" : "/") + name);
}

bool Hdf5Group::has(const std::string& name) const {
  return H5Lexists(handle_.id(), name.c_str(), H5P_DEFAULT) > 0;
}

Hdf5Group Hdf5Group::open_group(const std::string& name) const {
  if (!has(name)) throw Error(fmt::format("{}: group '{}' is missing", where_, name));
  return Hdf5Group(checked(H5Gopen2(handle_.id(), name.c_str(), H5P_DEFAULT), H5Gclose,
                           fmt::format("{}: '{}' is not a group", where_, name)),
                   where_ + (where_.back() == '/' ? "" : "/") + name);
}

void Hdf5Group::write(const std::string& name, const std::vector<int64_t>& shape, const float* data,
                      int gzip_level) {
  write_dataset(handle_.id(), where_, name, shape, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, sizeof(float),
                data, gzip_level);
}

void Hdf5Group::write(const std::string& name, const std::vector<int64_t>& shape,
                      const int32_t* data, int gzip_level) {
  write_dataset(handle_.id(), where_, name, shape, H5T_STD_I32LE, H5T_NATIVE_INT32, sizeof(int32_t),
                data, gzip_level);
}

template <typename T>
std::vector<T> Hdf5Group::read(const std::string& name, const std::vector<int64_t>& shape) const {
  const std::string what = fmt::format("{}/{}", where_, name);
  if (!has(name)) throw Error(fmt::format("{}: dataset is missing", what));
  const Hdf5Handle dataset = checked(H5Dopen2(handle_.id(), name.c_str(), H5P_DEFAULT), H5Dclose,
                                     fmt::format("{}: not a dataset", what));
  const Hdf5Handle type = checked(H5Dget_type(dataset.id()), H5Tclose,
                                  fmt::format("{}: the dataset has no type", what));
  constexpr bool kFloat = std::is_floating_point_v<T>;
  if (H5Tget_class(type.id()) != (kFloat ? H5T_FLOAT : H5T_INTEGER) ||
      H5Tget_size(type.id()) > sizeof(T))
    throw Error(fmt::format("{}: expected {} elements", what, kFloat ? "float32" : "int32"));
  const Hdf5Handle space = checked(H5Dget_space(dataset.id()), H5Sclose,
                                   fmt::format("{}: the dataset has no dataspace", what));
  const int rank = H5Sget_simple_extent_ndims(space.id());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  const std::vector<int64_t> stored(dims.begin(), dims.end());
  if (stored != shape)
    throw Error(fmt::format("{}: shape [{}], expected [{}]", what, fmt::join(stored, ","),
                            fmt::join(shape, ",")));
  int64_t count = 1;
  for (const int64_t d : shape) count *= d;
  std::vector<T> out(static_cast<std::size_t>(count));
  if (count > 0)
    check(H5Dread(dataset.id(), kFloat ? H5T_NATIVE_FLOAT : H5T_NATIVE_INT32, H5S_ALL, H5S_ALL,
                  H5P_DEFAULT, out.data()),
          fmt::format("{}: cannot read the data (corrupt or truncated file?)", what));
  return out;
}

std::vector<float> Hdf5Group::read_floats(const std::string& name,
                                          const std::vector<int64_t>& shape) const {
  return read<float>(name, shape);
}

std::vector<int32_t> Hdf5Group::read_ints(const std::string& name,
                                          const std::vector<int64_t>& shape) const {
  return read<int32_t>(name, shape);
}

void Hdf5Group::set_attribute(const std::string& name, int64_t value) {
  write_attribute(handle_.id(), where_, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void Hdf5Group::set_attribute(const std::string& name, double value) {
  write_attribute(handle_.id(), where_, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void Hdf5Group::set_attribute(const std::string& name, const std::string& value) {
  const Hdf5Handle type = string_type();
  const char* text = value.c_str();
  write_attribute(handle_.id(), where_, name, type.id(), type.id(), &text);
}

namespace {

// A scalar numeric attribute of class `want`, converted by libhdf5 to memory_type.
template <typename T>
T read_number(hid_t object, const std::string& where, const std::string& name, H5T_class_t want,
              const char* want_text, hid_t memory_type) {
  const Hdf5Handle attribute = open_attribute(object, where, name);
  check_attribute(attribute.id(), where, name, want, want_text);
  T value = 0;
  check(H5Aread(attribute.id(), memory_type, &value),
        fmt::format("{}: cannot read attribute '{}'", where, name));
  return value;
}

}  // namespace

int64_t Hdf5Group::int_attribute(const std::string& name) const {
  return read_number<int64_t>(handle_.id(), where_, name, H5T_INTEGER, "an integer",
                              H5T_NATIVE_INT64);
}

double Hdf5Group::double_attribute(const std::string& name) const {
  return read_number<double>(handle_.id(), where_, name, H5T_FLOAT, "a number", H5T_NATIVE_DOUBLE);
}

std::string Hdf5Group::string_attribute(const std::string& name) const {
  const Hdf5Handle attribute = open_attribute(handle_.id(), where_, name);
  check_attribute(attribute.id(), where_, name, H5T_STRING, "a string");
  const Hdf5Handle stored = checked(H5Aget_type(attribute.id()), H5Tclose,
                                    fmt::format("{}: attribute '{}' has no type", where_, name));
  if (H5Tis_variable_str(stored.id()) <= 0)
    throw Error(fmt::format("{}: attribute '{}' is not a variable-length string", where_, name));
  const Hdf5Handle type = string_type();
  char* text = nullptr;
  check(H5Aread(attribute.id(), type.id(), &text),
        fmt::format("{}: cannot read attribute '{}'", where_, name));
  std::string value = text ? text : "";
  H5free_memory(text);
  return value;
}

Hdf5MemoryFile::Hdf5MemoryFile(const std::string& name) : name_(name) {
  silence_hdf5();
  const Hdf5Handle access = checked(H5Pcreate(H5P_FILE_ACCESS), H5Pclose,
                                    fmt::format("{}: cannot create a property list", name));
  check(H5Pset_fapl_core(access.id(), 1 << 20, /*backing_store=*/0),
        fmt::format("{}: no in-memory driver", name));
  file_ = checked(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.id()), H5Fclose,
                  fmt::format("{}: cannot create an HDF5 file in memory", name));
  root_ = std::make_unique<Hdf5Group>(checked(H5Gopen2(file_.id(), "/", H5P_DEFAULT), H5Gclose,
                                              fmt::format("{}: no root group", name)),
                                      name + ":/");
}

std::string Hdf5MemoryFile::image() {
  check(H5Fflush(file_.id(), H5F_SCOPE_GLOBAL), fmt::format("{}: cannot flush", name_));
  const ssize_t size = H5Fget_file_image(file_.id(), nullptr, 0);
  if (size < 0) throw Error(fmt::format("{}: cannot take the file image", name_));
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (H5Fget_file_image(file_.id(), bytes.data(), bytes.size()) != size)
    throw Error(fmt::format("{}: cannot take the file image", name_));
  return bytes;
}

Hdf5ReadFile::Hdf5ReadFile(const std::string& path) {
  silence_hdf5();
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw Error(fmt::format("{}: not a readable HDF5 file (missing, truncated or corrupt)", path));
  file_ = checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                  fmt::format("{}: cannot open as HDF5 (truncated or corrupt file?)", path));
  root_ = std::make_unique<Hdf5Group>(checked(H5Gopen2(file_.id(), "/", H5P_DEFAULT), H5Gclose,
                                              fmt::format("{}: no root group", path)),
                                      path + ":/");
}

}  // namespace grok
