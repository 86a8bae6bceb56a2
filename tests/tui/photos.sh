#!/bin/sh
# Photos in the question flow and on the attachments screen (issue 18):
#   - Enter on an empty photo question is "next", as the bar says: it
#     never opens the file picker; a picks a file (item 3);
#   - taking a file always says which file and of what type it is
#     ("Attached a.jpg (JPEG image, 20 B).");
#   - an empty file, and a file that is not a photo by its content (a
#     text file named .jpg), are refused with a message saying so; a PDF
#     is not a photo answer (the attachments screen takes it);
#   - replacing a photo answer with another file, or removing it (x),
#     takes the first file off the draft, the review and the signed
#     record; a file put on the attachments screen stays (item 2);
#   - in Chinese, the message is Chinese, the type too;
#   - the record view lists each attachment with its type, size, hash,
#     where it is stored and the site's other records citing it, and o
#     opens one with xdg-open when a
#     desktop is there (a clear message when not);
#   - the answer to the office's question (a on home) carries photos
#     picked after it, and the office's view of the record lists them.
set -u
. "$top_srcdir/tests/tui/lib.sh"

D=$T/d
lt_init "$D"
cat >"$T/sites.csv" <<'CSV'
id,name,village,kind,address,lat,lon
XY-E-301,照片化工厂,东坡村,enterprise,东坡村3号,35.1,112.6
CSV
lt_sites "$D" "$T/sites.csv" 1
mkdir -p "$D/forms" "$T/camera"
cp "$TESTDATA/forms/photos.json" "$D/forms/"
CAM=$T/camera
printf '\377\330\377\340\0\20JFIF\0\1\1\0\0\1\0\1\0\0' >"$CAM/a.jpg"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\2\0\0\0' >"$CAM/b.png"
: >"$CAM/empty.jpg"
printf 'meeting notes, not a picture\n' >"$CAM/notes.jpg"
printf '%%PDF-1.4\n%% a scanned permit\n' >"$CAM/scan.pdf"
# Newest first in the picker: a, b, empty, notes, scan.
TZ=UTC touch -d '2026-03-02 08:05' "$CAM/a.jpg"
TZ=UTC touch -d '2026-03-02 08:04' "$CAM/b.png"
TZ=UTC touch -d '2026-03-02 08:03' "$CAM/empty.jpg"
TZ=UTC touch -d '2026-03-02 08:02' "$CAM/notes.jpg"
TZ=UTC touch -d '2026-03-02 08:01' "$CAM/scan.pdf"
SHA_A=$(sha256sum "$CAM/a.jpg" | cut -d' ' -f1)
SHA_B=$(sha256sum "$CAM/b.png" | cut -d' ' -f1)
PDF=$(sha256sum "$CAM/scan.pdf" | cut -d' ' -f1)
A12=$(echo "$SHA_A" | cut -c1-12)
PASS='correct horse 蓝天 staple'
# The day before, the same picture in a record of the same site.
LANTIAN_NOW=2026-03-01T08:00:00Z
export LANTIAN_NOW
lt_inspect "$D" XY-E-301 photos '{"front": "a.jpg"}' --attach "$CAM/a.jpg"
EARLIER=$ID
unset LANTIAN_NOW

# The draft's answers and the names of its attachments, sorted.
draft_answers() {
	sql "$D" "SELECT answers FROM drafts"
}
attached() {
	sql "$D" "SELECT attachments FROM drafts" |
	    json 'sorted(a["name"] for a in d)'
}

# A desktop's viewer that says what it was asked to open.
mkdir -p "$T/bin"
printf '#!/bin/sh\nprintf "%%s\\n" "$1" >>"%s/opened"\n' "$T" >"$T/bin/xdg-open"
chmod +x "$T/bin/xdg-open"

tui_start "$D" en LANTIAN_IMPORT_DIR="$CAM" LANTIAN_NOW=2026-03-02T09:00:00Z \
    TZ=UTC LANTIAN_AUTOSYNC=0 DISPLAY=:7 PATH="$T/bin:$PATH"
wait_for "home" 'Drafts in progress \(0\)'
keys s
wait_for "sites" 'XY-E-301 +照片化工厂'
keys Enter
wait_for "the site and its forms" 'Photo test'
keys Down Down Down
sel_is "the photo test form" 'Photo test'
keys Enter
wait_for "the first question: a photo" '^  Front of the site'
screen_has "the bar: a takes a photo, Enter is next" \
    '^a take a photo x remove Enter next'

# Item 3: Enter is next; it never opens the picker.
keys Enter
wait_for "Enter on the empty required photo: an answer is required" \
    '^  An answer is required\.'
screen_lacks "the picker did not open" 'Import folder:'
is "nothing attached" "$(attached)" '[]'
keys Enter
wait_for "a second Enter: still the question, nothing taken" \
    '^  An answer is required\.'
screen_lacks "still no picker" 'Import folder:'
is "still nothing attached" "$(attached)" '[]'
is "nor answered" "$(draft_answers)" '{}'

# a picks; the message names the file and its type.
keys a
wait_for "a: the import folder, newest first" 'a\.jpg +20 B'
keys Enter
wait_for "taken: the message names the file, its type and size" \
    'Attached a\.jpg \(JPEG image, 20 B\)\.'
screen_has "the answer shows it" "a\\.jpg \\($A12\\)"
is "the draft has it" "$(attached)" '["a.jpg"]'
is "as the answer" "$(draft_answers | json 'd["front"]')" "$SHA_A"

# Item 2: another file replaces it, in the answer and the attachments.
keys a
wait_for "a again" 'b\.png +29 B'
keys Down Enter
wait_for "b.png taken" 'Attached b\.png \(PNG image, 29 B\)\.'
is "the answer is b.png" "$(draft_answers | json 'd["front"]')" "$SHA_B"
is "a.jpg is no longer attached" "$(attached)" '["b.png"]'
keys x
wait_for "x removes the photo" 'No photo yet: press a to take one'
screen_has "and says so" 'Photo removed from this answer\.'
is "nothing attached any more" "$(attached)" '[]'
is "no answer" "$(draft_answers)" '{}'

# Not photos: an empty file, a text file named .jpg, a PDF.
keys a
wait_for "the picker" 'empty\.jpg +0 B'
keys Down Down Enter
wait_for "an empty file is refused" \
    'empty\.jpg is empty \(0 bytes\): not attached\.'
keys a
wait_for "the picker again" 'notes\.jpg'
keys Down Down Down Enter
wait_for "a text file named .jpg is refused by its content" \
    'notes\.jpg is not a photo, video, sound recording or PDF \(by its'
keys a
wait_for "the picker again" 'scan\.pdf'
keys Down Down Down Down Enter
wait_for "a PDF is no photo answer" \
    'scan\.pdf is a PDF document, not a photo'
is "none of them attached" "$(attached)" '[]'
is "nor answered" "$(draft_answers)" '{}'
check "none of them went into the store (a.jpg and b.png only)" \
    test "$(find "$D/attachments" -type f ! -name '.*' | wc -l)" -eq 2
check "not the PDF" test ! -e "$D/attachments/$(echo "$PDF" | cut -c1-2)/$PDF"

# a.jpg for the front; Enter goes on.
keys a
wait_for "the picker" 'a\.jpg +20 B'
keys Enter
wait_for "a.jpg taken" 'Attached a\.jpg \(JPEG image, 20 B\)\.'
keys Enter
wait_for "Enter with a photo: the next question" '^  Smoke seen'
# The attachments screen: a PDF and b.png, put there by hand.
keys a
wait_for "a on a yes/no: the attachments screen" '^a add a file'
keys a
wait_for "its picker" 'scan\.pdf'
keys Down Down Down Down Enter
wait_for "the PDF attached there, named with its type" \
    'Attached scan\.pdf \(PDF document, [0-9]+ B\)\.'
keys a
wait_for "its picker" 'b\.png'
keys Down Enter
wait_for "b.png attached there" 'Attached b\.png \(PNG image, 29 B\)\.'
is "three files" "$(attached)" '["a.jpg", "b.png", "scan.pdf"]'
keys Escape
wait_for "back to the question" '^  Smoke seen'
keys n
wait_for "n: no smoke, the back photo" '^  Back of the site'
keys a
wait_for "the picker" 'b\.png'
keys Down Enter
wait_for "b.png as the back photo" 'Attached b\.png \(PNG image, 29 B\)\.'
keys x
wait_for "x takes it off the answer" 'No photo yet'
is "b.png stays: the attachments screen put it there" "$(attached)" \
    '["a.jpg", "b.png", "scan.pdf"]'
keys a
wait_for "the picker" 'a\.jpg'
keys Enter
wait_for "a.jpg as the back photo too" 'Attached a\.jpg'
keys x
wait_for "x again" 'No photo yet'
is "a.jpg stays: the front answer still cites it" "$(attached)" \
    '["a.jpg", "b.png", "scan.pdf"]'

keys r
wait_for "the review" '^ Answers'
screen_has "the front photo" 'Front of the site +a\.jpg'
keys k
wait_for "acknowledgment" 'Name of the site representative'
type_text 赵厂长
keys Enter
type_text 厂长
keys Enter
wait_for "acknowledged" 'press s to sign'
keys s
wait_for "sign" 'Your passphrase signs this record'
type_text "$PASS"
keys Enter
wait_for "signed" 'Signed and stored: record'
ID=$(sed -n 's/.*Signed and stored: record \([0-9a-f]\{12\}\).*/\1/p' "$T/screen" |
    head -n 1)
lt --data "$D" records show "$ID" --raw >"$T/rec.json"
is "the record carries exactly the files the answers and the attachments screen name" \
    "$(json 'sorted(a["name"] for a in d["attachments"])' <"$T/rec.json")" \
    '["a.jpg", "b.png", "scan.pdf"]'
is "the front answer is a.jpg" "$(json 'd["answers"]["front"]' <"$T/rec.json")" "$SHA_A"
is "no back answer" "$(json '"back" not in d["answers"]' <"$T/rec.json")" true

# The record view: each attachment with its type, size, hash and place.
keys G
wait_for "the record view, at its end: the attachments" '^   3  b\.png$'
keys Up Up Up
wait_for "their heading says o opens one" '^ Attachments \(3; o opens one\)'
screen_has "1: a.jpg" '^   1  a\.jpg$'
screen_has "its type and size" '^      JPEG image · 20 B$'
screen_has "its hash" "^      SHA-256 $SHA_A\$"
screen_has "and the other record of the site that has it" \
    "^      also in record $(echo "$EARLIER" | cut -c1-12) \\(inspection, 2026-03-01 08:00\\)\$"
screen_has "2: the PDF" '^   2  scan\.pdf$'
screen_has "a PDF document" '^      PDF document · [0-9]+ B$'
screen_has "3: b.png" '^   3  b\.png$'
screen_has "where it is stored" "$(echo "$D" | cut -c1-20 | sed 's/[.]/\\./g')"
screen_has "the bar names o" 'o open an attachment'
keys o
wait_for "o: which one" 'Which attachment \(1-3, as numbered in the view\)\?'
type_text 3
keys Enter
wait_for "3: b.png opened" 'b\.png opened with the desktop.s viewer\.'
_i=0
while [ ! -s "$T/opened" ] && [ "$_i" -lt $((TUI_WAIT * 10)) ]; do
	sleep 0.1
	_i=$((_i + 1))
done
is "xdg-open was given the stored copy of b.png" "$(cat "$T/opened" 2>/dev/null)" \
    "$D/attachments/$(echo "$SHA_B" | cut -c1-2)/$SHA_B"
tui_quit "q quits"

# No desktop: said, and how to get the file out.
tui_start "$D" en TZ=UTC LANTIAN_AUTOSYNC=0
wait_for "home" 'Drafts in progress'
keys h
wait_for "the history" 'Lantian 蓝天 · History'
keys Enter
wait_for "the record" 'Lantian 蓝天 · Record'
keys o
wait_for "o: which one" 'Which attachment'
type_text 1
keys Enter
wait_for "no desktop: said, with the command that copies it out" \
    "No desktop here: lantian attachments extract $A12 --out FILE copies it\\."
tui_quit "q quits"

# In Chinese: the message names the file and its type in Chinese.
tui_start "$D" zh LANTIAN_IMPORT_DIR="$CAM" TZ=UTC LANTIAN_AUTOSYNC=0
wait_for "zh: home" "$(zh 'Drafts in progress (%d)' '[0-9]+')"
keys s
wait_for "zh: sites" 'XY-E-301 +照片化工厂'
keys Enter
wait_for "zh: the site" '照片测试'
# The forms are listed by their title in the language: as many Downs as
# forms above it.
# (not _n: the TAP library counts the checks in it)
downs=$(awk '/照片测试/ { print n; exit } /^    .* [a-z-]+ v[0-9]+ *$/ { n++ }' \
    "$T/screen")
_i=0
while [ "$_i" -lt "${downs:-0}" ]; do
	keys Down
	_i=$((_i + 1))
done
sel_is "zh: the photo test form" '照片测试'
keys Enter
wait_for "zh: the photo question" '正面照片'
keys a
wait_for "zh: the import folder" 'a\.jpg'
keys Enter
wait_for "zh: attached, in Chinese, with its type" \
    "$(zh 'Attached %s (%s, %s).' 'a\.jpg' "$(zh 'JPEG image')" '20 B')"
keys x
wait_for "zh: removed" "$(zh 'Photo removed from this answer.')"
keys Escape
wait_for "zh: paused" "$(zh 'Draft saved: resume it from the home screen.')"
tui_quit "zh: q quits"

# Answering the office with a photo: the office returns a record asking
# for one; the inspector's answer (a on home) carries it, and the
# office's view of the record shows it.
office_and_inspector
setup "the office asks for a photo" lt --data "$O" review "$R1" --return \
    '请补拍铭牌照片' --passphrase-file "$OFFPASS"
setup "the office syncs" lt --data "$O" sync "$STICK"
setup "the inspector syncs" lt --data "$D" sync stick
tui_start "$D" en LANTIAN_IMPORT_DIR="$CAM" LANTIAN_NOW=2030-03-04T08:00:00Z \
    TZ=UTC LANTIAN_AUTOSYNC=0
wait_for "home: the office's question" 'From the office \(1\)'
keys a
wait_for "a: the question" 'The office asks: 请补拍铭牌照片'
type_text '铭牌照片已补拍'
keys Enter
wait_for "a photo is offered" 'Add a photo to your answer \(from the import folder\)\?'
keys y
wait_for "y: the import folder" 'a\.jpg +20 B'
keys Enter
wait_for "taken, named with its type" 'Attached a\.jpg \(JPEG image, 20 B\)\.'
screen_has "another is offered" 'Add another photo\?'
keys y
wait_for "y: the folder again" 'b\.png +29 B'
keys Down Down Enter
wait_for "an empty file is refused here too" \
    'empty\.jpg is empty \(0 bytes\): not attached\.'
keys n
wait_for "n: the passphrase" 'Your passphrase signs the answer as an amendment'
type_text "$PASS"
keys Enter
wait_for "signed" 'Your answer is signed \(amendment [0-9a-f]{12}\)'
tui_quit "the inspector quits"
AM=$(lt --data "$D" records list --json | json '[r["id"] for r in d if r["type"] == "amendment"][0]')
lt --data "$D" records show "$AM" --raw >"$T/am.json"
is "the amendment carries the photo, and only it" \
    "$(json '[[x["sha256"], x["name"]] for x in d["attachments"]]' <"$T/am.json")" \
    "[[\"$SHA_A\", \"a.jpg\"]]"
setup "the inspector syncs" lt --data "$D" sync stick
setup "the office syncs" lt --data "$O" sync "$STICK"
check "the photo reached the office" \
    test -f "$O/attachments/$(echo "$SHA_A" | cut -c1-2)/$SHA_A"
tui_start "$O" en LANTIAN_NOW=2030-03-05T08:00:00Z TZ=UTC LANTIAN_AUTOSYNC=0
wait_for "office: home" 'Drafts in progress'
keys v
wait_for "the queue: the record is back" 'answered'
keys Enter
wait_for "its view: the answer" '铭牌照片已补拍'
screen_has "with its photo, numbered" '^   1  a\.jpg$'
screen_has "its type and size" '^      JPEG image · 20 B$'
tui_quit "the office quits"

done_testing
