// A small RAII layer over libhdf5's C API for the files this toolkit writes (the offline
// teacher logits, teacher_logits_file.h): files built in memory and taken out as one image
// (written atomically by core/atomic_file.h), files opened read-only from disk, groups,
// chunked float32/int32 datasets (shuffle + gzip), and scalar attributes (int64, double,
// UTF-8 string). Every failure throws grok::Error naming the file and the object; libhdf5's
// own error printing is turned off. Everything read is untrusted: types and ranks are checked
// before anything is allocated. Not a general HDF5 binding (no hyperslabs, no other types).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace grok {

// An open HDF5 object id (file, group, dataset, …), closed on destruction.
class Hdf5Handle {
 public:
  Hdf5Handle() = default;
  Hdf5Handle(int64_t id, int (*close)(int64_t)) : id_(id), close_(close) {}
  Hdf5Handle(Hdf5Handle&& other) noexcept { *this = std::move(other); }
  Hdf5Handle& operator=(Hdf5Handle&& other) noexcept;
  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;
  ~Hdf5Handle();
  int64_t id() const { return id_; }

 private:
  int64_t id_ = -1;
  int (*close_)(int64_t) = nullptr;
};

// Where datasets and attributes live: the file's root group or one of its groups.
class Hdf5Group {
 public:
  Hdf5Group(Hdf5Handle handle, std::string where) : handle_(std::move(handle)), where_(where) {}
  const std::string& where() const { return where_; }  // "file.h5:/train", for messages

  Hdf5Group create_group(const std::string& name);
  Hdf5Group open_group(const std::string& name) const;
  bool has(const std::string& name) const;  // a link of that name exists

  // A chunked dataset of `shape` (rank 1 or 2) holding data (row-major), stored as
  // little-endian float32/int32. Chunks hold whole rows, about 256 KiB; gzip_level 1..9
  // adds the shuffle and deflate filters, 0 stores the chunks uncompressed.
  void write(const std::string& name, const std::vector<int64_t>& shape, const float* data,
             int gzip_level);
  void write(const std::string& name, const std::vector<int64_t>& shape, const int32_t* data,
             int gzip_level);
  // The dataset `name` [shape...] (row-major), which must be of that element class (floating
  // point or integer, at most 4 bytes) and exactly that shape (checked before allocating).
  std::vector<float> read_floats(const std::string& name, const std::vector<int64_t>& shape) const;
  std::vector<int32_t> read_ints(const std::string& name, const std::vector<int64_t>& shape) const;

  void set_attribute(const std::string& name, int64_t value);
  void set_attribute(const std::string& name, double value);
  void set_attribute(const std::string& name, const std::string& value);
  void set_attribute(const std::string& name, const char* value) {
    set_attribute(name, std::string(value));
  }
  // grok::Error if the attribute is missing or of another class (an integer attribute is not
  // read as a string, a string is not read as a number).
  int64_t int_attribute(const std::string& name) const;
  double double_attribute(const std::string& name) const;
  std::string string_attribute(const std::string& name) const;

 private:
  template <typename T>
  std::vector<T> read(const std::string& name, const std::vector<int64_t>& shape) const;
  Hdf5Handle handle_;
  std::string where_;
};

// A new file held in memory (libhdf5's core driver, no backing store) until image() takes its
// bytes out; nothing touches the disk. `name` only labels messages.
class Hdf5MemoryFile {
 public:
  explicit Hdf5MemoryFile(const std::string& name);
  Hdf5Group& root() { return *root_; }
  // The complete file as bytes (flushes first).
  std::string image();

 private:
  std::string name_;
  Hdf5Handle file_;
  std::unique_ptr<Hdf5Group> root_;
};

// An existing file opened read-only. grok::Error if it is missing, not HDF5, or truncated.
class Hdf5ReadFile {
 public:
  explicit Hdf5ReadFile(const std::string& path);
  const Hdf5Group& root() const { return *root_; }

 private:
  Hdf5Handle file_;
  std::unique_ptr<Hdf5Group> root_;
};

}  // namespace grok
