#!/bin/sh
# Automatic sync in the TUI, against a real git daemon on 127.0.0.1: the
# status line says offline while the server is down and the inspector
# answers questions; the server comes up in the middle of the inspection
# and the status line goes to synced, with the record that was waiting on
# the server, while every key typed meanwhile lands (the draft holds each
# answer); P pauses automatic sync and says so, S syncs now.
set -u
. "$top_srcdir/tests/tui/lib.sh"
. "$top_srcdir/tests/sync/servers.sh"
trap 'tui_cleanup; srv_stop_all; rm -rf "$T"' EXIT

D=$T/d
lt_init "$D"
lt_sites "$D"
KEY=$(lt_keyid "$D")

if ! srv_git_daemon; then
	fail "git daemon starts" "$SRV_WHY"
	done_testing
fi
REPO=$(srv_bare office)
ok "remote add office" lt --data "$D" remote add office \
    "$(srv_url git office)"
srv_stop daemon
# One record waits to be sent.
lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER"

tui_start "$D" en LANTIAN_SYNC_BACKOFF=1,2 LANTIAN_SYNC_INTERVAL=600 TZ=UTC
wait_for "home" 'Drafts in progress'
wait_for "the status line: offline, with the next try" \
    'offline, next try in [0-9]+ s *$'
screen_has "the record waits" 'Records waiting to sync: 1'

# An inspection, begun while offline.
keys s
wait_for "sites" 'Search:'
type_text 面馆
wait_for "the restaurant" 'Sites: 1'
keys Enter
wait_for "its forms" 'Restaurant cooking-fume inspection'
keys Down Enter
wait_for "the form's first page" 'The plan \(task 7\) asks'
keys Enter
wait_for "the first question" 'Is a fume purifier installed\?'
screen_has "still offline" 'offline, next try in [0-9]+ s *$'
keys y

# The server comes back while the inspector answers.
if srv_git_daemon_again; then
	pass "the server comes back"
else
	fail "the server comes back" "$SRV_WHY"
fi
wait_for "the next question" 'Is the purifier running whenever the stoves are\?'
keys n
wait_for "the status line: synced, 1 sent" \
    'synced at [0-9]{2}:[0-9]{2} with office: 1 sent, 0 received *$'
wait_for "the answer before it is taken: the next question" \
    'Are there cleaning and maintenance records'
keys Down Enter
wait_for "and the next" 'Photo of the purifier'
check "the waiting record is on the server" git --git-dir="$REPO" \
    rev-parse -q --verify "refs/heads/devices/$KEY"
is "no answer was lost: the draft holds all three" \
    "$(sql "$D" "SELECT json_extract(answers, '$.purifier_installed') || json_extract(answers, '$.purifier_running') || json_extract(answers, '$.cleaning_records') FROM drafts")" \
    100

# Pause, then sync now.
keys Escape
wait_for "Esc: the site" 'Inspect with'
keys Escape
wait_for "Esc: the sites" 'Search:'
keys Escape
wait_for "Esc: the search cleared" 'Sites: 6'
keys Escape
wait_for "back home, the draft kept" 'Drafts in progress \(1\)'
keys P
wait_for "P pauses automatic sync" 'Automatic sync paused: S or F9 still syncs now\.'
screen_has "the status line says so" 'auto sync paused \(P resumes\) *$'
is "the pause is kept in the store" \
    "$(sql "$D" "SELECT value FROM settings WHERE key = 'sync.auto'")" paused
keys S
wait_for "S syncs now, paused or not" 'Syncing now with every remote in reach\.'
keys P
wait_for "P again resumes it" 'Automatic sync resumed\.'
wait_for "the status line shows the last sync again" \
    'synced at [0-9]{2}:[0-9]{2} with office'
tui_quit "q quits while automatic sync runs"

done_testing
