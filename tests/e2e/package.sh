#!/usr/bin/env bash
# Install and package: `cmake --install` puts the binary, the man page and the three completion
# scripts in place (the scripts current: the same as `slatrack completion SHELL`); CPack (with the
# project's CPackConfig) builds a .deb that holds them, depends on the shared libraries and
# tzdata, and runs from `dpkg -x`. Never builds: it packages the build tree as it is.
source "$(dirname "$0")/lib.sh" "$1"
out= err= rc=0
build=$(dirname "$SLATRACK_BIN")
source_dir="$(cd "$(dirname "$0")/../.." && pwd)"
version=$("$SLATRACK_BIN" --version)
version=${version#slatrack }
files=(usr/bin/slatrack
       usr/share/man/man1/slatrack.1.gz
       usr/share/bash-completion/completions/slatrack
       usr/share/zsh/vendor-completions/_slatrack
       usr/share/fish/vendor_completions.d/slatrack.fish)

if [ ! -f "$build/cmake_install.cmake" ]; then
  echo "skipped: $build is not a CMake build directory"
  finish
fi

# checks_root ROOT WHAT: the files under ROOT are there and current, and the binary runs.
check_root() {
  local root=$1 what=$2 file
  for file in "${files[@]}"; do
    checks=$((checks + 1))
    [ -f "$root/$file" ] || fail "$what: no $file"
  done
  expect_eq "$(zcat "$root/usr/share/man/man1/slatrack.1.gz" | sha256sum)" \
            "$(sha256sum <"$source_dir/docs/slatrack.1")" "($what: the man page is docs/slatrack.1)"
  expect_eq "$(sha256sum <"$root/usr/share/bash-completion/completions/slatrack")" \
            "$("$SLATRACK_BIN" completion bash | sha256sum)" "($what: bash completion is current)"
  expect_eq "$(sha256sum <"$root/usr/share/zsh/vendor-completions/_slatrack")" \
            "$("$SLATRACK_BIN" completion zsh | sha256sum)" "($what: zsh completion is current)"
  expect_eq "$(sha256sum <"$root/usr/share/fish/vendor_completions.d/slatrack.fish")" \
            "$("$SLATRACK_BIN" completion fish | sha256sum)" "($what: fish completion is current)"
  out=$("$root/usr/bin/slatrack" --version 2>&1) && rc=0 || rc=$?
  expect_rc 0; expect_out "slatrack $version" "($what: --version)"
  "$root/usr/bin/slatrack" --db "$tmp/$what.db" init >/dev/null 2>&1
  out=$("$root/usr/bin/slatrack" --db "$tmp/$what.db" calendar due 24x7 "2026-01-15 10:00Z" 90m \
        --format json 2>&1) && rc=0 || rc=$?
  expect_rc 0 "($what: a command runs)"
  expect_eq "$(json_get "$out" .due_at)" "2026-01-15T11:30:00Z" "($what: 10:00 + 90m)"
}

cmake --install "$build" --prefix "$tmp/install/usr" --strip >"$tmp/install.log" 2>&1; rc=$?
expect_rc 0 "(cmake --install)"
check_root "$tmp/install" install

if ! command -v cpack >/dev/null || ! command -v dpkg-deb >/dev/null; then
  echo "skipped: the .deb (cpack or dpkg-deb is not installed)"
  finish
fi
# CPack's own install step would first run `make preinstall` in the build tree, which may rebuild
# it while other tests run; package what `cmake --install` staged above instead (same rules).
cpack --config "$build/CPackConfig.cmake" -B "$tmp/pkg" -D CPACK_INSTALL_CMAKE_PROJECTS= \
  -D "CPACK_INSTALLED_DIRECTORIES=$tmp/install/usr;usr" >"$tmp/cpack.log" 2>&1; rc=$?
expect_rc 0 "(cpack; see $tmp/cpack.log)"
deb="$tmp/pkg/slatrack_${version}_$(dpkg --print-architecture).deb"
checks=$((checks + 1))
if [ ! -f "$deb" ]; then
  fail "no $deb"
  finish
fi
listing=$(dpkg-deb -c "$deb")
for file in "${files[@]}"; do
  checks=$((checks + 1))
  grep -q " \./$file\$" <<<"$listing" || fail "the package has no $file"
done
expect_eq "$(dpkg-deb -f "$deb" Package)" slatrack
expect_eq "$(dpkg-deb -f "$deb" Version)" "$version"
depends=$(dpkg-deb -f "$deb" Depends)
names=$(tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/ .*//')
for package in libc6 libsqlite3-0 tzdata libgmime-3.0-0; do
  checks=$((checks + 1))
  grep -qxF "$package" <<<"$names" || fail "Depends has no $package: $depends"
done
# Zones are read by slatrack itself (src/core/zone_files.cpp): date-tz is not needed any more;
# fmt and toml++ are compiled in header-only (libstdc++ too, except in the sanitizer build).
# libpq is loaded when a team database is opened (src/store/pg.cpp): recommended, not a dependency.
for package in libdate-tz3 libfmt9 libtomlplusplus3 libpq5; do
  checks=$((checks + 1))
  ! grep -qxF "$package" <<<"$names" || fail "Depends still has $package: $depends"
done
recommends=$(dpkg-deb -f "$deb" Recommends)
for package in libical3 libpq5; do
  checks=$((checks + 1))
  tr ',' '\n' <<<"$recommends" | sed 's/^ *//; s/ .*//' | grep -qxF "$package" \
    || fail "Recommends has no $package: $recommends"
done
dpkg -x "$deb" "$tmp/root"
check_root "$tmp/root" deb
if command -v groff >/dev/null; then
  warnings=$(zcat "$tmp/root/usr/share/man/man1/slatrack.1.gz" | groff -man -Tutf8 -ww -z 2>&1)
  expect_eq "$warnings" "" "(the packaged man page renders without warnings)"
fi
finish
