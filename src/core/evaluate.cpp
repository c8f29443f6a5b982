// SLA evaluation (SPEC.md "The clocks"): replays a request's events in time order as a small state
// machine (open / waiting / resolved) and records every run of the reply, update and resolve
// clocks. It is a pure function of the set of events, the targets and the calendar: events are
// sorted by (at, seq) first, so the order in which they were entered never matters. Events that
// cannot apply where they fall in time change nothing and are listed as rejections.
#include "slatrack/evaluate.hpp"

#include <algorithm>
#include <cstddef>
#include <tuple>
#include <utility>

namespace slatrack {

namespace {

// The replay of one request's events. One instance per evaluation.
// The index of a running clock run, or none. (std::optional<std::size_t> here trips g++ 12's
// -Wmaybe-uninitialized at -O3, a known false positive.)
class RunIndex {
public:
  RunIndex() = default;
  RunIndex(std::size_t index) : m_index(index) {} // NOLINT: implicit like std::optional
  explicit operator bool() const {
    return m_index != k_none;
  }
  std::size_t operator*() const {
    return m_index;
  }
  void reset() {
    m_index = k_none;
  }

private:
  static constexpr std::size_t k_none = static_cast<std::size_t>(-1);
  std::size_t m_index = k_none;
};

class Replay {
public:
  Replay(const Targets& targets, const Clock& clock) : m_targets(targets), m_clock(clock) {}

  // Applies one event; the events come in (at, seq) order.
  void apply(const ClockEvent& event) {
    if (!m_result.received_at) {
      if (event.kind != EventKind::message) {
        reject(event, Conflict::before_first_message);
        return;
      }
      first_message(event.at);
      m_horizon = event.at;
      return;
    }
    bool applied = true;
    switch (event.kind) {
    case EventKind::message:
      message(event.at);
      break;
    case EventKind::reply:
      reply(event.at);
      break;
    case EventKind::pause:
      applied = pause(event);
      break;
    case EventKind::resume:
      applied = resume(event);
      break;
    case EventKind::resolve:
      applied = resolve(event);
      break;
    case EventKind::reopen:
      applied = reopen(event);
      break;
    case EventKind::note:
    case EventKind::assign:
    case EventKind::edit:
    case EventKind::void_event:
    case EventKind::unvoid:
      break;
    }
    if (applied) {
      m_horizon = event.at;
    }
  }

  // The evaluation after the last event: running clocks are measured up to the last event that
  // applied.
  [[nodiscard]] Evaluation finish() && {
    if (m_reply) {
      ClockRun& run = m_result.clocks[*m_reply];
      run.used = m_clock.open(run.start, m_horizon);
      m_result.reply_due = run.due;
    }
    if (m_update) {
      ClockRun& run = m_result.clocks[*m_update];
      run.used = m_clock.open(run.start, m_horizon);
      m_result.update_due = run.due;
    }
    if (m_resolve) {
      ClockRun& run = m_result.clocks[*m_resolve];
      run.due = resolve_due();
      run.used =
          m_counted + (m_counting_since ? m_clock.open(*m_counting_since, m_horizon) : Seconds{0});
      if (m_counting_since) {
        m_result.resolve_due = run.due;
      }
    }
    // Runs are created in event order, so a stable sort keeps runs with the same start and metric
    // (several events at one second) in the order they happened.
    std::stable_sort(m_result.clocks.begin(), m_result.clocks.end(),
                     [](const ClockRun& a, const ClockRun& b) {
                       return std::tie(a.start, a.metric) < std::tie(b.start, b.metric);
                     });
    return std::move(m_result);
  }

private:
  void reject(const ClockEvent& event, Conflict conflict) {
    m_result.rejections.push_back(Rejection{event.seq, conflict});
  }

  void first_message(Instant at) {
    m_result.received_at = at;
    m_result.status = Status::open;
    m_reply = start_run(Metric::reply, at, m_targets.reply);
    if (m_targets.resolve) {
      start_resolve_run(at);
    }
  }

  // A client message: reopens a resolved request, resumes a waiting one, starts a reply clock if
  // none runs and ends the update clock (a reply is owed now).
  void message(Instant at) {
    if (m_result.status == Status::resolved) {
      do_reopen(at);
    } else if (m_result.status == Status::waiting) {
      // No update clock: the reply clock that starts below (or runs already) excludes it.
      do_resume(at, false);
    }
    if (!m_reply) {
      m_reply = start_run(Metric::reply, at, m_targets.reply);
    }
    stop_timed(m_update, at);
  }

  void reply(Instant at) {
    stop_timed(m_reply, at);
    if (!m_result.replied_at) {
      m_result.replied_at = at;
    }
    if (m_result.status == Status::open && m_targets.update) {
      stop_timed(m_update, at);
      m_update = start_run(Metric::update, at, *m_targets.update);
    }
  }

  bool pause(const ClockEvent& event) {
    if (m_result.status != Status::open) {
      reject(event, Conflict::not_open);
      return false;
    }
    m_result.status = Status::waiting;
    stop_timed(m_update, event.at);
    stop_counting(event.at);
    return true;
  }

  bool resume(const ClockEvent& event) {
    if (m_result.status != Status::waiting) {
      reject(event, Conflict::not_waiting);
      return false;
    }
    do_resume(event.at, true);
    return true;
  }

  void do_resume(Instant at, bool may_start_update) {
    m_result.status = Status::open;
    if (m_resolve) {
      m_counting_since = at;
    }
    if (may_start_update && !m_reply && m_targets.update) {
      m_update = start_run(Metric::update, at, *m_targets.update);
    }
  }

  bool resolve(const ClockEvent& event) {
    if (m_result.status == Status::resolved) {
      reject(event, Conflict::already_resolved);
      return false;
    }
    const Instant at = event.at;
    m_result.status = Status::resolved;
    m_result.resolved_at = at;
    stop_timed(m_reply, at);
    stop_timed(m_update, at);
    if (m_resolve) {
      ClockRun& run = m_result.clocks[*m_resolve];
      run.due = resolve_due(); // before the count stops: the due of the stretch that ends here
      stop_counting(at);
      run.stop = at;
      run.used = m_counted;
      run.outcome = m_resolve_breached_at ? Outcome::breached : Outcome::met;
      m_resolve.reset();
    }
    return true;
  }

  bool reopen(const ClockEvent& event) {
    if (m_result.status != Status::resolved) {
      reject(event, Conflict::not_resolved);
      return false;
    }
    do_reopen(event.at);
    return true;
  }

  // A reopen is a client message for the reply clock; the resolve clock goes on from its count.
  void do_reopen(Instant at) {
    m_result.status = Status::open;
    m_result.resolved_at.reset();
    if (!m_reply) {
      m_reply = start_run(Metric::reply, at, m_targets.reply);
    }
    if (m_targets.resolve) {
      start_resolve_run(at);
    }
  }

  // Starts a reply or update run at `at`; returns its index in the clocks. Due at add(at, target),
  // or addbd(at, N) for a target of N business days.
  std::size_t start_run(Metric metric, Instant at, Target target) {
    ClockRun run;
    run.metric = metric;
    run.start = at;
    run.due = target.in_business_days() ? m_clock.add_business_days(at, target.business_days)
                                        : m_clock.add(at, target.time);
    run.target = target;
    m_result.clocks.push_back(run);
    return m_result.clocks.size() - 1;
  }

  // Stops the reply or update run `running` at `at`, if there is one.
  void stop_timed(RunIndex& running, Instant at) {
    if (!running) {
      return;
    }
    ClockRun& run = m_result.clocks[*running];
    run.stop = at;
    run.used = m_clock.open(run.start, at);
    run.outcome = run.due && at <= *run.due ? Outcome::met : Outcome::breached;
    running.reset();
  }

  void start_resolve_run(Instant at) {
    ClockRun run;
    run.metric = Metric::resolve;
    run.start = at;
    run.target = *m_targets.resolve;
    run.credit = m_counted;
    m_result.clocks.push_back(run);
    m_resolve = m_result.clocks.size() - 1;
    m_counting_since = at;
  }

  // Ends the current stretch of counting at `at` and notes when the count passed the target.
  void stop_counting(Instant at) {
    if (!m_counting_since) {
      return;
    }
    const Seconds counted = m_counted + m_clock.open(*m_counting_since, at);
    if (!m_resolve_breached_at) {
      const Target target = *m_targets.resolve;
      if (target.in_business_days()) {
        const Instant due = business_resolve_due();
        if (at > due) {
          m_resolve_breached_at = due;
        }
      } else if (counted > target.time) {
        m_resolve_breached_at = m_clock.add(*m_counting_since, target.time - m_counted);
      }
    }
    m_counted = counted;
    m_counting_since.reset();
  }

  // The due time of the resolve clock now: add(s, target - c) while counting within the target,
  // the instant the count passed the target once it has, nullopt while not counting before that.
  // A target of N business days: add(addbd(first message, N), w) while counting and not breached.
  [[nodiscard]] std::optional<Instant> resolve_due() const {
    const Target target = *m_targets.resolve;
    if (target.in_business_days()) {
      if (m_counting_since && !m_resolve_breached_at) {
        return business_resolve_due();
      }
    } else if (m_counting_since && m_counted <= target.time) {
      return m_clock.add(*m_counting_since, target.time - m_counted);
    }
    return m_resolve_breached_at;
  }

  // add(addbd(first message, N), w) for the stretch counting since m_counting_since: w is the open
  // time between the first message and that start during which the clock did not count (waiting
  // or resolved).
  [[nodiscard]] Instant business_resolve_due() const {
    const Instant first = *m_result.received_at;
    const Seconds w = m_clock.open(first, *m_counting_since) - m_counted;
    return m_clock.add(m_clock.add_business_days(first, m_targets.resolve->business_days), w);
  }

  const Targets& m_targets;
  const Clock& m_clock;
  Evaluation m_result;
  Instant m_horizon{}; // the last event that applied
  RunIndex m_reply;    // index of the running run of each metric
  RunIndex m_update;
  RunIndex m_resolve;
  Seconds m_counted{0};                    // resolve: open time counted before m_counting_since
  std::optional<Instant> m_counting_since; // resolve: counting since, while the status is open
  std::optional<Instant> m_resolve_breached_at; // resolve: when the count passed the target
};

} // namespace

std::string_view describe(Conflict conflict) {
  switch (conflict) {
  case Conflict::before_first_message:
    return "it is before the request's first message";
  case Conflict::not_open:
    return "it is not open then (already waiting or resolved)";
  case Conflict::not_waiting:
    return "it is not waiting on the client then";
  case Conflict::already_resolved:
    return "it is already resolved then";
  case Conflict::not_resolved:
    return "it is not resolved then";
  }
  return "it conflicts with the request's history";
}

Evaluation evaluate(std::span<const ClockEvent> events, const Targets& targets,
                    const Clock& clock) {
  std::vector<ClockEvent> sorted(events.begin(), events.end());
  // seq is unique per request; the kind only makes the order total for malformed input.
  std::sort(sorted.begin(), sorted.end(), [](const ClockEvent& a, const ClockEvent& b) {
    return std::tie(a.at, a.seq, a.kind) < std::tie(b.at, b.seq, b.kind);
  });
  Replay replay(targets, clock);
  for (const ClockEvent& event : sorted) {
    replay.apply(event);
  }
  return std::move(replay).finish();
}

Seconds open_margin(const ClockRun& run, const Clock& clock) {
  if (!run.due || !run.stop) {
    return Seconds{0};
  }
  return run.outcome == Outcome::met ? clock.open(*run.stop, *run.due)
                                     : clock.open(*run.due, *run.stop);
}

Seconds missed_by(const ClockRun& run, const Clock& clock) {
  return run.target.in_business_days() ? open_margin(run, clock) : run.used - run.target.time;
}

std::optional<NextDue> next_due(const Evaluation& evaluation) {
  std::optional<NextDue> next;
  const auto consider = [&next](Metric metric, const std::optional<Instant>& due) {
    if (due && (!next || *due < next->due)) {
      next = NextDue{metric, *due};
    }
  };
  consider(Metric::reply, evaluation.reply_due);
  consider(Metric::update, evaluation.update_due);
  consider(Metric::resolve, evaluation.resolve_due);
  return next;
}

} // namespace slatrack
