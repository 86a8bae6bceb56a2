#!/bin/sh
# kill -9 at any moment of an inspection (a dead battery): the next start
# offers the draft on the home screen, and it resumes at the same
# question with every answer given, the text typed before the pause, the
# attachments and their captions, the notes and the acknowledgment; a
# kill at the passphrase signs nothing and loses nothing.
set -u
. "$top_srcdir/tests/tui/lib.sh"

D=$T/d
lt_init "$D"
lt_sites "$D"
mkdir -p "$T/camera"
printf 'GIF89a\001\000\001\000\000\000\000;' >"$T/camera/stove.gif"
STOVE=$(sha256sum "$T/camera/stove.gif" | cut -d' ' -f1)
PASS='correct horse 蓝天 staple'

answers_now() {
	sql "$D" "SELECT answers FROM drafts"
}

# Start again after a kill, and open the draft from home.
restart() {
	tui_start "$D" en LANTIAN_IMPORT_DIR="$T/camera"
	wait_for "$1: home offers the draft" 'Drafts in progress \(1\)'
	screen_has "by its site and form" \
	    '^  老街烩面馆 +Restaurant cooking-fume inspection +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} *$'
	keys Enter
}

tui_start "$D" en LANTIAN_IMPORT_DIR="$T/camera"
wait_for "home" 'Drafts in progress \(0\)'
keys s
wait_for "sites" 'XY-R-101'
type_text XY-R
wait_for "search by id" 'Sites: 1   villages: 1'
keys Enter
wait_for "the restaurant" 'Restaurant cooking-fume inspection'
keys Down Enter
wait_for "its first question" 'The plan \(task 7\)'

# 1. Killed right after an answer.
keys Enter y n
wait_for "answered yes, then no: the third question" \
    'Are there cleaning and maintenance records'
tui_kill9
screen_has "(killed)" '^EXITED 137'
is "the answers were saved before the screen moved on" "$(answers_now)" \
    '{"purifier_installed":true,"purifier_running":false}'
restart "after a kill on the third question"
wait_for "Enter resumes at the same question" \
    'Are there cleaning and maintenance records'
screen_has "with the same progress" '^  4/6'
keys p
wait_for "p: the answer before is there" '^   n  \(•\) No'
screen_has "its question" 'Is the purifier running'
keys p
wait_for "and the first" '^   y  \(•\) Yes'
keys Tab Tab
wait_for "forward again" 'Are there cleaning and maintenance records'

# 2. A yes/no answered with ↓ Enter, a photo taken, then killed while
# typing the notes.
keys Down Enter
wait_for "no records: the photo" 'Photo of the purifier'
keys a
wait_for "the import folder" 'stove\.gif'
keys Enter
wait_for "the photo taken" 'stove\.gif \('
keys Enter
wait_for "the notes" '^  6/6'
type_text '灶台油污 greasy'
wait_for "typed" '^    灶台油污 greasy *$'
wait_sql "once typing pauses, the text is in the draft" "$D" \
    "SELECT json_extract(answers, '$.notes') FROM drafts" '灶台油污 greasy'
tui_kill9
restart "after a kill while typing"
wait_for "Enter resumes at the notes" '^  6/6'
screen_has "with the text typed" '^    灶台油污 greasy *$'
keys PPage
wait_for "the photo is still the answer before" 'stove\.gif \('
is "every answer" "$(answers_now | json 'sorted(d.items())')" \
    "[[\"cleaning_records\", false], [\"notes\", \"灶台油污 greasy\"], [\"purifier_installed\", true], [\"purifier_photo\", \"$STOVE\"], [\"purifier_running\", false]]"

# 3. Killed in the attachments, a caption just written.
keys F6
wait_for "a on the photo question: the import folder" 'stove\.gif'
keys Escape
wait_for "Esc: back to the question" 'Photo of the purifier'
keys r
wait_for "r: the review" 'Attachment: stove\.gif'
keys a
wait_for "a: the attachments" 'stove\.gif +14 B +image/gif'
keys c
wait_for "c: the caption" 'What the file shows'
type_text '炉灶上方 above the stove'
keys Enter
wait_for "the caption shown" '炉灶上方 above the stove'
tui_kill9
is "the caption was saved" \
    "$(sql "$D" "SELECT json_extract(attachments, '\$[0].caption') FROM drafts")" \
    '炉灶上方 above the stove'
restart "after a kill in the attachments"
wait_for "the draft resumes where it was left: the photo" 'Photo of the purifier'
keys r
wait_for "the review has the caption" \
    'Attachment: stove\.gif \(14 B\) · 炉灶上方 above the stove'

# 4. Notes and the acknowledgment saved, then killed while the
# acknowledgment is being changed: what was saved is kept.
keys o
wait_for "o: notes" 'Notes for the record'
type_text 'Owner was present.'
keys Enter
wait_for "the notes saved" 'Notes: Owner was present\.'
keys k
wait_for "k: acknowledgment" 'Name of the site representative'
type_text '李四'
keys Enter
type_text '店长'
keys Enter
wait_for "saved" 'Acknowledgment: 李四, 店长'
keys k
wait_for "k again" 'Name of the site representative'
keys C-u
type_text '张三'
tui_kill9
restart "after a kill in the acknowledgment"
wait_for "resumed" 'Photo of the purifier'
keys r
wait_for "the acknowledgment saved before the kill is kept" \
    'Acknowledgment: 李四, 店长'
screen_has "the notes" 'Notes: Owner was present\.'

# 5. Killed at the passphrase.
keys s
wait_for "s: the passphrase" 'Your passphrase signs this record'
type_text "$PASS"
tui_kill9
is "no record" "$(lt_count "$D")" 0
is "the draft is there" "$(sql "$D" "SELECT count(*) FROM drafts")" 1
restart "after a kill at the passphrase"
wait_for "resumed" 'Photo of the purifier'
keys r
wait_for "review" 'Complete and acknowledged: press s to sign'
keys s
wait_for "s" 'Your passphrase signs this record'
type_text "$PASS"
keys Enter
wait_for "signed" 'Signed and stored: record'
tui_quit "q quits with status 0"

ok "records list --json" lt --data "$D" records list --json
is "one record" "$(json 'len(d)' <"$T/out")" 1
ID=$(json 'd[0]["id"]' <"$T/out")
ok "records show --raw" lt --data "$D" records show "$ID" --raw
is "with every answer given across the kills" \
    "$(json 'sorted(d["answers"].items())' <"$T/out")" \
    "[[\"cleaning_records\", false], [\"notes\", \"灶台油污 greasy\"], [\"purifier_installed\", true], [\"purifier_photo\", \"$STOVE\"], [\"purifier_running\", false]]"
is "the caption" "$(json 'd["attachments"][0]["caption"]' <"$T/out")" \
    '炉灶上方 above the stove'
is "the notes" "$(json 'd["notes"]' <"$T/out")" 'Owner was present.'
is "the acknowledgment" "$(json 'd["acknowledged"]["name"]' <"$T/out")" 李四
ok "lantian verify" lt --data "$D" verify
is "no draft is left" "$(sql "$D" "SELECT count(*) FROM drafts")" 0
check "sqlite's integrity check passes" \
    test "$(sql "$D" "PRAGMA integrity_check")" = ok

done_testing
