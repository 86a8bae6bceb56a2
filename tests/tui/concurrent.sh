#!/bin/sh
# Two lantian processes on one store at once, as in the field: the TUI
# open at the office while a `lantian sync` runs again and again from
# cron, and the inspector signing inspections from the command line while
# another sync of its own runs beside them.  Both sides work: every
# command exits 0, no "database is locked" (nor busy) reaches the user on
# stderr or on the screen, the decisions made in the TUI during the syncs
# are stored and go out, every record arrives once, and both stores pass
# lantian verify and SQLite's integrity check.
set -u
. "$top_srcdir/tests/tui/lib.sh"

ROUNDS=8
[ "${LANTIAN_LONG:-0}" = 1 ] && ROUNDS=60
office_and_inspector
answers boiler "$GAS_BOILER"

# step LOG CMD...: run CMD, its status and stderr appended to LOG.
step() {
	_log=$1
	shift
	"$@" >/dev/null 2>"$_log.err"
	echo "$? $*" >>"$_log"
	cat "$_log.err" >>"$_log.stderr"
}

# cron ROUNDS: what runs beside the TUI, each round: the inspector signs
# an inspection while its own sync runs, then the office's sync imports
# what came.  Done when $T/cron.done exists.
cron() {
	: >"$T/cron"
	: >"$T/cron.stderr"
	_i=0
	while [ "$_i" -lt "$1" ]; do
		_i=$((_i + 1))
		step "$T/cron.sync" "$LANTIAN" --data "$D" sync stick &
		step "$T/cron" "$LANTIAN" --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 \
		    --form boiler --answers "$A" --passphrase-file "$PASSFILE"
		wait
		step "$T/cron" "$LANTIAN" --data "$D" sync stick
		step "$T/cron" "$LANTIAN" --data "$O" sync "$STICK"
	done
	: >"$T/cron.done"
}

# The office's TUI, on the queue, while cron runs.
tui_start "$O" en LANTIAN_NOW=2030-03-03T08:00:00Z TZ=UTC LANTIAN_AUTOSYNC=0
wait_for "home" 'Drafts in progress'
keys v
wait_for "v: the review queue" 'Review: waiting for a decision'
screen_has "three records" '^ 3 records +1/3$'
: >"$T/cron.sync"
: >"$T/cron.sync.stderr"
cron "$ROUNDS" &
CRON=$!

# Decide while the syncs run: accept the oldest, reload, accept two more.
accept_one "accepted while cron syncs"
screen_lacks "no lock error on the screen" 'locked|busy|Cannot'
keys Escape
wait_for "home" 'Drafts in progress'
keys v
wait_for "the queue again, read while cron syncs" \
    'Review: waiting for a decision'
keys Space Down Space
wait_for "two marked" ' 2 marked \(A accepts them\)'
keys A
wait_for "the passphrase" "The office's passphrase signs the decision"
type_text 'the office 办公室 key'
keys Enter
wait_for "both accepted" \
    '2 records accepted; the decisions go out with the next sync'
screen_lacks "still no lock error" 'locked|busy|Cannot'
wait "$CRON"
check "cron finished its rounds" test -e "$T/cron.done"

# The TUI sees what cron brought.
keys Escape
wait_for "home" 'Drafts in progress'
keys v
wait_for "the queue has the records cron brought" \
    "^ $ROUNDS records +1/$ROUNDS\$"
screen_lacks "and no error" 'locked|busy|Cannot'
tui_quit "the office's TUI quits with status 0"

is "every command cron ran exited 0" \
    "$(awk '$1 != 0' "$T/cron" "$T/cron.sync" | head -n 3)" ""
is "($((ROUNDS * 4)) commands)" \
    "$(cat "$T/cron" "$T/cron.sync" | wc -l | tr -d ' ')" $((ROUNDS * 4))
check "no \"database is locked\" (nor busy) on their stderr" \
    sh -c "! grep -i -E 'locked|busy' '$T/cron.stderr' '$T/cron.sync.stderr'"
check "nor on the TUI's" sh -c "! grep -i -E 'locked|busy' '$T/tui.err'"

setup "the office sends its decisions" lt --data "$O" sync "$STICK"
setup "the inspector takes them" lt --data "$D" sync stick
is "the inspector has every record once, seq 1..$((ROUNDS + 3))" \
    "$(sqlite3 "$D/lantian.db" "SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM records")" \
    "$((ROUNDS + 3))|$((ROUNDS + 3))|1|$((ROUNDS + 3))"
is "the office has them all, verified" \
    "$(sqlite3 "$O/lantian.db" "SELECT count(*), count(DISTINCT id), sum(status = 'verified') FROM records WHERE type = 'inspection'")" \
    "$((ROUNDS + 3))|$((ROUNDS + 3))|$((ROUNDS + 3))"
is "the three decisions made during the syncs are stored" \
    "$(lt --data "$O" review list --state accepted --json | json 'len(d)')" 3
is "and reached the inspector" \
    "$(lt --data "$D" review list --state accepted --json | json 'len(d)')" 3
ok "lantian verify at the inspector" lt --data "$D" verify
ok "lantian verify at the office" lt --data "$O" verify
is "SQLite's integrity check at the inspector" \
    "$(sqlite3 "$D/lantian.db" "PRAGMA integrity_check")" ok
is "and at the office" "$(sqlite3 "$O/lantian.db" "PRAGMA integrity_check")" ok

done_testing
