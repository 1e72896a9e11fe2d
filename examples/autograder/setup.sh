#!/usr/bin/env bash
# setup.sh: Gradescope runs this once, as root, when it builds the
# autograder's image (Ubuntu).  It installs nnderive from the source tree
# that make_zip.sh put into the zip (source/nnderive), with what it needs
# to build: a C compiler, flex, bison, GMP and MPFR.
set -euo pipefail
src=${NNDERIVE_SRC:-/autograder/source/nnderive}
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends build-essential flex bison libgmp-dev \
    libmpfr-dev pkg-config
make -C "$src" -j"$(nproc)"
make -C "$src" install PREFIX=/usr/local
ldconfig
nnderive --version
