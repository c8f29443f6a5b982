#include "store/tables.hpp"

#include "slatrack/error.hpp"
#include "store/pg_schema.hpp"
#include "store/schema.hpp"
#include "store/transfer.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

namespace slatrack::store {

namespace {

// "SELECT a, b FROM t ORDER BY k" (with LIMIT n).
std::string select_sql(const Table& table, std::optional<std::int64_t> limit) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    sql += (i > 0 ? ", " : "") + std::string(table.columns[i].name);
  }
  sql += fmt::format(" FROM {} ORDER BY {}", table.name, table.order);
  if (limit) {
    sql += fmt::format(" LIMIT {}", *limit);
  }
  return sql;
}

std::string column_list(const Table& table) {
  std::string out;
  for (const TableColumn& column : table.columns) {
    out += (out.empty() ? "" : ", ") + std::string(column.name);
  }
  return out;
}

class SqliteReader final : public TableReader {
public:
  explicit SqliteReader(sqlite::Database& db) : m_db(db) {}

  void read(const Table& table, std::optional<std::int64_t> limit,
            const std::function<void(const Row&)>& visit) override {
    sqlite::Statement select(m_db, select_sql(table, limit));
    sqlite::Statement::Use use = select.use();
    sqlite3_stmt* statement = select.get();
    Row row(table.columns.size());
    while (use.step()) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        const int column = static_cast<int>(i);
        Cell& cell = row[i];
        cell.null = sqlite3_column_type(statement, column) == SQLITE_NULL;
        cell.integer = 0;
        cell.text.clear();
        if (cell.null) {
          continue;
        }
        if (table.columns[i].text) {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
          cell.text.assign(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
        } else {
          cell.integer = sqlite3_column_int64(statement, column);
        }
      }
      visit(row);
    }
  }

private:
  sqlite::Database& m_db;
};

class SqliteWriter final : public TableWriter {
public:
  explicit SqliteWriter(sqlite::Database& db) : m_db(db) {}

  void clear(const Table& table) override {
    m_db.exec(fmt::format("DELETE FROM {}", table.name), "emptying the copy");
  }

  void begin(const Table& table) override {
    std::string marks;
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      marks += i > 0 ? ", ?" : "?";
    }
    m_insert.emplace(m_db, fmt::format("INSERT INTO {} ({}) VALUES ({})", table.name,
                                       column_list(table), marks));
    m_table = &table;
  }

  void add(const Row& row) override {
    sqlite::Statement::Use use = m_insert->use();
    for (std::size_t i = 0; i < row.size(); ++i) {
      const Cell& cell = row[i];
      if (cell.null) {
        use.bind(std::nullopt);
      } else if (m_table->columns[i].text) {
        use.bind_static(cell.text);
      } else {
        use.bind(cell.integer);
      }
    }
    use.run();
  }

  void end() override {
    m_insert.reset();
  }

private:
  sqlite::Database& m_db;
  std::optional<sqlite::Statement> m_insert;
  const Table* m_table = nullptr;
};

class PgReader final : public TableReader {
public:
  explicit PgReader(pg::Connection& db) : m_db(db) {}

  void read(const Table& table, std::optional<std::int64_t> limit,
            const std::function<void(const Row&)>& visit) override {
    Row row(table.columns.size());
    m_db.copy_out(fmt::format("COPY ({}) TO STDOUT", select_sql(table, limit)),
                  fmt::format("reading {}", table.name), [&](std::string_view line) {
                    std::size_t at = 0;
                    for (std::size_t i = 0; i < row.size(); ++i) {
                      Cell& cell = row[i];
                      cell.null = !pg::read_copy_field(line, at, cell.text);
                      cell.integer = 0;
                      if (!cell.null && !table.columns[i].text) {
                        cell.integer = to_integer(cell.text, table);
                        cell.text.clear();
                      }
                    }
                    visit(row);
                  });
  }

private:
  std::int64_t to_integer(std::string_view text, const Table& table) const {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
      throw Error{ErrorKind::storage,
                  fmt::format("{} holds \"{}\" in table {} where a number belongs; run slatrack "
                              "check, or restore a backup",
                              m_db.location(), text, table.name)};
    }
    return value;
  }

  pg::Connection& m_db;
};

// Drops and makes again what a bulk load into empty tables need not maintain row by row: the
// foreign keys (each a trigger and a look-up per row; ADD CONSTRAINT checks them all in one join),
// the primary keys, unique constraints and the other indexes (each built in one sort, which also
// checks uniqueness). All in the copy's transaction: a failure brings them back with the rest.
class PgWriter final : public TableWriter {
public:
  explicit PgWriter(pg::Connection& db) : m_db(db) {}

  void clear(const Table& table) override {
    m_db.exec(fmt::format("DELETE FROM {}", table.name), "emptying the copy");
  }

  void start() override {
    // Only the tables' owner may drop and make keys and indexes: another role (granted the
    // tables, docs/teams.md) copies into them as they are, row by row checked.
    if (m_db.query("SELECT coalesce(bool_and(pg_has_role(c.relowner, 'USAGE')), false) FROM "
                   "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = "
                   "'slatrack' AND c.relkind = 'r'",
                   {})
            .text(0, 0)
        != "t") {
      return;
    }
    // Foreign keys first, then primary keys and unique constraints, then the other indexes;
    // finish() makes them again in the reverse order.
    const pg::Result keys = m_db.query(
        "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname), "
        "format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, "
        "pg_get_constraintdef(c.oid)) FROM pg_constraint c JOIN pg_namespace n ON n.oid = "
        "c.connamespace WHERE n.nspname = 'slatrack' AND c.contype IN ('f', 'p', 'u') "
        "AND c.conrelid <> 'slatrack.meta'::regclass ORDER BY c.contype <> 'f', c.oid",
        {});
    const pg::Result indexes = m_db.query(
        "SELECT format('DROP INDEX %s', x.indexrelid::regclass), pg_get_indexdef(x.indexrelid) "
        "FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_namespace n ON n.oid = "
        "c.relnamespace WHERE n.nspname = 'slatrack' AND x.indrelid <> 'slatrack.meta'::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid "
        "AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u')) ORDER BY c.oid",
        {});
    // Memory for the sorts that build the indexes, for this transaction only (the default 64 MB
    // spills a million requests' events to disk).
    m_db.exec("SET LOCAL maintenance_work_mem = '256MB'", "preparing the copy");
    for (const pg::Result* result : {&keys, &indexes}) {
      for (int i = 0; i < result->rows(); ++i) {
        m_db.exec(result->text(i, 0), "preparing the copy");
        m_again.push_back(result->text(i, 1));
      }
    }
  }

  void begin(const Table& table) override {
    m_copy.emplace(m_db, fmt::format("COPY {} ({}) FROM STDIN", table.name, column_list(table)),
                   fmt::format("copying {}", table.name));
    m_table = &table;
  }

  void add(const Row& row) override {
    pg::CopyRow line(m_copy->buffer());
    for (std::size_t i = 0; i < row.size(); ++i) {
      const Cell& cell = row[i];
      if (cell.null) {
        line.add(std::nullopt);
      } else if (m_table->columns[i].text) {
        line.add(std::string_view{cell.text});
      } else {
        line.add(cell.integer);
      }
    }
    line.end();
    m_copy->sent();
  }

  void end() override {
    m_copy->end();
    m_copy.reset();
  }

  void finish() override {
    for (auto sql = m_again.rbegin(); sql != m_again.rend(); ++sql) {
      m_db.exec(*sql, "checking the copy's keys and references and building its indexes");
    }
  }

private:
  pg::Connection& m_db;
  std::optional<pg::CopyIn> m_copy;
  const Table* m_table = nullptr;
  std::vector<std::string> m_again;
};

// Refuses a DEST that holds anything a new database does not: its rows of every table are compared
// with those of a new in-memory database of the same schema (the built-in calendar and policy).
void check_empty(TableReader& dest, const std::string& location) {
  sqlite::Database fresh = open_database(":memory:", OpenMode::create);
  const std::unique_ptr<TableReader> made = sqlite_table_reader(fresh);
  const auto differs = [&](const Table& table) {
    std::vector<Row> want;
    made->read(table, std::nullopt, [&want](const Row& row) { want.push_back(row); });
    std::vector<Row> have;
    dest.read(table, static_cast<std::int64_t>(want.size()) + 1,
              [&have](const Row& row) { have.push_back(row); });
    return have != want;
  };
  const auto refuse = [&location](std::string_view what) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("{} is not empty: it holds {}; copy writes only into an empty "
                            "database (a new file, a new database, or one just made by slatrack "
                            "init): name another DEST",
                            location, what)};
  };
  const std::vector<Table>& tables = data_tables();
  const auto requests = std::find_if(tables.begin(), tables.end(),
                                     [](const Table& table) { return table.name == "requests"; });
  if (differs(*requests)) {
    refuse("requests");
  }
  for (const Table& table : tables) {
    if (differs(table)) {
      refuse("rules of its own");
    }
  }
}

} // namespace

const std::vector<Table>& data_tables() {
  static const std::vector<Table> tables = [] {
    // A leading '$' marks a text column.
    const auto table = [](std::string_view name, std::initializer_list<std::string_view> columns,
                          std::string_view order) {
      Table out{name, {}, order};
      for (const std::string_view column : columns) {
        out.columns.push_back(
            TableColumn{column.substr(column.starts_with('$') ? 1 : 0), column.starts_with('$')});
      }
      return out;
    };
    return std::vector<Table>{
        table("calendars", {"id", "$name", "$zone", "$hours", "builtin"}, "id"),
        table("calendar_versions", {"calendar_id", "$from_day", "$zone", "$hours"},
              "calendar_id, from_day"),
        table("holidays", {"calendar_id", "year", "month", "day", "$name"},
              "calendar_id, year, month, day"),
        table("policies", {"id", "$name", "calendar_id", "builtin"}, "id"),
        table("policy_versions", {"id", "policy_id", "from_at", "calendar_id"}, "id"),
        table("policy_targets", {"version_id", "$priority", "reply_s", "update_s", "resolve_s"},
              "version_id, priority"),
        table("clients", {"id", "$name", "policy_id", "$owner", "$note", "created_at"}, "id"),
        table("client_addresses", {"$kind", "$address", "client_id"}, "kind, address"),
        table("requests", {"id",          "client_id",    "$subject",      "$channel",
                           "$priority",   "$assignee",    "$ref",          "policy_id",
                           "created_at",  "$status",      "received_at",   "replied_at",
                           "resolved_at", "reply_due_at", "update_due_at", "resolve_due_at",
                           "next_due_at", "$next_metric", "voided_by",     "$logged_assignee",
                           "version_id"},
              "id"),
        table("events",
              {"id", "request_id", "number", "$kind", "at", "$author", "$text", "recorded_at",
               "$recorder", "target", "voided_by", "merged_from"},
              "id"),
        table("clocks",
              {"request_id", "seq", "$metric", "start_at", "due_at", "stop_at", "$outcome",
               "target_s", "used_s", "credit_s"},
              "request_id, seq"),
        table("overdue_seen", {"request_id", "$metric", "start_at", "$state", "seen_at"},
              "request_id, metric, start_at, state"),
        table("mail_messages", {"$message_id", "request_id"}, "message_id"),
    };
  }();
  return tables;
}

std::unique_ptr<TableReader> sqlite_table_reader(sqlite::Database& db) {
  return std::make_unique<SqliteReader>(db);
}

std::unique_ptr<TableWriter> sqlite_table_writer(sqlite::Database& db) {
  return std::make_unique<SqliteWriter>(db);
}

std::unique_ptr<TableReader> pg_table_reader(pg::Connection& db) {
  return std::make_unique<PgReader>(db);
}

std::unique_ptr<TableWriter> pg_table_writer(pg::Connection& db) {
  return std::make_unique<PgWriter>(db);
}

CopyResult copy_tables(TableReader& from, TableWriter& to) {
  const std::vector<Table>& tables = data_tables();
  for (auto table = tables.rbegin(); table != tables.rend(); ++table) {
    to.clear(*table);
  }
  to.start();
  CopyResult out;
  for (const Table& table : tables) {
    const bool requests = table.name == "requests";
    to.begin(table);
    from.read(table, std::nullopt, [&](const Row& row) {
      to.add(row);
      ++out.rows;
      out.requests += requests ? 1 : 0;
    });
    to.end();
  }
  to.finish();
  return out;
}

CopyResult copy_into(TableReader& from, const std::string& dest) {
  if (pg::is_url(dest)) {
    pg::Connection to = open_pg_database(dest, OpenMode::create);
    pg::Transaction write(to);
    check_empty(*pg_table_reader(to), to.location());
    CopyResult out = copy_tables(from, *pg_table_writer(to));
    write.commit();
    out.to = to.location();
    return out;
  }
  struct stat info {};
  bool created = false;
  if (::lstat(dest.c_str(), &info) != 0 && errno == ENOENT) {
    create_backup_file(dest);
    created = true;
  }
  try {
    sqlite::Database to = open_database(dest, OpenMode::create);
    sqlite::Transaction write(to);
    check_empty(*sqlite_table_reader(to), dest);
    CopyResult out = copy_tables(from, *sqlite_table_writer(to));
    write.commit();
    out.to = dest;
    return out;
  } catch (...) {
    if (created) {
      remove_backup(dest);
    }
    throw;
  }
}

} // namespace slatrack::store
