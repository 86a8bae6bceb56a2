#!/bin/sh
# The Debian package (TAP), as CI makes and tries it on a clean Debian 12:
# dpkg-buildpackage -us -uc -b from a copy of the tree; its dependencies
# from ${shlibs:Depends}; lintian without an error; apt-get install of the
# .deb; lantian --version and a short inspection with the installed
# program; apt-get remove.  Usage: deb.sh TOP (the source tree).
set -u
top=$1
n=0
failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/lantian-deb.XXXXXX")
trap 'rm -rf "$T"' EXIT

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
check() { d=$1; shift; if "$@" >"$T/out" 2>&1; then pass "$d"; else fail "$d" "$(tail -n 15 "$T/out" | tr '\n' '|')"; fi; }

if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo -n"
else
	echo "1..0 # SKIP installing a package needs root or sudo"
	exit 0
fi

version=$(sed -n '1s/^lantian (\([^)]*\)).*/\1/p' "$top/debian/changelog")
arch=$(dpkg --print-architecture)
src=$T/lantian-$version
mkdir -p "$src"
# The tree as git knows it (with its uncommitted changes), or as it is.
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$src"
else
	(cd "$top" && tar --exclude=./build -cf - .) | tar -xf - -C "$src"
fi

check "dpkg-buildpackage -us -uc -b" sh -c "cd '$src' && \
    dpkg-buildpackage -us -uc -b"
deb=$T/lantian_${version}_$arch.deb
check "it made lantian_${version}_$arch.deb" test -f "$deb"
dpkg-deb -f "$deb" Depends >"$T/depends" 2>&1
for lib in libsqlite3 libgit2 libsodium libjansson libarchive libssl \
    libncursesw; do
	check "it depends on $lib (\${shlibs:Depends})" grep -q "$lib" \
	    "$T/depends"
done
dpkg-deb -c "$deb" >"$T/contents"
for f in ./usr/bin/lantian ./usr/share/man/man1/lantian.1.gz \
    ./usr/share/lantian/forms/boiler.json \
    ./usr/share/locale/zh_CN/LC_MESSAGES/lantian.mo \
    ./usr/share/bash-completion/completions/lantian \
    ./usr/lib/systemd/user/lantian-sync.timer \
    ./usr/lib/systemd/user/lantian-sync.service; do
	check "it holds $f" grep -q " $f\$" "$T/contents"
done

lintian --tag-display-limit 0 "$deb" >"$T/lintian" 2>&1
grep -E '^E: ' "$T/lintian" >"$T/lintian-errors"
if [ -s "$T/lintian-errors" ]; then
	fail "lintian: no error" "$(tr '\n' '|' <"$T/lintian-errors")"
else
	pass "lintian: no error ($(grep -c '^W: ' "$T/lintian") warning(s))"
fi
sed 's/^/# lintian: /' "$T/lintian"

check "apt-get install ./lantian_${version}_$arch.deb" sh -c \
    "cd '$T' && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
    './lantian_${version}_$arch.deb'"
L=/usr/bin/lantian
check "lantian --version" sh -c "'$L' --version >'$T/version'"
check "it names its version and libraries" grep -q \
    "^lantian $(echo "$version" | sed 's/-.*//')" "$T/version"
printf 'pass 蓝天\n' >"$T/pass"
printf 'id,name,kind,village\nXY-E-101,下冶镇供热站,enterprise,下冶村\n' \
    >"$T/sites.csv"
printf '{"fuel": "coal", "use": "production", "capacity_tph": 4, "status": "running"}\n' >"$T/a.json"
cd "$T" || exit 1
run() { env -i HOME="$T/home" PATH=/usr/bin:/bin LANG=C.UTF-8 "$L" --data "$T/d" "$@"; }
check "init" run init --name 张伟 --badge XY-017 --passphrase-file "$T/pass"
check "sites import" run sites import "$T/sites.csv"
check "an inspection with the installed forms" run inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 \
    --form boiler --answers "$T/a.json" --passphrase-file "$T/pass"
check "verify" run verify
run findings list >"$T/findings" 2>&1
check "its finding" grep -q coal-le35 "$T/findings"
check "man lantian" sh -c "man -w lantian | grep -q /usr/share/man/man1/lantian.1.gz"
check "apt-get remove lantian" sh -c "DEBIAN_FRONTEND=noninteractive \
    $sudo apt-get remove -y -q lantian"
check "the program is gone" test ! -e "$L"

echo "1..$n"
[ "$failed" -eq 0 ]
