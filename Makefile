# vigil -- plain Makefile: libraries -> programs -> tests.
# make            build bin/vigil-collector bin/vigil-shipper bin/vigil
#                 bin/vigil-rules (`vigil rules` runs it)
# make test       unit + fuzz-corpus replay + integration tests
# make test SANITIZE=1   the same under ASan+UBSan (objects in build/san)
# make fuzz FUZZ_SECONDS=N   libFuzzer run of every target (clang)
# make install PREFIX=/usr/local DESTDIR=

CC	?= cc
PREFIX	?= /usr/local
DESTDIR	?=
SANITIZE ?= 0
FUZZ_SECONDS ?= 30

ifeq ($(SANITIZE),1)
O	:= build/san
BIN	:= build/san/bin
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
else
O	:= build/obj
BIN	:= bin
SANFLAGS :=
endif

PKGS	:= libevent_openssl libevent_pthreads openssl yajl libpcre2-8 libsystemd
OPT	?= -O2 -g
# Link-time optimisation with gcc: ingest's hot path crosses files (record,
# fname, buf, the decoders, the rules engine), and -flto took ~10 % off the
# writer thread's CPU (docs/performance.md).  Not for sanitizer builds (it
# would double their build time) nor for other compilers (clang's needs a
# linker plugin).  LTO= turns it off.
IS_GCC	:= $(shell $(CC) --version 2>/dev/null | grep -c "Free Software Foundation")
ifeq ($(SANITIZE)$(IS_GCC),01)
LTO	?= -flto=auto
else
LTO	?=
endif
# gcc-ar loads gcc's LTO plugin, which an archive of LTO objects needs
ARCHIVE	:= $(if $(LTO),gcc-ar,ar)
CFLAGS	+= $(OPT) $(LTO) -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread \
	-iquote core -iquote collector -iquote shipper -iquote rules $(SANFLAGS) \
	-DRULES_PACK_DIR='"$(PREFIX)/share/vigil/rules"' \
	$(shell pkg-config --cflags $(PKGS))
LDFLAGS	+= $(SANFLAGS) $(LTO) -pthread -Wl,--as-needed
LDLIBS	+= $(shell pkg-config --libs $(PKGS)) -lleveldb -lm

CORE_SRC := $(wildcard core/*.c)
COLL_MAINS := collector/main.c collector/vigil.c collector/vigil_rules.c
COLL_SRC := $(filter-out $(COLL_MAINS),$(wildcard collector/*.c))
SHIP_MAINS := shipper/main.c
SHIP_SRC := $(filter-out $(SHIP_MAINS),$(wildcard shipper/*.c))
RULE_SRC := $(wildcard rules/*.c)

CORE_LIB := $(O)/libcore.a
COLL_LIB := $(O)/libcollector.a
SHIP_LIB := $(O)/libshipper.a
LIBS	:= $(COLL_LIB) $(SHIP_LIB) $(CORE_LIB)

PROGS	:= $(BIN)/vigil-collector $(BIN)/vigil-shipper $(BIN)/vigil \
	$(BIN)/vigil-rules
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRC))
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BINS := $(patsubst tests/fuzz/fuzz_%.c,$(O)/tests/replay_%,$(FUZZ_SRC))
TOOLS	:= $(O)/tests/loadgen $(O)/tests/tamper $(O)/tests/faultproxy \
	$(O)/tests/failwrite.so $(O)/tests/timeit $(O)/tests/acksink

all: $(PROGS)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(CORE_LIB): $(patsubst %.c,$(O)/%.o,$(CORE_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && $(ARCHIVE) rcs $@ $^
$(COLL_LIB): $(patsubst %.c,$(O)/%.o,$(COLL_SRC) $(RULE_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && $(ARCHIVE) rcs $@ $^ $(if $^,,/dev/null)
$(SHIP_LIB): $(patsubst %.c,$(O)/%.o,$(SHIP_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && $(ARCHIVE) rcs $@ $^

$(BIN)/vigil-collector: $(O)/collector/main.o $(COLL_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(COLL_LIB) $(CORE_LIB) $(LDLIBS)
$(BIN)/vigil: $(O)/collector/vigil.o $(COLL_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(COLL_LIB) $(CORE_LIB) $(LDLIBS)
$(BIN)/vigil-rules: $(O)/collector/vigil_rules.o $(COLL_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(COLL_LIB) $(CORE_LIB) $(LDLIBS)
$(BIN)/vigil-shipper: $(O)/shipper/main.o $(SHIP_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(SHIP_LIB) $(CORE_LIB) $(LDLIBS)

$(O)/tests/test_%: $(O)/tests/unit/test_%.o $(LIBS)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS)
$(O)/tests/replay_%: $(O)/tests/fuzz/fuzz_%.o $(O)/tests/fuzz/replay.o $(LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(LDLIBS)

$(O)/tests/%: $(O)/tests/tools/%.o $(LIBS)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS)

# alertseed: alerts in a data directory for t0500 (tests/tools/alertseed.c)
TOOLS	+= $(O)/tests/alertseed

# LD_PRELOAD shim of t0830: no sanitizer (it is loaded before any runtime)
$(O)/tests/failwrite.so: tests/tools/failwrite.c
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -fPIC \
	    -shared -o $@ $< -ldl

tests: $(UNIT_BINS) $(REPLAY_BINS) $(TOOLS)

# benchmarks (not part of test): tests/bench/run.sh, docs/performance.md
$(O)/tests/bench_%: $(O)/tests/bench/bench_%.o $(LIBS)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS)

bench: all $(TOOLS) $(O)/tests/bench_decode
	@VIGIL_BIN=$(abspath $(BIN)) VIGIL_TESTBIN=$(abspath $(O)/tests) \
	    sh tests/bench/run.sh

test: all tests
	@VIGIL_BIN=$(abspath $(BIN)) VIGIL_TESTBIN=$(abspath $(O)/tests) \
	    sh tests/run.sh

# libFuzzer builds (clang only), outside the normal object tree.
FUZZ_O	:= build/fuzz
FUZZ_CFLAGS := -O1 -g -std=gnu11 -D_GNU_SOURCE -iquote core -iquote collector \
	-iquote shipper -iquote rules -fsanitize=fuzzer,address,undefined \
	$(shell pkg-config --cflags $(PKGS))
fuzz:
	@mkdir -p $(FUZZ_O)
	@set -e; for f in $(FUZZ_SRC); do \
	    n=$$(basename $$f .c); \
	    clang $(FUZZ_CFLAGS) -o $(FUZZ_O)/$$n $$f $(CORE_SRC) \
	        $(COLL_SRC) $(SHIP_SRC) $(RULE_SRC) -pthread \
	        $$(pkg-config --libs $(PKGS)) -lleveldb -lstdc++ -lm; \
	    mkdir -p $(FUZZ_O)/corpus-$$n; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	    if ! $(FUZZ_O)/$$n -max_total_time=$(FUZZ_SECONDS) \
	        -max_len=65536 -artifact_prefix=$(FUZZ_O)/$$n- \
	        $(FUZZ_O)/corpus-$$n tests/fuzz/corpus/$${n#fuzz_} \
	        >$(FUZZ_O)/$$n.log 2>&1; then \
	        tail -n 40 $(FUZZ_O)/$$n.log; \
	        echo "fuzz: $$n FAILED (input in $(FUZZ_O)/$$n-*)"; exit 1; \
	    fi; \
	    grep -E '^Done' $(FUZZ_O)/$$n.log; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/vigil/rules \
	    $(DESTDIR)/etc/vigil $(DESTDIR)/lib/systemd/system
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 rules/*.rules $(DESTDIR)$(PREFIX)/share/vigil/rules/
	install -m 644 conf/collector.conf conf/shipper.conf \
	    $(DESTDIR)$(PREFIX)/share/vigil/
	for f in conf/*.service; do \
	    sed 's|@PREFIX@|$(PREFIX)|g' $$f > \
	        $(DESTDIR)/lib/systemd/system/$$(basename $$f); done
	[ -e $(DESTDIR)/etc/vigil/collector.conf ] || \
	    install -m 640 conf/collector.conf $(DESTDIR)/etc/vigil/
	[ -e $(DESTDIR)/etc/vigil/shipper.conf ] || \
	    install -m 640 conf/shipper.conf $(DESTDIR)/etc/vigil/

clean:
	rm -rf build bin

.PHONY: all test tests bench fuzz install clean
.SECONDARY:

-include $(shell find build -name '*.d' 2>/dev/null)
