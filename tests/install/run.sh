#!/bin/sh
# tests/install/run.sh BUILD: installs into a temporary DESTDIR, then builds and
# runs a small program against the installed library with pkg-config (the
# shared library, then the static one).  Run by tests/test_cli.c.
set -eu
build=${1:-build}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -s install BUILD="$build" OPT="${ND_OPT:--O2 -g}" LDFLAGS="${ND_LDFLAGS:-}" \
    DESTDIR="$dest" PREFIX=/usr >/dev/null
for f in usr/bin/nnderive usr/include/nnderive.h usr/lib/libnnderive.a usr/lib/libnnderive.so \
         usr/lib/pkgconfig/nnderive.pc usr/share/man/man1/nnderive.1; do
    [ -e "$dest/$f" ] || { echo "install_test: $f is not installed" >&2; exit 1; }
done
export PKG_CONFIG_PATH="$dest/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
cflags=$(pkg-config --cflags nnderive)
cc -std=c99 -Wall -Wextra -pedantic -Werror $cflags tests/install/example.c -o "$dest/example" \
    $(pkg-config --libs nnderive) ${ND_LDFLAGS:-}
LD_LIBRARY_PATH="$dest/usr/lib" "$dest/example"
cc -std=c99 -Wall -Wextra -pedantic -Werror $cflags tests/install/example.c -o "$dest/example_static" \
    "$dest/usr/lib/libnnderive.a" $(pkg-config --static --libs-only-l nnderive | sed 's/-lnnderive//') \
    ${ND_LDFLAGS:-}
"$dest/example_static"
# both libraries export the nd_ interface and nothing else
for lib in "$dest/usr/lib/libnnderive.a" "$dest/usr/lib/libnnderive.so"; do
    others=$(nm -g --defined-only "$lib" 2>/dev/null | awk 'NF == 3 { print $3 }' | grep -v '^nd_' || true)
    [ -z "$others" ] || { echo "install_test: $lib exports more than nd_: $(echo $others | head -c 200)" >&2; exit 1; }
done
# the man page documents every option of --help
for opt in $("$dest/usr/bin/nnderive" --help | grep -o -- '--[a-z-]*' | sort -u); do
    grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$dest/usr/share/man/man1/nnderive.1" ||
        { echo "install_test: the man page does not document $opt" >&2; exit 1; }
done
echo "install_test: ok"
