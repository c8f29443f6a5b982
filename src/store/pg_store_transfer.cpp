// Why this file: the team database's mail in and transfer (store/pg_store_impl.hpp): the messages
// recorded, export, import (PgImportTarget, PgBulkImport), backup, copy and check.
#include "slatrack/mail.hpp"
#include "store/pg_store_impl.hpp"

namespace slatrack::pg_store {

namespace {

// Import into the team database (store::Importer decides, as on a file): look-ups by statement,
// numbers after the highest (under the write lock), and each batch's rows sent with COPY, one
// statement per table, no round trip per row.
class PgImportTarget final : public store::ImportTarget {
public:
  explicit PgImportTarget(pg::Connection& db) : m_db(db) {}

  [[nodiscard]] std::string location() const override {
    return m_db.location();
  }

  std::int64_t last_request() override {
    return m_db.query("SELECT coalesce(max(id), 0) FROM requests", {}).integer(0, 0);
  }

  std::optional<std::int64_t> request_with_ref(const std::string& ref) override {
    return first_row("SELECT id FROM requests WHERE ref = $1", {pg::value(ref)}, &first_id);
  }

  std::optional<std::int64_t> same_request(std::int64_t client_id, const std::string& subject,
                                           Instant received_at, std::int64_t before) override {
    return first_row("SELECT id FROM requests WHERE received_at = $1 AND client_id = $2 AND "
                     "subject = $3 AND ref IS NULL AND id < $4 ORDER BY id LIMIT 1",
                     {pg::value(to_db(received_at)), pg::value(client_id), pg::value(subject),
                      pg::value(before)},
                     &first_id);
  }

  std::optional<store::ImportClient> find_client(const std::string& name) override {
    return first_row("SELECT id, name, policy_id, owner FROM clients WHERE fold(name) = fold($1)",
                     {pg::value(name)}, [](const pg::Result& rows) {
                       return store::ImportClient{rows.integer(0, 0), rows.text(0, 1),
                                                  rows.integer(0, 2), rows.optional_text(0, 3)};
                     });
  }

  std::optional<store::ImportPolicy> find_policy(std::string_view name) override {
    return first_row("SELECT id, name FROM policies WHERE fold(name) = fold($1)", {pg::value(name)},
                     [](const pg::Result& rows) {
                       return store::ImportPolicy{rows.integer(0, 0), rows.text(0, 1)};
                     });
  }

  std::vector<std::string> client_names() override {
    return names("SELECT name FROM clients ORDER BY fold(name), name");
  }

  std::vector<std::string> policy_names() override {
    return names("SELECT name FROM policies ORDER BY fold(name), name");
  }

  std::int64_t add_client(const std::string& name, std::int64_t policy_id, Instant now) override {
    return m_db
        .query("INSERT INTO clients (id, name, policy_id, created_at) SELECT coalesce(max(id), "
               "0) + 1, $1, $2, $3 FROM clients RETURNING id",
               {pg::value(name), pg::value(policy_id), pg::value(to_db(now))})
        .integer(0, 0);
  }

  void write(const store::ImportRows& rows, Instant now) override {
    if (rows.requests.empty()) {
      return;
    }
    {
      pg::CopyIn copy(m_db,
                      "COPY requests (id, client_id, subject, channel, priority, assignee, ref, "
                      "policy_id, created_at, status, received_at, replied_at, resolved_at, "
                      "reply_due_at, update_due_at, resolve_due_at, next_due_at, next_metric, "
                      "logged_assignee, voided_by, version_id) FROM STDIN",
                      "writing the imported requests");
      for (const store::ImportedRequest& row : rows.requests) {
        const Evaluation& evaluation = row.evaluation;
        const std::optional<NextDue> next = next_due(evaluation);
        pg::CopyRow line(copy.buffer());
        line.add(row.id)
            .add(row.client_id)
            .add(std::string_view{row.request->subject})
            .add(to_string(row.request->channel))
            .add(to_string(row.request->priority))
            .add(row.assignee)
            .add(row.request->ref)
            .add(row.policy_id)
            .add(to_db(now))
            .add(to_string(evaluation.status))
            .add(to_db(*evaluation.received_at))
            .add(to_db(evaluation.replied_at))
            .add(to_db(evaluation.resolved_at))
            .add(to_db(evaluation.reply_due))
            .add(to_db(evaluation.update_due))
            .add(to_db(evaluation.resolve_due));
        if (next) {
          line.add(to_db(next->due)).add(to_string(next->metric));
        } else {
          line.add(std::nullopt).add(std::nullopt);
        }
        line.add(row.logged_assignee).add(row.voided_by).add(row.version_id).end();
        copy.sent();
      }
      copy.end();
    }
    {
      std::int64_t id = m_db.query("SELECT coalesce(max(id), 0) FROM events", {}).integer(0, 0);
      pg::CopyIn copy(m_db,
                      "COPY events (id, request_id, kind, at, author, text, recorded_at, number, "
                      "recorder, target, voided_by) FROM STDIN",
                      "writing the imported events");
      for (const store::ImportedEvent& row : rows.events) {
        const ImportEvent& event = *row.event;
        pg::CopyRow(copy.buffer())
            .add(++id)
            .add(row.request_id)
            .add(to_string(event.kind))
            .add(to_db(event.at))
            .add(std::string_view{event.author})
            .add(event.text)
            .add(to_db(event.recorded_at.value_or(now)))
            .add(row.number)
            .add(std::string_view{event.recorder ? *event.recorder : event.author})
            .add(row.target)
            .add(row.voided_by)
            .end();
        copy.sent();
      }
      copy.end();
    }
    pg::CopyIn copy(m_db,
                    "COPY clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, "
                    "target_s, used_s, credit_s) FROM STDIN",
                    "writing the imported clock runs");
    for (const store::ImportedClock& row : rows.clocks) {
      const ClockRun& run = *row.run;
      pg::CopyRow(copy.buffer())
          .add(row.request_id)
          .add(row.seq)
          .add(to_string(run.metric))
          .add(to_db(run.start))
          .add(to_db(run.due))
          .add(to_db(run.stop))
          .add(to_string(run.outcome))
          .add(to_db(run.target))
          .add(static_cast<std::int64_t>(run.used.count()))
          .add(static_cast<std::int64_t>(run.credit.count()))
          .end();
      copy.sent();
    }
    copy.end();
  }

private:
  // The first row of `sql` over `params` as `read` makes it of the rows, or nullopt when there
  // is none.
  template <typename Read>
  auto first_row(std::string_view sql, std::initializer_list<pg::Value> params, Read read)
      -> std::optional<std::invoke_result_t<Read, const pg::Result&>> {
    const pg::Result rows = m_db.query(sql, params);
    if (rows.rows() == 0) {
      return std::nullopt;
    }
    return read(rows);
  }

  static std::int64_t first_id(const pg::Result& rows) {
    return rows.integer(0, 0);
  }

  std::vector<std::string> names(std::string_view sql) {
    const pg::Result rows = m_db.query(sql, {});
    std::vector<std::string> out;
    for (int i = 0; i < rows.rows(); ++i) {
      out.push_back(rows.text(i, 0));
    }
    return out;
  }

  pg::Connection& m_db;
};

// A bulk import on the team database: every batch in one write transaction (others wait for the
// write lock until the commit), the look-ups kept across batches.
class PgBulkImport final : public BulkImport {
public:
  PgBulkImport(pg::Connection& db, store::RulesSource rules, const ImportOptions& options)
      : m_rules(std::move(rules)), m_options(options), m_transaction(db), m_target(db),
        m_importer(m_target, m_rules, m_options) {}

  // The requests already there (the highest number).
  [[nodiscard]] std::int64_t existing_requests() const {
    return m_importer.next_id() - 1;
  }

  ImportResult add(std::span<const ImportRequest> batch) override {
    if (m_committed) {
      throw Error{ErrorKind::internal, "a bulk import was used after its commit"};
    }
    return m_importer.import_batch(batch);
  }

  void commit() override {
    m_transaction.commit();
    m_committed = true;
  }

private:
  store::RulesSource m_rules;
  ImportOptions m_options;
  pg::Transaction m_transaction;
  PgImportTarget m_target;
  store::Importer m_importer;
  bool m_committed = false;
};

} // namespace

bool PgStore::message_recorded(std::string_view message_id) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  const bool out = message_request(message_id).has_value();
  read.commit();
  return out;
}

std::optional<RequestId> PgStore::request_for_messages(std::span<const std::string> message_ids) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  std::optional<RequestId> out;
  for (const std::string& id : message_ids) {
    std::optional<std::int64_t> request = message_request(id);
    // A merged request's messages belong to the request it went into (a chain of merges is
    // short; the bound guards against a loop in a damaged database).
    for (int hops = 0; request && hops < 16; ++hops) {
      const pg::Result row =
          m_db.query("SELECT voided_by IS NULL FROM requests WHERE id = $1", {pg::value(*request)});
      if (row.rows() == 0) {
        request.reset();
        break;
      }
      if (row.text(0, 0) == "t") {
        break;
      }
      const pg::Result into = m_db.query("SELECT request_id FROM events WHERE merged_from = $1 "
                                         "AND voided_by IS NULL ORDER BY id LIMIT 1",
                                         {pg::value(*request)});
      request = into.rows() > 0 ? std::optional<std::int64_t>{into.integer(0, 0)} : std::nullopt;
    }
    if (request && request_counts_row(*request)) {
      out = RequestId{*request};
      break;
    }
  }
  read.commit();
  return out;
}

std::optional<std::string> PgStore::client_for_address(std::string_view address) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  std::optional<std::string> out;
  const std::string_view domain = address_domain(address);
  for (const auto& [kind, value] : {std::pair{"email", address}, std::pair{"domain", domain}}) {
    const pg::Result rows =
        m_db.query("SELECT c.name FROM client_addresses a JOIN clients c ON c.id = a.client_id "
                   "WHERE a.kind = $1 AND a.address = $2",
                   {pg::value(kind), pg::value(value)});
    if (rows.rows() > 0) {
      out = rows.text(0, 0);
      break;
    }
  }
  read.commit();
  return out;
}

void PgStore::record_message(std::string_view message_id, RequestId request) {
  pg::Transaction write(m_db);
  m_db.query("INSERT INTO mail_messages (message_id, request_id) VALUES ($1, $2) "
             "ON CONFLICT DO NOTHING",
             {pg::value(message_id), pg::value(request.value)});
  write.commit();
}

bool PgStore::request_counts(RequestId id) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  const bool out = request_counts_row(id.value);
  read.commit();
  return out;
}

std::optional<std::int64_t> PgStore::message_request(std::string_view message_id) {
  // A ref a script logged as "id" or " <id>" is the request of mail's "<id>": after the id as
  // written, its other forms, in the one round trip.
  std::string sql = "SELECT coalesce((SELECT request_id FROM mail_messages WHERE message_id = $1), "
                    "(SELECT id FROM requests WHERE ref = $1)";
  std::vector<pg::Value> ids{pg::value(message_id)};
  for (const std::string& form : other_ref_forms(message_id)) {
    ids.push_back(pg::value(form));
    sql += fmt::format(", (SELECT id FROM requests WHERE ref = ${})", ids.size());
  }
  return m_db.query(sql + ")", ids).optional_integer(0, 0);
}

bool PgStore::request_counts_row(std::int64_t id) {
  return m_db.query("SELECT 1 FROM requests WHERE id = $1 AND voided_by IS NULL", {pg::value(id)})
             .rows()
         > 0;
}

void PgStore::export_requests(const std::function<void(const RequestDetail&)>& visit) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  std::string request_sql(store::k_request_select);
  request_sql.insert(request_sql.find("\nFROM"), ", r.policy_id, r.voided_by, r.received_at");
  request_sql += "WHERE r.id > $1 ORDER BY r.id LIMIT $2";
  const std::string event_sql =
      fmt::format("SELECT request_id, {} FROM events WHERE request_id > $1 AND request_id <= "
                  "$2 ORDER BY request_id, at, id",
                  store::k_event_columns);
  const std::string clock_sql =
      "SELECT request_id, metric, start_at, due_at, stop_at, outcome, target_s, used_s, "
      "credit_s FROM clocks WHERE request_id > $1 AND request_id <= $2 ORDER BY request_id, seq";
  RulesCache rules;
  std::int64_t after = 0;
  for (;;) {
    const pg::Result requests =
        m_db.query(request_sql, {pg::value(after), pg::value(k_export_page)});
    if (requests.rows() == 0) {
      break;
    }
    const std::int64_t last = requests.integer(requests.rows() - 1, 0);
    const pg::Result events = m_db.query(event_sql, {pg::value(after), pg::value(last)});
    const pg::Result clocks = m_db.query(clock_sql, {pg::value(after), pg::value(last)});
    int event_row = 0;
    int clock_row = 0;
    RequestDetail detail;
    for (int i = 0; i < requests.rows(); ++i) {
      detail.request = read_request(requests, i);
      const std::int64_t id = detail.request.id.value;
      const store::PolicyRules policy =
          rules_at(requests.integer(i, store::k_request_columns),
                   to_instant(requests.integer(i, store::k_request_columns + 2)), rules);
      detail.targets = targets_for(*policy.version, detail.request.priority);
      detail.voided_by = requests.optional_integer(i, store::k_request_columns + 1);
      detail.events.clear();
      detail.clocks.clear();
      for (; event_row < events.rows() && events.integer(event_row, 0) <= id; ++event_row) {
        if (events.integer(event_row, 0) == id) {
          detail.events.push_back(read_event(events, event_row, 1));
        }
      }
      for (; clock_row < clocks.rows() && clocks.integer(clock_row, 0) <= id; ++clock_row) {
        if (clocks.integer(clock_row, 0) == id) {
          detail.clocks.push_back(read_clock(clocks, clock_row, 1));
        }
      }
      visit(detail);
    }
    after = last;
  }
  read.commit();
}

ImportResult PgStore::import_requests(std::span<const ImportRequest> batch,
                                      const ImportOptions& options) {
  pg::Transaction write(m_db);
  RulesCache rules;
  PgImportTarget target(m_db);
  const store::RulesSource source = [this, &rules](std::int64_t policy_id, Instant received) {
    return rules_at(policy_id, received, rules);
  };
  ImportResult result = store::Importer(target, source, options).import_batch(batch);
  write.commit();
  return result;
}

std::unique_ptr<BulkImport> PgStore::start_bulk_import(std::int64_t expected,
                                                       const ImportOptions& options) {
  if (m_db.in_transaction()) {
    return nullptr;
  }
  // The rules cache lives as long as the bulk import, which holds the function.
  auto rules = std::make_shared<RulesCache>();
  auto bulk = std::make_unique<PgBulkImport>(
      m_db,
      [this, rules](std::int64_t policy_id, Instant received) {
        return rules_at(policy_id, received, *rules);
      },
      options);
  if (bulk->existing_requests() >= expected) {
    return nullptr; // rolled back: nothing was changed
  }
  return bulk;
}

void PgStore::backup(const std::string& path) {
  store::create_backup_file(path);
  try {
    sqlite::Database target = store::open_database(path, OpenMode::create);
    pg::Transaction snapshot(m_db, pg::Transaction::Mode::read);
    sqlite::Transaction write(target);
    store::copy_tables(*store::pg_table_reader(m_db), *store::sqlite_table_writer(target));
    write.commit();
    snapshot.commit();
  } catch (...) {
    store::remove_backup(path);
    throw;
  }
}

CopyResult PgStore::copy_to(const std::string& dest) {
  pg::Transaction snapshot(m_db, pg::Transaction::Mode::read);
  CopyResult out = store::copy_into(*store::pg_table_reader(m_db), dest);
  snapshot.commit();
  return out;
}

CheckReport PgStore::check(const std::function<void(const std::string&)>& problem) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  CheckReport report;
  RulesCache rules;
  for (const std::int64_t id : ids("SELECT id FROM requests ORDER BY id", {})) {
    ++report.requests;
    std::vector<std::string> differences;
    try {
      const Stored stored = evaluate_stored(id, rules);
      // Each event whose void mark is not what its history gives, by its number in the request,
      // in the words of the file's check (sqlite_check.cpp).
      std::vector<std::string> marks;
      for (const Stored::Remark& remark : stored.remarked) {
        marks.push_back(fmt::format("event {} voided_by stored {} expected {}", remark.number,
                                    store::check_value(remark.stored),
                                    store::check_value(remark.expected)));
      }
      std::vector<ClockRow> clocks;
      for (const store::ClockState& stored_clock : stored.clocks) {
        clocks.push_back(stored_clock.row);
      }
      differences =
          store::derived_differences(stored.old, stored.now, marks, stored.evaluation, clocks);
    } catch (const Error& error) {
      differences.emplace_back(error.what());
    }
    if (!differences.empty()) {
      ++report.problems;
      problem(store::difference_line(id, differences));
    }
  }
  read.commit();
  return report;
}

} // namespace slatrack::pg_store
