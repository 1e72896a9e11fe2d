# The browser playground (web/): the engine compiled to WebAssembly with
# Debian's emscripten, the page, KaTeX and viz-js, all under $(BUILD)/web.
#   make web-deps     GMP and MPFR for WebAssembly, cached in $(WEB_DEPS_DIR)
#   make web          $(BUILD)/web: open $(BUILD)/web/index.html
#   make check-web    the page in headless Chromium (web/test/check_web.js)
#   make bench-web    the page's timings and sizes (bench/RESULTS.md)
# Included from the Makefile; uses its LIB_SRCS, STD, CPPFLAGS_ND and the
# bison/flex rules for $(BUILD)/gen.

WEB_DEPS_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/nnderive/wasm
EMCC ?= emcc
NODE ?= node
NPM ?= npm
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)
WEB := $(BUILD)/web
WEB_OBJ := $(BUILD)/wasm
# Debian's emcc needs Debian's node-acorn, which a node from another vendor
# does not look for by itself.
EM_ENV := NODE_PATH=$${NODE_PATH:-/usr/share/nodejs}
WEB_CFLAGS := $(STD) -O2 $(CPPFLAGS_ND) -iquote $(WEB_OBJ) -I$(WEB_DEPS_DIR)/include
# clang (emcc) also wants a format attribute on vprintf-like functions
# (src/strbuf.c), which gcc does not ask for.
WEB_WARN := $(WARN) -Wno-format-nonliteral
# One file: the wasm is embedded in the loader, since a page opened from a
# file URL cannot fetch a separate .wasm.  The stack is the library's
# "thread for deep programs" too (glue.c); it comes first in memory, so an
# overflow traps instead of overwriting data.
WEB_LDFLAGS := -O2 -sMODULARIZE=1 -sEXPORT_NAME=createNnderive -sSINGLE_FILE=1 \
    -sENVIRONMENT=web,worker,node -sALLOW_MEMORY_GROWTH=1 -sTOTAL_STACK=8388608 \
    -sINITIAL_MEMORY=16777216 -Wl,--stack-first \
    -sEXPORTED_FUNCTIONS=_ndw_run,_ndw_free,_ndw_version,_malloc,_free \
    -sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8
WEB_OBJS := $(LIB_SRCS:src/%.c=$(WEB_OBJ)/%.o) $(WEB_OBJ)/parser.o $(WEB_OBJ)/lexer.o \
    $(WEB_OBJ)/glue.o
WEB_PAGE := $(WEB)/index.html $(WEB)/style.css $(WEB)/app.js
# the autoencoder first: the page opens on the README's example
WEB_EXAMPLES := examples/autoencoder.nd \
    $(filter-out examples/autoencoder.nd,$(wildcard examples/*.nd examples/homework/*.nd))
WEB_NPM := $(BUILD)/npm/node_modules/.package-lock.json
KATEX := $(BUILD)/npm/node_modules/katex/dist
VIZ := $(BUILD)/npm/node_modules/@viz-js/viz

.PHONY: web web-deps check-web bench-web

web-deps:
	WEB_DEPS_DIR=$(WEB_DEPS_DIR) $(EM_ENV) web/deps.sh

web: $(WEB)/engine.js $(WEB)/examples.js $(WEB_PAGE) $(WEB)/vendor/stamp

$(WEB_DEPS_DIR)/lib/libmpfr.a:
	@echo "web: GMP and MPFR for WebAssembly are not in $(WEB_DEPS_DIR): run make web-deps" >&2
	@exit 2

# The formats of nnderive.h's enum, for glue.c's table of names.
$(WEB_OBJ)/formats.h: src/nnderive.h
	@mkdir -p $(@D)
	awk '/^enum nd_format/ { on = 1; next } on && /^}/ { exit } \
	     on && match($$0, /ND_[A-Z0-9_]+/) { print "ND_FORMAT(" substr($$0, RSTART, RLENGTH) ")" }' $< > $@

# The objects depend on the flags they were compiled with, as in the Makefile.
$(WEB_OBJ)/flags: FORCE
	@command -v $(EMCC) >/dev/null 2>&1 || \
	    { echo "web: $(EMCC) not found: apt-get install emscripten" >&2; exit 2; }
	@mkdir -p $(@D)
	@echo '$(EMCC) $(WEB_CFLAGS) $(WEB_LDFLAGS)' | cmp -s - $@ || echo '$(EMCC) $(WEB_CFLAGS) $(WEB_LDFLAGS)' > $@

$(WEB_OBJ)/%.o: src/%.c $(WEB_OBJ)/flags $(WEB_DEPS_DIR)/lib/libmpfr.a | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(EM_ENV) $(EMCC) $(WEB_CFLAGS) $(WEB_WARN) -MMD -MP -c -o $@ $<

$(WEB_OBJ)/parser.o $(WEB_OBJ)/lexer.o: $(WEB_OBJ)/%.o: $(BUILD)/gen/%.c $(WEB_OBJ)/flags | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(EM_ENV) $(EMCC) $(WEB_CFLAGS) $(GEN_WARN) -MMD -MP -c -o $@ $<

$(WEB_OBJ)/glue.o: web/glue.c $(WEB_OBJ)/formats.h $(WEB_OBJ)/flags $(WEB_DEPS_DIR)/lib/libmpfr.a
	@mkdir -p $(@D)
	$(EM_ENV) $(EMCC) $(WEB_CFLAGS) $(WEB_WARN) -MMD -MP -c -o $@ $<

$(WEB_OBJ)/nnderive.js: $(WEB_OBJS) $(WEB_OBJ)/flags
	$(EM_ENV) $(EMCC) $(WEB_LDFLAGS) -o $@ $(WEB_OBJS) $(WEB_DEPS_DIR)/lib/libmpfr.a $(WEB_DEPS_DIR)/lib/libgmp.a

# The worker's whole source (web/worker.js, then the engine) as one string
# the page turns into a Blob worker: a file URL allows no other kind.
$(WEB)/engine.js: web/pack.js web/worker.js $(WEB_OBJ)/nnderive.js
	@mkdir -p $(@D)
	$(NODE) web/pack.js engine $@ web/worker.js $(WEB_OBJ)/nnderive.js

$(WEB)/examples.js: web/pack.js $(WEB_EXAMPLES)
	@mkdir -p $(@D)
	$(NODE) web/pack.js examples $@ $(WEB_EXAMPLES)

$(WEB)/%: web/%
	@mkdir -p $(@D)
	cp $< $@

# KaTeX and viz-js from the npm registry, as web/package-lock.json pins
# them, installed under $(BUILD)/npm and copied (woff2 fonts only: every
# browser that runs WebAssembly reads them).
$(WEB_NPM): web/package.json web/package-lock.json web/.npmrc
	@mkdir -p $(BUILD)/npm
	cp web/package.json web/package-lock.json web/.npmrc $(BUILD)/npm/
	cd $(BUILD)/npm && $(NPM) ci --ignore-scripts --no-audit --no-fund --loglevel=error

$(WEB)/vendor/stamp: $(WEB_NPM)
	rm -rf $(WEB)/vendor
	mkdir -p $(WEB)/vendor/katex/fonts $(WEB)/vendor/viz
	cp $(KATEX)/katex.min.js $(KATEX)/katex.min.css $(KATEX)/../LICENSE $(WEB)/vendor/katex/
	cp $(KATEX)/fonts/*.woff2 $(WEB)/vendor/katex/fonts/
	cp $(VIZ)/dist/viz-global.js $(WEB)/vendor/viz/
	touch $@


# The browser test: skipped with a message where emscripten, node or
# chromium is missing (apt-get install emscripten chromium nodejs npm).
check-web:
	@missing=; for t in $(EMCC) $(NODE) $(NPM); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	[ -n "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	    echo "check-web: skipped, not installed:$$missing (apt-get install emscripten chromium nodejs npm)"; \
	else \
	    $(MAKE) --no-print-directory web-deps web && \
	    ND_WEB=$(WEB) CHROMIUM=$(CHROMIUM) $(NODE) --test web/test/check_web.js; \
	fi

# Size and speed of the page (bench/RESULTS.md has the numbers).
bench-web: web
	ND_WEB=$(WEB) ND_ENGINE=$(WEB_OBJ)/nnderive.js CHROMIUM=$(CHROMIUM) $(NODE) web/test/bench_web.js

-include $(wildcard $(WEB_OBJ)/*.d)
