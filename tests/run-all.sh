#!/bin/sh
# Every test of every kind, twice: a -Werror build and an ASan+UBSan build,
# each out of tree under build/.  The last line counts every single check:
# "N passed, N failed".
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0

say() { printf '%s\n' "$*"; }

# Add the counts of one build's test-suite.log.
count() {
	log=$1/test-suite.log
	if [ ! -f "$log" ]; then
		failed=$((failed + 1))
		return
	fi
	p=$(sed -n 's/^# PASS: *//p' "$log" | head -n 1)
	x=$(sed -n 's/^# XFAIL: *//p' "$log" | head -n 1)
	f=$(sed -n 's/^# FAIL: *//p' "$log" | head -n 1)
	xp=$(sed -n 's/^# XPASS: *//p' "$log" | head -n 1)
	e=$(sed -n 's/^# ERROR: *//p' "$log" | head -n 1)
	passed=$((passed + ${p:-0} + ${x:-0}))
	failed=$((failed + ${f:-0} + ${xp:-0} + ${e:-0}))
}

# build NAME CONFIGURE-FLAGS...
build() {
	name=$1
	shift
	dir=$top/build/$name
	say "=== $name build: configure $*"
	rm -rf "$dir"
	mkdir -p "$dir"
	if ! (cd "$dir" && "$top/configure" "$@" >configure.out 2>&1); then
		cat "$dir/configure.out"
		say "lantian: $name: configure failed"
		failed=$((failed + 1))
		return
	fi
	tail -n 12 "$dir/configure.out"
	if ! (cd "$dir" && make -j"$jobs" >make.out 2>&1); then
		tail -n 60 "$dir/make.out"
		say "lantian: $name: build failed"
		failed=$((failed + 1))
		return
	fi
	(cd "$dir" && make -j"$jobs" check >check.out 2>&1)
	grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP|# )' "$dir/check.out" |
	    grep -vE '^PASS' || true
	if grep -qE '^# (FAIL|ERROR|XPASS): *[1-9]' "$dir/test-suite.log"; then
		# Show what failed, with the log of each failing test.
		for f in $(sed -n 's/^\(FAIL\|ERROR\): \([^ ]*\).*/\2/p' \
		    "$dir/test-suite.log" | sort -u); do
			say "--- $f.log"
			tail -n 40 "$dir/$f.log" 2>/dev/null
		done
	fi
	count "$dir"
	say "=== $name build: $(sed -n 's/^# TOTAL: *//p' "$dir/test-suite.log" | head -n 1) checks"
}

cd "$top" || exit 1
if ! autoreconf -fi >build-autoreconf.out 2>&1; then
	cat build-autoreconf.out
	say "0 passed, 1 failed"
	exit 1
fi
rm -f build-autoreconf.out

build werror --enable-werror
build asan --enable-werror --enable-asan

say "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
