#!/bin/sh
# Run the libFuzzer harnesses (TAP): each first on its seeds and on the
# inputs of past crashes (tests/fuzz/regress/<harness>/: every crash found
# becomes one), then fuzzed for SECONDS from its seeds.  A crash, a leak,
# a sanitizer report or a timeout is a failed check, its input kept as
# BUILDDIR/fuzz-crash-<harness>-*.
# Usage: run.sh SRCDIR BUILDDIR SECONDS|ci
# "ci" fuzzes each a fixed number of inputs from a fixed seed (about 10 to
# 20 s each here): the same run on every machine, so that CI fails only
# for a crash that a developer can run again.
set -u
src=$1
build=$2
secs=$3
n=0
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/lantian-fuzzrun.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The inputs CI gives each harness (-runs, with -seed=1).
ci_runs() {
	case $1 in
	fuzz_record|fuzz_minisig|fuzz_layout)	echo 500000 ;;
	fuzz_bagit)			echo 300000 ;;
	fuzz_form|fuzz_sites)		echo 50000 ;;
	fuzz_bundle)			echo 3000 ;;
	fuzz_import)			echo 1000 ;;
	esac
}

seeds() {
	case $1 in
	fuzz_form)	echo "$src/forms" ;;
	fuzz_sites)	echo "$src/tests/data/cli" ;;
	*)		echo "$src/tests/fuzz/seeds/${1#fuzz_}" ;;
	esac
}

for h in fuzz_record fuzz_minisig fuzz_form fuzz_sites fuzz_bagit \
    fuzz_bundle fuzz_layout fuzz_import; do
	bin=$build/tests/fuzz/$h
	n=$((n + 1))
	if [ ! -x "$bin" ]; then
		failed=$((failed + 1))
		echo "not ok $n - $h: built"
		continue
	fi
	corpus=$work/$h
	mkdir -p "$corpus" "$work/tmp"
	regress=$src/tests/fuzz/regress/$h
	inputs=$(find "$(seeds "$h")" ${regress:+$( [ -d "$regress" ] && echo "$regress")} \
	    -type f 2>/dev/null)
	# The seeds and past crashes, each run once.
	# shellcheck disable=SC2086
	if TMPDIR=$work/tmp "$bin" -timeout=20 -rss_limit_mb=2048 $inputs \
	    >"$work/$h.replay" 2>&1; then
		echo "ok $n - $h: its seeds and past crashes run clean ($(echo "$inputs" | grep -c .) inputs)"
	else
		failed=$((failed + 1))
		echo "not ok $n - $h: its seeds and past crashes run clean"
		tail -n 30 "$work/$h.replay" | sed 's/^/#   /'
	fi
	n=$((n + 1))
	if [ "$secs" = ci ]; then
		limit="-runs=$(ci_runs "$h") -seed=1"
		what="$(ci_runs "$h") inputs from seed 1"
	else
		limit="-max_total_time=$secs"
		what="$secs s"
	fi
	# shellcheck disable=SC2086
	if TMPDIR=$work/tmp "$bin" $limit -timeout=20 \
	    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix="$build/fuzz-crash-$h-" "$corpus" \
	    "$(seeds "$h")" >"$work/$h.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$work/$h.log")
		echo "ok $n - $h: fuzzed ($what), ${runs:-?} inputs run, no crash"
	else
		failed=$((failed + 1))
		echo "not ok $n - $h: fuzzed ($what) without a crash"
		tail -n 40 "$work/$h.log" | sed 's/^/#   /'
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
