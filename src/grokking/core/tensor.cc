#include "grokking/core/tensor.h"

#include "grokking/core/error.h"

namespace grok {

std::size_t TensorLayout::add(std::string name, Shape shape) {
  GROK_CHECK(index_.emplace(name, tensors_.size()).second, "duplicate tensor name {}", name);
  TensorSpec spec{std::move(name), std::move(shape), total_};
  const std::size_t padded = (spec.size() + 15) / 16 * 16;
  total_ += padded;
  tensors_.push_back(std::move(spec));
  return tensors_.size() - 1;
}

const TensorSpec& TensorLayout::find(const std::string& name) const {
  const auto it = index_.find(name);
  if (it == index_.end()) throw Error("no tensor named '" + name + "'");
  return tensors_[it->second];
}

bool TensorLayout::contains(const std::string& name) const { return index_.contains(name); }

std::size_t TensorLayout::parameter_count() const {
  std::size_t n = 0;
  for (const auto& t : tensors_) n += t.size();
  return n;
}

bool TensorLayout::operator==(const TensorLayout& other) const {
  if (tensors_.size() != other.tensors_.size()) return false;
  for (std::size_t i = 0; i < tensors_.size(); ++i)
    if (tensors_[i].name != other.tensors_[i].name || tensors_[i].shape != other.tensors_[i].shape)
      return false;
  return true;
}

}  // namespace grok
