# Damaged and hostile input, every format: sourced by run.sh (group
# "hostile"); on its own, sh tests/hostile.sh BUILD [BUILD ...].
#
# For each format that `pf-collapse --help` lists, hostile/samples.txt
# names a small valid input; hostile/gen.py derives damaged copies of it
# (cut at three points, a NUL byte, invalid UTF-8, a 5 MiB line, binary
# junk after the first quarter, CRLF line ends) and an empty file stands for
# every format.  Each is read with `pf-collapse -f FORMAT` and with
# detection, under a time limit and a memory limit (`ulimit -v`, or
# ASan's hard_rss_limit_mb in the sanitizer build), and must:
#  - end with exit 0 or 1: no signal, no time out, no sanitizer report;
#  - on 1, say why on stderr, naming the file;
#  - on 0, write only lines that pf-merge accepts, and when the counts do
#    not add up to those of the intact sample, say so on stderr (a
#    counted skip, not only the units line).
# The folded variants, and folded stacks with hostile names, then go to
# pf-merge, pf-svg and pf-html: exit 0 or 1, nothing written on 1, and
# on 0 an output that their readers take (pf-merge's folded stacks,
# well-formed XML for pf-svg).  Whole-document readers get a gzip bomb
# under the memory limit, and the XML readers a billion-laughs document
# deeper than bad-xml-entities' stored one.

if [ -z "${here:-}" ]; then
	exec sh "$(dirname "$0")/run.sh" -g hostile "$@"
fi

# Seconds and KiB of address space each command gets: generous for the
# sanitizer build on a loaded machine, far below what a blowup takes.  The
# address-space limit is set once for the whole group (in a subshell), the
# sanitizer build's RSS limit (ASan reserves terabytes of address space)
# through ASAN_OPTIONS; the checks read stderr with the shell's own read,
# since hundreds of runs on a loaded machine cost mostly in processes.
hostile_secs=${PF_HOSTILE_TIMEOUT:-30}
hostile_kib=1048576
hostile_rss_mb=1024

# hostile_run OUT ERR CMD [ARG ...]: run CMD with the time limit; $hst is
# its exit status, $hse its stderr (as read by the shell).
hostile_run() {
	hr_out=$1
	hr_err=$2
	shift 2
	timeout -k 2 "$hostile_secs" "$@" > "$hr_out" 2> "$hr_err" < /dev/null
	hst=$?
	hse=
	while IFS= read -r hr_line || [ -n "$hr_line" ]; do
		hse="$hse$hr_line
"
	done < "$hr_err"
}

# hostile_status WHAT FILE: fail unless $hst is 0 or 1, stderr has no
# sanitizer report, and a 1 is explained on stderr naming FILE.  Returns 0
# when the checks of an exit 0 should follow, 1 otherwise (failed, or a
# refusal that passed).
hostile_status() {
	case $hse in
	*Sanitizer* | *"runtime error:"*)
		fail "$1: sanitizer report" "$tmp/h.err"
		return 1
		;;
	esac
	case $hst in
	0) return 0 ;;
	1) ;;
	*)
		if [ "$hst" -eq 124 ] || [ "$hst" -eq 137 ]; then
			echo "no result in ${hostile_secs}s" > "$tmp/detail"
		else
			echo "$(status_text "$hst"), expected 0 or 1" > "$tmp/detail"
		fi
		cat "$tmp/h.err" >> "$tmp/detail"
		fail "$1: $(head -n 1 "$tmp/detail")" "$tmp/detail"
		return 1
		;;
	esac
	case $hse in
	*"'$2'"*)
		if [ -s "$hout" ]; then
			fail "$1: exit 1 after writing $(wc -c < "$hout") bytes" "$tmp/h.err"
		else
			pass
		fi
		;;
	*)
		{ echo "exit 1 and stderr does not name '$2':"; cat "$tmp/h.err"; } > "$tmp/detail"
		fail "$1: unexplained refusal" "$tmp/detail"
		;;
	esac
	return 1
}

# hostile_sum FILE: the sum of the counts of a folded file.
hostile_sum() {
	awk '{ s += $NF } END { printf "%.6f\n", s }' "$1"
}

# hostile_said: whether stderr ($hse) says more than the units line.
hostile_said() {
	hs_rest=$hse
	while [ -n "$hs_rest" ]; do
		hs_line=${hs_rest%%"
"*}
		hs_rest=${hs_rest#*"
"}
		case $hs_line in
		*"counts are "*": draw them with --countname"*) ;;
		*) return 0 ;;
		esac
	done
	return 1
}

# hostile_folded WHAT WANT FILE: OUT ($hout), written with exit 0 from
# FILE: no stacks from a non-empty FILE need a word on stderr; the rest is
# checked by hostile_verify, all outputs at once: OUT is accepted by
# pf-merge and, when WANT is not empty and stderr says no more than the
# units, adds up to WANT.
hostile_folded() {
	if [ ! -s "$hout" ]; then
		if hostile_said || [ ! -s "$3" ]; then
			pass
		else
			fail "$1: exit 0, no stacks and not a word on stderr"
		fi
		return
	fi
	hostile_said && set -- "$1" '' "$3"
	printf '%s\t%s\t%s\n' "$hout" "$2" "$1" >> "$hd/checks"
	hk=$((hk + 1))
	case $3 in
	*.long-line) hostile_verify ;;
	esac
}

# hostile_verify: the checks hostile_folded left, with one pf-merge and one
# awk over all the outputs (then one pf-merge each when some are refused).
hostile_verify() {
	[ -s "$hd/checks" ] || return 0
	cut -f 1 "$hd/checks" > "$hd/outs"
	# shellcheck disable=SC2046 # the outputs' names have no spaces
	if ! timeout -k 2 "$hostile_secs" "$build/pf-merge" $(cat "$hd/outs") \
	    > /dev/null 2> "$tmp/h.merge" < /dev/null || [ -s "$tmp/h.merge" ]; then
		while IFS='	' read -r hv_out hv_want hv_what; do
			: "$hv_want"
			timeout -k 2 "$hostile_secs" "$build/pf-merge" "$hv_out" \
			    > /dev/null 2> "$tmp/h.merge" < /dev/null
			hv_st=$?
			if [ "$hv_st" -ne 0 ] || [ -s "$tmp/h.merge" ]; then
				{ echo "pf-merge: $(status_text "$hv_st") on what was written:"
				  cut -c 1-200 "$tmp/h.merge"; } > "$tmp/detail"
				fail "$hv_what: writes lines pf-merge refuses" "$tmp/detail"
				echo "$hv_out" >> "$hd/refused"
			fi
		done < "$hd/checks"
	fi
	# shellcheck disable=SC2046
	awk -F '\t' -v refused="$hd/refused" '
	    FILENAME == ARGV[1] { want[$1] = $2; what[$1] = $3; next }
	    { n = split($0, w, " "); sum[FILENAME] += w[n] }
	    END {
		while ((getline line < refused) > 0)
			bad[line] = 1
		for (f in want) {
			if (f in bad)
				continue
			got = sprintf("%.6f", sum[f])
			if (want[f] != "" && got != want[f])
				printf "FAIL\t%s: counts lost silently\t%s\t%s\n", what[f], got, want[f]
			else
				print "ok"
		}
	    }' "$hd/checks" $(cat "$hd/outs") > "$hd/verified"
	while IFS='	' read -r hv_ok hv_what hv_got hv_want; do
		if [ "$hv_ok" = ok ]; then
			pass
		else
			echo "counts add up to $hv_got instead of $hv_want, and stderr says nothing" \
			    > "$tmp/detail"
			fail "$hv_what" "$tmp/detail"
		fi
	done < "$hd/verified"
	# shellcheck disable=SC2046
	rm -f "$hd/checks" "$hd/refused" $(cat "$hd/outs")
}

# hostile_collapse WHAT FILE WANT ARGS...: pf-collapse ARGS FILE.
hostile_collapse() {
	hc_what=$1
	hc_file=$2
	hc_want=$3
	shift 3
	hout=$hd/o.$hk
	hostile_run "$hout" "$tmp/h.err" "$build/pf-collapse" "$@" "$hc_file"
	hostile_status "$hc_what" "$hc_file" || return 0
	hostile_folded "$hc_what" "$hc_want" "$hc_file"
}

# hostile_render WHAT PROGRAM FILE: pf-merge, pf-svg or pf-html on folded
# input.
hostile_render() {
	hout=$hd/page
	[ "$2" = pf-merge ] && hout=$hd/o.$hk
	hostile_run "$hout" "$tmp/h.err" "$build/$2" "$3"
	# No stacks: exit 1 with a picture that says so (pf-svg(1), pf-html(1)).
	if [ "$hst" -eq 1 ] && [ "$2" != pf-merge ] &&
	    [ "$hse" = "$2: no stack counts found
" ]; then
		hst=0
	fi
	hostile_status "$1" "$3" || return 0
	case $2 in
	pf-merge)
		hostile_folded "$1" '' "$3"
		return
		;;
	pf-svg)
		if ! xmllint --noout --nonet "$hout" > "$tmp/detail" 2>&1; then
			fail "$1: not well-formed XML" "$tmp/detail"
			return
		fi
		;;
	esac
	if [ -s "$hout" ]; then
		pass
	else
		fail "$1: exit 0 and nothing written" "$tmp/h.err"
	fi
}

group_hostile() {
	group_begin "$label: hostile"
	hostile_san=
	if nm "$build/pf-collapse" 2> /dev/null | grep -q __asan_init; then
		hostile_san=1
	fi
	rm -f "$tmp/h.counts"
	(
		if [ -n "$hostile_san" ]; then
			# Leaks are the fuzz group's to find (it replays every
			# reader's corpus under LeakSanitizer): the check at exit
			# doubles the cost of each of these runs.
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=$hostile_rss_mb:detect_leaks=0"
			export ASAN_OPTIONS
		else
			ulimit -v "$hostile_kib"
		fi
		hostile_body
		echo "$npass $nfail" > "$tmp/h.counts"
	)
	if [ -f "$tmp/h.counts" ]; then
		read -r npass nfail < "$tmp/h.counts"
	else
		fail "$label/hostile: the group stopped early"
	fi
	group_end
}

hostile_body() {
	hd=$tmp/hostile
	hk=0
	rm -rf "$hd"
	mkdir -p "$hd"
	: > "$hd/empty"
	# The formats, from pf-collapse itself: each needs a sample.
	"$build/pf-collapse" --help 2> /dev/null |
	    sed -n '/^Formats, in the order/,$p' |
	    sed -n 's/^\([a-z][a-z0-9-]*\)[,:].*/\1/p' > "$hd/formats"
	if [ ! -s "$hd/formats" ]; then
		fail "$label/hostile: no formats in pf-collapse --help"
		return
	fi
	grep -v '^#' "$root/tests/hostile/samples.txt" > "$hd/samples"
	while read -r fmt; do
		if ! cut -f 1 "$hd/samples" | grep -qx "$fmt"; then
			fail "$label/hostile: no sample for format $fmt in tests/hostile/samples.txt"
		fi
	done < "$hd/formats"

	# The damaged copies, named FORMAT-N.VARIANT (N: the sample's line).
	n=0
	set --
	while IFS='	' read -r fmt sample opts; do
		n=$((n + 1))
		set -- "$@" "$fmt-$n" "$root/tests/$sample"
	done < "$hd/samples"
	if ! python3 "$root/tests/hostile/gen.py" "$hd" "$@" > "$hd/made" 2> "$tmp/detail"; then
		fail "$label/hostile: hostile/gen.py failed" "$tmp/detail"
		return
	fi

	n=0
	while IFS='	' read -r fmt sample opts; do
		n=$((n + 1))
		what="$label/hostile: $fmt ($sample)"
		# The intact sample: read, and its total.
		# shellcheck disable=SC2086 # $opts: words
		hostile_run "$tmp/h.out" "$tmp/h.err" "$build/pf-collapse" -f "$fmt" \
		    $opts "$root/tests/$sample"
		if [ "$hst" -ne 0 ] || [ ! -s "$tmp/h.out" ]; then
			fail "$what: the sample does not fold ($(status_text "$hst"))" "$tmp/h.err"
			continue
		fi
		want=$(hostile_sum "$tmp/h.out")
		# shellcheck disable=SC2086
		hostile_collapse "$what: empty file -f" "$hd/empty" '' -f "$fmt" $opts
		for f in $(grep "^$fmt-$n\\." "$hd/made"); do
			# The total must hold where nothing was cut away.
			case ${f#*.} in
			cut-last-byte | nul | bad-utf8 | long-line | crlf) w=$want ;;
			*) w= ;;
			esac
			# shellcheck disable=SC2086
			hostile_collapse "$what: ${f#*.} -f" "$hd/$f" "$w" -f "$fmt" $opts
			# Detection adds little that the sanitizers would see, and
			# their build's runs cost several times as much.
			[ -n "$hostile_san" ] && continue
			# shellcheck disable=SC2086
			hostile_collapse "$what: ${f#*.} detected" "$hd/$f" "$w" $opts
		done
	done < "$hd/samples"
	hostile_collapse "$label/hostile: empty file detected" "$hd/empty" ''

	# Folded stacks for the programs that read them: the damaged copies of
	# the folded sample, and names that are markup, quotes, escapes, NUL
	# bytes and invalid UTF-8.
	{
		printf '</script><script>alert(1)</script>;f 1\n'
		printf '"quoted";'"'"'single'"'"';`tick` 2\n'
		printf ']]>;<!--;-->;&amp;;&#0;;<![CDATA[x 3\n'
		printf 'nul\000byte;frame 4\n'
		printf 'bad\377\376utf8;\355\240\200;\300\257 5\n'
		printf '\033[31mred;\r;\t 6\n'
		printf '%s;javascript:alert(1);{{x}};${x} 7\n' '#s=(a%2B)%2B%24'
	} > "$hd/names.folded"
	for f in names.folded empty $(grep '^folded-' "$hd/made"); do
		for p in pf-merge pf-svg pf-html; do
			hostile_render "$label/hostile: $p $f" "$p" "$hd/$f"
		done
	done

	# A gzip bomb (70 MB of newlines in 68 KB) given to the readers
	# that hold a whole document, and to detection: refused by the inflate
	# guard, within the memory limit.
	head -c 70000000 /dev/zero | tr '\0' '\n' | gzip -c > "$hd/bomb.gz"
	for fmt in pprof svg cpuprofile; do
		hostile_collapse "$label/hostile: gzip bomb -f $fmt" "$hd/bomb.gz" '' -f "$fmt"
	done

	# Nested entities ten levels deep, ten each (10^10 expansions): refused
	# by the XML readers before anything is expanded.
	python3 - "$hd/lol.svg" <<'EOF'
import sys
ents = ['<!ENTITY e0 "lol">'] + [
    '<!ENTITY e%d "%s">' % (i, ('&e%d;' % (i - 1)) * 10) for i in range(1, 11)]
doc = ('<?xml version="1.0"?>\n<!DOCTYPE svg [\n%s\n]>\n'
       '<svg xmlns="http://www.w3.org/2000/svg"><g><title>&e10; (1 samples, 100%%)'
       '</title><rect x="0" y="0" width="10" height="10"/></g></svg>\n') % '\n'.join(ents)
open(sys.argv[1], 'w').write(doc)
EOF
	for fmt in svg xctrace auto; do
		hostile_collapse "$label/hostile: entity expansion -f $fmt" "$hd/lol.svg" '' -f "$fmt"
	done

	# 100 000 threads with tids 4096 apart, each with a library of its
	# own: a lookup by a list or a fixed-size hash table takes minutes
	# here (170 s when threads were chained in 4096 buckets), the maps of
	# pf's reader well under a second.
	python3 "$root/bench/make-perfdata-maps.py" 100000 > "$hd/maps.data"
	hostile_collapse "$label/hostile: perf.data, 100 000 threads and libraries" \
	    "$hd/maps.data" 100000000.000000 --native -j1
	rm -f "$hd/maps.data"
	# perf script text naming a new event in each of 200 000 samples: the
	# events seen were searched in a list per sample (21 s at 80 000).
	awk 'BEGIN { for (i = 0; i < 200000; i++)
	    printf "prog 123 %d.000001: 1 ev%d:\n\t    ffff f%d (/lib/x.so)\n\n", i, i, i % 10 }' \
	    > "$hd/events.txt"
	hostile_collapse "$label/hostile: perf script, 200 000 events" "$hd/events.txt" '' -j1
	rm -f "$hd/events.txt"
	hostile_verify
}
