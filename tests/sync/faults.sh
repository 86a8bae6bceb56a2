#!/bin/sh
# A sync that cannot finish says so and loses nothing: the server killed
# in the middle of a push (a clear error, no hang; what was fetched and
# imported before stays; the next sync completes), and a pre-receive hook
# refusing the push (reported as a failure, over git:// and http://, never
# as a success), after which the same sync goes through once the server
# takes pushes again; and the ref locks a killed sync left behind do not
# stop the next one.
. "$top_srcdir/tests/sync/lib.sh"

O=$T/office
IA=$T/inspector-a
IB=$T/inspector-b
mk_office "$O"
mk_inspector "$IA" 张伟 XY-017 "$O"
mk_inspector "$IB" 李娜 XY-021 "$O"
KA=$(lt_keyid "$IA")
enrol "$O" "$IA" 张伟 XY-017
enrol "$O" "$IB" 李娜 XY-021
inspect "$IA" "A 1"
inspect "$IA" "A 2"
inspect "$IA" "A 3"
inspect "$IB" "B 1"

# descendants PID: the processes PID started, and theirs (from /proc).
descendants() {
	python3 - "$1" <<'EOF'
import os, sys
kids = {}
for p in os.listdir("/proc"):
    if not p.isdigit():
        continue
    try:
        with open("/proc/%s/stat" % p) as f:
            ppid = int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        continue
    kids.setdefault(ppid, []).append(int(p))
stack, out = [int(sys.argv[1])], []
while stack:
    for k in kids.get(stack.pop(), []):
        out.append(k)
        stack.append(k)
print(" ".join(str(p) for p in out))
EOF
}

# kill_server NAME: SIGKILL the server and every process it started.
kill_server() {
	_ks_pid=$(cat "$SRV_ROOT/pids/$1.pid")
	# shellcheck disable=SC2046
	kill -KILL "$_ks_pid" $(descendants "$_ks_pid") 2>/dev/null
	wait "$_ks_pid" 2>/dev/null
	rm -f "$SRV_ROOT/pids/$1.pid"
}

#### The server killed in the middle of a push

if ! srv_git_daemon; then
	fail "git daemon starts" "$SRV_WHY"
	done_testing
fi
OFFICE_REPO=$(srv_bare office)
setup "B adds the office" lt --data "$IB" remote add office \
    "$(srv_url git office)"
setup "B syncs its record to the office" lts --data "$IB" sync office
ok "A adds the office" lt --data "$IA" remote add office "$(srv_url git office)"

# The hook says the push has arrived, then holds it until it is killed.
MARK=$T/push-arrived
cat >"$OFFICE_REPO/hooks/pre-receive" <<EOF
#!/bin/sh
cat >/dev/null
: >'$MARK'
sleep 60
EOF
chmod 755 "$OFFICE_REPO/hooks/pre-receive"

lts --data "$IA" sync office >"$T/out" 2>"$T/err" &
SYNC_PID=$!
i=0
while [ ! -e "$MARK" ] && [ "$i" -lt 400 ]; do
	sleep 0.05
	i=$((i + 1))
done
check "the push reached the server" test -e "$MARK"
kill_server daemon
wait "$SYNC_PID"
RC=$?
_last_cmd="lantian sync office (the server killed during the push)"
is "the sync fails (exit 1), and at once (not after the 60 s limit)" "$RC" 1
err_has "a clear error: the URL, the push, why" \
    "^lantian: git://127\.0\.0\.1:[0-9]+/office\.git: push: .+"
check "no sanitizer report" sh -c "! grep -q -E 'Sanitizer|runtime error:' '$T/err'"
is "the server has no branch of A (the push never landed)" \
    "$(git --git-dir="$OFFICE_REPO" for-each-ref "refs/heads/devices/$KA" | wc -l | tr -d ' ')" 0
is "what came before the push stays: B's record, on A" \
    "$(nrecords "$IA")" 4
is "the failure is noted for the home screen" \
    "$(sqlite3 "$IA/lantian.db" "SELECT value FROM settings WHERE key = 'sync.last_result'" 2>&1 | cut -d: -f1)" \
    "failed with office"

rm -f "$OFFICE_REPO/hooks/pre-receive"
fails 1 "while the server is down, sync fails" lts --data "$IA" sync office
err_has "saying it cannot connect" "^lantian: .*office\.git: fetch: .*(connect|refused)"
if srv_git_daemon; then
	# The harness gives the restarted server a fresh port.
	setup "remote remove office" lt --data "$IA" remote remove office
	setup "remote add office again" lt --data "$IA" remote add office \
	    "$(srv_url git office)"
	sync_ok "the next sync completes" "$IA" office
	out_has "A's 3 records go" "^sync with office: 3 record\(s\) sent, 0 received"
	is "the server has A's branch as A has it" \
	    "$(git --git-dir="$OFFICE_REPO" rev-parse "refs/heads/devices/$KA" 2>&1)" \
	    "$(git --git-dir="$IA/repo.git" rev-parse "refs/heads/devices/$KA" 2>&1)"
	is "the outcome is noted" \
	    "$(sqlite3 "$IA/lantian.db" "SELECT value FROM settings WHERE key = 'sync.last_result'" 2>&1)" \
	    "ok with office: 3 sent, 0 received, 0 verified, 0 refused"
	setup "the supervisor adds the office" lt --data "$O" remote add \
	    office "$(srv_url git office)"
	sync_ok "the supervisor syncs" "$O" office
	is "A's records arrived whole and verified" \
	    "$(statuses "$O" "$KA")" "1:verified 2:verified 3:verified"
	ok "lantian verify at the supervisor" lt --data "$O" verify
else
	fail "git daemon starts again" "$SRV_WHY"
fi

#### A pre-receive hook refusing the push

inspect "$IA" "A 4"
# refused KIND: A's sync with the remote KIND is refused by the hook.
refused() {
	_b=$(git --git-dir="$OFFICE_REPO" rev-parse "refs/heads/devices/$KA")
	fails 1 "$1: a push refused by a pre-receive hook is a failure" \
	    lts --data "$IA" sync "$1"
	err_has "$1: ... naming the branch refused and why" \
	    "^lantian: .*: the server refused: refs/heads/devices/$KA: pre-receive hook declined"
	check "$1: ... and no summary of a success" test ! -s "$T/out"
	is "$1: the server's branch did not move" \
	    "$(git --git-dir="$OFFICE_REPO" rev-parse "refs/heads/devices/$KA" 2>&1)" "$_b"
	is "$1: the failure is noted" \
	    "$(sqlite3 "$IA/lantian.db" "SELECT value FROM settings WHERE key = 'sync.last_result'" 2>&1 | cut -d: -f1)" \
	    "failed with $1"
}
srv_reject_pushes office
if [ -n "$SRV_GIT_URL_BASE" ]; then
	refused office
fi
if srv_http; then
	printf '%s\n' "$SRV_HTTP_PASS" >"$T/http-password"
	setup "A adds the office over http" lt --data "$IA" remote add \
	    office-http "$(srv_url http office)" --user "$SRV_HTTP_USER" \
	    --password-file "$T/http-password"
	refused office-http
else
	fail "lighttpd (http) starts" "$SRV_WHY"
fi
srv_accept_pushes office
sync_ok "once the server takes pushes again, the same sync goes through" \
    "$IA" office
out_has "the new record goes" "^sync with office: 1 record\(s\) sent"
is "the server has it" \
    "$(git --git-dir="$OFFICE_REPO" rev-parse "refs/heads/devices/$KA" 2>&1)" \
    "$(git --git-dir="$IA/repo.git" rev-parse "refs/heads/devices/$KA" 2>&1)"

# A sync killed while it moved refs leaves their lock files, after which
# git refuses to move those refs again: the next sync removes them (it
# holds sync.lock, and only a sync moves refs).
inspect "$IA" "A 6"
for r in "refs/heads/devices/$KA" refs/heads/office \
    "refs/lantian/office/devices/$KA"; do
	mkdir -p "$IA/repo.git/$(dirname "$r")"
	: >"$IA/repo.git/$r.lock"
done
: >"$IA/repo.git/packed-refs.lock"
sync_ok "the locks a killed sync left do not stop the next one" "$IA" office
out_has "its record goes" "^sync with office: 1 record\(s\) sent"
check "and no lock is left" sh -c \
    "! find '$IA/repo.git' -name '*.lock' | grep -q ."

done_testing
