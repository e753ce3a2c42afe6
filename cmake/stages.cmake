# stages.cmake — the library as one CMake object library per stage (included by
# CMakeLists.txt; docs/architecture.md). A stage is a folder of src/; the stages are
# listed bottom-up and each may include the headers of its own folder and of the
# stages before it, nothing after: its include path is a folder of symbolic links,
# build/stage-include/STAGE/, holding a link to each of those folders only, so an
# #include that reaches up is a compile error. src/ itself is never on a stage's path
# (the CLI, the top, and the tests see all of it). tests/integration/test_layering.sh
# proves it: every stage refuses every header above it and the graph has no cycle.
set(SOCM_STAGES util config slurm campaign obsdb workflows predict planner
  state agents enactors manager report api)
set(SOCM_STAGE_INCLUDE ${CMAKE_BINARY_DIR}/stage-include)
file(REMOVE_RECURSE ${SOCM_STAGE_INCLUDE})
# The order, for the test (one stage a line, bottom first).
string(REPLACE ";" "\n" _socm_order "${SOCM_STAGES}")
file(WRITE ${SOCM_STAGE_INCLUDE}/ORDER "${_socm_order}\n")

# Every .c of a stage's folder is in it; a new file is picked up without editing
# this list (CONFIGURE_DEPENDS). socm-supervise's main() is its own program.
set(SOCM_STAGE_OBJECTS "")
set(_socm_below "")
foreach(stage ${SOCM_STAGES})
  list(APPEND _socm_below ${stage})
  set(dir ${SOCM_STAGE_INCLUDE}/${stage})
  file(MAKE_DIRECTORY ${dir})
  foreach(s ${_socm_below})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${s} ${dir}/${s} SYMBOLIC)
  endforeach()
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${stage}/*.c)
  list(FILTER srcs EXCLUDE REGEX "/src/agents/supervisor_main\\.c$")
  add_library(socm_${stage} OBJECT ${srcs})
  set_target_properties(socm_${stage} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_include_directories(socm_${stage} PRIVATE ${dir} ${CMAKE_SOURCE_DIR}/include
    ${SOCM_OPT_INCLUDES})
  target_link_libraries(socm_${stage} PRIVATE ${SOCM_DEPS})
  target_compile_definitions(socm_${stage} PRIVATE ${SOCM_DEFS})
  list(APPEND SOCM_STAGE_OBJECTS $<TARGET_OBJECTS:socm_${stage}>)
endforeach()

# A folder of src/ that is no stage would be left out of the library silently.
file(GLOB _socm_folders LIST_DIRECTORIES true RELATIVE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/src/*)
foreach(f ${_socm_folders})
  if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/src/${f} AND NOT f STREQUAL "cli" AND NOT f IN_LIST SOCM_STAGES)
    message(FATAL_ERROR "src/${f} is in no stage: add it to SOCM_STAGES in cmake/stages.cmake")
  endif()
endforeach()
