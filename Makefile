# schedlab — one entry point.  See README.md.
#   make            build .output/schedlab (and ./schedlab)
#   make check      deps + build + every test (unit, ASan/UBSan, fuzz corpus, root integration)
#   make fuzz       libFuzzer targets for FUZZ_TIME seconds each (default 60)
#   make demo       deps + build + run the default workload profile
#   make deps       install build/test dependencies (Debian packages)
#   make install    DESTDIR= prefix=/usr/local
#   make lint       syntax-check the JavaScript (the HTML viewer; needs node)
# V=1 prints full commands.  CC, CLANG, BPFTOOL are overridable.

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= $(or $(shell command -v bpftool 2>/dev/null),/usr/sbin/bpftool)
ARCH    := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
prefix  ?= /usr/local
DESTDIR ?=

OUTPUT  := .output
SAN     ?= 0
ifeq ($(SAN),1)
OUTPUT  := .output-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
# libFuzzer targets (tests/fuzz): clang, every stage but the tracer and cli
# instrumented for coverage and sanitizers.
FUZZ    ?= 0
ifeq ($(FUZZ),1)
OUTPUT  := .output-fuzz
CC      := $(CLANG)
SANFLAGS := -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all
endif

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

WERROR  := $(if $(CI),$(if $(filter 1,$(FUZZ)),,-Werror),)
CFLAGS  ?= -g -O2 -fno-omit-frame-pointer
CFLAGS  += -Wall -Wextra $(WERROR) -MMD -MP -D_GNU_SOURCE $(SANFLAGS) \
	   -I$(OUTPUT) -Ibpf -Iuserspace
LDLIBS  := -lbpf -lelf -lz -lrt -lpthread -lm
LDFLAGS += $(SANFLAGS)

# Debian keeps asm/ under the multiarch include dir; clang -target bpf does
# not look there by itself.
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
BPF_INCLUDES := -I$(OUTPUT) -Ibpf $(if $(MULTIARCH),-idirafter /usr/include/$(MULTIARCH))
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) $(BPF_INCLUDES)

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
SKELS      := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
# One folder per stage of the data flow (docs/design.md); the Makefile
# takes every source of each.  main.c is the only file outside the library.
STAGES     := util lab trace format analysis output cli
USER_SRCS  := $(foreach d,$(STAGES),$(wildcard userspace/$(d)/*.c))
CORE_SRCS  := $(filter-out userspace/cli/main.c,$(USER_SRCS))
CORE_OBJS  := $(patsubst userspace/%.c,$(OUTPUT)/user/%.o,$(CORE_SRCS))
MAIN_OBJ   := $(OUTPUT)/user/cli/main.o
CORE_LIB   := $(OUTPUT)/libschedlab.a
UNIT_SRCS  := $(wildcard tests/unit/*/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%,$(UNIT_SRCS))
INTEG_SRCS := $(wildcard tests/integration/test_*.c)
INTEG_BINS := $(patsubst tests/integration/%.c,$(OUTPUT)/tests/integration/%,$(INTEG_SRCS))
# Fuzz targets link the stages a trace file or a profile goes through.
FUZZ_STAGES := util lab format analysis output
FUZZ_OBJS  := $(patsubst userspace/%.c,$(OUTPUT)/user/%.o,$(foreach d,$(FUZZ_STAGES),$(wildcard userspace/$(d)/*.c)))
FUZZ_LIB   := $(OUTPUT)/libfuzzable.a
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(FUZZ_SRCS))
FUZZ_TIME  ?= 60
# Programs the integration tests trace (not tests themselves).
TEST_PROGS := $(OUTPUT)/tests/integration/blocker $(OUTPUT)/tests/integration/blocker-nofp \
	      $(OUTPUT)/tests/integration/waiters
# Only the tracer includes the skeleton: a probe edit rebuilds it alone.
SKEL_USERS := $(OUTPUT)/user/trace/tracer.o

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps check check-unit check-san check-fuzz check-integration demo install clean tests \
	fuzz fuzz-bins lint

all: $(OUTPUT)/schedlab schedlab

deps:
	$(Q)sh scripts/install-deps

schedlab: $(OUTPUT)/schedlab
	$(Q)ln -sf $(OUTPUT)/schedlab schedlab

$(OUTPUT):
	$(Q)mkdir -p $@

$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@

$(OUTPUT)/%.tmp.bpf.o: bpf/%.bpf.c bpf/schedlab.h $(wildcard bpf/*.bpf.h) $(OUTPUT)/vmlinux.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/%.bpf.o: $(OUTPUT)/%.tmp.bpf.o
	$(Q)$(BPFTOOL) gen object $@ $<

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(SKEL_USERS): $(SKELS)

# The HTML viewer's files are embedded with .incbin, which -MMD does not see.
HTML_ASSETS := $(wildcard userspace/output/html/*)
$(OUTPUT)/user/output/html_assets.o: $(HTML_ASSETS)

$(OUTPUT)/user/%.o: userspace/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUTPUT)/schedlab: $(MAIN_OBJ) $(CORE_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/tests/%: tests/%.c $(CORE_LIB)
	$(call msg,CC-TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests -Itests/unit $< $(CORE_LIB) $(LDFLAGS) $(LDLIBS) -lcriterion -o $@

$(FUZZ_LIB): $(FUZZ_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUTPUT)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer $< $(FUZZ_LIB) $(LDFLAGS) -fsanitize=fuzzer $(LDLIBS) -o $@

fuzz-bins: $(FUZZ_BINS)

$(OUTPUT)/tests/integration/blocker: tests/integration/progs/blocker.c
	$(call msg,CC-PROG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -fno-omit-frame-pointer $< -o $@

$(OUTPUT)/tests/integration/blocker-nofp: tests/integration/progs/blocker.c
	$(call msg,CC-PROG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -fomit-frame-pointer $< -o $@

$(OUTPUT)/tests/integration/waiters: tests/integration/progs/waiters.c
	$(call msg,CC-PROG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O1 -g -Wall -Wextra $(WERROR) -pthread $< -lrt -o $@

tests: $(UNIT_BINS) $(INTEG_BINS) $(TEST_PROGS)

# Criterion prints its own "Synthesis:" line per binary; run-tests adds the
# total and fails when any binary fails.
check-unit: all $(UNIT_BINS)
	$(Q)sh scripts/run-tests unit $(UNIT_BINS)

check-san:
	$(Q)$(MAKE) --no-print-directory SAN=1 check-unit

# The committed corpus replayed: every input that once crashed stays fixed.
check-fuzz:
	$(Q)$(MAKE) --no-print-directory FUZZ=1 fuzz-bins
	$(Q)sh scripts/run-fuzz replay .output-fuzz/fuzz $(notdir $(FUZZ_BINS))

# Fuzzing for FUZZ_TIME seconds per target (nice 19), new inputs kept in
# .output-fuzz/corpus; copy the few that matter to tests/fuzz/corpus.
fuzz:
	$(Q)$(MAKE) --no-print-directory FUZZ=1 fuzz-bins
	$(Q)FUZZ_TIME=$(FUZZ_TIME) sh scripts/run-fuzz fuzz .output-fuzz/fuzz $(notdir $(FUZZ_BINS))

check-integration: all $(INTEG_BINS) $(TEST_PROGS)
	$(Q)SCHEDLAB=$(abspath $(OUTPUT)/schedlab) sh scripts/run-tests integration $(INTEG_BINS)

check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory check-unit
	$(Q)$(MAKE) --no-print-directory check-san
	$(Q)$(MAKE) --no-print-directory check-fuzz
	$(Q)$(MAKE) --no-print-directory check-integration

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(OUTPUT)/schedlab run

# The HTML viewer is plain JavaScript: node checks that it parses.
lint:
	$(Q)node --check userspace/output/html/viewer.js
	$(Q)node --check scripts/html-load.js

# The program, its man page, bash completion, and beside them the docs a
# user reads (usage, concepts, metrics, formats), as distributions lay out.
INSTALL_DOCS := README.md $(filter-out docs/design.md docs/benchmarks.md,$(wildcard docs/*.md))
install: all
	install -D -m 0755 $(OUTPUT)/schedlab $(DESTDIR)$(prefix)/bin/schedlab
	install -D -m 0644 docs/schedlab.1 $(DESTDIR)$(prefix)/share/man/man1/schedlab.1
	install -D -m 0644 scripts/schedlab.bash-completion \
		$(DESTDIR)$(prefix)/share/bash-completion/completions/schedlab
	install -d $(DESTDIR)$(prefix)/share/doc/schedlab
	install -m 0644 $(INSTALL_DOCS) $(DESTDIR)$(prefix)/share/doc/schedlab/

clean:
	rm -rf .output .output-san .output-fuzz schedlab

-include $(wildcard $(OUTPUT)/user/*/*.d $(OUTPUT)/tests/*/*.d $(OUTPUT)/tests/*/*/*.d)
