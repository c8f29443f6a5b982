# What `cmake --install` puts where, and the Debian package (CPack). See docs/configuration.md
# "Install". The completion scripts are generated at build time by the built binary, so they
# never go stale; the man page is docs/slatrack.1, gzipped as Debian does.
include(GNUInstallDirs)

set(slatrack_share "${CMAKE_CURRENT_BINARY_DIR}/share")
set(slatrack_share_files
    "${slatrack_share}/slatrack.bash" "${slatrack_share}/slatrack.zsh"
    "${slatrack_share}/slatrack.fish" "${slatrack_share}/slatrack.1.gz")
add_custom_command(
  OUTPUT ${slatrack_share_files}
  COMMAND "${CMAKE_COMMAND}" -DSLATRACK=$<TARGET_FILE:slatrack>
          -DMANPAGE=${CMAKE_CURRENT_SOURCE_DIR}/docs/slatrack.1 -DOUT=${slatrack_share}
          -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/generate-docs.cmake"
  DEPENDS slatrack "${CMAKE_CURRENT_SOURCE_DIR}/docs/slatrack.1"
          "${CMAKE_CURRENT_SOURCE_DIR}/cmake/generate-docs.cmake"
  COMMENT "Generating shell completions and the man page"
  VERBATIM)
add_custom_target(slatrack_share ALL DEPENDS ${slatrack_share_files})

install(FILES "${slatrack_share}/slatrack.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(FILES "${slatrack_share}/slatrack.bash"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions" RENAME slatrack)
install(FILES "${slatrack_share}/slatrack.zsh"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions" RENAME _slatrack)
install(FILES "${slatrack_share}/slatrack.fish"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d")

# ---- Debian package: cpack --config build/CPackConfig.cmake -> slatrack_VERSION_ARCH.deb ----
set(SLATRACK_MAINTAINER "slatrack maintainers <maintainers@slatrack.invalid>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME slatrack)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${SLATRACK_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SLATRACK_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "record client requests and keep SLA clocks on business hours")
set(CPACK_PACKAGE_DESCRIPTION
    "slatrack records the requests a small business gets from its clients, and every\n"
    "reply, in one SQLite file. It runs SLA clocks (reply, update, resolve) on\n"
    "business-hour calendars with time zones, holidays and DST, and tells at the\n"
    "prompt, in a cron mail or to a script which promises are broken and which are\n"
    "about to be.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# The shared libraries come from dpkg-shlibdeps (dpkg-dev) when it is there; tzdata is data that
# slatrack reads at run time (src/core/zone_files.cpp), and GMime 3 is loaded when `mail` reads a
# message (src/mail/mime.cpp): a mail server's delivery must not fail for want of it, so it is a
# dependency, named by hand (dpkg-shlibdeps cannot see a library loaded with dlopen).
find_program(SLATRACK_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(SLATRACK_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "tzdata, libgmime-3.0-0")
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "libc6, libsqlite3-0, tzdata, libgmime-3.0-0")
endif()
# `calendar holiday --ics` loads libical 3 when it runs (src/cli/ics.cpp), and a team database
# libpq (src/store/pg.cpp).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libical3, libpq5")
include(CPack)
