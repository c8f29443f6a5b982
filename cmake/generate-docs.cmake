# Run at build time by cmake/install.cmake: writes the shell completion scripts by running the
# built slatrack (so they always match its command tree) and the gzipped man page.
#   cmake -DSLATRACK=path/to/slatrack -DMANPAGE=docs/slatrack.1 -DOUT=dir -P generate-docs.cmake
# No settings file is read: a broken ~/.config/slatrack/config.toml must not break the build.
set(ENV{XDG_CONFIG_HOME} "${OUT}/no-config")
unset(ENV{SLATRACK_CONFIG})
file(MAKE_DIRECTORY "${OUT}")
foreach(shell bash zsh fish)
  execute_process(COMMAND "${SLATRACK}" completion ${shell}
                  OUTPUT_FILE "${OUT}/slatrack.${shell}"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "slatrack completion ${shell} failed (${rc})")
  endif()
endforeach()
execute_process(COMMAND gzip -9 -n -c "${MANPAGE}"
                OUTPUT_FILE "${OUT}/slatrack.1.gz"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip of ${MANPAGE} failed (${rc})")
endif()
