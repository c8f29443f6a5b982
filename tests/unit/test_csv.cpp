// Tests of the CSV/TSV cell helpers: the incremental RFC 4180 parser, TSV unescaping and the
// spreadsheet formula guard (guard then unguard gives the text back).
#include "slatrack/csv.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace slatrack;
using Status = CsvParser::Status;
using Fields = std::vector<std::string>;

TEST_CASE("csv: plain, quoted and empty fields", "[csv]") {
  CsvParser parser;
  REQUIRE(parser.feed("a,b,c") == Status::record);
  CHECK(parser.fields() == Fields{"a", "b", "c"});
  REQUIRE(parser.feed(R"("x, y","say ""hi""",,"")") == Status::record);
  CHECK(parser.fields() == Fields{"x, y", "say \"hi\"", "", ""});
  REQUIRE(parser.feed("") == Status::record);
  CHECK(parser.fields() == Fields{""});
  REQUIRE(parser.feed("one,") == Status::record);
  CHECK(parser.fields() == Fields{"one", ""});
}

TEST_CASE("csv: CRLF line ends are dropped, a quote inside an unquoted field is kept", "[csv]") {
  CsvParser parser;
  REQUIRE(parser.feed("a,b\r") == Status::record);
  CHECK(parser.fields() == Fields{"a", "b"});
  REQUIRE(parser.feed("5\" screen,b") == Status::record);
  CHECK(parser.fields() == Fields{"5\" screen", "b"});
}

TEST_CASE("csv: a quoted field may span lines", "[csv]") {
  CsvParser parser;
  REQUIRE(parser.feed("1,\"first line") == Status::more);
  CHECK(parser.pending());
  REQUIRE(parser.feed("second line\r") == Status::more);
  REQUIRE(parser.feed("third\",end") == Status::record);
  CHECK_FALSE(parser.pending());
  CHECK(parser.fields() == Fields{"1", "first line\nsecond line\nthird", "end"});
  // The next record starts afresh, with fewer fields.
  REQUIRE(parser.feed("x") == Status::record);
  CHECK(parser.fields() == Fields{"x"});
}

TEST_CASE("csv: text after a closing quote is malformed", "[csv]") {
  CsvParser parser;
  REQUIRE(parser.feed(R"("abc"def,x)") == Status::malformed);
  CHECK(parser.error()
        == "text after a closing quote; a quoted field must end at a separator (write \"\" for a "
           "quote inside it)");
  REQUIRE(parser.feed("ok,1") == Status::record);
  CHECK(parser.fields() == Fields{"ok", "1"});
}

TEST_CASE("csv: another separator", "[csv]") {
  CsvParser parser(';');
  REQUIRE(parser.feed("a;\"b;c\";d,e") == Status::record);
  CHECK(parser.fields() == Fields{"a", "b;c", "d,e"});
}

TEST_CASE("tsv: our escapes are undone", "[csv]") {
  Fields fields;
  split_tsv(R"(a\tb	line\none	back\\slash	C:\x	)", fields);
  CHECK(fields == Fields{"a\tb", "line\none", "back\\slash", "C:\\x", ""});
  split_tsv("x\r", fields);
  CHECK(fields == Fields{"x"});
}

TEST_CASE("formula guard: cells a spreadsheet would run get a quote", "[csv]") {
  CHECK(guard_formula("=SUM(A1:A9)") == "'=SUM(A1:A9)");
  CHECK(guard_formula("+1") == "'+1");
  CHECK(guard_formula("-2 degrees") == "'-2 degrees");
  CHECK(guard_formula("@cmd") == "'@cmd");
  CHECK(guard_formula("\tx") == "'\tx");
  CHECK(guard_formula("\rx") == "'\rx");
  CHECK(guard_formula("a=b") == "a=b");
  CHECK(guard_formula("'quoted") == "'quoted");
  CHECK(guard_formula("") == "");
  // Already quoted formulas get one more quote, so that unguard gives them back.
  CHECK(guard_formula("'=x") == "''=x");
  CHECK(guard_formula("''-x") == "'''-x");
}

TEST_CASE("formula guard: unguard undoes guard", "[csv]") {
  for (const std::string text :
       {"=1+1", "+", "-", "@", "'=x", "''=x", "'plain", "plain", "'", "''", "", "\t", "x-y"}) {
    CHECK(unguard_formula(guard_formula(text)) == text);
  }
  // A quote before ordinary text is not a guard.
  CHECK(unguard_formula("'plain") == "'plain");
  CHECK(unguard_formula("'") == "'");
}
