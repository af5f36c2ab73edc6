#!/bin/sh
# Regenerate pf's own expected outputs for the corpus references listed in
# tests/corpus-exceptions.txt, from the pf-collapse of a build:
#
#   sh tests/update-corpus-expected.sh [BUILD [PATTERN ...]]
#
# BUILD defaults to build; PATTERNs (globs on the reference name without
# .gz) limit the update to some references.  Each file is reported as new,
# changed or unchanged.  Run by hand only, never from the test suite: the
# point of the files is that someone read them.  Review with
#   git diff --stat tests/corpus-expected/  and  zcat -f FILE | less -S

here=$(cd "$(dirname "$0")" && pwd) || exit 2
# shellcheck source=tests/common.sh
. "$here/common.sh"
# shellcheck source=tests/corpus.sh
. "$here/corpus.sh"

b=${1:-build}
[ $# -gt 0 ] && shift
update_only="$*"
label=${b%/}
if ! build=$(cd "$b" 2> /dev/null && pwd) || [ ! -x "$build/pf-collapse" ]; then
	echo "update-corpus-expected.sh: no $b/pf-collapse; run make first" >&2
	exit 2
fi
if [ ! -d "$corpus" ]; then
	echo "update-corpus-expected.sh: corpus directory $corpus not found" >&2
	exit 2
fi
corpus=$(cd "$corpus" && pwd)
pfc=$build/pf-collapse

make_tmp
corpus_walk corpus_update_one
echo "$npass written, $nfail failed"
[ "$nfail" -eq 0 ]
