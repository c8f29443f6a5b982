// Why libical: iCalendar has line folding, escapes, parameters, time zones and several ways to
// give an event's end; a public feed uses whichever its publisher's tool writes. libical is the
// reference implementation, kept in Debian, and reads them all.
//
// Why dlopen: libical loads ICU (some 30 MB of shared libraries) and the shared libstdc++; linked
// in, every command would pay for that at start-up (docs/performance.md, "Startup") for the one
// that reads a feed. So libical3 is loaded only here, when --ics is given, and the package
// recommends it instead of depending on it.
#include "cli/ics.hpp"

#include "slatrack/error.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <date/date.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <libical/ical.h>
#include <memory>
#include <set>
#include <string>
#include <tuple>

namespace slatrack::cli {

namespace {

// The longest all-day event taken: a feed's event is a day or two; more is a mistake.
constexpr int k_max_event_days = 366;
constexpr std::size_t k_max_name = 200;

// The libical 3 functions used, looked up in libical.so.3.
class Ical {
public:
  Ical() : m_handle(dlopen("libical.so.3", RTLD_NOW | RTLD_LOCAL)) {
    if (m_handle == nullptr) {
      throw Error{ErrorKind::storage,
                  "reading an iCalendar file needs libical 3, which is not installed; install it "
                  "with: apt-get install libical3"};
    }
    load(set_errors_are_fatal, "icalerror_set_errors_are_fatal");
    load(clear_errno, "icalerror_clear_errno");
    load(parse_string, "icalparser_parse_string");
    load(free, "icalcomponent_free");
    load(isa, "icalcomponent_isa");
    load(first_component, "icalcomponent_get_first_component");
    load(next_component, "icalcomponent_get_next_component");
    load(first_property, "icalcomponent_get_first_property");
    load(dtstart, "icalcomponent_get_dtstart");
    load(dtend, "icalcomponent_get_dtend");
    load(summary, "icalcomponent_get_summary");
    load(is_null_time, "icaltime_is_null_time");
    load(is_date, "icaltime_is_date");
    load(is_valid_time, "icaltime_is_valid_time");
    load(free_builtin_timezones, "icaltimezone_free_builtin_timezones");
  }
  Ical(const Ical&) = delete;
  Ical& operator=(const Ical&) = delete;
  ~Ical() {
    // Reading a DTSTART loads libical's table of built-in zones, which lives until freed here
    // (before dlclose, or it is lost: LeakSanitizer found it).
    free_builtin_timezones();
    dlclose(m_handle);
  }

  decltype(&icalerror_set_errors_are_fatal) set_errors_are_fatal = nullptr;
  decltype(&icalerror_clear_errno) clear_errno = nullptr;
  decltype(&icalparser_parse_string) parse_string = nullptr;
  decltype(&icalcomponent_free) free = nullptr;
  decltype(&icalcomponent_isa) isa = nullptr;
  decltype(&icalcomponent_get_first_component) first_component = nullptr;
  decltype(&icalcomponent_get_next_component) next_component = nullptr;
  decltype(&icalcomponent_get_first_property) first_property = nullptr;
  decltype(&icalcomponent_get_dtstart) dtstart = nullptr;
  decltype(&icalcomponent_get_dtend) dtend = nullptr;
  decltype(&icalcomponent_get_summary) summary = nullptr;
  decltype(&icaltime_is_null_time) is_null_time = nullptr;
  decltype(&icaltime_is_date) is_date = nullptr;
  decltype(&icaltime_is_valid_time) is_valid_time = nullptr;
  decltype(&icaltimezone_free_builtin_timezones) free_builtin_timezones = nullptr;

private:
  template <typename Function> void load(Function& function, const char* name) {
    void* symbol = dlsym(m_handle, name);
    if (symbol == nullptr) {
      throw Error{ErrorKind::storage,
                  fmt::format("libical.so.3 has no {}; install libical 3 with: apt-get install "
                              "libical3",
                              name)};
    }
    function = reinterpret_cast<Function>(symbol); // NOLINT: how dlsym is used
  }

  void* m_handle;
};

// A SUMMARY as a holiday's name: valid UTF-8, control characters as spaces, at most k_max_name
// bytes cut at a character.
std::string holiday_name(const char* summary) {
  std::string out;
  if (summary == nullptr) {
    return out;
  }
  const std::string_view text{summary};
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      ++i;
      continue;
    }
    if (out.size() + length > k_max_name) {
      break;
    }
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f || is_c1_control(text, i, length)) {
      out += ' ';
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

date::sys_days day_of(const icaltimetype& time) {
  return date::sys_days{date::year{time.year} / date::month{static_cast<unsigned>(time.month)}
                        / date::day{static_cast<unsigned>(time.day)}};
}

bool recurs(const Ical& ical, icalcomponent* event) {
  return ical.first_property(event, ICAL_RRULE_PROPERTY) != nullptr
         || ical.first_property(event, ICAL_RDATE_PROPERTY) != nullptr;
}

} // namespace

IcsHolidays parse_ics_holidays(std::string_view text, std::string_view source) {
  const Ical ical;
  // libical aborts on some errors unless told not to: a bad file must be an error, not a crash.
  ical.set_errors_are_fatal(0);
  const std::string copy(text); // NUL-terminated
  const auto free_component = [&ical](icalcomponent* component) { ical.free(component); };
  const std::unique_ptr<icalcomponent, decltype(free_component)> root{
      copy.find("BEGIN:VCALENDAR") == std::string::npos ? nullptr : ical.parse_string(copy.c_str()),
      free_component};
  ical.clear_errno();
  if (!root || ical.isa(root.get()) != ICAL_VCALENDAR_COMPONENT) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("{} is not an iCalendar file (no BEGIN:VCALENDAR ... END:VCALENDAR); "
                            "give the .ics file of a holiday feed",
                            source)};
  }
  IcsHolidays out;
  std::set<date::sys_days> seen;
  for (icalcomponent* event = ical.first_component(root.get(), ICAL_VEVENT_COMPONENT);
       event != nullptr; event = ical.next_component(root.get(), ICAL_VEVENT_COMPONENT)) {
    const icaltimetype start = ical.dtstart(event);
    if (ical.is_null_time(start) != 0 || ical.is_date(start) == 0 || recurs(ical, event)
        || ical.is_valid_time(start) == 0) {
      ++out.skipped;
      continue;
    }
    const date::year_month_day first{day_of(start)};
    if (!first.ok() || start.year < 1970 || start.year > 9999) {
      ++out.skipped;
      continue;
    }
    date::sys_days end = day_of(start) + date::days{1};
    const icaltimetype dtend = ical.dtend(event);
    if (ical.is_null_time(dtend) == 0 && ical.is_date(dtend) != 0
        && date::year_month_day{day_of(dtend)}.ok() && day_of(dtend) > day_of(start)) {
      end = std::min(day_of(dtend), day_of(start) + date::days{k_max_event_days});
    }
    const std::string name = holiday_name(ical.summary(event));
    for (date::sys_days day = day_of(start); day < end; day += date::days{1}) {
      if (!seen.insert(day).second) {
        continue;
      }
      const date::year_month_day ymd{day};
      if (static_cast<int>(ymd.year()) > 9999) {
        break;
      }
      out.days.push_back(Holiday{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                 static_cast<unsigned>(ymd.day()), name});
    }
  }
  std::sort(out.days.begin(), out.days.end(), [](const Holiday& a, const Holiday& b) {
    return std::tie(a.year, a.month, a.day) < std::tie(b.year, b.month, b.day);
  });
  return out;
}

} // namespace slatrack::cli
