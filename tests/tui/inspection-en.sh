#!/bin/sh
# A whole inspection in English, from home to the signed record: a site
# found by typing, its forms, questions (skip logic opening questions, a
# photo from the import folder), a resize in the middle, the review with
# its findings, a jump back to a question, notes, attachments with a
# caption, the acknowledgment, a wrong passphrase, then the right one.
set -u
. "$top_srcdir/tests/tui/lib.sh"

D=$T/d
lt_init "$D"
lt_sites "$D"
PASS='correct horse 蓝天 staple'

# The camera's card: two pictures with known times.
CAM=$T/camera
mkdir -p "$CAM"
python3 -c 'import sys
gif = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9"
    b"\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
open(sys.argv[1], "wb").write(gif)
open(sys.argv[2], "wb").write(gif + b"receipt" * 100)' \
    "$CAM/kitchen.gif" "$CAM/receipt.gif"
TZ=UTC touch -d '2026-02-27 14:05' "$CAM/kitchen.gif"
TZ=UTC touch -d '2026-02-26 08:30' "$CAM/receipt.gif"
KITCHEN=$(sha256sum "$CAM/kitchen.gif" | cut -d' ' -f1)
RECEIPT=$(sha256sum "$CAM/receipt.gif" | cut -d' ' -f1)
NOW=2026-03-02T09:00:00Z

tui_start "$D" en LANTIAN_IMPORT_DIR="$CAM" LANTIAN_NOW=$NOW TZ=UTC
wait_for "home" 'Lantian 蓝天 · Home +张伟 XY-017'
screen_has "no drafts yet" 'Drafts in progress \(0\)'
screen_has "nothing waits to sync" 'Records waiting to sync: 0'

# Sites: type part of a name.
keys s
wait_for "s: the sites, with a search field" 'Search:'
type_text 面馆
wait_for "typing 面馆 finds one site" 'Sites: 1   villages: 1'
screen_has "the restaurant" '^   XY-R-101 +老街烩面馆 +Restaurant *$'
keys Enter
wait_for "Enter: the site, with the forms for its kind" \
    'Inspect with \(forms for Restaurant\)'
screen_has "the restaurant's form" 'Restaurant cooking-fume inspection +restaurant-fume v1'
screen_has "coal ban is for restaurants too" 'Loose coal and clean heating inspection'
screen_lacks "a boiler form is not" 'Boiler inspection'
screen_has "its details" 'Address: 下冶街30号'
screen_has "no history yet" 'No records yet'
keys Down Enter
wait_for "the form's first question: a note" 'The plan \(task 7\) asks'
screen_has "progress 1/3 before anything is answered" '^  1/3'
screen_has "the title: site and form" '老街烩面馆 · Restaurant cooking-fume'
is "a draft is saved at once" \
    "$(sql "$D" "SELECT site || ' ' || form || ' ' || position FROM drafts")" \
    'XY-R-101 restaurant-fume intro'

keys Enter
wait_for "Enter: the next question" 'Is a fume purifier installed\?'
screen_has "2/3" '^  2/3'
screen_has "it is required" '\(required\)'
screen_has "yes and no, with their keys" 'y  \( \) Yes'
keys y
wait_for "y answers yes: three questions open up (3/6)" '^  3/6'
screen_has "the next one" 'Is the purifier running whenever the stoves are\?'
is "the answer is in the draft" \
    "$(sql "$D" "SELECT json_extract(answers, '$.purifier_installed') FROM drafts")" 1
keys n
wait_for "n answers no" 'Are there cleaning and maintenance records'
screen_has "4/6" '^  4/6'
keys Down Enter
wait_for "↓ Enter answers no too" 'Photo of the purifier'
screen_has "5/6" '^  5/6'
screen_has "no photo yet" 'No photo yet: press a to take one from the import folder'

# The photo from the import folder.
keys a
wait_for "a: the import folder" "Import folder: $CAM"
screen_has "the newest picture first, with size and time" \
    '^ +kitchen\.gif +43 B +2026-02-27 14:05 *$'
screen_has "then the older one" '^ +receipt\.gif +743 B +2026-02-26 08:30 *$'
keys Enter
wait_for "Enter takes it, named with its type" 'Attached kitchen\.gif \(GIF image, 43 B\)\.'
screen_has "the photo question shows it" 'kitchen\.gif'
screen_has "with size, type and hash" "43 B +image/gif +$(echo "$KITCHEN" | cut -c1-40)"
check "it is in the store" test -f "$D/attachments/$(echo "$KITCHEN" | cut -c1-2)/$KITCHEN"

# A resize in the middle: everything is still there.
tui_resize 100 30
wait_for "at 100x30 the title bar is 100 columns wide" \
    '^ Lantian 蓝天 · 老街烩面馆.{40,} 张伟 XY-017 *$'
is "30 lines" "$(wc -l <"$T/screen" | tr -d ' ')" 30
screen_has "the same question" 'Photo of the purifier'
screen_has "its answer" "43 B +image/gif +$(echo "$KITCHEN" | cut -c1-40)"
screen_has "the progress" '^  5/6'
tui_resize 80 24
wait_for "back at 80x24" '^ Lantian 蓝天 · 老街烩面馆.* 张伟 XY-017$'
screen_has "still the photo" "43 B +image/gif +$(echo "$KITCHEN" | cut -c1-40)"
is "24 lines" "$(wc -l <"$T/screen" | tr -d ' ')" 24

keys Enter
wait_for "the last question: notes" 'Notes'
screen_has "6/6" '^  6/6'
type_text 'Filter dirty; 滤网很脏'
wait_for "typed text shows in the field" '^ +Filter dirty; 滤网很脏 *$'
keys Enter
wait_for "past the last question: the review" \
    "Complete. Next: the representative's acknowledgment \\(k\\), then sign \\(s\\)"
screen_has "answers: installed" 'Is a fume purifier installed\? +Yes'
screen_has "running: no" 'Is the purifier running whenever.* +No'
screen_has "records: no" 'Are there cleaning and maint.* +No'
screen_has "the photo" 'Photo of the purifier +kitchen\.gif'
screen_has "the notes question" 'Notes +Filter dirty; 滤网很脏'
screen_has "finding: task, severity, text" \
    'Task 7 · violation: Fume purifier not running'
screen_has "its action and deadline (3 days)" \
    '→ by 2026-03-05 · Run it again at once; repair or replace it if broken'
screen_has "the warning" 'Task 7 · warning: No cleaning and maintenance records'
screen_has "its deadline (15 days)" '→ by 2026-03-17 · Clean the purifier'
screen_has "the photo is an attachment" 'Attachment: kitchen\.gif \(43 B\)'
screen_has "no acknowledgment yet" 'Acknowledgment: not yet \(k\)'
screen_lacks "the note question is not an answer" 'The plan \(task 7\)'

# Enter on a question goes back to it.
keys Down
wait_for "↓ selects the next answer" 'Is the purifier running'
keys Enter
wait_for "Enter on it: that question again" '^  3/6'
screen_has "with its answer" '\(•\) No'
keys y
wait_for "changed to yes" '^  4/6'
keys p
wait_for "p: the previous question" '^  3/6'
screen_has "shows the new answer" '\(•\) Yes'
keys n
wait_for "and back to no" '^  4/6'
keys r
wait_for "r: the review again" 'Complete. Next'
screen_has "the finding is back" 'Fume purifier not running'

# Notes of the record.
keys o
wait_for "o: the notes" 'Notes for the record'
type_text 'Kitchen was cooking. 正在营业'
keys Enter
wait_for "the notes in the review" 'Notes: Kitchen was cooking\. 正在营业'

# Attachments: a caption and one more file.
keys a
wait_for "a: the attachments" 'kitchen\.gif +43 B +image/gif'
screen_has "no caption yet" '\(no caption: c to write one\)'
keys c
wait_for "c: the caption" 'What the file shows'
type_text 'Purifier above the stove 灶台上方'
keys Enter
wait_for "the caption is shown" 'Purifier above the stove 灶台上方'
keys a
wait_for "a: the import folder again" 'receipt\.gif'
keys Down
keys Enter
wait_for "the second file is attached" 'Attached receipt\.gif'
screen_has "both are listed" 'receipt\.gif +743 B +image/gif'
is "the draft holds both" \
    "$(sql "$D" "SELECT json_array_length(attachments) FROM drafts")" 2
keys Escape
wait_for "Esc: the review lists them" 'Attachment: receipt\.gif'
screen_has "with the caption" \
    'Attachment: kitchen\.gif \(43 B\) · Purifier above the stove 灶台上方'

# Sign before the acknowledgment: it asks for it first.
keys s
wait_for "s without acknowledgment asks for it" 'Name of the site representative'
keys Enter Enter
wait_for "both are needed" \
    "The representative's name and role are both needed"
type_text 'Li Wei'
keys Enter
type_text 'owner 店主'
keys Enter
wait_for "saved" 'Acknowledgment saved'
screen_has "the review shows it" 'Acknowledgment: Li Wei, owner 店主'
screen_has "ready" 'Complete and acknowledged: press s to sign'

# A wrong passphrase.
keys s
wait_for "s: the passphrase" 'Your passphrase signs this record'
screen_has "what is typed is not shown" '\(what you type is not shown\)'
type_text 'not the passphrase'
wait_for "stars only" '^  \*{18} *$'
screen_lacks "never the text" 'not the passphrase'
keys Enter
wait_for "a wrong passphrase says so" \
    'Wrong passphrase: nothing was signed and nothing is lost'
screen_has "the prompt stays, emptied" '^  \(what you type is not shown\)'
is "no record" "$(lt_count "$D")" 0
is "the draft keeps every answer" \
    "$(sql "$D" "SELECT answers FROM drafts" | json 'sorted(d.items())')" \
    "[[\"cleaning_records\", false], [\"notes\", \"Filter dirty; 滤网很脏\"], [\"purifier_installed\", true], [\"purifier_photo\", \"$KITCHEN\"], [\"purifier_running\", false]]"
keys Escape
wait_for "Esc: the review, everything still there" \
    'Acknowledgment: Li Wei, owner 店主'
screen_has "the notes" 'Notes: Kitchen was cooking'
screen_has "the answers" 'Is a fume purifier installed\? +Yes'

keys s
wait_for "s again" 'Your passphrase signs this record'
type_text "$PASS"
keys Enter
wait_for "signed: the record is shown" 'Signed and stored: record [0-9a-f]{12}'
ID=$(sed -n 's/.*Signed and stored: record \([0-9a-f]\{12\}\).*/\1/p' "$T/screen")
screen_has "its inspector" 'Inspector +张伟 \(XY-017\)'
screen_has "its site" 'Site +老街烩面馆 \(XY-R-101\)'
wait_for "its verification status" 'Signature and chain verified'
keys Space
wait_for "Space: a page down, its findings" 'Findings \(2, 2 open\)'
screen_has "the violation" 'violation: Fume purifier not running'
keys G
wait_for "G: the end, the acknowledgment" 'Name +Li Wei'
screen_has "the attachments with their caption" 'Purifier above the stove 灶台上方'
keys Escape
wait_for "Esc: home" 'Drafts in progress \(0\)'
screen_has "the record waits to sync" 'Records waiting to sync: 1'
screen_has "its finding due in 3 days is listed" \
    '2026-03-05 +老街烩面馆 +Fume purifier not running'
screen_lacks "the one due in 15 days is not (14 days)" 'No cleaning and maint'
tui_quit "q quits with status 0"

# What the store has.
ok "records list --json" lt --data "$D" records list --json
is "one record" "$(json 'len(d)' <"$T/out")" 1
is "of the site and form" "$(json 'd[0]["site"] + " " + d[0]["form"]' <"$T/out")" \
    'XY-R-101 restaurant-fume'
FULL=$(json 'd[0]["id"]' <"$T/out")
is "the id shown is the record's" "$(echo "$FULL" | cut -c1-12)" "$ID"
ok "records show --raw" lt --data "$D" records show "$FULL" --raw
is "every answer" "$(json 'sorted(d["answers"].items())' <"$T/out")" \
    "[[\"cleaning_records\", false], [\"notes\", \"Filter dirty; 滤网很脏\"], [\"purifier_installed\", true], [\"purifier_photo\", \"$KITCHEN\"], [\"purifier_running\", false]]"
is "the findings and deadlines" \
    "$(json 'sorted((f["rule"], f["deadline"]) for f in d["findings"])' <"$T/out")" \
    '[["no-cleaning-records", "2026-03-17"], ["purifier-not-running", "2026-03-05"]]'
is "the attachments with the caption" \
    "$(json '[(a["sha256"], a["caption"]) for a in d["attachments"]]' <"$T/out")" \
    "[[\"$KITCHEN\", \"Purifier above the stove 灶台上方\"], [\"$RECEIPT\", null]]"
is "the notes" "$(json 'd["notes"]' <"$T/out")" 'Kitchen was cooking. 正在营业'
is "the acknowledgment" "$(json 'd["acknowledged"]' <"$T/out")" \
    '{"name": "Li Wei", "role": "owner 店主", "refused": false}'
is "the time it was made (LANTIAN_NOW)" "$(json 'd["created"]' <"$T/out")" "$NOW"
ok "it verifies" lt --data "$D" verify
ok "findings list --open" lt --data "$D" findings list --open --json
is "two open findings" "$(json 'len(d)' <"$T/out")" 2
is "no draft is left" "$(sql "$D" "SELECT count(*) FROM drafts")" 0
check "the receipt is stored too" \
    test -f "$D/attachments/$(echo "$RECEIPT" | cut -c1-2)/$RECEIPT"

done_testing
