// Opening a team database on a PostgreSQL server (docs/teams.md): connecting, refusing a schema
// that a newer slatrack made, creating the schema (`init` and the commands that record something)
// and migrating it, in one transaction under the write lock.
#pragma once

#include "slatrack/store.hpp"
#include "store/pg.hpp"

#include <string>

namespace slatrack::store {

// The schema version a new team database starts at: its tables are those of SQLite schema 9
// (store/schema.hpp), made at once. Each later SQLite migration gets its PostgreSQL one, so that
// a version means the same tables on both (a static_assert in pg_schema.cpp holds them in step).
inline constexpr int k_pg_base_version = 9;

// Connects to `url` and checks and migrates its schema. OpenMode::create creates the schema (the
// PostgreSQL schema `slatrack` and its tables) in a database without it; the other modes refuse
// such a database naming `slatrack init`. Throws Error{storage} when the server cannot be reached
// or refuses, when a newer slatrack made the schema (then nothing is written) or when it cannot
// be created; Error{usage} for a URL libpq cannot read.
[[nodiscard]] pg::Connection open_pg_database(const std::string& url, OpenMode mode);

// The schema version of the database `connection` is on (0: no slatrack schema).
[[nodiscard]] int read_pg_schema_version(pg::Connection& connection);

} // namespace slatrack::store
