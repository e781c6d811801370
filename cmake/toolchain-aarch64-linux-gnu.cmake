# SPDX-License-Identifier: BSD-2-Clause
# Cross build of libcell and cellctl for arm64 Linux with Debian's
# gcc-aarch64-linux-gnu. The arm64 libfdt and jansson come from an unpacked
# sysroot (tests/board/setup.sh fetches one) given as CELL_SYSROOT:
#
#   cmake -S . -B build-arm64 \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake \
#     -DCELL_SYSROOT=$HOME/.cache/libcell/board/sysroot-arm64 \
#     -DBUILD_TESTING=OFF -DCELL_DOCS=OFF
#
# CELL_STATIC_TOOLS (on by default when cross compiling) links cellctl
# statically: the board's initramfs has no arm64 C library to load.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)

set(CELL_SYSROOT "$ENV{CELL_SYSROOT}" CACHE PATH
    "Unpacked arm64 -dev packages (libfdt-dev, libjansson-dev)")
# try_compile projects re-read this file: hand them the sysroot too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CELL_SYSROOT)

set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu ${CELL_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config must see only the arm64 .pc files, with paths under the sysroot.
set(ENV{PKG_CONFIG_LIBDIR} "${CELL_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${CELL_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${CELL_SYSROOT}")
