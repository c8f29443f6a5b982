// The words of `list --search` matched outside SQLite's index (docs/storage.md, "Search"): for a
// backend without the FTS5 index of migration 4 (the team database). A database file finds the
// requests with FTS5 prefix queries over its unicode61 (remove_diacritics 2) index; this
// matches the same way, with the same tokenizer (SQLite's own, from an in-memory database), so a
// server finds exactly what a file finds whatever its collation: each word, cut into tokens as
// FTS5 cuts a query phrase, matches a text whose folded tokens contain those tokens one after the
// other, the last one as a prefix.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack::store {

class SearchWords {
public:
  // The words of a search (at least one). Throws Error{internal} when SQLite has no FTS5.
  explicit SearchWords(const std::vector<std::string>& words);
  SearchWords(const SearchWords&) = delete;
  SearchWords& operator=(const SearchWords&) = delete;
  SearchWords(SearchWords&&) = delete;
  SearchWords& operator=(SearchWords&&) = delete;
  ~SearchWords();

  [[nodiscard]] std::size_t size() const;
  // Sets found[i] for every word i that `text` has (found has size() entries; others unchanged).
  void find(std::string_view text, std::vector<bool>& found);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace slatrack::store
