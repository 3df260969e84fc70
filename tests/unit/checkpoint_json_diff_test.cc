// Dotted-key JSON differences used to refuse resuming with another config, task or optimizer.
#include <gtest/gtest.h>

#include "grokking/checkpoint/json_diff.h"

namespace grok {
namespace {

using nlohmann::json;

TEST(JsonDiff, ListsNestedAddedRemovedAndChangedKeys) {
  const json a = {{"config", {{"dim", 128}, {"depth", 2}, {"pool", "cls"}}},
                  {"lr", 0.001},
                  {"layers", {1, 2, 3}},
                  {"only_a", true}};
  const json b = {{"config", {{"dim", 64}, {"depth", 2}, {"pool", "cls"}, {"heads", 4}}},
                  {"lr", 0.001},
                  {"layers", {1, 2, 4}},
                  {"only_b", nullptr}};
  EXPECT_EQ(json_diff_keys(a, b),
            (std::vector<std::string>{"config.dim", "config.heads", "layers", "only_a", "only_b"}));
  EXPECT_EQ(json_diff_keys(a, a), std::vector<std::string>{});
  EXPECT_EQ(json_diff_keys(a["config"], b["config"], "config"),
            (std::vector<std::string>{"config.dim", "config.heads"}));
  const auto differences = json_differences(a, b);
  EXPECT_EQ(differences[0].left, json(128));
  EXPECT_EQ(differences[0].right, json(64));
  EXPECT_EQ(differences[1].left, std::nullopt);
  EXPECT_EQ(differences[4].right, json(nullptr));  // present but null is not absent
  EXPECT_EQ(describe_differences({differences[0], differences[1]}),
            "config.dim: 128 vs 64; config.heads: absent vs 4");
}

TEST(JsonDiff, ComparesNumbersByValueAndTypesStrictly) {
  EXPECT_TRUE(json_diff_keys(json{{"x", 3}}, json{{"x", 3.0}}).empty());
  EXPECT_TRUE(json_diff_keys(json{{"x", 3u}}, json{{"x", int64_t{3}}}).empty());
  EXPECT_EQ(json_diff_keys(json{{"x", 3}}, json{{"x", "3"}}), std::vector<std::string>{"x"});
  EXPECT_EQ(json_diff_keys(json{{"x", {{"y", 1}}}}, json{{"x", 1}}), std::vector<std::string>{"x"});
  EXPECT_EQ(json_diff_keys(json(1), json(2), "seed"), std::vector<std::string>{"seed"});
  EXPECT_EQ(json_diff_keys(json(1), json(2)), std::vector<std::string>{""});
}

TEST(JsonDiff, MetadataSectionsIgnoreProgressKeys) {
  const json saved = {{"config", {{"dim", 128}}},
                      {"task", {{"p", 97}, {"operation", "x/y"}}},
                      {"optimizer", {{"type", "adamw"}, {"learning_rate", 0.001}}},
                      {"seed", 42},
                      {"latest_step", 400},
                      {"latest_epoch", 40}};
  json current = saved;
  current["latest_step"] = 0;
  EXPECT_TRUE(metadata_differences(saved, current).empty());
  current["task"]["operation"] = "x+y";
  current["optimizer"]["type"] = "muon";
  current["seed"] = 1;
  current.erase("config");
  const auto differences = metadata_differences(saved, current);
  std::vector<std::string> keys;
  for (const auto& d : differences) keys.push_back(d.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"config", "task.operation", "optimizer.type", "seed"}));
  EXPECT_EQ(describe_differences(differences),
            "config: {\"dim\":128} vs absent; task.operation: \"x/y\" vs \"x+y\"; "
            "optimizer.type: \"adamw\" vs \"muon\"; seed: 42 vs 1");
  EXPECT_EQ(metadata_differences(saved, current, {"task"}).size(), 1u);
}

}  // namespace
}  // namespace grok
