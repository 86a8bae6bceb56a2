#!/bin/sh
# The question flow, type by type (tests/data/forms/all-types.json): a
# note, yes/no, choice by digit, multi ticked with Space and its
# constraint message, numbers with their validation, text typed in
# Chinese, a date (Ctrl-T), a photo, a location (Ctrl-L), a calculated
# value shown read-only; skip logic as answers change; back and forward;
# every answer saved in the draft as it is given; required answers in
# the flow and at signing; the record signed with exactly those answers.
set -u
. "$top_srcdir/tests/tui/lib.sh"

D=$T/d
lt_init "$D"
cat >"$T/sites.csv" <<'EOF'
id,name,village,kind,address,lat,lon
XY-E-201,测试化工厂,东坡村,enterprise,东坡村1号,35.123456,112.654321
EOF
lt_sites "$D" "$T/sites.csv" 1
mkdir -p "$D/forms" "$T/camera"
cp "$TESTDATA/forms/all-types.json" "$D/forms/"
printf 'GIF89a\001\000\001\000\000\000\000;' >"$T/camera/chimney.gif"
PHOTO=$(sha256sum "$T/camera/chimney.gif" | cut -d' ' -f1)
PASS='correct horse 蓝天 staple'

# The answers in the draft, as JSON.
draft() {
	sql "$D" "SELECT answers FROM drafts"
}
# draft_has DESC PYTHON-EXPR: a check over the draft's answers (d).
draft_has() {
	is "$1" "$(draft | json "$2")" true
}

tui_start "$D" en LANTIAN_IMPORT_DIR="$T/camera" \
    LANTIAN_NOW=2026-03-02T09:00:00Z TZ=UTC
wait_for "home" 'Drafts in progress \(0\)'
keys s
wait_for "sites" 'XY-E-201 +测试化工厂'
keys Enter
wait_for "the site: every form for an enterprise" 'Every question type +all-types v3'
keys Enter
wait_for "a note: shown, nothing to answer" 'A test form: one question of each type\.'
screen_has "1/10: two questions are hidden by skip logic" '^  1/10'
screen_has "notes have Enter next" '^Enter next p previous'

keys Enter
wait_for "yes/no" '^  Yes or no'
screen_has "2/10" '^  2/10'
keys p
wait_for "p: back to the note" 'A test form'
keys Tab
wait_for "Tab: forward (n is only ever No)" '^  Yes or no'
keys Enter
wait_for "a quick Enter on a fresh required yes/no answers nothing: it says so" \
    'An answer is required\.'
screen_has "and stays" '^  2/10'
keys PPage
wait_for "PgUp on a yes/no: back to the note" 'A test form'
keys NPage
wait_for "PgDn: forward again" '^  Yes or no'
keys y
wait_for "y on yes/no answers yes: the remark opens (3/11)" \
    '^  3/11'
screen_has "choice: its options numbered" '^   1  \( \) A'
draft_has "yes is saved at once" 'd == {"yn": True}'
keys 3
wait_for "3 picks C, and the question shown only for C opens (4/12)" '^  4/12'
draft_has "C is saved" 'd["pick"] == "c"'
screen_has "multi: boxes" '^   1  \[ \] X'
screen_has "its keys" '^Space tick Enter next'

keys Space
wait_for "Space ticks the highlighted one" '^   1  \[x\] X'
keys Down Down Space
wait_for "↓↓ Space ticks Z" '^   3  \[x\] Z'
wait_for "X and Z: the constraint's message under the answer" \
    '^  x and z exclude each other *$'
draft_has "the ticks are saved as they are made" 'd["many"] == ["x", "z"]'
keys Enter
wait_for "Enter does not leave a broken answer" '^  x and z exclude each other'
screen_has "still 4/12" '^  4/12'
keys 1
wait_for "1 unticks X: the message goes" '^   1  \[ \] X'
screen_lacks "no message" 'exclude each other'
keys 2
wait_for "2 ticks Y" '^   2  \[x\] Y'
screen_has "digits do not leave a multi" '^  4/12'
keys Enter
wait_for "Enter: a whole number" '^  Whole number'
draft_has "Y and Z saved, in the form's order" 'd["many"] == ["y", "z"]'

type_text abc
keys Enter
wait_for "letters are not a whole number" '^  Not a whole number\. *$'
screen_has "still 5/12" '^  5/12'
keys C-u
wait_gone "typing again clears the message" 'Not a whole number'
type_text 11
keys Enter
wait_for "11 is out of 0..10" '^  Must be between 0 and 10\. *$'
keys BSpace
type_text 0
wait_for "10 typed" '^    10 *$'
keys Enter
wait_for "10 is taken: a decimal" '^  Decimal'
screen_has "its hint" '^  0\.5 to 99\.5'
screen_has "its unit" 'kg *$'
draft_has "10 is saved as a number" 'd["n"] == 10 and isinstance(d["n"], int)'
type_text 1,5
keys Enter
wait_for "1,5 is not a number" 'Not a number \(use a point for decimals\)\.'
keys C-u
type_text 100
keys Enter
wait_for "100 is out of 0.5..99.5" 'Must be between 0\.5 and 99\.5\.'
keys C-u
type_text 5.5
keys Enter
wait_for "5.5 is taken: the remark (opened by yes)" '^  Remark'
draft_has "5.5 saved" 'd["amount"] == 5.5'

type_text '烟囱冒黑烟 black smoke'
wait_for "Chinese typed into the text" '^    烟囱冒黑烟 black smoke *$'
keys Home Right Right Right Right Right Right BSpace
type_text ，
wait_for "the cursor moves by characters: a comma put before black" \
    '^    烟囱冒黑烟，black smoke *$'
keys Enter
wait_for "a date" '^  Date'
draft_has "the text saved" 'd["remark"] == "烟囱冒黑烟，black smoke"'
type_text 2022-12-31
keys Enter
wait_for "a constraint without its own message says why" \
    '^  [^ ].*2023-01-01'
keys C-u
type_text 2023-02-30
keys Enter
wait_for "not a date" 'Not a date: write it as YYYY-MM-DD\.'
keys C-u C-t
wait_for "Ctrl-T: today (LANTIAN_NOW)" '^    2026-03-02 *$'
keys Enter
wait_for "a photo" 'No photo yet: press a to take one from the import folder'
draft_has "the date saved" 'd["day"] == "2026-03-02"'
keys a
wait_for "a: the import folder" 'chimney\.gif +14 B'
keys Enter
wait_for "the photo taken" 'chimney\.gif \('"$(echo "$PHOTO" | cut -c1-12)"'\)'
draft_has "its hash is the answer" "d[\"picture\"] == \"$PHOTO\""
keys x
wait_for "x removes it" 'No photo yet'
draft_has "and from the draft" '"picture" not in d'
keys a
wait_for "a again" 'chimney\.gif +14 B'
keys Enter
wait_for "taken again" 'chimney\.gif \('
keys Enter
wait_for "a location" '^  Location'
type_text 'north of the river'
keys Enter
wait_for "words are not a location" 'Not a location: latitude, longitude'
keys C-u C-l
wait_for "Ctrl-L: the site's registered place" '^    35\.123456, 112\.654321 *$'
keys Enter
wait_for "the calculated value, read-only" '^    = 55 kg *$'
screen_has "it says so" 'Calculated from the answers; it cannot be changed here\.'
draft_has "the location saved" \
    'd["place"] == {"lat": 35.123456, "lon": 112.654321}'
type_text 7
keys Down
wait_for "↓ (7 typed did nothing): the question shown only for C" \
    '^  Shown only for C'
screen_has "12/12" '^  12/12'

# Back: change the number, the total follows; change the choice, the
# question for C goes away.
keys PPage
wait_for "PgUp: the total" '^    = 55 kg'
keys p
wait_for "p: the location, kept" '^    35\.123456, 112\.654321'
keys PPage PPage PPage PPage PPage
wait_for "PgUp ×5: the whole number, kept" '^    10 *$'
keys C-u
type_text 4
keys Tab
wait_for "4, Tab: the decimal, kept" '^    5\.5 +kg *$'
keys NPage NPage NPage NPage NPage
wait_for "PgDn ×5: the total follows (4 × 5.5)" '^    = 22 kg'
draft_has "4 saved" 'd["n"] == 4'
keys PPage PPage PPage PPage PPage PPage PPage
wait_for "PgUp ×7: the multi" '^  Pick any'
keys p
wait_for "p: the choice" '^  Pick one'
screen_has "C chosen" '^   3  \(•\) C'
keys 1
wait_for "1: A; the question for C is gone (4/11)" '^  4/11'
draft_has "A saved" 'd["pick"] == "a"'
keys r
wait_for "r: the review" '^ Answers'
screen_has "yes and A imply a warning" 'Task 1 · warning: Yes and A'
screen_lacks "the answer for C is not shown" 'Shown only for C'
screen_lacks "the total is not above 50" 'Total above 50'
screen_has "Y implies a note" 'Task 20 · note: Y picked'
keys Down
wait_for "↓: Pick one selected" 'Pick one'
keys Enter
wait_for "Enter on it: that question" '^  Pick one'
keys 3
wait_for "C again: its question is back (4/12)" '^  4/12'
keys C-n C-n C-n C-n C-n C-n C-n
wait_for "Ctrl-N ×7: the total" '^    = 22 kg'
keys PPage PPage PPage PPage PPage PPage
wait_for "back to the number" '^  Whole number'
keys C-u
type_text 10
keys F4
wait_for "F4: the review from a field" '^ Answers'
screen_has "Total above 50 (10 × 5.5)" 'Task 20 · violation: Total above 50'
screen_has "its action and deadline (30 days)" '→ by 2026-04-01 · Reduce it'
screen_has "the total shown" 'Total +55 kg'
screen_has "the date" 'Date +2026-03-02'
screen_has "the multi" 'Pick any +Y, Z'
screen_has "the location" 'Location +35\.123456, 112\.654321'
screen_has "the photo" 'Photo +chimney\.gif'
screen_has "the unanswered one for C" 'Shown only for C +—'
too_wide 80 >"$T/wide"
check "no line is wider than 80 columns" test ! -s "$T/wide"

keys k
wait_for "k: acknowledgment" 'Name of the site representative'
type_text 赵厂长
keys Enter
type_text 厂长
keys Enter
wait_for "acknowledged" 'Complete and acknowledged: press s to sign\.'
keys s
wait_for "s: sign" 'Your passphrase signs this record'
type_text "$PASS"
keys Enter
wait_for "signed" 'Signed and stored: record'
tui_quit "q quits with status 0"

ok "records list --json" lt --data "$D" records list --json
ID=$(json 'd[0]["id"]' <"$T/out")
ok "records show --raw" lt --data "$D" records show "$ID" --raw
is "the answers, each of its type" \
    "$(json 'json.dumps({k: v for k, v in d["answers"].items() if k != "total"}, sort_keys=True, ensure_ascii=False)' <"$T/out")" \
    "{\"amount\": 5.5, \"day\": \"2026-03-02\", \"many\": [\"y\", \"z\"], \"n\": 10, \"pick\": \"c\", \"picture\": \"$PHOTO\", \"place\": {\"lat\": 35.123456, \"lon\": 112.654321}, \"remark\": \"烟囱冒黑烟，black smoke\", \"yn\": true}"
is "the calculated total stored with them" "$(json 'd["answers"]["total"] == 55' <"$T/out")" true
is "the findings" "$(json 'sorted(f["rule"] for f in d["findings"])' <"$T/out")" \
    '["big-total", "picked-y"]'
is "the photo is attached" "$(json '[a["sha256"] for a in d["attachments"]]' <"$T/out")" \
    "[\"$PHOTO\"]"
ok "it verifies" lt --data "$D" verify

# Required answers: in the flow, then when signing.
tui_start "$D" en
wait_for "home" 'Drafts in progress \(0\)'
keys s
wait_for "sites" 'XY-E-201'
keys Enter
wait_for "the site" 'Loose coal and clean heating inspection'
keys Down Down
keys Enter
wait_for "coal ban: its note" 'Loose coal includes briquettes'
keys Enter y
wait_for "yes: the next, a multi that is required" 'Loose coal \(briquettes included\) found'
screen_has "(required)" '\(required\)'
keys Enter
wait_for "Enter with nothing ticked: an answer is required" \
    '^  An answer is required\. *$'
keys 2
wait_for "2 ticks sale: the amount opens" '^   2  \[x\] '
keys Enter
wait_for "the amount" 'Amount of loose coal'
keys Enter
wait_for "Enter on an empty required number" '^  An answer is required\.'
keys C-n
wait_for "Ctrl-N skips it: the photo" 'Photo of the loose coal'
keys r
wait_for "the review counts what is missing" \
    '[0-9]+ answers missing or to correct before signing'
screen_has "the amount says why" 'Amount of loose coal.*! An answer is required\.'
keys s
wait_for "s: not ready to sign" 'Not ready to sign: ".*" needs an answer'
is "nothing signed" "$(lt_count "$D")" 1
keys Escape
wait_for "Esc: the flow" 'Photo of the loose coal'
keys Escape
wait_for "Esc: paused, the draft is kept" 'Draft saved: resume it from the home screen'
keys Escape Escape
wait_for "home lists the draft" 'Drafts in progress \(1\)'
screen_has "its site and form" '测试化工厂 +Loose coal and clean heating'
tui_quit "q quits"

done_testing
