#!/usr/bin/env bash
# Quick start for pf on Debian or Ubuntu.
#
#   ./quickstart.sh          install what the build needs, build, fold the
#                            bundled sample into out/deeprec.folded, and draw
#                            it as out/deeprec.svg and out/deeprec.html
#   ./quickstart.sh check    install what the build and the tests need, then
#                            make check-all (normal and sanitizer builds)
#   ./quickstart.sh deps     install everything, including the optional
#                            tools (perf, clang for make fuzz, ...)
#
# Missing packages are installed with apt-get, through sudo when not run as
# root.  Nothing is installed that is already there.  While another
# apt-get or dpkg holds the package manager's lock, it waits (up to
# QUICKSTART_LOCK_WAIT seconds, default 900) instead of failing.
set -euo pipefail

# Debian packages, in one place.
#   build: compiler, make, pkg-config and the -dev packages of the
#          libraries the Makefile asks pkg-config for.
#   check: the test suite (mandoc lints the man pages, zcat reads the corpus,
#          xmllint checks pf-svg's output, chromium and node run the
#          browser tests of its script; playwright-core, their driver,
#          and the viewers pf-export's JSON is opened in, speedscope and
#          d3-flame-graph, come from npm: see install_browser_driver; go
#          tool pprof reads pf-export's pprof output, python3 runs the
#          independent readers of tests/ref/ and tests/perfdata/, perf
#          records the profiles pf-collapse's perf.data reader is checked
#          on, where the machine lets it record).
#   extra: not needed for building or testing: clang and its runtime
#          build the libFuzzer targets (make fuzz), time and perl are used
#          by the benchmarks.
build_pkgs=(build-essential pkg-config libxml2-dev libcairo2-dev libpcre2-dev zlib1g-dev libyajl-dev libprotobuf-c-dev protobuf-c-compiler libelf-dev libiberty-dev)
check_pkgs=(mandoc gzip libxml2-utils chromium nodejs golang-go python3 linux-perf)
extra_pkgs=(clang libclang-rt-14-dev time perl)

sample=examples/deeprec.perf.txt
outdir=out

die() {
	echo "quickstart.sh: $*" >&2
	exit 1
}

# install_missing PACKAGE...: apt-get install those not installed yet.
install_missing() {
	local missing=() p
	if ! command -v dpkg > /dev/null 2>&1 ||
	    ! command -v apt-get > /dev/null 2>&1; then
		echo "quickstart.sh: no dpkg/apt-get here; make sure these are installed: $*" >&2
		return 0
	fi
	for p in "$@"; do
		if ! dpkg -s "$p" 2> /dev/null | grep -qx 'Status: install ok installed'; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -gt 0 ] || return 0

	sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo > /dev/null 2>&1 ||
		    die "not root and no sudo; install these packages: ${missing[*]}"
		# Without a terminal (CI), fail instead of waiting for a password.
		if [ -t 0 ]; then
			sudo=(sudo)
		else
			sudo=(sudo -n)
		fi
	fi
	echo "quickstart.sh: installing ${missing[*]}"
	apt_get update -q
	apt_get install -y -q --no-install-recommends "${missing[@]}"
}

# apt_get ARG...: apt-get ARG... (through sudo when set up so), waiting and
# trying again while another apt-get or dpkg holds the lock: on a machine
# where something else is installing, quickstart.sh is slower, not broken.
lock_pattern='Could not get lock|Unable to lock|Unable to acquire the dpkg frontend lock|is another process using it'
apt_get() {
	local waited=0 step=${QUICKSTART_LOCK_STEP:-10} limit=${QUICKSTART_LOCK_WAIT:-900}
	local log st
	log=$(mktemp)
	while :; do
		st=0
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@" 2> "$log" || st=$?
		if [ "$st" -eq 0 ]; then
			cat "$log" >&2
			rm -f "$log"
			return 0
		fi
		if ! grep -qE "$lock_pattern" "$log" || [ "$waited" -ge "$limit" ]; then
			cat "$log" >&2
			rm -f "$log"
			return "$st"
		fi
		echo "quickstart.sh: the package manager is busy (another install is running); waiting" >&2
		sleep "$step"
		waited=$((waited + step))
	done
}

# install_browser_driver: playwright-core, speedscope and d3-flame-graph, at
# the versions pinned in tests/browser/package-lock.json, into
# tests/browser/node_modules (playwright-core drives Debian's chromium; it
# downloads no browser of its own).
install_browser_driver() {
	[ -d tests/browser/node_modules/playwright-core ] &&
	    [ -d tests/browser/node_modules/speedscope ] &&
	    [ -d tests/browser/node_modules/d3-flame-graph ] && return 0
	# Debian's nodejs comes without npm; other builds of nodejs (such as
	# NodeSource's) bring their own and conflict with Debian's npm.
	command -v npm > /dev/null 2>&1 || install_missing npm
	echo "quickstart.sh: installing playwright-core, speedscope and d3-flame-graph into tests/browser"
	(cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts)
}

main() {
	cd "$(dirname "$0")"
	jobs=$(getconf _NPROCESSORS_ONLN 2> /dev/null || echo 2)

	case ${1:-run} in
	run)
		install_missing "${build_pkgs[@]}"
		make -j"$jobs"
		[ -f "$sample" ] || die "$sample is missing"
		mkdir -p "$outdir"
		build/pf-collapse -o "$outdir/deeprec.folded" "$sample"
		echo "folded stacks: $outdir/deeprec.folded ($(wc -l < "$outdir/deeprec.folded") stacks)"

		build/pf-svg --title "deeprec" -o "$outdir/deeprec.svg" "$outdir/deeprec.folded"
		echo "flame graph:   $outdir/deeprec.svg (open it in a browser)"

		build/pf-html --title "deeprec" -o "$outdir/deeprec.html" "$outdir/deeprec.folded"
		echo "viewer:        $outdir/deeprec.html (open it in a browser)"
		;;
	check)
		install_missing "${build_pkgs[@]}" "${check_pkgs[@]}"
		install_browser_driver
		make -j"$jobs" check-all
		;;
	deps)
		install_missing "${build_pkgs[@]}" "${check_pkgs[@]}" "${extra_pkgs[@]}"
		install_browser_driver
		;;
	*)
		echo "usage: ./quickstart.sh [run | check | deps]" >&2
		exit 2
		;;
	esac
}

# Sourced (by the tests), it only defines the functions above.
sudo=()
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	main "$@"
fi
