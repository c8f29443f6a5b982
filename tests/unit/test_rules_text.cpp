// Tests of rules as text (the TOML written by `config export` and read by `config apply`), of the
// plan that makes a database's rules match a document, and of the settings file reader.
#include "slatrack/error.hpp"
#include "slatrack/rules_text.hpp"
#include "slatrack/settings.hpp"
#include "system/zone_files.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

using namespace slatrack;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

WeeklyHours office_hours() {
  WeeklyHours out;
  for (std::size_t day = 0; day < 5; ++day) {
    out.days[day] = {OpenInterval{9 * 60, 12 * 60 + 30}, OpenInterval{13 * 60 + 30, 17 * 60}};
  }
  return out;
}

RuleSet sample() {
  RuleSet rules;
  rules.calendars.push_back(
      CalendarRules{"office",
                    "Europe/London",
                    office_hours(),
                    {Holiday{0, 12, 25, "Christmas"}, Holiday{2026, 4, 3, ""}},
                    {}});
  Policy standard;
  standard.name = "standard";
  standard.calendar = "office";
  standard.base = Targets{hours{2}, hours{16}, hours{40}};
  standard.overrides[Priority::urgent] = TargetOverride{minutes{30}, Seconds{0}, std::nullopt};
  standard.overrides[Priority::low] = TargetOverride{std::nullopt, std::nullopt, hours{80}};
  Policy fallback;
  fallback.name = "default";
  fallback.calendar = "24x7";
  fallback.base = Targets{hours{24}, std::nullopt, std::nullopt};
  fallback.builtin = true;
  rules.policies = {fallback, standard};
  rules.clients.push_back(ClientRules{"Acme Ltd",
                                      "standard",
                                      {"ops@acme.example"},
                                      {"acme.co.uk", "acme.example"},
                                      "ann",
                                      "Says \"hi\"\tat 9"});
  rules.clients.push_back(ClientRules{"beta", "default", {}, {}, std::nullopt, std::nullopt});
  return rules;
}

// Written by hand from the format in docs/configuration.md.
constexpr std::string_view k_sample_text =
    R"(# slatrack rules: calendars, SLA policies and clients (docs/configuration.md).
# Apply with: slatrack config apply FILE [--dry-run] [--prune]

[calendar.office]
tz = "Europe/London"
hours = "mon-fri 09:00-12:30 13:30-17:00"
holidays = [
  { date = "12-25", name = "Christmas" },
  { date = "2026-04-03" },
]

[sla.default]
calendar = "24x7"
reply = "24h"

[sla.standard]
calendar = "office"
reply = "2h"
update = "16h"
resolve = "40h"

[sla.standard.urgent]
reply = "30m"
update = "none"

[sla.standard.low]
resolve = "80h"

[client."Acme Ltd"]
sla = "standard"
email = "ops@acme.example"
domain = ["acme.co.uk", "acme.example"]
owner = "ann"
note = "Says \"hi\"\tat 9"

[client.beta]
sla = "default"
)";

std::string error_of(std::string_view text) {
  try {
    static_cast<void>(parse_rules(text, "rules.toml", zone_files()));
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::invalid_input);
    return error.what();
  }
  return "no error";
}

std::vector<std::string> lines(const RulesPlan& plan) {
  std::vector<std::string> out;
  for (const RuleStep& step : plan.steps) {
    out.push_back(std::string(to_string(step.action)) + " " + std::string(to_string(step.kind))
                  + " " + step.name + ": " + step.detail);
  }
  return out;
}

} // namespace

TEST_CASE("rules are written as stable TOML", "[rules]") {
  CHECK(format_rules(sample()) == k_sample_text);
}

TEST_CASE("rules read back equal to what was written", "[rules]") {
  const RuleSet rules = parse_rules(k_sample_text, "rules.toml", zone_files());
  const RuleSet want = sample();
  REQUIRE(rules.calendars.size() == 1);
  CHECK(rules.calendars[0].name == "office");
  CHECK(rules.calendars[0].zone == "Europe/London");
  CHECK(rules.calendars[0].hours == office_hours());
  CHECK(rules.calendars[0].holidays == want.calendars[0].holidays);
  REQUIRE(rules.policies.size() == 2);
  CHECK(rules.policies[0].name == "default");
  CHECK(rules.policies[0].base == want.policies[0].base);
  CHECK(rules.policies[1].calendar == "office");
  CHECK(rules.policies[1].base == want.policies[1].base);
  CHECK(rules.policies[1].overrides == want.policies[1].overrides);
  CHECK(rules.clients == want.clients);
  CHECK(format_rules(rules) == k_sample_text);
}

TEST_CASE("rules accept the short forms and defaults", "[rules]") {
  const RuleSet rules = parse_rules(R"(
[calendar.shop]
tz = "America/New_York"
hours = "sat 10:00-14:00"
holidays = ["07-04", { date = "2026-11-26", name = "Thanksgiving" }]

[sla.basic]
reply = "1h30m"
update = "none"

[client.walk-in]
email = ""
)",
                                    "r.toml", zone_files());
  REQUIRE(rules.calendars.size() == 1);
  CHECK(rules.calendars[0].holidays
        == std::vector<Holiday>{Holiday{0, 7, 4, ""}, Holiday{2026, 11, 26, "Thanksgiving"}});
  REQUIRE(rules.policies.size() == 1);
  CHECK(rules.policies[0].calendar == "24x7");
  CHECK(rules.policies[0].base == Targets{minutes{90}, std::nullopt, std::nullopt});
  REQUIRE(rules.clients.size() == 1);
  CHECK(rules.clients[0] == ClientRules{"walk-in", "default", {}, {}, std::nullopt, std::nullopt});
}

TEST_CASE("bad rules are refused with the file and line", "[rules]") {
  CHECK(error_of("[calendar.office]\ntz = \"Europe/London\"\nhours = [1, 2\n")
        == "rules.toml:3: Error while parsing array: encountered end-of-file");
  CHECK(error_of("[calendars.office]\n")
        == "rules.toml:1: unknown key \"calendars\" in the file (did you mean \"calendar\"?); the "
           "keys are: calendar, sla, client");
  CHECK(error_of("[calendar.office]\ntz = \"Europe/London\"\n")
        == "rules.toml:1: calendar \"office\" needs tz and hours, e.g. tz = \"Europe/London\" "
           "and hours = \"mon-fri 09:00-17:00\"");
  CHECK(error_of("[calendar.office]\ntz = \"Europe/London\"\nhours = \"mon-fri 09:00-17:00\"\n"
                 "colour = \"red\"\n")
        == "rules.toml:4: unknown key \"colour\" in calendar \"office\"; the keys are: from, tz, "
           "hours, holidays, earlier");
  CHECK(error_of("[calendar.office]\ntz = \"Europe/London\"\nhours = \"mon-fri 17:00-09:00\"\n")
            .starts_with("rules.toml:3: hours: "));
  CHECK(error_of("[calendar.office]\ntz = \"Mars/Olympus\"\nhours = \"mon 09:00-17:00\"\n")
            .starts_with("rules.toml:2: tz: "));
  CHECK(error_of("[calendar.office]\ntz = \"UTC\"\nhours = \"mon 09:00-17:00\"\n"
                 "holidays = [\"12-25\",\n  \"12-25\"]\n")
        == "rules.toml:5: holiday 12-25 is listed twice in calendar \"office\"");
  CHECK(error_of("[calendar.24x7]\ntz = \"UTC\"\nhours = \"mon 09:00-17:00\"\n")
        == "rules.toml:1: calendar \"24x7\" is built in and cannot be changed; leave it out of "
           "the file");
  CHECK(error_of("[sla.fast]\nreply = 2\n")
        == "rules.toml:2: reply must be text in double quotes, e.g. reply = \"2h\"");
  CHECK(error_of("[sla.fast]\nreply = \"2 hours\"\n").starts_with("rules.toml:2: reply: bad "));
  CHECK(error_of("[sla.fast]\nupdate = \"2h\"\n")
        == "rules.toml:1: sla \"fast\" needs a reply target, e.g. reply = \"2h\"");
  CHECK(error_of("[sla.fast]\nreply = \"2h\"\n[sla.fast.critical]\nreply = \"1h\"\n")
        == "rules.toml:3: unknown key \"critical\" in sla \"fast\"; the keys are: from, "
           "calendar, reply, update, resolve, urgent, high, normal, low, earlier");
  CHECK(error_of("[client.acme]\nsla = \"x\"\n[client.Acme]\n")
        == "rules.toml:3: client \"acme\" and \"Acme\" are the same name (names ignore case)");
  CHECK(error_of("client = 3\n") == "rules.toml:1: client must be a table, e.g. [client.acme]");
}

TEST_CASE("the rules file is checked as the command line is, with its line", "[rules]") {
  const std::string long_value(20000, 'a');
  CHECK(error_of("[client.\"x\\u0007y\"]\n")
        == "rules.toml:1: client name \"x\\x07y\" has a control character (0x07 at offset 1); "
           "only printable text is accepted here");
  CHECK(error_of("[client.\"x\\u0000y\"]\n")
        == "rules.toml:1: client name \"x\\x00y\" has a control character (0x00 at offset 1); "
           "only printable text is accepted here");
  CHECK(error_of("[client.\"a\\u202Eb\"]\n")
        == "rules.toml:1: client name \"a\xE2\x80\xAE"
           "b\" has a bidirectional formatting character (U+202E at offset 1); only plain text "
           "is accepted here");
  CHECK(error_of("[client.\"" + long_value + "\"]\n")
        == "rules.toml:1: client name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is 20000 "
           "bytes long; at most 1000 bytes are accepted");
  CHECK(error_of("[client.acme]\nemail = \"ops\\u0000@x\"\n")
        == "rules.toml:2: email \"ops\\x00@x\" has a control character (0x00 at offset 3); only "
           "printable text is accepted here");
  CHECK(error_of("[client.acme]\nemail = [\"ops@acme.example\", \"ops\"]\n")
        == "rules.toml:2: bad email \"ops\": give a mail address such as ops@acme.example");
  CHECK(error_of("[client.acme]\ndomain = \"@acme.example\"\n")
        == "rules.toml:2: bad domain \"@acme.example\": give a mail domain such as acme.example "
           "(no @)");
  CHECK(error_of("[client.acme]\ndomain = 3\n")
        == "rules.toml:2: domain must be text or a list of text, e.g. domain = [\"acme.example\"]");
  CHECK(error_of("[client.acme]\nowner = \"" + long_value + "\"\n")
        == "rules.toml:2: owner \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is 20000 bytes "
           "long; at most 1000 bytes are accepted");
  CHECK(error_of("[client.acme]\nsla = \"std\\u2066\"\n")
            .starts_with("rules.toml:2: sla \"std\xE2\x81\xA6\" has a bidirectional"));
  CHECK(error_of("[sla.\"s\\u001b\"]\nreply = \"2h\"\n")
            .starts_with("rules.toml:1: sla name \"s\\x1B\" has a control character"));
  CHECK(error_of("[calendar.\"c\\u200e\"]\ntz = \"UTC\"\nhours = \"mon 09:00-17:00\"\n")
            .starts_with("rules.toml:1: calendar name \"c\xE2\x80\x8E\" has a bidirectional"));
  CHECK(error_of("[client.acme]\n\"own\\u0007er\" = \"ann\"\n")
        == "rules.toml:2: unknown key \"own\\x07er\" in client \"acme\" (did you mean "
           "\"owner\"?); the keys are: sla, email, domain, owner, note");
}

TEST_CASE("the rules file trims names and values as the command line does", "[rules]") {
  const RuleSet rules = parse_rules("[client.\"  Acme Ltd \"]\nsla = \" std \"\nowner = \" ann \"\n"
                                    "email = \"\\tops@acme.example \"\nnote = \" as written \"\n"
                                    "[sla.\" std\"]\nreply = \"2h\"\ncalendar = \" 24x7 \"\n",
                                    "rules.toml", zone_files());
  REQUIRE(rules.clients.size() == 1);
  CHECK(rules.clients[0].name == "Acme Ltd");
  CHECK(rules.clients[0].policy == "std");
  CHECK(rules.clients[0].owner == "ann");
  CHECK(rules.clients[0].emails == std::vector<std::string>{"ops@acme.example"});
  CHECK(rules.clients[0].note == " as written ");
  REQUIRE(rules.policies.size() == 1);
  CHECK(rules.policies[0].name == "std");
  CHECK(rules.policies[0].calendar == "24x7");
  CHECK(error_of("[client.\"acme\"]\n[client.\" Acme \"]\n")
        == "rules.toml:2: client \"acme\" and \"Acme\" are the same name (names ignore case)");
  CHECK(error_of("[client.\"  \"]\n") == "rules.toml:1: a client needs a name");
}

TEST_CASE("targets are written in hours and minutes", "[rules]") {
  CHECK(format_target(minutes{45}) == "45m");
  CHECK(format_target(minutes{90}) == "1h30m");
  CHECK(format_target(hours{40}) == "40h");
  CHECK(format_target(hours{24 * 7}) == "168h");
  CHECK_THROWS_AS(format_target(Seconds{90}), Error);
}

TEST_CASE("applying a document to an empty database adds everything in order", "[rules]") {
  RuleSet empty;
  Policy fallback = sample().policies[0];
  empty.policies.push_back(fallback);
  const RulesPlan plan = plan_rules(empty, sample(), false);
  CHECK(lines(plan)
        == std::vector<std::string>{
            "add calendar office: tz Europe/London, hours mon-fri 09:00-12:30 13:30-17:00, 2 "
            "holidays",
            "add sla standard: calendar office, reply 2h, update 16h, resolve 40h; urgent: reply "
            "30m, update none; low: resolve 80h",
            "add client Acme Ltd: sla standard, email \"ops@acme.example\", domain "
            "\"acme.co.uk\" \"acme.example\", owner \"ann\", note "
            "\"Says \"hi\"\tat 9\"",
            "add client beta: sla default",
        });
  CHECK(plan.reevaluated_calendars.empty());
  CHECK(plan.reevaluated_policies.empty());
  CHECK(std::holds_alternative<CalendarRules>(plan.steps[0].operation));
  CHECK(std::holds_alternative<Policy>(plan.steps[1].operation));
  CHECK(std::holds_alternative<ClientRules>(plan.steps[2].operation));
  CHECK(plan_rules(sample(), sample(), true).steps.empty());
}

TEST_CASE("changes name what changes, and only that", "[rules]") {
  const RuleSet current = sample();
  RuleSet wanted = sample();
  wanted.calendars[0].zone = "Europe/Dublin";
  wanted.calendars[0].holidays = {Holiday{0, 12, 25, "Xmas"}, Holiday{0, 12, 26, ""}};
  wanted.policies[1].calendar = "24x7";
  wanted.policies[1].base.update = std::nullopt;
  wanted.policies[1].overrides.erase(Priority::urgent);
  wanted.policies[1].overrides[Priority::high] = TargetOverride{hours{1}, std::nullopt, Seconds{0}};
  wanted.clients[0].name = "ACME LTD";
  wanted.clients[0].note = std::nullopt;
  wanted.clients[0].domains = {"acme.example"};
  wanted.clients[1].policy = "Standard";
  wanted.clients[1].emails = {"b@beta.example", "a@beta.example"};
  const RulesPlan plan = plan_rules(current, wanted, false);
  CHECK(lines(plan)
        == std::vector<std::string>{
            "change calendar office: tz Europe/London -> Europe/Dublin",
            "change calendar office: holiday 12-25 name \"Christmas\" -> \"Xmas\", add holiday "
            "12-26",
            "change calendar office: remove holiday 2026-04-03",
            "change sla standard: calendar office -> 24x7, update 16h -> none",
            "change sla standard: urgent: reply 30m -> inherit, update none -> inherit",
            "change sla standard: high: reply inherit -> 1h, resolve inherit -> none",
            "change client Acme Ltd: name Acme Ltd -> ACME LTD, domain \"acme.co.uk\" "
            "\"acme.example\" -> \"acme.example\", note \"Says \"hi\"\tat 9\" -> none",
            "change client beta: sla default -> Standard, email none -> \"b@beta.example\" "
            "\"a@beta.example\"",
        });
  CHECK(plan.reevaluated_calendars == std::vector<std::string>{"office"});
  CHECK(plan.reevaluated_policies == std::vector<std::string>{"standard"});

  const auto& urgent = std::get<PolicyChange>(plan.steps[4].operation);
  CHECK(urgent.priority == Priority::urgent);
  CHECK(urgent.reset);
  CHECK(!urgent.reply);
  CHECK(!urgent.update);
  const auto& high = std::get<PolicyChange>(plan.steps[5].operation);
  CHECK(high.reply == std::optional<Seconds>{hours{1}});
  CHECK(!high.update);
  REQUIRE(high.resolve);
  CHECK(!*high.resolve); // none
  const auto& client = std::get<ClientChange>(plan.steps[6].operation);
  CHECK(client.rename == std::optional<std::string>{"ACME LTD"});
  CHECK(client.note == std::optional<std::string>{""}); // cleared
  CHECK(!client.emails);
  CHECK(client.domains == std::optional<std::vector<std::string>>{{"acme.example"}});
}

TEST_CASE("prune removes what the document does not name, built-ins never", "[rules]") {
  const RuleSet current = sample();
  RuleSet wanted;
  CHECK(plan_rules(current, wanted, false).steps.empty());
  CHECK(lines(plan_rules(current, wanted, true))
        == std::vector<std::string>{
            "remove client Acme Ltd: not in the file",
            "remove client beta: not in the file",
            "remove sla standard: not in the file",
            "remove calendar office: not in the file",
        });
}

TEST_CASE("the settings file gives string values for known keys", "[settings]") {
  constexpr std::array<std::string_view, 4> keys{"db", "tz", "color", "format"};
  const std::vector<Setting> settings = parse_settings(
      "# defaults\nformat = \"json\"\ndb = '~/sla.db'\n\ncolor = \"never\"\n", "c.toml", keys);
  REQUIRE(settings.size() == 3);
  CHECK(settings[0].key == "format");
  CHECK(settings[0].value == "json");
  CHECK(settings[0].line == 2);
  CHECK(settings[1].key == "db");
  CHECK(settings[1].value == "~/sla.db");
  CHECK(settings[2].line == 5);
  CHECK(parse_settings("", "c.toml", keys).empty());

  const auto error_of_settings = [&](std::string_view text) {
    try {
      static_cast<void>(parse_settings(text, "c.toml", keys));
    } catch (const Error& error) {
      CHECK(error.kind() == ErrorKind::usage);
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK(error_of_settings("format = \"json\"\ncolour = \"never\"\n")
        == "c.toml:2: unknown key \"colour\" (did you mean \"color\"?); the keys are: db, tz, "
           "color, format");
  CHECK(error_of_settings("format = json\n").starts_with("c.toml:1: "));
  CHECK(error_of_settings("db = 3\n")
        == "c.toml:1: db must be text in double quotes, e.g. db = \"~/sla.db\"");
  CHECK(error_of_settings("[db]\n")
        == "c.toml:1: db must be text in double quotes, e.g. db = \"~/sla.db\"");
}

TEST_CASE("a policy's versions are written and read back; apply compares the latest",
          "[rules][versions]") {
  const std::string text = R"(
[sla.standard]
from = "2026-12-01T00:00:00Z"
calendar = "24x7"
reply = "2h"

[sla.standard.urgent]
reply = "30m"

[[sla.standard.earlier]]
calendar = "24x7"
reply = "4h"
)";
  const RuleSet read = parse_rules(text, "rules.toml", zone_files());
  REQUIRE(read.policies.size() == 1);
  const Policy& policy = read.policies[0];
  REQUIRE(policy.versions.size() == 2);
  CHECK_FALSE(policy.versions[0].from.has_value());
  CHECK(policy.versions[0].base.reply == Target{hours{4}});
  CHECK(policy.versions[1].from == std::optional<Instant>{Instant{Seconds{1796083200}}});
  CHECK(policy.base.reply == Target{hours{2}});
  CHECK(format_rules(read).ends_with(text));

  // The database has the two versions; the file changes only the latest's reply, from its from.
  RuleSet wanted = read;
  wanted.policies[0].base.reply = hours{3};
  wanted.policies[0].versions.back().base.reply = hours{3};
  const RulesPlan forward = plan_rules(read, wanted, false);
  REQUIRE(forward.steps.size() == 1);
  const auto& change = std::get<PolicyChange>(forward.steps[0].operation);
  CHECK(change.from == policy.versions[1].from);
  CHECK(change.reply == std::optional<Target>{Target{hours{3}}});

  // A file equal to the latest version changes nothing; with retroactive, the earlier 4h differs.
  RuleSet same = read;
  same.policies[0].versions.erase(same.policies[0].versions.begin());
  CHECK(plan_rules(read, same, false).steps.empty());
  const RulesPlan retroactive = plan_rules(read, same, false, true);
  // (and the earlier version gets the file's urgent override too: every version is the file's)
  REQUIRE(retroactive.steps.size() == 2);
  CHECK(retroactive.steps[0].detail == "reply 4h -> 2h");
  CHECK(retroactive.steps[1].detail == "urgent: reply inherit -> 30m");
}
