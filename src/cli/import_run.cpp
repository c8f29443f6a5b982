// import's run: the requests read are gathered into batches that the store writes, so memory
// does not grow with the file. An input larger than the database is a bulk import
// (Store::start_bulk_import: one transaction, the indexes built at the end, batches of
// k_bulk_batch_size); a smaller one goes in batches of k_batch_size, one transaction each.
#include "cli/import.hpp"
#include "cli/output.hpp"
#include "slatrack/error.hpp"
#include "slatrack/input.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace slatrack::cli::import_file {

namespace {

// Requests per store transaction.
constexpr std::size_t k_batch_size = 10000;
// Requests per batch of a bulk import (one transaction for all): enough for the multi-row
// INSERTs, and little memory.
constexpr std::size_t k_bulk_batch_size = 1000;
// Refused rows listed one by one; the rest are counted.
constexpr std::size_t k_listed_refusals = 50;
// New clients named in the summary; the rest are counted.
constexpr std::size_t k_listed_clients = 10;

} // namespace

ImportRun::ImportRun(Context& context, std::string name, bool create_clients)
    : m_context(context), m_store(context.store()), m_name(std::move(name)) {
  m_options.now = context.now();
  m_options.create_clients = create_clients;
  m_author = context.author();
  m_batch.reserve(k_batch_size);
}

// Where the input is read from, and its size in bytes (0 when unknown: a pipe), to estimate how
// many requests it holds.
void ImportRun::input(const LineReader& reader, std::int64_t total_bytes) {
  m_reader = &reader;
  m_total_bytes = total_bytes;
}

void ImportRun::add(ImportRequest request, std::int64_t line) {
  if (std::optional<std::string> problem = value_problem(request)) {
    refuse(line, std::move(*problem));
    return;
  }
  m_batch.push_back(std::move(request));
  m_batch_lines.push_back(line);
  if (!m_decided && m_batch.size() >= k_bulk_batch_size) {
    start_bulk();
  }
  if (m_batch.size() >= (m_bulk ? k_bulk_batch_size : k_batch_size)) {
    flush();
  }
}

void ImportRun::refuse(std::int64_t line, std::string reason) {
  ++m_refused;
  m_batch_refusals.push_back(Refusal{line, std::move(reason)});
  if (m_batch_refusals.size() >= k_batch_size) {
    flush();
  }
}

// Writes the batch and files its refusals in line order.
void ImportRun::flush() {
  if (!m_batch.empty()) {
    m_committed_batch = m_committed_batch || (!m_bulk && !m_finishing);
    const ImportResult result =
        m_bulk ? m_bulk->add(m_batch) : m_store.import_requests(m_batch, m_options);
    if (m_options.first_new_id == 0) {
      // Later batches do not take this import's requests for ones that were there before.
      m_options.first_new_id = result.first_id;
    }
    for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
      const ImportOutcome& outcome = result.outcomes[i];
      switch (outcome.status) {
      case ImportStatus::added:
        ++m_added;
        break;
      case ImportStatus::skipped:
        ++m_skipped;
        break;
      case ImportStatus::refused:
        ++m_refused;
        m_batch_refusals.push_back(Refusal{m_batch_lines[i], outcome.reason});
        break;
      }
    }
    for (const std::string& client : result.created_clients) {
      if (m_created.size() < k_listed_clients) {
        m_created.push_back(client);
      }
      ++m_created_count;
    }
    m_batch.clear();
    m_batch_lines.clear();
  }
  std::stable_sort(m_batch_refusals.begin(), m_batch_refusals.end(),
                   [](const Refusal& a, const Refusal& b) { return a.line < b.line; });
  for (Refusal& refusal : m_batch_refusals) {
    if (m_listed.size() < k_listed_refusals) {
      m_listed.push_back(std::move(refusal));
    }
  }
  m_batch_refusals.clear();
}

// Prints the refused rows and the summary; returns the exit code.
int ImportRun::finish(Progress& progress) {
  // Whole or not at all (SPEC.md "Data safety"): when a request is refused, nothing of the import
  // is written (the bulk import's transaction, or the one batch, rolled back); only an import
  // batch by batch that already committed batches before it keeps those.
  m_finishing = true;
  bool undone = false;
  if (m_bulk) {
    flush();
    if (m_refused > 0) {
      m_bulk.reset(); // rolled back, the indexes with it
      undone = true;
    } else {
      progress.stage("building the indexes");
      m_bulk->commit();
      m_bulk.reset();
    }
  } else if (!m_committed_batch) {
    struct Refused {};
    try {
      m_store.transaction(
          [&] {
            flush();
            if (m_refused > 0) {
              throw Refused{};
            }
          },
          true);
    } catch (const Refused&) {
      undone = true;
    }
  } else {
    flush();
  }
  if (undone) {
    m_undone = m_added;
    m_added = 0;
    m_created.clear();
    m_created_count = 0;
  }
  progress.clear();
  std::string text;
  for (const Refusal& refusal : m_listed) {
    text += fmt::format("{}:{}: {}\n", m_name, refusal.line, escape_control(refusal.reason));
  }
  if (m_refused > static_cast<std::int64_t>(m_listed.size())) {
    text += fmt::format("... and {} more refused\n",
                        m_refused - static_cast<std::int64_t>(m_listed.size()));
  }
  const std::string summary = fmt::format("{} added, {} skipped (already there), {} refused",
                                          m_added, m_skipped, m_refused);
  std::string clients;
  if (m_created_count > 0) {
    // "; new clients: "A", "B" and "C"" or "...: "A", ..., "J" and 5 more"
    const std::int64_t more = m_created_count - static_cast<std::int64_t>(m_created.size());
    clients = fmt::format("; new {}: ", m_created_count == 1 ? "client" : "clients");
    for (std::size_t i = 0; i < m_created.size(); ++i) {
      const bool last = i + 1 == m_created.size() && more == 0;
      clients += i == 0 ? "" : (last ? " and " : ", ");
      clients += fmt::format("\"{}\"", escape_control(m_created[i]));
    }
    if (more > 0) {
      clients += fmt::format(" and {} more", more);
    }
  }
  if (!m_context.quiet()) {
    text += fmt::format("import {}: {}{}\n", m_name, summary, clients);
  }
  std::fputs(text.c_str(), stderr);
  std::fflush(stderr);
  if (!m_context.quiet()) {
    // For scripts: the counts on stdout (people read them above, on stderr).
    write_output(m_context.format(), text_or_records({}, [&] {
                   write_record(m_context.out(), m_context.style(),
                                Record{{"file", m_name},
                                       {"added", m_added},
                                       {"skipped", m_skipped},
                                       {"refused", m_refused},
                                       {"created_clients", m_created_count}},
                                {});
                 }));
  }
  if (m_refused > 0) {
    const std::int64_t total = m_added + m_skipped + m_refused;
    throw Error{ErrorKind::invalid_input,
                fmt::format("{} of {} {} {} refused (listed above{}); fix {} and import the "
                            "file again: what is already there is skipped",
                            m_refused, total + m_undone,
                            total + m_undone == 1 ? "request" : "requests",
                            m_refused == 1 ? "was" : "were",
                            m_undone > 0         ? ", so nothing was imported"
                            : m_refused == total ? ""
                                                 : "; the others were imported",
                            m_refused == 1 ? "it" : "them")};
  }
  return 0;
}

// After the first k_bulk_batch_size requests: an input into a database that holds fewer
// requests than it goes in one transaction with the indexes built at the end
// (Store::start_bulk_import). The input's requests are estimated from the bytes those took, or
// for a pipe taken as those read so far (so a pipe into an empty database is a bulk import).
void ImportRun::start_bulk() {
  m_decided = true;
  const std::int64_t seen =
      m_added + m_skipped + m_refused + static_cast<std::int64_t>(m_batch.size());
  std::int64_t expected = seen;
  if (m_reader != nullptr && m_total_bytes > 0 && m_reader->bytes() > 0) {
    const double per_byte = static_cast<double>(seen) / static_cast<double>(m_reader->bytes());
    expected = std::max(expected,
                        static_cast<std::int64_t>(per_byte * static_cast<double>(m_total_bytes)));
  }
  m_bulk = m_store.start_bulk_import(expected, m_options);
}

// The limits of the command line (include/slatrack/input.hpp) hold for imported values too:
// UTF-8, names without control characters, lengths.
std::optional<std::string> ImportRun::value_problem(const ImportRequest& request) {
  const auto value = [](std::string_view name, const std::optional<std::string>& text) {
    return text ? argument_problem(name, ArgumentKind::value, *text) : std::nullopt;
  };
  std::optional<std::string> problem = value("client", request.client);
  if (!problem) {
    problem = argument_problem("subject", ArgumentKind::text, request.subject);
  }
  if (!problem) {
    problem = value("ref", request.ref);
  }
  if (!problem) {
    problem = value("sla", request.policy);
  }
  if (!problem && request.assignee) {
    problem = value("assignee", *request.assignee);
  }
  for (const ImportEvent& event : request.events) {
    if (!problem) {
      problem = value("author", event.author);
    }
    if (!problem && event.text) {
      problem = argument_problem(
          event.kind == EventKind::assign ? "assignee" : "text",
          event.kind == EventKind::assign ? ArgumentKind::value : ArgumentKind::text, *event.text);
    }
  }
  return problem;
}

} // namespace slatrack::cli::import_file
