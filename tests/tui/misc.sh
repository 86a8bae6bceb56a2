#!/bin/sh
# What every screen shares and what home and sync show: drafts in
# progress, records waiting, open findings due soon (overdue marked), the
# last sync; the sync screen, without a remote and with one; ? help; Esc
# back; q quit; the language switched anywhere (L, F2); the monochrome
# theme (T, F3, LANTIAN_THEME, NO_COLOR) kept in the store; a terminal
# too small, then larger; control characters in a record's answers shown
# as '?'; abandoning a draft.
set -u
. "$top_srcdir/tests/tui/lib.sh"

D=$T/demo
setup "lantian demo" lt --data "$D" demo
NREC=$(lt_count "$D")
lt --data "$D" findings list --open --json >"$T/open.json"
FIRST=$(json 'min(f["deadline"] for f in d)' <"$T/open.json")
NFIRST=$(json 'len([f for f in d if f["deadline"] == a[0]])' "$FIRST" <"$T/open.json")
# The day after the first deadline: those findings are overdue.
NOW=$(date -u -d "$FIRST + 1 day" +%Y-%m-%dT12:00:00Z)
sql "$D" "INSERT OR REPLACE INTO settings (key, value) VALUES
    ('sync.last_time', '2026-11-01T10:00:00Z'),
    ('sync.last_result', 'ok')"

# Colour SGR (foreground 30-37, background 40-47) in the last grab_e.
has_colour() {
	grep -q -E "$(printf '\033')\\[([0-9;]*;)?[34][0-7](;[0-9;]*)?m" \
	    "$T/screen-e"
}

tui_start "$D" en LANTIAN_NOW="$NOW" TZ=UTC
wait_for "home: the demo's hint, with where its data is" 'Demo of 下冶镇: passphrase "demo"; data in /'
screen_has "this month's assignments" "This month's assignments"
is "the demo office drew two enterprises for its month" \
    "$(sql "$D" "SELECT count(*) || ' ' || min(kind) FROM assignments")" \
    "2 enterprise"
screen_has "drafts in progress" 'Drafts in progress \(0\)'
screen_has "records waiting to sync" "Records waiting to sync: $NREC"
screen_has "the last sync, in local time, with its result" \
    'Last sync: 2026-11-01 10:00  ok'
screen_has "open findings due soon" 'Open findings due within 14 days'
is "the overdue ones are marked !" \
    "$(grep -c -E "^  $FIRST ! " "$T/screen")" "$NFIRST"
screen_has "the key bar" '^Enter open s sites h history y sync x abandon draft q quit +\? help$'
grab_e
check "in colour" has_colour

# Help, F1, any key closes it.
keys '?'
wait_for "?: the keys of this screen" 'Keys of this screen \(any key closes this help\)'
screen_has "home's own keys" '^    s +sites'
screen_has "and everyone's" '^    L F2 +中文 / English'
screen_has "T F3" '^    T F3 +colour / high-contrast monochrome'
keys s
wait_for "any key closes it (and does nothing else)" 'Drafts in progress'
screen_lacks "no sites opened" 'Search:'
keys F1
wait_for "F1: the help too" 'Keys of this screen'
keys Escape
wait_for "Esc closes it" 'Drafts in progress'
keys Escape
grab
screen_has "Esc on home stays home" 'Lantian 蓝天 · Home'

# The sync screen.
keys y
wait_for "y: sync" 'Waiting to be sent'
screen_has "this device's records not sent" \
    "Records of this device not sent: $NREC \\(seq 1 to $NREC\\)"
screen_has "the drafts" 'Drafts not finished: 0'
screen_has "the attachments" 'Attachments stored: [0-9]+ \([0-9.]+ [kKMG]?i?B\)'
screen_has "no remote" 'No remote is configured\.'
screen_has "the last sync" '2026-11-01 10:00  ok'
keys Enter
wait_for "Enter without a remote says how to add one" \
    'No remote to sync with: lantian remote add NAME URL\.'
keys L
wait_for "L: the sync screen in Chinese" "$(zh 'Waiting to be sent')"
keys F2
wait_for "F2: English" 'Waiting to be sent'
keys Escape
wait_for "Esc: home" 'Drafts in progress'

# A finding due, opened from home.
keys Down
keys Enter
wait_for "Enter on a finding: its record" 'Record [0-9a-f]{8}'
keys Escape
wait_for "Esc: home" 'Drafts in progress'

# A draft in progress, then abandoned.
keys s
wait_for "sites" 'Search:'
type_text XY-E-001
wait_for "the enterprise" 'Sites: 1'
keys Enter
wait_for "its forms" 'Boiler inspection'
keys Enter
wait_for "an inspection started" 'Fill in one record per boiler'
keys Enter
wait_for "a text question" 'Boiler number or nameplate model'
type_text 'DZL4-1.25 锅炉'
keys Enter
wait_for "the fuel" '^  Fuel'
keys Escape
wait_for "Esc: paused" 'Draft saved: resume it from the home screen\.'
keys Escape
wait_for "Esc: the sites" 'Search: XY-E-001'
keys Escape Escape
wait_for "home lists the draft" 'Drafts in progress \(1\)'
screen_has "its site, form and when it changed" \
    '^  济源市下冶建材有限公司（演示） +Boiler inspection \(look-bac… +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} *$'
keys y
wait_for "sync counts it" 'Drafts not finished: 1'
keys Escape
wait_for "home" 'Drafts in progress \(1\)'
screen_has "the office's question on the demo's home, above the drafts" \
    '^  returned +.*请补充现场照片'
# (The demo is its own office: its review line comes first.)
keys Up Up Up Up Down Down
sel_is "the draft selected" '济源市下冶建材'
keys x
wait_for "x: asks first" 'Abandon this draft\? Its answers will be deleted\.'
keys n
wait_for "n: kept" 'Drafts in progress \(1\)'
is "still in the store" "$(sql "$D" "SELECT count(*) FROM drafts")" 1
keys x
wait_for "x again" 'Abandon this draft\?'
keys y
wait_for "y: abandoned" 'The draft was abandoned\.'
screen_has "none left" 'Drafts in progress \(0\)'
is "gone from the store" "$(sql "$D" "SELECT count(*) FROM drafts")" 0
keys x
wait_for "x with no draft says what it does" 'x abandons a draft: select one first\.'

# The language, anywhere.
keys L
wait_for "L: home in Chinese" "$(zh 'Drafts in progress (%d)' 0)"
screen_has "the keys in Chinese" "s $(zh sites)"
too_wide 80 >"$T/wide"
check "no line is wider than 80 columns" test ! -s "$T/wide"
keys h
wait_for "the history in Chinese" "$(zh When) +$(zh Site) +$(zh Form)"
too_wide 80 >"$T/wide"
check "no line is wider than 80 columns" test ! -s "$T/wide"
keys Enter
wait_for "a record in Chinese" "$(zh Verification)"
keys F2
wait_for "F2: the record in English" '^ Verification'
keys Escape Escape
wait_for "Esc Esc: home" 'Drafts in progress'

# Monochrome.
keys T
wait_for "T: monochrome (the screen is painted again)" 'Drafts in progress'
grab_e
check "no colour is left" sh -c '! grep -q -E "$(printf "\033")\[([0-9;]*;)?[34][0-7](;[0-9;]*)?m" "$1"' \
    sh "$T/screen-e"
is "the theme is kept in the store" \
    "$(sql "$D" "SELECT value FROM settings WHERE key = 'tui.theme'")" mono

# Too small, then larger.
tui_resize 70 20
wait_for "at 70x20 it says the terminal is too small" \
    'The terminal is too small: lantian needs 80 columns and 24'
screen_has "and the size" '^70x20'
keys s
tui_resize 120 40
wait_for "at 120x40 home again (s was not taken)" \
    '^ Lantian 蓝天 · Home +张伟 XY-017 *$'
is "the badge at the right edge of 120 columns" "$(col_of 0 XY-017)" 113
is "40 lines" "$(wc -l <"$T/screen" | tr -d ' ')" 40
is "the key bar on the last" "$(row 39 | sed 's/ .*//')" Enter
tui_resize 80 24
wait_for "back to 80x24" '^ Lantian 蓝天 · Home +张伟 XY-017$'
tui_quit "q quits with status 0"

tui_start "$D" en
wait_for "started again" 'Drafts in progress'
grab_e
check "still monochrome" sh -c '! grep -q -E "$(printf "\033")\[([0-9;]*;)?[34][0-7](;[0-9;]*)?m" "$1"' \
    sh "$T/screen-e"
keys F3
wait_for "F3: colour" 'Drafts in progress'
_i=0
while grab_e && ! has_colour && [ "$_i" -lt 100 ]; do
	_i=$((_i + 1))
	sleep 0.1
done
check "colour again" has_colour
is "kept" "$(sql "$D" "SELECT value FROM settings WHERE key = 'tui.theme'")" colour
tui_quit "q quits"

tui_start "$D" en LANTIAN_THEME=mono
wait_for "LANTIAN_THEME=mono" 'Drafts in progress'
grab_e
check "monochrome" sh -c '! grep -q -E "$(printf "\033")\[([0-9;]*;)?[34][0-7](;[0-9;]*)?m" "$1"' \
    sh "$T/screen-e"
tui_quit "q quits"

tui_start "$D" en NO_COLOR=1
wait_for "NO_COLOR=1" 'Drafts in progress'
grab_e
check "monochrome" sh -c '! grep -q -E "$(printf "\033")\[([0-9;]*;)?[34][0-7](;[0-9;]*)?m" "$1"' \
    sh "$T/screen-e"
keys q
wait_for "q" '^EXITED 0'

# A sync with a remote (a bare repository, as on a USB stick).
ok "lantian remote add usb DIR --create" lt --data "$D" remote add usb \
    "$T/usb.git" --create
# (Automatic sync off: the sync screen's own sync is what is tested here;
# tests/tui/autosync.sh tests the automatic one.)
tui_start "$D" en LANTIAN_AUTOSYNC=0
wait_for "home" "Records waiting to sync: $NREC"
keys y
wait_for "y: the remote is listed" "usb +$T/usb\.git"
screen_has "what waits" "Records of this device not sent: $NREC"
keys Enter
wait_for "Enter: synced, with what was sent" "Synced with usb: $NREC sent"
wait_for "nothing of this device waits now" \
    "Records of this device: all $NREC sent\."
keys Escape
wait_for "home: nothing waits" 'Records waiting to sync: 0'
screen_has "the last sync is now, in words" \
    "Last sync: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5}  with usb: $NREC sent, 0 received *\$"
tui_quit "q quits"

# Control characters in a record's text never reach the terminal.
E=$T/d
lt_init "$E"
lt_sites "$E"
ESC=$(printf '\033')
LANTIAN_NOW=2026-02-01T08:00:00Z lt_inspect "$E" XY-H-101 coal-ban \
    '{"in_ban_zone": true, "loose_coal": ["none"], "substituted": true, "heating": "other", "heating_other": "\u001b[2J\u001b[31mwiped\u0007", "notes": "\u001b]0;title\u0007炉子"}' \
    --notes "${ESC}[5mblink 闪烁"
tui_start "$E" en TZ=UTC
wait_for "home" 'Drafts in progress'
keys h
wait_for "history" '2026-02-01 08:00'
keys Enter
wait_for "the record" 'Record [0-9a-f]{8}'
keys Space
wait_for "its text answer with ? for each control character" \
    '\?\[2J\?\[31mwiped\?'
screen_has "the notes answer" '\?\]0;title\?炉子'
keys G
wait_for "the record's notes" '\?\[5mblink 闪烁'
grab_e
check "no escape from the record reached the terminal" \
    sh -c "! grep -q -E \"${ESC}(\\[2J|\\[31m|\\[5m|\\]0;)\" '$T/screen-e'"
too_wide 80 >"$T/wide"
check "the layout holds" test ! -s "$T/wide"
tui_quit "q quits"

done_testing
