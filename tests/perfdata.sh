# The perfdata group (sourced by run.sh): pf-collapse's own perf.data
# reader against `perf script | pf-collapse`.
#
# Recorded: when perf can record here, the programs in perfdata/src are
# built and recorded (frame pointers, named threads and a child process, C++
# templates, a stripped binary, two events, no call graph, the whole system
# with kernel frames, node --perf-basic-prof JIT frames, pipe mode read from
# the standard input, a DWARF call graph that must go through perf script)
# once per run, and for every recording
# and option `pf-collapse --native FILE` must give the bytes of
# `perf script -i FILE | pf-collapse`.  When perf cannot record, the group
# says so in one line and records nothing.
#
# Totals: the counts folded from each recording add up to the periods that
# perfdata/total.py, a reading of the format independent of pf and perf,
# finds for the event pf-collapse keeps.
#
# Stored: perfdata/stored/NAME.data, recorded on another machine, with the
# build-id cache of its binary beside it (perfdata/stored/debug), must fold
# to NAME.OPTION.folded (made by perf script and the text path when they
# were recorded) on any machine, perf or not.

perfdata_opts="none pid tid kernel jit all addrs"

# perfdata_record: builds and records the workloads into $tmp/perfdata;
# sets perfdata_files, or perfdata_skip to why nothing was recorded.
perfdata_record() {
	# A child of a parallel run (run.sh): the parent's recordings.
	if [ -n "${PF_TEST_SHARED:-}" ] && [ -f "$PF_TEST_SHARED/perfdata/vars" ]; then
		pd=$PF_TEST_SHARED/perfdata
		# shellcheck disable=SC1091
		. "$pd/vars"
		return 0
	fi
	pd=$tmp/perfdata
	[ -d "$pd" ] && return 0
	mkdir -p "$pd"
	perfdata_files=
	perfdata_skip=
	if ! command -v perf > /dev/null 2>&1; then
		perfdata_skip="perf is not installed"
		return 0
	fi
	if ! perf record -q -g -e cpu-clock -o "$pd/probe.data" -- true \
	    > "$pd/probe.log" 2>&1; then
		perfdata_skip="perf cannot record here: $(head -n 1 "$pd/probe.log")"
		return 0
	fi
	src=$root/tests/perfdata/src
	cc -O2 -g -fno-omit-frame-pointer -pthread -o "$pd/work" "$src/work.c" &&
	    c++ -O2 -fno-omit-frame-pointer -o "$pd/templ" "$src/templ.cpp" &&
	    cp "$pd/work" "$pd/work-stripped" && strip "$pd/work-stripped" ||
	    { perfdata_skip="cannot build the workloads"; return 0; }
	rec() {
		name=$1
		shift
		if perf record -q -o "$pd/$name.data" "$@" > "$pd/$name.log" 2>&1; then
			perfdata_files="$perfdata_files $name"
		else
			fail "perfdata: perf record of $name failed" "$pd/$name.log"
		fi
	}
	rec fp -F 4999 -g -- "$pd/work"
	rec templ -F 4999 -g -- "$pd/templ"
	rec stripped -F 4999 -g -- "$pd/work-stripped"
	rec events -F 4999 -g -e cpu-clock -e page-faults -- "$pd/work"
	rec nocallgraph -F 4999 -- "$pd/work"
	rec system -F 999 -g -a -- "$pd/work"
	if command -v node > /dev/null 2>&1; then
		# node writes an isolate-*-v8.log where it runs: in $pd.
		cd "$pd" || return 1
		rec node -F 4999 -g -- node --perf-basic-prof "$src/work.js"
		cd "$root" || return 1
	else
		echo "perfdata: no node: the JIT recording is left out"
	fi
	rec dwarf -F 999 --call-graph dwarf,4096 -- "$pd/work"
	# Pipe mode: perf record -o - | pf-collapse.
	if perf record -q -F 4999 -g -o - -- "$pd/work" > "$pd/pipe.data" 2> "$pd/pipe.log"; then
		perfdata_files="$perfdata_files pipe"
	else
		fail "perfdata: perf record -o - failed" "$pd/pipe.log"
	fi
	for name in $perfdata_files; do
		if [ "$name" = pipe ]; then
			perf script -i - < "$pd/$name.data" > "$pd/$name.txt" 2> /dev/null
		else
			perf script -i "$pd/$name.data" > "$pd/$name.txt" 2> /dev/null
		fi || fail "perfdata: perf script of $name failed"
	done
	# The JIT maps node wrote, removed when the run ends.
	perfdata_maps=$(grep -o '/tmp/perf-[0-9]*\.map' "$pd/node.txt" 2> /dev/null | sort -u)
}

# perfdata_save: what perfdata_record found, for the children of a
# parallel run to read.
perfdata_save() {
	q() { printf "%s='%s'\n" "$1" "$(printf '%s' "$2" | sed "s/'/'\\\\''/g")"; }
	{
		q perfdata_files "$perfdata_files"
		q perfdata_skip "$perfdata_skip"
		q perfdata_maps "${perfdata_maps:-}"
	} > "$pd/vars"
}

# perfdata_cleanup: the JIT maps go once the last reader is done (in a
# parallel run, the parent's job).
perfdata_cleanup() {
	[ -z "${PF_TEST_SHARED:-}" ] || return 0
	for m in ${perfdata_maps:-}; do
		rm -f "$m"
	done
}

# totals_match FILE WHAT: the counts pf-collapse folds from FILE add up to
# what total.py reads in it.
totals_match() {
	want=$(python3 "$root/tests/perfdata/total.py" "$1" 2> "$tmp/pd.err" | cut -d' ' -f2)
	got=$(PERF_BUILDID_DIR=$root/tests/perfdata/stored/debug \
	    "$build/pf-collapse" --native "$1" 2> /dev/null | awk '{ s += $NF } END { printf "%.0f", s }')
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		pass
	else
		echo "pf-collapse: ${got:-nothing}, total.py: ${want:-nothing}" >> "$tmp/pd.err"
		fail "$2" "$tmp/pd.err"
	fi
}

group_perfdata() {
	group_begin "$label: perfdata"
	perfdata_record
	if [ -n "$perfdata_skip" ]; then
		echo "perfdata: skipped the recorded tests: $perfdata_skip"
	fi
	pc=$build/pf-collapse
	for name in $perfdata_files; do
		# Every option on a program's and on the system's recording
		# (kernel frames); fewer on the others, on the fallback (it
		# runs perf script) and under the sanitizers (they look at
		# the code's paths, not at the options').
		case $name in
		fp | system) opts=$perfdata_opts ;;
		node) opts="none jit all" ;;
		*) opts="none all" ;;
		esac
		case $label in
		*san*) opts="all" ;;
		esac
		for opt in $opts; do
			case $opt in
			none) flag= ;;
			*) flag=--$opt ;;
			esac
			what="$label/perfdata: $name ${flag:-(no option)}"
			if [ "$name" = dwarf ]; then
				# Folded through perf script, saying so once.
				with_timeout "$pc" $flag "$pd/$name.data" \
				    > "$tmp/pd.native" 2> "$tmp/pd.err"
			elif [ "$name" = pipe ]; then
				with_timeout "$pc" --native $flag < "$pd/$name.data" \
				    > "$tmp/pd.native" 2> "$tmp/pd.err"
			else
				with_timeout "$pc" --native $flag "$pd/$name.data" \
				    > "$tmp/pd.native" 2> "$tmp/pd.err"
			fi
			st=$?
			"$pc" $flag < "$pd/$name.txt" > "$tmp/pd.text" 2> /dev/null
			: > "$tmp/detail"
			if [ "$st" -ne 0 ]; then
				echo "exit status $st" >> "$tmp/detail"
				cat "$tmp/pd.err" >> "$tmp/detail"
				fail "$what" "$tmp/detail"
			elif differ "$tmp/pd.text" "$tmp/pd.native" "native output" "$tmp/detail"; then
				fail "$what" "$tmp/detail"
			elif [ "$name" = dwarf ] &&
			    ! grep -q "DWARF call graphs.*reading it through perf script" "$tmp/pd.err"; then
				fail "$what: no note of the fallback" "$tmp/pd.err"
			else
				pass
			fi
		done
	done
	case " $perfdata_files " in
	*" events "*)
		what="$label/perfdata: events --event-filter=page-faults"
		"$pc" --native --event-filter=page-faults "$pd/events.data" \
		    > "$tmp/pd.native" 2> /dev/null
		"$pc" --event-filter=page-faults < "$pd/events.txt" > "$tmp/pd.text" 2> /dev/null
		: > "$tmp/detail"
		if [ ! -s "$tmp/pd.text" ] ||
		    differ "$tmp/pd.text" "$tmp/pd.native" "native output" "$tmp/detail"; then
			fail "$what" "$tmp/detail"
		else
			pass
		fi
		;;
	esac

	# Totals, from an independent reading of the files (total.py).
	if command -v python3 > /dev/null 2>&1; then
		for data in "$root"/tests/perfdata/stored/*.data; do
			[ -f "$data" ] || continue
			totals_match "$data" "$label/perfdata: total of stored ${data##*/}"
		done
		for name in $perfdata_files; do
			case $name in pipe | dwarf) continue ;; esac
			totals_match "$pd/$name.data" "$label/perfdata: total of $name"
		done
	fi

	# The stored recordings, with their build-id cache.
	sd=$root/tests/perfdata/stored
	for data in "$sd"/*.data; do
		[ -f "$data" ] || continue
		base=${data%.data}
		for exp in "$base".*.folded; do
			[ -f "$exp" ] || continue
			opt=${exp#"$base".}
			opt=${opt%.folded}
			case $opt in
			none) flag= ;;
			*) flag=--$opt ;;
			esac
			what="$label/perfdata: stored ${base##*/} ${flag:-(no option)}"
			PERF_BUILDID_DIR=$sd/debug with_timeout "$pc" --native $flag "$data" \
			    > "$tmp/pd.native" 2> "$tmp/pd.err"
			st=$?
			: > "$tmp/detail"
			if [ "$st" -ne 0 ]; then
				{ echo "exit status $st"; cat "$tmp/pd.err"; } >> "$tmp/detail"
				fail "$what" "$tmp/detail"
			elif differ "$exp" "$tmp/pd.native" "native output" "$tmp/detail"; then
				fail "$what" "$tmp/detail"
			else
				pass
			fi
		done
	done
	group_end
}
