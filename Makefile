# nnderive: plain GNU make.  Everything generated goes under $(BUILD).
#   make                build/nnderive
#   make check          the test suite (Check), then its summary line
#   make check-san      the same, built with -fsanitize=address,undefined
#   make install PREFIX=/usr/local DESTDIR=
#   make deps           the Debian packages (as root, or with sudo)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
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
CFLAGS_ND = $(STD) $(OPT) $(CPPFLAGS_ND) $(CFLAGS) $(CPPFLAGS)
LIBS := -lmpfr -lgmp -lm -pthread
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lpthread -lm)

SRCS := $(wildcard src/*.c)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
GEN_OBJS := $(BUILD)/obj/parser.o $(BUILD)/obj/lexer.o
GEN_HDRS := $(BUILD)/gen/parser.h $(BUILD)/gen/lexer.h
LIB := $(BUILD)/libnnderive.a
BIN := $(BUILD)/nnderive

TEST_SRCS := $(wildcard tests/*.c)
TEST_OBJS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%.o)
TEST_BIN := $(BUILD)/tests/check_nnderive

DEB_PACKAGES := flex bison libgmp-dev libmpfr-dev check pkg-config

.PHONY: all check check-san clean install deps deps-optional bench bench-codegen bench-depth lengths render
all: $(BIN)

# Bison and flex: one rule each produces both outputs (grouped targets).
$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h &: grammar/parser.y
	@mkdir -p $(@D)
	$(BISON) -Wall -Werror --header=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/lexer.c $(BUILD)/gen/lexer.h &: grammar/lexer.l $(BUILD)/gen/parser.h
	@mkdir -p $(@D)
	$(FLEX) --header-file=$(BUILD)/gen/lexer.h -o $(BUILD)/gen/lexer.c $<

.SECONDARY: $(GEN_HDRS) $(BUILD)/gen/parser.c $(BUILD)/gen/lexer.c

$(BUILD)/obj/%.o: src/%.c | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) $(WARN) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/obj/parser.o $(BUILD)/obj/lexer.o: $(BUILD)/obj/%.o: $(BUILD)/gen/%.c | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) $(GEN_WARN) $(DEPFLAGS) -c -o $@ $<

$(LIB): $(OBJS) $(GEN_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(BUILD)/obj/main.o $(LIB)
	$(CC) $(CFLAGS_ND) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%.o: tests/%.c | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) $(CHECK_CFLAGS) $(WARN) $(DEPFLAGS) -c -o $@ $<

$(TEST_BIN): $(TEST_OBJS) $(LIB)
	$(CC) $(CFLAGS_ND) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LIBS)

check: $(TEST_BIN) $(BIN)
	ND_BIN=$(BIN) $(TEST_BIN)

# The sanitizer build lives in its own tree so it never mixes with build/.
check-san:
	$(MAKE) check BUILD=build/san OPT="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" LDFLAGS="-fsanitize=address,undefined"

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/nnderive

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
$(BUILD)/bench/bench_derive: bench/bench_derive.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) -o $@ $< $(LIB) $(LIBS)

$(BUILD)/bench/bench_lengths: bench/bench_lengths.c tests/identities.h tests/lengths.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) -o $@ $< $(LIB) $(LIBS)

$(BUILD)/bench/bench_depth: bench/bench_depth.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ND) -o $@ $< $(LIB) $(LIBS)

# Derivation and code generation against depth (bench/RESULTS.md).
bench-depth: $(BUILD)/bench/bench_depth
	$(BUILD)/bench/bench_depth

# The length table of the simplifier (bench/RESULTS.md).
lengths: $(BUILD)/bench/bench_lengths
	$(BUILD)/bench/bench_lengths

# Generated code against a hand-written loop nest, PyTorch and NumPy
# (bench/run_codegen_bench.sh; the peers are skipped when missing).
bench-codegen: $(BIN)
	@mkdir -p $(BUILD)/bench
	$(BIN) examples/autoencoder.nd --c --name ae -o $(BUILD)/bench/ae.c
	$(BIN) examples/two_layer_swish_batch.nd --c --name mlp -o $(BUILD)/bench/mlp.c
	GEN_AE=$(BUILD)/bench/ae.c GEN_MLP=$(BUILD)/bench/mlp.c bench/run_codegen_bench.sh

# Pictures of the LaTeX output for the README (needs pdflatex and pdftoppm).
RENDERED := docs/img/autoencoder.png docs/img/two_layer_swish.png
render: $(BIN)
	for f in $(RENDERED); do docs/render.sh $(BIN) examples/$$(basename $$f .png).nd $$f; done

# The peers run in the same invocation, with Debian's python3 (SymPy).
bench: $(BIN) $(BUILD)/bench/bench_derive
	$(BUILD)/bench/bench_derive $(BIN) examples/*.nd
	/usr/bin/python3 bench/peers/sympy_derive.py
