// `slatrack check` on SQLite: kept in its own file, called by SqliteStore (docs/reliability.md).
#pragma once

#include "slatrack/store.hpp"
#include "store/sqlite.hpp"
#include "store/transfer.hpp"

#include <functional>
#include <string>

namespace slatrack::store {

// Runs PRAGMA integrity_check and PRAGMA foreign_key_check on `db`, then re-evaluates every
// request from its events under `rules` and compares the result with the stored requests columns
// and clock runs, calling `problem` with one line per problem. Reads requests, events and clocks
// with three cursors side by side (ordered by request), so memory does not grow with the database.
// Writes nothing; run it inside a read transaction. Throws Error{storage}.
[[nodiscard]] CheckReport check_database(sqlite::Database& db, const RulesSource& rules,
                                         const std::function<void(const std::string&)>& problem);

} // namespace slatrack::store
