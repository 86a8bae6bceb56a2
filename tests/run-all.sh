#!/bin/sh
# Every test of every kind, twice: a -Werror build (through make
# distcheck: the release tarball built and tested out of a read-only
# source tree, installed, uninstalled, cleaned) and an ASan+UBSan build,
# each out of tree under build/; then make install and uninstall of a
# prefix, the Debian package built, linted, installed, run and removed
# (tests/pkg/), and the libFuzzer harnesses (tests/fuzz/).  The last line counts every single check:
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

# build NAME CONFIGURE-FLAGS...: configure, make, make $target (check, or
# distcheck: the same suite run from the release tarball, out of a
# read-only source tree, then make install, uninstall and distclean).
target=check
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
	(cd "$dir" && make -j"$jobs" $target \
	    DISTCHECK_CONFIGURE_FLAGS="$*" >check.out 2>&1)
	status=$?
	# Where the suite ran: here, or in distcheck's build of the tarball.
	suite=$dir
	if [ "$target" = distcheck ]; then
		suite=$(ls -d "$dir"/*/_build/sub 2>/dev/null | head -n 1)
		# A distcheck that passed removed its tree: its summary is in
		# the output.
		[ -n "$suite" ] && [ -f "$suite/test-suite.log" ] ||
		    suite=$dir/distcheck-summary
		if [ "$suite" = "$dir/distcheck-summary" ]; then
			mkdir -p "$suite"
			grep -E '^# [A-Z]+: *[0-9]+' "$dir/check.out" |
			    head -n 7 >"$suite/test-suite.log"
		fi
	fi
	grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP|# )' "$dir/check.out" |
	    grep -vE '^PASS' || true
	if grep -qE '^# (FAIL|ERROR|XPASS): *[1-9]' "$suite/test-suite.log"; then
		# Show what failed, with the log of each failing test.
		for f in $(sed -n 's/^\(FAIL\|ERROR\): \([^ ]*\).*/\2/p' \
		    "$suite/test-suite.log" | sort -u); do
			say "--- $f.log"
			tail -n 40 "$suite/$f.log" 2>/dev/null
		done
	fi
	count "$suite"
	if [ "$status" -ne 0 ] && ! grep -qE '^# (FAIL|ERROR|XPASS): *[1-9]' \
	    "$suite/test-suite.log"; then
		# The tests passed, yet make failed (distcheck's install,
		# uninstall or distclean checks): one failure.
		tail -n 30 "$dir/check.out"
		say "lantian: $name: make $target failed"
		failed=$((failed + 1))
	fi
	say "=== $name build: $(sed -n 's/^# TOTAL: *//p' "$suite/test-suite.log" | head -n 1) checks"
}

# stage NAME COMMAND...: a TAP script; its checks counted like the rest.
stage() {
	name=$1
	shift
	say "=== $name"
	"$@" >"$top/build/$name.out" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$top/build/$name.out")
	f=$(grep -c '^not ok ' "$top/build/$name.out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# it stopped before saying what failed
	fi
	grep -E '^(not ok|#   )' "$top/build/$name.out" || true
	if [ "$f" -gt 0 ]; then
		tail -n 40 "$top/build/$name.out"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	say "=== $name: $p passed, $f failed"
}

# make install / uninstall of a build configured for a prefix of its own.
install_check() {
	dir=$top/build/install
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" --prefix="$dir/prefix" \
	    >configure.out 2>&1 && make -j"$jobs" >make.out 2>&1) || {
		tail -n 40 "$dir/make.out" "$dir/configure.out" 2>/dev/null
		echo "not ok 1 - configure and build for make install"
		return 1
	}
	sh "$top/tests/pkg/install.sh" "$dir" "$dir/prefix"
}

# The libFuzzer harnesses (clang, ASan+UBSan): seeds and past crashes,
# then a fixed number of inputs each from a fixed seed.
fuzz_check() {
	dir=$top/build/fuzz
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" CC=clang --enable-fuzzing \
	    >configure.out 2>&1 && make -j"$jobs" tests/fuzz/fuzz_record \
	    tests/fuzz/fuzz_minisig tests/fuzz/fuzz_form tests/fuzz/fuzz_sites \
	    tests/fuzz/fuzz_bagit tests/fuzz/fuzz_bundle tests/fuzz/fuzz_layout \
	    tests/fuzz/fuzz_import >make.out 2>&1) || {
		tail -n 40 "$dir/make.out" "$dir/configure.out" 2>/dev/null
		echo "not ok 1 - the fuzzers build"
		return 1
	}
	sh "$top/tests/fuzz/run.sh" "$top" "$dir" ci
}

cd "$top" || exit 1
if ! autoreconf -fi >build-autoreconf.out 2>&1; then
	cat build-autoreconf.out
	say "0 passed, 1 failed"
	exit 1
fi
rm -f build-autoreconf.out

# The -Werror pass is make distcheck's: the whole suite, from the tarball.
target=distcheck
build werror --enable-werror
target=check
build asan --enable-werror --enable-asan
stage install install_check
stage deb sh "$top/tests/pkg/deb.sh" "$top"
stage fuzz fuzz_check

say "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
