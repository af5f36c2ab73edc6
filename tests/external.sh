# Real profiles written by other people and other tools: every file of
# ../shared/corpus/external/MANIFEST.tsv (see its README.md).  Sourced by
# run.sh (group "external"); on its own, sh tests/external.sh BUILD ...
#
# A file whose format pf-collapse reads must fold, exit 0, and add up to
# the manifest's expected total (when it gives one); a file of any other
# format must be refused: a non-zero exit and a message that names the file
# and says what the input looks like.  Whether pf-collapse reads a format
# is asked of pf-collapse itself (--format NAME is a usage error, exit 2,
# for a name it does not know), so the group keeps working as formats are
# added: tests/external-formats.txt maps the manifest's format names to
# pf-collapse's, and says what a refusal of each must mention.
# tests/external-exceptions.txt lists the files whose manifest total is
# not the right answer, with pf's total and the reason.

if [ -z "${here:-}" ]; then
	exec sh "$(dirname "$0")/run.sh" -g external "$@"
fi

external_dir=${PF_CORPUS:-$root/../shared/corpus}/external

# external_map FORMAT: sets ext_pf (pf-collapse's name for FORMAT) and
# ext_says (what a refusal must mention, or empty).
external_map() {
	ext_pf=$1
	ext_says=
	while IFS='	' read -r em_fmt em_pf em_says; do
		case $em_fmt in
		'#'* | '') continue ;;
		esac
		[ "$em_fmt" = "$1" ] || continue
		[ "$em_pf" = "=" ] || ext_pf=$em_pf
		ext_says=$em_says
		break
	done < "$root/tests/external-formats.txt"
}

# external_reads NAME: whether pf-collapse knows the format NAME.
external_reads() {
	with_timeout "$pfc" --format "$1" < /dev/null > /dev/null 2>&1
	[ $? -ne 2 ]
}

# external_exception PATH: sets ext_total to pf's total for PATH when the
# manifest's is listed as wrong (empty otherwise).
external_exception() {
	ext_total=
	while IFS='	' read -r ee_path ee_total ee_why; do
		case $ee_path in
		'#'* | '') continue ;;
		esac
		if [ "$ee_path" = "$1" ]; then
			ext_total=$ee_total
			return
		fi
	done < "$root/tests/external-exceptions.txt"
}

group_external() {
	group_begin "$label: external"
	pfc=$build/pf-collapse
	if [ ! -f "$external_dir/MANIFEST.tsv" ]; then
		fail "$label/external: no manifest at $external_dir/MANIFEST.tsv"
		group_end
		return
	fi
	tail -n +2 "$external_dir/MANIFEST.tsv" > "$tmp/ext.rows"
	while IFS='	' read -r path repo commit inpath fmt expected; do
		: "$repo" "$commit" "$inpath"
		in=$external_dir/$path
		what="$label/external: $path ($fmt)"
		if [ ! -f "$in" ]; then
			fail "$what: file missing"
			continue
		fi
		external_map "$fmt"
		with_timeout "$pfc" "$in" > "$tmp/ext.out" 2> "$tmp/ext.err" < /dev/null
		st=$?
		: > "$tmp/detail"
		if ! external_reads "$ext_pf"; then
			# Refused, naming the file and what the input looks like.
			cat "$tmp/ext.err" > "$tmp/detail"
			if [ "$st" -eq 0 ] || [ "$st" -ge 126 ]; then
				echo "exit status $st, expected a refusal (1)" >> "$tmp/detail"
				fail "$what: not refused" "$tmp/detail"
			elif ! grep -qF "'$in'" "$tmp/ext.err"; then
				fail "$what: the message does not name the file" "$tmp/detail"
			elif [ -n "$ext_says" ] && ! awk -v f="'$in'" '{
			    while ((i = index($0, f)) > 0)
			        $0 = substr($0, 1, i - 1) substr($0, i + length(f))
			    print }' "$tmp/ext.err" | grep -qiF "$ext_says"; then
				echo "(should say it looks like: $ext_says)" >> "$tmp/detail"
				fail "$what: the message does not say what the input looks like" \
				    "$tmp/detail"
			else
				pass
			fi
			continue
		fi
		want=$(echo "$expected" | sed -n 's/^expected total \([0-9][0-9.]*\).*/\1/p')
		external_exception "$path"
		[ -z "$ext_total" ] || want=$ext_total
		if [ "$st" -ne 0 ]; then
			fail "$what: $(status_text "$st")" "$tmp/ext.err"
			continue
		fi
		if [ -z "$want" ]; then
			# No total to check: something folded, or a warning why not.
			if [ -s "$tmp/ext.out" ] || [ -s "$tmp/ext.err" ]; then
				pass
			else
				fail "$what: empty output and no warning"
			fi
			continue
		fi
		got=$(awk '{ s += $NF } END { printf "%.6f", s }' "$tmp/ext.out")
		want=$(awk -v w="$want" 'BEGIN { printf "%.6f", w }')
		if [ "$got" = "$want" ]; then
			pass
		else
			echo "counts add up to $got, expected $want" > "$tmp/detail"
			cat "$tmp/ext.err" >> "$tmp/detail"
			fail "$what: wrong total" "$tmp/detail"
		fi
	done < "$tmp/ext.rows"
	group_end
}
