#!/bin/sh
# Smaller holes a stick holder or a careless office could use:
#   - a name with a zero-width space (or another invisible character)
#     shows it, as <U+200B>, in the CLI and in a bag's report.html;
#   - a bag's report.html shows only raster images as images; any other
#     file is named with its type and size, never linked as a page;
#   - office publish refuses a sites.json bigger than devices take
#     (they would refuse the office branch's copy), saying so.
set -u
. "$top_srcdir/tests/cli/lib.sh"

D=$T/data
lt_office_init "$D"
lt_sites "$D"
printf 'id,name,kind,village,address\nXY-E-900,下冶\342\200\213供热站,enterprise,下冶村,镇政府东侧\n' \
    >"$T/zw.csv"
ok "a site whose name hides a zero-width space" lt --data "$D" sites \
    import "$T/zw.csv"
ok "sites list" lt --data "$D" sites list
out_has "shows it" "下冶<U\+200B>供热站"
check "and never the raw character" \
    sh -c '! grep -q "$(printf "\342\200\213")" "$1"' sh "$T/out"

python3 - "$T/red.png" <<'PY'
import struct, sys, zlib
w, h = 8, 8
raw = b"".join(b"\0" + bytes((255, 0, 0)) * w for _ in range(h))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
# A TIFF: an image browsers do not show; a file like any other here.
printf 'II*\000\010\000\000\000\000\000' >"$T/scan.tif"
lt_inspect "$D" XY-E-900 boiler "$GAS_BOILER" --attach "$T/red.png" \
    --attach "$T/scan.tif"
R=$ID
ok "the bag" lt --data "$D" export --record "$R" --case K-1 --out "$T/bag" \
    --passphrase-file "$PASSFILE"
H=$T/bag/data/report.html
check "report.html shows the name's hidden character" \
    grep -q "下冶&lt;U+200B&gt;供热站" "$H"
check "the PNG is shown as an image" \
    grep -q '<img src="attachments/[0-9a-f]*\.png"' "$H"
check "the other file is not linked" \
    sh -c '! grep -q "<a href=\"attachments/" "$1"' sh "$H"
check "nor shown as an image" \
    sh -c '! grep -q "<img src=\"attachments/[0-9a-f]*\.tif" "$1"' sh "$H"
check "it is named with its type and size" \
    grep -q "附件（不在此显示）：attachments/[0-9a-f]*\.[a-z]* (image/tiff, 10 字节)" "$H"

python3 - "$T/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("id,name,kind,village,address\n")
    for i in range(30000):
        f.write("XY-B-%05d,企业%05d,enterprise,下冶村,%s\n" % (i, i, "下冶镇工业园区很长很长的地址" * 6))
PY
ok "a register of 30,000 sites with long addresses" lt --data "$D" sites \
    import "$T/big.csv"
fails 1 "office publish refuses a sites.json devices would refuse" \
    lt --data "$D" office publish --passphrase-file "$PASSFILE"
err_has "saying why" "^lantian: sites.json: [0-9]* bytes, over the 8388608 a device takes: devices would refuse it, so it is not published"

done_testing
