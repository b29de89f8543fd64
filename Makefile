# auditpack - see README.md.  `make`, `make test`, `make check`, `make demo`.
CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
BUILD ?= build

PKGS = sqlite3 libcrypto jansson yaml-0.1 libpcre2-8 libxml-2.0 libzip zlib libzstd liblzma libdeflate
# Evaluated lazily, after mk/deps.sh has installed pkg-config and the -dev
# packages.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lbz2 # bzip2 ships no .pc file
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka)

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread -Wall -Wextra -Wpedantic -Wshadow \
	-DAUDITPACK_DATADIR='"$(PREFIX)/share/auditpack"' \
	-Wno-overlength-strings $(PKG_CFLAGS) $(CFLAGS)
ifeq ($(DEV),1)
ALL_CFLAGS += -Werror
endif
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

ifneq ($(V),1)
Q = @
endif

SRCS += $(sort $(wildcard common/*.c))
SRCS += $(sort $(wildcard store/*.c))
SRCS += $(sort $(wildcard collectors/*.c))
SRCS += $(sort $(wildcard controls/*.c))
SRCS += $(sort $(wildcard mappings/*.c))
SRCS += $(sort $(wildcard reports/*.c))
SRCS += $(sort $(wildcard retention/*.c))
SRCS += $(filter-out $(MAIN),$(sort $(wildcard cli/*.c)))
MAIN = cli/main.c

FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,%,$(filter-out tests/fuzz/driver.c,$(wildcard tests/fuzz/*.c)))
UNIT_TESTS = $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c)) \
	$(FUZZ_TARGETS:fuzz_%=test_fuzz_%)

OBJS = $(SRCS:%.c=$(BUILD)/obj/%.o)
SAN_OBJS = $(SRCS:%.c=$(BUILD)/san/%.o)

all: auditpack auditpack.1

# Dependencies.  A plain `make` only asks pkg-config (and the preprocessor,
# for bzlib.h) whether the libraries are there, and runs mk/deps.sh - which
# may apt-get install, as root - only when they are not.  The top-level
# goals test, check, demo and fuzz run mk/deps.sh for their tools too; it
# is silent, and installs nothing, when every package is present.
deps:
	$(Q)$(PKG_CONFIG) --exists $(PKGS) 2>/dev/null && \
		printf '#include <bzlib.h>\n' | $(CC) -E -x c - >/dev/null 2>&1 || \
		mk/deps.sh build
deps-test:
	$(Q)mk/deps.sh test
	$(Q)mk/ajv.sh
deps-demo:
	$(Q)mk/deps.sh demo
deps-fuzz:
	$(Q)mk/deps.sh fuzz

auditpack: $(BUILD)/obj/$(MAIN:.c=.o) $(BUILD)/libauditpack.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The man page and the shell completions come from the command table and
# each command's --help, so they cannot drift from what the commands take.
auditpack.1: auditpack
	@echo "  GEN     $@"
	$(Q)./auditpack manpage >$@

$(BUILD)/completions/auditpack.bash $(BUILD)/completions/_auditpack: auditpack
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)./auditpack completion $(if $(filter %.bash,$@),bash,zsh) >$@

$(BUILD)/libauditpack.a: $(OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/san/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/san/auditpack: $(BUILD)/san/$(MAIN:.c=.o) $(SAN_OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Unit tests: one cmocka binary per module, linked against the objects.
# WRAP_<test> adds link flags to one test (fault injection with --wrap).
WRAP_test_store_bind = -Wl,--wrap=sqlite3_bind_blob64
WRAP_test_errors = -Wl,--wrap=strdup -Wl,--wrap=realloc
$(BUILD)/tests/%: tests/unit/%.c $(OBJS) | deps-test
	@mkdir -p $(dir $@)
	@echo "  TEST CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(OBJS) $(PKG_LIBS) $(CMOCKA_LIBS) $(WRAP_$*)

$(BUILD)/san-tests/%: tests/unit/%.c $(SAN_OBJS) | deps-test
	@mkdir -p $(dir $@)
	@echo "  TEST CC $< (sanitizers)"
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -MMD -MP -o $@ $< $(SAN_OBJS) $(PKG_LIBS) $(CMOCKA_LIBS) $(WRAP_$*)

# Fuzz targets run as tests through a small driver; `make fuzz` uses
# libFuzzer when clang is installed (FUZZ_SECONDS each; FUZZ_TARGETS=fuzz_x
# picks some), seeded from tests/fuzz/corpus/<x>/; new inputs go to
# $(BUILD)/fuzz/corpus/, crashes to $(BUILD)/fuzz/.
$(BUILD)/tests/test_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c $(wildcard tests/fuzz/*.h) $(OBJS) | deps-test
	@mkdir -p $(dir $@)
	@echo "  FUZZ CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/driver.c $(OBJS) $(PKG_LIBS)

$(BUILD)/san-tests/test_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c $(wildcard tests/fuzz/*.h) $(SAN_OBJS) | deps-test
	@mkdir -p $(dir $@)
	@echo "  FUZZ CC $< (sanitizers)"
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $< tests/fuzz/driver.c $(SAN_OBJS) $(PKG_LIBS)

# libFuzzer: the library objects are built once with clang, coverage and
# the sanitizers ($(BUILD)/fuzz/obj/), then linked with each target.
FUZZ_CC ?= clang
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra \
	-DAUDITPACK_DATADIR='"$(PREFIX)/share/auditpack"' $(PKG_CFLAGS) \
	-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJS = $(SRCS:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_SECONDS ?= 60

$(BUILD)/fuzz/obj/%.o: %.c | deps-fuzz
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/libauditpack.a: $(FUZZ_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(BUILD)/fuzz/libauditpack.a | deps-fuzz
	@echo "  FUZZ LD $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/fuzz/libauditpack.a $(PKG_LIBS)

# Each target for FUZZ_SECONDS, one after the other; stops at the first
# crash (the input is left in $(BUILD)/fuzz/<target>-crash-*).
fuzz: deps-fuzz $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
	$(Q)for t in $(FUZZ_TARGETS); do \
		mkdir -p $(BUILD)/fuzz/corpus/$$t && \
		echo "  FUZZ    $$t ($(FUZZ_SECONDS)s)" && \
		AUDITPACK_DATA='$(CURDIR)' $(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) \
			-timeout=60 -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/$$t- \
			$(BUILD)/fuzz/corpus/$$t $$(ls -d tests/fuzz/corpus/$${t#fuzz_} 2>/dev/null) \
			2>$(BUILD)/fuzz/$$t.log || { tail -n 60 $(BUILD)/fuzz/$$t.log; exit 1; }; \
		grep -E '^stat::number_of_executed_units|^Done' $(BUILD)/fuzz/$$t.log | tr '\n' ' '; echo; \
	done

# The tests use this tree's catalogues and checks, wherever BUILD puts the
# binaries (an out-of-tree $(BUILD)/san/auditpack would not find them).
test: deps-test auditpack auditpack.1 $(UNIT_TESTS:%=$(BUILD)/tests/%)
	$(Q)AUDITPACK_DATA='$(CURDIR)' tests/run.sh $(BUILD)/tests ./auditpack

check: deps-test $(BUILD)/san/auditpack $(UNIT_TESTS:%=$(BUILD)/san-tests/%)
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		AUDITPACK_DATA='$(CURDIR)' tests/run.sh $(BUILD)/san-tests $(BUILD)/san/auditpack

demo: deps-demo auditpack
	$(Q)examples/demo.sh ./auditpack

# One table (issue 15): every stage as a ratio to its standard tool, with
# peak memory, at two input sizes (LINES="..." DOCS="..." to change them).
bench: auditpack
	$(Q)bench/table.sh ./auditpack
# Every detailed benchmark (hostile packs, huge lines, erasure, ...).
bench-all: auditpack
	$(Q)bench/run.sh ./auditpack
# pack, verify-pack and verify memory on a store of 1 GiB of logs (slow).
bench-big: auditpack
	$(Q)bench/bigstore.sh ./auditpack

install: auditpack auditpack.1 $(BUILD)/completions/auditpack.bash $(BUILD)/completions/_auditpack
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/auditpack/controls/schema \
		$(DESTDIR)$(PREFIX)/share/auditpack/mappings $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0755 auditpack $(DESTDIR)$(PREFIX)/bin/auditpack
	install -m 0644 controls/*.xml $(DESTDIR)$(PREFIX)/share/auditpack/controls/
	install -m 0644 controls/schema/* $(DESTDIR)$(PREFIX)/share/auditpack/controls/schema/
	install -m 0644 mappings/*.xml mappings/*.xsd $(DESTDIR)$(PREFIX)/share/auditpack/mappings/
	install -d $(DESTDIR)$(PREFIX)/share/auditpack/mappings/regions
	install -m 0644 mappings/regions/README mappings/regions/*.txt $(DESTDIR)$(PREFIX)/share/auditpack/mappings/regions/
	install -m 0644 auditpack.1 $(DESTDIR)$(PREFIX)/share/man/man1/auditpack.1
	install -m 0644 $(BUILD)/completions/auditpack.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/auditpack
	install -m 0644 $(BUILD)/completions/_auditpack $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_auditpack

clean:
	rm -rf $(BUILD) auditpack auditpack.1 examples/out

.PHONY: all deps deps-test deps-demo deps-fuzz test check demo bench bench-all bench-big fuzz install clean
.DELETE_ON_ERROR:

-include $(OBJS:.o=.d) $(SAN_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d) $(BUILD)/obj/$(MAIN:.c=.d) $(BUILD)/san/$(MAIN:.c=.d)
-include $(UNIT_TESTS:%=$(BUILD)/tests/%.d) $(UNIT_TESTS:%=$(BUILD)/san-tests/%.d)
