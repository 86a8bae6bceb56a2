#!/bin/sh
# Interop: a record and its signature, as lantian gives them, verify with
# the real minisign and nothing of lantian:
#   lantian records show ID --raw > r.json
#   lantian records show ID --minisig > r.json.minisig
#   minisign -V -p <data>/keys/device.pub -m r.json
set -u
. "$top_srcdir/tests/cli/lib.sh"

# CI installs minisign: its absence is a failure, never a skip.
if ! command -v minisign >/dev/null 2>&1; then
	fail "minisign is installed" "minisign not found in PATH=$PATH"
	done_testing
fi
pass "minisign is installed ($(minisign -v 2>&1 | head -n 1))"

D=$T/data
lt_init "$D"
lt_sites "$D"
KEYID=$(lt_keyid "$D")
PUB=$D/keys/device.pub
lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER"
ID1=$ID
lt_inspect "$D" XY-E-102 boiler "$COAL_BOILER" --notes "锅炉已停用? 待复查"
ID2=$ID

cd "$T" || exit 1
lt --data "$D" records show "$ID2" --raw >r.json
lt --data "$D" records show "$ID2" --minisig >r.json.minisig
ok "minisign -V -p device.pub -m r.json verifies the record" \
    minisign -V -p "$PUB" -m r.json
out_has "minisign says both signatures hold" \
    "Signature and comment signature verified"
is "the trusted comment minisign prints names the record" \
    "$(grep '^Trusted comment: ' "$T/out")" \
    "Trusted comment: lantian inspection id=$ID2 device=$KEYID seq=2"
ok "minisign -V -H (prehashed signatures only) verifies it too" \
    minisign -V -H -p "$PUB" -m r.json
ok "minisign -V -P <base64 key> verifies it" \
    minisign -V -P "$(sed -n 2p "$PUB")" -m r.json
ok "minisign -V -x names the signature file" \
    minisign -V -p "$PUB" -m r.json -x r.json.minisig

lt --data "$D" records show "$ID1" --raw >first.json
lt --data "$D" records show "$ID1" --minisig >first.json.minisig
ok "the first record verifies as well" minisign -V -p "$PUB" -m first.json
out_has "its trusted comment says seq=1" \
    "^Trusted comment: lantian inspection id=$ID1 device=$KEYID seq=1\$"

# One byte changed in the record: minisign refuses it.
cp r.json changed.json
cp r.json.minisig changed.json.minisig
python3 -c 'import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = b.index(b"XY-017") + 5
b[i] ^= 0x01
open(p, "wb").write(bytes(b))' changed.json
is "(one byte differs)" "$(cmp -l r.json changed.json | wc -l | tr -d ' ')" 1
fails 1 "minisign refuses the changed record" \
    minisign -V -p "$PUB" -m changed.json
err_has "it says the signature failed" "[Ss]ignature verification failed"
# A byte appended (a newline, as an editor would add) is a change too.
cp r.json newline.json
cp r.json.minisig newline.json.minisig
echo >>newline.json
fails 1 "minisign refuses the record with a newline added" \
    minisign -V -p "$PUB" -m newline.json

# The trusted comment is covered by the global signature.
cp r.json tc.json
sed 's/^trusted comment: \(.*\)seq=2$/trusted comment: \1seq=1/' \
    r.json.minisig >tc.json.minisig
check "(the trusted comment was edited)" grep -q 'seq=1$' tc.json.minisig
fails 1 "minisign refuses an edited trusted comment" \
    minisign -V -p "$PUB" -m tc.json

# Another record's signature does not hold for this one.
cp r.json swapped.json
cp first.json.minisig swapped.json.minisig
fails 1 "minisign refuses another record's signature" \
    minisign -V -p "$PUB" -m swapped.json

# Another device's key does not verify it.
lt_init "$T/other"
fails 1 "minisign refuses the record with another device's key" \
    minisign -V -p "$T/other/keys/device.pub" -m r.json

# And lantian's own verify agrees with minisign on the good store.
ok "lantian verify agrees" lt --data "$D" verify

done_testing
