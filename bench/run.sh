#!/bin/bash
# bench/run.sh - pf benchmarks (see bench/README.md).
#
# Usage: sh bench/run.sh [BUILD [BASELINE]]   (what `make bench` runs;
#        bash bench/run.sh [BUILD [BASELINE]]    BUILD=build)
#
# BASELINE is the build directory of another commit (say the one before a
# change): each section then also runs BASELINE's program beside BUILD's,
# interleaved with it, and reports the speed-up and the peak RSS of BUILD
# against BASELINE, and whether their outputs are byte-identical.
#
# Environment:
#   BENCH_MB     size of the generated perf script input, in MiB (default 500)
#   BENCH_RUNS   measured runs per command, after one warm-up run (default 5)
#   PF_COLLAPSE  program to run instead of BUILD/pf-collapse (for testing)
#   PF_SVG       program to run instead of BUILD/pf-svg
#   PF_HTML      program to run instead of BUILD/pf-html
#   BENCH_ONLY   run only these sections, e.g. "section_svg"
#   CPUPROF_MB   size of the generated .cpuprofile, in MiB (default 300)
#   TRACE_MB     size of the generated Chrome trace, in MiB (default 300)
#   CALLGRAPH_MB size of the generated callgrind and pstats inputs, in MiB
#   CALLTREE_MB  size of the generated Instruments, VTune, VS reports, in MiB
#                (default 40)
#   SPEEDSCOPE_MB  size of each generated speedscope file, in MiB (default 300)
#   TEXTTREE_MB  size of the generated GHC .prof and macOS sample reports,
#                in MiB (default 40)
#   BENCH_BASE   a git revision whose pf-collapse is measured beside this
#                one on the .cpuprofile (built once in bench/data/base-REV)
#   BENCH_SECTIONS  the sections to run (default: all), e.g.
#                   "section_collapse_cpuprofile"
#
# Exit status: 0 when every benchmark ran (whether or not targets are met),
# 1 when a command failed or could not be run.
#
# Every section runs its commands interleaved round-robin (run 1 of every
# command, then run 2 of every command, ...) so that drift of the machine
# (other jobs, thermal, page cache) hits all of them alike, and reports the
# median wall time, the throughput, the time relative to the section's first
# command (the baseline) and the median peak RSS.
#
# To add a benchmark: write a section_* function that prepares its input and
# calls bench_cmds (and target_* for the issue's targets), then list it in
# SECTIONS at the bottom.

# `sh bench/run.sh` starts dash (or another POSIX sh): run again under bash.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

set -euo pipefail
export LC_ALL=C

SELF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELF_DIR/.." && pwd)
CORPUS=$ROOT/../shared/corpus
DATA=$SELF_DIR/data

BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
BASE=${2:-}
if [ -n "$BASE" ]; then
	case $BASE in /*) ;; *) BASE=$PWD/$BASE ;; esac
fi

BENCH_MB=${BENCH_MB:-500}
BENCH_RUNS=${BENCH_RUNS:-5}

die() { echo "bench: $*" >&2; exit 1; }

if ! [[ $BENCH_MB =~ ^[0-9]+$ ]] || [ "$BENCH_MB" -eq 0 ]; then
	die "BENCH_MB must be a positive integer (MiB), got '$BENCH_MB'"
fi
if ! [[ $BENCH_RUNS =~ ^[0-9]+$ ]] || [ "$BENCH_RUNS" -eq 0 ]; then
	die "BENCH_RUNS must be a positive integer, got '$BENCH_RUNS'"
fi
[ -d "$BUILD" ] || die "build directory '$BUILD' not found (run make first)"
if [ -n "$BASE" ] && ! [ -d "$BASE" ]; then
	die "baseline build directory '$BASE' not found"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pf-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$DATA"
RAW=$DATA/last-run.tsv          # every measured run, for a closer look
printf 'section\tcommand\trun\twall_s\tpeak_rss_kib\n' >"$RAW"

# ---------------------------------------------------------------- tools

# Peak RSS comes from GNU time (%M, KiB).  Without it the wall times are
# still measured, the RSS column reads n/a.
TIME_BIN=/usr/bin/time
if ! [ -x "$TIME_BIN" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "bench: /usr/bin/time missing; installing package 'time'" >&2
		apt-get install -y -q time >/dev/null 2>&1 ||
			{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q time >/dev/null 2>&1; } ||
			true
	fi
	if ! [ -x "$TIME_BIN" ]; then
		cat >&2 <<-EOF
		bench: /usr/bin/time (GNU time) is not installed, so peak RSS cannot be
		bench: measured; install it as root with:  apt-get install time
		bench: (continuing with wall times only)
		EOF
		TIME_BIN=
	fi
fi
if [ -n "$TIME_BIN" ] && ! "$TIME_BIN" -f '%e %M' -o /dev/null true 2>/dev/null; then
	echo "bench: $TIME_BIN is not GNU time (no -f/-o); peak RSS not measured" >&2
	TIME_BIN=
fi

# Wall clock in microseconds, without forking when bash has EPOCHREALTIME.
if [ -n "${EPOCHREALTIME:-}" ]; then
	now_us() { NOW=${EPOCHREALTIME/[.,]/}; NOW=$((10#$NOW)); }
else
	now_us() { NOW=$(date +%s%6N); }
fi

# median / min / max of a whitespace-separated list of numbers ($1 is
# split on purpose)
# shellcheck disable=SC2086
median() {
	printf '%s\n' $1 | sort -g | awk '{ a[NR] = $1 }
		END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# shellcheck disable=SC2086
minof() { printf '%s\n' $1 | sort -g | head -n 1; }
# shellcheck disable=SC2086
maxof() { printf '%s\n' $1 | sort -g | tail -n 1; }
calc() { awk "BEGIN { printf \"$1\", ($2) }"; }       # calc FORMAT EXPR

# ---------------------------------------------------------------- running

# run_cmd OUT ERR CMD...: one run; sets R_US (wall, microseconds) and
# R_KIB (peak RSS, KiB, or "").  A failing command ends the benchmark.
run_cmd() {
	local out=$1 err=$2 st=0 t0
	shift 2
	if [ -n "$TIME_BIN" ]; then
		now_us; t0=$NOW
		"$TIME_BIN" -f '%e %M' -o "$TMP/time" "$@" >"$out" 2>"$err" || st=$?
		now_us
	else
		now_us; t0=$NOW
		"$@" >"$out" 2>"$err" || st=$?
		now_us
	fi
	R_US=$((NOW - t0))
	if [ "$st" -ne 0 ]; then
		echo "bench: command failed (exit $st): $*" >&2
		sed 's/^/bench:   /' "$err" | head -n 20 >&2
		exit 1
	fi
	R_KIB=
	if [ -n "$TIME_BIN" ]; then
		read -r _ R_KIB <"$TMP/time" || true
	fi
}

# Results, by "SECTION|LABEL": median seconds, median peak RSS (KiB or
# empty), input bytes.  Filled by bench_cmds, read by the target_* helpers.
declare -A MED_S RSS_KIB IN_BYTES

# bench_cmds NAME INPUT LABEL CMD [LABEL CMD]...
#
# Benchmark commands on one input file.  Each CMD is a string of shell words
# (evaluated when run, so quote it with single quotes); $IN is the input file,
# $BUILD the (absolute) build directory.  stdout goes to /dev/null.  The first command is
# the baseline of the "x base" column.  Prints the section's table.
bench_cmds() {
	local name=$1 input=$2
	shift 2
	(( $# >= 2 && $# % 2 == 0 )) || die "bench_cmds $name: needs LABEL CMD pairs"
	[ -f "$input" ] || die "bench_cmds $name: no input file $input"

	local -a labels=() cmds=() walls=() rsss=()
	while (( $# )); do
		labels+=("$1"); cmds+=("$2"); walls+=(""); rsss+=("")
		shift 2
	done
	local n=${#labels[@]} i r
	local bytes
	bytes=$(stat -c %s "$input")
	# shellcheck disable=SC2034  # used by the CMD strings
	IN=$input

	echo
	echo "== $name"
	echo "   input: ${input#"$ROOT"/}, $(calc '%.1f' "$bytes / 1e6") MB ($bytes bytes)"
	echo "   $BENCH_RUNS runs per command after 1 warm-up, interleaved round-robin"

	# warm-up: also fills the page cache; its output is kept (for
	# same_output) and its stderr shown once, so warnings are not lost
	local -a argv
	for ((i = 0; i < n; i++)); do
		eval "argv=(${cmds[i]})"
		run_cmd "$TMP/out.$i" "$TMP/err.$i" "${argv[@]}"
		if [ -s "$TMP/err.$i" ]; then
			echo "   note: stderr of '${labels[i]}':"
			head -n 5 "$TMP/err.$i" | sed 's/^/   |  /'
		fi
	done
	SECTION_LABELS=("${labels[@]}")

	for ((r = 1; r <= BENCH_RUNS; r++)); do
		for ((i = 0; i < n; i++)); do
			eval "argv=(${cmds[i]})"
			run_cmd /dev/null "$TMP/err" "${argv[@]}"
			walls[i]+="$(calc '%.6f' "$R_US / 1e6") "
			rsss[i]+="${R_KIB:-} "
			printf '%s\t%s\t%d\t%s\t%s\n' "$name" "${labels[i]}" "$r" \
				"$(calc '%.6f' "$R_US / 1e6")" "${R_KIB:-}" >>"$RAW"
		done
		if [ -t 2 ]; then printf '   run %d/%d done\r' "$r" "$BENCH_RUNS" >&2; fi
	done
	if [ -t 2 ]; then printf '%-24s\r' '' >&2; fi

	local w=7
	for ((i = 0; i < n; i++)); do
		if (( ${#labels[i]} > w )); then w=${#labels[i]}; fi
	done
	local base med mn mx mbs ratio rss key
	base=$(median "${walls[0]}")
	echo
	printf "   %-${w}s  %9s  %17s  %9s  %9s  %11s\n" \
		command "median s" "min - max s" "MB/s" "x base" "peak RSS MB"
	printf "   %-${w}s  %9s  %17s  %9s  %9s  %11s\n" \
		"$(printf '%*s' "$w" '' | tr ' ' -)" --------- ----------------- \
		--------- --------- -----------
	for ((i = 0; i < n; i++)); do
		med=$(median "${walls[i]}")
		mn=$(minof "${walls[i]}")
		mx=$(maxof "${walls[i]}")
		mbs=$(calc '%.1f' "$med > 0 ? $bytes / 1e6 / $med : 0")
		ratio=$(calc '%.2f' "$base > 0 ? $med / $base : 0")
		rss=
		if [ -n "${rsss[i]// /}" ]; then rss=$(median "${rsss[i]}"); fi
		key="$name|${labels[i]}"
		MED_S[$key]=$med
		RSS_KIB[$key]=$rss
		IN_BYTES[$key]=$bytes
		printf "   %-${w}s  %9.3f  %17s  %9s  %8sx  %11s\n" \
			"${labels[i]}" "$med" "$(printf '%.3f - %.3f' "$mn" "$mx")" \
			"$mbs" "$ratio" \
			"$([ -n "$rss" ] && calc '%.1f' "$rss * 1024 / 1e6" || echo n/a)"
	done
	echo "   (x base = median time / median time of '${labels[0]}')"
}

# same_output I J: the warm-up outputs of commands I and J (0 = first) of
# the section just run must be byte-identical (a fast wrong answer is no
# result).  Call right after bench_cmds.
same_output() {
	local a=$1 b=$2
	if cmp -s "$TMP/out.$a" "$TMP/out.$b"; then
		echo "   output of '${SECTION_LABELS[a]}' = output of '${SECTION_LABELS[b]}' (byte-identical)"
	else
		die "output of '${SECTION_LABELS[a]}' differs from output of '${SECTION_LABELS[b]}'"
	fi
}

BASELINE_LINES=()
declare -A BASE_SPEEDUP BASE_RSS_OK

# target_vs_baseline LABEL MIN: LABEL at least MIN times as fast as the
# baseline's, with no more peak RSS.
target_vs_baseline() {
	local l=$1 x=${BASE_SPEEDUP[$1]:-} ok
	[ -n "$x" ] || return 0
	ok=$(awk -v x="$x" -v t="$2" 'BEGIN { print (x >= t) ? "yes" : "no" }')
	target_note "$l >= ${2}x the baseline's speed" "$ok" "$(printf '%.2fx' "$x")"
	case ${BASE_RSS_OK[$l]:-} in
	1) target_note "$l peak RSS <= the baseline's" yes "" ;;
	0) target_note "$l peak RSS <= the baseline's" no "" ;;
	esac
}

# vs_baseline SECTION LABEL I J: after bench_cmds, when there is a
# BASELINE: commands I (BUILD's) and J (BASELINE's) compared, for the
# summary at the end.
vs_baseline() {
	[ -n "$BASE" ] || return 0
	local s=$1 l=$2 a b ra rb same
	a=${MED_S[$s|$l]} b=${MED_S[$s|$l (baseline)]}
	ra=${RSS_KIB[$s|$l]:-} rb=${RSS_KIB[$s|$l (baseline)]:-}
	if cmp -s "$TMP/out.$3" "$TMP/out.$4"; then same="same output"; else same="OUTPUT DIFFERS"; fi
	BASE_SPEEDUP[$l]=$(calc '%.4f' "$a > 0 ? $b / $a : 0")
	BASE_RSS_OK[$l]=$([ -n "$ra" ] && [ -n "$rb" ] && echo $((ra <= rb ? 1 : 0)) || echo "")
	BASELINE_LINES+=("$(printf '   %-34s %6.2fx   %8s -> %-8s %s' "$l" \
		"$(calc '%.4f' "$a > 0 ? $b / $a : 0")" \
		"$([ -n "$rb" ] && calc '%.1f' "$rb * 1024 / 1e6" || echo n/a)" \
		"$([ -n "$ra" ] && calc '%.1f MB' "$ra * 1024 / 1e6" || echo n/a)" "$same")")
}

# ---------------------------------------------------------------- targets

TARGETS_MET=0
TARGETS_MISSED=0
TARGET_LINES=()

# target_note DESCRIPTION MET(yes/no/unknown) MEASURED
target_note() {
	local verdict
	case $2 in
	yes) verdict="met"; TARGETS_MET=$((TARGETS_MET + 1)) ;;
	no) verdict="NOT MET"; TARGETS_MISSED=$((TARGETS_MISSED + 1)) ;;
	*) verdict="not measured" ;;
	esac
	TARGET_LINES+=("$(printf '   %-44s %-24s %s' "$1" "$3" "$verdict")")
}

# target_gbps DESCRIPTION KEY MIN_GBPS: throughput of KEY >= MIN_GBPS
target_gbps() {
	local key=$2 gbps ok
	gbps=$(calc '%.3f' "${IN_BYTES[$key]} / 1e9 / ${MED_S[$key]}")
	ok=$(awk -v g="$gbps" -v t="$3" 'BEGIN { print (g >= t) ? "yes" : "no" }')
	target_note "$1" "$ok" "$gbps GB/s"
}

# target_rss DESCRIPTION MAX_MB KEY...: median peak RSS of every KEY < MAX_MB
target_rss() {
	local desc=$1 lim=$2 key worst=0 kib
	shift 2
	for key in "$@"; do
		kib=${RSS_KIB[$key]:-}
		if [ -z "$kib" ]; then
			target_note "$desc" unknown "n/a"
			return
		fi
		if (( kib > worst )); then worst=$kib; fi
	done
	local mb ok
	mb=$(calc '%.1f' "$worst * 1024 / 1e6")
	ok=$(awk -v m="$worst" -v t="$lim" 'BEGIN { print (m * 1024 < t * 1e6) ? "yes" : "no" }')
	target_note "$desc" "$ok" "$mb MB (worst median)"
}

# ---------------------------------------------------------------- sections

NPROC=$(nproc)

# big_perf_input: prints the path of the generated `perf script` input of
# BENCH_MB MiB, making it first if needed.
big_perf_input() {
	local big=$DATA/big-$BENCH_MB.perf.txt
	if ! [ -s "$big" ]; then
		local gen=$CORPUS/make-big-perf.sh
		[ -f "$gen" ] || die "corpus generator $gen not found (../shared/corpus beside the repo)"
		echo "bench: generating ${big#"$ROOT"/} ($BENCH_MB MiB), once" >&2
		bash "$gen" "$BENCH_MB" "$big.tmp" >&2 || { rm -f "$big.tmp"; die "make-big-perf.sh failed"; }
		mv "$big.tmp" "$big"
	fi
	echo "$big"
}

# pf-collapse on a large `perf script` text, against `wc -l` (a lower bound
# for anything that reads every line).
section_collapse_perf() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	[ -x "$pfc" ] || die "$pfc not built (run make)"
	# shellcheck disable=SC2034  # used by the CMD strings
	PFC=$pfc
	local big
	big=$(big_perf_input)

	# (CMD strings are single-quoted: bench_cmds expands $PFC and $IN)
	local -a extra=()
	# the issue's 2-thread target needs a 2-thread run: the default already
	# is one on a 2-CPU machine
	local two="pf-collapse (default, nproc=$NPROC)"
	if [ "$NPROC" -ne 2 ]; then
		# shellcheck disable=SC2016
		extra=("pf-collapse -j 2" '"$PFC" -j 2 "$IN"')
		two="pf-collapse -j 2"
	fi

	local -a base=()
	# shellcheck disable=SC2016
	[ -z "$BASE" ] || base=("pf-collapse -j 1 (baseline)" '"$BASE/pf-collapse" -j 1 "$IN"')
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, perf script" "$big" \
		"wc -l" 'wc -l "$IN"' \
		"pf-collapse -j 1" '"$PFC" -j 1 "$IN"' \
		"pf-collapse (default, nproc=$NPROC)" '"$PFC" "$IN"' \
		"${extra[@]}" "${base[@]}"
	[ -z "$BASE" ] || vs_baseline "pf-collapse, perf script" "pf-collapse -j 1" 1 \
		$((${#SECTION_LABELS[@]} - 1))

	same_output 1 2
	if [ "$NPROC" -ne 2 ]; then same_output 1 3; fi

	local s="pf-collapse, perf script"
	target_gbps "single-threaded (-j 1) >= 1.0 GB/s" "$s|pf-collapse -j 1" 1.0
	target_gbps "2 threads >= 1.6 GB/s" "$s|$two" 1.6
	local -a rkeys=("$s|pf-collapse -j 1" "$s|pf-collapse (default, nproc=$NPROC)")
	if [ "$NPROC" -ne 2 ]; then rkeys+=("$s|pf-collapse -j 2"); fi
	target_rss "peak RSS < 64 MB (every pf-collapse run)" 64 "${rkeys[@]}"
}

# pf-merge on 16 folded files of tens of MB: the big perf input collapsed
# once with --tid (many distinct stacks), then relabelled per file so the
# files share most stacks but not all, as per-host profiles do.  Against
# `cat` (reading the bytes) and `sort | awk` (a merge by text tools).
section_merge() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse} pfm=$BUILD/pf-merge
	[ -x "$pfm" ] || die "$pfm not built (run make)"
	local big=$DATA/big-$BENCH_MB.perf.txt
	[ -s "$big" ] || die "$big missing (section_collapse_perf makes it)"
	local base=$DATA/merge-$BENCH_MB.tid.folded dir=$DATA/merge-$BENCH_MB
	if ! [ -s "$dir/15.folded" ]; then
		echo "bench: generating 16 folded files in ${dir#"$ROOT"/}, once"
		"$pfc" --tid "$big" >"$base.tmp" || die "pf-collapse --tid failed"
		mkdir -p "$dir"
		local i rep
		for ((i = 0; i < 16; i++)); do
			# relabel the thread ids, repeat to reach tens of MB
			: >"$dir/$i.folded.tmp"
			for ((rep = 0; rep < 4; rep++)); do
				sed "s|^\([^;]*\)/\([0-9]*\);|\1/\2$((i % 4))$rep;|" "$base.tmp" \
					>>"$dir/$i.folded.tmp"
			done
			mv "$dir/$i.folded.tmp" "$dir/$i.folded"
		done
		rm -f "$base.tmp"
	fi
	cat "$dir"/*.folded >"$TMP/merge-all.folded"
	# shellcheck disable=SC2034  # used by the CMD strings
	PFM=$pfm MDIR=$dir
	local -a base=()
	# shellcheck disable=SC2016
	[ -z "$BASE" ] || base=("pf-merge (one concatenated file) (baseline)" '"$BASE/pf-merge" "$IN"')
	# shellcheck disable=SC2016
	bench_cmds "pf-merge, 16 folded files" "$TMP/merge-all.folded" \
		"cat" 'cat "$IN"' \
		"pf-merge -j 1 (16 files)" '"$PFM" -j 1 "$MDIR"/0.folded "$MDIR"/1.folded "$MDIR"/2.folded "$MDIR"/3.folded "$MDIR"/4.folded "$MDIR"/5.folded "$MDIR"/6.folded "$MDIR"/7.folded "$MDIR"/8.folded "$MDIR"/9.folded "$MDIR"/10.folded "$MDIR"/11.folded "$MDIR"/12.folded "$MDIR"/13.folded "$MDIR"/14.folded "$MDIR"/15.folded' \
		"pf-merge (16 files, default -j)" '"$PFM" "$MDIR"/0.folded "$MDIR"/1.folded "$MDIR"/2.folded "$MDIR"/3.folded "$MDIR"/4.folded "$MDIR"/5.folded "$MDIR"/6.folded "$MDIR"/7.folded "$MDIR"/8.folded "$MDIR"/9.folded "$MDIR"/10.folded "$MDIR"/11.folded "$MDIR"/12.folded "$MDIR"/13.folded "$MDIR"/14.folded "$MDIR"/15.folded' \
		"pf-merge (one concatenated file)" '"$PFM" "$IN"' \
		"${base[@]}"
	same_output 1 2
	same_output 1 3
	[ -z "$BASE" ] || vs_baseline "pf-merge, 16 folded files" "pf-merge (one concatenated file)" 3 4
	local s="pf-merge, 16 folded files"
	target_gbps "pf-merge >= 1.0 GB/s of folded input" "$s|pf-merge (16 files, default -j)" 1.0
}

# pf-svg on a large folded input: the benchmark recording folded with --tid
# (one root per thread), then 20 copies of it with their roots relabelled
# (r01-..., r20-...), so hundreds of thousands of distinct stacks, sorted as
# pf-collapse writes them.  Against `cat`, the cost of reading the input.
section_svg() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	# shellcheck disable=SC2034  # used by the CMD strings
	PFSVG=${PF_SVG:-$BUILD/pf-svg}
	[ -x "$pfc" ] || die "$pfc not built (run make)"
	[ -x "$PFSVG" ] || die "$PFSVG not built (run make)"
	local big folded=$DATA/big-$BENCH_MB.tid-x20.folded
	big=$(big_perf_input)
	if ! [ -s "$folded" ] || [ "$folded" -ot "$big" ]; then
		echo "bench: making ${folded#"$ROOT"/} (20 relabelled copies), once"
		"$pfc" --tid "$big" >"$TMP/tid.folded" || die "pf-collapse --tid failed"
		local i
		for i in $(seq -w 1 20); do
			sed "s/^/r$i-/" "$TMP/tid.folded"
		done >"$folded.tmp"
		mv "$folded.tmp" "$folded"
		rm -f "$TMP/tid.folded"
	fi
	echo
	echo "   $(wc -l <"$folded") distinct stacks"

	local -a base=()
	# shellcheck disable=SC2016
	[ -z "$BASE" ] || base=("pf-svg (baseline)" '"$BASE/pf-svg" "$IN"')
	# shellcheck disable=SC2016
	bench_cmds "pf-svg, folded stacks" "$folded" \
		"cat" 'cat "$IN"' \
		"pf-svg" '"$PFSVG" "$IN"' \
		"${base[@]}"
	[ -z "$BASE" ] || vs_baseline "pf-svg, folded stacks" "pf-svg" 1 2
	target_vs_baseline pf-svg 1.3

	local s="pf-svg, folded stacks"
	target_gbps "pf-svg >= 1.0 GB/s of folded input" "$s|pf-svg" 1.0
}

# pf-collapse on a large .cpuprofile, against `wc -l`: the samples and
# time deltas of a real profile of the corpus repeated until the file is
# about CPUPROF_MB MiB, with its call tree as it is, so that the nodes are
# few and the samples many (memory must follow the nodes, not the file).
# The counts of the result are those of the original times the number of
# copies, which is checked.  With BENCH_BASE=REV, the pf-collapse of that
# git revision is built once (in bench/data/base-REV) and measured too.
CPUPROF_MB=${CPUPROF_MB:-300}
CALLGRAPH_MB=${CALLGRAPH_MB:-40}
TEXTTREE_MB=${TEXTTREE_MB:-40}
CALLTREE_MB=${CALLTREE_MB:-40}
section_collapse_cpuprofile() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	PFC=$pfc
	local src=$CORPUS/v8/cpuprofile/fibsort-workload.interval250us.cpuprofile.gz
	local big=$DATA/big-$CPUPROF_MB.cpuprofile
	[ -f "$src" ] || die "corpus file $src not found"
	if ! [ -s "$big" ] || ! [ -s "$big.copies" ]; then
		command -v perl >/dev/null || die "perl is needed to make $big"
		echo "bench: making ${big#"$ROOT"/} (samples of ${src##*/} repeated to $CPUPROF_MB MiB), once"
		zcat "$src" | perl -MJSON::PP -e '
			my ($mb, $copies) = @ARGV;
			local $/; my $p = decode_json(<STDIN>);
			my $s = join(",", @{$p->{samples}});
			my $d = join(",", @{$p->{timeDeltas}});
			my $sum = 0; $sum += $_ for @{$p->{timeDeltas}};
			my $k = int($mb * 1048576 / (length($s) + length($d) + 2)) || 1;
			print "{\"nodes\":", JSON::PP->new->canonical->encode($p->{nodes}),
			    ",\"startTime\":$p->{startTime},\"endTime\":",
			    $p->{startTime} + $k * $sum, ",\"samples\":[";
			print $_ > 1 ? "," : "", $s for 1 .. $k;
			print "],\"timeDeltas\":[";
			print $_ > 1 ? "," : "", $d for 1 .. $k;
			print "]}\n";
			open(my $f, ">", $copies) or die; print $f "$k ", scalar(@{$p->{samples}}), "\n";
		' "$CPUPROF_MB" "$big.copies" >"$big.tmp" || { rm -f "$big.tmp"; die "making $big failed"; }
		mv "$big.tmp" "$big"
	fi
	local -a base=()
	# shellcheck disable=SC2016
	[ -z "$BASE" ] || base=("pf-collapse (baseline)" '"$BASE/pf-collapse" "$IN"')
	if [ -n "${BENCH_BASE:-}" ]; then
		local bdir=$DATA/base-$BENCH_BASE
		if ! [ -x "$bdir/build/pf-collapse" ]; then
			echo "bench: building pf-collapse of $BENCH_BASE in ${bdir#"$ROOT"/}, once"
			rm -rf "$bdir" && mkdir -p "$bdir" &&
			    git -C "$ROOT" archive "$BENCH_BASE" | tar -x -C "$bdir" &&
			    make -C "$bdir" -j2 build/pf-collapse >/dev/null ||
			    die "cannot build pf-collapse of $BENCH_BASE"
		fi
		# shellcheck disable=SC2034  # used by the CMD strings
		PFCBASE=$bdir/build/pf-collapse
		# shellcheck disable=SC2016
		base+=("pf-collapse $BENCH_BASE" '"$PFCBASE" "$IN"'
		    "pf-collapse $BENCH_BASE --weight=time" '"$PFCBASE" --weight=time "$IN"')
	fi
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, V8 .cpuprofile" "$big" \
		"wc -l" 'wc -l "$IN"' \
		"pf-collapse" '"$PFC" "$IN"' \
		"pf-collapse --weight=time" '"$PFC" --weight=time "$IN"' \
		"${base[@]}"
	[ -z "$BASE" ] || vs_baseline "pf-collapse, V8 .cpuprofile" "pf-collapse" 1 3
	local k ns total
	read -r k ns <"$big.copies"
	total=$(awk '{ t += $NF } END { printf "%d", t }' "$TMP/out.1")
	[ "$total" = "$((k * ns))" ] ||
	    die "pf-collapse counts $total samples, want $k copies x $ns = $((k * ns))"
	echo "   pf-collapse counts $total samples = $k copies x $ns (checked)"
	# BENCH_BASE's two commands come after BASE's one
	if [ -n "${BENCH_BASE:-}" ]; then
		local o=3
		[ -z "$BASE" ] || o=4
		same_output 1 "$o"
		same_output 2 "$((o + 1))"
	fi
	local s="pf-collapse, V8 .cpuprofile"
	target_gbps "pf-collapse .cpuprofile >= 150 MB/s" "$s|pf-collapse" 0.15
	target_rss "pf-collapse .cpuprofile peak RSS < 64 MB" 64 \
	    "$s|pf-collapse" "$s|pf-collapse --weight=time"
}

# pf-collapse on a large Chrome trace as DevTools saves it (the object form,
# "metadata" first): the events of a real trace of the corpus (Chrome 85:
# tasks, layout, paint and the CPU profile's chunks) repeated until the file
# is about TRACE_MB MiB, with the profile's nodes only in the first copy, so
# that the nodes are few, the samples many and most bytes are events that
# are not samples, as in a real trace.  The counts of the result are the
# samples of the original times the number of copies, which is checked.
TRACE_MB=${TRACE_MB:-300}
section_collapse_chrome_trace() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	PFC=$pfc
	local src=$CORPUS/external/speedscope/source-maps/chrome-85-webpack.json
	local big=$DATA/big-$TRACE_MB.trace.json
	[ -f "$src" ] || die "corpus file $src not found"
	if ! [ -s "$big" ] || ! [ -s "$big.copies" ]; then
		command -v python3 >/dev/null || die "python3 is needed to make $big"
		echo "bench: making ${big#"$ROOT"/} (events of ${src##*/} repeated to $TRACE_MB MiB), once"
		python3 - "$src" "$TRACE_MB" "$big.copies" >"$big.tmp" <<'PY' ||
import json, sys
src, mb, copies = sys.argv[1], int(sys.argv[2]), sys.argv[3]
events = json.load(open(src))
meta = [e for e in events if e.get('ph') == 'M' or e.get('name') == 'Profile']
rest = [e for e in events if not (e.get('ph') == 'M' or e.get('name') == 'Profile')]
first = ',\n'.join(json.dumps(e, separators=(',', ':')) for e in rest)
for e in rest:
    cp = e.get('args', {}).get('data', {}).get('cpuProfile')
    if e.get('name') == 'ProfileChunk' and cp is not None:
        cp.pop('nodes', None)
again = ',\n'.join(json.dumps(e, separators=(',', ':')) for e in rest)
samples = sum(len(e['args']['data']['cpuProfile'].get('samples', []))
              for e in rest if e.get('name') == 'ProfileChunk')
k = max(1, mb * 1048576 // (len(again) + 2))
out = sys.stdout
out.write('{"metadata":{"source":"DevTools","dataOrigin":"TraceEvents"},\n"traceEvents":[\n')
out.write(',\n'.join(json.dumps(e, separators=(',', ':')) for e in meta))
out.write(',\n' + first)
for i in range(1, k):
    out.write(',\n' + again)
out.write(']}\n')
open(copies, 'w').write('%d %d\n' % (k, samples))
PY
		    { rm -f "$big.tmp"; die "making $big failed"; }
		mv "$big.tmp" "$big"
	fi
	local -a base=()
	# shellcheck disable=SC2016
	[ -z "$BASE" ] || base=("pf-collapse (baseline)" '"$BASE/pf-collapse" "$IN"')
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, Chrome trace" "$big" \
		"wc -l" 'wc -l "$IN"' \
		"pf-collapse" '"$PFC" "$IN"' \
		"pf-collapse --weight=time" '"$PFC" --weight=time "$IN"' \
		"${base[@]}"
	[ -z "$BASE" ] || vs_baseline "pf-collapse, Chrome trace" "pf-collapse" 1 3
	local k ns total
	read -r k ns <"$big.copies"
	total=$(awk '{ t += $NF } END { printf "%d", t }' "$TMP/out.1")
	[ "$total" = "$((k * ns))" ] ||
	    die "pf-collapse counts $total samples, want $k copies x $ns = $((k * ns))"
	echo "   pf-collapse counts $total samples = $k copies x $ns (checked)"
	local s="pf-collapse, Chrome trace"
	target_gbps "pf-collapse Chrome trace >= 150 MB/s" "$s|pf-collapse" 0.15
	target_rss "pf-collapse Chrome trace peak RSS < 64 MB" 64 \
	    "$s|pf-collapse" "$s|pf-collapse --weight=time"
}

# pf-collapse on large speedscope files: py-spy's shape (one sampled
# profile per thread, a sample per stack and tick, weights in seconds) and
# speedscope's export's (one evented profile, an open and a close event
# per frame that changes).  Both are made once from the stacks of a real
# perf recording of the corpus (its threads as profiles), repeated until
# each file is about SPEEDSCOPE_MB MiB: the frames and stacks are few, the
# samples and events many, so the peak RSS shows whether memory follows
# the stacks.  The totals are checked against the generator's.
SPEEDSCOPE_MB=${SPEEDSCOPE_MB:-300}
section_collapse_speedscope() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	PFC=$pfc
	local src=$CORPUS/perf/mt-threadnames-fp.txt.gz
	local sampled=$DATA/big-$SPEEDSCOPE_MB.sampled.speedscope.json
	local evented=$DATA/big-$SPEEDSCOPE_MB.evented.speedscope.json
	[ -f "$src" ] || die "corpus file $src not found"
	if ! [ -s "$sampled.total" ] || ! [ -s "$evented.total" ]; then
		command -v python3 >/dev/null || die "python3 is needed to make the speedscope files"
		echo "bench: making ${sampled#"$ROOT"/} and ${evented#"$ROOT"/} (the stacks of ${src##*/} repeated to $SPEEDSCOPE_MB MiB), once"
		"$pfc" --tid "$src" 2>/dev/null | python3 -c '
import sys
mb, sampled, evented = int(sys.argv[1]), sys.argv[2], sys.argv[3]
frames, index, threads = [], {}, {}
for line in sys.stdin:
    stack, count = line.rstrip("\n").rsplit(" ", 1)
    names = stack.split(";")
    ids = []
    for n in names[1:]:
        if n not in index:
            index[n] = len(frames)
            frames.append(n)
        ids.append(index[n])
    threads.setdefault(names[0], []).append((ids, int(count) // 1000000 or 1))
def esc(s):
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""
head = "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\"shared\":{\"frames\":[" + \
    ",".join("{\"name\":%s}" % esc(f) for f in frames) + "]},\"profiles\":["
# py-spy: per thread, one sample per tick of each stack.
one = {t: [(",".join(map(str, ids)), n) for ids, n in st] for t, st in threads.items()}
unit = sum(len(s) + 3 for st in one.values() for s, n in st for _ in range(n)) + \
    sum(6 * n for st in one.values() for s, n in st)
k = max(1, mb * 1048576 // unit)
ticks = 0
with open(sampled, "w") as f:
    f.write(head)
    for i, (t, st) in enumerate(one.items()):
        f.write("%s{\"type\":\"sampled\",\"name\":%s,\"unit\":\"seconds\",\"startValue\":0,\"endValue\":1,\"samples\":[" % ("," if i else "", esc(t)))
        block = ",".join("[" + s + "]" for s, n in st for _ in range(n))
        for c in range(k):
            f.write(("," if c else "") + block)
        f.write("],\"weights\":[")
        nt = sum(n for s, n in st)
        block = ",".join(["0.01"] * nt)
        for c in range(k):
            f.write(("," if c else "") + block)
        f.write("]}")
        ticks += k * nt
    f.write("]}\n")
open(sampled + ".total", "w").write("%d.%02d\n" % (ticks // 100, ticks % 100))
# speedscope export: the stacks one after the other, each lasting its
# ticks in microseconds, as open and close events.
seq = [ids for st in threads.values() for ids, n in st]
dur = [n for st in threads.values() for ids, n in st]
def events(t0, out):
    cur, t = [], t0
    for ids, d in zip(seq, dur):
        j = 0
        while j < len(cur) and j < len(ids) and cur[j] == ids[j]:
            j += 1
        for fr in reversed(cur[j:]):
            out.append("{\"type\":\"C\",\"frame\":%d,\"at\":%d}" % (fr, t))
        for fr in ids[j:]:
            out.append("{\"type\":\"O\",\"frame\":%d,\"at\":%d}" % (fr, t))
        cur = ids
        t += d
    for fr in reversed(cur):
        out.append("{\"type\":\"C\",\"frame\":%d,\"at\":%d}" % (fr, t))
    return t
probe = []
span = events(0, probe) 
k = max(1, mb * 1048576 // (len(",".join(probe)) + 1))
with open(evented, "w") as f:
    f.write(head + "{\"type\":\"evented\",\"name\":\"all\",\"unit\":\"microseconds\",\"startValue\":0,\"endValue\":%d,\"events\":[" % (k * span))
    for c in range(k):
        out = []
        events(c * span, out)
        f.write(("," if c else "") + ",".join(out))
    f.write("]}]}\n")
open(evented + ".total", "w").write("%d\n" % (k * span))
' "$SPEEDSCOPE_MB" "$sampled.tmp" "$evented.tmp" ||
		    { rm -f "$sampled.tmp"* "$evented.tmp"*; die "making the speedscope files failed"; }
		mv "$sampled.tmp" "$sampled" && mv "$sampled.tmp.total" "$sampled.total"
		mv "$evented.tmp" "$evented" && mv "$evented.tmp.total" "$evented.total"
	fi
	local f kind total want
	for kind in sampled evented; do
		f=$sampled
		[ "$kind" = sampled ] || f=$evented
		local -a base=()
		# shellcheck disable=SC2016
		[ -z "$BASE" ] || base=("pf-collapse (baseline)" '"$BASE/pf-collapse" "$IN"')
		# shellcheck disable=SC2016
		bench_cmds "pf-collapse, speedscope $kind" "$f" \
			"wc -l" 'wc -l "$IN"' \
			"pf-collapse" '"$PFC" "$IN"' \
			"${base[@]}"
		[ -z "$BASE" ] || vs_baseline "pf-collapse, speedscope $kind" "pf-collapse" 1 2
		total=$(awk '{ t += $NF } END { printf "%.2f", t }' "$TMP/out.1")
		want=$(awk '{ printf "%.2f", $1 }' "$f.total")
		[ "$total" = "$want" ] ||
		    die "pf-collapse of the $kind file counts $total, want $want"
		echo "   pf-collapse counts $total, the generator's total (checked)"
		target_gbps "pf-collapse speedscope $kind >= 150 MB/s" \
		    "pf-collapse, speedscope $kind|pf-collapse" 0.15
		target_rss "pf-collapse speedscope $kind peak RSS < 64 MB" 64 \
		    "pf-collapse, speedscope $kind|pf-collapse"
	done
}

# Firefox Profiler JSON: the real Gecko recording of tests/firefox (perf,
# 107 samples of pf-collapse) with its samples repeated to FIREFOX_MB MiB,
# and the same profile in the processed format (columns, samples before
# the tables; once with weights, the weight column after the stack column,
# whose stacks are then held as runs).
FIREFOX_MB=${FIREFOX_MB:-100}
section_collapse_firefox() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	PFC=$pfc
	local src=$ROOT/tests/firefox/pf-collapse.gecko.json.gz
	local big=$DATA/big-$FIREFOX_MB.gecko.json
	[ -f "$src" ] || die "$src not found"
	if ! [ -s "$big" ] || ! [ -s "$big.proc.json" ] || ! [ -s "$big.weights.json" ] ||
	    ! [ -s "$big.copies" ]; then
		command -v python3 >/dev/null || die "python3 is needed to make $big"
		echo "bench: making ${big#"$ROOT"/} (samples of ${src##*/} repeated to $FIREFOX_MB MiB), once"
		python3 - "$src" "$FIREFOX_MB" "$big" <<'PY' ||
import gzip, json, sys
src, mb, big = sys.argv[1], int(sys.argv[2]), sys.argv[3]
g = json.load(gzip.open(src, 'rt'))
rows = [json.dumps(t['samples']['data'], separators=(',', ':'))[1:-1] for t in g['threads']]
k = max(1, mb * 1048576 // (sum(len(r) + 1 for r in rows) + 1))
n = sum(len(t['samples']['data']) for t in g['threads'])
def dump(o):
    return json.dumps(o, separators=(',', ':'))
with open(big + '.tmp', 'w') as out:
    out.write('{"meta":' + dump(g['meta']) + ',"libs":[],"threads":[')
    for i, t in enumerate(g['threads']):
        head = {x: t[x] for x in t if x != 'samples'}
        out.write((',' if i else '') + dump(head)[:-1] + ',"samples":{"schema":' +
                  dump(t['samples']['schema']) + ',"data":[')
        out.write(','.join([rows[i]] * k) if rows[i] else '')
        out.write(']}}')
    out.write(']}\n')
def processed(path, weights):
    with open(path, 'w') as out:
        out.write('{"meta":{"preprocessedProfileVersion":55,"interval":1},"libs":[],"threads":[')
        for i, t in enumerate(g['threads']):
            fc = t['frameTable']['schema']
            st = [r[t['samples']['schema']['stack']] for r in t['samples']['data']]
            tm = [r[t['samples']['schema']['time']] for r in t['samples']['data']]
            out.write((',' if i else '') + '{"name":' + dump(t['name']) + ',"pid":"%s","tid":%d,' %
                      (t['pid'], t['tid']) + '"samples":{"weightType":"samples",' +
                      ('' if weights else '"weight":null,') + '"stack":[')
            out.write(','.join([dump(st)[1:-1]] * k) if st else '')
            out.write('],"time":[' + (','.join([dump(tm)[1:-1]] * k) if tm else '') + ']')
            if weights:
                out.write(',"weight":[' + (','.join(['1,2'] * (k * len(st) // 2) +
                          (['1'] if k * len(st) % 2 else [])) if st else '') + ']')
            out.write(',"length":%d},' % (k * len(st)))
            out.write('"stackTable":{"prefix":' + dump([r[t['stackTable']['schema']['prefix']]
                      for r in t['stackTable']['data']]) + ',"frame":' +
                      dump([r[t['stackTable']['schema']['frame']] for r in t['stackTable']['data']]) +
                      '},"frameTable":{"func":' + dump(list(range(len(t['frameTable']['data'])))) +
                      '},"funcTable":{"name":' + dump([r[fc['location']] for r in t['frameTable']['data']]) +
                      '},"stringArray":' + dump(t['stringTable']) + '}')
        out.write(']}\n')
processed(big + '.proc.json', False)
processed(big + '.weights.json', True)
w = sum(((len(t['samples']['data']) * k) // 2) * 3 + (len(t['samples']['data']) * k) % 2
        for t in g['threads'])
open(big + '.copies', 'w').write('%d %d %d\n' % (k, n, w))
import os
os.rename(big + '.tmp', big)
PY
		    { rm -f "$big.tmp"; die "making $big failed"; }
	fi
	local -a base=()
	# shellcheck disable=SC2016
	[ -z "$BASE" ] || base=("pf-collapse (baseline)" '"$BASE/pf-collapse" "$IN"')
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, Gecko profile" "$big" \
		"wc -l" 'wc -l "$IN"' \
		"pf-collapse" '"$PFC" "$IN"' \
		"${base[@]}"
	local k ns nw total
	read -r k ns nw <"$big.copies"
	total=$(awk '{ t += $NF } END { printf "%d", t }' "$TMP/out.1")
	[ "$total" = "$((k * ns))" ] ||
	    die "pf-collapse counts $total samples, want $k copies x $ns = $((k * ns))"
	echo "   pf-collapse counts $total samples = $k copies x $ns (checked)"
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, processed profile" "$big.proc.json" \
		"wc -l" 'wc -c "$IN"' \
		"pf-collapse" '"$PFC" "$IN"'
	total=$(awk '{ t += $NF } END { printf "%d", t }' "$TMP/out.1")
	[ "$total" = "$((k * ns))" ] ||
	    die "pf-collapse counts $total samples, want $((k * ns))"
	echo "   pf-collapse counts $total samples (checked)"
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, processed profile, weights after stacks" "$big.weights.json" \
		"wc -l" 'wc -c "$IN"' \
		"pf-collapse" '"$PFC" "$IN"'
	total=$(awk '{ t += $NF } END { printf "%d", t }' "$TMP/out.1")
	[ "$total" = "$nw" ] || die "pf-collapse counts $total, want the weights' $nw"
	echo "   pf-collapse counts $total (the sum of the weights, checked)"
	target_gbps "pf-collapse Gecko profile >= 150 MB/s" "pf-collapse, Gecko profile|pf-collapse" 0.15
	target_gbps "pf-collapse processed profile >= 150 MB/s" \
	    "pf-collapse, processed profile|pf-collapse" 0.15
	target_rss "pf-collapse Gecko and processed profiles peak RSS < 64 MB" 64 \
	    "pf-collapse, Gecko profile|pf-collapse" "pf-collapse, processed profile|pf-collapse"
}

# pf-html on the same input as pf-svg: the page's data is the whole tree
# (no pruning by default), so this is the cost of writing every frame.
section_html() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	# shellcheck disable=SC2034  # used by the CMD strings
	PFHTML=${PF_HTML:-$BUILD/pf-html}
	[ -x "$PFHTML" ] || die "$PFHTML not built (run make)"
	local folded=$DATA/big-$BENCH_MB.tid-x20.folded
	[ -s "$folded" ] || PF_SVG=${PF_SVG:-$BUILD/pf-svg} section_svg >/dev/null
	local -a base=()
	# shellcheck disable=SC2016
	[ -z "$BASE" ] || base=("pf-html (baseline)" '"$BASE/pf-html" "$IN"')
	# shellcheck disable=SC2016
	bench_cmds "pf-html, folded stacks" "$folded" \
		"cat" 'cat "$IN"' \
		"pf-html" '"$PFHTML" "$IN"' \
		"${base[@]}"
	[ -z "$BASE" ] || vs_baseline "pf-html, folded stacks" "pf-html" 1 2
	target_vs_baseline pf-html 1.3
	local s="pf-html, folded stacks"
	target_gbps "pf-html >= 1.0 GB/s of folded input" "$s|pf-html" 1.0
	"$PFHTML" "$folded" >"$TMP/page.html"
	"${PF_SVG:-$BUILD/pf-svg}" --minwidth 0 "$folded" >"$TMP/graph.svg"
	echo "   page $(wc -c <"$TMP/page.html") bytes; pf-svg --minwidth 0 SVG $(wc -c <"$TMP/graph.svg") bytes"
	rm -f "$TMP/page.html" "$TMP/graph.svg"
}

# pf-html's page in headless Chromium: a page of about a million frames
# (11 of the 20 relabelled copies of section_svg's input), the time from
# navigation to the first frame painted and the time to redraw after a
# zoom (bench/browser-html.mjs).  Skipped, visibly, without Chromium or
# the browser tests' node modules.
section_browser_html() {
	PFHTML=${PF_HTML:-$BUILD/pf-html}
	[ -x "$PFHTML" ] || die "$PFHTML not built (run make)"
	local folded=$DATA/big-$BENCH_MB.tid-x20.folded
	[ -s "$folded" ] || PF_SVG=${PF_SVG:-$BUILD/pf-svg} section_svg >/dev/null
	echo
	echo "== pf-html's page in headless Chromium"
	if ! [ -d "$ROOT/tests/browser/node_modules/playwright-core" ] ||
	    ! [ -x "${PF_CHROMIUM:-/usr/bin/chromium}" ]; then
		echo "   skipped: needs chromium and tests/browser/node_modules (npm ci in tests/browser)"
		target_note "pf-html page paints < 1.5 s" unknown "n/a"
		target_note "pf-html zoom redraw < 16 ms" unknown "n/a"
		return 0
	fi
	grep -E '^r(0[1-9]|1[01])-' "$folded" >"$TMP/million.folded"
	"$PFHTML" "$TMP/million.folded" >"$TMP/million.html" || die "pf-html failed"
	# With a baseline, its page is opened too, in turn with this one.
	local pages=("$TMP/million.html")
	if [ -n "$BASE" ] && [ -x "$BASE/pf-html" ]; then
		"$BASE/pf-html" "$TMP/million.folded" >"$TMP/million-base.html" ||
		    die "the baseline's pf-html failed"
		pages+=("$TMP/million-base.html")
	fi
	node "$SELF_DIR/browser-html.mjs" "${pages[@]}" >"$TMP/browser.out" ||
	    die "bench/browser-html.mjs failed"
	sed 's/^/   /' "$TMP/browser.out"
	echo "   page $(wc -c <"$TMP/million.html") bytes"
	local paint zoom
	paint=$(awk '/^first paint/ { print $6 }' "$TMP/browser.out")
	zoom=$(awk '/^zoom redraw/ { print $4 }' "$TMP/browser.out")
	if [ "${#pages[@]}" -gt 1 ]; then
		local bpaint bzoom
		echo "   baseline page $(wc -c <"$TMP/million-base.html") bytes"
		bpaint=$(awk '/^baseline first paint/ { print $7 }' "$TMP/browser.out")
		bzoom=$(awk '/^baseline zoom redraw/ { print $5 }' "$TMP/browser.out")
		BASELINE_LINES+=("$(printf '   %-34s %6.2fx   %s' "pf-html page, first paint" \
		    "$(calc '%.2f' "$bpaint / $paint")" "$bpaint -> $paint ms (median)")")
		BASELINE_LINES+=("$(printf '   %-34s %6.2fx   %s' "pf-html page, zoom redraw" \
		    "$(calc '%.2f' "$bzoom / $zoom")" "$bzoom -> $zoom ms (median)")")
		BASELINE_LINES+=("$(printf '   %-34s %6.2fx   %s' "pf-html page, bytes" \
		    "$(calc '%.2f' "$(wc -c <"$TMP/million-base.html") / $(wc -c <"$TMP/million.html")")" \
		    "$(wc -c <"$TMP/million-base.html") -> $(wc -c <"$TMP/million.html")")")
		rm -f "$TMP/million-base.html"
	fi
	target_note "pf-html page of ~1M frames paints < 1.5 s" \
	    "$(awk -v v="$paint" 'BEGIN { print (v + 0 > 0 && v < 1500) ? "yes" : "no" }')" "$paint ms (median)"
	target_note "pf-html zoom redraw < 16 ms" \
	    "$(awk -v v="$zoom" 'BEGIN { print (v + 0 > 0 && v < 16) ? "yes" : "no" }')" "$zoom ms (median)"
	rm -f "$TMP/million.folded" "$TMP/million.html" "$TMP/browser.out"
}

# pf-export on the same input as pf-svg, to each format, against `cat` and
# pf-svg itself: the target is pf-svg's throughput of folded input.
section_export() {
	# shellcheck disable=SC2034  # used by the CMD strings
	PFSVG=${PF_SVG:-$BUILD/pf-svg} PFE=$BUILD/pf-export
	[ -x "$PFE" ] || die "$PFE not built (run make)"
	local folded=$DATA/big-$BENCH_MB.tid-x20.folded
	[ -s "$folded" ] || section_svg >/dev/null
	# shellcheck disable=SC2016
	bench_cmds "pf-export, folded stacks" "$folded" \
		"cat" 'cat "$IN"' \
		"pf-svg" '"$PFSVG" "$IN"' \
		"pf-export --to pprof" '"$PFE" --to pprof "$IN"' \
		"pf-export --to speedscope" '"$PFE" --to speedscope "$IN"' \
		"pf-export --to d3" '"$PFE" --to d3 "$IN"' \
		"pf-export --to cpuprofile" '"$PFE" --to cpuprofile "$IN"'
	local s="pf-export, folded stacks" f svg ok
	svg=${MED_S["$s|pf-svg"]}
	for f in pprof speedscope d3 cpuprofile; do
		ok=$(awk -v a="${MED_S["$s|pf-export --to $f"]}" -v b="$svg" \
		    'BEGIN { print (a <= b) ? "yes" : "no" }')
		target_note "pf-export --to $f >= pf-svg's MB/s" "$ok" \
		    "$(calc '%.2f' "$svg / ${MED_S["$s|pf-export --to $f"]}")x pf-svg's"
	done
	for f in pprof speedscope d3 cpuprofile; do
		"$PFE" --to "$f" "$folded" | wc -c | awk -v f="$f" '{ printf "   --to %s: %.1f MB out\n", f, $1 / 1e6 }'
	done
}

# pf-collapse on a V8 --prof log that creates 200 000 code entries at
# falling addresses and maps 100 000 shared libraries, with 200 000 ticks:
# the code map and the libraries must cost O(log n) an event.
section_collapse_v8log() {
	# shellcheck disable=SC2034  # used by the CMD strings
	PFC=${PF_COLLAPSE:-$BUILD/pf-collapse}
	local log=$DATA/v8log-falling.log
	if [ ! -s "$log" ]; then
		mkdir -p "$DATA"
		python3 "$SELF_DIR/gen-v8log.py" 200000 100000 200000 > "$log.tmp" && mv "$log.tmp" "$log"
	fi
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, V8 --prof log, falling addresses" "$log" \
		"cat" 'cat "$IN"' \
		"pf-collapse" '"$PFC" "$IN"'
}

# pf-collapse --native on a pipe-mode perf.data with 100 000 threads (tids
# 4096 apart) each mapping a library of its own: threads and libraries
# must cost O(1) or O(log n) a lookup, whatever their ids and names.
section_collapse_perfdata_maps() {
	# shellcheck disable=SC2034  # used by the CMD strings
	PFC=${PF_COLLAPSE:-$BUILD/pf-collapse}
	local data=$DATA/perfdata-maps.data
	if [ ! -s "$data" ]; then
		mkdir -p "$DATA"
		python3 "$SELF_DIR/make-perfdata-maps.py" 100000 > "$data.tmp" && mv "$data.tmp" "$data"
	fi
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse --native, 100 000 threads and libraries" "$data" \
		"cat" 'cat "$IN"' \
		"pf-collapse" '"$PFC" --native -j1 "$IN"'
}

# pf-merge as the reducer of a fleet: 1000 folded profiles, each a 50th of
# the benchmark recording's stacks (folded with --tid) with its counts
# multiplied by 1 to 3, so 20 files share each stack: the sum has the
# recording's distinct stacks, however many inputs there are.  Flat (one
# pf-merge, one thread and the default), as a tree of pf-merge runs over
# groups of 10 (xargs -P 2, then the partial sums), and the 1000 files
# concatenated into one input: peak memory follows the distinct stacks.
section_fleet() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse} pfm=$BUILD/pf-merge
	[ -x "$pfm" ] || die "$pfm not built (run make)"
	local big dir=$DATA/fleet-$BENCH_MB
	big=$(big_perf_input)
	if ! [ -s "$dir/p0999.folded" ]; then
		echo "bench: generating 1000 folded files in ${dir#"$ROOT"/}, once"
		rm -rf "$dir"
		mkdir -p "$dir"
		"$pfc" --tid "$big" >"$TMP/tid.folded" || die "pf-collapse --tid failed"
		awk -v dir="$dir" '{ w = $NF; s = $0; sub(/ [^ ]*$/, "", s)
			for (k = 0; k < 20; k++) {
				i = (NR % 50) + 50 * k
				printf "%s %d\n", s, w * (1 + (i + NR) % 3) > sprintf("%s/p%04d.folded", dir, i)
			} }' "$TMP/tid.folded" || die "making the fleet failed"
		rm -f "$TMP/tid.folded"
	fi
	cat "$dir"/p*.folded >"$TMP/fleet-all.folded"
	cat >"$TMP/tree.sh" <<-'EOF'
	set -e
	t=$(mktemp -d)
	cd "$2"
	ls | xargs -n 10 -P 2 sh -c 'exec "$0" -j 1 -o "'"$t"'/$1" "$@"' "$1"
	"$1" "$t"/*
	rm -rf "$t"
	EOF
	# shellcheck disable=SC2034  # used by the CMD strings
	PFM=$pfm FDIR=$dir TREE=$TMP/tree.sh
	echo
	echo "   1000 files, $(wc -l <"$TMP/fleet-all.folded") lines, $("$pfm" "$TMP/fleet-all.folded" | wc -l) distinct stacks in the sum"
	# shellcheck disable=SC2016
	bench_cmds "pf-merge, 1000 folded files" "$TMP/fleet-all.folded" \
		"cat" 'cat "$IN"' \
		"pf-merge -j 1 (1000 files)" 'sh -c "cd \"\$1\" && exec \"\$0\" -j 1 p*.folded" "$PFM" "$FDIR"' \
		"pf-merge (1000 files, default -j)" 'sh -c "cd \"\$1\" && exec \"\$0\" p*.folded" "$PFM" "$FDIR"' \
		"tree: 100 x 10, then 100 (xargs -P 2)" 'sh "$TREE" "$PFM" "$FDIR"' \
		"pf-merge (one concatenated file)" '"$PFM" "$IN"'
	same_output 1 2
	same_output 1 3
	same_output 1 4
	rm -f "$TMP/fleet-all.folded"
}

# perf.data read natively against `perf script | pf-collapse`, both ends of
# the pipeline timed together, on a recording of at least 500 thousand
# samples made here once (two xz processes under perf record -F 20000 -g;
# perf_event_max_sample_rate may lower the rate, then the run is longer).
# Needs perf and the right to record; says so and skips otherwise.
section_collapse_perfdata() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	[ -x "$pfc" ] || die "$pfc not built (run make)"
	if ! command -v perf >/dev/null 2>&1; then
		echo; echo "== perf.data: skipped (perf is not installed)"; return 0
	fi
	local rec=$DATA/perfdata-xz.data secs=14 n=0
	if ! [ -s "$rec" ]; then
		echo "bench: recording ${rec#"$ROOT"/} (two xz processes), once" >&2
		while :; do
			if ! perf record -q -F 20000 -g -e cpu-clock -o "$rec.tmp" -- sh -c "
			    tar cf - /usr/lib /usr/share 2>/dev/null | timeout $secs xz -T1 -c >/dev/null &
			    tar cf - /usr/share /usr/lib 2>/dev/null | timeout $secs xz -T1 -c >/dev/null
			    wait" >/dev/null 2>&1; then
				rm -f "$rec.tmp"
				echo; echo "== perf.data: skipped (perf cannot record here)"; return 0
			fi
			n=$(perf report -i "$rec.tmp" --stats 2>/dev/null |
			    awk '/SAMPLE events:/ { print $3; exit }')
			[ "${n:-0}" -ge 500000 ] && break
			[ "$secs" -ge 120 ] && die "cannot record 500000 samples (got ${n:-0})"
			secs=$((secs * 2))
		done
		mv "$rec.tmp" "$rec"
	fi
	n=$(perf report -i "$rec" --stats 2>/dev/null | awk '/SAMPLE events:/ { print $3; exit }')
	echo
	echo "   perf.data recording: ${n:-?} samples"
	# shellcheck disable=SC2034  # used by the CMD strings
	PFC=$pfc
	# shellcheck disable=SC2016
	bench_cmds "perf.data, $n samples" "$rec" \
		"perf script | pf-collapse -j 1" 'sh -c "perf script -i \"\$1\" 2>/dev/null | \"\$2\" -j 1" sh "$IN" "$PFC"' \
		"pf-collapse -j 1 perf.data" '"$PFC" -j 1 --native "$IN"' \
		"pf-collapse -j $NPROC perf.data" '"$PFC" -j "$NPROC" --native "$IN"'
	same_output 0 1
	same_output 0 2
	local s="perf.data, $n samples" base fast ratio ok
	base=${MED_S["$s|perf script | pf-collapse -j 1"]}
	fast=${MED_S["$s|pf-collapse -j 1 perf.data"]}
	ratio=$(calc '%.2f' "$base / $fast")
	ok=$(awk -v r="$ratio" 'BEGIN { print (r >= 5) ? "yes" : "no" }')
	target_note "perf.data -j 1 >= 5x perf script | pf-collapse" "$ok" "${ratio}x"
	target_rss "perf.data peak RSS < 100 MB" 100 "$s|pf-collapse -j 1 perf.data" \
		"$s|pf-collapse -j $NPROC perf.data"
}

# gperftools' binary CPU profile (pprof-legacy): a profile of GPERF_MB MiB
# (default 200) made once from 20000 distinct stacks of 8 to 40 frames
# (4000 distinct addresses) in one mapping of a library that is not on the
# machine, each written as many
# records as libprofiler's evicting hash table writes, then the end record
# and a memory map.  Reading is one pass over the words; memory holds the
# distinct stacks only.  The counts must add up to what the generator wrote.
GPERF_MB=${GPERF_MB:-200}
section_collapse_gperftools() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	PFC=$pfc
	local big=$DATA/big-$GPERF_MB.gperftools.prof
	if ! [ -s "$big" ] || ! [ -s "$big.samples" ]; then
		echo "bench: making ${big#"$ROOT"/} ($GPERF_MB MiB of gperftools CPU records), once"
		python3 - "$big.tmp" "$big.samples" "$GPERF_MB" <<'PY' || { rm -f "$big.tmp"; die "making $big failed"; }
import random, struct, sys
out, samples_path, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(12345)
base = 0x7f0000000000
pool = [base + rnd.randrange(0x400000) for _ in range(4000)]
stacks = []
for _ in range(20000):
    d = rnd.randint(8, 40)
    stacks.append([pool[rnd.randrange(len(pool))] for _ in range(d)])
w = struct.Struct("<Q")
total = 0
with open(out, "wb") as f:
    f.write(struct.pack("<5Q", 0, 3, 0, 10000, 0))
    size = 40
    limit = mb << 20
    chunk = []
    while size < limit:
        st = stacks[rnd.randrange(len(stacks))]
        c = rnd.randint(1, 9)
        total += c
        rec = struct.pack("<%dQ" % (len(st) + 2), c, len(st), *st)
        chunk.append(rec)
        size += len(rec)
        if len(chunk) >= 4096:
            f.write(b"".join(chunk)); chunk = []
    f.write(b"".join(chunk))
    f.write(struct.pack("<3Q", 0, 1, 0))
    f.write(b"7f0000000000-7f0000400000 r-xp 00000000 08:01 42 /nonexistent/libbench.so\n")
with open(samples_path, "w") as f:
    f.write("%d\n" % total)
PY
		mv "$big.tmp" "$big"
	fi
	local -a base=()
	# shellcheck disable=SC2016
	[ -z "$BASE" ] || base=("pf-collapse (baseline)" '"$BASE/pf-collapse" "$IN"')
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, gperftools CPU profile" "$big" \
		"cat" 'cat "$IN"' \
		"pf-collapse --sample-type samples" '"$PFC" --sample-type samples "$IN"' \
		"pf-collapse" '"$PFC" "$IN"' \
		"${base[@]}"
	[ -z "$BASE" ] || vs_baseline "pf-collapse, gperftools CPU profile" "pf-collapse" 2 3
	local want total
	want=$(cat "$big.samples")
	total=$(awk '{ t += $NF } END { printf "%d", t }' "$TMP/out.1")
	[ "$total" = "$want" ] || die "pf-collapse counts $total samples, want $want"
	echo "   pf-collapse counts $total samples (checked against the generator)"
}

# A Java Flight Recorder recording of tens of MB: the chunks of a real
# recording (speedscope's sample, a JDK 'profile' recording: mostly GC and
# runtime events around 390 execution and native method samples) repeated
# JFR_COPIES times, which is a valid recording of that many chunks.
JFR_COPIES=${JFR_COPIES:-100}
section_collapse_jfr() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	PFC=$pfc
	local src=$CORPUS/external/speedscope/java-flight-recorder/heavy.jfr
	local big=$DATA/big-$JFR_COPIES.jfr i
	[ -f "$src" ] || die "corpus file $src not found"
	if ! [ -s "$big" ]; then
		echo "bench: making ${big#"$ROOT"/} (${src##*/} x $JFR_COPIES chunks), once"
		for ((i = 0; i < JFR_COPIES; i++)); do cat "$src"; done >"$big.tmp" &&
		    mv "$big.tmp" "$big" || die "making $big failed"
	fi
	local -a base=()
	# shellcheck disable=SC2016
	[ -z "$BASE" ] || base=("pf-collapse (baseline)" '"$BASE/pf-collapse" "$IN"')
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, JFR recording" "$big" \
		"wc -l" 'wc -l "$IN"' \
		"pf-collapse" '"$PFC" "$IN"' \
		"pf-collapse --tid" '"$PFC" --tid "$IN"' \
		"pf-collapse --event ObjectAllocationSample" \
		    '"$PFC" --event ObjectAllocationSample "$IN"' \
		"${base[@]}"
	[ -z "$BASE" ] || vs_baseline "pf-collapse, JFR recording" "pf-collapse" 1 4
	# The JDK's own count of the samples of one copy, when it is here.
	local total want
	total=$(awk '{ t += $NF } END { printf "%d", t }' "$TMP/out.1")
	if command -v jfr >/dev/null; then
		want=$(jfr summary "$src" | awk '$1 == "jdk.ExecutionSample" ||
		    $1 == "jdk.NativeMethodSample" { n += $2 } END { print n }')
		[ "$total" = "$((JFR_COPIES * want))" ] ||
		    die "pf-collapse counts $total samples, want $JFR_COPIES x $want (jfr summary)"
		echo "   pf-collapse counts $total samples = $JFR_COPIES x $want of jfr summary (checked)"
	else
		echo "   pf-collapse counts $total samples (jfr not installed: not checked)"
	fi
}

# callgrind and pstats, the readers whose stacks are estimated from a call
# graph: tens of MB of input made once from real data (bench/make-*.py),
# MB/s and peak RSS, and the total checked against the generator's.
section_collapse_callgraph() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	PFC=$pfc
	local src=$CORPUS/callgrind/callgrind.out.deeprec
	local cg=$DATA/big-$CALLGRAPH_MB.callgrind prof=$DATA/big-$CALLGRAPH_MB.pstats
	local want got
	[ -f "$src" ] || die "corpus file $src not found"
	mkdir -p "$DATA"
	if ! [ -s "$cg" ] || ! [ -s "$cg.total" ]; then
		echo "bench: making ${cg#"$ROOT"/} (copies of ${src##*/}), once"
		python3 "$SELF_DIR/make-callgrind.py" "$src" "$CALLGRAPH_MB" "$cg" |
		    awk '{ printf "%.0f\n", $1 * $2 }' >"$cg.total" || die "making $cg failed"
	fi
	if ! [ -s "$prof" ] || ! [ -s "$prof.total" ]; then
		echo "bench: making ${prof#"$ROOT"/} (marshal, as cProfile writes it), once"
		python3 "$SELF_DIR/make-pstats.py" "$CALLGRAPH_MB" "$prof" >"$prof.total" ||
		    die "making $prof failed"
	fi
	local -a base=()
	# shellcheck disable=SC2016
	[ -z "$BASE" ] || base=("pf-collapse callgrind (baseline)" '"$BASE/pf-collapse" "$IN"')
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, callgrind" "$cg" \
		"wc -l" 'wc -l "$IN"' \
		"pf-collapse callgrind" '"$PFC" "$IN"' \
		"${base[@]}"
	[ -z "$BASE" ] || vs_baseline "pf-collapse, callgrind" "pf-collapse callgrind" 1 2
	want=$(cat "$cg.total")
	got=$(awk '{ t += $NF } END { printf "%.0f", t }' "$TMP/out.1")
	[ "$got" = "$want" ] || die "pf-collapse counts $got on the callgrind input, want $want"
	echo "   pf-collapse counts $got, the copies' totals: (checked)"
	# shellcheck disable=SC2016
	[ -z "$BASE" ] || base=("pf-collapse pstats (baseline)" '"$BASE/pf-collapse" "$IN"')
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, pstats" "$prof" \
		"cat" 'cat "$IN"' \
		"pf-collapse pstats" '"$PFC" "$IN"' \
		"${base[@]}"
	[ -z "$BASE" ] || vs_baseline "pf-collapse, pstats" "pf-collapse pstats" 1 2
	want=$(cat "$prof.total")
	got=$(awk '{ t += $NF } END { printf "%.0f", t }' "$TMP/out.1")
	[ "$got" = "$want" ] || die "pf-collapse counts $got on the pstats input, want $want"
	echo "   pf-collapse counts $got ns, the generator's total (checked)"
}

# GHC .prof and macOS sample reports, the text trees: tens of MB made once
# from real reports (bench/make-ghcprof.py, make-macsample.py), MB/s and
# peak RSS, and the totals checked against the generators'.
section_collapse_texttree() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	PFC=$pfc
	local gsrc=$ROOT/tests/recordings/ghc-deep-P.prof
	local ssrc=$CORPUS/external/inferno/collapse-sample/sample.txt
	local gh=$DATA/big-$TEXTTREE_MB.prof ms=$DATA/big-$TEXTTREE_MB.sample.txt
	local want got
	[ -f "$ssrc" ] || die "corpus file $ssrc not found"
	mkdir -p "$DATA"
	if ! [ -s "$gh" ] || ! [ -s "$gh.total" ]; then
		echo "bench: making ${gh#"$ROOT"/} (copies of ${gsrc##*/}), once"
		python3 "$SELF_DIR/make-ghcprof.py" "$gsrc" "$TEXTTREE_MB" "$gh" >"$gh.total" ||
		    die "making $gh failed"
	fi
	if ! [ -s "$ms" ] || ! [ -s "$ms.total" ]; then
		echo "bench: making ${ms#"$ROOT"/} (copies of ${ssrc##*/}'s threads), once"
		python3 "$SELF_DIR/make-macsample.py" "$ssrc" "$TEXTTREE_MB" "$ms" >"$ms.total" ||
		    die "making $ms failed"
	fi
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, GHC .prof" "$gh" \
		"wc -l" 'wc -l "$IN"' \
		"pf-collapse" '"$PFC" "$IN"' \
		"pf-collapse --sample-type alloc" '"$PFC" --sample-type alloc "$IN"'
	read -r want _ <"$gh.total"
	got=$(awk '{ t += $NF } END { printf "%.0f", t }' "$TMP/out.1")
	[ "$got" = "$want" ] || die "pf-collapse counts $got ticks on the GHC input, want $want"
	echo "   pf-collapse counts $got ticks, the generator's total (checked)"
	# shellcheck disable=SC2016
	bench_cmds "pf-collapse, macOS sample" "$ms" \
		"wc -l" 'wc -l "$IN"' \
		"pf-collapse" '"$PFC" "$IN"'
	want=$(cat "$ms.total")
	got=$(awk '{ t += $NF } END { printf "%.0f", t }' "$TMP/out.1")
	[ "$got" = "$want" ] || die "pf-collapse counts $got samples on the sample input, want $want"
	echo "   pf-collapse counts $got samples, the generator's total (checked)"
}

# Call tree reports (Instruments deep copies, VTune and Visual Studio CSV):
# CALLTREE_MB of copies of the external corpus's real reports, each copy
# its own tree (bench/make-calltree.py); MB/s and peak RSS, and the total
# checked against the copies times the report's total found by
# tests/ref/calltree-report.py.
section_collapse_calltree() {
	local pfc=${PF_COLLAPSE:-$BUILD/pf-collapse}
	PFC=$pfc
	local ext=$CORPUS/external spec fmt src out copies one want got
	mkdir -p "$DATA"
	for spec in "instruments:speedscope/Instruments/16.0/simple-time-profile-deep-copy.txt:txt" \
	    "vtune:inferno/collapse-vtune/vtune.csv:csv" \
	    "vsprof:inferno/collapse-vsprof/CallTreeSummary.csv:csv"; do
		fmt=${spec%%:*}
		src=${spec#*:}
		src=$ext/${src%:*}
		out=$DATA/big-$CALLTREE_MB.$fmt.${spec##*:}
		[ -f "$src" ] || die "corpus file $src not found"
		if ! [ -s "$out" ] || ! [ -s "$out.copies" ]; then
			echo "bench: making ${out#"$ROOT"/} (copies of ${src##*/}), once"
			python3 "$SELF_DIR/make-calltree.py" "$fmt" "$src" "$CALLTREE_MB" "$out" \
			    >"$out.copies" || die "making $out failed"
		fi
		# shellcheck disable=SC2016
		bench_cmds "pf-collapse, $fmt" "$out" \
			"wc -l" 'wc -l "$IN"' \
			"pf-collapse" '"$PFC" "$IN"'
		copies=$(cat "$out.copies")
		one=$(python3 "$ROOT/tests/ref/calltree-report.py" "$fmt" "$src" | sed -n 's/^total //p')
		want=$(awk -v c="$copies" -v t="$one" 'BEGIN { printf "%.3f", c * t }')
		got=$(awk '{ t += $NF } END { printf "%.3f", t }' "$TMP/out.1")
		[ "$got" = "$want" ] || die "pf-collapse counts $got on the $fmt input, want $want"
		echo "   pf-collapse counts $got = $copies x $one, the report's total (checked)"
	done
}


# ---------------------------------------------------------------- main

model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576; exit }' /proc/meminfo 2>/dev/null || true)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "no commit")
dirty=
if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null | head -n 1)" ]; then
	dirty=" (+ uncommitted changes)"
fi

echo "pf benchmarks  $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "   machine: $NPROC CPUs (nproc), ${model:-unknown model}, ${mem:-? GiB} RAM, $(uname -sr)"
echo "   load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "   source: $commit$dirty, build: ${BUILD#"$ROOT"/}${BASE:+, baseline: $BASE}"
echo "   units: MB = 1e6 bytes, GB = 1e9 bytes; times are wall clock, input in page cache"

SECTIONS=(section_collapse_perf section_collapse_perfdata section_merge section_svg section_html section_browser_html section_collapse_cpuprofile section_collapse_jfr section_collapse_speedscope section_collapse_chrome_trace section_collapse_v8log section_collapse_perfdata_maps section_export section_fleet section_collapse_callgraph section_collapse_gperftools section_collapse_firefox section_collapse_texttree section_collapse_calltree)

# BENCH_SECTIONS="section_merge" (or BENCH_ONLY) runs only some sections.
if [ -n "${BENCH_SECTIONS:-${BENCH_ONLY:-}}" ]; then
	read -r -a SECTIONS <<<"${BENCH_SECTIONS:-$BENCH_ONLY}"
fi
for s in "${SECTIONS[@]}"; do
	"$s"
done

if [ -n "$BASE" ]; then
	echo
	echo "== against the baseline ($BASE)"
	printf '   %-34s %7s   %-20s %s\n' command speed-up "peak RSS (base -> this)" output
	for l in "${BASELINE_LINES[@]}"; do
		echo "$l"
	done
	echo "   (speed-up = median time of the baseline / median time of this build)"
fi

echo
echo "== targets (from the issue)"
for l in "${TARGET_LINES[@]}"; do
	echo "$l"
done
echo "   $TARGETS_MET met, $TARGETS_MISSED not met"
echo "   load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "   raw runs: ${RAW#"$ROOT"/}"
