#!/usr/bin/env python3
"""make_corpus.py: writes the seed corpus of the fuzz target (tests/fuzz/corpus/).

Seeds are inputs of tests/fuzz/fuzz_nnderive.c: PROGRAM [0x00 ANSWER [0x00 LINES]].
They come from examples/*.nd, from the programs of tests/golden/*.t (their -e
argument, the file they name, or their stdin; a --check answer or a
--check-file file becomes the second part) and from tests/fuzz/seeds/*.nd
(hand-written; a line `#---` there starts the second part).

Run from the top of the tree after a change to any of those, then commit the
corpus:  python3 tests/fuzz/make_corpus.py
"""
import glob
import hashlib
import os
import sys

OUT = "tests/fuzz/corpus"


def words(line):
    """The words of an args: line, quotes and escapes resolved as test_golden.c does."""
    out, cur, quote, have, i = [], [], None, False, 0
    while i < len(line):
        ch = line[i]
        if not quote and ch == " ":
            if have:
                out.append("".join(cur))
            cur, have = [], False
        elif not quote and ch in "\"'":
            quote, have = ch, True
        elif quote and ch == quote:
            quote = None
        elif quote == '"' and ch == "\\" and i + 1 < len(line):
            i += 1
            cur.append("\n" if line[i] == "n" else line[i])
        else:
            cur.append(ch)
            have = True
        i += 1
    if have:
        out.append("".join(cur))
    return out


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def golden_seed(path):
    """The seed of one golden test, or None when it has no program."""
    args, stdin = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("---"):
                break
            if line.startswith("args:"):
                args = words(line[5:])
            elif line.startswith("stdin:"):
                stdin = line[6:].lstrip(" ").replace("\\n", "\n").encode()
    program, second = None, None
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if a == "-e" and nxt is not None:
            program, i = nxt.encode(), i + 1
        elif a == "--check" and nxt is not None:
            second, i = nxt.encode(), i + 1
        elif a == "--check-file" and nxt is not None:
            body = read(nxt) or b""
            second, i = b"\0" + body, i + 1
        elif a in ("--wrt", "--of", "-o", "--header", "--name", "--dims", "--seed",
                   "--points", "--precision"):
            i += 1
        elif a == "-":
            program = stdin if stdin is not None else b""
        elif not a.startswith("-"):
            program = read(a)
        i += 1
    if program is None:
        return None
    return program if second is None else program + b"\0" + second


def hand_seed(path):
    data = read(path)
    first, sep, rest = data.partition(b"#---\n")
    return first + b"\0" + rest if sep else first


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in glob.glob(os.path.join(OUT, "*")):
        os.remove(old)
    seeds = {}
    for path in sorted(glob.glob("examples/*.nd")):
        seeds["ex_" + os.path.basename(path)[:-3]] = read(path)
    for path in sorted(glob.glob("tests/golden/*.t")):
        seed = golden_seed(path)
        if seed is not None:
            seeds["golden_" + os.path.basename(path)[:-2]] = seed
    for path in sorted(glob.glob("tests/fuzz/seeds/*.nd")):
        seeds["hand_" + os.path.basename(path)[:-3]] = hand_seed(path)
    seen = set()
    for name, data in sorted(seeds.items()):
        digest = hashlib.sha1(data).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("make_corpus: %d seeds in %s" % (len(seen), OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
