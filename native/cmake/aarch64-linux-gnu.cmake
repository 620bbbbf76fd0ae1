# Toolchain for the linux-arm64 preset. Works both natively on an arm64 Debian host (where aarch64-linux-gnu-gcc
# is the native compiler) and as a cross build from x64 with Debian multiarch:
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install gcc-aarch64-linux-gnu gfortran-aarch64-linux-gnu libopenblas-pthread-dev:arm64 liblapacke-dev:arm64
# (native/setup-arm64.sh does exactly this). On an x64 host, ctest runs the test programs under qemu-aarch64-static
# (Debian qemu-user-static). No -L prefix: the arm64 loader and libc come from the multiarch libc6:arm64 in
# /lib/aarch64-linux-gnu, and mixing the cross toolchain's ld.so (/usr/aarch64-linux-gnu) with that libc.so.6
# corrupts glibc's internal state (pthread_create spins forever).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
if(NOT CMAKE_HOST_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  find_program(MSENSE_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
  if(MSENSE_QEMU_AARCH64)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${MSENSE_QEMU_AARCH64}")
  endif()
endif()
