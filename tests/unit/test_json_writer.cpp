// The streaming writers (src/cli/json_writer.cpp, output.cpp's CellFields) against what they
// replaced: for every kind of text (escapes, every control character, UTF-8 of each length, every
// way UTF-8 can be broken, random bytes with a fixed seed) and every kind of value, the bytes are
// exactly those of nlohmann::json's compact dump with invalid UTF-8 replaced, and the cells those
// of write_separated.
#include "cli/json.hpp"
#include "cli/json_writer.hpp"
#include "cli/records.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <date/date.h>
#include <random>
#include <string>
#include <vector>

using slatrack::Instant;
using slatrack::Seconds;
using slatrack::cli::Field;
using slatrack::cli::Record;
using slatrack::cli::Value;

namespace {

std::string ours(const Value& value) {
  std::string out;
  slatrack::cli::append_json(out, value);
  return out;
}

std::string theirs(const Value& value) {
  return slatrack::cli::dump_json(slatrack::cli::to_json(value));
}

} // namespace

TEST_CASE("json strings are written as nlohmann dumped them", "[json]") {
  std::vector<std::string> texts = {
      "",
      "plain text",
      "quote \" backslash \\ slash /",
      "\b\f\n\r\t",
      std::string("nul \0 inside", 12),
      "\x7f del",
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",       // 2, 3 and 4 bytes
      "\xe2\x80\xae bidi override",                      // U+202E stays as it is
      "\xc3",                                            // cut short at the end
      "\xe2\x82",                                        // cut short at the end
      "\xc3 then text",                                  // a lead byte without its tail
      "\x80 lone tail",                                  // a tail byte alone
      "\xc0\xaf overlong",                               // overlong forms
      "\xe0\x80\xaf overlong three",                     //
      "\xed\xa0\x80 surrogate",                          // U+D800
      "\xf4\x90\x80\x80 above U+10FFFF",                 //
      "\xf5\x80\x80\x80 never a lead",                   //
      "\xff\xfe",                                        //
      "ok \xe2\x82\xac then \xe2\x82 then \xc3\xa9 end", //
  };
  for (int c = 0; c < 0x20; ++c) {
    texts.push_back(std::string(1, static_cast<char>(c)) + "x");
  }
  std::mt19937 random(20261207);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 12);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int n = length(random);
    for (int k = 0; k < n; ++k) {
      // Mostly bytes near UTF-8's edges, so that broken sequences of every shape come up.
      const int b = byte(random);
      text += static_cast<char>(b % 3 == 0 ? 0x80 + b % 0x40 : b);
    }
    texts.push_back(text);
  }
  for (const std::string& text : texts) {
    INFO("text bytes: " << text.size());
    CHECK(ours(Value{text}) == theirs(Value{text}));
  }
}

TEST_CASE("json strings: each escape, byte for byte", "[json]") {
  const auto json = [](std::string_view text) {
    std::string out = "x"; // appended to what the text already holds
    slatrack::cli::append_json_string(out, text);
    return out;
  };
  CHECK(json("") == "x\"\"");
  CHECK(json("plain") == "x\"plain\"");
  CHECK(json("a \"quoted\" word") == "x\"a \\\"quoted\\\" word\"");
  CHECK(json("back\\slash \\\\ two") == "x\"back\\\\slash \\\\\\\\ two\"");
  CHECK(json("/ stays") == "x\"/ stays\"");
  CHECK(json("\b\f\n\r\t") == "x\"\\b\\f\\n\\r\\t\"");
  CHECK(json(std::string_view("\0\x01\x0b\x1f", 4)) == "x\"\\u0000\\u0001\\u000b\\u001f\"");
  CHECK(json("\x7f") == "x\"\x7f\"");
  // U+2028 and U+2029 (line and paragraph separators) are valid JSON text: as they are.
  CHECK(json("a\xe2\x80\xa8"
             "b\xe2\x80\xa9"
             "c")
        == "x\"a\xe2\x80\xa8"
           "b\xe2\x80\xa9"
           "c\"");
  CHECK(json("caf\xc3\xa9 \xf0\x9f\x98\x80\n") == "x\"caf\xc3\xa9 \xf0\x9f\x98\x80\\n\"");
  // Bytes that are not UTF-8 become U+FFFD, the rest of the text kept.
  CHECK(json("a\xff"
             "b")
        == "x\"a\xef\xbf\xbd"
           "b\"");
  CHECK(json("\xc3") == "x\"\xef\xbf\xbd\"");
  CHECK(json("\"\xc3(\n") == "x\"\\\"\xef\xbf\xbd(\\n\"");
  CHECK(json("\xed\xa0\x80") == "x\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
}

TEST_CASE("json values and records are written as nlohmann dumped them", "[json]") {
  const std::vector<Value> values = {Value{},
                                     Value{true},
                                     Value{false},
                                     Value{std::int64_t{0}},
                                     Value{std::int64_t{-42}},
                                     Value{std::numeric_limits<std::int64_t>::max()},
                                     Value{std::numeric_limits<std::int64_t>::min()},
                                     Value{std::string("text")},
                                     Value{Instant{Seconds{1795186800}}},
                                     Value{Instant{Seconds{0}}},
                                     Value{Seconds{7200}},
                                     Value{Seconds{-30}}};
  for (const Value& value : values) {
    CHECK(ours(value) == theirs(value));
  }
  const Record record = {Field{"id", Value{std::int64_t{41}}}, Field{"subject", Value{"a \"b\""}},
                         Field{"due_at", Value{Instant{Seconds{1795186800}}}},
                         Field{"assignee", Value{}}, Field{"k\xc3\xa9y\n", Value{true}}};
  std::string out;
  slatrack::cli::append_json(out, record);
  CHECK(out == slatrack::cli::dump_json(slatrack::cli::to_json(record)));
  CHECK(out
        == "{\"id\":41,\"subject\":\"a \\\"b\\\"\",\"due_at\":\"2026-11-20T15:00:00Z\","
           "\"assignee\":null,\"k\xc3\xa9y\\n\":true}");
  std::string empty;
  slatrack::cli::append_json(empty, Record{});
  CHECK(empty == "{}");
}

TEST_CASE("times are written as date::format writes them, digit by digit", "[json]") {
  // iso_utc builds the text by hand (export writes a dozen a request); date's own formatting is
  // the reference, on seeded random seconds from 1900 to 2200 and the edges of each field.
  std::mt19937_64 random(20261207);
  std::uniform_int_distribution<std::int64_t> seconds(-2208988800, 7258118400);
  std::vector<std::int64_t> cases = {0,          -1,         59,          60,          3599,
                                     86399,      86400,      951782400,   951868799,   1795186800,
                                     4102444799, 4102444800, -2208988800, 253402300799};
  for (int i = 0; i < 20000; ++i) {
    cases.push_back(seconds(random));
  }
  for (const std::int64_t value : cases) {
    const Instant instant{Seconds{value}};
    const std::string expected = date::format("%FT%TZ", instant);
    CHECK(slatrack::cli::iso_utc(instant) == expected);
    CHECK(ours(Value{instant}) == "\"" + expected + "\"");
  }
}

TEST_CASE("domain objects streamed by JsonFields give the bytes of their records", "[json]") {
  using namespace slatrack;
  const auto record_json = [](const Record& record) {
    std::string out;
    slatrack::cli::append_json_fields(out, record);
    return out;
  };
  Request request;
  request.id = RequestId{42};
  request.client = "Acme \"Ltd\"";
  request.subject = std::string("Invoice\n\x01 wrong \xff") + "\xc3\xa9t\xc3\xa9";
  request.assignee = "sam";
  request.received_at = Instant{Seconds{1795186800}};
  request.reply_due = Instant{Seconds{1795190400}};
  Event event;
  event.number = 3;
  event.kind = EventKind::reply;
  event.at = Instant{Seconds{1795186900}};
  event.author = "ann";
  event.recorder = "bench";
  event.recorded_at = Instant{Seconds{1795187000}};
  event.voided_by = 7;
  Event bare;
  bare.text = "see ticket \\1";
  bare.target = 0;
  ClockRun days;
  days.target = Target::days(2);
  days.due = Instant{Seconds{1795200000}};
  ClockRun time;
  time.target = Target{Seconds{7200}};
  time.stop = Instant{Seconds{1795190000}};
  time.used = Seconds{3600};
  time.credit = Seconds{-60};
  for (const Request& each : {request, Request{}}) {
    std::string streamed;
    slatrack::cli::JsonFields fields(streamed);
    slatrack::cli::request_fields(each, fields);
    CHECK(streamed == record_json(slatrack::cli::request_record(each)));
  }
  for (const Event& each : {event, bare}) {
    std::string streamed;
    slatrack::cli::JsonFields fields(streamed);
    slatrack::cli::event_fields(each, fields);
    CHECK(streamed == record_json(slatrack::cli::event_record(each)));
  }
  for (const ClockRun& each : {days, time}) {
    std::string streamed;
    slatrack::cli::JsonFields fields(streamed);
    slatrack::cli::clock_fields(each, fields);
    CHECK(streamed == record_json(slatrack::cli::clock_record(each)));
  }
}

TEST_CASE("domain objects streamed by CellFields give write_separated's lines", "[json][csv]") {
  // export's csv and tsv rows: the request's cells then the event's, written as they stream, the
  // same bytes as write_separated of the machine_cell of each field of their records.
  using namespace slatrack;
  const auto separated = [](const cli::Style& style, const std::vector<std::string>& cells) {
    std::FILE* file = std::tmpfile();
    REQUIRE(file != nullptr);
    cli::write_separated(file, style, cells);
    std::fflush(file);
    std::rewind(file);
    std::string out;
    std::array<char, 4096> buffer{};
    std::size_t got = 0;
    while ((got = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
      out.append(buffer.data(), got);
    }
    std::fclose(file);
    return out;
  };
  Request request;
  request.id = RequestId{42};
  request.client = "Acme, \"Ltd\"";
  request.subject = "Invoice\r\n\ttwice \\ wrong";
  request.assignee = "=SUM(A1)";
  request.policy = "-5";
  request.calendar = "'@home";
  request.ref = "";
  request.received_at = Instant{Seconds{1795186800}};
  request.reply_due = Instant{Seconds{1795190400}};
  Event event;
  event.number = 3;
  event.kind = EventKind::reply;
  event.at = Instant{Seconds{1795186900}};
  event.author = "+ann";
  event.recorder = "\tbench";
  event.text = "see \"ticket\", line\nnext";
  event.voided_by = 7;
  Event bare;
  bare.target = 0;
  for (const std::string_view format : {"csv", "tsv"}) {
    INFO("format " << format);
    cli::Style style;
    style.format = cli::parse_format(format, false);
    for (const Request& each_request : {request, Request{}}) {
      for (const Event& each_event : {event, bare}) {
        std::vector<std::string> cells;
        for (const cli::Field& field : cli::request_record(each_request)) {
          cells.push_back(cli::machine_cell(field.value));
        }
        for (const cli::Field& field : cli::event_record(each_event)) {
          cells.push_back(cli::machine_cell(field.value));
        }
        std::string streamed;
        cli::CellFields request_cells(streamed, style);
        cli::request_fields(each_request, request_cells);
        cli::CellFields event_cells(streamed, style, true);
        cli::event_fields(each_event, event_cells);
        streamed += '\n';
        CHECK(streamed == separated(style, cells));
      }
    }
  }
}
