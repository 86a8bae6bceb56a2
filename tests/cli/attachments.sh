#!/bin/sh
# Attachments on the command line (issue 18):
#   - inspect --attach refuses an empty file and a file that is no photo
#     by its content (a text file named .jpg), and a PDF as a photo
#     answer; nothing is signed and nothing is stored; a photo taken is
#     named with its type and size;
#   - attachments show ID (a hash or a unique prefix): type, size, hash,
#     where it is stored, which records cite it; an ambiguous or unknown
#     prefix is refused;
#   - attachments extract SHA256 --out FILE: the exact bytes, never over
#     an existing file, and a damaged stored copy is said;
#   - amend ID --reply TEXT --attach FILE: the amendment carries the
#     photo (its attachments), which goes to the attachments branch of a
#     sync and into an evidence bundle like an inspection's; an empty
#     file refused there too.
set -u
. "$top_srcdir/tests/cli/lib.sh"

D=$T/d
lt_office_init "$D"
lt_sites "$D"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\2\0\0\0' >"$T/photo.png"
printf '\377\330\377\340\0\20JFIF\0\1\1\0\0\1\0\1\0\0 plate' >"$T/plate.jpg"
: >"$T/empty.jpg"
printf 'not a picture at all\n' >"$T/notes.jpg"
printf '%%PDF-1.4\n%% a permit\n' >"$T/permit.pdf"
PNG=$(sha256sum "$T/photo.png" | cut -d' ' -f1)
JPG=$(sha256sum "$T/plate.jpg" | cut -d' ' -f1)
PDF=$(sha256sum "$T/permit.pdf" | cut -d' ' -f1)
stored() {
	echo "$D/attachments/$(echo "$1" | cut -c1-2)/$1"
}
inspect() {
	answers "a-$1" "$2"
	shift 2
	run "$LANTIAN" --data "$D" inspect --site XY-E-101 --form boiler \
	    --answers "$A" --ack-name 赵厂长 --ack-role 负责人 \
	    --passphrase-file "$PASSFILE" "$@"
}
WITH_PHOTO=$(echo "$COAL_BOILER" | sed 's/}$/, "nameplate_photo": "P"}/')

# Refused: empty, not a photo by its content, a PDF as a photo answer.
inspect 1 "$COAL_BOILER" --attach "$T/empty.jpg"
check "an empty file: exit 1" test "$RC" -eq 1
err_has "it says the file is empty" \
    "^lantian: .*empty\.jpg: an empty file \(0 bytes\), not a photo$"
inspect 2 "$COAL_BOILER" --attach "$T/notes.jpg"
check "a text file named .jpg: exit 1" test "$RC" -eq 1
err_has "it is not a photo by its content" \
    "^lantian: .*notes\.jpg: not a photo, video, sound recording or PDF \(its content is none of JPEG, PNG"
inspect 3 "$(echo "$WITH_PHOTO" | sed 's/"P"/"permit.pdf"/')" \
    --attach "$T/permit.pdf"
check "a PDF as the nameplate photo: exit 1" test "$RC" -eq 1
err_has "a PDF is no photo answer" \
    "nameplate_photo: permit\.pdf is a PDF document, not a photo"
is "nothing was signed" "$(lt_count "$D")" 0
check "nothing stored" test ! -e "$(stored "$PDF")"

# Taken: named with its type and size.
inspect 4 "$(echo "$WITH_PHOTO" | sed 's/"P"/"photo.png"/')" \
    --attach "$T/photo.png" --attach "$T/permit.pdf"
check "a PNG as the photo, a PDF beside it: exit 0" test "$RC" -eq 0
R1=$(head -n 1 "$T/out")
err_has "the PNG named with its type and size" \
    '^lantian: attached photo\.png \(PNG image, 29 B\)$'
err_has "the PDF too" '^lantian: attached permit\.pdf \(PDF document, [0-9]+ B\)$'
lt_inspect "$D" XY-E-102 boiler "$COAL_BOILER" --attach "$T/photo.png"
R2=$ID

# attachments show.
ok "show by a prefix" lt --data "$D" attachments show "$(echo "$PNG" | cut -c1-10)"
out_has "its hash" "^sha256 +$PNG$"
out_has "its type" '^type +image/png \(PNG image\)$'
out_has "its size" '^size +29 B \(29 bytes\)$'
out_has_fixed "where it is stored" "$(stored "$PNG")"
out_has "cited by the first record" "^  $R1  inspection  XY-E-101  .*  as photo\.png$"
out_has "and the second" "^  $R2  inspection  XY-E-102  "
ok "show by the whole hash, in capitals" lt --data "$D" attachments show \
    "$(echo "$PDF" | tr a-f A-F)"
out_has "the PDF" '^type +application/pdf \(PDF document\)$'
fails 1 "an unknown hash" lt --data "$D" attachments show 0000000000
err_has "says so" '^lantian: attachment 0000000000: no such attachment on this device$'
fails 1 "not hex" lt --data "$D" attachments show photo.png
err_has "says so" 'not a SHA-256 or a prefix of one'
fails 2 "no id: usage" lt --data "$D" attachments show
# Two stored files whose hashes start alike: a one-digit prefix of both.
python3 - "$T" <<'PY'
import hashlib, sys
seen = {}
for i in range(100):
    b = b"\x89PNG\r\n\x1a\n" + b"variant %d" % i
    h = hashlib.sha256(b).hexdigest()
    if h[0] in seen:
        open(sys.argv[1] + "/v1.png", "wb").write(seen[h[0]])
        open(sys.argv[1] + "/v2.png", "wb").write(b)
        open(sys.argv[1] + "/prefix", "w").write(h[0])
        break
    seen[h[0]] = b
PY
lt_inspect "$D" XY-E-101 boiler "$COAL_BOILER" --attach "$T/v1.png" \
    --attach "$T/v2.png"
fails 1 "an ambiguous prefix" lt --data "$D" attachments show "$(cat "$T/prefix")"
err_has "says to give more" 'more than one attachment starts so: give more digits'

# attachments extract.
ok "extract" lt --data "$D" attachments extract "$(echo "$PNG" | cut -c1-12)" \
    --out "$T/copy.png"
check "the exact bytes" cmp "$T/photo.png" "$T/copy.png"
fails 1 "never over an existing file" lt --data "$D" attachments extract \
    "$PNG" --out "$T/copy.png"
err_has "says so" 'copy\.png: already exists \(not replaced\)'
check "which is untouched" cmp "$T/photo.png" "$T/copy.png"
fails 2 "no --out: usage" lt --data "$D" attachments extract "$PNG"
chmod u+w "$(stored "$PDF")"
printf 'damaged' >>"$(stored "$PDF")"
fails 1 "a damaged stored copy" lt --data "$D" attachments extract "$PDF" \
    --out "$T/permit-copy.pdf"
err_has "is said" 'the stored copy is damaged'
check "and nothing is written" test ! -e "$T/permit-copy.pdf"

# amend --attach.
N=$(lt_count "$D")
fails 1 "an answer with an empty file" lt --data "$D" amend "$R2" \
    --reply "铭牌照片已补拍" --attach "$T/empty.jpg" --passphrase-file "$PASSFILE"
err_has "is refused" 'empty\.jpg: an empty file'
is "nothing signed" "$(lt_count "$D")" "$N"
ok "an answer with the photo the office asked for" lt --data "$D" amend \
    "$R2" --reply "铭牌照片已补拍" --attach "$T/plate.jpg" \
    --passphrase-file "$PASSFILE"
AM=$(head -n 1 "$T/out")
err_has "named with its type" '^lantian: attached plate\.jpg \(JPEG image, [0-9]+ B\)$'
ok "the amendment" lt --data "$D" records show "$AM" --raw
is "carries the photo" \
    "$(json '[[a["sha256"], a["name"], a["mime"]] for a in d["attachments"]]' <"$T/out")" \
    "[[\"$JPG\", \"plate.jpg\", \"image/jpeg\"]]"
check "stored" cmp "$T/plate.jpg" "$(stored "$JPG")"
ok "attachments show names the amendment" lt --data "$D" attachments show "$JPG"
out_has "cited by it" "^  $AM  amendment  XY-E-102  .*  as plate\.jpg$"
ok "records show lists it" lt --data "$D" records show "$AM"
out_has_fixed "the photo" "plate.jpg"
ok "it verifies" lt --data "$D" verify

# It travels like an inspection's photo.
ok "a remote" lt --data "$D" remote add stick "$T/stick.git" --create
ok "sync" lt --data "$D" sync stick
KEY=$(git --git-dir="$T/stick.git" for-each-ref --format='%(refname)' \
    'refs/heads/attachments/*' | head -n 1)
check "the attachments branch holds the amendment's photo" sh -c \
    "git --git-dir='$T/stick.git' ls-tree -r --name-only '$KEY' | grep -q '$JPG'"
ok "an evidence bundle of the record" lt --data "$D" export --record "$R2" \
    --case 2030-T-1 --out "$T/case" --include-unverified \
    --passphrase-file "$PASSFILE"
check "holds the amendment's photo" test -f "$T/case/data/attachments/$JPG.jpg"

done_testing
