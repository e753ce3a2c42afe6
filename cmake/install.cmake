# install.cmake — what `cmake --install build --prefix P` puts where (included by
# CMakeLists.txt). Every path below P is relative, so P may be moved afterwards:
#   P/bin/socm                       (finds P/lib/libsocm.so through $ORIGIN)
#   P/libexec/socm/socm-supervise    (found relative to libsocm.so)
#   P/lib/libsocm.so.N, libsocm.a    (N = SOCM_API_VERSION, the SONAME)
#   P/include/socm/*.h               (the public API; nothing from src/)
#   P/lib/pkgconfig/socm.pc          (pkg-config --cflags --libs socm)
#   P/lib/cmake/socm/                (find_package(socm) → socm::socm)
#   P/share/bash-completion/completions/socm
#   P/share/man/man1/socm*.1, man5/socm-campaign.5   (when scdoc is installed)
include(CMakePackageConfigHelpers)

install(TARGETS socm RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(SOCM_MUSL_GCC) # built by a custom command (CMakeLists.txt)
  install(PROGRAMS ${CMAKE_BINARY_DIR}/socm-supervise DESTINATION ${SOCM_LIBEXECDIR})
else()
  install(TARGETS socm-supervise RUNTIME DESTINATION ${SOCM_LIBEXECDIR})
endif()
install(TARGETS socm_shared EXPORT socmTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Development)
install(TARGETS socm_core ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/socm DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")

# pkg-config: the prefix is found from the .pc file's own place (${pcfiledir}).
file(RELATIVE_PATH SOCM_PREFIX_FROM_PC /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" SOCM_PREFIX_FROM_PC "${SOCM_PREFIX_FROM_PC}")
set(SOCM_PC_REQUIRES_PRIVATE "yaml-0.1 jansson sqlite3 zlib nettle")
set(SOCM_PC_LIBS_PRIVATE "-lm -ldl")
if(GSL_FOUND)
  string(APPEND SOCM_PC_REQUIRES_PRIVATE " gsl")
endif()
if(XGBOOST_FOUND)
  string(APPEND SOCM_PC_REQUIRES_PRIVATE " xgboost")
endif()
if(NOVA_FOUND)
  string(PREPEND SOCM_PC_LIBS_PRIVATE "-lnova ")
endif()
configure_file(${CMAKE_SOURCE_DIR}/cmake/socm.pc.in ${CMAKE_BINARY_DIR}/socm.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/socm.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# CMake package: find_package(socm) gives the imported target socm::socm.
set(SOCM_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/socm)
install(EXPORT socmTargets NAMESPACE socm:: DESTINATION ${SOCM_CMAKEDIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/socmConfig.cmake.in
  ${CMAKE_BINARY_DIR}/socmConfig.cmake INSTALL_DESTINATION ${SOCM_CMAKEDIR})
# While socm is 0.x a minor release may change the API: accept the same MAJOR.MINOR.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/socmConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/socmConfig.cmake ${CMAKE_BINARY_DIR}/socmConfigVersion.cmake
  DESTINATION ${SOCM_CMAKEDIR})

install(FILES ${CMAKE_SOURCE_DIR}/completion/socm.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME socm)

# Man pages: written in scdoc (man/*.scd), turned into roff at build time.
find_program(SCDOC scdoc)
file(GLOB SOCM_MAN_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/man/*.scd)
if(SCDOC)
  set(SOCM_MAN_PAGES "")
  foreach(src ${SOCM_MAN_SOURCES})
    get_filename_component(page ${src} NAME_WE)              # socm-run.1.scd → socm-run
    get_filename_component(sect ${src} NAME_WLE)             # → socm-run.1
    string(REGEX REPLACE "^.*\\.([0-9])$" "\\1" n "${sect}")
    set(out ${CMAKE_BINARY_DIR}/man/${sect})
    add_custom_command(OUTPUT ${out} COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${SCDOC} < ${src} > ${out} DEPENDS ${src} VERBATIM)
    list(APPEND SOCM_MAN_PAGES ${out})
    install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${n})
  endforeach()
  add_custom_target(socm_man ALL DEPENDS ${SOCM_MAN_PAGES})
  set(SOCM_FEATURE_MAN "man pages: on")
else()
  set(SOCM_FEATURE_MAN "man pages: OFF (scdoc not found: apt-get install scdoc)")
endif()

# The example campaigns, plug-in and embedding program, to start from.
file(GLOB SOCM_EXAMPLE_FILES ${CMAKE_SOURCE_DIR}/examples/*.toml ${CMAKE_SOURCE_DIR}/examples/*.yml)
install(FILES ${SOCM_EXAMPLE_FILES} DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples/plugin ${CMAKE_SOURCE_DIR}/examples/embed
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
