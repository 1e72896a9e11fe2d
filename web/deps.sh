#!/usr/bin/env bash
# make web-deps: GMP and MPFR for WebAssembly, built with Debian's emscripten
# from Debian's own source packages (the versions the native build links).
#
# The result is a prefix with include/ and lib/libgmp.a, lib/libmpfr.a, kept
# outside the clone so that CI and every clone share it:
#     ${WEB_DEPS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nnderive/wasm}
# A stamp file there records the source versions and emcc's version; when
# they match, nothing is rebuilt (about 3 minutes on 2 cores otherwise).
#
# Steps (each printed as it runs):
#   1. apt-get source needs a deb-src entry for the archive the machine's
#      deb entries use; when there is none, one is written to
#      /etc/apt/sources.list.d/nnderive-deb-src.sources (or .list), copied
#      from those entries with Types: deb-src, and apt-get update runs.
#   2. apt-get source --download-only gmp mpfr4; dpkg-source -x applies
#      Debian's patches.
#   3. GMP: the +dfsg tarball has no doc/, yet configure wants
#      doc/Makefile.in: an empty stub with all/install targets stands in.
#      emconfigure ./configure --disable-assembly --host=none --disable-shared,
#      emmake make, emmake make install.
#   4. MPFR: the same, --with-gmp=PREFIX.
set -euo pipefail

prefix=${WEB_DEPS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nnderive/wasm}
jobs=${WEB_DEPS_JOBS:-2}
say() { printf 'web-deps: %s\n' "$*"; }

if ! command -v emcc >/dev/null 2>&1; then
    say "emcc not found: apt-get install emscripten (Debian's package works offline)" >&2
    exit 2
fi
# Debian's emcc looks for Debian's node-acorn; a node from another vendor
# does not search /usr/share/nodejs by itself.
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
if [ "$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi

# The source versions apt would fetch, or nothing when there is no deb-src.
src_version() { { apt-cache showsrc "$1" 2>/dev/null || true; } | awk '/^Version:/ { print $2; exit }'; }

# The contents of those of the files that exist.
existing() { local f; for f in "$@"; do if [ -f "$f" ]; then cat "$f"; fi; done; }

# Copies the machine's Debian deb entries (deb822 stanzas and one-line
# entries) as deb-src ones; other vendors' repositories have no sources.
add_deb_src() {
    local out=/etc/apt/sources.list.d/nnderive-deb-src
    local stanzas lines
    stanzas=$(existing /etc/apt/sources.list.d/*.sources | awk '
        BEGIN { RS = ""; ORS = "\n\n" }
        /(^|\n)Types:[^\n]*deb/ && /(^|\n)URIs:[^\n]*\/debian/ {
            sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }')
    lines=$(existing /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
            awk '$1 == "deb" && $0 ~ /\/debian/ { $1 = "deb-src"; print }')
    if [ -z "$stanzas$lines" ]; then
        say "no Debian deb entry to copy as deb-src; add one for your archive by hand" >&2
        exit 2
    fi
    say "writing $out.sources / .list (deb-src for the same archive), then apt-get update"
    if [ -n "$stanzas" ]; then printf '%s' "$stanzas" | $sudo tee "$out.sources" >/dev/null; fi
    if [ -n "$lines" ]; then printf '%s\n' "$lines" | $sudo tee "$out.list" >/dev/null; fi
    $sudo apt-get update
}

gmp_v=$(src_version gmp)
mpfr_v=$(src_version mpfr4)
if [ -z "$gmp_v" ] || [ -z "$mpfr_v" ]; then
    if [ -f "$prefix/stamp" ] && [ -f "$prefix/lib/libmpfr.a" ]; then
        # no deb-src here, but a cache to reuse: take it as it is
        say "using $prefix ($(tr '\n' ' ' < "$prefix/stamp"))"
        exit 0
    fi
    add_deb_src
    gmp_v=$(src_version gmp)
    mpfr_v=$(src_version mpfr4)
fi
# emcc's version line is part of the stamp.  A failing `emcc --version`
# inside the stamp's $(...) ended this script (set -e, pipefail) with
# status 1 and no word, once, in a CI run: now it is tried twice and said.
if ! emcc_out=$(emcc --version 2>/dev/null) && ! { sleep 1; emcc_out=$(emcc --version 2>/dev/null); }; then
    say "'emcc --version' failed twice; run it by hand to see why" >&2
    exit 2
fi
stamp="gmp $gmp_v
mpfr4 $mpfr_v
${emcc_out%%$'\n'*}"
if [ -f "$prefix/stamp" ] && [ "$(cat "$prefix/stamp")" = "$stamp" ] &&
   [ -f "$prefix/lib/libgmp.a" ] && [ -f "$prefix/lib/libmpfr.a" ]; then
    say "up to date in $prefix (gmp $gmp_v, mpfr4 $mpfr_v)"
    exit 0
fi

# Runs a build step with its output in a log; on failure, the log's end.
logged() {
    local log=$work/$1.log
    shift
    if ! "$@" > "$log" 2>&1; then
        tail -n 40 "$log" >&2
        say "failed: $* (the whole log: $log)" >&2
        exit 2
    fi
}

work=$prefix/src
rm -rf "$work" "$prefix/lib" "$prefix/include" "$prefix/stamp"
mkdir -p "$work"
cd "$work"
say "apt-get source --download-only gmp=$gmp_v mpfr4=$mpfr_v into $work"
logged apt-source apt-get source --download-only "gmp=$gmp_v" "mpfr4=$mpfr_v"
logged dpkg-source-gmp dpkg-source -x gmp_*.dsc gmp
logged dpkg-source-mpfr dpkg-source -x mpfr4_*.dsc mpfr

say "GMP: configure and build with emscripten"
cd "$work/gmp"
if [ ! -f doc/Makefile.in ]; then
    mkdir -p doc
    printf 'all:\ninstall:\n.PHONY: all install\n' > doc/Makefile.in
fi
logged gmp-configure emconfigure ./configure --disable-assembly --host=none \
    --disable-shared --enable-static --prefix="$prefix"
logged gmp-make emmake make -j"$jobs"
logged gmp-install emmake make install

say "MPFR: configure and build with emscripten"
cd "$work/mpfr"
logged mpfr-configure emconfigure ./configure --host=none --disable-shared --enable-static \
    --with-gmp="$prefix" --prefix="$prefix"
logged mpfr-make emmake make -j"$jobs"
logged mpfr-install emmake make install

printf '%s\n' "$stamp" > "$prefix/stamp"
# the sources and objects are no longer needed; the logs stay for a look
find "$work" -mindepth 1 -maxdepth 1 ! -name '*.log' -exec rm -rf {} +
say "done: $prefix/lib/libgmp.a, $prefix/lib/libmpfr.a"
