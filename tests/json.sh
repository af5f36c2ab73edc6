# Detection and truncation of the JSON formats.  Sourced by run.sh (group
# "json"); on its own, sh tests/json.sh BUILD ...
#
# For one real file of every JSON format pf-collapse reads, and of the JSON
# formats it refuses (a V8 heap snapshot, a Safari timeline):
#  - detection: pf-collapse FILE folds it exactly as --format OWN does (the
#    same stdout, stderr and status 0), or, for a refused one, exits
#    non-zero with nothing on stdout and a message naming the file and
#    saying what it looks like;
#  - --format OTHER, for every other JSON format: a non-zero exit, nothing on
#    stdout, and a message naming the file (never a 0 with nothing folded);
#  - truncation: the file cut at ten points (inside strings, between keys,
#    after a colon, inside numbers, after an opening bracket, before the last
#    byte), read with --format OWN (auto for a refused one): a non-zero exit,
#    nothing on stdout, and a message naming the file and the line, and
#    when the JSON layer saw the end, the byte offset, where it stopped.
# Compressed samples are decompressed first (a cut gzip stream is another
# test).  One test per check; json-matrix.py runs them (the JSON formats
# pf-collapse reads are listed there).

if [ -z "${here:-}" ]; then
	exec sh "$(dirname "$0")/run.sh" -g json "$@"
fi

json_corpus=${PF_CORPUS:-$root/../shared/corpus}

# The samples: NAME FORMAT PATH [WHAT-A-REFUSAL-SAYS].  FORMAT "-" is a
# refused one; PATH is relative to the corpus (c:), the repository (r:),
# or made by the group (m:).
json_samples() {
	cat <<'EOF'
cpuprofile	cpuprofile	c:v8/cpuprofile/json-workload.cpuprofile
chrome-object	chrome-trace	r:tests/cases/collapse-chrome-trace-cpu/Trace-chromium.json.gz
chrome-array	chrome-trace	r:tests/cases/collapse-chrome-trace-cpuprofile-event/old.json
chrome-clang	chrome-trace	r:tests/cases/collapse-chrome-trace-clang/t.json
heapprofile	heapprofile	c:external/speedscope/node/10.11.0/Heap-20181003T105432.heapprofile
speedscope	speedscope	c:external/speedscope/speedscope/0.0.1/simple.speedscope.json
d3	d3	m:made.d3.json
firefox-processed	firefox	c:external/speedscope/Firefox/61/recursion.json
firefox-gecko	firefox	r:tests/firefox/spin.gecko.json.gz
stackprof	stackprof	r:tests/stackprof/ruby-cpu.json
v8-prof-json	v8-prof	c:v8/prof/fibsort/fibsort-workload.prof-preprocess.json.gz
heapsnapshot	-	m:node.heapsnapshot	V8 heap snapshot
ghc-json	ghc-json	c:external/speedscope/haskell/simple.prof
safari	-	c:external/speedscope/Safari/13.1/simple.html-recording.json	Safari
EOF
}

# json_make NAME: makes the sample m:NAME in $tmp/json; 0, or 1 with the
# reason in $tmp/json.why.
json_make() {
	case $1 in
	made.d3.json)
		# What pf-export writes for d3-flame-graph, from a real profile.
		with_timeout "$pfc" "$json_corpus/v8/cpuprofile/json-workload.cpuprofile" \
		    2> "$tmp/json.why" |
		    with_timeout "$build/pf-export" --to d3 > "$tmp/json/made.d3.json" \
		    2>> "$tmp/json.why" && [ -s "$tmp/json/made.d3.json" ]
		;;
	node.heapsnapshot)
		# A snapshot of a bare Node.js heap, a few MB.
		if ! command -v node > /dev/null 2>&1; then
			echo "no node (./quickstart.sh check installs it)" > "$tmp/json.why"
			return 1
		fi
		(cd "$tmp/json" && with_timeout node -e \
		    'require("v8").writeHeapSnapshot("node.heapsnapshot")') \
		    > "$tmp/json.why" 2>&1 && [ -s "$tmp/json/node.heapsnapshot" ]
		;;
	*)
		echo "no such sample" > "$tmp/json.why"
		return 1
		;;
	esac
}

group_json() {
	group_begin "$label: json"
	pfc=$build/pf-collapse
	rm -rf "$tmp/json"
	mkdir -p "$tmp/json"
	: > "$tmp/json.list"
	json_samples > "$tmp/json.samples"
	while IFS='	' read -r js_name js_fmt js_path js_says; do
		case $js_path in
		c:*) src=$json_corpus/${js_path#c:} ;;
		r:*) src=$root/${js_path#r:} ;;
		m:*)
			if ! json_make "${js_path#m:}"; then
				fail "$label/json: $js_name: cannot make the sample" "$tmp/json.why"
				continue
			fi
			src=$tmp/json/${js_path#m:}
			;;
		esac
		printf '%s\t%s\t%s\t%s\n' "$js_name" "$js_fmt" "$src" "$js_says" \
		    >> "$tmp/json.list"
	done < "$tmp/json.samples"
	python3 "$root/tests/json-matrix.py" "$pfc" "$tmp/json.list" "$tmp/json" \
	    > "$tmp/json.log" 2>&1
	st=$?
	npass=$((npass + $(grep -c '^ok ' "$tmp/json.log")))
	while IFS= read -r line; do
		case $line in
		'not ok '*)
			[ -z "${jl_what:-}" ] || fail "$jl_what" "$tmp/json.detail"
			jl_what="$label/json: ${line#not ok }"
			: > "$tmp/json.detail"
			;;
		'    '*) [ -z "${jl_what:-}" ] || echo "$line" >> "$tmp/json.detail" ;;
		*)
			[ -z "${jl_what:-}" ] || fail "$jl_what" "$tmp/json.detail"
			jl_what=
			;;
		esac
	done < "$tmp/json.log"
	[ -z "${jl_what:-}" ] || fail "$jl_what" "$tmp/json.detail"
	jl_what=
	# A crash of the script itself, or a failure it did not report.
	grep -v '^\(ok \|not ok \|    \)' "$tmp/json.log" > "$tmp/json.detail"
	if [ "$st" -ne 0 ] && { [ -s "$tmp/json.detail" ] ||
	    ! grep -q '^not ok ' "$tmp/json.log"; }; then
		fail "$label/json: json-matrix.py: $(status_text "$st")" "$tmp/json.detail"
	fi
	group_end
}
