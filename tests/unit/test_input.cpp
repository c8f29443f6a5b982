#include "slatrack/input.hpp"

#include <catch2/catch.hpp>
#include <string>

using slatrack::argument_kind;
using slatrack::argument_problem;
using slatrack::ArgumentKind;
using slatrack::first_invalid_utf8;

TEST_CASE("first_invalid_utf8 finds the first bad byte", "[input]") {
  CHECK_FALSE(first_invalid_utf8("").has_value());
  CHECK_FALSE(first_invalid_utf8("plain ASCII").has_value());
  CHECK_FALSE(first_invalid_utf8("Caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80").has_value());
  CHECK(first_invalid_utf8("ab\xFF") == 2u);
  CHECK(first_invalid_utf8("caf\xC3") == 3u);                      // truncated sequence
  CHECK(first_invalid_utf8("\xC0\xAF") == 0u);                     // overlong '/'
  CHECK(first_invalid_utf8("\xE0\x80\xAF") == 0u);                 // overlong, 3 bytes
  CHECK(first_invalid_utf8("x\xED\xA0\x80") == 1u);                // UTF-16 surrogate
  CHECK(first_invalid_utf8("\xF4\x90\x80\x80") == 0u);             // above U+10FFFF
  CHECK(first_invalid_utf8("\xF5\x80\x80\x80") == 0u);             // no such lead byte
  CHECK(first_invalid_utf8("ok\x80") == 2u);                       // lone continuation byte
  CHECK(first_invalid_utf8("\xE2\x82 ") == 0u);                    // continuation missing
  CHECK_FALSE(first_invalid_utf8("\xF4\x8F\xBF\xBF").has_value()); // U+10FFFF itself
}

TEST_CASE("argument kinds", "[input]") {
  CHECK(argument_kind("--db") == ArgumentKind::path);
  CHECK(argument_kind("FILE") == ArgumentKind::path);
  CHECK(argument_kind("SUBJECT") == ArgumentKind::text);
  CHECK(argument_kind("--message") == ArgumentKind::text);
  CHECK(argument_kind("TEXT") == ArgumentKind::text);
  CHECK(argument_kind("NAME") == ArgumentKind::value);
  CHECK(argument_kind("--assignee") == ArgumentKind::value);
}

TEST_CASE("argument_problem names the value and what is accepted", "[input]") {
  CHECK_FALSE(
      argument_problem("SUBJECT", ArgumentKind::text, "Invoice\nis \x1b[1mwrong").has_value());
  CHECK_FALSE(argument_problem("NAME", ArgumentKind::value, "Acme Ltd \xE2\x9C\x93").has_value());
  CHECK_FALSE(argument_problem("--db", ArgumentKind::path, "/tmp/\xFF.db").has_value());
  CHECK(argument_problem("NAME", ArgumentKind::value,
                         "a\x01"
                         "b")
        == "NAME \"a\\x01b\" has a control character (0x01 at offset 1); only printable text is "
           "accepted here");
  CHECK(argument_problem("SUBJECT", ArgumentKind::text, "bad\xFFsubject")
        == "SUBJECT \"bad\\xFFsubject\" is not valid UTF-8 (byte 0xFF at offset 3); give text in "
           "UTF-8");
  CHECK(argument_problem("TEXT", ArgumentKind::text, std::string(65536, 'a')) == std::nullopt);
  CHECK(argument_problem("TEXT", ArgumentKind::text, std::string(65537, 'a'))
        == "TEXT \"" + std::string(40, 'a')
               + "...\" is 65537 bytes long; at most 65536 bytes are accepted");
  CHECK(argument_problem("NAME", ArgumentKind::value, std::string(1000, 'n')) == std::nullopt);
  CHECK(argument_problem("NAME", ArgumentKind::value, std::string(1001, 'n')).has_value());
  CHECK(argument_problem("NAME", ArgumentKind::value, "say \"hi\"\x7f")
        == "NAME \"say \\\"hi\\\"\\x7F\" has a control character (0x7F at offset 8); only "
           "printable text is accepted here");
}

// Found by fuzzing (tests/fuzz/fuzz_argument.cpp, fuzz_parse_hours.cpp): C1 control characters
// (U+0080 to U+009F, valid UTF-8; U+009B is a terminal's CSI) went into names and into messages
// raw.
TEST_CASE("C1 control characters are control characters too", "[input]") {
  CHECK(argument_problem("NAME", ArgumentKind::value,
                         "ann\xC2\x9B"
                         "31m")
        == "NAME \"ann\\xC2\\x9B31m\" has a control character (U+009B at offset 3); only "
           "printable text is accepted here");
  CHECK(argument_problem("NAME", ArgumentKind::value, "\xC2\x80") // U+0080
        == "NAME \"\\xC2\\x80\" has a control character (U+0080 at offset 0); only printable "
           "text is accepted here");
  // U+00A0 (no-break space) and U+00E9 are printable; text may hold C1 like C0.
  CHECK_FALSE(argument_problem("NAME", ArgumentKind::value,
                               "a\xC2\xA0"
                               "b\xC3\xA9")
                  .has_value());
  CHECK_FALSE(argument_problem("SUBJECT", ArgumentKind::text, "a\xC2\x9B").has_value());
  CHECK(slatrack::quoted_argument("\xC2\x86uu\x7F") == "\"\\xC2\\x86uu\\x7F\"");
  CHECK(argument_problem("SUBJECT", ArgumentKind::text, "\xC2\x96\xFF")
        == "SUBJECT \"\\xC2\\x96\\xFF\" is not valid UTF-8 (byte 0xFF at offset 2); give text in "
           "UTF-8");
}

TEST_CASE("values are trimmed the same way at every entry", "[input]") {
  using slatrack::trim_value;
  CHECK(trim_value(" acme ") == "acme");
  CHECK(trim_value("\t acme\r\n") == "acme");
  CHECK(trim_value("Acme  Ltd") == "Acme  Ltd");
  CHECK(trim_value("   ").empty());
  CHECK(trim_value("").empty());
  // Only ASCII space, tab, CR and LF: bytes of a UTF-8 sequence are never cut.
  CHECK(trim_value("\xC2\xA0x\xC2\xA0") == "\xC2\xA0x\xC2\xA0");
}

TEST_CASE("bidirectional formatting characters are refused in values, kept in text", "[input]") {
  // "Invoice <U+202E>fdp.exe" reads as "Invoice exe.pdf" in a terminal.
  CHECK(argument_problem("NAME", ArgumentKind::value,
                         "Invoice \xE2\x80\xAE"
                         "fdp")
        == "NAME \"Invoice \xE2\x80\xAE"
           "fdp\" has a bidirectional formatting character (U+202E at offset 8); only plain "
           "text is accepted here");
  CHECK(argument_problem("--owner", ArgumentKind::value,
                         "\xE2\x81\xA7"
                         "ann")
        == "--owner \"\xE2\x81\xA7"
           "ann\" has a bidirectional formatting character (U+2067 at offset 0); only plain text "
           "is accepted here");
  CHECK(argument_problem("--ref", ArgumentKind::value, "a\xD8\x9C")
            ->starts_with("--ref \"a\xD8\x9C\" has a bidirectional formatting character (U+061C"));
  CHECK_FALSE(argument_problem("SUBJECT", ArgumentKind::text,
                               "Invoice \xE2\x80\xAE"
                               "fdp")
                  .has_value());
  // Right-to-left letters themselves are plain text.
  CHECK_FALSE(argument_problem("NAME", ArgumentKind::value, "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D")
                  .has_value());
}

TEST_CASE("name_problem: the one check of a client, calendar or policy name", "[input]") {
  using slatrack::name_problem;
  CHECK_FALSE(name_problem("client name", "Acme Ltd").has_value());
  CHECK(name_problem("client name", " acme ")
        == "client name \" acme \" begins or ends with a space; give it without");
  CHECK(name_problem("client name", std::string("x\0y", 3))
        == "client name \"x\\x00y\" has a control character (0x00 at offset 1); only printable "
           "text is accepted here");
  CHECK(name_problem("client name", std::string(20000, 'a'))
        == "client name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is 20000 bytes long; at "
           "most 1000 bytes are accepted");
  CHECK(name_problem("sla name", "std\xE2\x80\x8F")
            ->starts_with("sla name \"std\xE2\x80\x8F\" has a bidirectional formatting character"));
}
