// import: the input read a line at a time (memory is one line's worth and a chunk), and the
// progress bar on a terminal.
#include "cli/import.hpp"
#include "slatrack/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <sys/types.h>

namespace slatrack::cli::import_file {

namespace {

// The longest line import reads: an exported JSON line holds a request with all its events (each
// text up to 64 KiB), so this is generous; past it the import is refused, never cut.
constexpr std::size_t k_max_line_bytes = std::size_t{64} << 20;
// How much is read from the input at a time.
constexpr std::size_t k_read_chunk = std::size_t{64} << 10;
// The progress bar shows for inputs larger than this (or with more lines, for pipes).
constexpr std::int64_t k_progress_bytes = 1 << 20;
constexpr std::int64_t k_progress_lines = 10000;

} // namespace

bool LineReader::next(std::string_view& line) {
  while (true) {
    const std::size_t end = m_data.find('\n', m_scan);
    if (end != std::string::npos) {
      return take(line, end, end + 1);
    }
    m_scan = m_data.size();
    if (m_data.size() - m_start > k_max_line_bytes) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("{}:{}: the line is longer than {} MiB; import reads lines of at "
                              "most that: split the request's events over CSV rows, or shorten "
                              "its texts",
                              m_name, m_number + 1, k_max_line_bytes >> 20)};
    }
    if (m_end) {
      return m_start < m_data.size() && take(line, m_data.size(), m_data.size());
    }
    m_data.erase(0, m_start);
    m_scan -= m_start;
    m_start = 0;
    const std::size_t kept = m_data.size();
    m_data.resize(kept + k_read_chunk);
    const std::size_t got = std::fread(m_data.data() + kept, 1, k_read_chunk, m_in);
    m_data.resize(kept + got);
    if (got < k_read_chunk) {
      if (std::ferror(m_in) != 0) {
        throw Error{ErrorKind::storage,
                    fmt::format("cannot read {} after line {}: {}; nothing was imported from "
                                "the rest: check the file and run the import again",
                                m_name, m_number, std::strerror(errno))};
      }
      m_end = std::feof(m_in) != 0;
    }
  }
}

void LineReader::restart(std::int64_t offset, std::int64_t lines_before) {
  if (offset != m_bytes) {
    if (::fseeko(m_in, static_cast<off_t>(offset), SEEK_SET) != 0) {
      throw Error{ErrorKind::storage,
                  fmt::format("cannot read {} again at line {}: {}; nothing was imported from "
                              "the rest: check the file and run the import again",
                              m_name, lines_before + 1, std::strerror(errno))};
    }
    m_data.clear();
    m_start = 0;
    m_scan = 0;
    m_end = false;
    m_bytes = offset;
  }
  m_number = lines_before;
}

void LineReader::spool(std::FILE* spool) {
  const auto fail = [&] {
    throw Error{ErrorKind::storage,
                fmt::format("cannot keep {} in a temporary file after line {}: {}; nothing was "
                            "imported: check the space in TMPDIR (or /tmp), or give the file's "
                            "name instead of a pipe",
                            m_name, m_number, std::strerror(errno))};
  };
  const std::string_view rest = std::string_view(m_data).substr(m_start);
  if (std::fwrite(rest.data(), 1, rest.size(), spool) != rest.size()) {
    fail();
  }
  while (!m_end) {
    m_data.resize(k_read_chunk);
    const std::size_t got = std::fread(m_data.data(), 1, k_read_chunk, m_in);
    if (got < k_read_chunk) {
      if (std::ferror(m_in) != 0) {
        throw Error{ErrorKind::storage,
                    fmt::format("cannot read {} after line {}: {}; nothing was imported: check "
                                "the input and run the import again",
                                m_name, m_number, std::strerror(errno))};
      }
      m_end = true;
    }
    if (std::fwrite(m_data.data(), 1, got, spool) != got) {
      fail();
    }
  }
  if (std::fflush(spool) != 0 || std::fseek(spool, 0, SEEK_SET) != 0) {
    fail();
  }
  m_in = spool;
  m_data.clear();
  m_start = 0;
  m_scan = 0;
  m_end = false;
  m_bytes = 0;
}

bool LineReader::take(std::string_view& line, std::size_t end, std::size_t next) {
  line = std::string_view(m_data).substr(m_start, end - m_start);
  m_bytes += static_cast<std::int64_t>(next - m_start);
  m_start = next;
  m_scan = next;
  ++m_number;
  return true;
}

Progress::Progress(bool enabled, std::int64_t total_bytes)
    : m_enabled(enabled), m_total(total_bytes),
      m_next(std::chrono::steady_clock::now() + std::chrono::milliseconds{300}) {}

void Progress::update(const LineReader& reader) {
  if (!m_enabled || (reader.number() & 1023) != 0) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now < m_next) {
    return;
  }
  m_next = now + std::chrono::milliseconds{100};
  if (m_total > 0 ? m_total < k_progress_bytes : reader.number() < k_progress_lines) {
    return;
  }
  std::string text;
  if (m_total > 0) {
    const std::int64_t percent = std::min<std::int64_t>(100, reader.bytes() * 100 / m_total);
    constexpr std::size_t width = 30;
    const std::size_t filled = static_cast<std::size_t>(percent) * width / 100;
    text = fmt::format("\rimporting [{}{}] {:3}%  {} lines", std::string(filled, '#'),
                       std::string(width - filled, ' '), percent, reader.number());
  } else {
    text = fmt::format("\rimporting: {} lines", reader.number());
  }
  std::fputs(text.c_str(), stderr);
  m_shown = true;
}

void Progress::stage(std::string_view what) {
  if (m_shown) {
    std::fputs(fmt::format("\r\x1b[Kimporting: {}", what).c_str(), stderr);
  }
}

void Progress::clear() {
  if (m_shown) {
    std::fputs("\r\x1b[K", stderr);
    m_shown = false;
  }
}

} // namespace slatrack::cli::import_file
