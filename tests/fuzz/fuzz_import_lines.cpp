// libFuzzer target for `import` (src/cli/cmd_import.cpp): the input is a whole import file (CSV,
// TSV or JSON lines, as run_import tells them apart) read by the real run_import, but with no
// database: this file replaces cli::Context (context.cpp is not linked) by one whose store is a
// FakeStore that checks each request import hands it and keeps nothing. The file is given to
// run_import as /proc/self/fd/N of an in-memory memfd.
//
// Checked: only slatrack::Error{invalid_input} leaves run_import (the store's transaction, which
// import's last batch is written in, is kept or dropped as a whole), with a printable one-line
// message (but see import_text); every request handed to the store has a trimmed non-empty client,
// a subject that is not blank, at least one event, times in years 1970-9999, and values within the
// limits of include/slatrack/input.hpp (UTF-8, no control characters in names). Round trip: the
// accepted requests written as JSON lines the way `export --format jsonl` writes them are imported
// again, all accepted, as the same requests.
#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "fuzz_support.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/store.hpp"
#include "system/zone_files.hpp"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace slatrack::fuzz {

namespace {

const Instant k_now{Seconds{1795420800}};      // 2026-11-23T08:00:00Z
const Instant k_earliest{Seconds{0}};          // 1970-01-01T00:00:00Z
const Instant k_latest{Seconds{253402300799}}; // 9999-12-31T23:59:59Z
constexpr std::string_view k_author = "fuzz";

[[noreturn]] void unexpected() {
  fail("import called a store operation other than import_requests and transaction");
}

bool trimmed(std::string_view text) {
  return !text.empty() && text.find_first_not_of(" \t\r\n") == 0
         && text.find_last_not_of(" \t\r\n") == text.size() - 1;
}

void check_value(std::string_view what, std::string_view value) {
  require(trimmed(value), "value empty or not trimmed:", what);
  require(!argument_problem(what, ArgumentKind::value, value), "value breaks the limits:", what);
}

void check_text(std::string_view what, std::string_view value) {
  require(!argument_problem(what, ArgumentKind::text, value), "text breaks the limits:", what);
}

void check_request(const ImportRequest& request) {
  check_value("client", request.client);
  check_text("subject", request.subject);
  require(request.subject.find_first_not_of(" \t\r\n") != std::string::npos, "blank subject");
  if (request.ref) {
    check_value("ref", *request.ref);
  }
  if (request.policy) {
    check_value("sla", *request.policy);
  }
  if (request.assignee && *request.assignee) {
    check_value("assignee", **request.assignee);
  }
  require(!request.events.empty(), "a request without events");
  for (const ImportEvent& event : request.events) {
    check_value("author", event.author);
    require(event.at >= k_earliest && event.at <= k_latest, "event time out of 1970-9999");
    if (event.recorded_at) {
      require(*event.recorded_at >= k_earliest && *event.recorded_at <= k_latest,
              "recorded_at out of 1970-9999");
    }
    if (event.text) {
      check_text("text", *event.text);
    }
  }
}

class FakeStore final : public Store {
public:
  // What import_requests was given since the last take().
  std::vector<ImportRequest> take() {
    return std::exchange(m_requests, {});
  }

  ImportResult import_requests(std::span<const ImportRequest> batch,
                               const ImportOptions& options) override {
    require(options.now == k_now, "import passed another now");
    require(!batch.empty() && batch.size() <= 10000, "batch empty or over 10000 requests");
    ImportResult result;
    for (const ImportRequest& request : batch) {
      check_request(request);
      m_requests.push_back(request);
      result.outcomes.push_back(
          ImportOutcome{ImportStatus::added, RequestId{static_cast<std::int64_t>(++m_ids)}, {}});
    }
    return result;
  }

  std::string location() const override {
    return "fuzz";
  }
  int schema_version() override {
    unexpected();
  }
  // import writes its last batch in one transaction, rolled back when a request is refused.
  void transaction(const std::function<void()>& body, bool commit) override {
    const std::size_t kept = m_requests.size();
    try {
      body();
    } catch (...) {
      m_requests.resize(kept);
      throw;
    }
    if (!commit) {
      m_requests.resize(kept);
    }
  }
  std::vector<Calendar> calendars() override {
    unexpected();
  }
  std::optional<Calendar> find_calendar(std::string_view) override {
    unexpected();
  }
  void add_calendar(const CalendarRules&) override {
    unexpected();
  }
  RuleEffect change_calendar(std::string_view, const CalendarChange&) override {
    unexpected();
  }
  RuleEffect add_holidays(std::string_view, const std::vector<Holiday>&) override {
    unexpected();
  }
  RuleEffect remove_holidays(std::string_view, const std::vector<Holiday>&) override {
    unexpected();
  }
  void remove_calendar(std::string_view) override {
    unexpected();
  }
  std::vector<Policy> policies() override {
    unexpected();
  }
  std::optional<Policy> find_policy(std::string_view) override {
    unexpected();
  }
  void add_policy(const Policy&) override {
    unexpected();
  }
  RuleEffect change_policy(std::string_view, const PolicyChange&) override {
    unexpected();
  }
  void remove_policy(std::string_view) override {
    unexpected();
  }
  std::vector<Client> clients() override {
    unexpected();
  }
  std::optional<Client> find_client(std::string_view) override {
    unexpected();
  }
  std::optional<std::string> client_named(std::string_view) override {
    unexpected();
  }
  void add_client(const NewClient&) override {
    unexpected();
  }
  RuleEffect change_client(std::string_view, const ClientChange&) override {
    unexpected();
  }
  void remove_client(std::string_view) override {
    unexpected();
  }
  bool message_recorded(std::string_view) override {
    unexpected();
  }
  std::optional<RequestId> request_for_messages(std::span<const std::string>) override {
    unexpected();
  }
  std::optional<std::string> client_for_address(std::string_view) override {
    unexpected();
  }
  void record_message(std::string_view, RequestId) override {
    unexpected();
  }
  bool request_counts(RequestId) override {
    unexpected();
  }
  LogResult log_request(const NewRequest&) override {
    unexpected();
  }
  Request add_event(const NewEvent&) override {
    unexpected();
  }
  Request edit_request(const RequestEdit&) override {
    unexpected();
  }
  RequestDetail void_event(const VoidChange&) override {
    unexpected();
  }
  UndoResult undo(const UndoChange&) override {
    unexpected();
  }
  RequestDetail merge(const MergeChange&) override {
    unexpected();
  }
  std::optional<SameSubject> same_subject(std::string_view, std::string_view, Instant,
                                          RequestId) override {
    unexpected();
  }
  std::optional<Request> find_request(RequestId) override {
    unexpected();
  }
  RequestDetail request_detail(RequestId) override {
    unexpected();
  }
  std::vector<Request> list_requests(const RequestFilter&) override {
    unexpected();
  }
  void each_request(const RequestFilter&, const std::function<void(const Request&)>&) override {
    unexpected();
  }
  std::vector<OverdueItem> overdue(const OverdueQuery&) override {
    unexpected();
  }
  void each_overdue(const OverdueQuery&, const std::function<void(const OverdueItem&)>&) override {
    unexpected();
  }
  std::vector<ReportRow> report(const ReportQuery&) override {
    unexpected();
  }
  StatementInput statement_input(std::string_view, Instant, Instant, Instant) override {
    unexpected();
  }
  void export_requests(const std::function<void(const RequestDetail&)>&) override {
    unexpected();
  }
  void backup(const std::string&) override {
    unexpected();
  }
  CopyResult copy_to(const std::string&) override {
    unexpected();
  }
  CheckReport check(const std::function<void(const std::string&)>&) override {
    unexpected();
  }

private:
  std::vector<ImportRequest> m_requests;
  std::int64_t m_ids = 0;
};

// A request as one line of `export --format jsonl` (the keys import reads; clocks and the derived
// fields are left out, import reads past them).
std::string export_line(const ImportRequest& request) {
  const auto iso = [](Instant instant) { return date::format("%Y-%m-%dT%H:%M:%SZ", instant); };
  nlohmann::ordered_json object;
  object["client"] = request.client;
  object["subject"] = request.subject;
  object["channel"] = std::string(to_string(request.channel));
  object["priority"] = std::string(to_string(request.priority));
  if (request.assignee) {
    object["assignee"] = *request.assignee ? nlohmann::ordered_json(**request.assignee) : nullptr;
  }
  object["sla"] = request.policy ? nlohmann::ordered_json(*request.policy) : nullptr;
  object["ref"] = request.ref ? nlohmann::ordered_json(*request.ref) : nullptr;
  nlohmann::ordered_json events = nlohmann::ordered_json::array();
  for (const ImportEvent& event : request.events) {
    nlohmann::ordered_json item;
    item["kind"] = std::string(to_string(event.kind));
    item["at"] = iso(event.at);
    item["author"] = event.author;
    item["text"] = event.text ? nlohmann::ordered_json(*event.text) : nullptr;
    item["recorded_at"] = event.recorded_at ? nlohmann::ordered_json(iso(*event.recorded_at))
                                            : nlohmann::ordered_json(nullptr);
    events.push_back(std::move(item));
  }
  object["events"] = std::move(events);
  return object.dump() + "\n";
}

bool same(const ImportRequest& a, const ImportRequest& b) {
  if (a.client != b.client || a.subject != b.subject || a.channel != b.channel
      || a.priority != b.priority || a.assignee != b.assignee || a.policy != b.policy
      || a.ref != b.ref || a.events.size() != b.events.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    const ImportEvent& x = a.events[i];
    const ImportEvent& y = b.events[i];
    if (x.kind != y.kind || x.at != y.at || x.author != y.author || x.text != y.text
        || x.recorded_at != y.recorded_at) {
      return false;
    }
  }
  return true;
}

// Imports `text` as a file; false when run_import refused something.
bool import_text(std::string_view text, std::vector<ImportRequest>& accepted) {
  static const int fd = memfd_create("slatrack-fuzz", 0);
  require(fd >= 0, "memfd_create failed");
  require(ftruncate(fd, 0) == 0, "ftruncate failed");
  require(pwrite(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size()),
          "pwrite failed");
  cli::GlobalOptions options;
  options.tz = "America/New_York";
  cli::Context context(options);
  bool clean = true;
  try {
    require(cli::run_import(context, {"/proc/self/fd/" + std::to_string(fd), false}) == 0,
            "run_import returned non-zero without an error");
  } catch (const Error& error) {
    check_refusal(error);
    clean = false;
  }
  accepted = dynamic_cast<FakeStore&>(context.store()).take();
  return clean;
}

} // namespace

} // namespace slatrack::fuzz

// The Context of the fuzz target: fixed now, zone and author, and the FakeStore.
namespace slatrack::cli {

Context::Context(GlobalOptions options, std::FILE* out)
    : m_options(std::move(options)), m_out(out) {}

std::string Context::db_path() const {
  return "fuzz";
}

Store& Context::store() {
  if (!m_store) {
    m_store = std::make_unique<fuzz::FakeStore>();
  }
  return *m_store;
}

const Zone& Context::zone() {
  if (m_zone == nullptr) {
    m_zone = &find_zone(m_options.tz.value_or("UTC"));
  }
  return *m_zone;
}

Instant Context::now() {
  return fuzz::k_now;
}

Instant Context::parse_time(std::string_view text) {
  return slatrack::parse_time(text, now(), zone());
}

Style Context::style() {
  Style style;
  style.zone = &zone();
  style.now = now();
  return style;
}

std::string Context::author() const {
  return std::string(fuzz::k_author);
}

} // namespace slatrack::cli

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace slatrack::fuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<slatrack::ImportRequest> first;
  import_text(text, first);
  if (first.empty()) {
    return 0;
  }
  std::string lines;
  for (const slatrack::ImportRequest& request : first) {
    lines += export_line(request);
  }
  std::vector<slatrack::ImportRequest> second;
  require(import_text(lines, second), "the export form of accepted requests is refused");
  require(second.size() == first.size(), "the export form gives another number of requests");
  for (std::size_t i = 0; i < first.size(); ++i) {
    require(same(first[i], second[i]), "the export form reads back differently");
  }
  return 0;
}
