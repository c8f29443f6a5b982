#include "store/search_words.hpp"

#include "slatrack/error.hpp"

#include <climits>
#include <fmt/format.h>
#include <sqlite3.h>
#include <utility>

namespace slatrack::store {

namespace {

struct DatabaseCloser {
  void operator()(sqlite3* db) const noexcept {
    sqlite3_close(db);
  }
};

[[noreturn]] void no_tokenizer(std::string_view why) {
  throw Error{ErrorKind::internal,
              fmt::format("list --search needs SQLite's FTS5 unicode61 tokenizer: {}", why)};
}

// The tokens of one text, folded, kept in one buffer.
struct Tokens {
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> spans; // offset, length in text

  void clear() {
    text.clear();
    spans.clear();
  }
  [[nodiscard]] std::string_view at(std::size_t i) const {
    return std::string_view(text).substr(spans[i].first, spans[i].second);
  }
};

int add_token(void* context, int /*flags*/, const char* token, int length, int /*start*/,
              int /*end*/) {
  auto* tokens = static_cast<Tokens*>(context);
  tokens->spans.emplace_back(tokens->text.size(), static_cast<std::size_t>(length));
  tokens->text.append(token, static_cast<std::size_t>(length));
  return SQLITE_OK;
}

} // namespace

struct SearchWords::Impl {
  std::unique_ptr<sqlite3, DatabaseCloser> db;
  fts5_tokenizer api{};
  Fts5Tokenizer* tokenizer = nullptr;
  std::vector<Tokens> words; // each word's tokens: a phrase, its last token a prefix
  Tokens scratch;

  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  Impl(Impl&&) = delete;
  Impl& operator=(Impl&&) = delete;
  Impl() = default;
  ~Impl() {
    if (tokenizer != nullptr) {
      api.xDelete(tokenizer);
    }
  }

  void tokenize(std::string_view text, int flags, Tokens& out) {
    out.clear();
    if (text.size() > static_cast<std::size_t>(INT_MAX)) {
      text = text.substr(0, static_cast<std::size_t>(INT_MAX));
    }
    const int rc = api.xTokenize(tokenizer, &out, flags, text.data(), static_cast<int>(text.size()),
                                 &add_token);
    if (rc != SQLITE_OK) {
      no_tokenizer(sqlite3_errstr(rc));
    }
  }
};

SearchWords::SearchWords(const std::vector<std::string>& words) : m_impl(std::make_unique<Impl>()) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr);
  m_impl->db.reset(db);
  if (rc != SQLITE_OK) {
    no_tokenizer(sqlite3_errstr(rc));
  }
  // The documented way to reach the FTS5 API: SELECT fts5(?1) with a pointer bound.
  fts5_api* fts5 = nullptr;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(statement, 1, static_cast<void*>(&fts5), "fts5_api_ptr", nullptr);
    sqlite3_step(statement);
  }
  sqlite3_finalize(statement);
  if (fts5 == nullptr) {
    no_tokenizer("this SQLite has no FTS5");
  }
  void* user_data = nullptr;
  if (fts5->xFindTokenizer(fts5, "unicode61", &user_data, &m_impl->api) != SQLITE_OK) {
    no_tokenizer("this SQLite has no unicode61 tokenizer");
  }
  // As in migration 4 (store/schema.cpp): tokenize = 'unicode61 remove_diacritics 2'.
  const char* arguments[] = {"remove_diacritics", "2"};
  if (m_impl->api.xCreate(user_data, arguments, 2, &m_impl->tokenizer) != SQLITE_OK) {
    m_impl->tokenizer = nullptr;
    no_tokenizer("cannot create it");
  }
  m_impl->words.resize(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    m_impl->tokenize(words[i], FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, m_impl->words[i]);
  }
}

SearchWords::~SearchWords() = default;

std::size_t SearchWords::size() const {
  return m_impl->words.size();
}

void SearchWords::find(std::string_view text, std::vector<bool>& found) {
  Tokens& tokens = m_impl->scratch;
  m_impl->tokenize(text, FTS5_TOKENIZE_DOCUMENT, tokens);
  const std::size_t count = tokens.spans.size();
  for (std::size_t w = 0; w < m_impl->words.size(); ++w) {
    const Tokens& phrase = m_impl->words[w];
    const std::size_t length = phrase.spans.size();
    if (found[w] || length == 0 || length > count) {
      continue; // a phrase without tokens matches nothing, as in FTS5
    }
    for (std::size_t start = 0; start + length <= count && !found[w]; ++start) {
      bool match = true;
      for (std::size_t j = 0; j < length && match; ++j) {
        const std::string_view token = tokens.at(start + j);
        const std::string_view want = phrase.at(j);
        match = j + 1 < length ? token == want : token.starts_with(want);
      }
      if (match) {
        found[w] = true;
      }
    }
  }
}

} // namespace slatrack::store
