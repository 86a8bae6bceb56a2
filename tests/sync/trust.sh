#!/bin/sh
# Key substitution, performed by whoever holds the stick, with the git CLI
# and minisign alone: a key pair made with an enrolled inspector's key id
# (8 bytes anyone can choose), put in the device.pub of the inspector's
# branch on the stick, and a record signed with it added as the next seq.
# It must fail everywhere:
#   - the office checks the branch's records with the whole public key of
#     the inspector's roster entry, never with device.pub: the forged
#     record is bad-signature, logged with the substitution, not counted,
#     not exported; the genuine ones stay verified;
#   - a fresh device syncing from that stick marks the genuine records
#     verified (not bad-signature), the forged one bad-signature;
#   - the inspector's real next record, arriving later by another way, is
#     verified, not a "fork";
#   - a device that took the forged branch before it knew the roster (a
#     stick without the office branch) keeps the forged record unknown-key
#     (never verified), and once the office's roster arrives, the forged
#     record is bad-signature and the genuine ones verified.
. "$top_srcdir/tests/sync/lib.sh"

sql() {
	sqlite3 "$1/lantian.db" "$2"
}

# rekey PUB KEY ID OUTPUB OUTKEY: the minisign key pair PUB/KEY (made
# with -G -W) under the key id ID: the id is 8 bytes of the public and the
# secret key (stored little-endian); an unencrypted minisign secret key
# carries a checksum only when minisign wrote one.
rekey() {
	python3 - "$@" <<'EOF'
import base64, hashlib, sys
pub, key, newid, opub, okey = sys.argv[1:]
nid = bytes.fromhex(newid)[::-1]
p = base64.b64decode(open(pub).read().split('\n')[1])
p = p[:2] + nid + p[10:]
open(opub, 'w').write('untrusted comment: minisign public key %s\n%s\n'
                      % (newid, base64.b64encode(p).decode()))
k = bytearray(base64.b64decode(open(key).read().split('\n')[1]))
assert k[2:4] == b'\0\0'
k[54:62] = nid
if any(k[126:158]):
    k[126:158] = hashlib.blake2b(bytes(k[0:2]) + nid + bytes(k[62:126]),
                                 digest_size=32).digest()
open(okey, 'w').write('untrusted comment: minisign secret key\n%s\n'
                      % base64.b64encode(bytes(k)).decode())
EOF
}

# rebag DIR KEY: a bag's manifests, Payload-Oxum and tag manifest made
# again over what DIR now holds, the tag manifest signed with the
# minisign KEY: what anyone rewriting a bag does.
rebag() {
	(
		cd "$1" &&
		find data -type f | LC_ALL=C sort | xargs sha256sum \
		    >manifest-sha256.txt &&
		oxum=$(find data -type f | xargs cat | wc -c).$(find data \
		    -type f | wc -l) &&
		sed -i "s/^Payload-Oxum: .*/Payload-Oxum: $oxum/" bag-info.txt &&
		sha256sum bagit.txt bag-info.txt manifest-sha256.txt \
		    VERIFY.txt >tagmanifest-sha256.txt &&
		minisign -S -s "$2" -m tagmanifest-sha256.txt \
		    -t "lantian bundle case=K-1" >/dev/null 2>&1
	)
}

O=$T/office
IA=$T/inspector-a
IF=$T/fresh
IG=$T/fresh-no-office
mk_office "$O"
mk_inspector "$IA" 张伟 XY-017 "$O"
mk_inspector "$IF" 李娜 XY-021 "$O"
mk_inspector "$IG" 陈静 XY-033 "$O"
KA=$(lt_keyid "$IA")
enrol "$O" "$IA" 张伟 XY-017
enrol "$O" "$IF" 李娜 XY-021
enrol "$O" "$IG" 陈静 XY-033

STICK=$T/stick.git
SERVER=$T/server.git
setup "the stick" lt --data "$IA" remote add stick "$STICK" --create
setup "the server" lt --data "$IA" remote add server "$SERVER" --create
setup "the office's stick" lt --data "$O" remote add stick "$STICK"
setup "the office's server" lt --data "$O" remote add server "$SERVER"
setup "the office publishes its roster" lts --data "$O" sync stick
inspect "$IA" "A 1"
A1=$ID
setup "A syncs with the stick" lts --data "$IA" sync stick

#### The attack: a key with A's key id, its record on A's branch

setup "a throwaway key pair (minisign -G -W)" minisign -G -W \
    -p "$T/mine.pub" -s "$T/mine.key"
rekey "$T/mine.pub" "$T/mine.key" "$KA" "$T/forged.pub" "$T/forged.key"
is "(the forged public key claims A's key id)" \
    "$(sed -n '1s/.* //p' "$T/forged.pub")" "$KA"

export GIT_DIR="$STICK"
TIP=$(git rev-parse "refs/heads/devices/$KA")
git cat-file blob "$TIP:records/0000/00000001.json" >"$T/a1.json"
python3 - "$T/a1.json" "$A1" "$T/forged.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
r["seq"] = 2
r["prev"] = sys.argv[2]
r["notes"] = "forged: no violation found"
r["findings"] = []
open(sys.argv[3], "w").write(json.dumps(r, ensure_ascii=False,
                                        separators=(",", ":")))
EOF
FID=$(sha256sum "$T/forged.json" | cut -d' ' -f1)
minisign -S -s "$T/forged.key" -m "$T/forged.json" \
    -x "$T/forged.json.minisig" \
    -t "lantian inspection id=$FID device=$KA seq=2" >/dev/null 2>&1 ||
    fail "setup: minisign signs the forged record"
ok "minisign itself verifies the forged record with the forged key" \
    minisign -V -p "$T/forged.pub" -m "$T/forged.json"
GIT_INDEX_FILE=$T/index GIT_WORK_TREE=$T/no-work-tree
export GIT_INDEX_FILE GIT_WORK_TREE
mkdir -p "$GIT_WORK_TREE"
P=$(git hash-object -w "$T/forged.pub")
R=$(git hash-object -w "$T/forged.json")
S=$(git hash-object -w "$T/forged.json.minisig")
FORGED=
git read-tree "$TIP" &&
    git update-index --add --cacheinfo "100644,$P,device.pub" &&
    git update-index --add --cacheinfo "100644,$R,records/0000/00000002.json" &&
    git update-index --add --cacheinfo \
    "100644,$S,records/0000/00000002.json.minisig" &&
    FORGED=$(git commit-tree -p "$TIP" -m "records 2..2" \
    "$(git write-tree)") &&
    git update-ref "refs/heads/devices/$KA" "$FORGED" ||
    fail "setup: the forged commit on A's branch of the stick"
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
rm -f "$T/index"
# A second stick: A's forged branch alone, no office branch.
git init -q --bare "$T/bare-stick.git" &&
    git --git-dir="$STICK" push -q "$T/bare-stick.git" \
    "refs/heads/devices/$KA:refs/heads/devices/$KA" ||
    fail "setup: the stick without the office branch"

#### The office

sync_ok "the office syncs from the stick" "$O" stick
err_has "the substitution is logged" \
    "key-substitution: refs/heads/devices/$KA device.pub: not the key of $KA's roster entry"
err_has "the forged record is logged as bad-signature" \
    "bad-signature: refs/heads/devices/$KA records/0000/00000002\.json"
is "the office: the genuine record verified, the forged one bad-signature" \
    "$(statuses "$O" "$KA")" "1:verified 2:bad-signature"
ok "the office's monthly report" lt --data "$O" report monthly \
    --month 2030-03 --json
is "counts the genuine record alone" \
    "$(json 'd["records"]' <"$T/out")" 1
ok "lantian verify at the office: no problem with the genuine record" \
    lt --data "$O" verify "$A1"

#### A fresh device

setup "the fresh device adds the stick" lt --data "$IF" remote add stick \
    "$STICK"
sync_ok "the fresh device syncs from the stick" "$IF" stick
is "the fresh device: the genuine record verified, the forged one not" \
    "$(statuses "$IF" "$KA")" "1:verified 2:bad-signature"
fails 1 "the forged record is refused as evidence" lt --data "$IF" export \
    --record "$FID" --case K-1 --out "$T/no-bag" --passphrase-file "$PASSFILE"
err_has "saying why" "stored as bad-signature: it is not evidence"
ok "the genuine record exports" lt --data "$IF" export --record "$A1" \
    --case K-1 --out "$T/bag" --passphrase-file "$PASSFILE"
check "the bag holds it" test -e "$T/bag/data/records/$A1.json"
ok "verify-bundle holds the bag" lt verify-bundle "$T/bag" \
    --office-key "$O/keys/office.pub"

#### Evidence bundles: a throwaway exporter, a record swapped

ok "the genuine bag: verify-bundle" lt verify-bundle "$T/bag" \
    --office-key "$O/keys/office.pub"
ok "the genuine bag: sh VERIFY.txt" sh -c "cd '$T/bag' && sh VERIFY.txt"
out_has "it says every check passed" "^VERIFY.txt: every check passed"
check "VERIFY.txt prints the office key to compare" \
    grep -q "$(sed -n 2p "$O/keys/office.pub")" "$T/bag/VERIFY.txt"
check "so does report.html" \
    grep -q "$(sed -n 2p "$O/keys/office.pub")" "$T/bag/data/report.html"
KF=$(lt_keyid "$IF")
setup "a second throwaway pair" minisign -G -W -p "$T/mine2.pub" \
    -s "$T/mine2.key"
rekey "$T/mine2.pub" "$T/mine2.key" "$KF" "$T/fexp.pub" "$T/fexp.key"
# The bag, rewritten: A's record swapped for one signed by the key with
# A's key id, the report rewritten, data/keys/ holding the forged keys,
# the manifests made again and the tag manifest signed by a key with the
# exporter's key id; VERIFY.txt names the new record (its logic kept).
X=$T/bag-x
cp -a "$T/bag" "$X"
python3 - "$X/data/records/$A1.json" "$T/swapped.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
r["notes"] = "swapped: no violation found"
r["findings"] = []
open(sys.argv[2], "w").write(json.dumps(r, ensure_ascii=False,
                                        separators=(",", ":")))
EOF
SID=$(sha256sum "$T/swapped.json" | cut -d' ' -f1)
rm -f "$X/data/records/$A1.json" "$X/data/records/$A1.json.minisig"
cp "$T/swapped.json" "$X/data/records/$SID.json"
minisign -S -s "$T/forged.key" -m "$X/data/records/$SID.json" \
    -t "lantian inspection id=$SID device=$KA seq=1" >/dev/null 2>&1 ||
    fail "setup: sign the swapped record"
cp "$T/forged.pub" "$X/data/keys/$KA.pub"
cp "$T/fexp.pub" "$X/data/keys/$KF.pub"
sed -i "s/$A1/$SID/g" "$X/data/report.html" "$X/VERIFY.txt" \
    "$X/data/chain/$KA.txt" 2>/dev/null
rebag "$X" "$T/fexp.key" ||
    fail "setup: the rewritten bag's manifests and signature"
ok "(sha256sum takes the rewritten manifests)" \
    sh -c "cd '$X' && sha256sum -c --quiet manifest-sha256.txt && sha256sum -c --quiet tagmanifest-sha256.txt"
ok "(minisign takes the forged signatures with the bag's data/keys/)" \
    sh -c "cd '$X' && minisign -Vq -p data/keys/$KF.pub -m tagmanifest-sha256.txt && minisign -Vq -p data/keys/$KA.pub -m data/records/$SID.json"
fails 1 "verify-bundle --office-key refuses the rewritten bag" \
    lt verify-bundle "$X" --office-key "$O/keys/office.pub"
out_has "the exporter's key is not the roster's" \
    "the exporter's signature of tagmanifest-sha256.txt: "
out_has "data/keys/ is not believed" \
    "data/keys/$KA.pub is not the key of the office-signed data/roster/$KA.json"
out_has "nor the swapped record's" "record $(printf %.16s "$SID"): signature: "
run sh -c "cd '$X' && sh VERIFY.txt"
check "sh VERIFY.txt fails on it" test "$RC" -ne 0
check "and never says every check passed" \
    sh -c '! grep -q "every check passed" "$1"' sh "$T/out"
# A bag signed by a key that is on no roster at all.
cp -a "$T/bag" "$T/bag-y"
echo '<p>rewritten</p>' >>"$T/bag-y/data/report.html"
cp "$T/mine2.pub" "$T/bag-y/data/keys/$(sed -n '1s/.* //p' "$T/mine2.pub").pub"
rebag "$T/bag-y" "$T/mine2.key" || fail "setup: a bag re-signed by a throwaway key"
fails 1 "verify-bundle refuses a bag signed by a key on no roster" \
    lt verify-bundle "$T/bag-y" --office-key "$O/keys/office.pub"
out_has "saying so" "which is not on the office-signed roster in the bag"
out_has "(the rest of the bag's checks hold)" "^ok    bag-info.txt: Payload-Oxum"
run sh -c "cd '$T/bag-y' && sh VERIFY.txt"
check "sh VERIFY.txt fails on it too" test "$RC" -ne 0

#### An exporter the office never enrolled

IU=$T/unenrolled
mk_inspector "$IU" 赵六 XY-666 "$O"
setup "it takes the stick" lt --data "$IU" remote add stick "$STICK"
setup "and syncs" lts --data "$IU" sync stick
fails 1 "its export is refused before anything is written" lt --data "$IU" \
    export --record "$A1" --case K-3 --out "$T/bag-u" \
    --passphrase-file "$PASSFILE"
err_has "saying why" \
    "device key $(lt_keyid "$IU") is not on the roster: a bag it signs would not verify"
err_has "and how to enrol it" "ask the office to enrol it: .*/unenrolled/keys/device.pub"
check "no bag" test ! -e "$T/bag-u"

#### A's real record 2, by the server

inspect "$IA" "A 2"
A2=$ID
sync_ok "A syncs with the server" "$IA" server
sync_ok "the office syncs with the server" "$O" server
is "the office: A's real record 2 is verified, not a fork" \
    "$(statuses "$O" "$KA")" "1:verified 2:bad-signature 2:verified"
is "(it is the record A made)" \
    "$(sql "$O" "SELECT status FROM records WHERE id = '$A2'")" verified

#### The forged branch before the roster

setup "a device trusting the office, with no office state yet: the bare stick" \
    lt --data "$IG" remote add bare "$T/bare-stick.git"
sync_ok "it syncs from the stick that has no office branch" "$IG" bare
is "the forged record is never verified without the roster" \
    "$(statuses "$IG" "$KA")" "1:unknown-key 2:unknown-key"
setup "then the stick with the office branch" lt --data "$IG" remote add \
    stick "$STICK"
sync_ok "it syncs from it" "$IG" stick
is "the roster's key judges both: genuine verified, forged bad-signature" \
    "$(statuses "$IG" "$KA")" "1:verified 2:bad-signature"
is "the forged record says why" \
    "$(sql "$IG" "SELECT status_why FROM records WHERE id = '$FID'")" \
    "not signed by the key of its roster entry (a key id names a key, it never proves one)"

done_testing
