# Cross-compiles for linux-aarch64 with Debian's cross toolchain (apt-get install gcc-aarch64-linux-gnu):
#   cmake -S native -B build-aarch64 --toolchain cmake/aarch64-linux-gnu.cmake ...
# Test executables run under qemu-aarch64 (apt-get install qemu-user) when it is installed, so ctest works on an
# x86-64 machine; without it the tests are built but ctest cannot run them.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(JMMAP_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${JMMAP_CROSS_TRIPLE}-gcc)
# Debian installs the target's libc, headers and libgcc here.
set(JMMAP_CROSS_SYSROOT /usr/${JMMAP_CROSS_TRIPLE})

# Libraries and packages come from the target's tree only; programs (cmake, nm) from the host.
set(CMAKE_FIND_ROOT_PATH ${JMMAP_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Headers from both: jni.h and jni_md.h come from the build JDK (they are the same for every Linux architecture:
# JNIEXPORT, jint = int, jlong = long), everything else from the target's tree, which the root path puts first.
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)

find_program(JMMAP_QEMU_AARCH64 qemu-aarch64)
if(JMMAP_QEMU_AARCH64)
  # -L: where the emulated binaries find the dynamic loader and libc.
  set(CMAKE_CROSSCOMPILING_EMULATOR ${JMMAP_QEMU_AARCH64} -L ${JMMAP_CROSS_SYSROOT})
endif()
