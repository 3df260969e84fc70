// Working memory that one caller owns: numbered buffers grown on demand and reused, so that code
// run side by side (the shards of a step, train/sharded_model.h) needs no shared or
// thread_local state: each shard passes its own Scratch. Not an allocator for anything that
// outlives a call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace grok {

template <typename S>
class Scratch {
 public:
  // Buffer `slot` with room for at least n values (contents unspecified).
  S* values(std::size_t slot, std::size_t n) {
    if (values_.size() <= slot) values_.resize(slot + 1);
    if (values_[slot].size() < n) values_[slot].resize(n);
    return values_[slot].data();
  }
  // The same, in double (sums and exponentials of the losses).
  double* doubles(std::size_t slot, std::size_t n) {
    if (doubles_.size() <= slot) doubles_.resize(slot + 1);
    if (doubles_[slot].size() < n) doubles_[slot].resize(n);
    return doubles_[slot].data();
  }
  // The same, in int32 (class indices).
  int32_t* ints(std::size_t slot, std::size_t n) {
    if (ints_.size() <= slot) ints_.resize(slot + 1);
    if (ints_[slot].size() < n) ints_[slot].resize(n);
    return ints_[slot].data();
  }

 private:
  std::vector<std::vector<S>> values_;
  std::vector<std::vector<double>> doubles_;
  std::vector<std::vector<int32_t>> ints_;
};

}  // namespace grok
