// Configuration declared once (core/schema.h): from one visit() list, the flags and YAML keys
// (with prefixes and renames), range checks that name the key, the value and what is allowed,
// and the JSON form, which reads back to the same struct; list items may hold commas.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/core/schema.h"

namespace grok {
namespace {

enum class Colour { kRed, kBlue };
std::string to_string(Colour c) { return c == Colour::kRed ? "red" : "blue"; }
void from_string(const std::string& text, Colour& out) {
  if (text == "red")
    out = Colour::kRed;
  else if (text == "blue")
    out = Colour::kBlue;
  else
    throw UsageError("colour: '" + text + "' is not red or blue");
}

struct Inner {
  int width = 8;
  double rate = 0.5;
  template <typename V>
  void visit(V& v) {
    v(width, {.name = "width", .help = "a width", .min = 1, .max = 64});
    v(rate, {.name = "rate", .help = "a rate", .min = 0, .max = 1, .max_open = true});
  }
  void check(const std::string& prefix) const {
    if (width % 2) throw UsageError(prefix + "width: must be even");
  }
  bool operator==(const Inner&) const = default;
};

struct Outer {
  std::string name = "x";
  Colour colour = Colour::kRed;
  bool on = false;
  std::optional<uint64_t> seed;
  std::vector<std::string> patterns = {"a"};
  std::vector<double> scales = {0.5};
  int derived = 3;
  Inner inner, other;
  template <typename V>
  void visit(V& v) {
    v(name, {.name = "name", .help = "a name"});
    v(colour, {.name = "colour", .help = "red or blue", .json_name = "hue"});
    v(on, {.name = "on", .help = "a switch", .saved = false});
    v(seed, {.name = "seed", .help = "unset: none", .max = 100});
    v(patterns, {.name = "patterns", .help = "regexes"});
    v(scales, {.name = "scales", .help = "numbers > 0", .min = 0, .min_open = true});
    v(derived, {.name = "derived", .min = 0, .option = false, .json_optional = true});
    v.section(inner, {.name = "inner", .group = "Inner"});
    v.section(other, {.name = "other", .prefix = "other_", .rename = "width=breadth"});
  }
  bool operator==(const Outer&) const = default;
};

bool parse(Outer& o, std::vector<const char*> args) {
  OptionSet options("test", "");
  declare_options(options, o);
  args.insert(args.begin(), "test");
  return options.parse(static_cast<int>(args.size()), args.data());
}

std::string invalid(const Outer& o) {
  try {
    validate_fields(o);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(Schema, FlagsPrefixesRenamesAndDerivedFields) {
  Outer o;
  ASSERT_TRUE(parse(o, {"--name", "y", "--colour", "blue", "--on", "--seed", "7", "--width", "4",
                        "--other_breadth", "16", "--other-rate", "0.25"}));
  EXPECT_EQ(o.name, "y");
  EXPECT_EQ(o.colour, Colour::kBlue);
  EXPECT_TRUE(o.on);
  EXPECT_EQ(o.seed, 7u);
  EXPECT_EQ(o.inner.width, 4);
  EXPECT_EQ(o.other.width, 16);
  EXPECT_EQ(o.other.rate, 0.25);
  Outer p;
  EXPECT_THROW(parse(p, {"--derived", "4"}), UsageError);      // JSON only, not a flag
  EXPECT_THROW(parse(p, {"--other_width", "4"}), UsageError);  // renamed
  EXPECT_THROW(parse(p, {"--colour", "green"}), UsageError);
}

TEST(Schema, ListItemsMayHoldCommas) {
  Outer o;
  ASSERT_TRUE(parse(o, {"--patterns", "layers\\.{0,1}\\..*,\"x,y\", z"}));
  EXPECT_EQ(o.patterns, (std::vector<std::string>{"layers\\.{0,1}\\..*", "x,y", "z"}));
  EXPECT_EQ(split_list("a, (b,c) ,[d,e],'f,g'"),
            (std::vector<std::string>{"a", "(b,c)", "[d,e]", "f,g"}));
  Outer y;
  OptionSet options("test", "");
  declare_options(options, y);
  options.apply_yaml_text("patterns: ['layers\\.{0,1}', 'a,b']\nscales: [1, 2.5]\n", "t.yaml");
  EXPECT_EQ(y.patterns, (std::vector<std::string>{"layers\\.{0,1}", "a,b"}));
  EXPECT_EQ(y.scales, (std::vector<double>{1, 2.5}));
  EXPECT_THROW(options.apply_yaml_text("name: [a, b]\n", "t.yaml"), UsageError);
}

TEST(Schema, ValidationNamesKeyValueAndAllowed) {
  EXPECT_EQ(invalid(Outer{}), "");
  Outer o;
  o.inner.width = 0;
  EXPECT_EQ(invalid(o), "width: 0 is invalid; allowed: an integer in [1, 64]");
  o = Outer{};
  o.other.rate = 1;
  EXPECT_EQ(invalid(o), "other_rate: 1 is invalid; allowed: a number in [0, 1)");
  o = Outer{};
  o.other.width = 100;
  EXPECT_EQ(invalid(o), "other_breadth: 100 is invalid; allowed: an integer in [1, 64]");
  o = Outer{};
  o.scales = {1, -2};
  EXPECT_EQ(invalid(o), "scales: -2 is invalid; allowed: a number > 0");
  o = Outer{};
  o.seed = 101;
  EXPECT_EQ(invalid(o), "seed: 101 is invalid; allowed: an integer <= 100");
  o = Outer{};
  o.other.width = 3;  // the section's own rule, with its prefix
  EXPECT_EQ(invalid(o), "other_width: must be even");
  o = Outer{};
  o.inner.rate = std::nan("");
  EXPECT_NE(invalid(o).find("rate: nan is invalid"), std::string::npos);
}

TEST(Schema, JsonRoundTripAndMissingKeys) {
  Outer o;
  o.name = "z";
  o.colour = Colour::kBlue;
  o.seed = 9;
  o.patterns = {"p,q"};
  o.other.width = 32;
  const nlohmann::json j = to_json(o);
  EXPECT_EQ(j.at("hue"), "blue");  // json_name
  EXPECT_EQ(j.at("seed"), 9);
  EXPECT_EQ(j.at("other").at("width"), 32);  // sections nest; renames are for flags only
  Outer back;
  from_json(j, back, "test.json");
  EXPECT_EQ(back, o);
  nlohmann::json without = j;
  without.erase("derived");  // json_optional: keeps its value
  back = Outer{};
  back.derived = 11;
  from_json(without, back, "test.json");
  EXPECT_EQ(back.derived, 11);
  without.erase("name");
  try {
    from_json(without, back, "test.json");
    FAIL() << "a missing key was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "test.json: key 'name': missing");
  }
  nlohmann::json wrong = j;
  wrong["inner"]["width"] = "wide";
  try {
    from_json(wrong, back, "test.json");
    FAIL() << "a mistyped key was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("key 'inner.width'"), std::string::npos) << e.what();
  }
  wrong = j;
  wrong["seed"] = -3;
  EXPECT_THROW(from_json(wrong, back, "test.json"), Error);
}

TEST(Schema, YamlOfEveryOptionReloads) {
  Outer o;
  ASSERT_TRUE(parse(o, {"--name", "a: b", "--on", "--patterns", "\"x,y\",z", "--seed", "3"}));
  OptionSet options("test", "");
  declare_options(options, o);
  const std::string saved = options.to_yaml(), all = options.to_yaml(/*all=*/true);
  EXPECT_EQ(saved.find("on:"), std::string::npos);  // not saved
  EXPECT_NE(all.find("on: true"), std::string::npos);
  EXPECT_NE(saved.find("# Inner\n"), std::string::npos);
  Outer back;
  OptionSet reload("test", "");
  declare_options(reload, back);
  reload.apply_yaml_text(all, "all.yaml");
  EXPECT_EQ(back, o);
  Outer unset;
  OptionSet again("test", "");
  declare_options(again, unset);
  again.apply_yaml_text("seed: null\n", "t.yaml");
  EXPECT_FALSE(unset.seed);
  again.apply_yaml_text("seed: -1\n", "t.yaml");  // the sentinel of older files
  EXPECT_FALSE(unset.seed);
}

}  // namespace
}  // namespace grok
