#include "slatrack/text.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using slatrack::closest_names;
using slatrack::code_point;
using slatrack::display_width;
using slatrack::is_bidi_control;
using slatrack::match_short_name;
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
  CHECK(closest_names("Acne", clients) == Names{"Acme", "Acme Ltd"});
  CHECK(closest_names("ACME LTD", clients) == Names{"Acme Ltd", "Acme"});
  CHECK(closest_names("Ltd", clients) == Names{"Acme Ltd"});
  CHECK(closest_names("Initec", clients) == Names{"Initech"});
  CHECK(closest_names("Umbrella", clients).empty());
}

TEST_CASE("closest_names: a typo in a short form finds the name by its words", "[text]") {
  // SPEC.md "Output": for an unknown client, the closest existing names; a short form is the
  // start of a word of the name, so a typo in one is close to that word.
  const Names clients{"Acme Ltd", "Hudson & Vale LLP", "Bloom Florists"};
  CHECK(closest_names("acmee", clients) == Names{"Acme Ltd"});
  CHECK(closest_names("acne", clients) == Names{"Acme Ltd"});
  CHECK(closest_names("hudsen", clients) == Names{"Hudson & Vale LLP"});
  CHECK(closest_names("blom", clients) == Names{"Bloom Florists"});
  CHECK(closest_names("Blooom", clients) == Names{"Bloom Florists"});
  CHECK(closest_names("florits", clients) == Names{"Bloom Florists"});
  CHECK(closest_names("zebra", clients).empty());
  CHECK(closest_names("xy", clients).empty());
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

TEST_CASE("match_short_name: the exact name, ignoring case, wins", "[text]") {
  const Names clients{"Acme Ltd", "Acme", "Hudson & Vale LLP"};
  CHECK(match_short_name("acme", clients) == Names{"Acme"});
  CHECK(match_short_name("ACME LTD", clients) == Names{"Acme Ltd"});
}

TEST_CASE("match_short_name: a prefix of the name or of one of its words", "[text]") {
  const Names clients{"Acme Ltd", "Hudson & Vale LLP", "Globex"};
  CHECK(match_short_name("acme", clients) == Names{"Acme Ltd"});
  CHECK(match_short_name("ltd", clients) == Names{"Acme Ltd"});
  CHECK(match_short_name("hudson", clients) == Names{"Hudson & Vale LLP"});
  CHECK(match_short_name("val", clients) == Names{"Hudson & Vale LLP"});
  CHECK(match_short_name("hudson & v", clients) == Names{"Hudson & Vale LLP"});
  CHECK(match_short_name("G", clients) == Names{"Globex"});
  // Not a word's start, and not within one word.
  CHECK(match_short_name("cme", clients).empty());
  CHECK(match_short_name("vale llp", clients).empty());
  CHECK(match_short_name("& vale", clients).empty());
  CHECK(match_short_name("", clients).empty());
  CHECK(match_short_name("acme", Names{}).empty());
}

TEST_CASE("match_short_name: several candidates, in the given order", "[text]") {
  const Names clients{"Acme Ltd", "Acorn Co", "Globex Ltd", "Zeta-9 Labs"};
  CHECK(match_short_name("ac", clients) == Names{"Acme Ltd", "Acorn Co"});
  CHECK(match_short_name("ltd", clients) == Names{"Acme Ltd", "Globex Ltd"});
  CHECK(match_short_name("9", clients) == Names{"Zeta-9 Labs"});
  CHECK(match_short_name("lab", clients) == Names{"Zeta-9 Labs"});
}

TEST_CASE("match_short_name: non-ASCII letters are part of words", "[text]") {
  const Names clients{"M\xC3\xBCller GmbH", "\xC3\x84rger AG"};
  CHECK(match_short_name("m\xC3\xBC", clients) == Names{"M\xC3\xBCller GmbH"});
  CHECK(match_short_name("\xC3\x84r", clients) == Names{"\xC3\x84rger AG"});
  CHECK(match_short_name("ller", clients).empty());
}

// Issue 20 item 3: table columns are measured in terminal columns, not code points.
TEST_CASE("display_width: wide characters take two columns, combining marks none", "[text]") {
  CHECK(display_width("") == 0);
  CHECK(display_width("Acme Ltd") == 8);
  CHECK(display_width("Caf\xC3\xA9") == 4);                          // é, one code point
  CHECK(display_width("Cafe\xCC\x81") == 4);                         // e + combining acute
  CHECK(display_width("\xE6\xA0\xAA\xE5\xBC\x8F\xE4\xBC\x9A") == 6); // 株式会 (CJK)
  CHECK(display_width("\xED\x95\x9C") == 2);                         // 한 (Hangul)
  CHECK(display_width("\xEF\xBC\xA1") == 2);                         // Ａ (fullwidth)
  CHECK(display_width("\xF0\x9F\x98\x80") == 2);                     // 😀
  CHECK(display_width("a\xE2\x80\x8B"
                      "b")
        == 2);                       // zero-width space
  CHECK(display_width("\xFF") == 1); // not UTF-8: one column, as shown escaped
}

TEST_CASE("is_bidi_control: the characters that reorder text", "[text]") {
  for (const char32_t c : {0x061Cu, 0x200Eu, 0x200Fu, 0x202Au, 0x202Bu, 0x202Cu, 0x202Du, 0x202Eu,
                           0x2066u, 0x2067u, 0x2068u, 0x2069u}) {
    CHECK(is_bidi_control(c));
  }
  for (const char32_t c : {0x0041u, 0x200Bu, 0x2029u, 0x202Fu, 0x2065u, 0x206Au, 0x05D0u}) {
    CHECK_FALSE(is_bidi_control(c));
  }
  CHECK(code_point("\xE2\x80\xAE", 0, 3) == 0x202E);
  CHECK(code_point("\xF0\x9F\x98\x80", 0, 4) == 0x1F600);
}

TEST_CASE("fold_case: names compared ignoring case in any script", "[text]") {
  using slatrack::fold_case;
  using slatrack::same_ignoring_case;
  CHECK(fold_case("ACME Ltd") == "acme ltd");
  CHECK(fold_case("ZOË CAFÉ") == "zoë café");
  CHECK(fold_case("ÄRZTE-ZENTRUM SÜD") == "ärzte-zentrum süd");
  CHECK(fold_case("ΑΘΗΝΑ") == "αθηνα");
  CHECK(fold_case("МОСКВА") == "москва");
  CHECK(fold_case("ŁÓDŹ") == "łódź");
  CHECK(fold_case("ǅ") == "ǆ"); // title case
  CHECK(fold_case("Straße") == "straße");
  CHECK(fold_case("東京") == "東京");
  CHECK(fold_case("\xff\xc3(") == "\xff\xc3(");       // not UTF-8: kept
  CHECK(fold_case("\xe0\x80\x80") == "\xe0\x80\x80"); // overlong: kept
  CHECK(same_ignoring_case("Zoë Café", "zoË CAFÉ"));
  CHECK_FALSE(same_ignoring_case("Zoe Cafe", "Zoë Café"));
  // Against Unicode's mapping for every letter of Latin-1 and Latin Extended-A, written out.
  const std::string upper = "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒ"
                            "ŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ";
  const std::string lower = "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįĳĵķĺļľŀłńņňŋōŏőœ"
                            "ŕŗřśŝşšţťŧũūŭůűųŵŷÿźżž";
  CHECK(fold_case(upper) == lower);
  CHECK(fold_case(lower) == lower);
}

TEST_CASE("match_short_name: short forms ignore case beyond ASCII", "[text]") {
  const Names clients{"Zoë Café", "Ärzte-Zentrum Süd", "Acme Ltd"};
  CHECK(slatrack::match_short_name("ZOË CAFÉ", clients) == Names{"Zoë Café"});
  CHECK(slatrack::match_short_name("ärzte", clients) == Names{"Ärzte-Zentrum Süd"});
  CHECK(slatrack::match_short_name("SÜD", clients) == Names{"Ärzte-Zentrum Süd"});
  CHECK(slatrack::match_short_name("café", clients) == Names{"Zoë Café"});
  CHECK(slatrack::closest_names("ZOË CAFE", clients) == Names{"Zoë Café"});
}
