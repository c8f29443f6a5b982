// Why this file: `copy` and the backup of a team database move a whole database between backends
// table by table. One list of the tables and their columns (data_tables) serves both; each backend
// reads its tables with a TableReader and writes them with a TableWriter, streaming: rows go from
// one to the other as they are read (PostgreSQL's COPY both ways, SQLite's prepared statements),
// so memory does not grow with the database and the server gets no round trip per row.
#pragma once

#include "slatrack/store.hpp"
#include "store/pg.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack::store {

// A column of a copied table: text or integer (every other column).
struct TableColumn {
  std::string_view name;
  bool text = false;
};

// A table that holds data, with its columns (the same on both backends at k_schema_version) and
// its primary key, the order rows are read in.
struct Table {
  std::string_view name;
  std::vector<TableColumn> columns;
  std::string_view order;
};

// Every table that holds data at k_schema_version, each after the tables it references: calendars
// and their versions and holidays, policies, their versions and targets, clients and their
// addresses, requests, events, clock runs, what `overdue --new` told, the messages `mail` recorded.
// A new migration that adds a table or a column adds it here (tested: the copy of a database
// compared with its source, tests/pg/copy.sh).
[[nodiscard]] const std::vector<Table>& data_tables();

// One value of a row: NULL, or the integer or text of its column (the other one empty).
struct Cell {
  bool null = true;
  std::int64_t integer = 0;
  std::string text;
  bool operator==(const Cell&) const = default;
};
using Row = std::vector<Cell>;

// Reads a backend's tables, inside a transaction its caller holds (one snapshot for all of them).
class TableReader {
public:
  TableReader() = default;
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;
  virtual ~TableReader() = default;
  // Passes each row of `table` (its columns in order) to `visit`, in the order of its primary key:
  // all of them, or the first `limit`. Throws Error{storage}.
  virtual void read(const Table& table, std::optional<std::int64_t> limit,
                    const std::function<void(const Row&)>& visit) = 0;
};

// Writes rows into a backend's tables, inside a write transaction its caller holds.
class TableWriter {
public:
  TableWriter() = default;
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;
  virtual ~TableWriter() = default;
  // Deletes every row of `table`.
  virtual void clear(const Table& table) = 0;
  // Before the first table of a load into empty tables: the backend may make it cheaper (PostgreSQL
  // drops the foreign keys and the secondary indexes, finish() makes them again).
  virtual void start() {}
  virtual void begin(const Table& table) = 0;
  virtual void add(const Row& row) = 0;
  virtual void end() = 0;
  // After the last table. Throws Error{storage} (a row that breaks a foreign key).
  virtual void finish() {}
};

[[nodiscard]] std::unique_ptr<TableReader> sqlite_table_reader(sqlite::Database& db);
[[nodiscard]] std::unique_ptr<TableWriter> sqlite_table_writer(sqlite::Database& db);
[[nodiscard]] std::unique_ptr<TableReader> pg_table_reader(pg::Connection& db);
[[nodiscard]] std::unique_ptr<TableWriter> pg_table_writer(pg::Connection& db);

// Empties `to` (a database that holds only the built-in calendar and policy a new one starts with)
// and copies every table of `from` into it. Returns the requests and the rows copied.
CopyResult copy_tables(TableReader& from, TableWriter& to);

// `copy DEST` (Store::copy_to) from `from`, read inside the caller's snapshot: opens `dest` (a
// postgresql:// URL or a file path; a missing file is created, mode 0600), migrates it, and in one
// write transaction checks that it holds no requests and no rules of its own (it is what `init`
// makes) and copies every table into it. Throws Error{invalid_input} when `dest` holds anything of
// its own (then nothing is written), Error{storage} when it cannot be opened or written (then
// nothing is written, and a file the copy created is removed).
CopyResult copy_into(TableReader& from, const std::string& dest);

} // namespace slatrack::store
