#include "store/reevaluation.hpp"

#include "slatrack/error.hpp"
#include "slatrack/request_rules.hpp"
#include "system/zone_files.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace slatrack::store {

namespace {

// Requests read ahead by a re-evaluation of many before their rows are written.
constexpr std::size_t k_batch = 256;

} // namespace

std::vector<std::tuple<std::string, std::int64_t, std::string>>
stopped_outcomes(const std::vector<ClockRow>& clocks) {
  std::vector<std::tuple<std::string, std::int64_t, std::string>> out;
  for (const ClockRow& row : clocks) {
    if (row.outcome != "running") {
      out.emplace_back(row.metric, row.start_at, row.outcome);
    }
  }
  return out;
}

Derived derived_state(const VersionedHistory& versioned, std::int64_t received_at) {
  const Evaluation& evaluation = versioned.history.evaluation;
  const std::optional<NextDue> next = next_due(evaluation);
  return Derived{std::string(to_string(evaluation.status)),
                 evaluation.received_at ? to_db(*evaluation.received_at) : received_at,
                 to_db(evaluation.replied_at),
                 to_db(evaluation.resolved_at),
                 to_db(evaluation.reply_due),
                 to_db(evaluation.update_due),
                 to_db(evaluation.resolve_due),
                 next ? std::optional<std::int64_t>{to_db(next->due)} : std::nullopt,
                 next ? std::optional<std::string>{to_string(next->metric)} : std::nullopt,
                 versioned.history.marks.request,
                 versioned.rules.version_id};
}

const LoadedPolicy& Reevaluator::policy(std::int64_t id, RulesCache& rules) {
  auto found = rules.policies.find(id);
  if (found == rules.policies.end()) {
    found = rules.policies.emplace(id, load_policy_rules(id, rules)).first;
  }
  return found->second;
}

const Clock& Reevaluator::clock(std::int64_t calendar_id, RulesCache& rules) {
  auto found = rules.clocks.find(calendar_id);
  if (found == rules.clocks.end()) {
    const auto read = rules.calendars.find(calendar_id);
    const CalendarRules calendar = read != rules.calendars.end()
                                       ? calendar_rules(read->second, database_name())
                                       : load_calendar(calendar_id).rules;
    found = rules.clocks.emplace(calendar_id, make_clock(calendar, zone_files())).first;
  }
  return *found->second;
}

PolicyRules Reevaluator::rules_at(std::int64_t policy_id, Instant received, RulesCache& rules) {
  const LoadedPolicy& loaded = policy(policy_id, rules);
  const std::size_t index = version_in_force(loaded.policy.versions, received);
  return PolicyRules{&loaded.policy.versions[index], &clock(loaded.calendars[index], rules),
                     loaded.policy.versions[index].id};
}

const PolicyVersion& Reevaluator::stored_version(std::int64_t policy_id, std::int64_t version_id,
                                                 RulesCache& rules) {
  const LoadedPolicy& loaded = policy(policy_id, rules);
  for (const PolicyVersion& version : loaded.policy.versions) {
    if (version.id == version_id) {
      return version;
    }
  }
  throw Error{ErrorKind::storage,
              fmt::format("SLA policy \"{}\" has no version {} in {}; run: slatrack check",
                          loaded.policy.name, version_id, database_name())};
}

RulesSource Reevaluator::rules_source(RulesCache& rules) {
  return [this, &rules](std::int64_t policy_id, Instant received) {
    return rules_at(policy_id, received, rules);
  };
}

void Reevaluator::statement_rules(std::int64_t policy_id, Instant from, Instant to, Instant now,
                                  RulesCache& rules, StatementInput& out) {
  const LoadedPolicy& loaded = policy(policy_id, rules);
  const Instant end = std::min(to, now) - Seconds{1};
  const std::size_t in_force = version_in_force(loaded.policy.versions, end);
  const PolicyVersion& version = loaded.policy.versions[in_force];
  out.policy = loaded.policy;
  out.policy.calendar = version.calendar;
  out.policy.base = version.base;
  out.policy.overrides = version.overrides;
  out.calendar = load_calendar(loaded.calendars[in_force]).rules;
  out.from = from;
  out.to = to;
  out.now = now;
}

std::map<std::int64_t, Instant>
Reevaluator::at_risk_cutoffs(const std::vector<std::int64_t>& calendar_ids, Target within,
                             Instant now, RulesCache& rules) {
  std::map<std::int64_t, Instant> out;
  for (const std::int64_t calendar_id : calendar_ids) {
    try {
      const Clock& calendar = clock(calendar_id, rules);
      out[calendar_id] = within.in_business_days()
                             ? calendar.add_business_days(now, within.business_days)
                             : calendar.add(now, within.time);
    } catch (const Error&) {
      out[calendar_id] = now - Seconds{1};
    }
  }
  return out;
}

// Reads the cursors of a selection request by request: the events and clock runs of each are
// those of its id that the cursors meet before a larger one.
class Reevaluator::Reader {
public:
  explicit Reader(std::unique_ptr<RequestCursor> cursor) : m_cursor(std::move(cursor)) {
    m_event_ready = m_cursor->next_event(m_event);
    m_clock_ready = m_cursor->next_clock(m_clock);
  }

  // Reads the next request into `out`: false at the end.
  bool next(History& out) {
    if (!m_cursor->next_request(out.request)) {
      return false;
    }
    const std::int64_t id = out.request.id;
    out.events.clear();
    out.marks.clear();
    out.clocks.clear();
    while (m_event_ready && m_event.request_id <= id) {
      if (m_event.request_id == id) {
        out.events.push_back(m_event.event);
        out.marks.push_back(m_event.voided_by);
      }
      m_event_ready = m_cursor->next_event(m_event);
    }
    while (m_clock_ready && m_clock.request_id <= id) {
      if (m_clock.request_id == id) {
        out.clocks.push_back(std::move(m_clock));
      }
      m_clock_ready = m_cursor->next_clock(m_clock);
    }
    return true;
  }

private:
  std::unique_ptr<RequestCursor> m_cursor;
  EventState m_event;
  ClockState m_clock;
  bool m_event_ready = false;
  bool m_clock_ready = false;
};

Stored Reevaluator::evaluate(History& history, RulesCache& rules) {
  Stored out;
  out.policy_id = history.request.policy_id;
  out.old = history.request.derived;
  VersionedHistory versioned =
      evaluate_versioned(history.events, history.request.priority, out.policy_id,
                         to_instant(out.old.received_at), rules_source(rules));
  HistoryEvaluation& evaluated = versioned.history;
  for (std::size_t i = 0; i < history.events.size(); ++i) {
    const RecordedEvent& event = history.events[i];
    const std::optional<std::int64_t> voided_by = evaluated.marks.voided_by(event.number);
    if (voided_by != history.marks[i]) {
      out.remarked.push_back(Stored::Remark{event.seq, event.number, history.marks[i], voided_by});
      out.assignment_remarked = out.assignment_remarked || event.kind == EventKind::assign;
    }
  }
  out.now = derived_state(versioned, out.old.received_at);
  out.evaluation = std::move(evaluated.evaluation);
  return out;
}

Reevaluation Reevaluator::write(std::int64_t id, const Stored& stored,
                                const std::vector<ClockState>& stored_clocks) {
  try {
    Reevaluation out = write_rows(id, stored, stored_clocks);
    flush_writes();
    return out;
  } catch (...) {
    discard_writes();
    throw;
  }
}

Reevaluation Reevaluator::write_rows(std::int64_t id, const Stored& stored,
                                     const std::vector<ClockState>& stored_clocks) {
  const Evaluation& evaluation = stored.evaluation;
  for (const Stored::Remark& remark : stored.remarked) {
    write_void_mark(remark.id, remark.expected);
  }
  if (stored.assignment_remarked) {
    update_assignee(id);
  }
  Reevaluation out{!stored.remarked.empty(), evaluation.rejections};
  if (stored.now != stored.old) {
    out.changed = true;
    write_derived(id, stored.old, stored.now);
  }
  std::vector<ClockRow> clocks;
  clocks.reserve(evaluation.clocks.size());
  for (const ClockRun& run : evaluation.clocks) {
    clocks.push_back(to_row(run));
  }
  std::vector<ClockRow> old_clocks;
  old_clocks.reserve(stored_clocks.size());
  // Runs are numbered 1, 2, ... as written here; any other numbering is written afresh.
  bool numbered = true;
  for (const ClockState& old : stored_clocks) {
    old_clocks.push_back(old.row);
    numbered = numbered && old.seq == static_cast<std::int64_t>(old_clocks.size());
  }
  if (old_clocks == clocks) {
    return out;
  }
  out.changed = true;
  out.outcomes_changed = stopped_outcomes(old_clocks) != stopped_outcomes(clocks);
  for (const ClockRow& row : clocks) {
    if (row.outcome != "running") {
      continue;
    }
    const bool same =
        std::any_of(old_clocks.begin(), old_clocks.end(), [&row](const ClockRow& old) {
          return old.outcome == "running" && old.metric == row.metric
                 && old.start_at == row.start_at && old.due_at == row.due_at;
        });
    if (!same) {
      ++out.moved;
    }
  }
  // Only the runs that differ are written: in place where a run of that number is stored.
  const std::size_t kept = numbered ? std::min(old_clocks.size(), clocks.size()) : 0;
  if (!numbered || clocks.size() < old_clocks.size()) {
    delete_clocks_after(id, static_cast<std::int64_t>(kept));
  }
  for (std::size_t i = 0; i < clocks.size(); ++i) {
    const auto seq = static_cast<std::int64_t>(i + 1);
    if (i >= kept) {
      insert_clock(id, seq, clocks[i]);
    } else if (clocks[i] != old_clocks[i]) {
      update_clock(id, seq, old_clocks[i], clocks[i]);
    }
  }
  return out;
}

Stored Reevaluator::evaluate_stored(std::int64_t id, RulesCache& rules) {
  Reader reader(read_requests(RequestSelection{RequestSelection::By::request, id}));
  History history;
  if (!reader.next(history)) {
    throw no_request(RequestId{id});
  }
  Stored out = evaluate(history, rules);
  out.clocks = std::move(history.clocks);
  return out;
}

Reevaluation Reevaluator::reevaluate(std::int64_t id, RulesCache& rules) {
  const Stored stored = evaluate_stored(id, rules);
  return write(id, stored, stored.clocks);
}

RuleEffect Reevaluator::reevaluate_selected(const RequestSelection& selection, RulesCache& rules) {
  RuleEffect effect;
  Reader reader(read_requests(selection));
  // Read a batch, then write it: SQLite saves a cursor's place when its table is written and
  // seeks it again at the next read, so once a batch instead of once a request.
  std::vector<History> batch(k_batch);
  std::size_t read = k_batch;
  while (read == k_batch) {
    read = 0;
    while (read < k_batch && reader.next(batch[read])) {
      ++read;
    }
    for (std::size_t i = 0; i < read; ++i) {
      const std::int64_t id = batch[i].request.id;
      const Reevaluation done = write(id, evaluate(batch[i], rules), batch[i].clocks);
      effect.requests += done.changed ? 1 : 0;
      effect.outcomes += done.outcomes_changed ? 1 : 0;
      if (done.outcomes_changed) {
        effect.outcome_ids.push_back(RequestId{id});
      }
      effect.moved += done.moved;
    }
  }
  return effect;
}

} // namespace slatrack::store
