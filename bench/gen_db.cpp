// Why this program: the command benchmarks (bench/run.sh) need databases shaped like a real
// business's, at 10k, 100k and 1M requests. Logging them one by one through the Store takes
// about a millisecond a request, so this program sets up the rules (3 calendars, 5 policies,
// 1,000 clients) through the Store API and writes the requests as files that `slatrack import`
// loads in bulk through the same code path users have:
//
//   gen_db --db PATH --requests N [--events-csv FILE] [--simple-csv FILE] [--seed S] [--now TIME]
//
// --events-csv: one row per event (the import's events form), conversations as they happen: the
// client's message, our reply, sometimes follow-ups and more replies, waits on the client (pause
// and resume, or a follow-up that resumes), notes, hand-overs, the resolve, and now and then a
// reopen. About 5% of the requests are left open (most of them recent).
// --simple-csv: the same requests in the import's simple form (one row per request with
// received_at, replied_at, resolved_at), for timing a plain import.
// Everything is a function of --seed, so a rerun writes the same files.
#include "slatrack/calendar.hpp"
#include "slatrack/error.hpp"
#include "slatrack/model.hpp"
#include "slatrack/store.hpp"
#include "store/sqlite_store.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using slatrack::Instant;
using slatrack::Seconds;

constexpr std::int64_t k_minute = 60;
constexpr std::int64_t k_hour = 3600;
constexpr std::int64_t k_day = 86400;

struct Options {
  std::string db;
  std::int64_t requests = 10000;
  std::string events_csv;
  std::string simple_csv;
  std::uint64_t seed = 2026;
  // Fri 20 Nov 2026 15:00 UTC: business hours in London and New York. The requests span the year
  // before it; bench/run.sh runs every command with SLATRACK_NOW set to the same instant.
  std::int64_t now = 1795186800;
};

[[noreturn]] void usage(std::string_view message) {
  std::fputs(fmt::format("gen_db: {}\nusage: gen_db --db PATH --requests N [--events-csv FILE] "
                         "[--simple-csv FILE] [--seed S] [--now UNIX_SECONDS]\n",
                         message)
                 .c_str(),
             stderr);
  std::exit(2);
}

std::int64_t integer_argument(std::string_view name, std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < 0) {
    usage(fmt::format("{} needs a whole number, not \"{}\"", name, text));
  }
  return value;
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view name = argv[i];
    if (i + 1 >= argc) {
      usage(fmt::format("{} needs a value", name));
    }
    const std::string_view value = argv[++i];
    if (name == "--db") {
      options.db = value;
    } else if (name == "--requests") {
      options.requests = integer_argument(name, value);
    } else if (name == "--events-csv") {
      options.events_csv = value;
    } else if (name == "--simple-csv") {
      options.simple_csv = value;
    } else if (name == "--seed") {
      options.seed = static_cast<std::uint64_t>(integer_argument(name, value));
    } else if (name == "--now") {
      options.now = integer_argument(name, value);
    } else {
      usage(fmt::format("unknown option {}", name));
    }
  }
  if (options.db.empty()) {
    usage("--db is required");
  }
  return options;
}

// ---- random numbers (own distributions: the same stream on every standard library) ----

class Random {
public:
  explicit Random(std::uint64_t seed) : m_engine(seed) {}

  // Uniform in [0, 1).
  double unit() {
    return static_cast<double>(m_engine() >> 11) * 0x1.0p-53;
  }
  bool chance(double p) {
    return unit() < p;
  }
  // Uniform in [low, high].
  std::int64_t between(std::int64_t low, std::int64_t high) {
    const auto span = static_cast<std::uint64_t>(high - low + 1);
    return low + static_cast<std::int64_t>(m_engine() % span);
  }
  // Log-normal around `median` seconds (sigma in natural-log units), clamped to [low, high].
  std::int64_t delay(double median, double sigma, std::int64_t low, std::int64_t high) {
    // Box-Muller.
    const double u1 = std::max(unit(), 1e-12);
    const double u2 = unit();
    const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    const auto value = static_cast<std::int64_t>(median * std::exp(sigma * normal));
    return std::clamp(value, low, high);
  }
  // An index into `weights` with probability proportional to its weight.
  template <std::size_t N> std::size_t pick(const std::array<double, N>& weights) {
    double total = 0;
    for (const double w : weights) {
      total += w;
    }
    double x = unit() * total;
    for (std::size_t i = 0; i < N; ++i) {
      if (x < weights[i]) {
        return i;
      }
      x -= weights[i];
    }
    return N - 1;
  }

private:
  std::mt19937_64 m_engine;
};

// ---- the rules: 3 calendars, 5 policies, 1,000 clients ----

struct PolicySetup {
  std::string_view name;
  std::string_view calendar;
  std::int64_t utc_offset_hours; // rough offset of the calendar's zone, for arrival times
  double share;                  // of the clients
};

constexpr std::array<PolicySetup, 5> k_policies{{
    {"default", "24x7", 0, 0.10},
    {"premium", "24x7", 0, 0.10},
    {"standard-uk", "london", 0, 0.35},
    {"standard-us", "newyork", -5, 0.30},
    {"basic-us", "newyork", -5, 0.15},
}};

constexpr std::array<std::string_view, 8> k_people{"ann", "bob",  "chen", "dana",
                                                   "eve", "femi", "gus",  "hana"};
constexpr std::size_t k_clients = 1000;
// The big account (0-based index: "Client 0201", the first standard-uk client) and its share of
// the requests, besides what the square rule below gives it.
constexpr std::uint32_t k_big_client = 200;
constexpr double k_big_share = 0.14;

slatrack::Holiday holiday(std::string_view date, std::string_view name) {
  slatrack::Holiday out = slatrack::parse_holiday(date);
  out.name = name;
  return out;
}

void set_up_rules(slatrack::Store& store) {
  using slatrack::Policy;
  using slatrack::Priority;
  using slatrack::TargetOverride;
  store.transaction(
      [&store] {
        slatrack::CalendarRules london;
        london.name = "london";
        london.zone = "Europe/London";
        london.hours = slatrack::parse_hours("mon-fri 09:00-17:30");
        for (const auto& [date, name] :
             std::initializer_list<std::pair<std::string_view, std::string_view>>{
                 {"01-01", "New Year"},
                 {"12-25", "Christmas"},
                 {"12-26", "Boxing Day"},
                 {"2025-12-29", "Office closed"},
                 {"2026-04-03", "Good Friday"},
                 {"2026-04-06", "Easter Monday"},
                 {"2026-05-04", "Early May"},
                 {"2026-05-25", "Spring bank holiday"},
                 {"2026-08-31", "Summer bank holiday"}}) {
          london.holidays.push_back(holiday(date, name));
        }
        store.add_calendar(london);

        slatrack::CalendarRules newyork;
        newyork.name = "newyork";
        newyork.zone = "America/New_York";
        newyork.hours = slatrack::parse_hours("mon-fri 08:00-12:00 13:00-18:00");
        for (const auto& [date, name] :
             std::initializer_list<std::pair<std::string_view, std::string_view>>{
                 {"01-01", "New Year"},
                 {"07-04", "Independence Day"},
                 {"12-25", "Christmas"},
                 {"2025-11-27", "Thanksgiving"},
                 {"2026-01-19", "MLK Day"},
                 {"2026-05-25", "Memorial Day"},
                 {"2026-09-07", "Labor Day"},
                 {"2026-11-26", "Thanksgiving"}}) {
          newyork.holidays.push_back(holiday(date, name));
        }
        store.add_calendar(newyork);

        const auto hours = [](std::int64_t h) { return Seconds{h * k_hour}; };
        Policy premium;
        premium.name = "premium";
        premium.calendar = "24x7";
        premium.base = {hours(1), hours(8), hours(72)};
        premium.overrides[Priority::urgent] = TargetOverride{Seconds{15 * k_minute}, {}, {}};
        store.add_policy(premium);

        Policy standard_uk;
        standard_uk.name = "standard-uk";
        standard_uk.calendar = "london";
        standard_uk.base = {hours(4), hours(16), hours(40)};
        standard_uk.overrides[Priority::urgent] = TargetOverride{hours(1), hours(4), hours(8)};
        standard_uk.overrides[Priority::low] = TargetOverride{hours(8), Seconds{0}, {}};
        store.add_policy(standard_uk);

        Policy standard_us;
        standard_us.name = "standard-us";
        standard_us.calendar = "newyork";
        standard_us.base = {hours(4), hours(18), hours(45)};
        standard_us.overrides[Priority::urgent] = TargetOverride{hours(1), {}, hours(9)};
        store.add_policy(standard_us);

        Policy basic_us;
        basic_us.name = "basic-us";
        basic_us.calendar = "newyork";
        basic_us.base = {hours(8), std::nullopt, hours(90)};
        store.add_policy(basic_us);

        std::size_t next = 0;
        for (std::size_t p = 0; p < k_policies.size(); ++p) {
          const auto count = static_cast<std::size_t>(k_policies[p].share * k_clients + 0.5);
          for (std::size_t i = 0; i < count && next < k_clients; ++i, ++next) {
            slatrack::NewClient client;
            client.name = fmt::format("Client {:04}", next + 1);
            client.policy = std::string(k_policies[p].name);
            client.emails = {fmt::format("support@client{:04}.example", next + 1)};
            client.domains = {fmt::format("client{:04}.example", next + 1)};
            client.owner = std::string(k_people[next % k_people.size()]);
            store.add_client(client);
          }
        }
      },
      true);
}

// The policy of client `index` (0-based), as set_up_rules assigns them.
const PolicySetup& policy_of(std::size_t index) {
  std::size_t first = 0;
  for (const PolicySetup& policy : k_policies) {
    const auto count = static_cast<std::size_t>(policy.share * k_clients + 0.5);
    if (index < first + count) {
      return policy;
    }
    first += count;
  }
  return k_policies.back();
}

// ---- conversations ----

struct GenEvent {
  std::string_view kind;
  std::int64_t at = 0;
  std::string_view author;
  std::string text;
};

struct GenRequest {
  std::size_t client = 0;
  std::string_view priority;
  std::string_view channel;
  std::string subject;
  std::vector<GenEvent> events; // in time order
};

constexpr std::array<std::string_view, 12> k_topics{
    "Invoice is wrong",  "Cannot log in",         "Question about the contract",
    "Change of address", "Order not delivered",   "Refund request",
    "Report is late",    "Meeting next week",     "Access for a new colleague",
    "Price quote",       "Error in the last run", "Cancel the subscription"};

constexpr std::array<std::string_view, 4> k_priorities{"urgent", "high", "normal", "low"};
constexpr std::array<double, 4> k_priority_weights{0.03, 0.15, 0.70, 0.12};
constexpr std::array<std::string_view, 7> k_channels{"email",  "phone",     "chat", "web",
                                                     "social", "in-person", "other"};
constexpr std::array<double, 7> k_channel_weights{0.55, 0.15, 0.12, 0.08, 0.04, 0.03, 0.03};

// When a request comes in, from whom, and whether it is still open: drawn for all requests first
// and sorted by time, so that request numbers grow with time as they do when requests are logged
// as they come (what the indexes' locality depends on).
struct Arrival {
  std::int64_t at = 0;
  std::uint32_t client = 0;
  bool open = false;
};

class Generator {
public:
  Generator(const Options& options) : m_random(options.seed), m_now(options.now) {}

  std::vector<Arrival> arrivals(std::int64_t count) {
    std::vector<Arrival> out;
    out.reserve(static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i) {
      Arrival arrival;
      // One big account writes 14% of the requests (Client 0201, on the London office calendar:
      // about 11,000 in October 2026 at a million, above the 10,000 of the statement target);
      // of the others, a few write most: the square of a uniform number favours the low indexes.
      const double u = m_random.unit();
      if (u < k_big_share) {
        arrival.client = k_big_client;
      } else {
        const double v = (u - k_big_share) / (1.0 - k_big_share);
        arrival.client = static_cast<std::uint32_t>(
            std::min(k_clients - 1, static_cast<std::size_t>(v * v * k_clients)));
      }
      arrival.open = m_random.chance(0.05);
      arrival.at =
          arrival_time(policy_of(arrival.client).utc_offset_hours, arrival.open ? open_age() : 365);
      out.push_back(arrival);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Arrival& a, const Arrival& b) { return a.at < b.at; });
    return out;
  }

  GenRequest next(std::int64_t number, const Arrival& arrival) {
    GenRequest request;
    request.client = arrival.client;
    request.priority = k_priorities[m_random.pick(k_priority_weights)];
    request.channel = k_channels[m_random.pick(k_channel_weights)];
    request.subject =
        fmt::format("{} {}", k_topics[static_cast<std::size_t>(number) % k_topics.size()], number);
    const std::string_view owner = k_people[request.client % k_people.size()];
    conversation(request, arrival.at, owner);
    std::stable_sort(request.events.begin(), request.events.end(),
                     [](const GenEvent& a, const GenEvent& b) { return a.at < b.at; });
    if (arrival.open) {
      leave_open(request, arrival.at < m_now - 3 * k_day);
    } else {
      fit_before_now(request);
    }
    return request;
  }

private:
  // A time in the last `days` days, on a weekday during local office hours mostly.
  std::int64_t arrival_time(std::int64_t utc_offset_hours, std::int64_t days) {
    for (;;) {
      const std::int64_t day = (m_now / k_day) - m_random.between(0, days - 1);
      const std::int64_t weekday = (day + 3) % 7; // 1970-01-01 was a Thursday; 0 = Monday
      if (weekday >= 5 && m_random.chance(0.85)) {
        continue;
      }
      const std::int64_t local_minute = m_random.chance(0.85)
                                            ? m_random.between(8 * 60, 18 * 60 - 1)
                                            : m_random.between(0, 24 * 60 - 1);
      const std::int64_t at = day * k_day + local_minute * k_minute - utc_offset_hours * k_hour
                              + m_random.between(0, 59);
      if (at < m_now - k_hour) {
        return at;
      }
    }
  }

  void conversation(GenRequest& request, std::int64_t arrival, std::string_view owner) {
    std::vector<GenEvent>& events = request.events;
    std::string_view agent = owner;
    std::int64_t t = arrival;
    events.push_back(GenEvent{"message", t, agent, message_text()});
    if (m_random.chance(0.05)) {
      agent = k_people[static_cast<std::size_t>(m_random.between(0, k_people.size() - 1))];
      events.push_back(
          GenEvent{"assign", t + m_random.between(5, 60) * k_minute, owner, std::string(agent)});
    }
    const int rounds =
        1 + static_cast<int>(m_random.pick(std::array<double, 4>{0.6, 0.25, 0.1, 0.05}));
    for (int round = 0; round < rounds; ++round) {
      // The client writes again before we answer, now and then (the clock keeps running).
      if (m_random.chance(0.08)) {
        events.push_back(GenEvent{"message", t + m_random.delay(1800, 1.0, 60, 8 * k_hour), agent,
                                  message_text()});
      }
      t = std::max(t, events.back().at)
          + m_random.delay(1.5 * k_hour, 1.3, 2 * k_minute, 5 * k_day);
      events.push_back(GenEvent{"reply", t, agent, {}});
      if (round + 1 == rounds) {
        break;
      }
      if (m_random.chance(0.4)) {
        // Waiting on the client, then they answer (a follow-up resumes) or we resume.
        t += m_random.between(1, 10) * k_minute;
        events.push_back(GenEvent{"pause", t, agent, "waiting for the client's answer"});
        t += m_random.delay(20 * k_hour, 1.0, k_hour, 10 * k_day);
        if (m_random.chance(0.7)) {
          events.push_back(GenEvent{"message", t, agent, message_text()});
        } else {
          events.push_back(GenEvent{"resume", t, agent, {}});
          t += m_random.delay(2 * k_hour, 1.0, 5 * k_minute, 2 * k_day);
          events.push_back(GenEvent{"reply", t, agent, {}});
          t += m_random.delay(6 * k_hour, 1.0, 30 * k_minute, 3 * k_day);
          events.push_back(GenEvent{"message", t, agent, message_text()});
        }
      } else {
        t += m_random.delay(8 * k_hour, 1.2, 10 * k_minute, 4 * k_day);
        events.push_back(GenEvent{"message", t, agent, message_text()});
      }
    }
    t += m_random.delay(3 * k_hour, 1.3, 5 * k_minute, 3 * k_day);
    events.push_back(GenEvent{"resolve", t, agent, {}});
    if (m_random.chance(0.04)) {
      t += m_random.delay(3 * k_day, 0.8, k_hour, 20 * k_day);
      events.push_back(GenEvent{"reopen", t, agent, "it happened again"});
      t += m_random.delay(2 * k_hour, 1.2, 5 * k_minute, 3 * k_day);
      events.push_back(GenEvent{"reply", t, agent, {}});
      t += m_random.delay(5 * k_hour, 1.2, 10 * k_minute, 3 * k_day);
      events.push_back(GenEvent{"resolve", t, agent, {}});
    }
    if (m_random.chance(0.1)) {
      const std::int64_t at = m_random.between(arrival + 1, events.back().at);
      const auto where = std::upper_bound(
          events.begin(), events.end(), at,
          [](std::int64_t value, const GenEvent& event) { return value < event.at; });
      events.insert(where, GenEvent{"note", at, agent, "called them back"});
    }
  }

  // How far back a request still open may have come in, in days: most arrived in the last few
  // days, some are weeks or months old.
  std::int64_t open_age() {
    constexpr std::array<std::int64_t, 3> days{3, 14, 365};
    return days[m_random.pick(std::array<double, 3>{0.6, 0.15, 0.25})];
  }

  // A request still open: cut its conversation before the resolve, at a point that leaves it
  // open or waiting, and drop what would be later than now. Requests open for more than a few
  // days are mostly waiting on the client: answered once, then paused.
  void leave_open(GenRequest& request, bool old) {
    std::vector<GenEvent>& events = request.events;
    const auto resolve = std::find_if(events.begin(), events.end(), [](const GenEvent& event) {
      return event.kind == "resolve";
    });
    events.erase(resolve, events.end());
    const auto reply = std::find_if(events.begin(), events.end(),
                                    [](const GenEvent& event) { return event.kind == "reply"; });
    if (old && reply != events.end() && m_random.chance(0.85)) {
      const GenEvent pause{"pause", reply->at + m_random.between(1, 10) * k_minute, reply->author,
                           "waiting for the client's answer"};
      events.erase(reply + 1, events.end());
      events.push_back(pause);
    } else {
      // Messages older than a day have mostly been answered at least once.
      const std::int64_t first_kept =
          reply != events.end() && events.front().at < m_now - k_day && m_random.chance(0.8)
              ? reply - events.begin() + 1
              : 1;
      events.resize(static_cast<std::size_t>(
          m_random.between(first_kept, static_cast<std::int64_t>(events.size()))));
    }
    while (events.size() > 1 && events.back().at >= m_now) {
      events.pop_back();
    }
  }

  // A resolved request: move the whole conversation back so that it ended before now (this
  // leaves a few of the last days' requests slightly out of time order, as back-dated logging
  // does).
  void fit_before_now(GenRequest& request) {
    const std::int64_t last = request.events.back().at;
    const std::int64_t limit = m_now - k_hour;
    if (last > limit) {
      const std::int64_t shift = last - limit + m_random.delay(k_day, 1.0, k_minute, 10 * k_day);
      for (GenEvent& event : request.events) {
        event.at -= shift;
      }
    }
  }

  std::string message_text() {
    if (m_random.chance(0.5)) {
      return {};
    }
    return fmt::format("see ticket {}", m_random.between(1000, 99999));
  }

  Random m_random;
  std::int64_t m_now;
};

// ---- writing ----

// 2026-11-20T15:00:00Z, without going through a time-zone library: civil date from days.
std::string iso(std::int64_t seconds) {
  const std::int64_t days = seconds >= 0 ? seconds / k_day : (seconds - k_day + 1) / k_day;
  const std::int64_t rest = seconds - days * k_day;
  // Howard Hinnant's civil_from_days.
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month, day, rest / k_hour,
                     rest % k_hour / k_minute, rest % k_minute);
}

class File {
public:
  explicit File(const std::string& path) : m_file(std::fopen(path.c_str(), "w")) {
    if (m_file == nullptr) {
      throw std::runtime_error(fmt::format("cannot write {}", path));
    }
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File() {
    if (m_file != nullptr) {
      static_cast<void>(std::fclose(m_file));
    }
  }
  void write(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), m_file) != text.size()) {
      throw std::runtime_error("write failed (disk full?)");
    }
  }
  void close() {
    const int rc = std::fclose(m_file);
    m_file = nullptr;
    if (rc != 0) {
      throw std::runtime_error("closing the output failed (disk full?)");
    }
  }

private:
  std::FILE* m_file;
};

int run(const Options& options) {
  {
    const std::unique_ptr<slatrack::Store> store = slatrack::open_sqlite_store(options.db);
    set_up_rules(*store);
  }
  std::optional<File> events_file;
  std::optional<File> simple_file;
  if (!options.events_csv.empty()) {
    events_file.emplace(options.events_csv);
    events_file->write("ref,client,subject,channel,priority,kind,at,author,text\n");
  }
  if (!options.simple_csv.empty()) {
    simple_file.emplace(options.simple_csv);
    simple_file->write("ref,client,subject,channel,priority,received_at,replied_at,resolved_at\n");
  }
  Generator generator(options);
  const std::vector<Arrival> arrivals = generator.arrivals(options.requests);
  std::string buffer;
  std::int64_t open = 0;
  std::int64_t events = 0;
  for (std::int64_t number = 1; number <= options.requests; ++number) {
    const GenRequest request =
        generator.next(number, arrivals[static_cast<std::size_t>(number - 1)]);
    const std::string prefix =
        fmt::format("gen-{},Client {:04},{},{},{},", number, request.client + 1, request.subject,
                    request.channel, request.priority);
    const bool resolved = request.events.back().kind == "resolve";
    open += resolved ? 0 : 1;
    events += static_cast<std::int64_t>(request.events.size());
    if (events_file) {
      buffer.clear();
      for (const GenEvent& event : request.events) {
        buffer += prefix;
        fmt::format_to(std::back_inserter(buffer), "{},{},{},{}\n", event.kind, iso(event.at),
                       event.author, event.text);
      }
      events_file->write(buffer);
    }
    if (simple_file) {
      std::optional<std::int64_t> replied;
      for (const GenEvent& event : request.events) {
        if (event.kind == "reply") {
          replied = event.at;
          break;
        }
      }
      const std::int64_t received = request.events.front().at;
      simple_file->write(fmt::format("{}{},{},{}\n", prefix, iso(received),
                                     replied ? iso(*replied) : std::string{},
                                     resolved ? iso(request.events.back().at) : std::string{}));
    }
  }
  if (events_file) {
    events_file->close();
  }
  if (simple_file) {
    simple_file->close();
  }
  std::fputs(fmt::format("gen_db: {} requests ({} open), {} events, {} clients\n", options.requests,
                         open, events, k_clients)
                 .c_str(),
             stderr);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_options(argc, argv));
  } catch (const std::exception& error) {
    std::fputs(fmt::format("gen_db: {}\n", error.what()).c_str(), stderr);
    return 3;
  }
}
