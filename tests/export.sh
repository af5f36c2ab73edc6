# Tests of pf-export on real profiles of the shared corpus, read back by
# other programs, and of merging the profiles of a fleet.  Sourced by
# run.sh (group "export"); on its own, sh tests/export.sh BUILD [BUILD ...].
#
# For each profile X below (folded from the corpus), and each format:
#  - read back by pf-collapse, for the formats it reads (export_readback),
#    X comes back byte for byte, less the stacks the format leaves out;
#  - read by an independent implementation, tests/ref/export-check.py
#    (written from the formats' descriptions, not from pf's code), and for
#    pprof by `go tool pprof -raw` itself, X comes back likewise.
# Then: the output does not depend on the order of the input, a
# differential profile and --split-roots keep every count, a flame chart's
# order survives a .cpuprofile, and a fleet of 1000 profiles merged as a
# tree of pf-merge runs gives the bytes of one flat merge.

if [ -z "${here:-}" ]; then
	exec sh "$(dirname "$0")/run.sh" -g export "$@"
fi

export_corpus=${PF_CORPUS:-$root/../shared/corpus}

# The formats pf-collapse reads back: FORMAT:OPTIONS:LOSS, LOSS "nozero"
# when stacks counted 0 do not come back (d3's tree cannot tell a stack
# counted 0 from a caller without samples of its own).
export_readback="pprof::nozero cpuprofile:--weight=time:nozero speedscope:: d3::nozero"

# export_check WHAT X FORMAT FILE [diff]: export-check.py is to read FILE
# (in FORMAT) back as X; for pprof-raw, d3 and cpuprofile, X without its
# stacks counted 0 (in both columns of a differential X).  The checks are
# queued, and export_checks_run makes all the readings with one Python.
export_check() {
	export_nq=$((export_nq + 1))
	ec_q=$tmp/q/$export_nq
	case $3 in
	pprof-raw | d3 | cpuprofile)
		if [ "${5:-}" = diff ]; then
			awk '$NF != 0 || $(NF - 1) != 0' "$2" > "$ec_q.exp"
		else
			awk '$NF != 0' "$2" > "$ec_q.exp"
		fi
		;;
	*)
		cp "$2" "$ec_q.exp"
		;;
	esac
	cp "$4" "$ec_q.in"
	printf '%s\n' "$1: export-check.py $3" > "$ec_q.what"
	printf '%s\t%s\t%s\n' "$3" "$ec_q.in" "$ec_q.out" >> "$tmp/q/list"
}

export_checks_run() {
	[ "$export_nq" -gt 0 ] || return
	with_timeout python3 "$root/tests/ref/export-check.py" --batch "$tmp/q/list" \
	    > "$tmp/x.err" 2>&1
	ecr_st=$?
	if [ "$ecr_st" -ne 0 ]; then
		fail "$label/export: export-check.py: $(status_text "$ecr_st")" "$tmp/x.err"
		return
	fi
	ecr_i=0
	while [ "$ecr_i" -lt "$export_nq" ]; do
		ecr_i=$((ecr_i + 1))
		ecr_q=$tmp/q/$ecr_i
		read -r ecr_what < "$ecr_q.what"
		: > "$tmp/detail"
		if [ -s "$ecr_q.out.err" ]; then
			fail "$ecr_what: failed" "$ecr_q.out.err"
		elif differ "$ecr_q.exp" "$ecr_q.out" "its reading" "$tmp/detail"; then
			fail "$ecr_what: not the input" "$tmp/detail"
		else
			pass
		fi
	done
}

# export_profile WHAT X: the round trips and readings of profile X (a
# folded file as pf writes it: sorted, merged).
export_profile() {
	ep_what="$label/export: $1"
	for ep_fmt in pprof speedscope d3 cpuprofile; do
		with_timeout "$pfe" --to "$ep_fmt" -o "$tmp/x.$ep_fmt" "$2" 2> "$tmp/x.err"
		ep_st=$?
		# Fractional counts are rounded by pprof and .cpuprofile, with
		# a warning; nothing else is said.
		if [ "$ep_st" -ne 0 ] || { [ -s "$tmp/x.err" ] &&
		    ! grep -q 'counts that are not whole' "$tmp/x.err"; }; then
			fail "$ep_what: --to $ep_fmt: $(status_text "$ep_st")" "$tmp/x.err"
			continue
		fi
		pass
		[ -s "$tmp/x.err" ] && continue
		for ep_rb in $export_readback; do
			[ "${ep_rb%%:*}" = "$ep_fmt" ] || continue
			ep_opt=${ep_rb#*:}
			ep_loss=${ep_opt#*:}
			ep_opt=${ep_opt%%:*}
			# shellcheck disable=SC2086
			with_timeout "$pfc" $ep_opt "$tmp/x.$ep_fmt" > "$tmp/x.back" 2> "$tmp/x.err2"
			ep_st=$?
			# What the counts are is no complaint.
			grep -v '^pf-collapse: counts are [a-z]*: draw them with --countname=' \
			    "$tmp/x.err2" > "$tmp/x.err"
			ep_exp=$2
			if [ "$ep_loss" = nozero ]; then
				awk '$NF != 0' "$2" > "$tmp/x.nz"
				ep_exp=$tmp/x.nz
			fi
			: > "$tmp/detail"
			if [ "$ep_st" -ne 0 ] || [ -s "$tmp/x.err" ]; then
				fail "$ep_what: pf-collapse $ep_opt of --to $ep_fmt: $(status_text "$ep_st")" "$tmp/x.err"
			elif differ "$ep_exp" "$tmp/x.back" "pf-collapse's reading" "$tmp/detail"; then
				fail "$ep_what: --to $ep_fmt | pf-collapse $ep_opt: not the input" "$tmp/detail"
			else
				pass
			fi
		done
		case $ep_fmt in
		pprof)
			if [ -n "$export_go" ]; then
				(cd "$tmp" && with_timeout "$export_go" tool pprof -raw "x.pprof") \
				    > "$tmp/x.raw" 2> "$tmp/x.err"
				ep_st=$?
				if [ "$ep_st" -ne 0 ]; then
					fail "$ep_what: go tool pprof -raw: $(status_text "$ep_st")" "$tmp/x.err"
				else
					export_check "$ep_what" "$2" pprof-raw "$tmp/x.raw"
				fi
			fi
			;;
		*)
			export_check "$ep_what" "$2" "$ep_fmt" "$tmp/x.$ep_fmt"
			;;
		esac
	done
}

# export_fleet: 1000 small profiles made from real ones (each a different
# share of their stacks, under one of 50 host names, counts multiplied by
# 1 to 3), merged flat by one pf-merge and as a tree, by pf-merge runs over
# groups of 10 (two at a time, as xargs -P 2 starts them), then over the
# partial sums, in two levels: the bytes must be the same.
export_fleet() {
	ef_dir=$tmp/fleet
	rm -rf "$ef_dir"
	mkdir -p "$ef_dir/in" "$ef_dir/l1" "$ef_dir/l2"
	awk -v dir="$ef_dir/in" '
	    { w = $NF; s = $0; sub(/ [^ ]*$/, "", s); st[NR] = s; ct[NR] = w }
	    END {
		for (i = 0; i < 1000; i++) {
			f = sprintf("%s/p%04d.folded", dir, i)
			for (j = 1; j <= NR; j++)
				if ((j * 7 + i * 13) % 20 == 0)
					printf "host-%02d;%s %d\n", i % 50, st[j],
					    ct[j] * (1 + (i + j) % 3) > f
			close(f)
		}
	    }' "$@"
	ef_what="$label/export: fleet of 1000 profiles"
	(cd "$ef_dir/in" && with_timeout "$pfm" -o ../flat.folded p*.folded) 2> "$tmp/x.err"
	ef_st=$?
	if [ "$ef_st" -ne 0 ]; then
		fail "$ef_what: flat pf-merge: $(status_text "$ef_st")" "$tmp/x.err"
		return
	fi
	# The recipe of README.md, two levels deep.
	(cd "$ef_dir/in" && ls | with_timeout xargs -n 10 -P 2 sh -c \
	    'exec "$0" -j 1 -o "../l1/$1" "$@"' "$pfm" &&
	    cd ../l1 && ls | with_timeout xargs -n 10 -P 2 sh -c \
	    'exec "$0" -j 1 -o "../l2/$1" "$@"' "$pfm" &&
	    cd ../l2 && with_timeout "$pfm" -o ../tree.folded ./*) 2> "$tmp/x.err"
	ef_st=$?
	: > "$tmp/detail"
	if [ "$ef_st" -ne 0 ]; then
		fail "$ef_what: tree of pf-merge runs: $(status_text "$ef_st")" "$tmp/x.err"
	elif [ "$(ls "$ef_dir/l1" | wc -l)" -ne 100 ] || [ "$(ls "$ef_dir/l2" | wc -l)" -ne 10 ]; then
		ls "$ef_dir/l1" "$ef_dir/l2" > "$tmp/detail"
		fail "$ef_what: not 100 partial sums, then 10" "$tmp/detail"
	elif differ "$ef_dir/flat.folded" "$ef_dir/tree.folded" "tree merge" "$tmp/detail"; then
		fail "$ef_what: the tree merge is not the flat merge" "$tmp/detail"
	else
		pass
	fi
	# And the sum is right: an independent one, in awk.
	cat "$ef_dir"/in/p*.folded | awk '{ w = $NF; sub(/ [^ ]*$/, ""); t[$0] += w }
	    END { for (s in t) printf "%s %.0f\n", s, t[s] }' | LC_ALL=C sort > "$tmp/x.awk"
	: > "$tmp/detail"
	if differ "$tmp/x.awk" "$ef_dir/flat.folded" "flat merge" "$tmp/detail"; then
		fail "$ef_what: the flat merge is not the sum awk makes" "$tmp/detail"
	else
		pass
	fi
	rm -rf "$ef_dir"
}

group_export() {
	group_begin "$label: export"
	pfc=$build/pf-collapse
	pfe=$build/pf-export
	pfm=$build/pf-merge
	if [ ! -d "$export_corpus" ]; then
		fail "$label/export: no corpus at $export_corpus"
		group_end
		return
	fi
	if [ ! -x "$pfe" ]; then
		fail "$label/export: pf-export not built (make BUILD=$label)"
		group_end
		return
	fi
	# go tool pprof reads the pprof output; Debian's golang-go has it.
	export_go=
	if command -v go > /dev/null 2>&1; then
		export_go=$(command -v go)
		# go wants a cache and a home it can write.
		GOCACHE=$tmp/gocache HOME=${HOME:-$tmp}
		export GOCACHE HOME
	else
		fail "$label/export: go is not installed (golang-go; ./quickstart.sh check): go tool pprof cannot check the pprof output"
	fi
	if ! command -v python3 > /dev/null 2>&1; then
		fail "$label/export: python3 is not installed (./quickstart.sh check)"
		group_end
		return
	fi
	rm -rf "$tmp/q"
	mkdir -p "$tmp/q"
	export_nq=0
	c=$export_corpus
	# Real profiles of every kind pf-collapse folds: perf with kernel
	# and JIT annotations, C++ templates, thread names, Python and
	# Node.js perf maps; V8, Go and async-profiler's Java; Pyroscope's
	# test profiles; gprof's estimated stacks (fractional counts).
	n=0
	for spec in "--all perf/c-deeprec-fp.txt.gz" "--all perf/kern-dd.txt" \
	    "--all perf/cxx-templ-fp.txt.gz" "--tid perf/mt-threadnames-fp.txt.gz" \
	    "--all perf/py312-perfmap-fp.txt.gz" "- perf/node-fibsort-perfmap.txt.gz" \
	    "- v8/cpuprofile/json-workload.cpuprofile" "- pprof/go-cpu.pb.gz" \
	    "- external/async-profiler/jfrconverter/sample2.collapsed" \
	    "- external/pyroscope/pprof/testdata/profile_java" \
	    "- external/pyroscope/pprof/testdata/profile_rust" \
	    "- external/speedscope/Chrome/65/sucrase.cpuprofile" \
	    "- gprof/gprof-recursive.gprof.txt"; do
		opt=${spec%% *}
		in=${spec#* }
		[ "$opt" = - ] && opt=
		n=$((n + 1))
		# shellcheck disable=SC2086
		with_timeout "$pfc" $opt "$c/$in" > "$tmp/p$n.folded" 2> /dev/null
		if [ ! -s "$tmp/p$n.folded" ]; then
			fail "$label/export: pf-collapse $opt $in gave nothing"
			continue
		fi
		export_profile "$in${opt:+ $opt}" "$tmp/p$n.folded"
	done

	# Hostile names: markup, quotes, backslashes, control characters,
	# bytes that are not UTF-8, line separators, empty frames.
	printf '%s\n' 'main;</script><script>alert(1)</script> 5' \
	    'main;"><img src=x onerror=alert(1)> 3' "main;'-alert(1)-' 4" \
	    'main;a&b_[k] 1' 'main;100%;%41%zz%_[i] 6' 'main;caf\303\251_[w];\303 3' \
	    'main;bad\377\001\177x\302\205;tab\there 2' 'main;back\\slash\\u0041 1' \
	    'main;ls\342\200\250ps 1' 'main;;empty 2' 'main;zero 0' 'all;x 3' \
	    'main;"q<\377\\x 2' |
	    awk '{ gsub(/\\303/, "\303"); gsub(/\\251/, "\251"); gsub(/\\377/, "\377")
	        gsub(/\\001/, "\001"); gsub(/\\177/, "\177"); gsub(/\\302/, "\302")
	        gsub(/\\205/, "\205"); gsub(/\\342/, "\342"); gsub(/\\200/, "\200")
	        gsub(/\\250/, "\250"); gsub(/\\t/, "\t"); print }' |
	    "$pfc" --format folded > "$tmp/hostile.folded"
	for f in speedscope d3 cpuprofile; do
		"$pfe" --to "$f" -o "$tmp/h.$f" "$tmp/hostile.folded"
		export_check "$label/export: hostile names" "$tmp/hostile.folded" "$f" "$tmp/h.$f"
	done
	# ... and pf-collapse reads them back byte for byte ("pf:name").
	for f in speedscope d3; do
		"$pfc" "$tmp/h.$f" > "$tmp/x.back" 2> "$tmp/x.err"
		if [ "$f" = d3 ]; then
			awk '$NF != 0' "$tmp/hostile.folded" > "$tmp/x.exp"
		else
			cp "$tmp/hostile.folded" "$tmp/x.exp"
		fi
		: > "$tmp/detail"
		if [ -s "$tmp/x.err" ]; then
			fail "$label/export: hostile names: pf-collapse of --to $f: a message" "$tmp/x.err"
		elif differ "$tmp/x.exp" "$tmp/x.back" "pf-collapse's reading" "$tmp/detail"; then
			fail "$label/export: hostile names: --to $f | pf-collapse: not the input" "$tmp/detail"
		else
			pass
		fi
	done
	"$pfe" --to pprof -o "$tmp/h.pprof" "$tmp/hostile.folded"
	if [ -n "$export_go" ]; then
		(cd "$tmp" && "$export_go" tool pprof -raw h.pprof) > "$tmp/h.raw" 2> /dev/null
		export_check "$label/export: hostile names" "$tmp/hostile.folded" pprof-raw "$tmp/h.raw"
	fi

	# The output depends on the stacks, not on their order in the input.
	p=$tmp/p1.folded
	LC_ALL=C sort -r "$p" > "$tmp/x.rev"
	for f in pprof speedscope d3 cpuprofile; do
		"$pfe" --to "$f" --title t "$p" > "$tmp/x.a" 2>&1
		"$pfe" --to "$f" --title t "$tmp/x.rev" > "$tmp/x.b" 2>&1
		if cmp -s "$tmp/x.a" "$tmp/x.b"; then pass; else
			fail "$label/export: --to $f: another input order, other bytes"
		fi
	done

	# A differential profile: pprof's two sample types, paired again by
	# pf-diff; speedscope's before and after profiles; d3's delta.
	"$build/pf-diff" "$tmp/p1.folded" "$tmp/p3.folded" > "$tmp/d.folded" 2> /dev/null
	"$pfe" --to pprof -o "$tmp/d.pprof" "$tmp/d.folded"
	"$pfc" --sample-type before "$tmp/d.pprof" > "$tmp/d.before"
	"$pfc" --sample-type after "$tmp/d.pprof" > "$tmp/d.after"
	"$build/pf-diff" "$tmp/d.before" "$tmp/d.after" > "$tmp/x.back" 2> "$tmp/x.err"
	: > "$tmp/detail"
	if differ "$tmp/d.folded" "$tmp/x.back" "pf-diff of the sample types" "$tmp/detail"; then
		fail "$label/export: differential --to pprof: not the input" "$tmp/detail"
	else
		pass
	fi
	for f in speedscope d3; do
		"$pfe" --to "$f" -o "$tmp/d.$f" "$tmp/d.folded"
		export_check "$label/export: differential" "$tmp/d.folded" "$f" "$tmp/d.$f" diff
	done
	if [ -n "$export_go" ]; then
		(cd "$tmp" && "$export_go" tool pprof -raw d.pprof) > "$tmp/d.raw" 2> /dev/null
		export_check "$label/export: differential" "$tmp/d.folded" pprof-raw "$tmp/d.raw" diff
	fi
	# One speedscope profile per root frame (per thread), all counts kept.
	"$pfe" --to speedscope --split-roots -o "$tmp/s.speedscope" "$tmp/p4.folded"
	if [ "$(grep -c '"type":"sampled"' "$tmp/s.speedscope")" -eq \
	    "$(cut -d';' -f1 "$tmp/p4.folded" | sort -u | wc -l)" ]; then pass; else
		fail "$label/export: --split-roots: not one profile per root frame"
	fi
	export_check "$label/export: --split-roots" "$tmp/p4.folded" speedscope "$tmp/s.speedscope"

	# A flame chart: the time order of a V8 profile, through a
	# .cpuprofile, read again in time order.  The last sample, on the
	# root at endTime, lasts nothing: pf-collapse --time-order writes it
	# as "(root) 0".
	"$pfc" --time-order "$c/v8/cpuprofile/fibsort-workload.cpuprofile.gz" > "$tmp/t.folded"
	"$pfe" --flamechart --to cpuprofile "$tmp/t.folded" |
	    "$pfc" --time-order --weight=time 2>&1 | sed '$ { /^(root) 0$/d; }' |
	    grep -v '^pf-collapse: counts are microseconds: draw them' > "$tmp/x.back"
	: > "$tmp/detail"
	if differ "$tmp/t.folded" "$tmp/x.back" "time order" "$tmp/detail"; then
		fail "$label/export: --flamechart --to cpuprofile | pf-collapse --time-order: not the input" "$tmp/detail"
	else
		pass
	fi

	export_checks_run
	export_fleet "$tmp/p1.folded" "$tmp/p7.folded" "$tmp/p8.folded"
	group_end
}
