// Why this file: the SQLite store's mail in and transfer (store/sqlite_store_impl.hpp): the
// messages recorded, export, import, backup, copy and check.
#include "slatrack/mail.hpp"
#include "store/sqlite_store_impl.hpp"

namespace slatrack::sqlite_store {

bool SqliteStore::message_recorded(std::string_view message_id) {
  Transaction read(m_db, Transaction::Mode::deferred);
  const bool out = message_request(message_id).has_value();
  read.commit();
  return out;
}

std::optional<RequestId>
SqliteStore::request_for_messages(std::span<const std::string> message_ids) {
  Transaction read(m_db, Transaction::Mode::deferred);
  std::optional<RequestId> out;
  for (const std::string& id : message_ids) {
    std::optional<std::int64_t> request = message_request(id);
    // A merged request's messages belong to the request it went into (a chain of merges is
    // short; the bound guards against a loop in a damaged database).
    for (int hops = 0; request && hops < 16; ++hops) {
      {
        Use use = statement("SELECT voided_by IS NULL FROM requests WHERE id = ?").use();
        use.bind(*request);
        if (!use.step()) {
          request.reset();
          break;
        }
        if (use.integer(0) != 0) {
          break;
        }
      }
      Use use = statement("SELECT request_id FROM events WHERE merged_from = ? AND voided_by "
                          "IS NULL ORDER BY id LIMIT 1")
                    .use();
      use.bind(*request);
      request = use.step() ? std::optional<std::int64_t>{use.integer(0)} : std::nullopt;
    }
    if (request && request_counts_row(*request)) {
      out = RequestId{*request};
      break;
    }
  }
  read.commit();
  return out;
}

std::optional<std::string> SqliteStore::client_for_address(std::string_view address) {
  Transaction read(m_db, Transaction::Mode::deferred);
  std::optional<std::string> out;
  const std::string_view domain = address_domain(address);
  for (const auto& [kind, value] : {std::pair{"email", address}, std::pair{"domain", domain}}) {
    Use use = statement("SELECT c.name FROM client_addresses a JOIN clients c ON c.id = "
                        "a.client_id WHERE a.kind = ? AND a.address = ?")
                  .use();
    use.bind(std::string_view(kind)).bind(value);
    if (use.step()) {
      out = use.text(0);
      break;
    }
  }
  read.commit();
  return out;
}

void SqliteStore::record_message(std::string_view message_id, RequestId request) {
  Transaction write(m_db);
  {
    Use use = statement("INSERT OR IGNORE INTO mail_messages (message_id, request_id) "
                        "VALUES (?, ?)")
                  .use();
    use.bind(message_id).bind(request.value).run();
  }
  write.commit();
}

bool SqliteStore::request_counts(RequestId id) {
  Transaction read(m_db, Transaction::Mode::deferred);
  const bool out = request_counts_row(id.value);
  read.commit();
  return out;
}

std::optional<std::int64_t> SqliteStore::message_request(std::string_view message_id) {
  {
    Use use = statement("SELECT request_id FROM mail_messages WHERE message_id = ?").use();
    use.bind(message_id);
    if (use.step()) {
      return use.integer(0);
    }
  }
  // A ref a script logged as "id" or " <id>" is the request of mail's "<id>".
  return request_by_ref_forms(message_id);
}

bool SqliteStore::request_counts_row(std::int64_t id) {
  Use use = statement("SELECT 1 FROM requests WHERE id = ? AND voided_by IS NULL").use();
  use.bind(id);
  return use.step();
}

void SqliteStore::export_requests(const std::function<void(const RequestDetail&)>& visit) {
  Transaction read(m_db, Transaction::Mode::deferred);
  RulesCache rules;
  store::export_requests(statement_source(), rules_source(rules), &read_request, visit);
  read.commit();
}

ImportResult SqliteStore::import_requests(std::span<const ImportRequest> batch,
                                          const ImportOptions& options) {
  Transaction write(m_db);
  RulesCache rules;
  ImportResult result =
      store::import_requests(m_db, statement_source(), rules_source(rules), batch, options);
  write.commit();
  return result;
}

std::unique_ptr<BulkImport> SqliteStore::start_bulk_import(std::int64_t expected,
                                                           const ImportOptions& options) {
  // The rules cache lives as long as the bulk import, which holds the function.
  auto rules = std::make_shared<RulesCache>();
  return store::start_bulk_import(
      m_db, statement_source(),
      [rules, source = rules_source(*rules)](std::int64_t policy_id, Instant received) {
        return source(policy_id, received);
      },
      expected, options);
}

void SqliteStore::backup(const std::string& path) {
  store::backup_database(m_db, path);
}

CopyResult SqliteStore::copy_to(const std::string& dest) {
  Transaction read(m_db, Transaction::Mode::deferred);
  CopyResult out = store::copy_into(*store::sqlite_table_reader(m_db), dest);
  read.commit();
  return out;
}

CheckReport SqliteStore::check(const std::function<void(const std::string&)>& problem) {
  Transaction read(m_db, Transaction::Mode::deferred);
  RulesCache rules;
  // Not committed: the read transaction ends by rollback, which cannot fail on a damaged file.
  return store::check_database(m_db, rules_source(rules), problem);
}

} // namespace slatrack::sqlite_store
