#!/bin/sh
# Sync by itself when a link comes back (lantian sync --watch, --auto):
#   - a git daemon that is down when the watcher starts and comes up
#     later: the records arrive (polled for, up to a generous limit: no
#     time is asserted), the watcher's log says offline, then synced;
#   - a USB stick's repository that appears while the watcher runs: synced;
#     pulled out in the middle of a sync (held at its push by
#     LANTIAN_TEST_SYNC_HOLD, the stick moved away): a clear failure, what
#     was imported complete, nothing of this device on the stick; put back:
#     the next sync completes it;
#   - --records-only: no attachment branch reaches that remote, the
#     records do, and another remote still gets the photos;
#   - --auto: one pass by priority, an offline remote said as such;
#   - two syncs at once on one store: the second says "a sync is already
#     running" and exits 3 (also --auto); two started together both end
#     well or with 3, and the store is consistent; a lock left by a killed
#     sync is taken over.
. "$top_srcdir/tests/sync/lib.sh"

# Short waits between tries, so that the test does not wait for minutes.
LANTIAN_SYNC_BACKOFF=1,2
LANTIAN_SYNC_INTERVAL=2
export LANTIAN_SYNC_BACKOFF LANTIAN_SYNC_INTERVAL

O=$T/office
IA=$T/inspector-a
IB=$T/inspector-b
mk_office "$O"
mk_inspector "$IA" 张伟 XY-017 "$O"
mk_inspector "$IB" 李娜 XY-021 "$O"
KA=$(lt_keyid "$IA")
KB=$(lt_keyid "$IB")
enrol "$O" "$IA" 张伟 XY-017
enrol "$O" "$IB" 李娜 XY-021
inspect "$IA" "A 1"
inspect "$IA" "A 2"
inspect "$IB" "B 1"
inspect "$IB" "B 2"
inspect "$IB" "B 3"

# poll DESC LIMIT CMD...: CMD succeeds within LIMIT seconds (checked
# every 0.2 s); the limit is generous, never the thing tested.
poll() {
	_pd=$1 _pl=$2
	shift 2
	_pn=0
	while [ "$_pn" -lt $((_pl * 5)) ]; do
		if "$@" >/dev/null 2>&1; then
			pass "$_pd"
			return 0
		fi
		sleep 0.2
		_pn=$((_pn + 1))
	done
	fail "$_pd" "not within $_pl s: $*"
	return 1
}

# has_branch REPO REF: the bare repository REPO has REF.
has_branch() {
	git --git-dir="$1" rev-parse -q --verify "$2" >/dev/null 2>&1
}

# watch_start DIR LOG [VAR=VALUE...]: lantian sync --watch in the
# background, its lines in LOG; its pid in $WPID.
watch_start() {
	_wd=$1 _wl=$2
	shift 2
	env "$@" "$LANTIAN" --data "$_wd" sync --watch >"$_wl" 2>&1 &
	WPID=$!
}

# watch_stop: SIGTERM, and the watcher's exit status in $WRC.
watch_stop() {
	kill -TERM "$WPID" 2>/dev/null
	wait "$WPID"
	WRC=$?
}

#### A git daemon down when the watcher starts, up later

if ! srv_git_daemon; then
	fail "git daemon starts" "$SRV_WHY"
	done_testing
fi
srv_bare office >/dev/null
OFFICE_URL=$(srv_url git office)
setup "B: remote add office" "$LANTIAN" --data "$IB" remote add office \
    "$OFFICE_URL"
srv_stop daemon
ok "B: sync --auto with the server down" "$LANTIAN" --data "$IB" sync --auto
out_has "--auto says the server is offline, and why" \
    "^[0-9T:Z-]+ office: offline: connect 127\.0\.0\.1 port $SRV_GIT_PORT: Connection refused$"
watch_start "$IB" "$T/watch-b.log"
poll "the watcher says the server is offline" 60 \
    grep -q -E "office: offline: .*; next try in [0-9]+ s$" "$T/watch-b.log"
if srv_git_daemon_again; then
	pass "the server comes back on its port"
else
	fail "the server comes back on its port" "$SRV_WHY"
fi
poll "B's records reach the server once it is up" 60 \
    has_branch "$SRV_REPOS/office.git" "refs/heads/devices/$KB"
poll "the watcher says it synced" 60 \
    grep -q -E "office: synced: 3 sent, 0 received" "$T/watch-b.log"
watch_stop
is "SIGTERM stops the watcher, exit status 0" "$WRC" 0

#### A USB stick that appears, then is pulled out in the middle of a sync

# The office puts its roster on the stick: the records are verified.
STICK=$T/stick.git
setup "the office: remote add usb --create" "$LANTIAN" --data "$O" \
    remote add usb "$STICK" --create
setup "the office syncs with the stick" "$LANTIAN" --data "$O" sync usb
setup "A: remote add usb" "$LANTIAN" --data "$IA" remote add usb "$STICK"
setup "B: remote add usb" "$LANTIAN" --data "$IB" remote add usb "$STICK"
sync_ok "B puts its records on the stick" "$IB" usb
mv "$STICK" "$T/stick-away.git"
watch_start "$IA" "$T/watch-a.log" "LANTIAN_TEST_SYNC_HOLD=push:$T/hold"
sleep 1
check "nothing happens while the stick is away" \
    sh -c "! grep -q 'usb: synced' '$T/watch-a.log'"
mv "$T/stick-away.git" "$STICK"
poll "the stick is seen, and the sync reaches its push" 60 \
    test -e "$T/hold"
poll "the watcher says the stick is there" 10 \
    grep -q "usb: there$" "$T/watch-a.log"
mv "$STICK" "$T/stick-away.git"
rm -f "$T/hold"
poll "pulled out mid-sync: a clear failure" 60 \
    grep -q -E "usb: failed: .*stick-?\.git|usb: failed: .*$STICK" \
    "$T/watch-a.log"
is "what A imported before the push is complete: B's 3 records" \
    "$(statuses "$IA" "$KB")" "1:verified 2:verified 3:verified"
check "nothing of A reached the stick" \
    sh -c "! git --git-dir='$T/stick-away.git' rev-parse -q --verify \
    refs/heads/devices/$KA"
mv "$T/stick-away.git" "$STICK"
poll "put back: the sync holds at its push again" 60 test -e "$T/hold"
rm -f "$T/hold"
poll "put back: A's records reach the stick" 60 \
    has_branch "$STICK" "refs/heads/devices/$KA"
watch_stop
is "A has every record once: 2 of its own, 3 of B" "$(nrecords "$IA")" 5
ok "lantian verify in A" "$LANTIAN" --data "$IA" verify
grep -v -e ' usb: there$' -e ' usb: gone: ' -e ' usb: synced: ' \
    -e ' usb: failed: ' -e ' office: ' "$T/watch-a.log" >"$T/odd.log"
check "the watcher logs one line per attempt and nothing else" \
    test ! -s "$T/odd.log"

#### --records-only: no attachment branch over that remote

printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\2\0\0\0' \
    >"$T/photo.png"
lt_inspect "$IA" XY-E-102 boiler "$GAS_BOILER" --attach "$T/photo.png"
srv_bare metered >/dev/null
setup "A: remote add metered --records-only" "$LANTIAN" --data "$IA" \
    remote add metered "$(srv_url git metered)" --records-only --priority 1
ok "remote list shows the options" "$LANTIAN" --data "$IA" remote list
out_has "its priority and records-only" \
    'metered	git://.*	\{.*"priority": ?1.*"records_only": ?true|metered	git://.*	\{.*"records_only": ?true.*"priority": ?1'
sync_ok "A syncs over the metered link" "$IA" metered
check "its records went" has_branch "$SRV_REPOS/metered.git" \
    "refs/heads/devices/$KA"
check "no attachment branch went" \
    sh -c "! git --git-dir='$SRV_REPOS/metered.git' for-each-ref \
    refs/heads/attachments | grep -q ."
sync_ok "A syncs with the stick" "$IA" usb
check "the stick has A's photos" has_branch "$STICK" \
    "refs/heads/attachments/$KA"

#### --auto: one pass by priority

setup "A: remote add down (nothing listens there)" "$LANTIAN" --data "$IA" \
    remote add down "git://127.0.0.1:$(srv_free_port)/none.git" \
    --priority 50
ok "A: sync --auto" "$LANTIAN" --data "$IA" sync --auto
is "one line per remote, by priority: metered (1), usb (10), down (50)" \
    "$(sed 's/^[0-9T:Z-]* \([a-z]*\): \([a-z]*\).*/\1 \2/' "$T/out" | tr '\n' ' ')" \
    "metered synced usb synced down offline "

#### Two syncs at once on one store

# (-o: the lock is flock's own, not inherited by sleep.)
flock -o "$IA/sync.lock" sleep 30 &
FPID=$!
poll "another process holds the store's sync lock" 10 \
    sh -c "! flock -n '$IA/sync.lock' true"
fails 3 "a second sync exits 3" "$LANTIAN" --data "$IA" sync usb
err_has "it says why" "^lantian: sync: a sync is already running on this store"
fails 3 "sync --auto exits 3 too" "$LANTIAN" --data "$IA" sync --auto
pkill -P "$FPID" sleep 2>/dev/null
kill "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null
inspect "$IA" "A 4"
"$LANTIAN" --data "$IA" sync usb >"$T/s1.out" 2>"$T/s1.err" &
P1=$!
"$LANTIAN" --data "$IA" sync usb >"$T/s2.out" 2>"$T/s2.err" &
P2=$!
wait "$P1"
R1=$?
wait "$P2"
R2=$?
check "two syncs started together: each ends well or exits 3 ($R1, $R2)" \
    sh -c "[ $R1 -eq 0 -o $R1 -eq 3 ] && [ $R2 -eq 0 -o $R2 -eq 3 ] &&
    [ $R1 -eq 0 -o $R2 -eq 0 ]"
is "the store holds each record once" "$(nrecords "$IA")" 7
ok "lantian verify after them" "$LANTIAN" --data "$IA" verify
sync_ok "B syncs with the stick" "$IB" usb
is "B has A's four records (one with its photo)" \
    "$(statuses "$IB" "$KA")" \
    "1:verified 2:verified 3:verified 4:verified"

# A sync killed while it holds the lock: the kernel frees it.
LANTIAN_TEST_SYNC_HOLD=fetch:$T/hold-kill "$LANTIAN" --data "$IA" sync usb \
    >/dev/null 2>&1 &
KPID=$!
poll "a sync holds the lock (held at its fetch)" 30 test -e "$T/hold-kill"
check "the lock is taken" sh -c "! flock -n '$IA/sync.lock' true"
kill -KILL "$KPID" 2>/dev/null
wait "$KPID" 2>/dev/null
sync_ok "the lock of the killed sync is taken over" "$IA" usb

done_testing
