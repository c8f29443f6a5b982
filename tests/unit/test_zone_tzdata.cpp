// Checks the zone reader on the system's tz database against two independent references, over
// every zone date-tz lists (one name per file: links share their file):
// - date-tz (linked into the tests only), 1970-2037: every transition (the ranges on both sides,
//   the local readings around it: skipped, repeated, just before and after) and sampled instants
//   and local readings must give the same sys_info and local_info;
// - glibc's localtime_r with TZ set to the zone, 2038-2100 (where date-tz knows no more changes):
//   the same UTC offset, abbreviation and DST flag around every change we find and at sampled
//   instants.
// SLATRACK_ZONE_CHECK_DAYS sets the sampling step in days (default 7; 29 under the sanitizers).
// Also here: looking zones up by name in the directory (find_zone, TZDIR, damaged files).
#include "slatrack/error.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/zone.hpp"
#include "support.hpp"
#include "system/zone_files.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <date/tz.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace slatrack;
using slatrack::testing::utc;
using std::chrono::seconds;

namespace {

using i64 = std::int64_t;

const Instant k_end_of_time{date::sys_days{date::year{32767} / 12 / 31}};

i64 step_seconds() {
  if (const char* value = std::getenv("SLATRACK_ZONE_CHECK_DAYS")) {
    return std::max(i64{1}, static_cast<i64>(std::atoll(value))) * 86400;
  }
#if defined(__SANITIZE_ADDRESS__)
  return 29 * 86400;
#else
  return 7 * 86400;
#endif
}

// date-tz's zones, one name per file (the first name in its sorted list).
std::vector<std::string> zones_to_check() {
  std::vector<std::string> names;
  std::set<std::string> files;
  for (const date::time_zone& zone : date::get_tzdb().zones) {
    const std::string path = "/usr/share/zoneinfo/" + zone.name();
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) != nullptr && files.insert(resolved).second) {
      names.push_back(zone.name());
    }
  }
  return names;
}

std::string show(Instant t) {
  return date::format("%F %T", t);
}

std::string show(const SysInfo& i) {
  return fmt::format("[{}, {}) {}s save {} {}", show(i.begin), show(i.end), i.offset.count(),
                     i.save.count(), i.abbrev);
}

std::string show(const date::sys_info& i) {
  return fmt::format("[{}, {}) {}s save {} {}", show(i.begin), show(i.end), i.offset.count(),
                     i.save.count(), i.abbrev);
}

// Equal, except that date-tz's last listed range runs to the end of time while ours ends at the
// footer rule's next change (2038 or later).
bool same(const SysInfo& ours, const date::sys_info& theirs) {
  const bool end_ok =
      ours.end == theirs.end || (theirs.end == k_end_of_time && ours.end >= utc(2038, 1, 1));
  return ours.begin == theirs.begin && end_ok && ours.offset == theirs.offset
         && ours.save == theirs.save && ours.abbrev == theirs.abbrev;
}

class Problems {
public:
  void add(std::string what) {
    ++m_count;
    if (m_shown.size() < 25) {
      m_shown.push_back(std::move(what));
    }
  }
  void report() const {
    for (const std::string& line : m_shown) {
      UNSCOPED_INFO(line);
    }
    CHECK(m_count == 0);
  }

private:
  int m_count = 0;
  std::vector<std::string> m_shown;
};

void compare_sys(Problems& problems, const std::string& name, const Zone& ours,
                 const date::time_zone& theirs, Instant t) {
  const SysInfo a = ours.get_info(t);
  const date::sys_info b = theirs.get_info(t);
  if (!same(a, b)) {
    problems.add(fmt::format("{} at {} UTC: ours {}, date-tz {}", name, show(t), show(a), show(b)));
  }
}

void compare_local(Problems& problems, const std::string& name, const Zone& ours,
                   const date::time_zone& theirs, date::local_seconds l) {
  const LocalInfo a = ours.get_info(l);
  const date::local_info b = theirs.get_info(l);
  bool ok = static_cast<int>(a.result) == b.result && same(a.first, b.first);
  if (ok && b.result != date::local_info::unique) {
    ok = same(a.second, b.second);
  }
  if (!ok) {
    problems.add(fmt::format("{} at local {}: ours {} {} {}, date-tz {} {} {}", name,
                             date::format("%F %T", l), static_cast<int>(a.result), show(a.first),
                             show(a.second), b.result, show(b.first),
                             b.result == date::local_info::unique ? "" : show(b.second)));
  }
}

struct Glibc {
  Seconds offset;
  std::string abbrev;
  bool dst = false;
};

Glibc glibc_at(Instant t) {
  const std::time_t value = static_cast<std::time_t>(t.time_since_epoch().count());
  std::tm out{};
  ::localtime_r(&value, &out);
  return Glibc{Seconds{out.tm_gmtoff}, out.tm_zone == nullptr ? "" : out.tm_zone, out.tm_isdst > 0};
}

// Sets TZ for glibc, restoring the old value when done.
class TzForGlibc {
public:
  TzForGlibc() {
    if (const char* old = std::getenv("TZ")) {
      m_old = old;
    }
  }
  TzForGlibc(const TzForGlibc&) = delete;
  TzForGlibc& operator=(const TzForGlibc&) = delete;
  ~TzForGlibc() {
    if (m_old) {
      ::setenv("TZ", m_old->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  void set(const std::string& zone) {
    ::setenv("TZ", (":" + zone).c_str(), 1);
    ::tzset();
  }

private:
  std::optional<std::string> m_old;
};

void compare_glibc(Problems& problems, const std::string& name, const Zone& ours, Instant t) {
  const SysInfo a = ours.get_info(t);
  const Glibc b = glibc_at(t);
  if (a.offset != b.offset || a.abbrev != b.abbrev || (a.save.count() != 0) != b.dst) {
    problems.add(fmt::format("{} at {} UTC: ours {}, glibc {}s {} dst {}", name, show(t), show(a),
                             b.offset.count(), b.abbrev, b.dst));
  }
}

// Our changes in [from, to) and sampled instants, against glibc.
void check_against_glibc(Problems& problems, const std::string& name, const Zone& ours,
                         Instant from, Instant to, i64 step) {
  SysInfo info = ours.get_info(from);
  while (info.end < to) {
    compare_glibc(problems, name, ours, info.end - seconds{1});
    compare_glibc(problems, name, ours, info.end);
    const SysInfo next = ours.get_info(info.end);
    if (next.begin != info.end) {
      problems.add(
          fmt::format("{}: the range after {} begins at {}", name, show(info), show(next.begin)));
      break;
    }
    info = next;
  }
  i64 k = 0;
  for (Instant t = from; t < to; t += seconds{step + (k * 7919) % 86400}, ++k) {
    compare_glibc(problems, name, ours, t);
  }
}

} // namespace

TEST_CASE("every zone agrees with date-tz from 1970 to 2037", "[zone][tzdata]") {
  const i64 step = step_seconds();
  const Instant from = utc(1970, 1, 1);
  const Instant to = utc(2038, 1, 1);
  Problems problems;
  const std::vector<std::string> names = zones_to_check();
  CHECK(names.size() > 300);
  for (const std::string& name : names) {
    const Zone* ours = load_zone(name);
    if (ours == nullptr) {
      problems.add(name + ": not found by load_zone");
      continue;
    }
    const date::time_zone* theirs = date::locate_zone(name);
    // Every transition: both ranges, and the local readings around it.
    date::sys_info range = theirs->get_info(from);
    compare_sys(problems, name, *ours, *theirs, from);
    while (range.end < to) {
      const date::sys_info next = theirs->get_info(range.end);
      compare_sys(problems, name, *ours, *theirs, range.end - seconds{1});
      compare_sys(problems, name, *ours, *theirs, range.end);
      const date::local_seconds before{range.end.time_since_epoch() + range.offset};
      const date::local_seconds after{range.end.time_since_epoch() + next.offset};
      for (const date::local_seconds l :
           {before - seconds{1}, before, before + seconds{1}, after - seconds{1}, after,
            after + seconds{1}, before + (after - before) / 2}) {
        compare_local(problems, name, *ours, *theirs, l);
      }
      range = next;
    }
    // Sampled instants and local readings.
    i64 k = 0;
    for (Instant t = from; t < to; t += seconds{step + (k * 7919) % 86400}, ++k) {
      compare_sys(problems, name, *ours, *theirs, t);
      const date::local_seconds l{t.time_since_epoch() + ours->get_info(t).offset
                                  + seconds{(k * 3001) % 7200 - 3600}};
      compare_local(problems, name, *ours, *theirs, l);
    }
  }
  problems.report();
}

TEST_CASE("every zone agrees with glibc from 2038 to 2100", "[zone][tzdata]") {
  const i64 step = step_seconds();
  Problems problems;
  TzForGlibc tz;
  for (const std::string& name : zones_to_check()) {
    const Zone* ours = load_zone(name);
    REQUIRE(ours != nullptr);
    tz.set(name);
    check_against_glibc(problems, name, *ours, utc(2038, 1, 1), utc(2101, 1, 1), step);
  }
  problems.report();
}

TEST_CASE("zones with rules agree with glibc centuries ahead", "[zone][tzdata]") {
  Problems problems;
  TzForGlibc tz;
  for (const std::string name :
       {"Europe/London", "America/New_York", "Australia/Sydney", "America/Santiago",
        "Europe/Dublin", "Asia/Gaza", "Australia/Lord_Howe", "America/Nuuk", "Pacific/Chatham"}) {
    const Zone& ours = find_zone(name);
    tz.set(name);
    for (const int year : {2199, 2399, 2800, 9998}) {
      check_against_glibc(problems, name, ours, utc(year, 1, 1), utc(year + 2, 1, 1), 86400);
    }
  }
  problems.report();
}

TEST_CASE("DST changes go on after 2037: London in 2040 and 2100", "[zone][tzdata]") {
  const Zone& london = find_zone("Europe/London");
  // Summer time 2040 runs from Sunday 25 March to Sunday 28 October, 01:00 UTC (the last Sundays).
  const SysInfo summer = london.get_info(utc(2040, 7, 1));
  CHECK(show(summer.begin) == "2040-03-25 01:00:00");
  CHECK(show(summer.end) == "2040-10-28 01:00:00");
  CHECK(summer.offset == std::chrono::hours{1});
  CHECK(summer.abbrev == "BST");
  // 2100: March begins on a Monday (last Sunday the 28th), October on a Friday (the 31st).
  const SysInfo summer_2100 = london.get_info(utc(2100, 7, 1));
  CHECK(show(summer_2100.begin) == "2100-03-28 01:00:00");
  CHECK(show(summer_2100.end) == "2100-10-31 01:00:00");
  // The last range the file lists (from October 2037) ends at the first change of 2038: 28 March.
  CHECK(show(london.get_info(utc(2037, 12, 1)).end) == "2038-03-28 01:00:00");
}

TEST_CASE("zone names: the same list as date-tz, links, and names refused", "[zone][tzdata]") {
  std::vector<std::string> theirs;
  for (const date::time_zone& zone : date::get_tzdb().zones) {
    theirs.push_back(zone.name());
  }
  std::sort(theirs.begin(), theirs.end());
  CHECK(list_zone_names() == theirs);

  CHECK(find_zone("UTC").name() == "UTC");
  CHECK(find_zone("Etc/UTC").name() == "Etc/UTC");
  CHECK(find_zone("UTC").get_info(utc(2040, 1, 1)).abbrev == "UTC");
  const Zone& eastern = find_zone("US/Eastern"); // a link
  CHECK(eastern.name() == "US/Eastern");
  CHECK(eastern.get_info(utc(2040, 7, 1)).abbrev == "EDT");
  CHECK(&find_zone("us/eastern") == &eastern);

  for (const std::string_view name :
       {"", "/etc/passwd", "../etc/passwd", "Europe/../Europe/London", "Europe//London",
        "Europe/London/", "./Europe/London", "Europe/London ", "Europe/London\n", "Europe\\London",
        "posixrules", "posix/Europe/London", "right/Europe/London", "Factory", "zone.tab",
        "tzdata.zi", "Europe/.London"}) {
    CHECK_FALSE(valid_zone_name(name));
    CHECK(load_zone(name) == nullptr);
  }
  CHECK(valid_zone_name("Etc/GMT+5"));
  CHECK(valid_zone_name("America/Port-au-Prince"));
  CHECK(load_zone("Europe") == nullptr); // a directory
  CHECK(load_zone("Mars/Olympus") == nullptr);

  if (const Zone* system = system_zone()) {
    CHECK(system->name() == date::current_zone()->name());
  }
}

TEST_CASE("TZDIR: zones from another directory, damaged and missing files", "[zone][tzdata]") {
  slatrack::testing::TempDir dir;
  const std::string root = dir.file("zoneinfo");
  std::filesystem::create_directories(root + "/Test");
  std::filesystem::copy_file("/usr/share/zoneinfo/Europe/Paris", root + "/Test/Paris");
  const std::string paris_path = "/usr/share/zoneinfo/Europe/Paris";
  std::string bytes(static_cast<std::size_t>(std::filesystem::file_size(paris_path)), '\0');
  std::ifstream(paris_path, std::ios::binary)
      .read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  std::ofstream(root + "/Test/Cut", std::ios::binary) << bytes.substr(0, 100);
  std::ofstream(root + "/Test/Text") << "Europe/Paris\n";
  // The size of the file's version 1 data block, from its header (RFC 8536 3.1).
  const auto count = [&bytes](std::size_t at) {
    return (i64{static_cast<unsigned char>(bytes[at])} << 24)
           | (i64{static_cast<unsigned char>(bytes[at + 1])} << 16)
           | (i64{static_cast<unsigned char>(bytes[at + 2])} << 8)
           | i64{static_cast<unsigned char>(bytes[at + 3])};
  };
  const i64 v1_block = count(20) + count(24) + count(28) * 8 + count(32) * 5 + count(36) * 6
                       + count(40); // isut, isstd, leap, time, type, char
  struct Restore {
    std::optional<std::string> old;
    ~Restore() {
      if (old) {
        ::setenv("TZDIR", old->c_str(), 1);
      } else {
        ::unsetenv("TZDIR");
      }
    }
  } restore{std::getenv("TZDIR") ? std::optional<std::string>(std::getenv("TZDIR")) : std::nullopt};
  ::setenv("TZDIR", root.c_str(), 1);
  CHECK(zone_directory() == root);

  const Zone& paris = find_zone("Test/Paris");
  CHECK(paris.get_info(utc(2040, 7, 1)).abbrev == "CEST");
  CHECK(find_zone("test/paris").name() == "Test/Paris");
  CHECK(load_zone("Europe/London") == nullptr); // not in this directory

  REQUIRE_THROWS_WITH(find_zone("Test/Cut"),
                      fmt::format("cannot read time zone \"Test/Cut\": {}/Test/Cut: bad TZif data: "
                                  "truncated: the version 1 data block needs {} bytes at offset "
                                  "44, there are 56; reinstall the tzdata package",
                                  root, v1_block));
  REQUIRE_THROWS_WITH(find_zone("Test/Text"),
                      "cannot read time zone \"Test/Text\": " + root
                          + "/Test/Text: bad TZif data: truncated: the header needs 44 bytes at "
                            "offset 0, there are 13; reinstall the tzdata package");
  try {
    (void)find_zone("Test/Cut");
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::storage);
  }
  REQUIRE_THROWS_WITH(find_zone("Test/Pari"), "unknown time zone \"Test/Pari\" (did you mean "
                                              "\"Test/Paris\"?): use an IANA name such as "
                                              "Europe/London");

  ::setenv("TZDIR", dir.file("nowhere").c_str(), 1);
  REQUIRE_THROWS_WITH(find_zone("Nowhere/Zone"),
                      "cannot read the time zone database: " + dir.file("nowhere")
                          + " is not a directory; install the tzdata package (or set TZDIR)");
}
