# Corpus tests: pf-collapse against the stackcollapse-perf.pl references in
# the shared profiler corpus (../shared/corpus beside the repository, see its
# README.md).
#
# run.sh and update-corpus-expected.sh source this file; run on its own,
#   sh tests/corpus.sh BUILD [BUILD ...]
# it runs the corpus group of run.sh only.
#
# Two suites:
#  - flamegraph: every FlameGraph test input X.txt with each of the six
#    flags, against test/results-head/X-collapsed-FLAG.txt (made with a blank
#    line appended to each input; pf needs no such help).
#  - perf: every reference perf/BASE.txt[.FLAG|.event-filter-EV].folded[.gz],
#    made from perf/BASE.txt[.gz] with the option its name gives.
#
# Where the reference shows a bug of the reference tool, the reference name
# matches a pattern in tests/corpus-exceptions.txt and pf's own reviewed
# output, tests/corpus-expected/NAME[.gz], is the expectation instead.
# --inline references are compared, without any option, with whatever the
# plain BASE.txt.folded is compared with: pf has no --inline, and perf
# already prints inlined frames itself.

if [ -z "${here:-}" ]; then
	exec sh "$(dirname "$0")/run.sh" -g corpus "$@"
fi

corpus=${PF_CORPUS:-$root/../shared/corpus}
corpus_expdir=$root/tests/corpus-expected
corpus_exceptions=$root/tests/corpus-exceptions.txt
corpus_flags="addrs all jit kernel pid tid"
# Files of ours larger than this are stored gzip'ed, as in the corpus.
corpus_gzip_above=262144

# corpus_excepted NAME: is the reference NAME (without .gz) listed in the
# exceptions file?  Lines are glob patterns; '#' starts a comment.
corpus_excepted() {
	[ -f "$corpus_exceptions" ] || return 1
	while IFS= read -r ce_line || [ -n "$ce_line" ]; do
		ce_pat=${ce_line%%#*}
		while :; do
			case $ce_pat in
			[[:space:]]*) ce_pat=${ce_pat#?} ;;
			*[[:space:]]) ce_pat=${ce_pat%?} ;;
			*) break ;;
			esac
		done
		[ -n "$ce_pat" ] || continue
		# The pattern is meant to glob.
		# shellcheck disable=SC2254
		case $1 in
		$ce_pat) return 0 ;;
		esac
		case $1.gz in
		$ce_pat) return 0 ;;
		esac
	done < "$corpus_exceptions"
	return 1
}

# corpus_input SRC: set c_in to a plain-text copy of the corpus input SRC,
# decompressing it into the scratch directory once per run.
corpus_input() {
	case $1 in
	*.gz)
		c_in=$tmp/in/$(basename "$(dirname "$1")")/$(basename "$1" .gz)
		[ -f "$c_in" ] && return 0
		mkdir -p "$(dirname "$c_in")" &&
		    zcat "$1" > "$c_in.part" && mv "$c_in.part" "$c_in"
		;;
	*)
		c_in=$1
		;;
	esac
}

# corpus_walk CALLBACK: call CALLBACK once per corpus case, with
#   c_name   what the case is called in messages (suite/reference file)
#   c_key    name of the reference that decides the expectation, no .gz
#   c_ref    path of that reference
#   c_src    path of the input (maybe .gz)
#   c_args   the one pf-collapse option, or empty
#   c_inline set for --inline references (c_key is then the plain one)
#   c_error  set if the case cannot be run; CALLBACK reports it
corpus_walk() {
	cw_n=0
	cw_dir=$corpus/flamegraph-tests/test
	for cw_src in "$cw_dir"/*.txt "$cw_dir"/*.txt.gz; do
		[ -f "$cw_src" ] || continue
		cw_x=${cw_src##*/}
		cw_x=${cw_x%.gz}
		cw_x=${cw_x%.txt}
		for cw_flag in $corpus_flags; do
			c_key=$cw_x-collapsed-$cw_flag.txt
			c_name=flamegraph/$c_key
			c_ref=$cw_dir/results-head/$c_key
			[ -f "$c_ref" ] || c_ref=$c_ref.gz
			c_src=$cw_src
			c_args=--$cw_flag
			c_inline=
			c_error=
			[ -f "$c_ref" ] ||
			    c_error="reference results-head/${c_key}[.gz] is missing"
			"$1"
			cw_n=$((cw_n + 1))
		done
	done
	[ "$cw_n" -gt 0 ] ||
	    fail "$label/corpus: no FlameGraph test inputs in $cw_dir"

	cw_n=0
	cw_dir=$corpus/perf
	for c_ref in "$cw_dir"/*.folded*; do
		case $c_ref in
		*.folded | *.folded.gz) ;;
		*) continue ;;
		esac
		[ -f "$c_ref" ] || continue
		c_name=perf/${c_ref##*/}
		c_key=${c_ref##*/}
		c_key=${c_key%.gz}
		c_args=
		c_inline=
		c_error=
		cw_x=${c_key%.folded}
		case $cw_x in
		*.txt)
			cw_base=$cw_x
			;;
		*.txt.*)
			cw_base=${cw_x%.txt.*}.txt
			cw_how=${cw_x##*.txt.}
			case $cw_how in
			addrs | all | jit | kernel | pid | tid | srcline)
				c_args=--$cw_how
				;;
			event-filter-?*)
				c_args=--event-filter=${cw_how#event-filter-}
				;;
			inline)
				c_inline=1
				c_key=$cw_base.folded
				c_ref=$cw_dir/$c_key
				[ -f "$c_ref" ] || c_ref=$c_ref.gz
				[ -f "$c_ref" ] ||
				    c_error="no ${c_key}[.gz] to compare with"
				;;
			*)
				c_error="unknown option '$cw_how' in the name"
				;;
			esac
			;;
		*)
			cw_base=
			c_error="cannot tell the input from the name"
			;;
		esac
		c_src=$cw_dir/$cw_base
		[ -f "$c_src" ] || c_src=$c_src.gz
		[ -f "$c_src" ] || [ -n "$c_error" ] ||
		    c_error="input ${cw_base}[.gz] is missing"
		"$1"
		cw_n=$((cw_n + 1))
	done
	[ "$cw_n" -gt 0 ] ||
	    fail "$label/corpus: no reference files in $cw_dir"
}

# corpus_run C_ARGS: run pf-collapse on the case's input into $tmp/got and
# $tmp/err; set c_status and c_cmd (the command, for messages).
corpus_run() {
	c_cmd=${c_src##*/}
	c_cmd="pf-collapse${c_args:+ $c_args} ${c_cmd%.gz}"
	if ! corpus_input "$c_src"; then
		echo "cannot decompress $c_src" > "$tmp/err"
		c_status=255
		return
	fi
	with_timeout "$pfc" ${c_args:+"$c_args"} "$c_in" \
	    > "$tmp/got" 2> "$tmp/err" < /dev/null
	c_status=$?
}

# corpus_check: the run.sh callback; one test per case.
corpus_check() {
	c_what="$label/corpus: $c_name"
	if [ -n "$c_error" ]; then
		fail "$c_what: $c_error"
		return
	fi
	c_exp=$c_ref
	if corpus_excepted "$c_key"; then
		c_exp=$corpus_expdir/$c_key
		[ -f "$c_exp" ] || c_exp=$c_exp.gz
		if [ ! -f "$c_exp" ]; then
			fail "$c_what: no expected output yet (tests/corpus-expected/$c_key, see tests/update-corpus-expected.sh)"
			return
		fi
	fi
	corpus_run
	: > "$tmp/detail"
	if [ "$c_status" -ne 0 ]; then
		cat "$tmp/err" > "$tmp/detail"
		fail "$c_what: $c_cmd: $(status_text "$c_status")" "$tmp/detail"
		return
	fi
	zcat -f "$c_exp" > "$tmp/exp"
	if differ "$tmp/exp" "$tmp/got" "output of $c_cmd" "$tmp/detail"; then
		if [ -s "$tmp/err" ]; then
			echo "stderr:" >> "$tmp/detail"
			head -n 3 "$tmp/err" >> "$tmp/detail"
		fi
		case $c_exp in
		"$corpus_expdir"/*) c_vs="tests/corpus-expected/${c_exp##*/}" ;;
		*) c_vs="the reference" ;;
		esac
		fail "$c_what: differs from $c_vs" "$tmp/detail"
		return
	fi
	pass
}

# group_corpus: the corpus group of run.sh for the build in $build.
group_corpus() {
	group_begin "$label: corpus"
	pfc=$build/pf-collapse
	if [ ! -d "$corpus" ]; then
		fail "$label/corpus: corpus directory $corpus not found (the shared data must sit beside the repository as ../shared/corpus, or set PF_CORPUS)"
	elif [ ! -x "$pfc" ]; then
		fail "$label/corpus: $pfc not built"
	else
		corpus=$(cd "$corpus" && pwd)
		corpus_walk corpus_check
	fi
	group_end
}

# corpus_update_one: the update-corpus-expected.sh callback; rewrites our
# expected output of each excepted reference that matches one of the
# patterns in $update_only (all when empty).
corpus_update_one() {
	[ -z "$c_inline" ] || return 0
	corpus_excepted "$c_key" || return 0
	if [ -n "$update_only" ]; then
		cu_match=
		set -f
		for cu_pat in $update_only; do
			# shellcheck disable=SC2254
			case $c_key in
			$cu_pat) cu_match=1 ;;
			esac
		done
		set +f
		[ -n "$cu_match" ] || return 0
	fi
	if [ -n "$c_error" ]; then
		fail "$c_name: $c_error"
		return
	fi
	corpus_run
	if [ "$c_status" -ne 0 ]; then
		fail "$c_name: $c_cmd: $(status_text "$c_status")" "$tmp/err"
		return
	fi
	cu_old=$corpus_expdir/$c_key
	[ -f "$cu_old" ] || cu_old=$cu_old.gz
	if [ ! -f "$cu_old" ]; then
		cu_state=new
	elif zcat -f "$cu_old" | cmp -s - "$tmp/got"; then
		cu_state=unchanged
	else
		cu_state=changed
	fi
	mkdir -p "$corpus_expdir"
	rm -f "$corpus_expdir/$c_key" "$corpus_expdir/$c_key.gz"
	cu_out=$corpus_expdir/$c_key
	if [ "$(wc -c < "$tmp/got")" -gt "$corpus_gzip_above" ]; then
		cu_out=$cu_out.gz
		gzip -9 -n -c "$tmp/got" > "$cu_out"
	else
		cp "$tmp/got" "$cu_out"
	fi
	printf '%-9s tests/corpus-expected/%s (%s lines)\n' "$cu_state" \
	    "${cu_out##*/}" "$(wc -l < "$tmp/got" | tr -d ' ')"
	if [ -s "$tmp/err" ]; then
		head -n 3 "$tmp/err" | sed 's/^/          /'
	fi
	pass
}

# ------------------------------------------------------------------------
# Derived checks.  Where pf differs from a reference on purpose, the stored
# expectation alone would only say "pf still does what it did"; these checks
# tie each difference to its cause with an independent computation:
#  - cut: pf's output, with the reference's C++ name cut re-applied
#    (tests/cut-like-reference.pl), is the reference byte for byte;
#  - same: two inputs recorded from one perf.data in different formats fold
#    to the same bytes (or to a reference made from the other format);
#  - sub: the reference is pf's output with one documented substitution.

# derived_fold ARGS... INPUT: pf-collapse into $tmp/d.out; 0 on success.
derived_fold() {
	eval "dfl_in=\${$#}"
	corpus_input "$dfl_in" || return 1
	dfl_n=$#
	dfl_args=
	while [ "$dfl_n" -gt 1 ]; do
		dfl_args="$dfl_args $1"
		shift
		dfl_n=$((dfl_n - 1))
	done
	# shellcheck disable=SC2086
	with_timeout "$pfc" $dfl_args "$c_in" > "$tmp/d.out" 2> "$tmp/d.err" < /dev/null
}

# derived_compare WHAT EXPECTED GOT
derived_compare() {
	: > "$tmp/detail"
	if differ "$2" "$3" "$1" "$tmp/detail"; then
		fail "$label/corpus-derived: $1" "$tmp/detail"
	else
		pass
	fi
}

# derived_cut REF: REF's command, then the reference's C++ cut, gives REF.
derived_cut() {
	dc_key=${1##*/}
	dc_key=${dc_key%.gz}
	dc_x=${dc_key%.folded}
	dc_base=${dc_x%%.txt*}.txt
	dc_how=${dc_x#"$dc_base"}
	dc_how=${dc_how#.}
	case $dc_how in
	"") dc_args= ;;
	event-filter-*) dc_args=--event-filter=${dc_how#event-filter-} ;;
	*) dc_args=--$dc_how ;;
	esac
	dc_src=$corpus/perf/$dc_base
	[ -f "$dc_src" ] || dc_src=$dc_src.gz
	# shellcheck disable=SC2086
	if ! derived_fold $dc_args "$dc_src"; then
		fail "$label/corpus-derived: pf-collapse $dc_args $dc_base failed" "$tmp/d.err"
		return
	fi
	perl "$root/tests/cut-like-reference.pl" < "$tmp/d.out" > "$tmp/d.cut"
	zcat -f "$1" > "$tmp/d.ref"
	derived_compare "perf/$dc_key: pf-collapse $dc_args $dc_base, cut at '(' like the reference, is the reference" \
	    "$tmp/d.ref" "$tmp/d.cut"
}

group_corpus_derived() {
	group_begin "$label: corpus-derived"
	pfc=$build/pf-collapse
	if [ ! -d "$corpus" ] || [ ! -x "$pfc" ]; then
		fail "$label/corpus-derived: corpus or $pfc missing"
		group_end
		return
	fi
	corpus=$(cd "$corpus" && pwd)
	p=$corpus/perf

	# C++ names: every reference of a C++ program except the special
	# formats, which have checks of their own below.
	for dr in "$p"/cxx-templ-fp.*.folded* "$p"/node-fibsort-perfmap.*.folded* \
	    "$p"/node18-fibsort-perfmap.*.folded* "$p"/multi-cpuclock-pagefaults-node.*.folded*; do
		case $dr in
		*comm-tid-ip-sym* | *.inline.folded*) continue ;;
		esac
		derived_cut "$dr"
	done

	# perf script -F comm,tid,ip,sym (no dso, no period, no time) folds
	# like -F comm,pid,tid,time,event,ip,sym,dso of the same recording.
	for dx in c-deeprec-fp cxx-templ-fp node-fibsort-perfmap; do
		if derived_fold "$p/$dx.fields-comm-pid-tid-time-event-ip-sym-dso.txt.gz"; then
			mv "$tmp/d.out" "$tmp/d.full"
			derived_fold "$p/$dx.fields-comm-tid-ip-sym.txt.gz"
			derived_compare "$dx: -F comm,tid,ip,sym folds like -F comm,pid,tid,time,event,ip,sym,dso" \
			    "$tmp/d.full" "$tmp/d.out"
		else
			fail "$label/corpus-derived: $dx full-field fold failed" "$tmp/d.err"
		fi
	done

	# -F +srcline text without --srcline folds like the plain text of
	# the same recording; with --srcline, dropping the ":file:LINE" parts
	# gives that again.
	zcat -f "$p/c-deeprec-dwarf.txt.folded" > "$tmp/d.ref"
	derived_fold "$p/c-deeprec-dwarf.srcline.txt.gz"
	derived_compare "c-deeprec-dwarf.srcline.txt folds like c-deeprec-dwarf.txt (the reference)" \
	    "$tmp/d.ref" "$tmp/d.out"
	derived_fold --srcline "$p/c-deeprec-dwarf.srcline.txt.gz"
	if grep -q ':deeprec\.c:[0-9]' "$tmp/d.out"; then
		perl -ne 'chomp; /^(.*) (\d+)$/ or die; my ($s, $c) = ($1, $2);
		    $s =~ s/:[^:;]+:\d+(?=;|$)//g; $t{$s} += $c;
		    END { print "$_ $t{$_}\n" for sort keys %t }' \
		    < "$tmp/d.out" > "$tmp/d.strip"
		derived_compare "--srcline c-deeprec-dwarf.srcline.txt without its :file:LINE parts is c-deeprec-dwarf.txt.folded" \
		    "$tmp/d.ref" "$tmp/d.strip"
	else
		fail "$label/corpus-derived: --srcline output has no func:deeprec.c:LINE frames"
	fi

	# perf record without -g: one frame per sample, on the header line;
	# 1996 samples of period 1001001, each a stack of comm and one frame.
	derived_fold "$p/c-deeprec-nocallgraph.txt"
	perl -ne '/^deeprec;[^;]+ (\d+)$/ or die "bad: $_"; $t += $1;
	    END { print "$t\n" }' < "$tmp/d.out" > "$tmp/d.sum" 2> "$tmp/d.err" || true
	echo 1997997996 > "$tmp/d.ref"
	derived_compare "c-deeprec-nocallgraph.txt: two-frame stacks summing to 1996 x 1001001" \
	    "$tmp/d.ref" "$tmp/d.sum"

	# Thread names: the reference reads "worker 1 19265" as comm "worker"
	# and "trailing  19270" as "trailing"; renaming pf's two root frames
	# back gives the reference.
	derived_fold "$p/mt-threadnames-fp.txt.gz"
	sed -e 's/^worker_1;/worker;/' -e 's/^trailing_;/trailing;/' "$tmp/d.out" |
	    perl -e 'while (<>) { /^(.*) (\d+)$/; $t{$1} += $2 }
	        print "$_ $t{$_}\n" for sort keys %t' > "$tmp/d.sub"
	zcat -f "$p/mt-threadnames-fp.txt.folded" > "$tmp/d.ref"
	derived_compare "mt-threadnames-fp.txt: pf with worker_1/trailing_ renamed as the reference reads them is the reference" \
	    "$tmp/d.ref" "$tmp/d.sub"

	# -j: the largest recordings are cut into parts at sample boundaries;
	# the output must not depend on the number of parts.
	for dj in "node18-fibsort-perfmap.txt.gz --tid" \
	    "c-deeprec-dwarf.srcline.txt.gz --srcline" "node-fibsort-perfmap.txt.gz --all"; do
		set -- $dj
		derived_fold -j1 "$2" "$p/$1"
		mv "$tmp/d.out" "$tmp/d.j1"
		for dn in 2 3 7; do
			derived_fold "-j$dn" "$2" "$p/$1"
			derived_compare "pf-collapse -j$dn $2 $1 is the same as -j1" "$tmp/d.j1" "$tmp/d.out"
		done
	done

	fg=$corpus/flamegraph-tests/test
	# Rust: the references with their legacy-mangled names demangled by
	# an independent script are pf's output.
	for df in $corpus_flags; do
		derived_fold "--$df" "$fg/perf-rust-Yamakaky-dcpu.txt"
		perl "$root/tests/rust-demangle.pl" \
		    < "$fg/results-head/perf-rust-Yamakaky-dcpu-collapsed-$df.txt" > "$tmp/d.ref"
		derived_compare "perf-rust-Yamakaky-dcpu --$df: the reference with its Rust names demangled" \
		    "$tmp/d.ref" "$tmp/d.out"
	done

	# An empty symbol: the reference's frame " " is pf's [libc-2.15.so].
	for df in $corpus_flags; do
		derived_fold "--$df" "$fg/perf-vertx-stacks-01.txt"
		sed 's/;\[libc-2\.15\.so\( <[0-9a-f]*>\)\{0,1\}\]/; /g' "$tmp/d.out" |
		    perl -e 'while (<>) { /^(.*) (\d+)$/; $t{$1} += $2 }
		        print "$_ $t{$_}\n" for sort keys %t' > "$tmp/d.sub"
		cp "$fg/results-head/perf-vertx-stacks-01-collapsed-$df.txt" "$tmp/d.ref"
		derived_compare "perf-vertx-stacks-01 --$df: pf with [libc-2.15.so] written as the reference's ' ' is the reference" \
		    "$tmp/d.ref" "$tmp/d.sub"
	done
	group_end
}
