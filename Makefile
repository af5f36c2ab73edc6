# pf - flame graph toolchain.  Plain GNU make; see README.md.
#
#   make                 build build/libpf.a and every program in cmd/
#   make check           build and run the whole test suite
#   make check-san       the same under AddressSanitizer + UBSan (build-san/)
#   make bench           benchmarks (bench/run.sh)
#   make install         PREFIX=/usr/local DESTDIR=
#
# Dependencies come from pkg-config; override PKG_CONFIG, or DEP_CFLAGS and
# DEP_LIBS, on the command line.

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
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
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DPF_VERSION='"$(VERSION)"' -Ilib -I$(BUILD)/gen \
             $(WARN) $(DEP_CFLAGS) -pthread $(CFLAGS)
# libiberty (cplus_demangle, the demangler perf links) has no pkg-config file.
LIBIBERTY ?= -liberty
LIBS       = $(DEP_LIBS) $(LIBIBERTY) -pthread -lm

LIB_SRC   := $(sort $(wildcard lib/*/*.c))
# C generated from the .proto files (protoc-c), built like the rest.
PROTOS    := $(sort $(wildcard lib/*/*.proto))
GEN_SRC   := $(PROTOS:lib/%.proto=$(BUILD)/gen/%.pb-c.c)
GEN_HDR   := $(GEN_SRC:.c=.h)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(GEN_SRC:$(BUILD)/gen/%.c=$(BUILD)/obj/gen/%.o)
CMD_SRC   := $(sort $(wildcard cmd/*.c))
PROGS     := $(CMD_SRC:cmd/%.c=$(BUILD)/%)
UNIT_SRC  := $(sort $(wildcard tests/unit/*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/%)
MANS      := $(sort $(wildcard man/*.[1-8]))

all: $(BUILD)/libpf.a $(PROGS)

$(BUILD)/obj/%.o: %.c lib/pf.h lib/internal.h $(wildcard lib/*/*.h) cmd/common.h $(GEN_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The SVG's script is kept as JavaScript and compiled in as a C string.
$(BUILD)/gen/svg-script.h: lib/render/svg.js
	@mkdir -p $(@D)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@
$(BUILD)/obj/lib/render/svg.o: $(BUILD)/gen/svg-script.h

$(BUILD)/gen/%.pb-c.c $(BUILD)/gen/%.pb-c.h: lib/%.proto
	@mkdir -p $(@D)
	$(PROTOC_C) --c_out=$(@D) --proto_path=$(<D) $<

# Generated code: not held to our warning flags.
$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(DEP_CFLAGS) $(CFLAGS) -c -o $@ $<

# So are pf-html's script and style sheet.
$(BUILD)/gen/html-script.h: lib/render/html.js
	@mkdir -p $(@D)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@
$(BUILD)/gen/html-style.h: lib/render/html.css
	@mkdir -p $(@D)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@
$(BUILD)/obj/lib/render/html.o: $(BUILD)/gen/html-script.h $(BUILD)/gen/html-style.h

# The export writers share a header of their own.
$(filter $(BUILD)/obj/lib/export/%,$(LIB_OBJ)): lib/export/export.h

$(BUILD)/libpf.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%: $(BUILD)/obj/cmd/%.o $(BUILD)/libpf.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libpf.a $(LIBS)

# Unit tests and fuzz targets: each is one .c file linked against libpf.a.
# Fuzz targets get a plain main() (tests/fuzz/replay.c) that replays their
# stored corpus, so they run as ordinary tests; build them for libFuzzer
# with `make fuzz`.
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

FUZZ_CC ?= clang
fuzz: $(BUILD)/gen/svg-script.h $(BUILD)/gen/html-script.h $(BUILD)/gen/html-style.h $(GEN_SRC)
	@mkdir -p $(BUILD)/fuzz
	for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  $(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE \
	    -DPF_VERSION='"$(VERSION)"' -Ilib -I$(BUILD)/gen $(DEP_CFLAGS) -pthread \
	    -o $(BUILD)/fuzz/$$n $$f $(LIB_SRC) $(GEN_SRC) $(LIBS) || exit 1; \
	done

bench: all
	sh bench/run.sh $(BUILD)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	for p in $(PROGS); do install -m 755 $$p $(DESTDIR)$(BINDIR)/; done
	for m in $(MANS); do s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$(basename $$p); done
	for m in $(MANS); do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$$(basename $$m); done

clean:
	rm -rf build build-san

.PHONY: all tests check check-san check-all fuzz bench install uninstall clean
.SECONDARY:
