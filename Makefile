# pf - flame graph toolchain.  Plain GNU make; see README.md.
#
#   make                 build build/libpf.a and every program in cmd/
#   make check           build and run the whole test suite
#   make check-san       the same under AddressSanitizer + UBSan (build-san/)
#   make check-all       both, one summary line (what CI runs)
#   make fuzz            libFuzzer targets in build-fuzz/fuzz/ (clang)
#   make bench           benchmarks (bench/run.sh; BASELINE=DIR compares builds)
#   make install         programs, manual pages, libpf.a, pf.h and pf.pc
#                        under PREFIX=/usr/local, staged in DESTDIR=
#
# Dependencies come from pkg-config; override PKG_CONFIG, or DEP_CFLAGS and
# DEP_LIBS, on the command line.

# The version is the one pf.h states, so that an installed pf.h carries it.
VERSION   := $(shell sed -n 's/^\#define PF_VERSION_STRING "\(.*\)"$$/\1/p' lib/pf.h)
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBDIR    ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR    ?= $(PREFIX)/share/man
DESTDIR   ?=
BUILD     ?= build

CC        ?= cc
PKG_CONFIG ?= pkg-config
PKGS      ?= libxml-2.0 cairo libpcre2-8 zlib yajl libprotobuf-c libelf
PROTOC_C  ?= protoc-c
DEP_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags $(PKGS))
DEP_LIBS   ?= $(shell $(PKG_CONFIG) --libs $(PKGS))

OPT       ?= -O2
CFLAGS    ?= $(OPT) -g
WARN       = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
SAN_FLAGS  = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ifeq ($(SANITIZE),1)
CFLAGS    += $(SAN_FLAGS)
LDFLAGS   += $(SAN_FLAGS)
endif
# make fuzz: every object instrumented for libFuzzer, linked with its runtime.
FUZZ_FLAGS = -fsanitize=fuzzer-no-link,address,undefined
ifeq ($(FUZZ),1)
CFLAGS    += $(FUZZ_FLAGS)
LDFLAGS   += -fsanitize=fuzzer,address,undefined
endif
# Only what pf.h marks PF_API is visible outside the library; -MMD -MP
# records the headers each object includes (BUILD/obj/.../*.d).
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -fvisibility=hidden -MMD -MP -Ilib -I$(BUILD)/gen \
             $(WARN) $(DEP_CFLAGS) -pthread $(CFLAGS)
# libiberty (cplus_demangle, the demangler perf links) has no pkg-config file.
LIBIBERTY ?= -liberty
LIBS       = $(DEP_LIBS) $(LIBIBERTY) -pthread -lm

LIB_SRC   := $(sort $(wildcard lib/*/*.c))
# C generated from the .proto files (protoc-c), built like the rest.
PROTOS    := $(sort $(wildcard lib/*/*.proto))
GEN_SRC   := $(PROTOS:lib/%.proto=$(BUILD)/gen/%.pb-c.c)
GEN_HDR   := $(GEN_SRC:.c=.h)
# The renderers' scripts and style sheets, compiled in as C strings.
ASSETS    := $(sort $(wildcard lib/render/*.js lib/render/*.css))
ASSET_INC := $(ASSETS:lib/%=$(BUILD)/gen/%.inc)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(GEN_SRC:$(BUILD)/gen/%.c=$(BUILD)/obj/gen/%.o)
CMD_SRC   := $(sort $(wildcard cmd/*.c))
PROGS     := $(CMD_SRC:cmd/%.c=$(BUILD)/%)
UNIT_SRC  := $(sort $(wildcard tests/unit/*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/%)
MANS      := $(sort $(wildcard man/*.[1-8]))
ALL_OBJ   := $(LIB_OBJ) $(patsubst %.c,$(BUILD)/obj/%.o,$(CMD_SRC) $(UNIT_SRC) \
             $(FUZZ_SRC) tests/fuzz/replay.c)

all: $(BUILD)/libpf.a $(PROGS)

# Generated headers come first on a clean build; after that the .d files
# say which object needs which.  The Makefile holds the flags: a change to
# it rebuilds everything, so no object keeps the old ones.
$(BUILD)/obj/%.o: %.c Makefile | $(GEN_HDR) $(ASSET_INC)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/gen/%.inc: lib/%
	@mkdir -p $(@D)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@

$(BUILD)/gen/%.pb-c.c $(BUILD)/gen/%.pb-c.h: lib/%.proto
	@mkdir -p $(@D)
	$(PROTOC_C) --c_out=$(@D) --proto_path=$(<D) $<

# Generated code: not held to our warning flags.
$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c Makefile
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -fvisibility=hidden -MMD -MP $(DEP_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libpf.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%: $(BUILD)/obj/cmd/%.o $(BUILD)/libpf.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libpf.a $(LIBS)

# Unit tests and fuzz targets: each is one .c file linked against libpf.a.
# Fuzz targets get a plain main() (tests/fuzz/replay.c) that replays their
# stored corpus, so they run as ordinary tests; `make fuzz` builds them for
# libFuzzer instead.
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libpf.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libpf.a $(LIBS)

$(BUILD)/tests/fuzz-%: $(BUILD)/obj/tests/fuzz/fuzz-%.o $(BUILD)/obj/tests/fuzz/replay.o $(BUILD)/libpf.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

tests: all $(UNIT_BIN) $(FUZZ_BIN)

check: tests
	sh tests/run.sh $(BUILD)

check-san:
	$(MAKE) BUILD=build-san SANITIZE=1 OPT=-O1 check

# Both runs, one summary line: what CI runs.
check-all:
	$(MAKE) tests
	$(MAKE) BUILD=build-san SANITIZE=1 OPT=-O1 tests
	sh tests/run.sh $(BUILD) build-san

# The library and the targets built once with clang's libFuzzer
# instrumentation in their own build directory; each target links libpf.a.
FUZZ_CC    ?= clang
FUZZ_BUILD ?= build-fuzz
fuzz:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) OPT=-O1 FUZZ=1 fuzzers
fuzzers: $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/fuzz-%: $(BUILD)/obj/tests/fuzz/fuzz-%.o $(BUILD)/libpf.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# BASELINE=DIR: a build of another commit, measured beside this one.
bench: all
	sh bench/run.sh $(BUILD) $(BASELINE)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	for p in $(PROGS); do install -m 755 $$p $(DESTDIR)$(BINDIR)/; done
	for m in $(MANS); do s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	install -m 644 $(BUILD)/libpf.a $(DESTDIR)$(LIBDIR)/
	install -m 644 lib/pf.h $(DESTDIR)$(INCLUDEDIR)/
	# libpf is a static library: linking it needs its dependencies too.
	printf '%s\n' 'libdir=$(LIBDIR)' 'includedir=$(INCLUDEDIR)' '' \
	    'Name: pf' 'Description: profiles, folded stacks and flame graphs' \
	    'Version: $(VERSION)' 'Requires: $(PKGS)' 'Cflags: -I$${includedir}' \
	    'Libs: -L$${libdir} -lpf $(LIBIBERTY) -pthread -lm' > $(DESTDIR)$(PKGCONFIGDIR)/pf.pc

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$(basename $$p); done
	for m in $(MANS); do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$$(basename $$m); done
	rm -f $(DESTDIR)$(LIBDIR)/libpf.a $(DESTDIR)$(INCLUDEDIR)/pf.h \
	    $(DESTDIR)$(PKGCONFIGDIR)/pf.pc

clean:
	rm -rf build build-san build-fuzz

.PHONY: all tests check check-san check-all fuzz fuzzers bench install uninstall clean
.SECONDARY:

-include $(ALL_OBJ:.o=.d) $(GEN_SRC:$(BUILD)/gen/%.c=$(BUILD)/obj/gen/%.d)
