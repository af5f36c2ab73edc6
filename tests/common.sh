# Helpers shared by run.sh, corpus.sh and update-corpus-expected.sh.
# This file is sourced, never run; the sourcing script sets $here to the
# absolute path of the tests/ directory first.

root=$(dirname "$here")

# Messages of the programs under test (strerror texts above all) must not
# depend on the locale of whoever runs the suite.
LC_ALL=C
export LC_ALL

# Sanitizer builds: a stack trace makes a UBSan report worth reading.  A
# setting from the caller's environment wins.
: "${UBSAN_OPTIONS=print_stacktrace=1}"
export UBSAN_OPTIONS
# fontconfig (under cairo, for pf-svg's text metrics) keeps a few caches
# until exit on purpose; only those are suppressed, and silently, so that
# the golden stderr files stay exact.
: "${LSAN_OPTIONS=suppressions=$here/lsan.supp:print_suppressions=0}"
export LSAN_OPTIONS

# Every command run by a test gets this many seconds, so that a hang costs
# one failed test instead of the whole run.
: "${PF_TEST_TIMEOUT=120}"

# Detail lines printed under a failure, and the width they are cut to; the
# stacks in folded files can be thousands of characters long.
: "${PF_TEST_DETAIL=16}"
detail_width=240

npass=0
nfail=0

# make_tmp: create the scratch directory $tmp, removed again when the shell
# exits unless PF_TEST_KEEP is set (then its path is printed, for poking at
# the outputs of a failed run).
make_tmp() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/pf-test.XXXXXX") || exit 2
	if [ -n "${PF_TEST_KEEP:-}" ]; then
		echo "keeping temporary files in $tmp"
	else
		trap 'rm -rf "$tmp"' EXIT
	fi
	# Leaving through exit runs the EXIT trap on signals too (SIGPIPE:
	# the output piped into head).
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 141' PIPE
	trap 'exit 143' TERM
	: > "$tmp/empty"
}

if command -v timeout > /dev/null 2>&1; then
	with_timeout() {
		timeout -k 5 "$PF_TEST_TIMEOUT" "$@"
	}
else
	with_timeout() {
		"$@"
	}
fi

# status_text STATUS: say in words how a command ended.
status_text() {
	if [ "$1" -eq 124 ] && command -v timeout > /dev/null 2>&1; then
		echo "timed out after ${PF_TEST_TIMEOUT}s"
	elif [ "$1" -gt 128 ]; then
		echo "killed by signal $(($1 - 128))"
	else
		echo "exit status $1"
	fi
}

pass() {
	npass=$((npass + 1))
}

# fail WHAT [DETAIL]: count one failure and print one line naming it, then
# the first lines of the file DETAIL indented under it.
fail() {
	nfail=$((nfail + 1))
	printf 'FAIL %s\n' "$1"
	if [ $# -ge 2 ] && [ -s "$2" ]; then
		head -n "$PF_TEST_DETAIL" "$2" | cut -c "1-$detail_width" |
		    sed 's/^/    /'
	fi
}

# differ EXPECTED ACTUAL WHAT DETAIL: return 0 if the two files differ and
# append to the file DETAIL a summary introduced by WHAT: where the first
# changed line parts from its counterpart (folded stacks are too long to see
# that in a diff cut to the terminal width), then the changed lines.
differ() {
	cmp -s "$1" "$2" && return 1
	diff "$1" "$2" > "$tmp/diff"
	{
		printf '%s differs (%s lines only expected, %s only actual)\n' \
		    "$3" "$(grep -c '^<' "$tmp/diff")" \
		    "$(grep -c '^>' "$tmp/diff")"
		awk -v w="$detail_width" '
		/^< / && !ha { a = substr($0, 3); ha = 1 }
		/^> / && !hb { b = substr($0, 3); hb = 1 }
		END {
			if (!ha || !hb)
				exit
			n = 1
			while (n <= length(a) && substr(a, n, 1) == substr(b, n, 1))
				n++
			s = n > 60 ? n - 60 : 1
			dots = s > 1 ? "..." : ""
			printf "first changed line, from column %d:\n", n
			printf "-%s%s\n", dots, substr(a, s, w - 10)
			printf "+%s%s\n", dots, substr(b, s, w - 10)
		}' "$tmp/diff"
		diff -U0 "$1" "$2" | sed '1,2d' | head -n 6
	} >> "$4"
	return 0
}

# group_begin NAME / group_end: print one summary line for a group of tests.
group_begin() {
	group=$1
	group_pass=$npass
	group_fail=$nfail
}

group_end() {
	printf '%s: %d passed, %d failed\n' "$group" \
	    $((npass - group_pass)) $((nfail - group_fail))
}
