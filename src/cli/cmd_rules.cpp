// init, calendar, sla and client: the rules requests are measured by.
#include "cli/commands.hpp"
#include "cli/ics.hpp"
#include "cli/json.hpp"
#include "cli/records.hpp"
#include "slatrack/error.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/text.hpp"
#include "slatrack/zone.hpp"
#include "system/zone_files.hpp"

#include <cerrno>
#include <cstring>
#include <date/date.h>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sstream>

namespace slatrack::cli {

namespace {

void say(Context& context, const std::string& line) {
  if (!context.quiet()) {
    std::fputs((line + "\n").c_str(), context.out());
  }
}

// A write command's result: a sentence in table format, the changed object in machine formats.
void report(Context& context, const std::string& sentence, const Record& record,
            const std::vector<Column>& labels) {
  if (!context.quiet()) {
    context.write_result(sentence, record, labels);
  }
}

// What a change of rules did (SPEC.md "Rules have dates"): "2 requests' outcomes changed, 1
// running clock's due time moved".
std::string requests_changed(const RuleEffect& effect) {
  return fmt::format("{} {} changed, {} {} moved", effect.outcomes,
                     effect.outcomes == 1 ? "request's outcome" : "requests' outcomes",
                     effect.moved,
                     effect.moved == 1 ? "running clock's due time" : "running clocks' due times");
}

// A rule-changing command's record in machine formats, with what the change did (the table's
// sentence says it in words): outcomes_changed, clocks_moved.
Record with_effect(Record record, const RuleEffect& effect) {
  record.push_back({"outcomes_changed", effect.outcomes});
  record.push_back({"clocks_moved", effect.moved});
  return record;
}

// A record with a list of version records (`versions`), as one JSON object for json and jsonl.
void write_with_versions(Context& context, const Record& record,
                         const std::vector<Record>& versions) {
  if (context.quiet()) {
    return;
  }
  nlohmann::ordered_json object = to_json(record);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Record& version : versions) {
    list.push_back(to_json(version));
  }
  object["versions"] = std::move(list);
  std::fputs((dump_json(object) + "\n").c_str(), context.out());
}

Target duration_option(std::string_view option, const std::string& text) {
  try {
    return parse_target(text);
  } catch (const Error& error) {
    throw Error{ErrorKind::invalid_input, fmt::format("{}: {}", option, error.what())};
  }
}

// DUR or "none".
std::optional<Target> optional_duration_option(std::string_view option, const std::string& text) {
  if (text == "none") {
    return std::nullopt;
  }
  try {
    return parse_target(text);
  } catch (const Error& error) {
    throw Error{ErrorKind::invalid_input, fmt::format("{}: {} (or none)", option, error.what())};
  }
}

// The contract's one-line note on stderr for a target given in d or w on a business calendar:
// "5d = 120h of open time, about 16 business days on office; for 5 business days write 5bd".
// "About" divides by the calendar's average open time per business weekday.
void note_day_target(const std::string& text, Target target, const CalendarRules& calendar) {
  if (target.in_business_days() || is_always_open(calendar.hours)
      || text.find_first_of("dw") == std::string::npos) {
    return;
  }
  std::int64_t week_open = 0;
  std::int64_t business_days = 0;
  for (const std::vector<OpenInterval>& day : calendar.hours.days) {
    std::int64_t open = 0;
    for (const OpenInterval& interval : day) {
      open += interval.end - interval.begin;
    }
    week_open += open * 60;
    business_days += open > 0 ? 1 : 0;
  }
  if (business_days == 0 || week_open == 0) {
    return;
  }
  const std::int64_t seconds = target.time.count();
  const std::int64_t about = std::max<std::int64_t>(1, (2 * seconds * business_days + week_open)
                                                           / (2 * week_open)); // rounded
  const std::int64_t days = std::max<std::int64_t>(1, (seconds + 43200) / 86400);
  const std::size_t first = text.find_first_not_of(" \t");
  const std::size_t last = text.find_last_not_of(" \t");
  const std::string shown = text.substr(first, last + 1 - first);
  const std::string hours = seconds % 3600 == 0
                                ? fmt::format("{}h", seconds / 3600)
                                : fmt::format("{}h{}m", seconds / 3600, seconds % 3600 / 60);
  std::fputs(fmt::format("{} = {} of open time, about {} business day{} on {}; for {} business "
                         "day{} write {}bd\n",
                         shown, hours, about, about == 1 ? "" : "s", calendar.name, days,
                         days == 1 ? "" : "s", days)
                 .c_str(),
             stderr);
}

Priority priority_option(const std::string& text) {
  if (const auto priority = priority_from(text)) {
    return *priority;
  }
  throw Error{ErrorKind::invalid_input,
              fmt::format("bad priority \"{}\": use {}", text, priority_names())};
}

void require_name(std::string_view what, const std::string& name) {
  if (name.empty() || name.find_first_not_of(" \t") == std::string::npos) {
    throw Error{ErrorKind::invalid_input, fmt::format("empty {} name: give a name", what)};
  }
  for (const char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("bad {} name \"{}\": control characters are not allowed", what,
                              escape_control(name))};
    }
  }
}

// --- calendars -----------------------------------------------------------------------------

Calendar need_calendar(Context& context, const std::string& name) {
  if (auto calendar = context.store().find_calendar(name)) {
    return *calendar;
  }
  std::vector<std::string> names;
  for (const Calendar& calendar : context.store().calendars()) {
    names.push_back(calendar.rules.name);
  }
  const auto close = closest_names(name, names);
  throw Error{
      ErrorKind::not_found,
      fmt::format("no calendar \"{}\"{}; see them with: slatrack calendar list", name,
                  close.empty() ? "" : fmt::format(" (did you mean {}?)", quoted_list(close)))};
}

std::string holidays_text(const std::vector<Holiday>& holidays) {
  std::string text;
  for (const Holiday& holiday : holidays) {
    if (!text.empty()) {
      text += ' ';
    }
    text += format_holiday_date(holiday);
  }
  return text;
}

Record calendar_record(const Calendar& calendar) {
  return Record{{"name", calendar.rules.name},
                {"tz", calendar.rules.zone},
                {"hours", format_hours(calendar.rules.hours)},
                {"holidays", holidays_text(calendar.rules.holidays)},
                {"builtin", calendar.builtin}};
}

const std::vector<Column>& calendar_columns() {
  static const std::vector<Column> columns{
      {"name", "NAME"}, {"tz", "ZONE"}, {"hours", "HOURS"}, {"holidays", "HOLIDAYS"}};
  return columns;
}

// --- policies ------------------------------------------------------------------------------

Policy need_policy(Context& context, const std::string& name) {
  if (auto policy = context.store().find_policy(name)) {
    return *policy;
  }
  std::vector<std::string> names;
  for (const Policy& policy : context.store().policies()) {
    names.push_back(policy.name);
  }
  const auto close = closest_names(name, names);
  throw Error{
      ErrorKind::not_found,
      fmt::format("no SLA policy \"{}\"{}; see them with: slatrack sla list", name,
                  close.empty() ? "" : fmt::format(" (did you mean {}?)", quoted_list(close)))};
}

Record policy_record(const Policy& policy) {
  Record record{{"name", policy.name},
                {"calendar", policy.calendar},
                {"reply", target_value(policy.base.reply)},
                {"update", target_or_null(policy.base.update)},
                {"resolve", target_or_null(policy.base.resolve)}};
  for (const Priority priority :
       {Priority::urgent, Priority::high, Priority::normal, Priority::low}) {
    const Targets targets = targets_for(policy, priority);
    const std::string prefix(to_string(priority));
    record.push_back({prefix + "_reply", target_value(targets.reply)});
    record.push_back({prefix + "_update", target_or_null(targets.update)});
    record.push_back({prefix + "_resolve", target_or_null(targets.resolve)});
  }
  record.push_back({"builtin", policy.builtin});
  return record;
}

std::string overrides_text(const Policy& policy) {
  std::string text;
  for (const auto& [priority, override_targets] : policy.overrides) {
    const Targets targets = targets_for(policy, priority);
    if (!text.empty()) {
      text += "; ";
    }
    text += fmt::format("{}: reply {}, update {}, resolve {}", to_string(priority),
                        target_text(targets.reply),
                        targets.update ? target_text(*targets.update) : "none",
                        targets.resolve ? target_text(*targets.resolve) : "none");
  }
  return text;
}

// --- clients -------------------------------------------------------------------------------

Client need_client(Context& context, const std::string& name) {
  if (auto client = context.store().find_client(name)) {
    return *client;
  }
  std::vector<std::string> names;
  for (const Client& client : context.store().clients()) {
    names.push_back(client.name);
  }
  const auto close = closest_names(name, names);
  throw Error{
      ErrorKind::not_found,
      fmt::format("no client \"{}\"{}; add it with: slatrack client add {}", name,
                  close.empty() ? "" : fmt::format(" (did you mean {}?)", quoted_list(close)),
                  name)};
}

// A client's emails or domains as one text ("a@x.example, b@x.example"), null for none.
Value list_or_null(const std::vector<std::string>& values) {
  if (values.empty()) {
    return std::monostate{};
  }
  std::string out;
  for (const std::string& value : values) {
    out += out.empty() ? "" : ", ";
    out += value;
  }
  return out;
}

Record client_record(const Client& client) {
  return Record{{"name", client.name},
                {"sla", client.policy},
                {"email", list_or_null(client.emails)},
                {"domain", list_or_null(client.domains)},
                {"owner", text_or_null(client.owner)},
                {"note", text_or_null(client.note)},
                {"open_requests", client.open_requests},
                {"total_requests", client.total_requests}};
}

const std::vector<Column>& client_columns() {
  static const std::vector<Column> columns{{"name", "NAME"},
                                           {"sla", "SLA"},
                                           {"email", "EMAIL"},
                                           {"domain", "DOMAIN"},
                                           {"owner", "OWNER"},
                                           {"open_requests", "OPEN"},
                                           {"total_requests", "TOTAL"},
                                           {"note", "NOTE"}};
  return columns;
}

} // namespace

int run_init(Context& context) {
  Store& store = context.store();
  report(context,
         fmt::format("Database ready: {} (schema {})", store.location(), store.schema_version()),
         Record{{"db", store.location()},
                {"schema", static_cast<std::int64_t>(store.schema_version())}},
         {{"db", "Database"}, {"schema", "Schema"}});
  return 0;
}

int run_calendar_add(Context& context, const CalendarAddOptions& options) {
  require_name("calendar", options.name);
  CalendarRules rules;
  rules.name = options.name;
  rules.zone = find_zone(options.tz).name();
  rules.hours = parse_hours(options.hours);
  context.store().add_calendar(rules);
  const Calendar calendar = need_calendar(context, options.name);
  report(context,
         fmt::format("Added calendar {} ({}): {}", calendar.rules.name, calendar.rules.zone,
                     format_hours(calendar.rules.hours)),
         calendar_record(calendar), calendar_columns());
  return 0;
}

namespace {

// The local date (days since 1970-01-01) of `at` in `zone`.
std::int64_t local_date(Instant at, const Zone& zone) {
  return date::floor<date::days>(zone.to_local(at)).time_since_epoch().count();
}

// The version of `rules` in force on local date `day`, as rules of one version.
CalendarRules version_rules(const CalendarRules& rules, std::int64_t day) {
  const std::vector<CalendarVersion> versions = calendar_versions(rules);
  const CalendarVersion& version = versions[calendar_version_on(versions, day)];
  CalendarRules out = rules;
  out.zone = version.zone;
  out.hours = version.hours;
  return out;
}

// Today's date in the zone of the version of `rules` in force now.
std::int64_t calendar_today(const CalendarRules& rules, Instant now) {
  return calendar_date(rules, now, zone_files());
}

// `calendar` with the zone and hours of its version in force now.
Calendar in_force_now(const Calendar& calendar, Instant now) {
  return Calendar{version_rules(calendar.rules, calendar_today(calendar.rules, now)),
                  calendar.builtin};
}

// --from DATE of `calendar edit`: a date (YYYY-MM-DD, today, tomorrow, yesterday...), read in the
// calendar's zone; a version starts at its local midnight.
std::int64_t from_date_option(Context& context, const CalendarRules& rules,
                              const std::string& text) {
  const std::int64_t today = calendar_today(rules, context.now());
  const Zone& zone = find_zone(version_rules(rules, today).zone);
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    try {
      return parse_day(text); // the date itself, even where a DST change skips its midnight
    } catch (const Error&) {
      // parse_time below names what is accepted
    }
  }
  Instant at;
  try {
    at = parse_time(text, context.now(), zone);
  } catch (const Error& error) {
    throw Error{ErrorKind::invalid_input, fmt::format("--from: {}", error.what())};
  }
  const date::local_seconds local = zone.to_local(at);
  if (local != date::floor<date::days>(local)) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("--from: \"{}\" is not a date: a calendar's hours change at local "
                            "midnight; give YYYY-MM-DD, today or tomorrow",
                            text)};
  }
  return local_date(at, zone);
}

} // namespace

int run_calendar_edit(Context& context, const CalendarEditOptions& options) {
  CalendarChange change;
  if (options.tz) {
    change.zone = find_zone(*options.tz).name();
  }
  if (options.hours) {
    change.hours = parse_hours(*options.hours);
  }
  if (!change.zone && !change.hours) {
    throw Error{ErrorKind::usage, "nothing to change: give --tz ZONE and/or --hours SPEC"};
  }
  if (options.from && options.retroactive) {
    throw Error{ErrorKind::usage,
                "--from and --retroactive exclude each other: a change starts on a date, or "
                "corrects every version"};
  }
  const Calendar before = need_calendar(context, options.name);
  change.retroactive = options.retroactive;
  if (!options.retroactive) {
    change.from_day = options.from ? from_date_option(context, before.rules, *options.from)
                                   : calendar_today(before.rules, context.now());
  }
  const RuleEffect changed = context.store().change_calendar(before.rules.name, change);
  const Calendar calendar = need_calendar(context, options.name);
  const CalendarRules shown = version_rules(
      calendar.rules, change.from_day.value_or(calendar_today(calendar.rules, context.now())));
  const std::string when = change.retroactive
                               ? std::string("in every version (retroactive)")
                               : fmt::format("from {}", format_day(*change.from_day));
  report(context,
         fmt::format("Changed calendar {} ({}): {} {}; {}", calendar.rules.name, shown.zone,
                     format_hours(shown.hours), when, requests_changed(changed)),
         with_effect(calendar_record(Calendar{shown, calendar.builtin}), changed),
         calendar_columns());
  return 0;
}

namespace {

std::string read_ics(const std::string& file) {
  std::ostringstream text;
  if (file == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("cannot read {}: {}; give the .ics file (or - for stdin)", file,
                            std::strerror(errno))};
  }
  text << in.rdbuf();
  if (in.bad()) {
    throw Error{ErrorKind::invalid_input, fmt::format("cannot read {}", file)};
  }
  return text.str();
}

// The holiday of `holidays` that already closes the date of `day` (the same date, or the same
// MM-DD every year).
const Holiday* closing(const std::vector<Holiday>& holidays, const Holiday& day) {
  for (const Holiday& holiday : holidays) {
    if (holiday.month == day.month && holiday.day == day.day
        && (holiday.year == 0 || holiday.year == day.year)) {
      return &holiday;
    }
  }
  return nullptr;
}

// `calendar holiday NAME --ics FILE`: adds the file's all-day events that are not holidays yet,
// and says which it added and which were there.
int run_calendar_holiday_ics(Context& context, const CalendarHolidayOptions& options) {
  if (!options.dates.empty() || options.remove || options.label) {
    throw Error{ErrorKind::usage, "--ics takes the dates and names from the file: give no DATE, "
                                  "--name or --remove with it"};
  }
  const std::string source = *options.ics == "-" ? std::string("stdin") : *options.ics;
  const IcsHolidays feed = parse_ics_holidays(read_ics(*options.ics), source);
  const Calendar before = need_calendar(context, options.name);
  std::vector<Holiday> added;
  std::vector<Row> rows;
  std::string lines;
  for (const Holiday& day : feed.days) {
    const Holiday* there = closing(before.rules.holidays, day);
    if (there == nullptr) {
      added.push_back(day);
    }
    rows.push_back(Row{Record{{"date", format_holiday_date(day)},
                              {"name", day.name},
                              {"state", there == nullptr ? "added" : "already"}}});
    lines += fmt::format("{:<8} {}  {}\n", there == nullptr ? "added" : "already",
                         format_holiday_date(day), escape_control(day.name));
    if (there != nullptr && there->year == 0) {
      lines.insert(lines.size() - 1,
                   fmt::format(" (every year as {})", format_holiday_date(*there)));
    }
  }
  const RuleEffect changed =
      added.empty() ? RuleEffect{} : context.store().add_holidays(before.rules.name, added);
  if (context.quiet()) {
    return 0;
  }
  const auto said = [&] {
    std::string skipped;
    if (feed.skipped > 0) {
      skipped = fmt::format(" ({} event{} with a time of day or a repeat rule skipped)",
                            feed.skipped, feed.skipped == 1 ? "" : "s");
    }
    std::fputs(lines.c_str(), context.out());
    say(context, fmt::format("Added {} holiday{} from {} to calendar {}, {} already there{}; {}",
                             added.size(), added.size() == 1 ? "" : "s", source, before.rules.name,
                             feed.days.size() - added.size(), skipped, requests_changed(changed)));
  };
  write_output(context.format(), text_or_records(said, [&] {
                 write_rows(context.out(), context.style(), {}, rows, {"date", "name", "state"});
               }));
  return 0;
}

} // namespace

int run_calendar_holiday(Context& context, const CalendarHolidayOptions& options) {
  if (options.ics) {
    return run_calendar_holiday_ics(context, options);
  }
  if (options.dates.empty()) {
    throw Error{ErrorKind::usage, "give the holidays' dates (YYYY-MM-DD once, MM-DD every year) "
                                  "or --ics FILE; see: slatrack calendar holiday --help"};
  }
  std::vector<Holiday> days;
  for (const std::string& text : options.dates) {
    Holiday holiday = parse_holiday(text);
    holiday.name = options.label.value_or("");
    days.push_back(std::move(holiday));
  }
  const Calendar before = need_calendar(context, options.name);
  const RuleEffect changed = options.remove
                                 ? context.store().remove_holidays(before.rules.name, days)
                                 : context.store().add_holidays(before.rules.name, days);
  const Calendar calendar = need_calendar(context, options.name);
  report(context,
         fmt::format("{} {} holiday{} {} calendar {}; {}", options.remove ? "Removed" : "Added",
                     days.size(), days.size() == 1 ? "" : "s", options.remove ? "from" : "to",
                     calendar.rules.name, requests_changed(changed)),
         with_effect(calendar_record(in_force_now(calendar, context.now())), changed),
         calendar_columns());
  return 0;
}

int run_calendar_due(Context& context, const CalendarDueOptions& options) {
  const Calendar calendar = need_calendar(context, options.name);
  const Instant start = context.parse_time(options.time);
  const Target duration = duration_option("DUR", options.duration);
  const auto clock = make_clock(calendar.rules, zone_files());
  const Instant due = duration.in_business_days()
                          ? clock->add_business_days(start, duration.business_days)
                          : clock->add(start, duration.time);
  const Record record{{"calendar", calendar.rules.name},
                      {"start", start},
                      {"duration", target_value(duration)},
                      {"due_at", due},
                      {"wall_seconds", due - start}};
  const auto said = [&] {
    const Zone& zone = context.zone();
    std::string line = fmt::format("due {}", local_full(due, zone));
    const Zone& calendar_zone = find_zone(calendar.rules.zone);
    if (calendar_zone.name() != zone.name()) {
      line += fmt::format(" ({} {})", local_full(due, calendar_zone), calendar_zone.name());
    }
    line += fmt::format(": {} from {}, {} later",
                        duration.in_business_days()
                            ? fmt::format("{} business day{}", duration.business_days,
                                          duration.business_days == 1 ? "" : "s")
                            : fmt::format("{} of open time", human_duration(duration.time)),
                        local_full(start, zone), human_duration(due - start));
    std::fputs((line + "\n").c_str(), context.out());
  };
  write_output(context.format(), text_or_records(said, [&] {
                 write_record(context.out(), context.style(), record, {});
               }));
  return 0;
}

int run_calendar_list(Context& context) {
  std::vector<Row> rows;
  for (const Calendar& calendar : context.store().calendars()) {
    rows.push_back(Row{calendar_record(in_force_now(calendar, context.now()))});
  }
  write_rows(context.out(), context.style(), calendar_columns(), rows,
             {"name", "tz", "hours", "holidays", "builtin"});
  return 0;
}

int run_calendar_show(Context& context, const std::string& name) {
  const Calendar latest = need_calendar(context, name);
  const Calendar calendar = in_force_now(latest, context.now());
  Forms forms;
  forms.text = [&] {
    write_record(context.out(), context.style(), calendar_record(calendar),
                 {{"name", "Calendar"}, {"tz", "Zone"}, {"hours", "Hours"}});
    for (const Holiday& holiday : calendar.rules.holidays) {
      std::fputs(fmt::format("Holiday:  {}{}\n", format_holiday_date(holiday),
                             holiday.name.empty() ? "" : "  " + escape_control(holiday.name))
                     .c_str(),
                 context.out());
    }
    if (latest.rules.versions.size() > 1) {
      // Each version runs from local midnight of its date (in the zone before it) to the next.
      std::fputs("\nVersions (each in force from local midnight of its date):\n", context.out());
      std::vector<Row> versions;
      for (const CalendarVersion& version : latest.rules.versions) {
        versions.push_back(
            Row{Record{{"from", version.from_day ? format_day(*version.from_day) : "the beginning"},
                       {"tz", version.zone},
                       {"hours", format_hours(version.hours)}}});
      }
      write_rows(context.out(), context.style(),
                 {{"from", "FROM"}, {"tz", "ZONE"}, {"hours", "HOURS"}}, versions, {});
    }
  };
  forms.json = [&] {
    // Today's version, and every version (from: null for the first).
    std::vector<Record> versions;
    for (const CalendarVersion& version : calendar_versions(latest.rules)) {
      versions.push_back(
          Record{{"from", version.from_day ? Value{format_day(*version.from_day)} : Value{}},
                 {"tz", version.zone},
                 {"hours", format_hours(version.hours)}});
    }
    write_with_versions(context, calendar_record(calendar), versions);
  };
  forms.lines = forms.json;
  forms.cells = [&] {
    write_record(context.out(), context.style(), calendar_record(calendar), {});
  };
  write_output(context.format(), forms);
  return 0;
}

int run_calendar_rm(Context& context, const std::string& name) {
  const Calendar calendar = need_calendar(context, name);
  context.store().remove_calendar(calendar.rules.name);
  say(context, fmt::format("Removed calendar {}", calendar.rules.name));
  return 0;
}

int run_sla_add(Context& context, const SlaAddOptions& options) {
  require_name("SLA policy", options.name);
  Policy policy;
  policy.name = options.name;
  policy.calendar = options.calendar.value_or(std::string(k_always_calendar));
  policy.base.reply = duration_option("--reply", options.reply);
  if (options.update) {
    policy.base.update = duration_option("--update", *options.update);
  }
  if (options.resolve) {
    policy.base.resolve = duration_option("--resolve", *options.resolve);
  }
  if (options.calendar) {
    policy.calendar = need_calendar(context, *options.calendar).rules.name;
  }
  context.store().add_policy(policy);
  const CalendarRules rules = need_calendar(context, policy.calendar).rules;
  note_day_target(options.reply, policy.base.reply, rules);
  if (options.update) {
    note_day_target(*options.update, *policy.base.update, rules);
  }
  if (options.resolve) {
    note_day_target(*options.resolve, *policy.base.resolve, rules);
  }
  const Policy stored = need_policy(context, options.name);
  report(context, fmt::format("Added SLA policy {} on calendar {}", stored.name, stored.calendar),
         policy_record(stored), {});
  return 0;
}

int run_sla_set(Context& context, const SlaSetOptions& options) {
  PolicyChange change;
  if (options.priority) {
    change.priority = priority_option(*options.priority);
  }
  if (options.calendar) {
    change.calendar = need_calendar(context, *options.calendar).rules.name;
  }
  if (options.reply) {
    change.reply = duration_option("--reply", *options.reply);
  }
  if (options.update) {
    change.update = optional_duration_option("--update", *options.update);
  }
  if (options.resolve) {
    change.resolve = optional_duration_option("--resolve", *options.resolve);
  }
  if (!change.calendar && !change.reply && !change.update && !change.resolve) {
    throw Error{ErrorKind::usage,
                "nothing to change: give --calendar, --reply, --update or --resolve"};
  }
  if (change.priority && change.calendar) {
    throw Error{ErrorKind::usage,
                "--calendar applies to the whole policy: run it without --priority"};
  }
  if (options.from && options.retroactive) {
    throw Error{ErrorKind::usage,
                "--from and --retroactive exclude each other: a change starts at a time, or "
                "corrects every version"};
  }
  change.retroactive = options.retroactive;
  if (!options.retroactive) {
    try {
      change.from = options.from ? context.parse_time(*options.from) : context.now();
    } catch (const Error& error) {
      throw Error{ErrorKind::invalid_input, fmt::format("--from: {}", error.what())};
    }
  }
  const Policy before = need_policy(context, options.name);
  const RuleEffect changed = context.store().change_policy(before.name, change);
  const Policy policy = need_policy(context, options.name);
  const CalendarRules rules = need_calendar(context, policy.calendar).rules;
  if (change.reply) {
    note_day_target(*options.reply, *change.reply, rules);
  }
  if (change.update && *change.update) {
    note_day_target(*options.update, **change.update, rules);
  }
  if (change.resolve && *change.resolve) {
    note_day_target(*options.resolve, **change.resolve, rules);
  }
  const std::string when =
      change.retroactive
          ? std::string("in every version (retroactive)")
          : fmt::format("from {}", local_short(*change.from, context.zone(), context.now()));
  report(context,
         fmt::format("Changed SLA policy {} {}; {}", policy.name, when, requests_changed(changed)),
         with_effect(policy_record(policy), changed), {});
  return 0;
}

int run_sla_list(Context& context) {
  std::vector<Row> rows;
  for (const Policy& policy : context.store().policies()) {
    Record record = policy_record(policy);
    record.push_back({"overrides", overrides_text(policy)});
    rows.push_back(Row{std::move(record)});
  }
  write_rows(context.out(), context.style(),
             {{"name", "NAME"},
              {"calendar", "CALENDAR"},
              {"reply", "REPLY"},
              {"update", "UPDATE"},
              {"resolve", "RESOLVE"},
              {"overrides", "BY PRIORITY"}},
             rows, {"name", "calendar", "reply", "update", "resolve"});
  return 0;
}

// `policy` as the version in force for a request received at `at` gives it.
Policy in_force(Policy policy, Instant at) {
  if (policy.versions.empty()) {
    return policy;
  }
  const PolicyVersion& version = policy.versions[version_in_force(policy.versions, at)];
  policy.calendar = version.calendar;
  policy.base = version.base;
  policy.overrides = version.overrides;
  return policy;
}

namespace {

// sla show for people: the targets by priority, and the versions when there are several.
void write_policy(Context& context, const Policy& latest, const Policy& policy) {
  std::fputs(fmt::format("SLA policy: {}\nCalendar:   {}\n", escape_control(policy.name),
                         escape_control(policy.calendar))
                 .c_str(),
             context.out());
  std::vector<Row> rows;
  for (const Priority priority :
       {Priority::urgent, Priority::high, Priority::normal, Priority::low}) {
    const Targets targets = targets_for(policy, priority);
    rows.push_back(Row{Record{{"priority", std::string(to_string(priority))},
                              {"reply", target_value(targets.reply)},
                              {"update", target_or_null(targets.update)},
                              {"resolve", target_or_null(targets.resolve)}}});
  }
  write_rows(
      context.out(), context.style(),
      {{"priority", "PRIORITY"}, {"reply", "REPLY"}, {"update", "UPDATE"}, {"resolve", "RESOLVE"}},
      rows, {});
  if (latest.versions.size() > 1) {
    // Each version judges the requests received from its start until the next one's.
    std::fputs("\nVersions (each judges the requests received from its start on):\n",
               context.out());
    std::vector<Row> versions;
    for (const PolicyVersion& version : latest.versions) {
      Policy view = latest;
      view.calendar = version.calendar;
      view.base = version.base;
      view.overrides = version.overrides;
      versions.push_back(Row{
          Record{{"from", version.from ? local_short(*version.from, context.zone(), context.now())
                                       : std::string("the beginning")},
                 {"calendar", version.calendar},
                 {"reply", target_value(version.base.reply)},
                 {"update", target_or_null(version.base.update)},
                 {"resolve", target_or_null(version.base.resolve)},
                 {"overrides", overrides_text(view)}}});
    }
    write_rows(context.out(), context.style(),
               {{"from", "FROM"},
                {"calendar", "CALENDAR"},
                {"reply", "REPLY"},
                {"update", "UPDATE"},
                {"resolve", "RESOLVE"},
                {"overrides", "BY PRIORITY"}},
               versions, {});
  }
}

} // namespace

int run_sla_show(Context& context, const std::string& name) {
  const Policy latest = need_policy(context, name);
  const Policy policy = in_force(latest, context.now());
  Forms forms;
  forms.json = [&] {
    // The targets in force now, and every version (from: null for the first) with its own.
    std::vector<Record> versions;
    for (const PolicyVersion& version : latest.versions) {
      Policy view = latest;
      view.calendar = version.calendar;
      view.base = version.base;
      view.overrides = version.overrides;
      Record fields = policy_record(view);
      Record record{{"from", version.from ? Value{*version.from} : Value{}}};
      for (Field& field : fields) {
        if (field.key != "name" && field.key != "builtin") {
          record.push_back(std::move(field));
        }
      }
      versions.push_back(std::move(record));
    }
    write_with_versions(context, policy_record(policy), versions);
  };
  forms.lines = forms.json;
  forms.cells = [&] { write_record(context.out(), context.style(), policy_record(policy), {}); };
  forms.text = [&] { write_policy(context, latest, policy); };
  write_output(context.format(), forms);
  return 0;
}

int run_sla_rm(Context& context, const std::string& name) {
  const Policy policy = need_policy(context, name);
  context.store().remove_policy(policy.name);
  say(context, fmt::format("Removed SLA policy {}", policy.name));
  return 0;
}

int run_client_add(Context& context, const ClientAddOptions& options) {
  require_name("client", options.name);
  NewClient client{options.name,    std::nullopt,  options.emails,
                   options.domains, options.owner, options.note};
  if (options.sla) {
    client.policy = need_policy(context, *options.sla).name;
  }
  context.store().add_client(client);
  const Client stored = need_client(context, options.name);
  report(context, fmt::format("Added client {} (SLA {})", stored.name, stored.policy),
         client_record(stored), client_columns());
  return 0;
}

int run_client_edit(Context& context, const ClientEditOptions& options) {
  const Client before = need_client(context, options.name);
  ClientChange change;
  change.rename = options.rename;
  if (!options.emails.empty()) {
    change.emails = options.emails;
  }
  if (!options.domains.empty()) {
    change.domains = options.domains;
  }
  change.owner = options.owner;
  change.note = options.note;
  change.open = options.open;
  change.now = context.now();
  change.recorder = context.recorder();
  if (options.open && !options.sla) {
    throw Error{ErrorKind::usage, "--open moves the client's open requests to the new SLA "
                                  "policy: give it with --sla POLICY"};
  }
  if (options.rename) {
    require_name("client", *options.rename);
  }
  if (options.sla) {
    change.policy = need_policy(context, *options.sla).name;
  }
  if (!change.rename && !change.policy && !change.emails && !change.domains && !change.owner
      && !change.note) {
    throw Error{ErrorKind::usage,
                "nothing to change: give --rename, --sla, --email, --domain, --owner or --note"};
  }
  const RuleEffect changed = context.store().change_client(before.name, change);
  const Client client = need_client(context, options.rename.value_or(before.name));
  std::string sentence = fmt::format("Changed client {}", client.name);
  // A new policy is a change of rules: the sentence says what it did, as `sla set`'s does (0 and
  // 0 without --open: it applies to the requests logged from now on).
  if (change.policy && change.open) {
    sentence += fmt::format("; {} not resolved moved to SLA {}; {}",
                            changed.requests == 1 ? std::string("1 request")
                                                  : fmt::format("{} requests", changed.requests),
                            client.policy, requests_changed(changed));
  } else if (change.policy) {
    sentence += fmt::format("; {}", requests_changed(changed));
  }
  report(context, sentence, with_effect(client_record(client), changed), client_columns());
  return 0;
}

int run_client_list(Context& context) {
  std::vector<Row> rows;
  for (const Client& client : context.store().clients()) {
    rows.push_back(Row{client_record(client)});
  }
  write_rows(
      context.out(), context.style(), client_columns(), rows,
      {"name", "sla", "email", "domain", "owner", "note", "open_requests", "total_requests"});
  return 0;
}

int run_client_show(Context& context, const std::string& name) {
  const Client client = need_client(context, name);
  write_record(context.out(), context.style(), client_record(client),
               {{"name", "Client"},
                {"sla", "SLA"},
                {"email", "Email"},
                {"domain", "Domain"},
                {"owner", "Owner"},
                {"note", "Note"},
                {"open_requests", "Open"},
                {"total_requests", "Total"}});
  return 0;
}

int run_client_rm(Context& context, const std::string& name) {
  const Client client = need_client(context, name);
  context.store().remove_client(client.name);
  say(context, fmt::format("Removed client {}", client.name));
  return 0;
}

} // namespace slatrack::cli
