// The open times a report keeps and the exact percentiles it picks from them (docs/reports.md):
// header-only templates over the value type (4 bytes per value, or 8 when one does not fit),
// used by the report's aggregation (report_aggregation.hpp) and tested on their own
// (tests/unit/test_report_values.cpp).
#pragma once

#include "slatrack/report.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

namespace slatrack::report_values {

// Whether an open time can be kept as a Value.
template <typename Value> [[nodiscard]] bool fits(std::int64_t value) {
  if constexpr (std::is_same_v<Value, std::int64_t>) {
    return true;
  } else {
    return value >= 0 && static_cast<std::uint64_t>(value) <= std::numeric_limits<Value>::max();
  }
}

// Radix keys: unsigned, in the values' order.
template <typename Value> [[nodiscard]] std::uint64_t radix_key(Value value) {
  if constexpr (std::is_signed_v<Value>) {
    return static_cast<std::uint64_t>(value) ^ (std::uint64_t{1} << 63);
  } else {
    return value;
  }
}

template <typename Value> [[nodiscard]] Value from_radix_key(std::uint64_t key) {
  if constexpr (std::is_signed_v<Value>) {
    return static_cast<Value>(key ^ (std::uint64_t{1} << 63));
  } else {
    return static_cast<Value>(key);
  }
}

// The value at 0-based rank `k` (k < the number of values) of all `parts` together, without
// copying or reordering them: radix selection, 16 bits at a time from the top, each pass
// counting the values that share the digits found so far.
template <typename Value>
[[nodiscard]] Value select_rank(const std::vector<std::span<const Value>>& parts, std::uint64_t k) {
  constexpr int digit_bits = 16;
  constexpr int key_bits = 8 * static_cast<int>(sizeof(Value));
  std::vector<std::uint64_t> counts(std::size_t{1} << digit_bits);
  std::uint64_t prefix = 0;
  for (int shift = key_bits - digit_bits; shift >= 0; shift -= digit_bits) {
    const std::uint64_t fixed =
        shift + digit_bits >= 64 ? 0 : ~std::uint64_t{0} << (shift + digit_bits);
    std::fill(counts.begin(), counts.end(), 0);
    for (const std::span<const Value> part : parts) {
      for (const Value value : part) {
        const std::uint64_t key = radix_key(value);
        if ((key & fixed) == prefix) {
          ++counts[(key >> shift) & 0xffff];
        }
      }
    }
    std::uint64_t digit = 0;
    for (; digit < 0xffff && k >= counts[digit]; ++digit) {
      k -= counts[digit];
    }
    prefix |= digit << shift;
  }
  return from_radix_key<Value>(prefix);
}

// The nearest-rank `percent` percentile of the `n` values in `parts` (nullopt when n is 0).
template <typename Value>
[[nodiscard]] std::optional<Seconds> percentile_of(const std::vector<std::span<const Value>>& parts,
                                                   std::uint64_t n, int percent) {
  if (n == 0) {
    return std::nullopt;
  }
  const auto rank =
      static_cast<std::uint64_t>(nearest_rank(static_cast<std::int64_t>(n), percent) - 1);
  return Seconds{static_cast<std::int64_t>(select_rank(parts, rank))};
}

// The open times of one group and metric, in blocks: appending never moves what is stored (no
// copies as it grows, and at most one block partly used).
template <typename Value> class Times {
public:
  void push_back(Value value) {
    if (m_next == m_end) {
      m_blocks.push_back(std::make_unique_for_overwrite<Value[]>(k_block));
      m_next = m_blocks.back().get();
      m_end = m_next + k_block;
    }
    *m_next++ = value;
    ++m_size;
  }

  [[nodiscard]] std::size_t size() const {
    return m_size;
  }

  // Appends the values' blocks to `out`.
  void spans(std::vector<std::span<const Value>>& out) const {
    for (std::size_t i = 0; i < m_blocks.size(); ++i) {
      out.emplace_back(m_blocks[i].get(), block_size(i));
    }
  }

  // The nearest-rank percentiles `percents` of the values (nullopt when there are none): many
  // values are selected where they are, few from a copy in `scratch` (so that neither the copy
  // nor the radix counts grow large).
  template <std::size_t N>
  [[nodiscard]] std::array<std::optional<Seconds>, N>
  percentiles(const std::array<int, N>& percents, std::vector<Value>& scratch) const {
    std::array<std::optional<Seconds>, N> out;
    if (m_size == 0) {
      return out;
    }
    if (m_size > k_copied_most) {
      std::vector<std::span<const Value>> parts;
      spans(parts);
      for (std::size_t i = 0; i < N; ++i) {
        out[i] = percentile_of(parts, m_size, percents[i]);
      }
      return out;
    }
    scratch.clear();
    for (std::size_t i = 0; i < m_blocks.size(); ++i) {
      const Value* block = m_blocks[i].get();
      scratch.insert(scratch.end(), block, block + block_size(i));
    }
    for (std::size_t i = 0; i < N; ++i) {
      const auto rank = static_cast<std::ptrdiff_t>(
          nearest_rank(static_cast<std::int64_t>(m_size), percents[i]) - 1);
      std::nth_element(scratch.begin(), scratch.begin() + rank, scratch.end());
      out[i] = Seconds{static_cast<std::int64_t>(scratch[static_cast<std::size_t>(rank)])};
    }
    return out;
  }

private:
  static constexpr std::size_t k_block = 1024;
  static constexpr std::size_t k_copied_most = std::size_t{1} << 16;

  [[nodiscard]] std::size_t block_size(std::size_t i) const {
    return i + 1 < m_blocks.size() ? k_block
                                   : static_cast<std::size_t>(m_next - m_blocks.back().get());
  }

  Value* m_next = nullptr; // where the next value goes, in the last block
  Value* m_end = nullptr;  // the end of the last block
  std::size_t m_size = 0;
  std::vector<std::unique_ptr<Value[]>> m_blocks;
};

} // namespace slatrack::report_values
