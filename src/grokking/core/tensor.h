// Tensors: a named layout of views into one flat arena (parameters, gradients, optimizer
// moments all share a layout), and an aligned buffer type. Not an autograd tensor: shapes
// are fixed by the model configuration and memory is allocated once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

namespace grok {

// 64-byte aligned allocator so that arenas start on a cache line (and AVX-512 vector).
template <typename T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{64}));
  }
  void deallocate(T* p, std::size_t) { ::operator delete (p, std::align_val_t{64}); }
  template <typename U>
  bool operator==(const AlignedAllocator<U>&) const {
    return true;
  }
};

template <typename T>
using Buffer = std::vector<T, AlignedAllocator<T>>;

using Shape = std::vector<int64_t>;

inline int64_t numel(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
}

// One tensor inside an arena: name (e.g. "layers.0.attn.wq.kernel"), shape, offset (elements).
struct TensorSpec {
  std::string name;
  Shape shape;
  std::size_t offset = 0;
  std::size_t size() const { return static_cast<std::size_t>(numel(shape)); }
};

// An ordered set of named tensors packed into one arena; adding and finding by name take
// constant time (a layout of thousands of layers is built in linear time). Each tensor starts at a
// multiple of 16 elements (64 bytes of float).
class TensorLayout {
 public:
  // Appends a tensor and returns its index.
  std::size_t add(std::string name, Shape shape);
  const std::vector<TensorSpec>& tensors() const { return tensors_; }
  const TensorSpec& at(std::size_t i) const { return tensors_.at(i); }
  // Throws grok::Error if no tensor has this name.
  const TensorSpec& find(const std::string& name) const;
  bool contains(const std::string& name) const;
  std::size_t total_size() const { return total_; }  // arena length in elements (with padding)
  std::size_t parameter_count() const;               // sum of tensor sizes (no padding)
  bool operator==(const TensorLayout& other) const;

 private:
  std::vector<TensorSpec> tensors_;
  std::unordered_map<std::string, std::size_t> index_;  // name → position in tensors_
  std::size_t total_ = 0;
};

}  // namespace grok
