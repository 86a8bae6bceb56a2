#!/bin/sh
# History: 24 records a page at a time, newest first; a record with
# its verification status and findings; a follow-up from a record with
# open findings that closes them; a record whose bytes were changed in the
# store shown as such.
set -u
. "$top_srcdir/tests/tui/lib.sh"

D=$T/d
lt_init "$D"
lt_sites "$D"
PASS='correct horse 蓝天 staple'
LOOSE='{"in_ban_zone": true, "loose_coal": ["storage"], "coal_kg": 50, "substituted": true, "heating": "electric"}'

# 24 records, one a day of January 2026: every eighth day from the 7th a
# clean household (王建国家), the other days loose coal at another
# (李秀英家), a violation: 21 records of one site.
i=1
while [ "$i" -le 24 ]; do
	day=$(printf '2026-01-%02dT08:00:00Z' "$i")
	if [ $((i % 8)) -eq 7 ]; then
		LANTIAN_NOW=$day lt_inspect "$D" XY-H-101 coal-ban "$COAL_BAN"
	else
		LANTIAN_NOW=$day lt_inspect "$D" XY-H-102 coal-ban "$LOOSE"
	fi
	[ "$i" -eq 1 ] && OLDEST=$ID
	[ "$i" -eq 24 ] && NEWEST=$ID
	[ "$i" -eq 23 ] && CLEAN=$ID
	i=$((i + 1))
done
is "24 records to page through" "$(lt_count "$D")" 24

tui_start "$D" en TZ=UTC
wait_for "home" 'Lantian 蓝天 · Home'
screen_has "24 wait to sync" 'Records waiting to sync: 24'
keys h
wait_for "h: the history, newest first" \
    '^ 2026-01-24 08:00 +李秀英家 +Loose coal and clean heating ?… +1 \(open 1\) +signed *$'
screen_has "its columns" '^ When +Site +Form +Findings +Status *$'
screen_has "a clean one: no findings" \
    '^ 2026-01-23 08:00 +王建国家 +Loose coal and clean heating ?… +- +signed *$'
screen_has "a screenful: down to the 5th" '^ 2026-01-05 08:00'
screen_lacks "not the 4th" '2026-01-04'
screen_has "↓ says older ones follow" '^ 2026-01-05 08:00 .*↓$'
screen_lacks "nothing above the newest" '↑$'
sel_is "the newest is selected" '^2026-01-24 08:00'
keys Down Down Down Down Down Down Down Down Down Down Down Down Down Down \
    Down Down Down Down Down
sel_is "↓ ×19: the last row" '^2026-01-05 08:00'
keys Down
wait_for "↓ past it: the 4th comes in" '^ 2026-01-04 08:00'
sel_is "selected" '^2026-01-04 08:00'
screen_lacks "the 24th went out at the top" '2026-01-24'
keys NPage
wait_for "PgDn: a page older" '^ 2026-01-01 08:00'
sel_is "the oldest selected, at the end" '^2026-01-01 08:00'
keys Up
sel_is "↑" '^2026-01-02 08:00'
screen_has "a clean record among them" '^ 2026-01-07 08:00 +王建国家 .* - +signed'
keys PPage
wait_for "PgUp: a page newer" '^ 2026-01-2[0-4] 08:00'
keys g
wait_for "g (Home): the newest" '^ 2026-01-24 08:00'
sel_is "selected" '^2026-01-24 08:00'
keys G
wait_for "G (End): the oldest" '^ 2026-01-01 08:00'
sel_is "selected" '^2026-01-01 08:00'
screen_has "↑ says newer ones are above" '^ 2026-01-20 08:00 .*↑$'
screen_lacks "nothing below the oldest" '↓$'
keys Home
wait_for "Home" '^ 2026-01-24 08:00'

# A record with an open finding.
keys Enter
wait_for "Enter: the record" "Record $(echo "$NEWEST" | cut -c1-8)"
screen_has "its id" "Record +$(echo "$NEWEST" | cut -c1-64)"
screen_has "when" 'Created +2026-01-24 08:00'
screen_has "where" 'Site +李秀英家 \(XY-H-102\)'
wait_for "its verification status" 'Signature and chain verified'
keys Space
wait_for "Space: its finding" 'Findings \(1, 1 open\)'
screen_has "what, severity" 'violation: Sale, storage, transport or use of loose coal'
screen_has "its state" 'not closed yet|open, past its deadline'
keys r
wait_for "r: the exact bytes" 'The exact signed bytes \([0-9]+ bytes\):'
screen_has "the JSON" '"type":"inspection"'
keys r
wait_for "r: readable again" 'Signature and chain verified'
keys Escape
wait_for "Esc: the history" '^ When +Site'
keys Down
sel_is "↓: the clean record" '^2026-01-23 08:00'
keys Enter
wait_for "it opens" "Record $(echo "$CLEAN" | cut -c1-8)"
keys f
wait_for "f on a record without open findings says so" \
    'No open findings: nothing to follow up\.'
keys Escape Up Enter
wait_for "back to the one with a finding" "Record $(echo "$NEWEST" | cut -c1-8)"

# Follow it up: the loose coal is gone.
keys f
wait_for "f: a follow-up inspection" 'follow-up · saved as you go'
screen_has "of the same site and form" '李秀英家 · Loose coal and clean heating'
keys Enter
wait_for "the first question" 'Is the site in the coal-ban zone'
keys y
wait_for "the loose coal" 'Loose coal \(briquettes included\) found'
screen_has "as found at the last visit: storage" '^   3  \[x\] Storage *$'
screen_has "said so" '^  \(from the last visit\) *$'
keys 3 1 Enter
wait_for "none found: the questions about it are skipped" \
    'Has the site been switched to clean heating'
keys y
wait_for "heating" 'Main heating in use now'
keys 2
wait_for "notes" '^  Notes'
keys Enter
wait_for "review: nothing to rectify" 'None: nothing to rectify\.'
keys k
wait_for "acknowledgment" 'Name of the site representative'
type_text 李秀英
keys Enter
type_text 户主
keys Enter
wait_for "acknowledged" 'Complete and acknowledged'
keys s
wait_for "sign" 'Your passphrase signs this record'
type_text "$PASS"
keys Enter
wait_for "signed" 'Signed and stored: record'
wait_for "the follow-up record says what it follows" \
    "Follows up +$(echo "$NEWEST" | cut -c1-8)"
keys G
wait_for "it has no findings" 'No findings\.'
keys Escape h
wait_for "the history has it first" '^ When'
sel_is "the follow-up, newest" '李秀英家 .* - +signed'
screen_has "and the followed one now has none open" \
    '^ 2026-01-24 08:00 +李秀英家 +Loose coal and clean heating ?… +1 +signed *$'
keys Down Enter
wait_for "the followed record" "Record $(echo "$NEWEST" | cut -c1-8)"
keys Space
wait_for "its finding is closed by the follow-up" 'closed by [0-9a-f]{8}'
tui_quit "q quits with status 0"

ok "findings list --site XY-H-102 --json" lt --data "$D" findings list \
    --site XY-H-102 --json
is "the followed record's finding is closed" \
    "$(json '[f["status"] for f in d if f["record"] == a[0]]' "$NEWEST" <"$T/out")" \
    '["closed"]'
ok "records list --json" lt --data "$D" records list --json
FOLLOW=$(json 'max(d, key=lambda r: r["seq"])["id"]' <"$T/out")
ok "records show --raw" lt --data "$D" records show "$FOLLOW" --raw
is "the follow-up names the record it follows" \
    "$(json 'd["follows"]' <"$T/out")" "$NEWEST"
ok "lantian verify" lt --data "$D" verify

# The site's own history, a page at a time.
tui_start "$D" en TZ=UTC
wait_for "home" 'Lantian 蓝天 · Home'
keys s
wait_for "sites" 'Search:'
type_text XY-H-102
wait_for "李秀英家" 'Sites: 1'
keys Enter
wait_for "its history: 22 records" 'History \(22 records\)'
screen_has "the newest first: the follow-up" \
    '^    [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5} +Loose coal and clean heat… no findings +signed *$'
i=0
while [ "$i" -lt 21 ]; do
	keys Down
	i=$((i + 1))
done
sel_is "↓ ×21: past the first 20, a line for the older ones" \
    '^2 older records: Enter shows more'
keys Enter
sel_is "Enter: the older ones, the first of them selected" '^2026-01-02 08:00'
keys Down
wait_for "↓: the oldest" '^    2026-01-01 08:00 +Loose coal'
sel_is "selected" '^2026-01-01 08:00'
keys Up
sel_is "↑ the one before" '^2026-01-02 08:00'
keys f
wait_for "f on a record with an open finding: a follow-up" 'follow-up · saved as you go'
keys Escape
wait_for "Esc: paused" 'Draft saved'
tui_quit "q quits"

# A record whose bytes were changed in the store.
sql "$D" "UPDATE records SET body = CAST(replace(CAST(body AS TEXT),
    'electric', 'ELECTRIC') AS BLOB) WHERE id = '$OLDEST'"
tui_start "$D" en TZ=UTC
wait_for "home" 'Lantian 蓝天 · Home'
keys h
wait_for "history" '^ When'
keys G
sel_is "G: the oldest" '^2026-01-01 08:00'
keys Enter
wait_for "the changed record: its verification says so" 'Bytes changed'
screen_lacks "not verified" 'Signature and chain verified'
tui_quit "q quits"

done_testing
