// fmt's compiled part, built once into slatrack instead of loaded from the shared libfmt.so.9:
// with no shared C++ library left, the binary can carry its own libstdc++ and starts in a third of
// the time (docs/performance.md, "Startup"). FMT_HEADER_ONLY would do the same but compiles this
// in every file that includes fmt (about 3 s each, 5 minutes of CI). What follows is what fmt's
// own src/format.cc holds for fmt 9.1 (Debian 12's libfmt-dev ships format-inl.h, not format.cc):
// the non-template functions, and the templates format.h declares `extern`.
#include <fmt/format-inl.h>

static_assert(FMT_VERSION / 100 == 901, "fmt_library.cpp follows fmt 9.1's src/format.cc");

FMT_BEGIN_NAMESPACE
namespace detail {

template FMT_API auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template FMT_API auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;

template FMT_API locale_ref::locale_ref(const std::locale& loc);
template FMT_API auto locale_ref::get<std::locale>() const -> std::locale;

template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API void buffer<char>::append(const char*, const char*);
template FMT_API void vformat_to(buffer<char>&, string_view,
                                 basic_format_args<FMT_BUFFER_CONTEXT(char)>, locale_ref);

template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<wchar_t>;
template FMT_API auto decimal_point_impl(locale_ref) -> wchar_t;
template FMT_API void buffer<wchar_t>::append(const wchar_t*, const wchar_t*);

} // namespace detail
FMT_END_NAMESPACE
