# rcm: one top-level GNU Makefile.
#   make            librcm (static + shared) and the rcm CLI, in $(BUILD)
#   make test       unit tests (Criterion), end-to-end CLI tests, fuzz-corpus replay, crash tests
#   make asan       the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      benchmarks under bench/ (print figures; never part of test)
#   make fuzz       libFuzzer targets (clang); FUZZ_SECONDS per target
#   make demo       README command 1
# BUILD=dir puts every output elsewhere, so several builds can share a tree.

BUILD ?= build
CC ?= cc
OPT ?= -O2
SAN ?=
WERROR ?= $(if $(CI),-Werror,)

CPPFLAGS += -Iinclude -D_GNU_SOURCE
CFLAGS += -std=c11 $(OPT) -g -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
          -Wno-unused-parameter -fvisibility=hidden -fPIC -MMD -MP $(WERROR)
LDLIBS += $(shell pkg-config --libs jansson sqlite3 libzip zlib libsodium 2>/dev/null || echo -ljansson -lsqlite3 -lzip -lz -lsodium) -lhpdf -lm -lpthread
ifneq ($(SAN),)
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC := $(sort $(shell find lib -name '*.c'))
CLI_SRC := $(sort $(wildcard cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))
REPLAY_BIN := $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay_%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

RCM := $(BUILD)/rcm

.PHONY: all test unit cli-test fuzz-replay crash-test asan bench fuzz demo deps clean
all: deps-ok $(BUILD)/librcm.a $(BUILD)/librcm.so $(RCM)

# Installs the Debian packages rcm needs when one is missing (scripts/deps.sh).
deps-ok:
	@scripts/deps.sh --check >/dev/null 2>&1 || scripts/deps.sh
deps:
	scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/librcm.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/librcm.so: $(LIB_OBJ)
	$(CC) -shared $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(RCM): $(CLI_OBJ) $(BUILD)/librcm.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/librcm.a $(LDLIBS)

$(BUILD)/unit: $(UNIT_OBJ) $(BUILD)/librcm.a
	$(CC) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(BUILD)/librcm.a -lcriterion $(LDLIBS)

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/librcm.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/fuzz/fuzz_$*.c tests/fuzz/replay.c $(BUILD)/librcm.a $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/librcm.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/librcm.a $(LDLIBS)

test: all unit cli-test fuzz-replay crash-test

unit: $(BUILD)/unit
	$(BUILD)/unit --jobs 2

cli-test: $(RCM)
	RCM=$(abspath $(RCM)) tests/cli/run.sh

# kill -9 during an 835 posting, and two postings at once (tests/crash/run.sh)
crash-test: $(RCM) $(BUILD)/bench/cycle_post
	tests/crash/run.sh $(BUILD)

fuzz-replay: $(REPLAY_BIN)
	@for n in $(FUZZ_NAMES); do $(BUILD)/fuzz/replay_$$n tests/fuzz/corpus/$$n || exit 1; done

asan:
	LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp) $(MAKE) BUILD=$(BUILD)/asan SAN=1 OPT=-O1 test

bench: all $(BENCH_BIN)
	bench/run.sh $(BUILD)

FUZZ_SECONDS ?= 60
fuzz: $(BUILD)/librcm.a
	@mkdir -p $(BUILD)/fuzz
	@for n in $(FUZZ_NAMES); do \
	  clang $(CPPFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $(BUILD)/fuzz/fuzz_$$n \
	    tests/fuzz/fuzz_$$n.c $(LIB_SRC) $(LDLIBS) || exit 1; \
	  mkdir -p $(BUILD)/fuzz/new_$$n; \
	  $(BUILD)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    $(BUILD)/fuzz/new_$$n tests/fuzz/corpus/$$n || exit 1; \
	done

DEMO_DIR ?= demo-out
demo: all
	DEMO_DIR=$(DEMO_DIR) scripts/demo.sh $(RCM)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
