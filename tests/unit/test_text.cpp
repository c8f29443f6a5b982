#include "slatrack/text.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using slatrack::closest_names;
using slatrack::quoted_list;
using slatrack::to_lower;
using Names = std::vector<std::string>;

TEST_CASE("to_lower changes ASCII letters only", "[text]") {
  CHECK(to_lower("") == "");
  CHECK(to_lower("Acme LTD 42") == "acme ltd 42");
  CHECK(to_lower("\xC3\x84rger") == "\xC3\x84rger");
}

TEST_CASE("quoted_list joins with commas and a final or", "[text]") {
  CHECK(quoted_list({}) == "");
  CHECK(quoted_list({"a"}) == "\"a\"");
  CHECK(quoted_list({"a", "b"}) == "\"a\" or \"b\"");
  CHECK(quoted_list({"a", "b", "c"}) == "\"a\", \"b\" or \"c\"");
}

TEST_CASE("closest_names: best first, case-insensitive", "[text]") {
  const Names clients{"Globex", "Acme Ltd", "Acme", "Initech"};
  CHECK(closest_names("acme", clients) == Names{"Acme", "Acme Ltd"});
  CHECK(closest_names("Acne", clients) == Names{"Acme"});
  CHECK(closest_names("ACME LTD", clients) == Names{"Acme Ltd", "Acme"});
  CHECK(closest_names("Ltd", clients) == Names{"Acme Ltd"});
  CHECK(closest_names("Initec", clients) == Names{"Initech"});
  CHECK(closest_names("Umbrella", clients).empty());
}

TEST_CASE("closest_names: at most max names", "[text]") {
  const Names names{"ab1", "ab2", "ab3", "ab4"};
  CHECK(closest_names("ab", names) == Names{"ab1", "ab2", "ab3"});
  CHECK(closest_names("ab", names, 1) == Names{"ab1"});
  CHECK(closest_names("ab", names, 0).empty());
  CHECK(closest_names("ab", {}).empty());
}

TEST_CASE("closest_names: short names are not close to every short name", "[text]") {
  CHECK(closest_names("xy", {"GB", "NZ"}).empty());
  CHECK(closest_names("ab", {"ba"}).empty());
  CHECK(closest_names("Jo", {"Al"}).empty());
  CHECK(closest_names("utc", {"UTC", "Etc/UTC", "UCT", "PRC"}) == Names{"UTC", "Etc/UTC"});
  CHECK(closest_names("Bob", {"Rob", "Alice"}) == Names{"Rob"});
  CHECK(closest_names("Acme", {"Acne", "Axe"}) == Names{"Acne", "Axe"});
}

TEST_CASE("closest_names: empty names and an empty wanted name", "[text]") {
  CHECK(closest_names("abc", {""}).empty());
  CHECK(closest_names("", {"abc", "x"}) == Names{"x"});
}
