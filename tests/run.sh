#!/bin/sh
# Run the pf test suite against one or more build directories:
#
#   sh tests/run.sh [-g GROUP[,GROUP...]] BUILD [BUILD ...]
#
# GROUPs: unit cases corpus formats export perfdata external hostile fuzz browser man
# build (default: all).  Each failure is one "FAIL ..." line with a few
# indented lines of detail, each group ends with a summary line, and the
# last line is "N passed, N failed" over everything.
# The exit status is 0 only if nothing failed.  See tests/README.md.
#
# Environment: PF_TEST_KEEP=1 keeps the scratch directory, PF_TEST_TIMEOUT
# is the time limit of one command in seconds, PF_CORPUS the corpus
# directory (default ../shared/corpus beside the repository).

here=$(cd "$(dirname "$0")" && pwd) || exit 2
# shellcheck source=tests/common.sh
. "$here/common.sh"
# shellcheck source=tests/corpus.sh
. "$here/corpus.sh"
# shellcheck source=tests/formats.sh
. "$here/formats.sh"
# shellcheck source=tests/export.sh
. "$here/export.sh"
# shellcheck source=tests/perfdata.sh
. "$here/perfdata.sh"
# shellcheck source=tests/external.sh
. "$here/external.sh"
# shellcheck source=tests/json.sh
. "$here/json.sh"
# shellcheck source=tests/build.sh
. "$here/build.sh"
# shellcheck source=tests/hostile.sh
. "$here/hostile.sh"

all_groups="unit cases corpus formats export perfdata external json hostile fuzz browser man build"

usage() {
	echo "usage: sh tests/run.sh [-g GROUP[,GROUP...]] BUILD [BUILD ...]" >&2
	echo "groups: $all_groups" >&2
	exit 2
}

groups=$all_groups
while getopts g: opt; do
	case $opt in
	g) groups=$(echo "$OPTARG" | tr ',' ' ') ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage
for g in $groups; do
	case " $all_groups " in
	*" $g "*) ;;
	*) echo "run.sh: unknown group '$g'" >&2; usage ;;
	esac
done

wanted() {
	case " $groups " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# Without the shared corpus beside the checkout, the groups that read it
# are skipped with one line saying so (PF_CORPUS naming a missing
# directory is still a failure: someone asked for it).
if { wanted corpus || wanted formats || wanted export || wanted external || wanted json; } &&
    [ -z "${PF_CORPUS:-}" ] && [ ! -d "$corpus" ]; then
	echo "skipped corpus, formats, export, external and json: no corpus at $corpus (the shared data is expected beside the repository, or set PF_CORPUS)"
	groups=$(echo " $groups " | sed 's/ corpus / /; s/ formats / /; s/ export / /; s/ external / /; s/ json / /')
fi

# Unit tests: every BUILD/tests/test-* prints "ok NAME" or "not ok NAME"
# per check, TAP-like.  They run from the repository root, so that data
# files can be named tests/unit/...
group_unit() {
	group_begin "$label: unit"
	for src in "$root"/tests/unit/test-*.c; do
		[ -f "$src" ] || continue
		name=$(basename "$src" .c)
		[ -x "$build/tests/$name" ] ||
		    fail "$label/unit: $name: not built (make BUILD=$label tests)"
	done
	for t in "$build"/tests/test-*; do
		if [ ! -f "$t" ] || [ ! -x "$t" ]; then
			continue
		fi
		name=${t##*/}
		(cd "$root" && with_timeout "$t") \
		    > "$tmp/unit.out" 2> "$tmp/unit.err" < /dev/null
		st=$?
		grep '^#' "$tmp/unit.out" > "$tmp/detail"
		cat "$tmp/unit.err" >> "$tmp/detail"
		nok=$(grep -c '^ok ' "$tmp/unit.out")
		nnot=$(grep -c '^not ok' "$tmp/unit.out")
		npass=$((npass + nok))
		grep '^not ok' "$tmp/unit.out" > "$tmp/unit.not"
		while IFS= read -r line; do
			fail "$label/unit: $name: $line"
		done < "$tmp/unit.not"
		if [ "$nnot" -gt 0 ]; then
			# The diagnostics belong to all of the failures above.
			if [ -s "$tmp/detail" ]; then
				echo "  diagnostics of $name:"
				head -n "$PF_TEST_DETAIL" "$tmp/detail" |
				    cut -c "1-$detail_width" | sed 's/^/    /'
			fi
		elif [ "$st" -ne 0 ]; then
			fail "$label/unit: $name: $(status_text "$st") after $nok checks" \
			    "$tmp/detail"
		elif [ "$nok" -eq 0 ]; then
			fail "$label/unit: $name: reported no checks" "$tmp/detail"
		fi
	done
	group_end
}

# Golden command-line cases: tests/cases/NAME/cmd is run by sh in a scratch
# copy of the case directory with the build's programs first in PATH (and
# PF_REF naming tests/ref, for the independent readers there);
# stdout must equal out, stderr err (empty without the file) and the status
# that in exit (0 without the file).
group_cases() {
	group_begin "$label: cases"
	for dir in "$root"/tests/cases/*/; do
		[ -d "$dir" ] || continue
		dir=${dir%/}
		name=${dir##*/}
		what="$label/cases: $name"
		if [ ! -f "$dir/cmd" ] || [ ! -f "$dir/out" ]; then
			fail "$what: needs the files cmd and out"
			continue
		fi
		work=$tmp/cases/$name
		rm -rf "$work"
		mkdir -p "$work"
		for f in "$dir"/*; do
			case ${f##*/} in
			out | err | exit) ;;
			*) cp -R "$f" "$work/" ;;
			esac
		done
		(cd "$work" && PATH=$build:$PATH && PF_REF=$root/tests/ref &&
		    export PATH PF_REF && with_timeout sh ./cmd) \
		    > "$tmp/case.out" 2> "$tmp/case.err" < /dev/null
		st=$?
		want=0
		if [ -f "$dir/exit" ]; then
			read -r want < "$dir/exit"
		fi
		experr=$tmp/empty
		[ -f "$dir/err" ] && experr=$dir/err
		: > "$tmp/detail"
		bad=
		if [ "$st" != "$want" ]; then
			echo "exit status $st, expected $want" >> "$tmp/detail"
			bad="${bad:+$bad, }exit status"
		fi
		if differ "$dir/out" "$tmp/case.out" stdout "$tmp/detail"; then
			bad="${bad:+$bad, }stdout"
		fi
		if differ "$experr" "$tmp/case.err" stderr "$tmp/detail"; then
			bad="${bad:+$bad, }stderr"
		fi
		if [ -n "$bad" ]; then
			fail "$what: wrong $bad" "$tmp/detail"
		else
			pass
		fi
	done
	group_end
}

# Fuzz corpora: each BUILD/tests/fuzz-NAME is the fuzz target linked with a
# plain main() that runs it on the files named as arguments and exits
# non-zero on a crash; it replays tests/fuzz/corpus/NAME/.  One test each.
group_fuzz() {
	group_begin "$label: fuzz"
	for src in "$root"/tests/fuzz/fuzz-*.c; do
		[ -f "$src" ] || continue
		name=$(basename "$src" .c)
		[ -x "$build/tests/$name" ] ||
		    fail "$label/fuzz: $name: not built (make BUILD=$label tests)"
	done
	for t in "$build"/tests/fuzz-*; do
		if [ ! -f "$t" ] || [ ! -x "$t" ]; then
			continue
		fi
		name=${t##*/}
		dir=$root/tests/fuzz/corpus/${name#fuzz-}
		what="$label/fuzz: $name"
		if [ -z "$(find "$dir" -type f ! -name '.*' 2> /dev/null |
		    head -n 1)" ]; then
			fail "$what: no corpus files in tests/fuzz/corpus/${name#fuzz-}/"
			continue
		fi
		(cd "$root" && with_timeout find "$dir" -type f ! -name '.*' \
		    -exec "$t" {} +) > "$tmp/fuzz.log" 2>&1 < /dev/null
		st=$?
		if [ "$st" -ne 0 ]; then
			# Start at the sanitizer's report when there is one.
			awk '/ERROR|runtime error|Sanitizer|[Cc]rash/ { p = 1 } p' \
			    "$tmp/fuzz.log" > "$tmp/detail"
			[ -s "$tmp/detail" ] ||
			    tail -n "$PF_TEST_DETAIL" "$tmp/fuzz.log" > "$tmp/detail"
			fail "$what: $(status_text "$st")" "$tmp/detail"
		else
			pass
		fi
	done
	group_end
}

# Browser tests: tests/browser/test-svg.mjs draws graphs with BUILD/pf-svg,
# test-html.mjs writes pages with BUILD/pf-html, test-export.mjs opens
# BUILD/pf-export's JSON in speedscope and d3-flame-graph, and each drives them in
# headless Chromium, printing "ok NAME" / "not ok NAME" like a unit test.  It needs node, Debian's chromium and playwright-core
# in tests/browser/node_modules; this group installs none of them (that is
# ./quickstart.sh check's job) and fails when one is missing.
browser_script() {
	if [ ! -x "$build/pf-$1" ]; then
		fail "$label/browser: pf-$1 not built (make BUILD=$label)"
		return
	fi
	# A browser script runs many pages: its limit is the whole script's,
	# PF_TEST_BROWSER_TIMEOUT seconds (default 900: a loaded machine runs
	# the two builds' browsers side by side).
	saved_timeout=$PF_TEST_TIMEOUT
	PF_TEST_TIMEOUT=${PF_TEST_BROWSER_TIMEOUT:-900}
	(cd "$root" && with_timeout node "tests/browser/test-$1.mjs" "$build") \
	    > "$tmp/browser.out" 2> "$tmp/browser.err" < /dev/null
	st=$?
	nok=$(grep -c '^ok ' "$tmp/browser.out")
	npass=$((npass + nok))
	grep '^#' "$tmp/browser.out" > "$tmp/detail"
	cat "$tmp/browser.err" >> "$tmp/detail"
	grep '^not ok' "$tmp/browser.out" > "$tmp/browser.not"
	while IFS= read -r line; do
		fail "$label/browser: test-$1: $line"
	done < "$tmp/browser.not"
	if [ -s "$tmp/browser.not" ]; then
		if [ -s "$tmp/detail" ]; then
			echo "  diagnostics of test-$1:"
			head -n "$PF_TEST_DETAIL" "$tmp/detail" |
			    cut -c "1-$detail_width" | sed 's/^/    /'
		fi
	elif [ "$st" -ne 0 ]; then
		fail "$label/browser: test-$1: $(status_text "$st") after $nok checks" "$tmp/detail"
	elif [ "$nok" -eq 0 ]; then
		fail "$label/browser: test-$1: reported no checks" "$tmp/detail"
	fi
	if [ "$st" -eq 124 ] && [ -s "$tmp/browser.not" ]; then
		fail "$label/browser: test-$1: $(status_text "$st") after $nok checks"
	fi
	PF_TEST_TIMEOUT=$saved_timeout
}

group_browser() {
	group_begin "$label: browser"
	chromium=${PF_CHROMIUM:-/usr/bin/chromium}
	if ! command -v node > /dev/null 2>&1; then
		fail "$label/browser: node is not installed (./quickstart.sh check)"
	elif [ ! -x "$chromium" ]; then
		fail "$label/browser: $chromium is missing (./quickstart.sh check)"
	elif [ ! -d "$root/tests/browser/node_modules/playwright-core" ]; then
		fail "$label/browser: playwright-core is not installed in tests/browser (./quickstart.sh check)"
	else
		for t in svg html; do
			browser_script "$t"
		done
		if [ ! -d "$root/tests/browser/node_modules/speedscope" ] ||
		    [ ! -d "$root/tests/browser/node_modules/d3-flame-graph" ]; then
			fail "$label/browser: speedscope or d3-flame-graph is not installed in tests/browser (./quickstart.sh check)"
		else
			browser_script export
		fi
	fi
	group_end
}

# Manual pages: mandoc -Tlint must have nothing to say at level warning.
# They do not depend on the build, so this group runs once.
group_man() {
	group_begin "man"
	have_pages=
	for page in "$root"/man/*.[1-9]; do
		[ -f "$page" ] || continue
		have_pages=1
	done
	if [ -n "$have_pages" ] && ! command -v mandoc > /dev/null 2>&1; then
		fail "man: mandoc is not installed (apt-get install mandoc)"
	elif [ -n "$have_pages" ]; then
		for page in "$root"/man/*.[1-9]; do
			[ -f "$page" ] || continue
			mandoc -Tlint -W warning "$page" > "$tmp/detail" 2>&1
			st=$?
			if [ "$st" -ne 0 ] || [ -s "$tmp/detail" ]; then
				fail "man: ${page##*/}: mandoc -Tlint: $(status_text "$st")" \
				    "$tmp/detail"
			else
				pass
			fi
		done
	fi
	group_end
}

make_tmp

# With several build directories and more than one CPU, each build's groups
# run in a child of their own, at the same time (a 2-CPU machine runs the
# plain and the sanitizer builds side by side); their reports are shown in
# build order, and the groups that run once (man, build) run here after
# them.  The perf recordings are made once, here, and shared with the
# children.  PF_TEST_JOBS=1 runs the builds one after the other.
jobs=${PF_TEST_JOBS:-$(nproc 2> /dev/null || echo 1)}
first=
parallel=
if [ $# -gt 1 ] && [ "$jobs" -gt 1 ] && [ -z "${PF_TEST_SHARED:-}" ]; then
	parallel=1
	first=$1
	child_groups=$(echo " $groups " | sed 's/ man / /; s/ build / /' | xargs | tr ' ' ',')
	if [ -n "$child_groups" ]; then
		if wanted perfdata; then
			perfdata_record
			perfdata_save
		fi
		i=0
		for b in "$@"; do
			PF_TEST_SHARED=$tmp sh "$0" -g "$child_groups" "$b" > "$tmp/run.$i" 2>&1 &
			i=$((i + 1))
		done
		wait
		i=0
		for b in "$@"; do
			# Every line but the child's total, which is added here.
			sed '$d' "$tmp/run.$i"
			total=$(tail -n 1 "$tmp/run.$i")
			p=${total%% passed, *}
			f=${total#* passed, }
			f=${f%% failed}
			case "$p:$f" in
			*[!0-9:]* | :* | *:)
				fail "run.sh: the tests of build $b stopped early" "$tmp/run.$i"
				;;
			*)
				npass=$((npass + p))
				nfail=$((nfail + f))
				;;
			esac
			i=$((i + 1))
		done
	fi
fi
for b in "$@"; do
	[ -z "$parallel" ] || break
	label=${b%/}
	if ! build=$(cd "$b" 2> /dev/null && pwd); then
		fail "$label: no such build directory (run make first)"
		continue
	fi
	[ -n "$first" ] || first=$b
	wanted unit && group_unit
	wanted cases && group_cases
	wanted corpus && group_corpus
	wanted corpus && group_corpus_derived
	wanted formats && group_formats
	wanted export && group_export
	wanted perfdata && group_perfdata
	wanted external && group_external
	wanted json && group_json
	wanted hostile && group_hostile
	wanted fuzz && group_fuzz
	wanted browser && group_browser
done
wanted man && group_man
wanted perfdata && perfdata_cleanup
# The build and the repository: once, with the first build directory.
if wanted build && [ -n "$first" ]; then
	label=${first%/}
	build=$(cd "$first" && pwd)
	group_build
fi

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
