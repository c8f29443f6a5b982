// The rules of calendars, SLA policies and clients that every Store backend applies, and their
// messages (slatrack/rule_checks.hpp): pure functions, no store. Each rule: its refusal's exact
// text and kind, and a case it accepts.
#include "slatrack/calendar.hpp"
#include "slatrack/error.hpp"
#include "slatrack/model.hpp"
#include "slatrack/rule_checks.hpp"
#include "support.hpp"
#include "system/zone_files.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

using namespace slatrack;
using slatrack::testing::utc;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

std::string refusal(const std::function<void()>& action, ErrorKind kind) {
  try {
    action();
  } catch (const Error& error) {
    CHECK(static_cast<int>(error.kind()) == static_cast<int>(kind));
    return error.what();
  }
  return "(accepted)";
}

// The message and kind of an Error a refusal function returns.
std::string text_of(const Error& error, ErrorKind kind) {
  CHECK(static_cast<int>(error.kind()) == static_cast<int>(kind));
  return error.what();
}

CalendarRules office_rules(std::string zone, std::string_view hours_spec,
                           std::vector<Holiday> holidays = {}) {
  return CalendarRules{"office", std::move(zone), parse_hours(hours_spec), std::move(holidays), {}};
}

Policy gold_policy(Targets base) {
  Policy out;
  out.name = "gold";
  out.base = base;
  return out;
}

} // namespace

TEST_CASE("plural counts one and many", "[rules]") {
  CHECK(plural(1, "request", "requests") == "1 request");
  CHECK(plural(0, "request", "requests") == "0 requests");
  CHECK(plural(3, "client", "clients") == "3 clients");
}

TEST_CASE("a calendar, policy or client needs a name that is one", "[rules]") {
  CHECK(refusal([] { check_calendar_name("office"); }, ErrorKind::invalid_input) == "(accepted)");
  CHECK(refusal([] { check_policy_name("gold"); }, ErrorKind::invalid_input) == "(accepted)");
  CHECK(refusal([] { check_client_name("Acme Ltd"); }, ErrorKind::invalid_input) == "(accepted)");
  CHECK(refusal([] { check_calendar_name(" \t"); }, ErrorKind::invalid_input)
        == "a calendar needs a name");
  CHECK(refusal([] { check_policy_name(""); }, ErrorKind::invalid_input)
        == "an SLA policy needs a name");
  CHECK(refusal([] { check_client_name("\n"); }, ErrorKind::invalid_input)
        == "a client needs a name");
  CHECK(refusal([] { check_client_name(" acme "); }, ErrorKind::invalid_input)
        == "client name \" acme \" begins or ends with a space; give it without");
  CHECK(refusal([] { check_calendar_name("office "); }, ErrorKind::invalid_input)
        == "calendar name \"office \" begins or ends with a space; give it without");
  CHECK(refusal([] { check_policy_name(" gold"); }, ErrorKind::invalid_input)
        == "policy name \" gold\" begins or ends with a space; give it without");
}

TEST_CASE("a name that is not there is refused with the closest names and the next step",
          "[rules]") {
  CHECK(text_of(
            no_such("client", "Acme Ltx", {"Acme Ltd", "Beta"}, add_client_step("Acme Ltx", true)),
            ErrorKind::not_found)
        == "no client \"Acme Ltx\" (did you mean \"Acme Ltd\"?); add it with: slatrack client "
           "add 'Acme Ltx', or pass --create-client");
  CHECK(text_of(no_such("client", "zzz", {"Acme Ltd"}, add_client_step("zzz", false)),
                ErrorKind::not_found)
        == "no client \"zzz\"; add it with: slatrack client add zzz");
  CHECK(text_of(no_such("calendar", "ofice", {"24x7", "office"}, k_list_calendars),
                ErrorKind::not_found)
        == "no calendar \"ofice\" (did you mean \"office\"?); list them with: slatrack calendar "
           "list");
  CHECK(text_of(no_such("SLA policy", "gold", {}, add_policy_step("gold")), ErrorKind::not_found)
        == "no SLA policy \"gold\"; add it with: slatrack sla add gold --reply DUR");
  CHECK(add_calendar_step("the office")
        == "add it with: slatrack calendar add 'the office' --tz ZONE --hours SPEC");
  CHECK(k_list_policies == "list them with: slatrack sla list");
  CHECK(k_list_clients == "list them with: slatrack client list");
}

TEST_CASE("a short client name that matches several is refused naming them", "[rules]") {
  CHECK(text_of(ambiguous_client("ac", {"Acme Ltd", "Acorn Co"}), ErrorKind::invalid_input)
        == "\"ac\" could be \"Acme Ltd\" or \"Acorn Co\"; give more of the client's name");
}

// ---- calendars ----

TEST_CASE("a holiday must be a date", "[rules]") {
  CHECK(refusal(
            [] {
              check_holiday(Holiday{0, 2, 29, ""});
            },
            ErrorKind::invalid_input)
        == "(accepted)");
  CHECK(refusal(
            [] {
              check_holiday(Holiday{2026, 12, 25, ""});
            },
            ErrorKind::invalid_input)
        == "(accepted)");
  CHECK(refusal(
            [] {
              check_holiday(Holiday{2026, 2, 29, ""});
            },
            ErrorKind::invalid_input)
        == "holiday 2026-02-29 is not a date; write YYYY-MM-DD (once) or MM-DD (every year)");
  CHECK(refusal(
            [] {
              check_holiday(Holiday{0, 4, 31, ""});
            },
            ErrorKind::invalid_input)
        == "holiday 04-31 is not a date; write YYYY-MM-DD (once) or MM-DD (every year)");
}

TEST_CASE("a calendar is checked: zones named canonically, holidays dates, some open time",
          "[rules]") {
  const CalendarRules ok =
      checked_calendar(office_rules("europe/london", "mon-fri 09:00-17:00"), zone_files());
  CHECK(ok.zone == "Europe/London");
  CHECK(
      refusal(
          [] {
            static_cast<void>(checked_calendar(
                office_rules("UTC", "mon-sun 09:00-17:00", {Holiday{0, 13, 1, ""}}), zone_files()));
          },
          ErrorKind::invalid_input)
      == "holiday 13-01 is not a date; write YYYY-MM-DD (once) or MM-DD (every year)");
  // Every day of every year a holiday: never open, refused.
  std::vector<Holiday> every_day;
  for (unsigned month = 1; month <= 12; ++month) {
    for (unsigned day = 1; day <= 31; ++day) {
      const Holiday holiday{0, month, day, "closed"};
      if (refusal([&] { check_holiday(holiday); }, ErrorKind::invalid_input) == "(accepted)") {
        every_day.push_back(holiday);
      }
    }
  }
  REQUIRE(every_day.size() == 366);
  CHECK(refusal(
            [&] {
              static_cast<void>(checked_calendar(
                  office_rules("UTC", "mon-sun 09:00-17:00", every_day), zone_files()));
            },
            ErrorKind::invalid_input)
        == "calendar \"office\" would never be open: its holidays close every day it has open "
           "hours; nothing was changed: keep some days open");
  // 29 February left open: open in leap years, accepted.
  every_day.erase(every_day.begin() + 59); // 02-29
  CHECK(checked_calendar(office_rules("UTC", "mon-sun 09:00-17:00", every_day), zone_files()).zone
        == "UTC");
  CHECK(refusal(
            [] {
              static_cast<void>(checked_calendar(
                  office_rules("Nowhere/City", "mon-fri 09:00-17:00"), zone_files()));
            },
            ErrorKind::invalid_input)
            .starts_with("unknown time zone \"Nowhere/City\""));
}

TEST_CASE("a calendar change says when it starts", "[rules]") {
  CalendarChange change;
  CHECK(refusal([&] { check_calendar_change(change); }, ErrorKind::internal)
        == "a calendar change needs a date it starts from (a bug)");
  change.retroactive = true;
  CHECK(refusal([&] { check_calendar_change(change); }, ErrorKind::internal) == "(accepted)");
  change.retroactive = false;
  change.from_day = 20000;
  CHECK(refusal([&] { check_calendar_change(change); }, ErrorKind::internal) == "(accepted)");
}

TEST_CASE("the refusals of calendar add, edit, holiday and remove", "[rules]") {
  CHECK(text_of(calendar_exists("Office"), ErrorKind::invalid_input)
        == "calendar \"Office\" exists; change it with: slatrack calendar edit Office");
  CHECK(text_of(calendar_built_in("24x7"), ErrorKind::invalid_input)
        == "calendar \"24x7\" is built in and cannot be changed; add your own with: slatrack "
           "calendar add NAME --tz ZONE --hours SPEC");
  CHECK(text_of(calendar_not_removable("24x7"), ErrorKind::invalid_input)
        == "calendar \"24x7\" is built in and cannot be removed");
  CHECK(text_of(no_holiday("the office", Holiday{0, 12, 25, ""}), ErrorKind::invalid_input)
        == "calendar \"the office\" has no holiday 12-25; see them with: slatrack calendar show "
           "'the office'");
}

TEST_CASE("a calendar in use names the policies that use it", "[rules]") {
  CHECK(text_of(calendar_in_use("office", {"gold"}), ErrorKind::invalid_input)
        == "calendar \"office\" is used by policy \"gold\"; move the policy first with: "
           "slatrack sla set gold --calendar OTHER");
  CHECK(text_of(calendar_in_use("office", {"a b", "c"}), ErrorKind::invalid_input)
        == "calendar \"office\" is used by policies \"a b\" and \"c\"; move them first with: "
           "slatrack sla set 'a b' --calendar OTHER");
  CHECK(text_of(calendar_in_use("office", {"a", "b", "c"}), ErrorKind::invalid_input)
        == "calendar \"office\" is used by policies \"a\", \"b\" and \"c\"; move them first "
           "with: slatrack sla set a --calendar OTHER");
  CHECK(text_of(calendar_in_use("office", {"a", "b", "c", "d", "e"}), ErrorKind::invalid_input)
        == "calendar \"office\" is used by policies \"a\", \"b\", \"c\" and 2 more; move them "
           "first with: slatrack sla set a --calendar OTHER");
}

// ---- SLA policies ----

TEST_CASE("a target must be longer than 0", "[rules]") {
  CHECK(refusal([] { check_target("gold", "reply", hours{2}); }, ErrorKind::invalid_input)
        == "(accepted)");
  CHECK(refusal([] { check_target("gold", "reply", Target::days(1)); }, ErrorKind::invalid_input)
        == "(accepted)");
  CHECK(refusal([] { check_target("gold", "update", minutes{0}); }, ErrorKind::invalid_input)
        == "SLA policy \"gold\": the update target must be longer than 0; give a duration such "
           "as 2h");
}

TEST_CASE("a new policy's targets and its overrides' are checked", "[rules]") {
  CHECK(refusal(
            [] {
              check_new_policy(gold_policy(Targets{hours{2}, hours{4}, Target::days(5)}));
            },
            ErrorKind::invalid_input)
        == "(accepted)");
  CHECK(refusal(
            [] {
              check_new_policy(gold_policy(Targets{minutes{0}, {}, {}}));
            },
            ErrorKind::invalid_input)
        == "SLA policy \"gold\": the reply target must be longer than 0; give a duration such as "
           "2h");
  CHECK(refusal(
            [] {
              check_new_policy(gold_policy(Targets{hours{2}, {}, minutes{0}}));
            },
            ErrorKind::invalid_input)
        == "SLA policy \"gold\": the resolve target must be longer than 0; give a duration such "
           "as 2h");
  Policy unnamed = gold_policy(Targets{hours{2}, {}, {}});
  unnamed.name = " ";
  CHECK(refusal([&] { check_new_policy(unnamed); }, ErrorKind::invalid_input)
        == "an SLA policy needs a name");
  // An override's update or resolve of 0 is "none for this priority"; below 0 is refused.
  Policy overridden = gold_policy(Targets{hours{2}, {}, {}});
  overridden.overrides[Priority::urgent] = TargetOverride{hours{1}, minutes{0}, minutes{0}};
  CHECK(refusal([&] { check_new_policy(overridden); }, ErrorKind::invalid_input) == "(accepted)");
  overridden.overrides[Priority::urgent] = TargetOverride{{}, minutes{-5}, {}};
  CHECK(refusal([&] { check_new_policy(overridden); }, ErrorKind::invalid_input)
        == "SLA policy \"gold\": the update or resolve target must be longer than 0; give a "
           "duration such as 2h");
  overridden.overrides[Priority::urgent] = TargetOverride{minutes{0}, {}, {}};
  CHECK(refusal([&] { check_new_policy(overridden); }, ErrorKind::invalid_input)
        == "SLA policy \"gold\": the reply target must be longer than 0; give a duration such as "
           "2h");
}

TEST_CASE("a policy change's targets and its start are checked", "[rules]") {
  PolicyChange change;
  change.reply = hours{1};
  change.update = std::optional<Target>{}; // none
  change.retroactive = true;
  CHECK(refusal([&] { check_policy_change("gold", change); }, ErrorKind::invalid_input)
        == "(accepted)");
  change.update = std::optional<Target>{minutes{0}};
  CHECK(refusal([&] { check_policy_change("gold", change); }, ErrorKind::invalid_input)
        == "SLA policy \"gold\": the update target must be longer than 0; give a duration such "
           "as 2h");
  change.update.reset();
  change.resolve = std::optional<Target>{minutes{0}};
  CHECK(refusal([&] { check_policy_change("gold", change); }, ErrorKind::invalid_input)
        == "SLA policy \"gold\": the resolve target must be longer than 0; give a duration such "
           "as 2h");
  change.resolve.reset();
  change.reply = minutes{0};
  CHECK(refusal([&] { check_policy_change("gold", change); }, ErrorKind::invalid_input)
        == "SLA policy \"gold\": the reply target must be longer than 0; give a duration such as "
           "2h");
  change.reply.reset();
  change.retroactive = false;
  CHECK(refusal([&] { check_policy_change("gold", change); }, ErrorKind::internal)
        == "a policy change needs a time it starts from (a bug)");
  change.from = utc(2026, 12, 1, 0, 0);
  CHECK(refusal([&] { check_policy_change("gold", change); }, ErrorKind::internal) == "(accepted)");
}

TEST_CASE("the refusals of sla add and remove", "[rules]") {
  CHECK(text_of(policy_exists("Gold"), ErrorKind::invalid_input)
        == "SLA policy \"Gold\" exists; change it with: slatrack sla set Gold");
  CHECK(text_of(policy_not_removable("default"), ErrorKind::invalid_input)
        == "SLA policy \"default\" is built in and cannot be removed; change its targets with: "
           "slatrack sla set default");
  CHECK(text_of(policy_used_by_clients("gold", 1), ErrorKind::invalid_input)
        == "SLA policy \"gold\" is used by 1 client; move them first with: slatrack client edit "
           "NAME --sla OTHER");
  CHECK(text_of(policy_used_by_clients("gold", 2), ErrorKind::invalid_input)
        == "SLA policy \"gold\" is used by 2 clients; move them first with: slatrack client edit "
           "NAME --sla OTHER");
  CHECK(text_of(policy_used_by_requests("gold", 3), ErrorKind::invalid_input)
        == "SLA policy \"gold\" is used by 3 requests; keep it, or move them first with: "
           "slatrack edit ID --sla OTHER");
}

// ---- clients ----

TEST_CASE("the refusals of client add, edit and remove", "[rules]") {
  CHECK(text_of(client_exists("Acme Ltd"), ErrorKind::invalid_input)
        == "client \"Acme Ltd\" exists; change it with: slatrack client edit 'Acme Ltd'");
  CHECK(text_of(client_name_taken("Beta"), ErrorKind::invalid_input)
        == "client \"Beta\" exists; pick another name");
  CHECK(text_of(client_has_requests("Acme Ltd", 1), ErrorKind::invalid_input)
        == "client \"Acme Ltd\" has 1 request; keep it, or move them first with: slatrack edit "
           "ID --client OTHER");
  CHECK(text_of(address_taken("--domain", "acme.test", "Acme Ltd"), ErrorKind::invalid_input)
        == "--domain acme.test is client \"Acme Ltd\"'s already (mail from it must find one "
           "client); change that client first: slatrack client edit 'Acme Ltd' --domain ...");
}

// ---- rules as stored ----

TEST_CASE("rules missing from the database", "[rules]") {
  CHECK(text_of(calendar_missing(4, "/tmp/x.db"), ErrorKind::storage)
        == "calendar 4 is missing from /tmp/x.db");
  CHECK(text_of(policy_missing(5, "/tmp/x.db"), ErrorKind::storage)
        == "SLA policy 5 is missing from /tmp/x.db");
}

TEST_CASE("a stored calendar's texts are read, or refused naming the calendar", "[rules]") {
  StoredCalendar stored{"office", "UTC", "mon-fri 09:00-17:00", {Holiday{0, 12, 25, "Xmas"}}, {}};
  stored.later.push_back(
      StoredCalendarVersion{"2026-12-01", "Europe/London", "mon-fri 10:00-18:00"});
  const CalendarRules rules = calendar_rules(stored, "/tmp/x.db");
  CHECK(rules.name == "office");
  CHECK(rules.holidays == stored.holidays);
  REQUIRE(calendar_versions(rules).size() == 2);
  CHECK(calendar_versions(rules)[0].zone == "UTC");
  CHECK(calendar_versions(rules)[0].hours == parse_hours("mon-fri 09:00-17:00"));
  CHECK(calendar_versions(rules)[1].from_day == parse_day("2026-12-01"));
  CHECK(calendar_versions(rules)[1].zone == "Europe/London");
  CHECK(rules.zone == "Europe/London"); // the latest version's

  StoredCalendar bad_hours = stored;
  bad_hours.hours = "someday";
  const std::string hours_text = refusal(
      [&] { static_cast<void>(calendar_rules(bad_hours, "/tmp/x.db")); }, ErrorKind::storage);
  CHECK(
      hours_text.starts_with("calendar \"office\" in /tmp/x.db has hours slatrack cannot read ("));
  CHECK(hours_text.ends_with("); set them with: slatrack calendar edit office --hours SPEC"));

  StoredCalendar bad_version = stored;
  bad_version.later.front().from_day = "2026-13-01";
  const std::string version_text = refusal(
      [&] { static_cast<void>(calendar_rules(bad_version, "/tmp/x.db")); }, ErrorKind::storage);
  CHECK(version_text.starts_with(
      "calendar \"office\" in /tmp/x.db has a version from 2026-13-01 slatrack cannot read ("));
  CHECK(version_text.ends_with("); restore a backup"));
}

TEST_CASE("a stored policy needs a first version and targets; its latest version is its own",
          "[rules]") {
  Policy stored;
  stored.name = "gold plan";
  CHECK(refusal([&] { check_first_version(stored, "/tmp/x.db"); }, ErrorKind::storage)
        == "SLA policy \"gold plan\" in /tmp/x.db has no version from the beginning; restore a "
           "backup");
  PolicyVersion later;
  later.from = utc(2026, 12, 1, 0, 0);
  later.calendar = "office";
  later.base = Targets{hours{1}, {}, {}};
  stored.versions.push_back(later);
  CHECK(refusal([&] { check_first_version(stored, "/tmp/x.db"); }, ErrorKind::storage)
        == "SLA policy \"gold plan\" in /tmp/x.db has no version from the beginning; restore a "
           "backup");
  PolicyVersion first;
  first.calendar = "24x7";
  first.base = Targets{hours{4}, {}, {}};
  stored.versions.insert(stored.versions.begin(), first);
  CHECK(refusal([&] { check_first_version(stored, "/tmp/x.db"); }, ErrorKind::storage)
        == "(accepted)");
  CHECK(text_of(policy_without_targets(stored.name, "/tmp/x.db"), ErrorKind::storage)
        == "SLA policy \"gold plan\" in /tmp/x.db has no targets; set them with: slatrack sla set "
           "'gold plan' --reply DUR --retroactive");
  take_latest_version(stored);
  CHECK(stored.calendar == "office");
  CHECK(stored.base == later.base);
}
