#!/bin/sh
# make_zip.sh [OUT]: the zip to upload to Gradescope (default
# build/autograder.zip): setup.sh, run_autograder, program.nd, rubric.txt at
# its root, and nnderive's source tree (the commit checked out) in
# nnderive/, which setup.sh builds.  Run it from a git checkout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(git -C "$here" rev-parse --show-toplevel)
out=${1:-$top/build/autograder.zip}
mkdir -p "$(dirname "$out")"
rm -f "$out"
git -C "$top" archive --format=zip -o "$out" \
    --add-file="$here/setup.sh" --add-file="$here/run_autograder" \
    --add-file="$here/program.nd" --add-file="$here/rubric.txt" \
    --prefix=nnderive/ HEAD
echo "make_zip: $out"
