#!/bin/sh
# Render the shared corpus with two builds of pf and compare the bytes:
#
#   sh tests/compare-builds.sh OLD_BUILD NEW_BUILD
#
# For a change that must not change what pf draws (a refactoring, a speed-up),
# with OLD_BUILD made from the commit before it.  Every corpus file that
# OLD_BUILD/pf-collapse folds (as it is, and with --all), every folded file
# of the corpus as it is (unsorted input builds the tree in another order),
# and differential pairs made by OLD_BUILD/pf-diff, are drawn by pf-svg
# (SVG and PNG) and pf-html of both builds with a set of options each; a
# palette map written by --cp is compared too.  Prints one line per output
# that differs and ends with "N outputs compared, N differ"; exits 0 only
# when none differs.
#
# Environment: PF_CORPUS (default ../shared/corpus beside the repository),
# PF_COMPARE_KEEP=1 keeps the scratch directory.

here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(dirname "$here")
[ $# -eq 2 ] || { echo "usage: sh tests/compare-builds.sh OLD_BUILD NEW_BUILD" >&2; exit 2; }
old=$(cd "$1" && pwd) || exit 2
new=$(cd "$2" && pwd) || exit 2
corpus=${PF_CORPUS:-$root/../shared/corpus}
[ -d "$corpus" ] || { echo "compare-builds: no corpus at $corpus" >&2; exit 2; }
LC_ALL=C
export LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pf-compare.XXXXXX") || exit 2
if [ -n "${PF_COMPARE_KEEP:-}" ]; then
	echo "keeping $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi
mkdir -p "$tmp/in" "$tmp/old" "$tmp/new"

# ------------------------------------------------------------ the inputs
n=0
# add_input NAME FILE: keep FILE as an input when not empty and not the
# same bytes as an input kept before
add_input() {
	sum=$(cksum < "$2")
	if [ -s "$2" ] && ! grep -qxF "$sum" "$tmp/sums"; then
		echo "$sum" >> "$tmp/sums"
		n=$((n + 1))
		mv "$2" "$tmp/in/$(printf '%04d' "$n")-$1"
	else
		rm -f "$2"
	fi
}
: > "$tmp/sums"

find "$corpus" -type f ! -name '*.md' ! -name '*.sh' ! -name '*.py' \
    ! -name '*.c' ! -name '*.cpp' ! -name '*.go' ! -name '*.pl' \
    ! -name 'proj-Makefile' ! -name '*.tsv' ! -path '*/workloads/*' | sort > "$tmp/files"
while IFS= read -r f; do
	base=$(echo "${f#"$corpus"/}" | tr '/' '_')
	for opt in "" --all; do
		if "$old/pf-collapse" $opt "$f" > "$tmp/x" 2> /dev/null; then
			add_input "$base$opt.folded" "$tmp/x"
		fi
	done
	case $f in
	*results*/*.txt | *.folded | *collapsed*)
		cp "$f" "$tmp/x"
		add_input "$base.raw" "$tmp/x"
		;;
	esac
done < "$tmp/files"

# Differential pairs: neighbours in the list of inputs.
ls "$tmp/in" > "$tmp/list"
prev=
i=0
while IFS= read -r f; do
	i=$((i + 1))
	case $f in *.raw) continue ;; esac
	if [ -n "$prev" ] && [ $((i % 7)) -eq 0 ]; then
		"$old/pf-diff" "$tmp/in/$prev" "$tmp/in/$f" > "$tmp/x" 2> /dev/null &&
		    add_input "diff-$i.diff" "$tmp/x"
		"$old/pf-diff" -n "$tmp/in/$prev" "$tmp/in/$f" > "$tmp/x" 2> /dev/null &&
		    add_input "diffn-$i.diff" "$tmp/x"
	fi
	prev=$f
done < "$tmp/list"

# A --nameattr file naming a few frames of the first input.
first=$(ls "$tmp/in" | head -n 1)
head -n 3 "$tmp/in/$first" | sed 's/ [0-9.]*$//; s/.*;//' | sort -u |
    awk '{ printf "%s\tclass=c%d\thref=https://example.com/%d\ttitle=t%d \"x\"\n", $0, NR, NR, NR }' \
    > "$tmp/nameattr"

# ------------------------------------------------------------ rendering
compared=0
differ=0

# run BUILD DIR OUT PROGRAM ARGS...: run in DIR, stdout to OUT, status and
# stderr appended to OUT.meta
run() {
	b=$1 d=$2 o=$3
	shift 3
	(cd "$d" && "$b/$@") > "$o" 2> "$o.meta"
	echo "exit $?" >> "$o.meta"
}

# check NAME INPUT PROGRAM ARGS...: both builds, compare outputs
check() {
	name=$1 input=$2
	shift 2
	for side in old new; do
		eval "b=\$$side"
		rm -rf "$tmp/$side/work"
		mkdir -p "$tmp/$side/work"
		run "$b" "$tmp/$side/work" "$tmp/$side/out" "$@" "$input"
		[ -f "$tmp/$side/work/palette.map" ] &&
		    cat "$tmp/$side/work/palette.map" >> "$tmp/$side/out.meta"
	done
	compared=$((compared + 1))
	if ! cmp -s "$tmp/old/out" "$tmp/new/out" ||
	    ! cmp -s "$tmp/old/out.meta" "$tmp/new/out.meta"; then
		differ=$((differ + 1))
		echo "DIFFER: $name: $* $input"
		if [ -n "${PF_COMPARE_KEEP:-}" ]; then
			cp "$tmp/old/out" "$tmp/differ-$differ.old"
			cp "$tmp/new/out" "$tmp/differ-$differ.new"
			cp "$tmp/old/out.meta" "$tmp/differ-$differ.old.meta"
			cp "$tmp/new/out.meta" "$tmp/differ-$differ.new.meta"
		fi
	fi
}

total=$(ls "$tmp/in" | wc -l)
k=0
for f in "$tmp"/in/*; do
	name=${f##*/}
	k=$((k + 1))
	[ -t 2 ] && printf '%d/%d inputs\r' "$k" "$total" >&2
	case $name in
	*.diff)
		check "$name" "$f" pf-svg
		check "$name" "$f" pf-svg --negate --diff-mode inclusive --minwidth 0
		check "$name" "$f" pf-svg --reverse --format png
		check "$name" "$f" pf-html
		check "$name" "$f" pf-html --negate --diff-mode inclusive --minwidth 0.5
		continue
		;;
	esac
	check "$name" "$f" pf-svg
	check "$name" "$f" pf-svg --minwidth 0 --colors java
	check "$name" "$f" pf-svg --reverse --inverted --colors js --bgcolors blue
	check "$name" "$f" pf-svg --flamechart --title T --subtitle 'S <&>' --notes n
	check "$name" "$f" pf-svg --minwidth 1% --factor 0.5 --countname bytes --colors perl
	check "$name" "$f" pf-svg --width 300 --height 12 --fontsize 9 --no-font-metrics --colors chain
	check "$name" "$f" pf-svg --cp --colors python --total 99999999999
	check "$name" "$f" pf-svg --encoding latin1 --colors rust --nametype 'Frame:'
	check "$name" "$f" pf-svg --nameattr "$tmp/nameattr" --minwidth 0
	check "$name" "$f" pf-svg --format png --colors mem
	check "$name" "$f" pf-html
	check "$name" "$f" pf-html --minwidth 0.1 --colors io
	check "$name" "$f" pf-html --reverse --inverted --title T --countname ms
	check "$name" "$f" pf-html --flamechart --cp --colors java
done

echo "$compared outputs compared, $differ differ"
[ "$differ" -eq 0 ]
