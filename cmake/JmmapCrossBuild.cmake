# Cross-builds native/ for another Linux architecture with the toolchain file cmake/<TRIPLE>.cmake, and runs its
# tests: the Maven build runs it once per extra platform the jar carries. The build is the same CMake project as
# the host one (same sources, flags, version script, javac -h signature checks); only the compiler differs.
#
#   cmake -DACTION=build|test -DMODE=auto|required|off -DTRIPLE=aarch64-linux-gnu -DPLATFORM=linux-aarch64
#         -DSOURCE_DIR=native -DBUILD_DIR=<dir> [-DJAVA_HOME=<jdk> -DJNI_HEADERS=<dir> -DOUTPUT_ROOT=<dir>]
#         -P cmake/JmmapCrossBuild.cmake
#
# MODE auto builds when the cross compiler is installed and otherwise says, in one line, that it skipped the
# platform; required fails without it (the release build and CI); off skips it.
# ACTION test runs ctest in BUILD_DIR: every test under qemu when the toolchain found it, otherwise only the tests
# that need no emulator (the library's exports), and one line saying what did not run.
cmake_minimum_required(VERSION 3.24)

foreach(variable ACTION MODE TRIPLE PLATFORM SOURCE_DIR BUILD_DIR)
  if("${${variable}}" STREQUAL "")
    message(FATAL_ERROR "JmmapCrossBuild.cmake needs -D${variable}=...")
  endif()
endforeach()
if(NOT MODE MATCHES "^(auto|required|off)$")
  message(FATAL_ERROR "MODE=${MODE}: expected auto, required or off")
endif()

set(prefix "[jmmap] ${PLATFORM} native library")
if(MODE STREQUAL "off")
  if(ACTION STREQUAL "build")
    message(STATUS "${prefix}: skipped (switched off)")
  endif()
  return()
endif()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "${prefix}: '${command}' failed (${status})")
  endif()
endfunction()

# On a machine of the target's own architecture the main build makes this library.
cmake_host_system_information(RESULT host_processor QUERY OS_PLATFORM)
string(REGEX MATCH "^[^-]+" target_processor "${TRIPLE}")
if(host_processor STREQUAL target_processor)
  if(ACTION STREQUAL "build")
    message(STATUS "${prefix}: not cross-built, this machine is ${host_processor} and the main build makes it")
  endif()
  return()
endif()

if(ACTION STREQUAL "build")
  find_program(cross_compiler ${TRIPLE}-gcc)
  if(NOT cross_compiler)
    set(reason "${TRIPLE}-gcc is not installed (Debian: apt-get install gcc-${TRIPLE})")
    if(MODE STREQUAL "required")
      message(FATAL_ERROR "${prefix}: required, but ${reason}")
    endif()
    message(STATUS "${prefix}: skipped, ${reason}; the jar will not carry it")
    # Nothing left from an earlier build: not in the jar, not tested.
    file(REMOVE_RECURSE "${BUILD_DIR}" "${OUTPUT_ROOT}/native/${PLATFORM}")
    return()
  endif()
  get_filename_component(toolchain "${CMAKE_CURRENT_LIST_DIR}/${TRIPLE}.cmake" ABSOLUTE)
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${BUILD_DIR}" --toolchain "${toolchain}"
      "-DJAVA_HOME=${JAVA_HOME}" "-DJMMAP_JNI_HEADERS=${JNI_HEADERS}" "-DJMMAP_OUTPUT_ROOT=${OUTPUT_ROOT}"
      -DCMAKE_BUILD_TYPE=Release)
  run(${CMAKE_COMMAND} --build "${BUILD_DIR}" --parallel 2)
elseif(ACTION STREQUAL "test")
  if(NOT EXISTS "${BUILD_DIR}/CMakeCache.txt")
    return() # not built: the build step said why
  endif()
  file(STRINGS "${BUILD_DIR}/CMakeCache.txt" emulator REGEX "^JMMAP_QEMU_[A-Z0-9_]+:FILEPATH=/")
  if(emulator)
    string(REGEX REPLACE "^[^=]*=" "" emulator "${emulator}")
    message(STATUS "${prefix}: C unit tests under ${emulator}")
    run(ctest --test-dir "${BUILD_DIR}" --output-on-failure)
  else()
    message(STATUS "${prefix}: C unit tests skipped, no emulator (Debian: apt-get install qemu-user); "
                   "checking its exports only")
    run(ctest --test-dir "${BUILD_DIR}" --output-on-failure -R "^exported_symbols$")
  endif()
else()
  message(FATAL_ERROR "ACTION=${ACTION}: expected build or test")
endif()
