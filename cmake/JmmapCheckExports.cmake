# Checks a built libjmmap.so: it is an ELF file for the architecture it was built for, and it exports exactly the
# JNI entry points (everything else is registered with RegisterNatives and stays hidden behind the version script).
# Run by ctest:
#   cmake -DLIBRARY=<libjmmap.so> -DNM=<nm> -DREADELF=<readelf> -DPROCESSOR=<CMAKE_SYSTEM_PROCESSOR> -P <this file>
cmake_minimum_required(VERSION 3.24)

set(expected_exports JNI_OnLoad JNI_OnUnload)

execute_process(COMMAND "${NM}" -D --defined-only "${LIBRARY}"
                OUTPUT_VARIABLE symbols ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${NM} -D --defined-only ${LIBRARY} failed (${status}): ${errors}")
endif()
set(exports "")
string(REPLACE "\n" ";" lines "${symbols}")
foreach(line IN LISTS lines)
  # "<address> <type> <name>", the name possibly followed by @VERSION
  if(line MATCHES "^[0-9a-fA-F]+ [A-Za-z] ([^ @]+)")
    list(APPEND exports "${CMAKE_MATCH_1}")
  endif()
endforeach()
list(SORT exports)
if(NOT exports STREQUAL expected_exports)
  message(FATAL_ERROR "${LIBRARY} exports=[${exports}]: expected exactly [${expected_exports}]")
endif()

if(PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(machine "AArch64")
elseif(PROCESSOR MATCHES "^(x86_64|amd64|AMD64)$")
  set(machine "X86-64")
endif()
if(machine)
  execute_process(COMMAND "${READELF}" -h "${LIBRARY}"
                  OUTPUT_VARIABLE header ERROR_VARIABLE errors RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${READELF} -h ${LIBRARY} failed (${status}): ${errors}")
  endif()
  if(NOT header MATCHES "Machine: +[^\n]*${machine}")
    string(REGEX MATCH "Machine: +[^\n]*" found "${header}")
    message(FATAL_ERROR "${LIBRARY} is not built for ${PROCESSOR}: readelf says '${found}'")
  endif()
endif()
message(STATUS "${LIBRARY}: ${PROCESSOR}, exports ${exports}")
