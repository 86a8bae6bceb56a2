#!/bin/sh
# Evidence bundles (lantian export, lantian verify-bundle):
#   - a case of two inspections with photos, exported as a BagIt bag and
#     as a .tar; its files as DESIGN.md lists them, bag-info.txt's labels,
#     the manifests; verify-bundle passes it, pinned to the office key
#     or not, the directory and the .tar alike;
#   - VERIFY.txt's commands run as written (sh VERIFY.txt), and
#     sha256sum -c and minisign -V by hand;
#   - each kind of tampering on a copy is named by verify-bundle, exit 1:
#     a byte of a record, of a photo, of bag-info.txt; a file added,
#     removed, renamed; a signature by another key; a roster entry the
#     office never signed; a path with ".." in the manifest; a symbolic
#     link; a .tar with "../" in it; a review signed by another key;
#   - the office's review goes in the bag, and the report says who
#     accepted the record (the office key);
#   - records not verified need --include-unverified, and the report
#     marks them; the selections by site, finding and dates;
#   - report.html: no script, nothing fetched, text escaped; rendered
#     by headless Chromium, the picture shows the report and its photo.
set -u
. "$top_srcdir/tests/cli/lib.sh"

D=$T/office
D2=$T/stranger
LANTIAN_NOW=2030-03-01T08:00:00Z
export LANTIAN_NOW
lt_office_init "$D"
lt_sites "$D"
KID=$(lt_keyid "$D")

# Photos: a solid red PNG (the report's picture must show it) and a blue.
python3 - "$T/red.png" "$T/blue.png" <<'EOF'
import struct, sys, zlib
def png(path, rgb, w=240, h=160):
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
png(sys.argv[1], (255, 0, 0))
png(sys.argv[2], (0, 0, 255))
EOF
RED=$(sha256sum "$T/red.png" | cut -c1-64)
BLUE=$(sha256sum "$T/blue.png" | cut -c1-64)

lt_inspect "$D" XY-E-101 boiler "$COAL_BOILER" --attach "$T/red.png" \
    --notes '<script>alert("x")</script> 锅炉房 & 烟囱'
R1=$ID
LANTIAN_NOW=2030-03-10T08:00:00Z
lt_inspect "$D" XY-E-101 boiler "$COAL_BOILER" --attach "$T/blue.png" \
    --follows "$R1"
R2=$ID
LANTIAN_NOW=2030-04-02T08:00:00Z
lt_inspect "$D" XY-E-102 boiler "$GAS_BOILER"
R3=$ID

# A stranger's record of the same site (a key the office never enrolled),
# carried in by a stick: stored, not verified.
setup "init the stranger" lt --data "$D2" init --name 王五 --badge XY-099 \
    --passphrase-file "$PASSFILE" --office-key "$D/keys/office.pub"
lt_sites "$D2"
LANTIAN_NOW=2030-03-05T08:00:00Z
lt_inspect "$D2" XY-E-101 boiler "$GAS_BOILER"
RX=$ID
setup "the stranger's stick" lt --data "$D2" remote add stick "$T/stick.git" \
    --create
setup "the stranger syncs" lt --data "$D2" sync stick
setup "the office syncs" lt --data "$D" sync "$T/stick.git"
LANTIAN_NOW=2030-04-10T08:00:00Z
setup "the office accepts the first record" lt --data "$D" review "$R1" \
    --accept --passphrase-file "$PASSFILE"

# Exporting.
fails 1 "a site with a record not verified needs --include-unverified" \
    lt --data "$D" export --site XY-E-101 --case C-1 --out "$T/no" \
    --passphrase-file "$PASSFILE"
err_has "says which and how" "^lantian: record ${RX%"${RX#????????????????}"} is not verified \(unknown-key.*\): --include-unverified exports it, marked so$"
check "nothing of that bag is left" test ! -e "$T/no"

B=$T/case-2030-017
ok "export two records and the .tar" lt --data "$D" export --record \
    "${R1%"${R1#????????????}"}" "$R2" --case "2030-执-017" --out "$B" --tar \
    --passphrase-file "$PASSFILE"
out_has "it prints the bag's directory" "^$B\$"
out_has "and the .tar" "^$B\.tar\$"
err_has "and what went in" "^lantian: case 2030-执-017: 2 record\(s\) \(0 amendment\(s\), 0 not verified\), 2 attachment\(s\), 1 review\(s\), 1 form\(s\); "

is "bagit.txt" "$(cat "$B/bagit.txt")" "BagIt-Version: 1.0
Tag-File-Character-Encoding: UTF-8"
check "the records, their signatures" test -f "$B/data/records/$R1.json" -a \
    -f "$B/data/records/$R1.json.minisig" -a -f "$B/data/records/$R2.json"
lt --data "$D" records show "$R1" --raw >"$T/r1.json"
check "the record's exact bytes" cmp "$T/r1.json" "$B/data/records/$R1.json"
check "the photos by their hashes" test -f "$B/data/attachments/$RED.png" \
    -a -f "$B/data/attachments/$BLUE.png"
check "the photo's exact bytes" cmp "$T/red.png" "$B/data/attachments/$RED.png"
check "the signer's key and the office's" test -f "$B/data/keys/$KID.pub" \
    -a -f "$B/data/keys/office.pub"
check "the signer's roster entry, signed" test -f "$B/data/roster/$KID.json" \
    -a -f "$B/data/roster/$KID.json.minisig"
check "the exact form file cited" cmp "$LANTIAN_FORMS_DIR/boiler.json" \
    "$B/data/forms/boiler-v1.json"
is "the chain as the exporter knows it" \
    "$(grep -v '^#' "$B/data/chain/$KID.txt" | cut -c1-20 | tr '\n' ' ')" \
    "1 ${R1%"${R1#??????????????????}"} 2 ${R2%"${R2#??????????????????}"} 3 ${R3%"${R3#??????????????????}"} "
check "the office's review, signed" test -f "$B/data/reviews/$R1.json" -a \
    -f "$B/data/reviews/$R1.json.minisig"
check "the report" test -f "$B/data/report.html"
check "VERIFY.txt" test -f "$B/VERIFY.txt"
check "the exporter's signature" test -f "$B/tagmanifest-sha256.txt.minisig"

OXUM=$(find "$B/data" -type f -printf '%s\n' | awk '{ s += $1; n++ } END { print s "." n }')
is "bag-info.txt's labels" "$(sed -n 's/^\(Source-Organization\|External-Identifier\|Payload-Oxum\|Bag-Software-Agent\|Internal-Sender-Identifier\): .*/\1/p' "$B/bag-info.txt" | tr '\n' ' ')" \
    "Source-Organization External-Identifier Payload-Oxum Bag-Software-Agent Internal-Sender-Identifier "
is "External-Identifier is the case" "$(sed -n 's/^External-Identifier: //p' "$B/bag-info.txt")" "2030-执-017"
is "Payload-Oxum counts the payload" "$(sed -n 's/^Payload-Oxum: //p' "$B/bag-info.txt")" "$OXUM"
check "Bagging-Date is a date" grep -q -E '^Bagging-Date: [0-9]{4}-[0-9]{2}-[0-9]{2}$' "$B/bag-info.txt"
check "Internal-Sender-Description says the selection" grep -q \
    "^Internal-Sender-Description: the records ${R1%"${R1#????????????}"} $R2\$" "$B/bag-info.txt"
is "every payload file is in the manifest once" \
    "$(cd "$B" && find data -type f | sort | tr '\n' ' ')" \
    "$(cut -c67- "$B/manifest-sha256.txt" | sort | tr '\n' ' ')"
is "the tag manifest lists the tag files" \
    "$(cut -c67- "$B/tagmanifest-sha256.txt" | sort | tr '\n' ' ')" \
    "VERIFY.txt bag-info.txt bagit.txt manifest-sha256.txt "

fails 1 "export into a directory that is not empty" lt --data "$D" export \
    --record "$R1" --case X --out "$B" --passphrase-file "$PASSFILE"
err_has "says so" "exists and is not empty"
fails 2 "export needs a selection" lt --data "$D" export --case X \
    --out "$T/x" --passphrase-file "$PASSFILE"
fails 2 "one selection only" lt --data "$D" export --site XY-E-101 \
    --finding coal-le35 --case X --out "$T/x" --passphrase-file "$PASSFILE"

# Verifying.
ok "verify-bundle, pinned to the office key" lt verify-bundle "$B" \
    --office-key "$D/keys/office.pub"
out_has "the verdict" "^ok    verdict: VALID"
out_has "the office key is the one given" "^ok    office key [0-9A-F]{16}: the one given"
out_has "each record checked" "^ok    record ${R1%"${R1#????????????????}"}: inspection of XY-E-101, 2030-03-01T08:00:00Z by 张伟 \(XY-017\), seq 1: id, signature, roster, chain, attachments hold$"
out_has "the exporter's signature" "^ok    the exporter's signature of the tag manifest: device key $KID, 张伟 \(XY-017\) on the office's roster$"
out_has "the office's review" "^ok    review of record ${R1%"${R1#????????????????}"}: accepted on 2030-04-10T08:00:00Z, signed by the office key$"
out_has "the chain, with what the exporter has" "^ok    chain of $KID: 3 record\(s\), seq 1 to 3 without a gap$"
ok "verify-bundle, not pinned" lt verify-bundle "$B"
out_has "says the office key is not pinned" "^note  office key [0-9A-F]{16}: not pinned"
fails 1 "verify-bundle pinned to another office key" lt verify-bundle "$B" \
    --office-key "$D2/keys/device.pub"
out_has "names the keys" "^FAIL  office key: the bag's is [0-9A-F]{16}, not the office key given"
ok "verify-bundle of the .tar" lt verify-bundle "$B.tar"
out_has "the verdict" "^ok    verdict: VALID"
is "the .tar holds the bag's directory" "$(tar tf "$B.tar" | cut -d/ -f1 | sort -u)" "case-2030-017"

# VERIFY.txt, as written, and the standard tools by hand.
ok "sh VERIFY.txt in the bag" sh -c "cd '$B' && sh VERIFY.txt"
out_has "it says every check passed" "^VERIFY.txt: every check passed"
is "and the review" "$(grep -c "^minisign -V -q -p data/keys/office.pub -m data/reviews/$R1\.json$" "$B/VERIFY.txt")" 1
is "it checks each record with the key of its roster entry (-P)" "$(grep -c '^minisign -V -q -P "$K_[0-9A-F]*" -m data/records/[0-9a-f]*\.json$' "$B/VERIFY.txt")" 2
is "never with a key of data/keys/ but the office's" \
    "$(grep -c '^minisign.* -p data/keys/[0-9A-F]' "$B/VERIFY.txt")" 0
ok "sha256sum -c manifest-sha256.txt" sh -c "cd '$B' && sha256sum -c manifest-sha256.txt"
ok "sha256sum -c tagmanifest-sha256.txt" sh -c "cd '$B' && sha256sum -c tagmanifest-sha256.txt"
ok "minisign -V a record" sh -c "cd '$B' && minisign -V -p data/keys/$KID.pub -m data/records/$R1.json"
ok "minisign -V the exporter's signature" sh -c "cd '$B' && minisign -V -p data/keys/$KID.pub -m tagmanifest-sha256.txt"
out_has "its trusted comment names the case" "^Trusted comment: lantian bundle case=2030-执-017$"

# Tampering, each on a fresh copy.
tamper() {	# NAME: a copy of the bag in $C
	C=$T/t-$1
	rm -rf "$C"
	cp -r "$B" "$C"
}
caught() {	# DESC ERE: verify-bundle of $C fails, naming it
	fails 1 "$1: verify-bundle fails" lt verify-bundle "$C"
	out_has "$1: it is named" "$2"
	out_has "$1: the verdict" "^FAIL  verdict: NOT VALID"
}

tamper record
sed -i 's/"capacity_tph":4/"capacity_tph":5/' "$C/data/records/$R1.json"
caught "a changed byte in a record" "^FAIL  data/records/$R1\.json: altered: its SHA-256"
out_has "and the record's id no longer holds" "^FAIL  record ${R1%"${R1#????????????????}"}: altered: its bytes hash to"

tamper photo
printf 'x' | dd of="$C/data/attachments/$RED.png" bs=1 seek=100 conv=notrunc 2>/dev/null
caught "a changed byte in a photo" "^FAIL  data/attachments/$RED\.png: altered"
out_has "the record's attachment is not there with its hash" "^FAIL  record ${R1%"${R1#????????????????}"}: attachment ${RED%"${RED#????????????????}"} \(red\.png\) is not in the bag with its hash$"

tamper info
sed -i 's/^Source-Organization: .*/Source-Organization: 某某公司/' "$C/bag-info.txt"
caught "a changed bag-info.txt" "^FAIL  bag-info\.txt: altered"

tamper added
echo "a letter" >"$C/data/letter.txt"
caught "a file added to the payload" "^FAIL  data/letter\.txt: in the payload but not in manifest-sha256\.txt \(added\?\)$"
echo x >"$C/notes.txt"
caught "a file added beside it" "^FAIL  notes\.txt: not listed in any manifest \(added\?\)$"

tamper removed
rm "$C/data/attachments/$BLUE.png"
caught "a photo removed" "^FAIL  data/attachments/$BLUE\.png: listed in manifest-sha256\.txt \(line [0-9]+\) but not in the bag$"
out_has "the record misses it" "attachment ${BLUE%"${BLUE#????????????????}"} \(blue\.png\) is not in the bag with its hash"

tamper renamed
mv "$C/data/records/$R2.json" "$C/data/records/$R3.json"
caught "a record renamed" "^FAIL  data/records/$R2\.json: listed in manifest-sha256\.txt"
out_has "the new name is not listed" "^FAIL  data/records/$R3\.json: in the payload but not in manifest-sha256\.txt"

tamper sig
(cd "$T" && minisign -G -W -p other.pub -s other.key >/dev/null 2>&1)
OTHER=$(sed -n '1s/^untrusted comment: minisign public key //p' "$T/other.pub")
rm -f "$C/data/records/$R1.json.minisig"
setup "sign the record with another key" minisign -S -s "$T/other.key" \
    -m "$C/data/records/$R1.json" -t "lantian inspection id=$R1 device=$KID seq=1"
caught "a signature from another key" "^FAIL  record ${R1%"${R1#????????????????}"}: signature: .*$OTHER"

tamper review
rm -f "$C/data/reviews/$R1.json.minisig"
setup "sign the review with another key" minisign -S -s "$T/other.key" \
    -m "$C/data/reviews/$R1.json" -t "lantian office path=reviews/$R1.json"
caught "a review signed by another key" "^FAIL  data/reviews/$R1\.json: not the office's: "

tamper roster
python3 - "$C/data/roster/$KID.json" "$C/data/roster/ABCDEF0123456789.json" <<'EOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(s.replace("张伟", "李假"))
EOF
setup "sign the entry with another key" minisign -S -s "$T/other.key" \
    -m "$C/data/roster/ABCDEF0123456789.json" -t "lantian roster key=ABCDEF0123456789"
caught "a roster entry the office never signed" "^FAIL  data/roster/ABCDEF0123456789\.json: not signed by the office key"

tamper dotdot
echo "$(sha256sum /etc/hostname | cut -c1-64)  data/../../../etc/hostname" >>"$C/manifest-sha256.txt"
caught "a path with .. in the manifest" "^FAIL  manifest-sha256\.txt: line [0-9]+: a path that leaves the bag"

tamper symlink
ln -s /etc/passwd "$C/data/passwd"
caught "a symbolic link" "^FAIL  data/passwd: a symbolic link: refused, not followed$"

python3 - "$B" "$T/evil.tar" <<'EOF'
import io, os, sys, tarfile
with tarfile.open(sys.argv[2], "w") as t:
    t.add(sys.argv[1], arcname="bag")
    data = b"pwned\n"
    i = tarfile.TarInfo("bag/../../evil.txt")
    i.size = len(data)
    t.addfile(i, io.BytesIO(data))
EOF
fails 1 "a .tar with ../ in a name" lt verify-bundle "$T/evil.tar"
err_has "refused, naming it" "^lantian: .*evil\.tar: bag/\.\./\.\./evil\.txt: a path that leaves the bag$"
check "nothing was written outside" test ! -e "$T/evil.txt"

# The selections; records not verified.
ok "export a site with --include-unverified" lt --data "$D" export --site \
    XY-E-101 --include-unverified --case C-2 --out "$T/site" \
    --passphrase-file "$PASSFILE"
err_has "three records, one not verified" "3 record\(s\) \(0 amendment\(s\), 1 not verified\)"
check "the report says so on every page (a fixed banner)" grep -q \
    '<div class="banner">本证据包含 1 条未经验证的记录' "$T/site/data/report.html"
check "and at the record" grep -q '本记录未经验证' "$T/site/data/report.html"
fails 1 "verify-bundle fails on the stranger's record" lt verify-bundle "$T/site"
out_has "it names the signer not on the roster" "^FAIL  record ${RX%"${RX#????????????????}"}: device [0-9A-F]{16} is not on an office-signed roster in the bag$"
ok "export by finding" lt --data "$D" export --finding coal-le35 --case C-3 \
    --out "$T/finding" --passphrase-file "$PASSFILE"
is "the records that found it" "$(ls "$T/finding/data/records" | grep -c '\.json$')" 2
ok "export a site's records of some dates" lt --data "$D" export --site \
    XY-E-101 --from 2030-03-06 --to 2030-03-31 --case C-4 --out "$T/dates" \
    --passphrase-file "$PASSFILE"
is "only the record of those dates" "$(ls "$T/dates/data/records" | grep '\.json$')" "$R2.json"
ok "export with the report in English" lt --data "$D" export --record "$R3" \
    --case C-5 --lang en --out "$T/en" --passphrase-file "$PASSFILE"
check "the English report" grep -q 'Evidence bundle: case C-5' "$T/en/data/report.html"

# The report: self-contained, escaped.
H=$B/data/report.html
check "no script" sh -c "! grep -q -i '<script' '$H'"
check "nothing fetched" sh -c "! grep -q -E -i '(src|href)=\"(https?:)?//' '$H'"
check "the notes escaped" grep -q '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 锅炉房 &amp; 烟囱' "$H"
check "the photo inline, from the bag" grep -q "<img src=\"attachments/$RED.png\"" "$H"
check "the finding" grep -q '35 蒸吨/小时及以下燃煤锅炉' "$H"
check "which record the office accepted, and by which key" grep -q \
    "已通过</span> — 决定时间 2030-04-10 08:00:00 UTC, 由办公室密钥签署 <code>$(sed -n '1s/^untrusted comment: minisign public key //p' "$D/keys/office.pub")</code>" "$H"

# Chromium renders it: the picture shows the report and its red photo.
CHROME=$(command -v chromium || command -v chromium-browser || true)
shot() {	# HTML PNG
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
	    --hide-scrollbars --user-data-dir="$T/chrome" \
	    --screenshot="$2" --window-size=1000,2400 "file://$1" \
	    >"$T/chrome.log" 2>&1
}
pixels() {	# PNG: "red dark rows_with_text banner"
	python3 - "$1" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
pos, idat, w, h, ctype = 8, b"", 0, 0, 0
while pos < len(data):
    n, t = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if t == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif t == b"IDAT":
        idat += body
    pos += 12 + n
bpp = {2: 3, 6: 4}[ctype]
raw = zlib.decompress(idat)
stride = w * bpp
rows, prev = [], bytearray(stride)
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
red = dark = text_rows = banner = 0
for y, line in enumerate(rows):
    d = 0
    for x in range(0, stride, bpp):
        r, g, b = line[x], line[x + 1], line[x + 2]
        if r > 240 and g < 20 and b < 20: red += 1
        if r < 90 and g < 90 and b < 90: d += 1
        if y < 40 and 150 < r < 210 and g < 30 and b < 30: banner += 1
    dark += d
    if d > 0: text_rows += 1
print(red, dark, text_rows, banner)
EOF
}
if [ -z "$CHROME" ]; then
	fail "chromium is installed (tools/deps.sh --tests installs it)"
elif ! command -v fc-list >/dev/null 2>&1 || ! fc-list :lang=zh | grep -q .; then
	fail "a Chinese font is installed (tools/deps.sh --tests installs one)"
else
	ok "chromium renders report.html" shot "$H" "$T/report.png"
	set -- $(pixels "$T/report.png")
	check "the picture shows the red photo inline ($1 red pixels)" \
	    test "$1" -ge 20000
	check "and text, on many lines ($3 rows with dark pixels)" \
	    test "$3" -ge 300
	check "no banner: every record is verified" test "$4" -eq 0
	ok "chromium renders the report with a record not verified" \
	    shot "$T/site/data/report.html" "$T/site.png"
	set -- $(pixels "$T/site.png")
	check "its banner shows at the top ($4 banner pixels)" test "$4" -ge 5000
fi

done_testing
