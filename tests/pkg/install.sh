#!/bin/sh
# make install and make uninstall, as an office's IT person runs them
# (TAP).  Usage: install.sh BUILDDIR PREFIX
#   - a DESTDIR staging holds the program, the forms, the translations,
#     the manual page, the bash completion and the systemd user units;
#   - installed in PREFIX (what the build was configured with), lantian
#     runs from there without the source or build tree: its forms, its
#     Chinese, an inspection signed and verified, the manual page found by
#     man;
#   - make uninstall leaves no file behind, staged or installed.
set -u
build=$1
prefix=$2
n=0
failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/lantian-install.XXXXXX")
trap 'rm -rf "$T"' EXIT

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [ $# -gt 1 ] && echo "#   $2"; }
check() { d=$1; shift; if "$@" >"$T/out" 2>&1; then pass "$d"; else fail "$d" "$(head -c 300 "$T/out")"; fi; }

stage=$T/stage
check "make install DESTDIR=..." make -C "$build" install DESTDIR="$stage"
for f in bin/lantian share/lantian/forms/boiler.json \
    share/lantian/forms/coal-ban.json share/man/man1/lantian.1 \
    share/locale/zh_CN/LC_MESSAGES/lantian.mo \
    share/bash-completion/completions/lantian \
    lib/systemd/user/lantian-sync.service \
    lib/systemd/user/lantian-sync.timer; do
	check "staged: $f" test -f "$stage$prefix/$f"
done
check "the unit runs the installed program" grep -q \
    "^ExecStart=$prefix/bin/lantian sync --auto" \
    "$stage$prefix/lib/systemd/user/lantian-sync.service"
check "make uninstall DESTDIR=..." make -C "$build" uninstall DESTDIR="$stage"
check "nothing is left staged" sh -c "test -z \"\$(find '$stage' -type f)\""

check "make install" make -C "$build" install
L=$prefix/bin/lantian
# Nothing of the trees: another directory, a clean environment.
cd "$T" || exit 1
run() { env -i HOME="$T/home" PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"; }
check "lantian --version" sh -c "env -i PATH=/usr/bin:/bin '$L' --version \
    >'$T/version'"
check "it names its libraries" grep -q "SQLite .* libgit2 .* libsodium" \
    "$T/version"
check "its forms, from $prefix/share/lantian/forms" sh -c \
    "env -i HOME='$T/home' PATH=/usr/bin:/bin '$L' --data '$T/d' forms list | grep -q '^boiler '"
printf 'pass 蓝天\n' >"$T/pass"
check "init" run "$L" --data "$T/d" init --name 张伟 --badge XY-017 \
    --passphrase-file "$T/pass"
printf 'id,name,kind,village\nXY-E-101,下冶镇供热站,enterprise,下冶村\n' \
    >"$T/sites.csv"
check "sites import" run "$L" --data "$T/d" sites import "$T/sites.csv"
printf '{"fuel": "coal", "use": "production", "capacity_tph": 4, "status": "running"}\n' >"$T/a.json"
check "an inspection" run "$L" --data "$T/d" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 \
    --form boiler --answers "$T/a.json" --passphrase-file "$T/pass"
check "verify" run "$L" --data "$T/d" verify
check "the finding" sh -c "env -i HOME='$T/home' PATH=/usr/bin:/bin \
    '$L' --data '$T/d' findings list | grep -q coal-le35"
# The TUI in Chinese, from the installed catalogue (a terminal of tmux).
tmux -L "lt-install-$$" -f /dev/null new-session -d -x 80 -y 24 \
    "env -i HOME='$T/home' PATH=/usr/bin:/bin LANG=C.UTF-8 TERM=screen \
    LANTIAN_LANG=zh LANTIAN_AUTOSYNC=0 '$L' --data '$T/d'" 2>/dev/null
i=0
while [ $i -lt 100 ]; do
	tmux -L "lt-install-$$" capture-pane -p >"$T/screen" 2>/dev/null
	grep -q '进行中的草稿' "$T/screen" && break
	sleep 0.1
	i=$((i + 1))
done
check "the terminal UI speaks Chinese from the installed catalogue" \
    grep -q '进行中的草稿' "$T/screen"
tmux -L "lt-install-$$" kill-server 2>/dev/null
check "man finds the page" sh -c "MANPATH='$prefix/share/man' man -w lantian | grep -q '$prefix/share/man/man1/lantian.1'"
check "make uninstall" make -C "$build" uninstall
check "nothing is left installed" sh -c "test -z \"\$(find '$prefix' -type f 2>/dev/null)\""

echo "1..$n"
[ "$failed" -eq 0 ]
