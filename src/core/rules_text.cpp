// Why toml++: the rules document is edited by hand, so every error must name its line; toml++ is a
// complete TOML parser that keeps the source position of every key and value. The writer is our
// own, so that the text is stable (a fixed key order, one holiday per line, comments) and a
// re-export of an applied file is byte for byte the same.
#include "slatrack/rules_text.hpp"

#include "slatrack/address.hpp"
#include "slatrack/error.hpp"
#include "slatrack/input.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <array>
#include <date/date.h>
#include <fmt/format.h>
#include <map>
#include <set>
#include <toml++/toml.h>
#include <tuple>

namespace slatrack {

namespace {

// ---- writing ----

// A version's `from`: an absolute time, as export writes it ("2027-04-01T00:00:00Z", or with an
// offset "+02:00"), so that a rules file means the same in every zone. Throws Error{invalid_input}.
Instant absolute_time(std::string_view text, const ZoneSource& zones) {
  const bool zulu = !text.empty() && (text.back() == 'Z' || text.back() == 'z');
  const bool offset = text.size() > 6
                      && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-')
                      && text[text.size() - 3] == ':';
  if (!zulu && !offset) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("\"{}\" is not an absolute time; write it in UTC, e.g. "
                            "\"2027-04-01T00:00:00Z\", or with its offset",
                            text)};
  }
  return parse_time(text, Instant{}, find_zone(zones, "UTC"));
}

bool bare_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
           || c == '-';
  });
}

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (byte < 0x20 || byte == 0x7f) {
        out += fmt::format("\\u{:04X}", static_cast<unsigned>(byte));
      } else {
        out += c;
      }
    }
  }
  return out + "\"";
}

std::string key_text(std::string_view key) {
  return bare_key(key) ? std::string(key) : quoted(key);
}

// An override's update or resolve: Seconds{0} is "none".
std::string override_target(Target target) {
  return target == Target{Seconds{0}} ? std::string("none") : format_target(target);
}

// A calendar: its latest version's zone and hours in [calendar.NAME] (with `from` when it is not
// the first), its holidays, then the earlier versions, oldest first, as [[calendar.NAME.earlier]]
// (config apply creates a new calendar with all of them, and changes only the latest of one the
// database has).
void write_calendar(std::string& out, const CalendarRules& calendar) {
  const std::vector<CalendarVersion> versions = calendar_versions(calendar);
  out += fmt::format("\n[calendar.{}]\n", key_text(calendar.name));
  if (versions.back().from_day) {
    out += fmt::format("from = {}\n", quoted(format_day(*versions.back().from_day)));
  }
  out += fmt::format("tz = {}\n", quoted(calendar.zone));
  out += fmt::format("hours = {}\n", quoted(format_hours(calendar.hours)));
  if (!calendar.holidays.empty()) {
    out += "holidays = [\n";
    for (const Holiday& day : calendar.holidays) {
      out += fmt::format("  {{ date = {}", quoted(format_holiday_date(day)));
      if (!day.name.empty()) {
        out += fmt::format(", name = {}", quoted(day.name));
      }
      out += " },\n";
    }
    out += "]\n";
  }
  for (std::size_t i = 0; i + 1 < versions.size(); ++i) {
    out += fmt::format("\n[[calendar.{}.earlier]]\n", key_text(calendar.name));
    if (versions[i].from_day) {
      out += fmt::format("from = {}\n", quoted(format_day(*versions[i].from_day)));
    }
    out += fmt::format("tz = {}\n", quoted(versions[i].zone));
    out += fmt::format("hours = {}\n", quoted(format_hours(versions[i].hours)));
  }
}

// "2026-12-01T00:00:00Z": when a version starts.
std::string version_start(Instant at) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", at);
}

// One version's keys and override tables; `table` is the TOML header of the version's table
// ("[sla.NAME]", or "[[sla.NAME.earlier]]" for an earlier version) and `path` the prefix of its
// override tables.
void write_version(std::string& out, std::string_view table, std::string_view path,
                   const std::optional<Instant>& from, const std::string& calendar,
                   const Targets& base, const std::map<Priority, TargetOverride>& overrides) {
  out += fmt::format("\n{}\n", table);
  if (from) {
    out += fmt::format("from = {}\n", quoted(version_start(*from)));
  }
  out += fmt::format("calendar = {}\n",
                     quoted(calendar.empty() ? std::string(k_always_calendar) : calendar));
  out += fmt::format("reply = {}\n", quoted(format_target(base.reply)));
  if (base.update) {
    out += fmt::format("update = {}\n", quoted(format_target(*base.update)));
  }
  if (base.resolve) {
    out += fmt::format("resolve = {}\n", quoted(format_target(*base.resolve)));
  }
  for (const auto& [priority, targets] : overrides) {
    out += fmt::format("\n[{}.{}]\n", path, to_string(priority));
    if (targets.reply) {
      out += fmt::format("reply = {}\n", quoted(format_target(*targets.reply)));
    }
    if (targets.update) {
      out += fmt::format("update = {}\n", quoted(override_target(*targets.update)));
    }
    if (targets.resolve) {
      out += fmt::format("resolve = {}\n", quoted(override_target(*targets.resolve)));
    }
  }
}

// A policy: its latest version in [sla.NAME] (with `from` when it is not the first), then the
// earlier ones, oldest first, as [[sla.NAME.earlier]] (config apply creates a new policy with all
// of them, and changes only the latest of one the database has).
void write_policy(std::string& out, const Policy& policy) {
  const std::string name = key_text(policy.name);
  const std::optional<Instant> from =
      policy.versions.empty() ? std::nullopt : policy.versions.back().from;
  write_version(out, fmt::format("[sla.{}]", name), fmt::format("sla.{}", name), from,
                policy.calendar, policy.base, policy.overrides);
  for (std::size_t i = 0; i + 1 < policy.versions.size(); ++i) {
    const PolicyVersion& version = policy.versions[i];
    write_version(out, fmt::format("[[sla.{}.earlier]]", name), fmt::format("sla.{}.earlier", name),
                  version.from, version.calendar, version.base, version.overrides);
  }
}

// `key = "one"`, or `key = ["a", "b"]` for several; nothing for none.
void write_list(std::string& out, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) {
    return;
  }
  if (values.size() == 1) {
    out += fmt::format("{} = {}\n", key, quoted(values.front()));
    return;
  }
  out += fmt::format("{} = [", key);
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += fmt::format("{}{}", i == 0 ? "" : ", ", quoted(values[i]));
  }
  out += "]\n";
}

void write_client(std::string& out, const ClientRules& client) {
  out += fmt::format("\n[client.{}]\n", key_text(client.name));
  out += fmt::format("sla = {}\n", quoted(client.policy));
  write_list(out, "email", client.emails);
  write_list(out, "domain", client.domains);
  const std::array<std::pair<std::string_view, const std::optional<std::string>*>, 2> fields{
      {{"owner", &client.owner}, {"note", &client.note}}};
  for (const auto& [key, value] : fields) {
    if (*value && !(*value)->empty()) {
      out += fmt::format("{} = {}\n", key, quoted(**value));
    }
  }
}

// ---- reading ----

class Reader {
public:
  Reader(std::string_view source, const ZoneSource& zones) : m_source(source), m_zones(zones) {}

  [[noreturn]] void fail(const toml::source_region& where, std::string_view message) const {
    throw Error{ErrorKind::invalid_input,
                fmt::format("{}:{}: {}", m_source, where.begin.line, message)};
  }

  // The node as a table, or an error that says what was expected.
  const toml::table& table(const toml::node& node, std::string_view what,
                           std::string_view example) const {
    const toml::table* out = node.as_table();
    if (out == nullptr) {
      fail(node.source(), fmt::format("{} must be a table, e.g. {}", what, example));
    }
    return *out;
  }

  std::string text(const toml::node& node, std::string_view key, std::string_view example) const {
    const toml::value<std::string>* value = node.as_string();
    if (value == nullptr) {
      fail(node.source(),
           fmt::format("{} must be text in double quotes, e.g. {} = \"{}\"", key, key, example));
    }
    return value->get();
  }

  // A value (a name, an email, who) checked as the command line checks it
  // (slatrack/input.hpp): trimmed, UTF-8, at most k_max_value_bytes, no control or bidirectional
  // formatting character.
  std::string plain_value(const toml::node& node, std::string_view key,
                          std::string_view example) const {
    const std::string raw = text(node, key, example);
    std::string out(trim_value(raw));
    if (std::optional<std::string> problem = argument_problem(key, ArgumentKind::value, out)) {
      fail(node.source(), *problem);
    }
    return out;
  }

  // Free text (a note, a holiday's name), checked as the command line checks it: UTF-8, at most
  // k_max_text_bytes.
  std::string free_text(const toml::node& node, std::string_view key,
                        std::string_view example) const {
    std::string out = text(node, key, example);
    if (std::optional<std::string> problem = argument_problem(key, ArgumentKind::text, out)) {
      fail(node.source(), *problem);
    }
    return out;
  }

  // Refuses keys of `table` not in `accepted`.
  void only(const toml::table& table, std::string_view where,
            const std::vector<std::string>& accepted) const {
    for (auto&& [key, node] : table) {
      const std::string name(key.str());
      if (std::find(accepted.begin(), accepted.end(), name) == accepted.end()) {
        std::string list;
        for (std::size_t i = 0; i < accepted.size(); ++i) {
          list += i == 0 ? "" : ", ";
          list += accepted[i];
        }
        const std::vector<std::string> close = closest_names(name, accepted, 1);
        fail(key.source(),
             fmt::format("unknown key {} in {}{}; the keys are: {}", quoted_argument(name), where,
                         close.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", close[0]),
                         list));
      }
    }
  }

  // A core parser's error with the line and the key in front.
  template <typename Parse>
  auto checked(const toml::node& node, std::string_view key, Parse parse) const {
    try {
      return parse();
    } catch (const Error& error) {
      fail(node.source(), fmt::format("{}: {}", key, error.what()));
    }
  }

  Target duration(const toml::node& node, std::string_view key) const {
    const std::string value = text(node, key, "2h");
    return checked(node, key, [&] { return parse_target(value); });
  }

  // DUR or "none" (nullopt).
  std::optional<Target> optional_duration(const toml::node& node, std::string_view key) const {
    const std::string value = text(node, key, "16h");
    if (value == "none") {
      return std::nullopt;
    }
    try {
      return parse_target(value);
    } catch (const Error& error) {
      fail(node.source(), fmt::format("{}: {} (or none)", key, error.what()));
    }
  }

  // One version of a calendar: its `from` (a date, none for the first), zone and hours.
  CalendarVersion calendar_version(std::string_view name, const toml::table& table) const {
    CalendarVersion out;
    const toml::node* tz = table.get("tz");
    const toml::node* hours = table.get("hours");
    if (tz == nullptr || hours == nullptr) {
      fail(table.source(),
           fmt::format("calendar \"{}\" needs tz and hours, e.g. tz = \"Europe/London\" and "
                       "hours = \"mon-fri 09:00-17:00\"",
                       name));
    }
    out.zone = plain_value(*tz, "tz", "Europe/London");
    static_cast<void>(checked(*tz, "tz", [&] { return &find_zone(m_zones, out.zone); }));
    const std::string spec = text(*hours, "hours", "mon-fri 09:00-17:00");
    out.hours = checked(*hours, "hours", [&] { return parse_hours(spec); });
    if (const toml::node* from = table.get("from")) {
      const std::string day = text(*from, "from", "2027-04-01");
      out.from_day = checked(*from, "from", [&] { return parse_day(day); });
    }
    return out;
  }

  CalendarRules calendar(std::string_view name, const toml::table& table) const {
    only(table, fmt::format("calendar \"{}\"", name),
         {"from", "tz", "hours", "holidays", "earlier"});
    CalendarRules out;
    out.name = std::string(name);
    // Versions as the file gives them: the earlier ones, then this one (the latest).
    std::vector<CalendarVersion> versions;
    if (const toml::node* earlier = table.get("earlier")) {
      const toml::array* list = earlier->as_array();
      if (list == nullptr) {
        fail(earlier->source(),
             fmt::format("earlier versions of calendar \"{}\" are [[calendar.{}.earlier]] tables",
                         name, key_text(name)));
      }
      for (const toml::node& element : *list) {
        const std::string where = fmt::format("calendar.{}.earlier", key_text(name));
        const toml::table& old =
            this->table(element, where, fmt::format("[[{}]] with tz and hours", where));
        only(old, fmt::format("[[{}]]", where), {"from", "tz", "hours"});
        versions.push_back(calendar_version(name, old));
      }
    }
    versions.push_back(calendar_version(name, table));
    if (versions.size() > 1 || versions.back().from_day) {
      out.versions = versions;
    }
    out.zone = versions.back().zone;
    out.hours = versions.back().hours;
    if (const toml::node* holidays = table.get("holidays")) {
      const toml::array* list = holidays->as_array();
      if (list == nullptr) {
        fail(holidays->source(), "holidays must be a list, e.g. holidays = [{ date = \"12-25\", "
                                 "name = \"Christmas\" }, \"2026-04-03\"]");
      }
      for (const toml::node& item : *list) {
        out.holidays.push_back(holiday(item));
      }
      std::set<std::tuple<int, unsigned, unsigned>> seen;
      for (std::size_t i = 0; i < out.holidays.size(); ++i) {
        const Holiday& day = out.holidays[i];
        if (!seen.insert({day.year, day.month, day.day}).second) {
          fail((*list)[i].source(), fmt::format("holiday {} is listed twice in calendar \"{}\"",
                                                format_holiday_date(day), name));
        }
      }
    }
    return out;
  }

  // { date = "12-25", name = "Christmas" } or "2026-04-03".
  Holiday holiday(const toml::node& item) const {
    if (const toml::value<std::string>* date = item.as_string()) {
      return checked(item, "holiday", [&] { return parse_holiday(date->get()); });
    }
    const toml::table* table = item.as_table();
    if (table == nullptr) {
      fail(item.source(), "a holiday is { date = \"12-25\", name = \"Christmas\" } or a date "
                          "such as \"2026-04-03\"");
    }
    only(*table, "a holiday", {"date", "name"});
    const toml::node* date = table->get("date");
    if (date == nullptr) {
      fail(item.source(),
           "a holiday needs a date, e.g. { date = \"12-25\", name = \"Christmas\" }");
    }
    const std::string date_text = text(*date, "date", "12-25");
    Holiday out = checked(*date, "holiday", [&] { return parse_holiday(date_text); });
    if (const toml::node* name = table->get("name")) {
      out.name = free_text(*name, "name", "Christmas");
    }
    return out;
  }

  Policy policy(std::string_view name, const toml::table& table) const {
    Policy out = version(name, table, fmt::format("sla.{}", key_text(name)), true);
    std::vector<PolicyVersion> versions;
    if (const toml::node* earlier = table.get("earlier")) {
      const toml::array* list = earlier->as_array();
      if (list == nullptr) {
        fail(earlier->source(),
             fmt::format("earlier versions of sla \"{}\" are [[sla.{}.earlier]] tables", name,
                         key_text(name)));
      }
      for (const toml::node& element : *list) {
        const std::string where = fmt::format("sla.{}.earlier", key_text(name));
        const Policy old = version(
            name, this->table(element, where, fmt::format("[[{}]] with reply = \"4h\"", where)),
            where, false);
        versions.push_back(old.versions.back());
      }
    }
    versions.push_back(out.versions.back());
    out.versions = std::move(versions);
    return out;
  }

  // One version of a policy: [sla.NAME] (`latest`: it may have earlier versions) or one of its
  // [[sla.NAME.earlier]] tables. The result's versions hold it alone.
  Policy version(std::string_view name, const toml::table& table, const std::string& path,
                 bool latest) const {
    std::vector<std::string> accepted{"from", "calendar", "reply", "update", "resolve"};
    for (const Priority priority :
         {Priority::urgent, Priority::high, Priority::normal, Priority::low}) {
      accepted.emplace_back(to_string(priority));
    }
    if (latest) {
      accepted.emplace_back("earlier");
    }
    only(table, fmt::format("sla \"{}\"", name), accepted);
    Policy out;
    out.name = std::string(name);
    out.calendar = std::string(k_always_calendar);
    std::optional<Instant> from;
    if (const toml::node* node = table.get("from")) {
      const std::string when = text(*node, "from", "2027-04-01T00:00:00Z");
      from = checked(*node, "from", [&] { return absolute_time(when, m_zones); });
    }
    if (const toml::node* calendar = table.get("calendar")) {
      out.calendar = plain_value(*calendar, "calendar", "office");
    }
    const toml::node* reply = table.get("reply");
    if (reply == nullptr) {
      fail(table.source(),
           fmt::format("sla \"{}\" needs a reply target, e.g. reply = \"2h\"", name));
    }
    out.base.reply = duration(*reply, "reply");
    if (const toml::node* update = table.get("update")) {
      out.base.update = optional_duration(*update, "update");
    }
    if (const toml::node* resolve = table.get("resolve")) {
      out.base.resolve = optional_duration(*resolve, "resolve");
    }
    for (const Priority priority :
         {Priority::urgent, Priority::high, Priority::normal, Priority::low}) {
      const toml::node* node = table.get(to_string(priority));
      if (node == nullptr) {
        continue;
      }
      const std::string where = fmt::format("{}.{}", path, to_string(priority));
      const toml::table& targets =
          this->table(*node, where, fmt::format("[{}] with reply = \"30m\"", where));
      only(targets, fmt::format("[{}]", where), {"reply", "update", "resolve"});
      TargetOverride override_;
      if (const toml::node* value = targets.get("reply")) {
        override_.reply = duration(*value, "reply");
      }
      // In an override, "none" means no target for this priority: Seconds{0}.
      if (const toml::node* value = targets.get("update")) {
        override_.update = optional_duration(*value, "update").value_or(Target{Seconds{0}});
      }
      if (const toml::node* value = targets.get("resolve")) {
        override_.resolve = optional_duration(*value, "resolve").value_or(Target{Seconds{0}});
      }
      out.overrides.emplace(priority, override_);
    }
    PolicyVersion version;
    version.from = from;
    version.calendar = out.calendar;
    version.base = out.base;
    version.overrides = out.overrides;
    out.versions.push_back(std::move(version));
    return out;
  }

  ClientRules client(std::string_view name, const toml::table& table) const {
    only(table, fmt::format("client \"{}\"", name), {"sla", "email", "domain", "owner", "note"});
    ClientRules out;
    out.name = std::string(name);
    if (const toml::node* sla = table.get("sla")) {
      out.policy = plain_value(*sla, "sla", "standard");
    }
    // Empty: none. The note is text (kept as written), the others values (trimmed).
    const auto optional = [&](std::string_view key, std::string_view example, bool is_text) {
      std::optional<std::string> out_value;
      if (const toml::node* node = table.get(key)) {
        out_value = is_text ? free_text(*node, key, example) : plain_value(*node, key, example);
        if (out_value->empty()) {
          out_value.reset();
        }
      }
      return out_value;
    };
    out.emails = addresses(table, "email", "ops@acme.example", checked_address);
    out.domains = addresses(table, "domain", "acme.example", checked_domain);
    out.owner = optional("owner", "ann", false);
    out.note = optional("note", "pays late", true);
    return out;
  }

  // A client's emails or domains: one as text, or a list of them; each checked by `check`, put
  // in lower case; sorted, each once.
  std::vector<std::string>
  addresses(const toml::table& table, std::string_view key, std::string_view example,
            std::string (*check)(std::string_view, std::string_view)) const {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      return out;
    }
    const auto one = [&](const toml::node& item) {
      const std::string value = plain_value(item, key, example);
      if (!value.empty()) {
        try {
          out.push_back(check(key, value));
        } catch (const Error& error) {
          fail(item.source(), error.what());
        }
      }
    };
    if (const toml::array* list = node->as_array()) {
      for (const toml::node& item : *list) {
        one(item);
      }
    } else if (node->is_string()) {
      one(*node);
    } else {
      fail(node->source(),
           fmt::format("{} must be text or a list of text, e.g. {} = [\"{}\"]", key, key, example));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // Calls `read(name, table)` for each NAME of [SECTION.NAME], trimmed, refusing blank names,
  // names the command line refuses (slatrack/input.hpp) and names that differ only in case.
  template <typename Read>
  void each(const toml::table& root, std::string_view section, std::string_view example,
            Read read) const {
    const toml::node* node = root.get(section);
    if (node == nullptr) {
      return;
    }
    const toml::table& tables = table(*node, section, fmt::format("[{}.{}]", section, example));
    // In file order (toml++ keeps tables sorted by key).
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (auto&& [key, value] : tables) {
      entries.emplace_back(&key, &value);
    }
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return a.first->source().begin < b.first->source().begin;
    });
    std::map<std::string, std::string> seen; // lower case -> name
    for (const auto& [key, value] : entries) {
      const std::string name(trim_value(key->str()));
      if (name.empty()) {
        fail(key->source(), fmt::format("a {} needs a name", section));
      }
      if (std::optional<std::string> problem =
              name_problem(fmt::format("{} name", section), name)) {
        fail(key->source(), *problem);
      }
      const auto [found, added] = seen.emplace(to_lower(name), name);
      if (!added) {
        fail(key->source(),
             fmt::format("{} \"{}\" and \"{}\" are the same name (names ignore case)", section,
                         found->second, name));
      }
      read(name, table(*value, fmt::format("{} \"{}\"", section, name),
                       fmt::format("[{}.{}]", section, key_text(name))));
    }
  }

private:
  std::string_view m_source;
  const ZoneSource& m_zones;
};

} // namespace

std::string format_target(Target target) {
  if (target.in_business_days()) {
    return fmt::format("{}bd", target.business_days);
  }
  const std::int64_t seconds = target.time.count();
  if (seconds < 60 || seconds % 60 != 0) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("a target of {} seconds cannot be written as DUR (whole minutes, at "
                            "least 1m); set it again with: slatrack sla set",
                            seconds)};
  }
  const std::int64_t hours = seconds / 3600;
  const std::int64_t minutes = seconds % 3600 / 60;
  if (hours == 0) {
    return fmt::format("{}m", minutes);
  }
  return minutes == 0 ? fmt::format("{}h", hours) : fmt::format("{}h{}m", hours, minutes);
}

std::string format_rules(const RuleSet& rules) {
  std::string out =
      "# slatrack rules: calendars, SLA policies and clients (docs/configuration.md).\n"
      "# Apply with: slatrack config apply FILE [--dry-run] [--prune]\n";
  for (const CalendarRules& calendar : rules.calendars) {
    write_calendar(out, calendar);
  }
  for (const Policy& policy : rules.policies) {
    write_policy(out, policy);
  }
  for (const ClientRules& client : rules.clients) {
    write_client(out, client);
  }
  return out;
}

RuleSet parse_rules(std::string_view text, std::string_view source, const ZoneSource& zones) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("{}:{}: {}", source, error.source().begin.line, error.description())};
  }
  const Reader reader(source, zones);
  reader.only(root, "the file", {"calendar", "sla", "client"});
  RuleSet out;
  reader.each(root, "calendar", "office", [&](const std::string& name, const toml::table& table) {
    if (to_lower(name) == k_always_calendar) {
      reader.fail(table.source(), fmt::format("calendar \"{}\" is built in and cannot be changed; "
                                              "leave it out of the file",
                                              k_always_calendar));
    }
    out.calendars.push_back(reader.calendar(name, table));
  });
  reader.each(root, "sla", "standard", [&](const std::string& name, const toml::table& table) {
    out.policies.push_back(reader.policy(name, table));
  });
  reader.each(root, "client", "acme", [&](const std::string& name, const toml::table& table) {
    out.clients.push_back(reader.client(name, table));
  });
  return out;
}

std::string_view to_string(RuleAction action) {
  switch (action) {
  case RuleAction::add:
    return "add";
  case RuleAction::change:
    return "change";
  case RuleAction::remove:
    return "remove";
  }
  return "change";
}

std::string_view to_string(RuleKind kind) {
  switch (kind) {
  case RuleKind::calendar:
    return "calendar";
  case RuleKind::policy:
    return "sla";
  case RuleKind::client:
    return "client";
  }
  return "calendar";
}

} // namespace slatrack
