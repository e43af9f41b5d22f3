#!/bin/sh
# build-wasm.sh: the wasi-c build path. Compiles C to a wasm32-wasi command for redox-ts with
# Debian's clang, lld and wasi-libc (apt-get install clang lld wasi-libc libclang-rt-dev-wasm32).
#
#   scripts/build-wasm.sh OUT.wasm SRC.c...          a program linked with libredox.a (posix_spawn,
#                                                    pipe, signals, ... from libc/c) for our OS only
#   scripts/build-wasm.sh --wasi OUT.wasm SRC.c...   plain WASI preview1 (runs under any WASI host)
#   scripts/build-wasm.sh --fixtures                 rebuilds every test/fixtures/wasm/*.wasm from
#                                                    libc/c/tests/*.c (wasi_* plain, posix_* linked)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-clang}
out_dir="$root/dist/wasm"
target="--target=wasm32-wasi"
if [ -d /usr/share/wasi-sysroot ]; then target="$target --sysroot=/usr/share/wasi-sysroot"; fi
cflags="-O2 -Wall -Wextra -Werror -std=c11 -D_GNU_SOURCE"
ldflags="-Wl,--strip-all"

libredox() {
  mkdir -p "$out_dir/obj"
  objs=""
  for src in "$root"/libc/c/src/*.c; do
    obj="$out_dir/obj/$(basename "$src" .c).o"
    $CC $target $cflags -I"$root/libc/c/include" -c "$src" -o "$obj"
    objs="$objs $obj"
  done
  rm -f "$out_dir/libredox.a"
  llvm-ar rc "$out_dir/libredox.a" $objs 2>/dev/null || ar rc "$out_dir/libredox.a" $objs
}

build() {
  mode=$1 out=$2
  shift 2
  if [ "$mode" = wasi ]; then
    $CC $target $cflags $ldflags -o "$out" "$@"
  else
    [ -f "$out_dir/libredox.a" ] || libredox
    $CC $target $cflags $ldflags -I"$root/libc/c/include" -o "$out" "$@" \
      -Wl,--whole-archive "$out_dir/libredox.a" -Wl,--no-whole-archive
  fi
  chmod 755 "$out"
}

case "${1:-}" in
  --fixtures)
    libredox
    mkdir -p "$root/test/fixtures/wasm"
    for src in "$root"/libc/c/tests/*.c; do
      name=$(basename "$src" .c)
      case "$name" in wasi_*) mode=wasi ;; *) mode=redox ;; esac
      build "$mode" "$root/test/fixtures/wasm/$name.wasm" "$src"
      echo "built test/fixtures/wasm/$name.wasm ($mode)"
    done
    ;;
  --wasi) shift; build wasi "$@" ;;
  ""|-h|--help) sed -n '2,11p' "$0"; exit 2 ;;
  *) libredox; build redox "$@" ;;
esac
