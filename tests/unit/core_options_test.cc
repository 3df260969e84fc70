#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/core/options.h"

namespace grok {
namespace {

struct Fixture {
  int epochs = 150;
  double lr = 1e-3;
  std::string name = "x";
  bool resume = false;
  std::vector<double> scales = {0.5};
  OptionSet options{"test", "a test"};
  Fixture() {
    options.add("epochs", &epochs, "epochs");
    options.add("learning_rate", &lr, "lr");
    options.alias("lr");
    options.add("name", &name, "name");
    options.add("resume", &resume, "resume");
    options.not_saved();
    options.add("scales", &scales, "scales");
  }
  bool parse(std::vector<const char*> args) {
    args.insert(args.begin(), "test");
    return options.parse(static_cast<int>(args.size()), args.data());
  }
};

std::string usage_message(Fixture& f, std::vector<const char*> args) {
  try {
    f.parse(std::move(args));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(Options, ParsesSnakeKebabAliasAndEquals) {
  Fixture f;
  ASSERT_TRUE(f.parse({"--epochs", "7", "--learning-rate=0.5", "--resume", "--scales", "1,0.25"}));
  EXPECT_EQ(f.epochs, 7);
  EXPECT_EQ(f.lr, 0.5);
  EXPECT_TRUE(f.resume);
  EXPECT_EQ(f.scales, (std::vector<double>{1.0, 0.25}));
  Fixture g;
  ASSERT_TRUE(g.parse({"--lr", "2e-3"}));
  EXPECT_EQ(g.lr, 2e-3);
}

TEST(Options, RepeatedFlagTakesTheLastValue) {
  Fixture f;
  ASSERT_TRUE(f.parse({"--epochs", "7", "--epochs", "9"}));
  EXPECT_EQ(f.epochs, 9);
}

TEST(Options, UnknownFlagSuggestsTheClosest) {
  Fixture f;
  const std::string message = usage_message(f, {"--epoch", "3"});
  EXPECT_NE(message.find("unknown flag '--epoch'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean '--epochs'"), std::string::npos) << message;
}

TEST(Options, BadValueNamesTheFlagAndValue) {
  Fixture f;
  const std::string message = usage_message(f, {"--epochs", "ten"});
  EXPECT_NE(message.find("--epochs: 'ten' is not an integer"), std::string::npos) << message;
  Fixture g;
  EXPECT_NE(usage_message(g, {"--learning_rate", "1e-3x"}).find("not a number"), std::string::npos);
}

TEST(Options, YamlAppliesAndRejectsUnknownKeys) {
  Fixture f;
  f.options.apply_yaml_text("epochs: 12\nlr: 0.25\nscales: [2, 3]\n", "cfg.yaml");
  EXPECT_EQ(f.epochs, 12);
  EXPECT_EQ(f.lr, 0.25);
  EXPECT_EQ(f.scales, (std::vector<double>{2, 3}));
  try {
    f.options.apply_yaml_text("epoch: 3\n", "cfg.yaml");
    FAIL() << "unknown key accepted";
  } catch (const UsageError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("cfg.yaml: unknown key 'epoch'"), std::string::npos) << message;
    EXPECT_NE(message.find("did you mean 'epochs'"), std::string::npos) << message;
  }
}

TEST(Options, SavedYamlRoundTripsAndSkipsUnsaved) {
  Fixture f;
  ASSERT_TRUE(f.parse({"--epochs", "9", "--learning_rate", "0.1", "--name", "a b: c", "--resume"}));
  const std::string yaml = f.options.to_yaml();
  EXPECT_EQ(yaml.find("resume"), std::string::npos) << yaml;
  Fixture g;
  g.options.apply_yaml_text(yaml, "saved");
  EXPECT_EQ(g.epochs, 9);
  EXPECT_EQ(g.lr, 0.1);
  EXPECT_EQ(g.name, "a b: c");
}

TEST(Options, FlagsOverrideConfigFile) {
  const std::string path = testing::TempDir() + "/options_test.yaml";
  FILE* file = std::fopen(path.c_str(), "w");
  std::fputs("epochs: 5\nlearning_rate: 0.5\n", file);
  std::fclose(file);
  Fixture f;
  ASSERT_TRUE(f.parse({"--epochs", "6", "--config", path.c_str()}));
  EXPECT_EQ(f.epochs, 6);
  EXPECT_EQ(f.lr, 0.5);
}

}  // namespace
}  // namespace grok
