# nnderive: plain GNU make.  Everything generated goes under $(BUILD).
#   make                build/nnderive
#   make check          the test suite (Check), then its summary line
#   make check-san      the same, built with -fsanitize=address,undefined
#   make check-valgrind memcheck over representative runs of build/nnderive
#   make check-tsan     sessions on several threads, -fsanitize=thread
#   make fuzz           a fuzz campaign (FUZZ_SECONDS, FUZZ_MODE, FUZZER=afl)
#   make check-python   the Python package's tests (part of make check)
#   make install PREFIX=/usr/local DESTDIR=
#   make deps           the Debian packages (as root, or with sudo)
#   make web            the browser playground in build/web; make check-web tests it (web/web.mk)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
VERSION := $(shell sed -n 's/^#define ND_VERSION "\(.*\)"/\1/p' src/version.h)
SONAME := libnnderive.so.0
BUILD ?= build
CC ?= cc
BISON ?= bison
FLEX ?= flex

OPT ?= -O2 -g
WARN := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
        -Wpointer-arith -Wcast-qual -Wwrite-strings -Wundef -Wformat=2 \
        -Wold-style-definition -Wvla
GEN_WARN := -Wall -Wno-unused-function -Wno-sign-compare -Wno-unused-parameter
STD := -std=c11 -D_POSIX_C_SOURCE=200809L
CPPFLAGS_ND := -iquote src -iquote $(BUILD)/gen
DEPFLAGS = -MMD -MP
# Position-independent objects serve the static and the shared library;
# only the public interface (ND_API in nnderive.h) is visible.
CFLAGS_ND = $(STD) $(OPT) -fPIC -fvisibility=hidden $(CPPFLAGS_ND) $(CFLAGS) $(CPPFLAGS)
LIBS := -lmpfr -lgmp -lm -pthread
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lpthread -lm)

SRCS := $(wildcard src/*.c)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
GEN_OBJS := $(BUILD)/obj/parser.o $(BUILD)/obj/lexer.o
GEN_HDRS := $(BUILD)/gen/parser.h $(BUILD)/gen/lexer.h $(BUILD)/gen/cg_helpers.h
LIB := $(BUILD)/libnnderive.a
LIB_ALL := $(BUILD)/libnnderive-internal.a
LD ?= ld
OBJCOPY ?= objcopy
SHLIB := $(BUILD)/$(SONAME)
BIN := $(BUILD)/nnderive

TEST_SRCS := $(wildcard tests/*.c)
TEST_OBJS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%.o)
TEST_BIN := $(BUILD)/tests/check_nnderive

DEB_PACKAGES := flex bison libgmp-dev libmpfr-dev check pkg-config

# The Python package (python/): Debian's python3 has numpy and pytest.
# make install puts it in PYTHONDIR, a directory Debian's python3 reads for
# PREFIX=/usr and /usr/local (any other PREFIX needs PYTHONPATH).
PYTHON ?= /usr/bin/python3
PYTHON_VERSION = $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifeq ($(PREFIX),/usr)
PYTHONDIR ?= $(PREFIX)/lib/python3/dist-packages
else
PYTHONDIR ?= $(PREFIX)/lib/python$(PYTHON_VERSION)/dist-packages
endif

.PHONY: FORCE all lib check check-san check-python clean install deps deps-optional bench bench-codegen bench-depth bench-check bench-python bench-grade bench-hessian lengths render
all: $(BIN) $(LIB) $(SHLIB) $(BUILD)/nnderive.pc

# Bison and flex: one rule each produces both outputs (grouped targets).
$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h &: grammar/parser.y
	@mkdir -p $(@D)
	$(BISON) -Wall -Werror --header=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/lexer.c $(BUILD)/gen/lexer.h &: grammar/lexer.l $(BUILD)/gen/parser.h
	@mkdir -p $(@D)
	$(FLEX) --header-file=$(BUILD)/gen/lexer.h -o $(BUILD)/gen/lexer.c $<

# The helpers of the generated C are C99 in src/cg_helpers.c.in: compiled
# as such (as a check: a helper that is not strict C99 fails the build),
# then embedded in the generator as one string per helper.
HELPER_CFLAGS := -std=c99 -pedantic -Werror $(WARN) -Wno-unused-function
$(BUILD)/gen/cg_helpers.o: src/cg_helpers.c.in
	@mkdir -p $(@D)
	$(CC) $(HELPER_CFLAGS) $(OPT) -x c -c -o $@ $<

$(BUILD)/gen/cg_helpers.h: src/cg_helpers.c.in src/cg_helpers.awk $(BUILD)/gen/cg_helpers.o
	awk -f src/cg_helpers.awk $< > $@.tmp
	mv $@.tmp $@

.SECONDARY: $(GEN_HDRS) $(BUILD)/gen/parser.c $(BUILD)/gen/lexer.c

# Objects depend on the flags they were compiled with: a change of OPT or
# CFLAGS rebuilds them instead of mixing old and new objects.
$(BUILD)/flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(CFLAGS_ND) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS_ND) $(LDFLAGS)' > $@

FORCE:

$(BUILD)/obj/%.o: src/%.c $(BUILD)/flags | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) $(WARN) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/obj/parser.o $(BUILD)/obj/lexer.o: $(BUILD)/obj/%.o: $(BUILD)/gen/%.c $(BUILD)/flags | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) $(GEN_WARN) $(DEPFLAGS) -c -o $@ $<

# Two archives: the installed one exports only the nd_ interface, as the
# shared library does (its objects joined by ld -r, every hidden symbol made
# local), and an internal one with every symbol, for the command, the tests
# and the benchmarks that look inside.
$(LIB_ALL): $(OBJS) $(GEN_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(LIB): $(OBJS) $(GEN_OBJS)
	rm -f $@ $(BUILD)/nnderive-lib.o
	$(LD) -r -o $(BUILD)/nnderive-lib.o $^
	$(OBJCOPY) --localize-hidden $(BUILD)/nnderive-lib.o
	$(AR) rcs $@ $(BUILD)/nnderive-lib.o

$(SHLIB): $(OBJS) $(GEN_OBJS)
	$(CC) $(CFLAGS_ND) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(LIBS)

$(BIN): $(BUILD)/obj/main.o $(LIB_ALL)
	$(CC) $(CFLAGS_ND) $(LDFLAGS) -o $@ $^ $(LIBS)

# Regenerated when PREFIX or LIBDIR change (make install PREFIX=...).
$(BUILD)/nnderive.pc: nnderive.pc.in FORCE
	@mkdir -p $(@D)
	@sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' $< > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/tests/%.o: tests/%.c $(BUILD)/flags | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) $(CHECK_CFLAGS) $(WARN) $(DEPFLAGS) -c -o $@ $<

$(TEST_BIN): $(TEST_OBJS) $(LIB_ALL)
	$(CC) $(CFLAGS_ND) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LIBS)

check: $(TEST_BIN) $(BIN) $(SHLIB) $(BUILD)/nnderive.pc check-python
	ND_BUILD=$(BUILD) ND_OPT="$(OPT)" ND_LDFLAGS="$(LDFLAGS)" $(TEST_BIN)

# The Python package's tests, before the Check suite (whose summary line
# ends make check).  They need what make install needs: one test installs.
# Skipped without pytest and numpy, and in the sanitizer build (python
# cannot load a library built with ASan).
check-python: $(BIN) $(LIB) $(SHLIB) $(BUILD)/nnderive.pc
	@if ! $(PYTHON) -c 'import pytest, numpy' 2>/dev/null; then \
	    echo "check-python: skipped: $(PYTHON) lacks pytest or numpy (apt-get install python3-pytest python3-numpy python3-setuptools)"; \
	elif echo '$(OPT) $(LDFLAGS)' | grep -q -e -fsanitize; then \
	    echo "check-python: skipped in the sanitizer build"; \
	else \
	    echo "PYTHONPATH=python NNDERIVE_LIBRARY=$(SHLIB) $(PYTHON) -m pytest python/tests"; \
	    PYTHONPATH=python NNDERIVE_LIBRARY="$(CURDIR)/$(SHLIB)" PYTHONDONTWRITEBYTECODE=1 \
	    ND_BUILD=$(BUILD) ND_OPT="$(OPT)" ND_LDFLAGS="$(LDFLAGS)" \
	    $(PYTHON) -m pytest -q -p no:cacheprovider python/tests; \
	fi

# The sanitizer build lives in its own tree so it never mixes with build/.
# Its tests run 2 to 5 times slower: Check's time limits are tripled.
check-san:
	CK_TIMEOUT_MULTIPLIER=$${CK_TIMEOUT_MULTIPLIER:-3} $(MAKE) check BUILD=build/san OPT="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" LDFLAGS="-fsanitize=address,undefined"

# ---- Fuzzing, memcheck, ThreadSanitizer (README, "Fuzzing and sanitizers") --
# The fuzz target tests/fuzz/fuzz_nnderive.c runs in its own tree, on a
# library built with the fuzzer's instrumentation and ASan+UBSan:
#   make fuzz FUZZ_SECONDS=600 FUZZ_MODE=default|c|verify|check|all
#   make fuzz FUZZER=afl ...        AFL++ (afl-clang-fast, persistent mode)
#   make fuzz FUZZ_KEEP_GOING=1     libFuzzer goes on after a finding
# Findings land in build/fuzz/findings/TOOL-MODE/; a finding fails the run.
FUZZ_DIR := build/fuzz
FUZZ_CC ?= clang
AFL_CC ?= afl-clang-fast
FUZZER ?= libfuzzer
FUZZ_MODE ?= all
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_SEED ?=
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_TARGET_FLAGS = $(STD) -O1 -g -iquote src $(WARN)

.PHONY: fuzz fuzz-build-libfuzzer fuzz-build-afl fuzz-replay check-valgrind check-tsan
fuzz-build-libfuzzer:
	$(MAKE) $(FUZZ_DIR)/libfuzzer/libnnderive.a BUILD=$(FUZZ_DIR)/libfuzzer CC=$(FUZZ_CC) \
	    OPT="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)"
	$(FUZZ_CC) $(FUZZ_TARGET_FLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -o $(FUZZ_DIR)/fuzz_libfuzzer \
	    tests/fuzz/fuzz_nnderive.c $(FUZZ_DIR)/libfuzzer/libnnderive.a $(LIBS)

fuzz-build-afl:
	AFL_QUIET=1 $(MAKE) $(FUZZ_DIR)/afl/libnnderive.a BUILD=$(FUZZ_DIR)/afl CC=$(AFL_CC) \
	    OPT="-O1 -g $(FUZZ_SAN)"
	AFL_QUIET=1 $(AFL_CC) $(FUZZ_TARGET_FLAGS) -DND_FUZZ_AFL $(FUZZ_SAN) -o $(FUZZ_DIR)/fuzz_afl \
	    tests/fuzz/fuzz_nnderive.c $(FUZZ_DIR)/afl/libnnderive.a $(LIBS)

fuzz: fuzz-build-$(FUZZER)
	FUZZER=$(FUZZER) FUZZ_MODE=$(FUZZ_MODE) FUZZ_SECONDS=$(FUZZ_SECONDS) \
	    FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) FUZZ_DIR=$(FUZZ_DIR) FUZZ_SEED=$(FUZZ_SEED) tests/fuzz/run.sh $(FUZZ_DIR)/fuzz_$(FUZZER)

# The seed corpus through the target once, in every mode, with any
# compiler (no fuzzer needed): the check-san build of the target.
fuzz-replay:
	$(MAKE) build/san/libnnderive.a BUILD=build/san OPT="-O1 -g $(FUZZ_SAN)" LDFLAGS="-fsanitize=address,undefined"
	@mkdir -p $(FUZZ_DIR)
	$(CC) $(FUZZ_TARGET_FLAGS) -DND_FUZZ_MAIN $(FUZZ_SAN) -o $(FUZZ_DIR)/fuzz_replay \
	    tests/fuzz/fuzz_nnderive.c build/san/libnnderive.a $(LIBS)
	ND_FUZZ_MODE=all $(FUZZ_DIR)/fuzz_replay tests/fuzz/corpus/* 2>$(FUZZ_DIR)/replay.log || \
	    { tail -n 30 $(FUZZ_DIR)/replay.log; exit 1; }
	@echo "fuzz-replay: $$(ls tests/fuzz/corpus | wc -l) seeds, no finding"

# Valgrind's memcheck over a dozen runs of the command, error paths included.
check-valgrind: $(BIN)
	tests/valgrind/run.sh $(BIN)

# Several sessions on several threads at once, under ThreadSanitizer.  A
# run sees a given race only about every other time (ThreadSanitizer keeps
# a few recent accesses per word), so the test runs TSAN_RUNS times.
TSAN_CC ?= clang
TSAN_RUNS ?= 8
TSAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer
check-tsan:
	$(MAKE) build/tsan/libnnderive.a BUILD=build/tsan CC=$(TSAN_CC) OPT="-O1 -g $(TSAN_FLAGS)" \
	    LDFLAGS="-fsanitize=thread"
	$(TSAN_CC) $(FUZZ_TARGET_FLAGS) $(TSAN_FLAGS) -o build/tsan/tsan_sessions \
	    tests/tsan/tsan_sessions.c build/tsan/libnnderive.a $(LIBS)
	@for i in $$(seq $(TSAN_RUNS)); do \
	    echo "check-tsan: run $$i of $(TSAN_RUNS)"; \
	    TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 $(TSAN_OPTIONS)" \
	        build/tsan/tsan_sessions -t 4 -r 2 examples/*.nd || exit 1; \
	done

# The shared library is installed under its full version with the soname
# and development symlinks beside it, the Debian way.
install: $(BIN) $(LIB) $(SHLIB) $(BUILD)/nnderive.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/nnderive
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libnnderive.a
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/libnnderive.so.$(VERSION)
	ln -sf libnnderive.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libnnderive.so
	install -m 644 src/nnderive.h $(DESTDIR)$(INCLUDEDIR)/nnderive.h
	install -m 644 $(BUILD)/nnderive.pc $(DESTDIR)$(LIBDIR)/pkgconfig/nnderive.pc
	install -m 644 docs/nnderive.1 $(DESTDIR)$(MANDIR)/man1/nnderive.1
	@if [ -n "$(PYTHON_VERSION)" ]; then \
	    echo "install: the Python package in $(DESTDIR)$(PYTHONDIR)/nnderive"; \
	    install -d $(DESTDIR)$(PYTHONDIR)/nnderive && \
	    install -m 644 python/nnderive/*.py $(DESTDIR)$(PYTHONDIR)/nnderive/ && \
	    ln -sf $(LIBDIR)/libnnderive.so.$(VERSION) $(DESTDIR)$(PYTHONDIR)/nnderive/$(SONAME); \
	else echo "install: no $(PYTHON): the Python package is not installed"; fi

clean:
	rm -rf $(BUILD) build

deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	if dpkg -s $(DEB_PACKAGES) >/dev/null 2>&1; then echo "deps: all installed"; \
	else $$SUDO apt-get update && $$SUDO apt-get install -y $(DEB_PACKAGES); fi

# Optional: pdflatex for the LaTeX tests, graphviz for pictures.
deps-optional:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get install -y texlive-latex-base poppler-utils graphviz

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d)

# Benchmarks: derivation time per example (bench/RESULTS.md has the numbers).
$(BUILD)/bench/bench_derive: bench/bench_derive.c bench/bench_time.h $(LIB_ALL)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) -o $@ $< $(LIB_ALL) $(LIBS)

$(BUILD)/bench/bench_lengths: bench/bench_lengths.c tests/identities.h tests/lengths.h $(LIB_ALL)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) -o $@ $< $(LIB_ALL) $(LIBS)

$(BUILD)/bench/bench_depth: bench/bench_depth.c bench/bench_time.h $(LIB_ALL)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) -o $@ $< $(LIB_ALL) $(LIBS)

$(BUILD)/bench/bench_check: bench/bench_check.c bench/bench_time.h $(LIB_ALL)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) -o $@ $< $(LIB_ALL) $(LIBS)

# --check with its diagnosis on the seed's examples (bench/RESULTS.md).
bench-check: $(BUILD)/bench/bench_check
	$(BUILD)/bench/bench_check

# A class of 200 generated submissions of the seed's 2-layer network graded
# at once, text and LaTeX, right and wrong (bench/RESULTS.md).
bench-grade: $(BIN)
	rm -rf $(BUILD)/bench/class
	sh bench/gen_class.sh $(BUILD)/bench/class 200
	sh bench/run_grade_bench.sh $(BIN) $(BUILD)/bench/class

# Derivation and code generation against depth (bench/RESULTS.md).
bench-depth: $(BUILD)/bench/bench_depth
	$(BUILD)/bench/bench_depth

# The length table of the simplifier (bench/RESULTS.md).
lengths: $(BUILD)/bench/bench_lengths
	$(BUILD)/bench/bench_lengths

# Generated code against a hand-written loop nest, PyTorch and NumPy
# (bench/run_codegen_bench.sh; the peers are skipped when missing).
# With libopenblas-dev installed, the --blas variants run beside them.
bench-codegen: $(BIN)
	@mkdir -p $(BUILD)/bench
	$(BIN) examples/autoencoder.nd --c --name ae -o $(BUILD)/bench/ae.c
	$(BIN) examples/two_layer_swish_batch.nd --c --name mlp -o $(BUILD)/bench/mlp.c
	$(BIN) examples/autoencoder.nd --c --blas --name ae_blas -o $(BUILD)/bench/ae_blas.c
	$(BIN) examples/two_layer_swish_batch.nd --c --blas --name mlp_blas -o $(BUILD)/bench/mlp_blas.c
	if echo 'int main(void){return 0;}' | $(CC) -x c - -lopenblas -o $(BUILD)/bench/have_blas 2>/dev/null; then \
	    blas="GEN_AE_BLAS=$(BUILD)/bench/ae_blas.c GEN_MLP_BLAS=$(BUILD)/bench/mlp_blas.c"; \
	else echo "bench-codegen: OpenBLAS not found, the --blas variants are skipped (apt-get install libopenblas-dev)"; blas=; fi; \
	env GEN_AE=$(BUILD)/bench/ae.c GEN_MLP=$(BUILD)/bench/mlp.c $$blas bench/run_codegen_bench.sh

# The Hessian of logistic regression and its H*v: generated C, --blas, a
# hand-written closed form with OpenBLAS, PyTorch (bench/RESULTS.md).
bench-hessian: $(BIN)
	sh bench/run_hessian_bench.sh $(BIN)

# The compiled Python callable against PyTorch autograd and hand-written
# NumPy, one thread (bench/RESULTS.md; PyTorch is skipped when missing).
bench-python: $(SHLIB)
	PYTHONPATH=python NNDERIVE_LIBRARY="$(CURDIR)/$(SHLIB)" OPENBLAS_NUM_THREADS=1 \
	    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PYTHON) bench/bench_python.py

# Pictures of the LaTeX output and of a graph for the README (needs pdflatex,
# pdftoppm and graphviz: make deps-optional).
RENDERED := docs/img/autoencoder.png docs/img/two_layer_swish.png
render: $(BIN)
	for f in $(RENDERED); do docs/render.sh $(BIN) examples/$$(basename $$f .png).nd $$f; done
	$(BIN) examples/two_layer_swish.nd --dot --steps | dot -Tpng -Gdpi=80 -o docs/img/two_layer_swish_graph.png

# The peers run in the same invocation, with Debian's python3 (SymPy).
bench: $(BIN) $(BUILD)/bench/bench_derive
	$(BUILD)/bench/bench_derive $(BIN) examples/*.nd
	/usr/bin/python3 bench/peers/sympy_derive.py

# The browser playground: make web-deps, make web, make check-web (web/web.mk).
include web/web.mk
