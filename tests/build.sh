# The build group: what the build and the repository promise beyond the
# programs' behaviour.  Sourced by run.sh, which runs group_build once, with
# the first build directory:
#  - make install puts the programs, manual pages, libpf.a, pf.h and pf.pc
#    in place, a program outside the tree builds against them through
#    pkg-config and runs, and make uninstall takes them away again;
#  - libpf.a exports exactly the functions pf.h declares PF_API;
#  - objects depend on the headers they include (-MMD -MP) and on the
#    scripts and style sheets compiled into them; make fuzz builds each
#    library source once;
#  - no renderer includes the flame tree; the layout hands them a draw list;
#  - quickstart.sh waits while another install holds the package manager;
#  - without the shared corpus, run.sh skips the groups that read it, with
#    one line;
#  - the README calls the programs by their names, and the code carries no
#    history markers.

# The build directory as make is given it: relative to the repository when
# it is inside, as the dependency files name their objects.
build_rel() {
	case $build in
	"$root"/*) echo "${build#"$root"/}" ;;
	*) echo "$build" ;;
	esac
}

# build_check NAME STATUS DETAIL: one test.
build_check() {
	if [ "$2" -eq 0 ]; then
		pass
	else
		fail "build: $1" "$3"
	fi
}

build_install() {
	prefix=$tmp/build/prefix
	rm -rf "$tmp/build"
	mkdir -p "$tmp/build"
	st=0
	make -s -C "$root" BUILD="$(build_rel)" PREFIX="$prefix" install \
	    > "$tmp/detail" 2>&1 || st=1
	for f in bin/pf-svg bin/pf-collapse lib/libpf.a include/pf.h \
	    lib/pkgconfig/pf.pc share/man/man1/pf-svg.1 share/man/man5/pf-folded.5; do
		[ -f "$prefix/$f" ] || { echo "missing $f" >> "$tmp/detail"; st=1; }
	done
	build_check "make install" "$st" "$tmp/detail"

	# A program of one's own, compiled against what was installed; a
	# sanitizer build's library needs the sanitizer runtime too.
	san=
	if nm "$prefix/lib/libpf.a" 2> /dev/null | grep -q __asan_; then
		san="-fsanitize=address,undefined"
	fi
	st=0
	{
		PKG_CONFIG_PATH=$prefix/lib/pkgconfig
		export PKG_CONFIG_PATH
		# shellcheck disable=SC2046  # the flags are words
		${CC:-cc} $san -o "$tmp/build/use-libpf" "$root/tests/install/use-libpf.c" \
		    $(pkg-config --cflags --libs pf) &&
		    printf 'main;work 3\nmain;wait 1.5\n' | "$tmp/build/use-libpf"
	} > "$tmp/build/out" 2> "$tmp/detail" || st=1
	version=$(sed -n 's/^#define PF_VERSION_STRING "\(.*\)"$/\1/p' "$root/lib/pf.h")
	echo "libpf $version: folded input, 2 stacks, 4.5 samples, 4 frames drawn" > "$tmp/build/want"
	if [ "$st" -eq 0 ] && differ "$tmp/build/want" "$tmp/build/out" output "$tmp/detail"; then
		st=1
	fi
	build_check "a program built against the installed pf.pc" "$st" "$tmp/detail"

	st=0
	make -s -C "$root" BUILD="$(build_rel)" PREFIX="$prefix" uninstall \
	    > "$tmp/detail" 2>&1 || st=1
	find "$prefix" -type f >> "$tmp/detail"
	[ -z "$(find "$prefix" -type f)" ] || st=1
	build_check "make uninstall" "$st" "$tmp/detail"
}

build_symbols() {
	# Declared in pf.h (every declaration of a pf_ function is PF_API)...
	grep -E '^[a-z][^(]*\<pf_[a-z0-9_]+\(' "$root/lib/pf.h" |
	    grep -vE '^(PF_API|static) ' > "$tmp/detail"
	build_check "pf.h declares every function PF_API" \
	    "$([ -s "$tmp/detail" ] && echo 1 || echo 0)" "$tmp/detail"
	grep -oE '^PF_API [^(]*\<pf_[a-z0-9_]+\(' "$root/lib/pf.h" |
	    sed -E 's/.*(pf_[a-z0-9_]+)\($/\1/' | sort -u > "$tmp/build/api"
	# ... is what libpf.a exports, and nothing else.
	readelf -sW "$build/libpf.a" | awk '$5 == "GLOBAL" && $6 == "DEFAULT" &&
	    $7 != "UND" { print $8 }' | sort -u > "$tmp/build/exported"
	st=0
	: > "$tmp/detail"
	differ "$tmp/build/api" "$tmp/build/exported" "exported symbols" "$tmp/detail" && st=1
	[ -s "$tmp/build/api" ] || st=1
	build_check "libpf.a exports what pf.h declares, nothing else" "$st" "$tmp/detail"
}

# compiled [-W FILE]: the objects `make -n` would compile (after FILE
# changed).
compiled() {
	make -n -C "$root" BUILD="$(build_rel)" "$@" all tests 2> /dev/null |
	    grep -oE ' -c -o [^ ]+' | sed 's/.* //' | sort
}

# rebuilt FILE: the objects a change of FILE rebuilds, beyond those out of
# date already.
rebuilt() {
	compiled -W "$1" | comm -23 - "$tmp/build/stale"
}

build_deps() {
	st=0
	: > "$tmp/detail"
	# (On a build that is up to date, as make check leaves it, what is
	# rebuilt is exactly what includes the file.)
	compiled > "$tmp/build/stale"
	compiled -W lib/transform/transform.h > "$tmp/build/w"
	rebuilt lib/transform/transform.h > "$tmp/build/r"
	grep -q 'lib/transform/filter\.o$' "$tmp/build/w" || st=1
	grep -q 'lib/core/' "$tmp/build/r" && st=1
	compiled -W tests/unit/tap.h > "$tmp/build/w2"
	rebuilt tests/unit/tap.h > "$tmp/build/r2"
	grep -q 'tests/unit/test-core\.o$' "$tmp/build/w2" || st=1
	grep -q '/lib/' "$tmp/build/r2" && st=1
	compiled -W lib/render/html.css > "$tmp/build/w3"
	rebuilt lib/render/html.css > "$tmp/build/r3"
	grep -q 'lib/render/html\.o$' "$tmp/build/w3" || st=1
	grep -qv 'lib/render/html\.o$' "$tmp/build/r3" && st=1
	for f in r r2 r3; do
		echo "== $f" >> "$tmp/detail"
		cat "$tmp/build/$f" >> "$tmp/detail"
	done
	build_check "objects depend on what they include" "$st" "$tmp/detail"

	# make fuzz: each library source compiled once, each target linked
	# against the one libpf.a.
	make -n -C "$root" FUZZ_BUILD="$tmp/build/fuzz" fuzz > "$tmp/build/fz" 2>&1
	st=0
	n=$(grep -c -- '-c -o [^ ]*/obj/lib/core/util\.o' "$tmp/build/fz")
	nt=$(ls "$root"/tests/fuzz/fuzz-*.c | wc -l)
	nl=$(grep -c -- "-o $tmp/build/fuzz/fuzz/fuzz-.*libpf\.a" "$tmp/build/fz")
	[ "$n" -eq 1 ] && [ "$nl" -eq "$nt" ] || st=1
	echo "util.c compiled $n times; $nl of $nt targets linked with libpf.a" > "$tmp/detail"
	build_check "make fuzz reuses the library's objects" "$st" "$tmp/detail"

	grep -lE 'struct pf_flame\>|layout/flame\.h' "$root"/lib/render/*.c \
	    "$root"/lib/render/*.h > "$tmp/detail" 2> /dev/null
	build_check "no renderer reads the flame tree" \
	    "$([ -s "$tmp/detail" ] && echo 1 || echo 0)" "$tmp/detail"
}

build_quickstart() {
	# A fake apt-get that finds the lock held twice, then installs.
	mkdir -p "$tmp/build/bin"
	cat > "$tmp/build/bin/apt-get" <<-'EOF'
	#!/bin/sh
	n=$(cat "$FAKE_APT_COUNT" 2> /dev/null || echo 0)
	echo $((n + 1)) > "$FAKE_APT_COUNT"
	if [ "$n" -lt 2 ]; then
		echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1 (apt-get)" >&2
		exit 100
	fi
	[ "$FAKE_APT_FAIL" = 1 ] && { echo "E: Unable to locate package nosuch" >&2; exit 100; }
	echo "installed $*"
	EOF
	chmod +x "$tmp/build/bin/apt-get"
	st=0
	(
		cd "$tmp/build" || exit 1
		rm -f count
		PATH=$tmp/build/bin:$PATH FAKE_APT_COUNT=$tmp/build/count \
		    QUICKSTART_LOCK_STEP=0 bash -c '. "$1" && apt_get install -y foo' sh \
		    "$root/quickstart.sh" > out 2> err || exit 1
		[ "$(cat count)" = 3 ] && grep -q 'installed install -y foo' out &&
		    [ "$(grep -c 'package manager is busy' err)" = 2 ] || exit 1
		# Another failure is reported at once, and so is a lock held
		# for longer than the limit.
		echo 2 > count
		PATH=$tmp/build/bin:$PATH FAKE_APT_COUNT=$tmp/build/count FAKE_APT_FAIL=1 \
		    QUICKSTART_LOCK_STEP=0 bash -c '. "$1" && apt_get install -y nosuch' sh \
		    "$root/quickstart.sh" > out 2> err && exit 1
		[ "$(cat count)" = 3 ] && grep -q 'Unable to locate' err || exit 1
		rm -f count
		PATH=$tmp/build/bin:$PATH FAKE_APT_COUNT=$tmp/build/count QUICKSTART_LOCK_WAIT=0 \
		    QUICKSTART_LOCK_STEP=0 bash -c '. "$1" && apt_get install -y foo' sh \
		    "$root/quickstart.sh" > out 2> err && exit 1
		[ "$(cat count)" = 1 ] && grep -q 'Could not get lock' err
	) > "$tmp/detail" 2>&1 || st=1
	cat "$tmp/build/err" >> "$tmp/detail" 2> /dev/null
	build_check "quickstart.sh waits while the package manager is busy" "$st" "$tmp/detail"
}

build_no_corpus() {
	# run.sh in a copy of tests/ with nothing beside it.
	rm -rf "$tmp/build/repo"
	mkdir -p "$tmp/build/repo"
	(cd "$root" && tar cf - --exclude=node_modules tests) | (cd "$tmp/build/repo" && tar xf -)
	(unset PF_CORPUS; sh "$tmp/build/repo/tests/run.sh" -g corpus,formats,export,external,json "$build") \
	    > "$tmp/build/out" 2>&1
	st=$?
	if [ "$st" -ne 0 ] || [ "$(grep -c '^skipped corpus, formats, export, external and json: no corpus at ' \
	    "$tmp/build/out")" != 1 ] || [ "$(tail -n 1 "$tmp/build/out")" != "0 passed, 0 failed" ]; then
		st=1
	fi
	build_check "without the corpus, its groups are skipped with one line" "$st" \
	    "$tmp/build/out"
}

build_text() {
	grep -n 'build/pf-' "$root/README.md" > "$tmp/detail"
	build_check "README calls the programs by their names" \
	    "$([ -s "$tmp/detail" ] && echo 1 || echo 0)" "$tmp/detail"
	grep -rnE '[Ii]ssue [0-9]+|[Ss]ection added|[Aa]dded (for|in) (issue|pf-)' \
	    "$root/lib" "$root/cmd" "$root/tests/unit" "$root/tests/fuzz"/*.[ch] \
	    "$root"/tests/*.sh "$root/tests/browser"/*.mjs "$root"/bench/*.sh \
	    "$root"/bench/*.mjs \
	    "$root/Makefile" "$root/quickstart.sh" 2> /dev/null |
	    grep -v "^$root/tests/build.sh:" > "$tmp/detail"
	build_check "no history markers in the code" \
	    "$([ -s "$tmp/detail" ] && echo 1 || echo 0)" "$tmp/detail"
}

group_build() {
	group_begin "$label: build"
	mkdir -p "$tmp/build"
	if ! command -v pkg-config > /dev/null 2>&1 || ! command -v readelf > /dev/null 2>&1; then
		fail "$label/build: pkg-config and readelf are needed (./quickstart.sh check)"
	else
		build_install
		mkdir -p "$tmp/build"
		build_symbols
		build_deps
		build_quickstart
		build_no_corpus
		build_text
	fi
	group_end
}
