# The layers of docs/architecture.md, checked from the sources' #include lines:
#   cmake -DROOT=<source tree> -P tests/check_layers.cmake
# Fails (a message per offending line) when a file includes what its layer may not use:
#   core   (src/core, include/slatrack except store.hpp): only "slatrack/..." headers, not the
#          Store interface; no SQL, CLI, mail or calendar-file library; no file or process I/O.
#   system (src/system): the core and itself; no SQL or CLI.
#   store  (src/store): the core, the system edge, itself; no CLI.
#   mail   (src/mail): the core and itself (and GMime); no SQL or CLI.
# ctest runs it on the tree ("layers") and on tests/fixtures/layers-bad, where it must fail.
if(NOT ROOT)
  message(FATAL_ERROR "usage: cmake -DROOT=<source tree> -P check_layers.cmake")
endif()

set(libraries "sqlite3\\.h|CLI/|libpq|postgresql/|gmime|libical|nlohmann/")
set(io_headers "fstream|iostream|filesystem|cstdio|stdio\\.h|fcntl\\.h|unistd\\.h|dirent\\.h|sys/")
set(violations "")

# check(LAYER GLOB ALLOWED_QUOTED FORBIDDEN_ANGLED)
function(check layer pattern allowed forbidden)
  file(GLOB files ${ROOT}/${pattern})
  foreach(file ${files})
    if(layer STREQUAL "core" AND file MATCHES "/include/slatrack/store\\.hpp$")
      continue() # the Store interface: a header of the store layer kept beside the core's
    endif()
    file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include")
    foreach(line ${lines})
      if(line MATCHES "#[ \t]*include[ \t]*\"([^\"]+)\"")
        set(header ${CMAKE_MATCH_1})
        if(NOT header MATCHES "^(${allowed})" OR header STREQUAL "slatrack/store.hpp"
           AND layer STREQUAL "core")
          set(violations "${violations}\n  ${file}: the ${layer} includes \"${header}\"")
        endif()
      elseif(line MATCHES "#[ \t]*include[ \t]*<([^>]+)>")
        set(header ${CMAKE_MATCH_1})
        if(header MATCHES "^(${forbidden})")
          set(violations "${violations}\n  ${file}: the ${layer} includes <${header}>")
        endif()
      endif()
    endforeach()
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
endfunction()

check(core "src/core/*pp" "slatrack/" "${libraries}|${io_headers}")
check(core "include/slatrack/*.hpp" "slatrack/" "${libraries}|${io_headers}")
check(system "src/system/*pp" "slatrack/|system/" "sqlite3\\.h|CLI/|libpq|postgresql/")
check(store "src/store/*pp" "slatrack/|system/|store/" "CLI/")
check(mail "src/mail/*pp" "slatrack/|mail/" "sqlite3\\.h|CLI/|libpq|postgresql/")

if(violations)
  message(FATAL_ERROR "layers broken (docs/architecture.md):${violations}")
endif()
message(STATUS "layers: core, system, mail, store and cli include only what they may")
