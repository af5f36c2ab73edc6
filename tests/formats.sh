# Real-data tests of the parsers other than perf, over the shared corpus
# (../shared/corpus, see its README.md).  Sourced by run.sh (group
# "formats"); on its own, sh tests/formats.sh BUILD [BUILD ...].
#
# Two kinds of check:
#  - expected: tests/formats-expected/DIR/INPUT[.OPTION].folded[.gz] is
#    the folding of corpus file DIR/INPUT[.gz] (DIR may have several
#    levels, as v8/cpuprofile) with --OPTION, made by an
#    independent computation (tests/ref/*.py, written from the formats'
#    descriptions, not from pf's code) and reviewed by hand;
#  - totals: the counts of an output add up to what the corpus README says
#    the recording holds (samples, ticks, map entries).

if [ -z "${here:-}" ]; then
	exec sh "$(dirname "$0")/run.sh" -g formats "$@"
fi

formats_corpus=${PF_CORPUS:-$root/../shared/corpus}
formats_expdir=$root/tests/formats-expected

# formats_sum FILE: the sum of the last column (exact for integers below
# 2^53, which is all these are).
formats_sum() {
	awk '{ s += $NF } END { printf "%.0f\n", s }' "$1"
}

# formats_total WHAT EXPECTED ARGS...: pf-collapse ARGS adds up to EXPECTED.
formats_total() {
	ft_what=$1
	ft_want=$2
	shift 2
	with_timeout "$pfc" "$@" > "$tmp/f.out" 2> "$tmp/f.err" < /dev/null
	ft_st=$?
	ft_got=$(formats_sum "$tmp/f.out")
	if [ "$ft_st" -ne 0 ]; then
		fail "$label/formats: $ft_what: $(status_text "$ft_st")" "$tmp/f.err"
	elif [ "$ft_got" != "$ft_want" ]; then
		echo "counts add up to $ft_got, expected $ft_want" > "$tmp/detail"
		fail "$label/formats: $ft_what: wrong total" "$tmp/detail"
	else
		pass
	fi
}

# formats_pruned WHAT X R ERR: R, pf-collapse's reading of a pf-svg graph
# of X drawn with frames pruned, and its stderr ERR.  The count of the note
# ("held N of the samples", 0 without one) is exactly the weight of X's
# stacks missing from R, that is also what R's stacks gained over X's, and
# the total is kept (the hidden samples stay with their parents).  Sets
# fp_hidden to N.
formats_pruned() {
	fp_what=$1
	fp_hidden=$(sed -n 's/^pf-collapse: .*: frames too narrow to be drawn (pruned) held \([0-9.]*\) of the samples; they are counted as their parents'"'"' own$/\1/p' "$4")
	fp_other=$(grep -cv 'frames too narrow to be drawn (pruned) held [0-9.]* of the samples;' "$4")
	[ -n "$fp_hidden" ] || fp_hidden=0
	fp_got=$(awk 'NR == FNR { w = $NF; sub(/ [^ ]*$/, ""); x[$0] = w; tx += w; next }
	    { w = $NF; sub(/ [^ ]*$/, ""); tr += w; r[$0] = 1
	        gained += w - ($0 in x ? x[$0] : 0) }
	    END { for (s in x) if (!(s in r)) lost += x[s]
	        printf "missing %.17g gained %.17g total %.17g\n", lost, gained, tr - tx }' "$2" "$3")
	fp_want="missing $fp_hidden gained $fp_hidden total 0"
	if [ "$fp_other" -ne 0 ]; then
		fail "$fp_what: unexpected messages" "$4"
	elif [ "$fp_got" != "$fp_want" ]; then
		echo "note says $fp_hidden hidden; X vs result: $fp_got" > "$tmp/detail"
		fail "$fp_what: the note's count is not what pruning took" "$tmp/detail"
	else
		pass
	fi
}

# formats_roundtrip WHAT X [EXPECTED]: pf-svg --minwidth 0 X | pf-collapse
# gives EXPECTED (default X, a normalized folded file) byte for byte and
# says nothing; drawn with the default --minwidth and with --minwidth 2%,
# formats_pruned holds against EXPECTED.
formats_roundtrip() {
	fr_what="$label/formats: pf-svg | pf-collapse: $1"
	fr_exp=${3:-$2}
	with_timeout "$pfs" --minwidth 0 "$2" > "$tmp/r.svg" 2> "$tmp/r.err"
	fr_st=$?
	if [ "$fr_st" -eq 0 ]; then
		with_timeout "$pfc" "$tmp/r.svg" > "$tmp/r.out" 2> "$tmp/r.err"
		fr_st=$?
	fi
	: > "$tmp/detail"
	if [ "$fr_st" -ne 0 ]; then
		fail "$fr_what: $(status_text "$fr_st")" "$tmp/r.err"
	elif [ -s "$tmp/r.err" ]; then
		fail "$fr_what: --minwidth 0: a message, nothing was pruned" "$tmp/r.err"
	elif differ "$fr_exp" "$tmp/r.out" stdout "$tmp/detail"; then
		fail "$fr_what: --minwidth 0: not the input" "$tmp/detail"
	else
		pass
	fi
	for fr_mw in default 2%; do
		fr_opt=
		[ "$fr_mw" = default ] || fr_opt="--minwidth $fr_mw"
		# shellcheck disable=SC2086
		with_timeout "$pfs" $fr_opt "$2" 2> "$tmp/r.err" |
		    with_timeout "$pfc" > "$tmp/r.out" 2>> "$tmp/r.err"
		formats_pruned "$fr_what: --minwidth $fr_mw" "$fr_exp" "$tmp/r.out" "$tmp/r.err"
		[ "$fp_hidden" = 0 ] || formats_rt_pruned=$((formats_rt_pruned + 1))
	done
}

# formats_speedscope: real speedscope files (tests/speedscope/README.md)
# against an independent folding, tests/ref/speedscope.py; their totals
# against the files they were made from.
formats_speedscope() {
	fs_dir=$root/tests/speedscope
	for fs_in in "$fs_dir"/*.speedscope.json.gz \
	    "$formats_corpus/external/speedscope/speedscope/0.0.1/simple.speedscope.json"; do
		fs_name=${fs_in##*/}
		for fs_opt in - --profile=1 --profile=2; do
			case $fs_name:$fs_opt in
			ghc.*:-) continue ;;
			ghc.*) ;;
			*:-) ;;
			*) continue ;;
			esac
			[ "$fs_opt" = - ] && fs_opt=
			fs_what="$label/formats: speedscope $fs_name${fs_opt:+ $fs_opt}"
			# shellcheck disable=SC2086
			with_timeout python3 "$root/tests/ref/speedscope.py" \
			    ${fs_opt:+--profile ${fs_opt#--profile=}} "$fs_in" > "$tmp/f.exp" 2> "$tmp/f.err"
			fs_st=$?
			if [ "$fs_st" -ne 0 ]; then
				fail "$fs_what: speedscope.py: $(status_text "$fs_st")" "$tmp/f.err"
				continue
			fi
			# shellcheck disable=SC2086
			with_timeout "$pfc" $fs_opt "$fs_in" > "$tmp/f.out" 2> "$tmp/f.err"
			fs_st=$?
			: > "$tmp/detail"
			if [ "$fs_st" -ne 0 ]; then
				fail "$fs_what: $(status_text "$fs_st")" "$tmp/f.err"
			elif differ "$tmp/f.exp" "$tmp/f.out" stdout "$tmp/detail"; then
				fail "$fs_what: not speedscope.py's folding" "$tmp/detail"
			else
				pass
			fi
		done
	done
	# A file whose profiles measure time and bytes is refused whole.
	with_timeout "$pfc" "$fs_dir/ghc.speedscope.json.gz" > "$tmp/f.out" 2> "$tmp/f.err"
	fs_st=$?
	if [ "$fs_st" -eq 1 ] && [ ! -s "$tmp/f.out" ] &&
	    grep -q 'measure different things.*--profile' "$tmp/f.err"; then pass; else
		fail "$label/formats: speedscope ghc: ms and bytes not refused (exit $fs_st)" "$tmp/f.err"
	fi
	# speedscope's export of the pprof file keeps its 584 samples of
	# 10 ms; of FlameGraph's simple.txt, its stacks (the external file).
	formats_total "speedscope go-cpu: pprof's 5840000000 ns" 5840000000 \
	    "$fs_dir/go-cpu.speedscope.json.gz"
	with_timeout "$pfc" "$formats_corpus/external/speedscope/stackcollapse/simple.txt" > "$tmp/f.exp" 2>&1
	with_timeout "$pfc" "$formats_corpus/external/speedscope/speedscope/0.0.1/simple.speedscope.json" > "$tmp/f.out" 2>&1
	: > "$tmp/detail"
	if differ "$tmp/f.exp" "$tmp/f.out" stdout "$tmp/detail"; then
		fail "$label/formats: speedscope simple.speedscope.json: not the stacks of simple.txt" "$tmp/detail"
	else
		pass
	fi
}

group_formats() {
	group_begin "$label: formats"
	pfc=$build/pf-collapse
	if [ ! -d "$formats_corpus" ]; then
		fail "$label/formats: no corpus at $formats_corpus"
		group_end
		return
	fi
	find "$formats_expdir" -name '*.folded' -o -name '*.folded.gz' | sort > "$tmp/f.list"
	while IFS= read -r exp; do
		dir=${exp%/*}
		dir=${dir#"$formats_expdir"/}
		name=${exp##*/}
		name=${name%.gz}
		name=${name%.folded}
		opt=
		case $name in
		*.no-location | *.drop-idle | *.weight=time | *.time-order)
			opt=--${name##*.}
			name=${name%.*}
			;;
		esac
		in=$formats_corpus/$dir/$name
		[ -f "$in" ] || in=$in.gz
		what="$label/formats: $dir/$name${opt:+ $opt}"
		if [ ! -f "$in" ]; then
			fail "$what: corpus input missing"
			continue
		fi
		# shellcheck disable=SC2086
		with_timeout "$pfc" $opt "$in" > "$tmp/f.out" 2> "$tmp/f.err" < /dev/null
		st=$?
		zcat -f "$exp" > "$tmp/f.exp"
		: > "$tmp/detail"
		if [ "$st" -ne 0 ]; then
			fail "$what: $(status_text "$st")" "$tmp/f.err"
		elif differ "$tmp/f.exp" "$tmp/f.out" stdout "$tmp/detail"; then
			fail "$what: differs from the expected output" "$tmp/detail"
		else
			pass
		fi
	done < "$tmp/f.list"

	v8=$formats_corpus/v8/cpuprofile
	formats_total "v8 json-workload.cpuprofile: 2744 samples" 2744 \
	    "$v8/json-workload.cpuprofile"
	formats_total "v8 fibsort-workload.cpuprofile: 2659 samples" 2659 \
	    "$v8/fibsort-workload.cpuprofile.gz"
	formats_total "v8 fibsort-workload.interval250us.cpuprofile: 8641 samples" 8641 \
	    "$v8/fibsort-workload.interval250us.cpuprofile.gz"
	formats_total "v8 fibsort-workload.cpuprofile --time-order: 2659 samples" 2659 \
	    --time-order "$v8/fibsort-workload.cpuprofile.gz"
	# With --weight=time the samples cover endTime - (startTime + the
	# first delta): 3026520 - 2228 in json-workload.
	formats_total "v8 json-workload.cpuprofile --weight=time: endTime - first sample" \
	    3024292 --weight=time "$v8/json-workload.cpuprofile"
	# --time-order keeps the stacks, only their order and merging differ.
	with_timeout "$pfc" --time-order "$v8/fibsort-workload.cpuprofile.gz" |
	    "$pfc" --format folded > "$tmp/f.tmo" 2>&1
	"$pfc" "$v8/fibsort-workload.cpuprofile.gz" > "$tmp/f.agg" 2>&1
	: > "$tmp/detail"
	if differ "$tmp/f.agg" "$tmp/f.tmo" stdout "$tmp/detail"; then
		fail "$label/formats: --time-order output, merged, is the plain output" "$tmp/detail"
	else
		pass
	fi

	# gprof: each function's self weight (the counts of the stacks it is
	# the leaf of) is its flat-profile self time in samples of 0.01 s, and
	# the four ways of printing one profile give the same stacks.
	gp=$formats_corpus/gprof
	awk '/^Flat profile/ { f = 1; next }
	    f && NF == 0 && n { exit }
	    f && $1 ~ /^[0-9.]+$/ && $2 ~ /^[0-9.]+$/ && $3 > 0 {
	        n++; printf "%s %.9f\n", $NF, $3 * 100 }' \
	    "$gp/gprof-recursive.gprof-b.txt" | sort > "$tmp/f.flat"
	for v in gprof-b gprof gprof-q gprof-b-q; do
		with_timeout "$pfc" "$gp/gprof-recursive.$v.txt" 2> "$tmp/f.err" |
		    awk '{ w = $NF; sub(/ [^ ]*$/, ""); k = split($0, a, ";")
		        s[a[k]] += w }
		        END { for (f in s) printf "%s %.9f\n", f, s[f] }' |
		    sort > "$tmp/f.self"
		: > "$tmp/detail"
		if differ "$tmp/f.flat" "$tmp/f.self" "self time" "$tmp/detail"; then
			fail "$label/formats: gprof-recursive.$v.txt: self weights are not the flat profile's self times" "$tmp/detail"
		else
			pass
		fi
	done

	# bpftrace: the stackcollapse-bpftrace.pl references with bpftrace's
	# decimal offsets dropped (pf drops them, as stackcollapse.pl drops
	# DTrace's) and re-merged, plus the entries with an empty stack that
	# the reference leaves out (pf: "[no stack]"), are pf's output; and
	# the counts add up to the samples.
	bt=$formats_corpus/bpftrace
	for b in bpftrace-dd-kstack-limit8.txt bpftrace-deeprec-ustack.txt; do
		bin=$bt/$b
		[ -f "$bin" ] || bin=$bin.gz
		zcat -f "$bin" | awk '/^@\[\]: [0-9]+$/ { n += $2 }
		    END { if (n) print "[no stack] " n }' > "$tmp/f.empty"
		zcat -f "$bt/$b.folded"* | cat - "$tmp/f.empty" | perl -ne '
		    chomp; /^(.*) (\d+)$/ or next;
		    my ($s, $c) = ($1, $2);
		    $s = join(";", map { s/\+(0x[0-9a-fA-F]+|\d+)$//r } split /;/, $s, -1);
		    $t{$s} += $c;
		    END { print "$_ $t{$_}\n" for sort keys %t }' > "$tmp/f.exp"
		with_timeout "$pfc" "$bin" > "$tmp/f.out" 2> "$tmp/f.err"
		: > "$tmp/detail"
		if differ "$tmp/f.exp" "$tmp/f.out" stdout "$tmp/detail"; then
			fail "$label/formats: $b: not the reference without offsets, plus its empty stacks" "$tmp/detail"
		else
			pass
		fi
	done
	formats_total "bpftrace-dd-kstack-limit8.txt: 996 samples" 996 \
	    "$bt/bpftrace-dd-kstack-limit8.txt"
	formats_total "bpftrace-deeprec-ustack.txt: 2997 samples" 2997 \
	    "$bt/bpftrace-deeprec-ustack.txt.gz"

	# DTrace (FlameGraph's example): an independent folding in awk of
	# the blocks of frames over a count, offsets dropped.
	dt=$formats_corpus/flamegraph-tests/example-dtrace-stacks.txt.gz
	zcat "$dt" | awk '
	    /^[ \t]*$/ { n = 0; next }
	    /^[ \t]+[0-9]+$/ { if (n) { s = f[n]; for (i = n - 1; i > 0; i--) s = s ";" f[i]
	        t[s] += $1 } n = 0; next }
	    /^[ \t]/ { x = $0; sub(/^[ \t]+/, "", x); sub(/\+0x[0-9a-fA-F]+$/, "", x)
	        gsub(/;/, ":", x); f[++n] = x; next }
	    { n = 0 }
	    END { for (s in t) print s " " t[s] }' | LC_ALL=C sort > "$tmp/f.exp"
	with_timeout "$pfc" "$dt" > "$tmp/f.out" 2> "$tmp/f.err"
	: > "$tmp/detail"
	if differ "$tmp/f.exp" "$tmp/f.out" stdout "$tmp/detail"; then
		fail "$label/formats: example-dtrace-stacks.txt: not the awk folding" "$tmp/detail"
	else
		pass
	fi
	formats_total "example-dtrace-stacks.txt: 57441, the sum of its counts" 57441 "$dt"
	# V8 --prof: the raw log and its preprocessed JSON each count the
	# 2776 ticks once; the self ticks of each JavaScript function are
	# those of node --prof-process's [JavaScript] table (its tiers *, ~, ^
	# summed); the JSON's unresolved ticks are its 1570 "unaccounted".
	vp=$formats_corpus/v8/prof/fibsort
	awk '/^ \[JavaScript\]:/ { f = 1; next } f && NF == 0 { exit }
	    f && $1 ~ /^[0-9]+$/ { n = $1; sub(/^ *[0-9]+ +[0-9.]+% +[0-9.]+% +JS: [*~^]?/, "")
	        sub(/^<anonymous>/, "(anonymous)"); t[$0] += n }
	    END { for (k in t) print k " " t[k] }' "$vp/fibsort-workload.prof-process.txt" |
	    LC_ALL=C sort > "$tmp/f.js"
	for vin in isolate-0x31c9a3b0-3246-v8.log.gz fibsort-workload.prof-preprocess.json.gz; do
		formats_total "v8/prof/$vin: 2776 ticks" 2776 "$vp/$vin"
		awk '{ w = $NF; sub(/ [^ ]*$/, ""); k = split($0, a, ";")
		    if (a[k] ~ /\.js:[0-9]+:[0-9]+$/) t[a[k]] += w }
		    END { for (k in t) print k " " t[k] }' "$tmp/f.out" |
		    LC_ALL=C sort > "$tmp/f.self"
		: > "$tmp/detail"
		if differ "$tmp/f.js" "$tmp/f.self" "self ticks" "$tmp/detail"; then
			fail "$label/formats: v8/prof/$vin: JavaScript self ticks are not --prof-process's" "$tmp/detail"
		else
			pass
		fi
	done
	awk '/(^|;)\[unknown\] [0-9.]+$/' "$tmp/f.out" > "$tmp/f.unk"
	if [ "$(formats_sum "$tmp/f.unk")" = 1570 ]; then pass; else
		echo "[unknown] has $(formats_sum "$tmp/f.unk") ticks" > "$tmp/detail"
		fail "$label/formats: v8/prof preprocess JSON: 1570 unaccounted ticks are [unknown]" "$tmp/detail"
	fi
	# pprof: the reference made with `go tool pprof -raw` (inlined
	# functions as frames of their own, weight: the last sample type),
	# from the compressed and the plain message; 584 samples.
	pp=$formats_corpus/pprof
	for pin in go-cpu.pb go-cpu.pb.gz; do
		with_timeout "$pfc" "$pp/$pin" > "$tmp/f.out" 2> "$tmp/f.err"
		: > "$tmp/detail"
		if differ "$pp/go-cpu.pb.gz.folded" "$tmp/f.out" stdout "$tmp/detail"; then
			fail "$label/formats: pprof/$pin: differs from the go tool pprof reference" "$tmp/detail"
		else
			pass
		fi
	done
	formats_total "pprof/go-cpu.pb.gz --sample-type samples: 584 samples" 584 \
	    --sample-type samples "$pp/go-cpu.pb.gz"
	# Legacy pprof: recordings made for pf (tests/pprof-legacy/README) and
	# google/pprof's test data, each adding up to what `go tool pprof -top`
	# (Go's own reader) reports for it: the default sample type, then the
	# first (-sample_index=0).
	lg=$root/tests/pprof-legacy
	lx=$formats_corpus/external/pprof/profile/testdata
	formats_total "gperftools-cpu.prof: 189 samples of 2 ms" 378000000 "$lg/gperftools-cpu.prof"
	formats_total "gperftools-cpu.prof --sample-type samples" 189 \
	    --sample-type samples "$lg/gperftools-cpu.prof"
	formats_total "gperftools.heap: bytes in use" 790600 "$lg/gperftools.heap"
	formats_total "gperftools.heap --sample-type objects" 14 \
	    --sample-type objects "$lg/gperftools.heap"
	formats_total "go-heap.txt: sampled bytes, scaled" 530283 "$lg/go-heap.txt"
	formats_total "go-heap.txt --sample-type objects" 418 \
	    --sample-type objects "$lg/go-heap.txt"
	formats_total "go-goroutine.txt" 2 "$lg/go-goroutine.txt"
	formats_total "go-mutex.txt: delay" 79325238 "$lg/go-mutex.txt"
	formats_total "go-mutex.txt --sample-type contentions" 160 \
	    --sample-type contentions "$lg/go-mutex.txt"
	formats_total "go-block.txt: delay" 272989949 "$lg/go-block.txt"
	formats_total "go-block.txt --sample-type contentions" 161 \
	    --sample-type contentions "$lg/go-block.txt"
	formats_total "pprof java.cpu" 70000000 "$lx/java.cpu"
	formats_total "pprof go.crc32.cpu" 2110000000 "$lx/go.crc32.cpu"
	formats_total "pprof gobench.heap: scaled by the sampling rate" 7721316 \
	    "$lx/gobench.heap"
	formats_total "pprof cppbench.thread" 4 "$lx/cppbench.thread"
	formats_total "pprof cppbench.growth" 178257920 "$lx/cppbench.growth"
	# Go's own names ("#" lines) are the frames of its debug=1 records.
	with_timeout "$pfc" "$lg/go-heap.txt" > "$tmp/f.out" 2> /dev/null
	if grep -q '^main.main.func1;main.alloc [0-9]*$' "$tmp/f.out"; then pass; else
		fail "$label/formats: go-heap.txt: no stack main.main.func1;main.alloc" "$tmp/f.out"
	fi
	# Ruby stackprof (tests/stackprof/README): the counts add up to the
	# profile's "samples", as a Python sum of its raw stacks' counts found.
	sp=$root/tests/stackprof
	formats_total "stackprof ruby-cpu.json: 59 samples" 59 "$sp/ruby-cpu.json"
	formats_total "stackprof ruby-wall.json.gz: 295 samples" 295 "$sp/ruby-wall.json.gz"
	formats_total "speedscope simple-stackprof.json: 1554 samples" 1554 \
	    "$formats_corpus/external/speedscope/stackprof/simple-stackprof.json"
	# callgrind, massif, pstats: each against an independent reading in
	# tests/ref/ of real recordings (tests/recordings/, the corpus, the
	# external corpus).  callgrind and pstats: each function's self weight
	# (the counts of the stacks it is the leaf of) is its exclusive cost
	# or total time, and they add up to the file's totals: line or to
	# pstats' total_tt; massif: the folded heap tree, adding up to the
	# snapshot's mem_heap_B.
	rec=$root/tests/recordings
	for cg in "$rec/callgrind.out.rec.gz" "$rec/callgrind.out.rec-instr.gz" \
	    "$formats_corpus/callgrind/callgrind.out.deeprec" \
	    "$formats_corpus/external/gprof2dot/callgrind/issue35.callgrind" \
	    "$formats_corpus/external/speedscope/callgrind/callgrind.multiple-event-types.log:Memory_(bytes)"; do
		cgev=
		case $cg in *:*) cgev=${cg##*:}; cg=${cg%:*} ;; esac
		python3 "$root/tests/ref/callgrind-self.py" "$cg" $cgev > "$tmp/f.ref"
		with_timeout "$pfc" ${cgev:+--event "$cgev"} "$cg" 2> "$tmp/f.err" |
		    awk '{ w = $NF; sub(/ [^ ]*$/, ""); k = split($0, a, ";")
		        s[a[k]] += w; t += w }
		        END { for (f in s) printf "%s %.0f\n", f, s[f]; printf "total %.0f\n", t }' |
		    LC_ALL=C sort > "$tmp/f.self"
		sed '$d' "$tmp/f.ref" | LC_ALL=C sort > "$tmp/f.exp"
		: > "$tmp/detail"
		if differ "$tmp/f.exp" "$tmp/f.self" "self cost" "$tmp/detail"; then
			fail "$label/formats: ${cg##*/} $cgev: self weights are not the exclusive costs" "$tmp/detail"
		elif [ "$(tail -n 1 "$tmp/f.ref")" != "totals None" ] &&
		    [ "$(tail -n 1 "$tmp/f.ref")" != "totals $(sed -n 's/^total //p' "$tmp/f.self")" ]; then
			tail -n 1 "$tmp/f.ref" > "$tmp/detail"
			fail "$label/formats: ${cg##*/}: the total is not the totals: line" "$tmp/detail"
		else
			pass
		fi
	done
	for ms in massif.out.heap: massif.out.heap:14 massif.out.sort.gz:; do
		msn=${ms##*:}
		ms=$rec/${ms%:*}
		zcat -f "$ms" > "$tmp/f.massif"
		python3 "$root/tests/ref/massif-fold.py" "$tmp/f.massif" $msn > "$tmp/f.ref"
		with_timeout "$pfc" ${msn:+--snapshot "$msn"} "$ms" > "$tmp/f.out" 2> "$tmp/f.err"
		sed '$d' "$tmp/f.ref" > "$tmp/f.exp"
		: > "$tmp/detail"
		if differ "$tmp/f.exp" "$tmp/f.out" stdout "$tmp/detail"; then
			fail "$label/formats: ${ms##*/} $msn: not the heap tree folded" "$tmp/detail"
		elif [ "$(tail -n 1 "$tmp/f.ref")" != "mem_heap_B $(formats_sum "$tmp/f.out")" ] ||
		    [ "$(cat "$tmp/f.err")" != "pf-collapse: counts are bytes: draw them with --countname=bytes" ]; then
			tail -n 1 "$tmp/f.ref" | cat - "$tmp/f.err" > "$tmp/detail"
			fail "$label/formats: ${ms##*/} $msn: the total is not mem_heap_B" "$tmp/detail"
		else
			pass
		fi
	done
	for py in pywork.cprofile pywork.profile pywork.cprofile.marshal1; do
		python3 "$root/tests/ref/pstats-self.py" "$rec/$py" | LC_ALL=C sort > "$tmp/f.ref"
		with_timeout "$pfc" "$rec/$py" 2> "$tmp/f.err" |
		    awk '{ w = $NF; sub(/ [^ ]*$/, ""); k = split($0, a, ";")
		        s[a[k]] += w; t += w }
		        END { for (f in s) printf "%s %.0f\n", f, s[f]; printf "total %.0f\n", t }' |
		    LC_ALL=C sort > "$tmp/f.self"
		: > "$tmp/detail"
		if differ "$tmp/f.ref" "$tmp/f.self" "self time" "$tmp/detail"; then
			fail "$label/formats: $py: self weights are not pstats' total times" "$tmp/detail"
		else
			pass
		fi
	done
	formats_speedscope
	# Firefox Profiler and Gecko profiles (tests/firefox/README.md): the
	# folded stacks of tests/ref/firefox-fold.py, an independent reading.
	for ff in spin.gecko.json.gz spin.gecko.json.gz:--tid \
	    pf-collapse.gecko.json.gz:--pid spin.v29.json spin.v55.json \
	    spin.v57-bytes.json spin.v61-weights.json spin.v61-ms.json.gz \
	    external/speedscope/Firefox/61/recursion.json; do
		ffo=
		case $ff in *:*) ffo=${ff##*:}; ff=${ff%:*} ;; esac
		case $ff in
		external/*) ffin=$formats_corpus/$ff ;;
		*) ffin=$root/tests/firefox/$ff ;;
		esac
		python3 "$root/tests/ref/firefox-fold.py" $ffo "$ffin" > "$tmp/f.ref"
		with_timeout "$pfc" $ffo "$ffin" > "$tmp/f.out" 2> "$tmp/f.err"
		sed '$d' "$tmp/f.ref" > "$tmp/f.exp"
		: > "$tmp/detail"
		if differ "$tmp/f.exp" "$tmp/f.out" stdout "$tmp/detail"; then
			fail "$label/formats: firefox ${ff##*/} $ffo: not the independent folding" "$tmp/detail"
		else
			pass
		fi
	done
	# GHC .prof reports (tests/recordings/, the external corpus) and macOS
	# sample reports (the external corpus): the folding of an independent
	# reading (tests/ref/ghcprof-fold.py, macsample-fold.py) byte for byte,
	# adding up to the report's own total: GHC's ticks of "total time" and
	# bytes of "total alloc", sample's threads' counts.  ITEM is
	# FILE:SAMPLE-TYPE:CHECK-TOTAL for GHC, FILE:OPTION for sample.
	xc=$formats_corpus/external/inferno
	for gh in "$rec/ghc-fib-P.prof::1" "$rec/ghc-fib-P.prof:alloc:1" \
	    "$rec/ghc-fib-P.prof:time:" "$rec/ghc-fib-p.prof::" \
	    "$rec/ghc-deep-P.prof::1" "$rec/ghc-deep-P.prof:alloc:1" \
	    "$rec/ghc-deep-p.prof.gz:time:" "$xc/collapse-ghcprof/ticks.prof::1" \
	    "$xc/collapse-ghcprof/ticks.prof:alloc:1"; do
		ghtot=${gh##*:}; gh=${gh%:*}; ghty=${gh##*:}; gh=${gh%:*}
		zcat -f "$gh" > "$tmp/f.ghc"
		python3 "$root/tests/ref/ghcprof-fold.py" "$tmp/f.ghc" ${ghty:-ticks} > "$tmp/f.ref"
		with_timeout "$pfc" ${ghty:+--sample-type "$ghty"} "$gh" > "$tmp/f.out" 2> /dev/null
		sed '$d' "$tmp/f.ref" > "$tmp/f.exp"
		: > "$tmp/detail"
		if differ "$tmp/f.exp" "$tmp/f.out" stdout "$tmp/detail"; then
			fail "$label/formats: ${gh##*/} $ghty: not the cost-centre tree folded" "$tmp/detail"
		elif [ -n "$ghtot" ] && [ "$(tail -n 1 "$tmp/f.ref")" != "total $(formats_sum "$tmp/f.out")" ]; then
			tail -n 1 "$tmp/f.ref" > "$tmp/detail"
			fail "$label/formats: ${gh##*/} $ghty: not the report's total" "$tmp/detail"
		else
			pass
		fi
	done
	# GHC JSON profiles (+RTS -pj): the folding of an independent reading
	# (tests/ref/ghcjson-fold.py) byte for byte, adding up to the JSON's
	# own totals less the RTS's cost centres; and the alloc stacks of the
	# same program's -pj and -P runs the same line for line.
	for gh in ghc-fib-pj.json:ticks ghc-fib-pj.json:alloc ghc-fib-pj.json:time \
	    ghc-deep-pj.json.gz:ticks ghc-deep-pj.json.gz:alloc ghc-deep-pj.json.gz:time; do
		ghty=${gh##*:}; gh=$rec/${gh%:*}
		zcat -f "$gh" > "$tmp/f.ghj"
		python3 "$root/tests/ref/ghcjson-fold.py" "$tmp/f.ghj" "$ghty" > "$tmp/f.ref"
		with_timeout "$pfc" --sample-type "$ghty" "$gh" > "$tmp/f.out" 2> /dev/null
		sed '$d' "$tmp/f.ref" > "$tmp/f.exp"
		: > "$tmp/detail"
		if differ "$tmp/f.exp" "$tmp/f.out" stdout "$tmp/detail"; then
			fail "$label/formats: ${gh##*/} $ghty: not the profile tree folded" "$tmp/detail"
		elif [ "$ghty" != time ] && [ "$(tail -n 1 "$tmp/f.ref")" != "total $(formats_sum "$tmp/f.out")" ]; then
			tail -n 1 "$tmp/f.ref" > "$tmp/detail"
			fail "$label/formats: ${gh##*/} $ghty: not the profile's total" "$tmp/detail"
		else
			pass
		fi
	done
	for gh in fib deep; do
		with_timeout "$pfc" --sample-type alloc "$rec/ghc-$gh-P.prof" > "$tmp/f.exp" 2> /dev/null
		with_timeout "$pfc" --sample-type alloc "$rec/ghc-$gh-pj.json"* > "$tmp/f.out" 2> /dev/null
		: > "$tmp/detail"
		if [ ! -s "$tmp/f.out" ] || differ "$tmp/f.exp" "$tmp/f.out" stdout "$tmp/detail"; then
			fail "$label/formats: ghc-$gh: -pj does not fold as -P" "$tmp/detail"
		else
			pass
		fi
	done
	for ms in "$xc/collapse-sample/sample.txt:" "$xc/collapse-sample/sample.txt:--drop-idle"; do
		msopt=${ms##*:}; ms=${ms%:*}
		python3 "$root/tests/ref/macsample-fold.py" "$ms" $msopt > "$tmp/f.ref"
		with_timeout "$pfc" $msopt "$ms" > "$tmp/f.out" 2> /dev/null
		sed '$d' "$tmp/f.ref" > "$tmp/f.exp"
		: > "$tmp/detail"
		if differ "$tmp/f.exp" "$tmp/f.out" stdout "$tmp/detail"; then
			fail "$label/formats: ${ms##*/} $msopt: not the call graph folded" "$tmp/detail"
		elif [ -z "$msopt" ] && [ "$(tail -n 1 "$tmp/f.ref")" != "total $(formats_sum "$tmp/f.out")" ]; then
			tail -n 1 "$tmp/f.ref" > "$tmp/detail"
			fail "$label/formats: ${ms##*/}: not the threads' total" "$tmp/detail"
		else
			pass
		fi
	done
	# Round trips through pf-svg: real profiles (perf with annotations,
	# a V8 profile, a differential pair), then hostile names.  A
	# differential graph gives back its second column: the widths and
	# counts are the "after" profile's, stacks absent from it are not drawn.
	pfs=$build/pf-svg
	formats_rt_pruned=0
	pc=$formats_corpus/perf
	for pin in c-deeprec-fp.txt.gz kern-dd.txt cxx-templ-fp.txt.gz \
	    mt-threadnames-fp.txt.gz py312-perfmap-fp.txt.gz; do
		with_timeout "$pfc" --all "$pc/$pin" > "$tmp/rt.$pin.folded" 2> /dev/null
		formats_roundtrip "perf/$pin --all" "$tmp/rt.$pin.folded"
	done
	with_timeout "$pfc" "$v8/json-workload.cpuprofile" > "$tmp/rt.v8.folded" 2> /dev/null
	formats_roundtrip "v8/cpuprofile/json-workload.cpuprofile" "$tmp/rt.v8.folded"
	with_timeout "$build/pf-diff" "$tmp/rt.c-deeprec-fp.txt.gz.folded" \
	    "$tmp/rt.cxx-templ-fp.txt.gz.folded" > "$tmp/rt.diff.folded" 2> /dev/null
	awk '$NF != 0 { w = $NF; sub(/ [^ ]* [^ ]*$/, ""); print $0 " " w }' \
	    "$tmp/rt.diff.folded" | "$pfc" --format folded > "$tmp/rt.after.folded"
	formats_roundtrip "pf-diff c-deeprec-fp cxx-templ-fp: the after column" \
	    "$tmp/rt.diff.folded" "$tmp/rt.after.folded"
	printf '%s\n' 'main;</script><script>alert(1)</script> 5' \
	    'main;"><img src=x onerror=alert(1)> 3' 'main;]]> 2' \
	    "main;'-alert(1)-' 4" 'main;a&b_[k] 1' 'main;-;x_[j] 2' 'main;--;y 1' \
	    'main;100%;%41%zz%_[i] 6' 'main;caf\303\251_[w];\303 3' \
	    'main;bad\377\001\177x\302\205;tab\there 2' 'main;_[k] 1' 'all;x 3' \
	    'main;weigh 200000' | awk '{ gsub(/\\303/, "\303"); gsub(/\\251/, "\251")
	        gsub(/\\377/, "\377"); gsub(/\\001/, "\001"); gsub(/\\177/, "\177")
	        gsub(/\\302/, "\302"); gsub(/\\205/, "\205"); gsub(/\\t/, "\t"); print }' |
	    "$pfc" --format folded > "$tmp/rt.hostile.folded"
	formats_roundtrip "hostile names" "$tmp/rt.hostile.folded"
	if [ "$formats_rt_pruned" -gt 0 ]; then pass; else
		fail "$label/formats: pf-svg | pf-collapse: no round trip pruned anything"
	fi
	group_end
}
