#include "grokking/core/yaml_limits.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <sstream>

#include "grokking/core/error.h"

namespace grok {
namespace {

// Counts nodes and aliases, stopping at the first limit passed.
class Counter : public YAML::EventHandler {
 public:
  explicit Counter(const std::string& source) : source_(source) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { node(); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    node();
    if (++aliases_ > kMaxYamlAliases)
      throw UsageError(fmt::format("{}: line {}: more than {} YAML aliases (the limit)", source_,
                                   mark.line + 1, kMaxYamlAliases));
  }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {
    node();
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node();
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node();
  }
  void OnMapEnd() override {}

 private:
  void node() {
    if (++nodes_ > kMaxYamlNodes)
      throw UsageError(
          fmt::format("{}: more than {} YAML nodes (the limit)", source_, kMaxYamlNodes));
  }

  const std::string& source_;
  int64_t nodes_ = 0, aliases_ = 0;
};

}  // namespace

void check_yaml_limits(const std::string& text, const std::string& source) {
  if (static_cast<int64_t>(text.size()) > kMaxYamlBytes)
    throw UsageError(fmt::format("{}: {} bytes, above the limit of {} bytes for a YAML config",
                                 source, text.size(), kMaxYamlBytes));
  std::istringstream in(text);
  Counter counter(source);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(counter)) {
    }
  } catch (const YAML::Exception& e) {
    throw UsageError(fmt::format("{}: invalid YAML: {}", source, e.what()));
  }
}

}  // namespace grok
