#!/bin/sh
# The roster of trust: lantian office init | office trust, init --office-key,
# roster add | revoke | list | show | import, records list --status; the
# roster entries verify with the real minisign.
set -u
. "$top_srcdir/tests/cli/lib.sh"

# CI installs minisign: its absence is a failure, never a skip.
if ! command -v minisign >/dev/null 2>&1; then
	fail "minisign is installed" "minisign not found in PATH=$PATH"
	done_testing
fi

OFFPASS=$T/office-passphrase
printf 'the office 生态环境办公室 key\n' >"$OFFPASS"
O=$T/office
D=$T/device
LANTIAN_NOW=2030-03-01T00:00:00Z
export LANTIAN_NOW

# The office key.
ok "office init creates the office key" \
    lt --data "$O" office init --passphrase-file "$OFFPASS"
out_has "it names the key" "^office key [0-9A-F]{16} created"
OKEY=$(sed -n 's/^office key \([0-9A-F]*\) created$/\1/p' "$T/out")
OPUB=$O/keys/office.pub
is "keys/office.key has mode 600" "$(stat -c %a "$O/keys/office.key")" 600
check "keys/office.pub is a minisign public key of that id" \
    grep -q -x "untrusted comment: minisign public key $OKEY" "$OPUB"
BEFORE=$(sha256sum "$O/keys/office.key" "$OPUB")
fails 1 "a second office init refuses" \
    lt --data "$O" office init --passphrase-file "$OFFPASS"
err_has "it never overwrites a key" "^lantian: .*never overwrites a key"
is "the key files are unchanged" "$(sha256sum "$O/keys/office.key" "$OPUB")" \
    "$BEFORE"

# A device that trusts it from the start.
ok "init --office-key" lt --data "$D" init --name 张伟 --badge XY-017 \
    --office-key "$OPUB" --passphrase-file "$PASSFILE"
out_has "init names the office key it trusts" "office key: $OKEY"
check "the device keeps the office key as keys/office.pub" cmp "$OPUB" \
    "$D/keys/office.pub"
DKEY=$(lt_keyid "$D")
fails 1 "init --office-key with a file that is no key fails" \
    lt --data "$T/nokey" init --name 李四 --badge XY-099 \
    --office-key "$PASSFILE" --passphrase-file "$PASSFILE"
err_has "it names the file" "^lantian: .*office-passphrase|passphrase: .*public key"
check "and made no data directory key" test ! -e "$T/nokey/keys/device.key"

lt_sites "$D"
LANTIAN_NOW=2030-03-02T08:00:00Z lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER"
ID1=$ID
LANTIAN_NOW=2030-03-03T08:00:00Z lt_inspect "$D" XY-E-102 boiler "$COAL_BOILER"
ID2=$ID

# Before enrolment: the device's records are of an unknown key.
ok "records list --status" lt --data "$D" records list --status
out_has "it has a why column" "^created +id +device +seq +site +form +status +why$"
out_has "the records are of an unknown key, and why" \
    "^2030-03-02T08:00:00Z .* unknown-key +the key is not on the office's roster$"
ok "records list --json" lt --data "$D" records list --json
is "both are unknown-key, with why" \
    "$(json '[(r["status"], r.get("status_why")) for r in d]' <"$T/out")" \
    '[["unknown-key", "the key is not on the office'"'"'s roster"], ["unknown-key", "the key is not on the office'"'"'s roster"]]'

# A lone device (no office key) keeps its own records as signed.
L=$T/lone
lt_init "$L"
lt_sites "$L"
lt_inspect "$L" XY-E-101 boiler "$GAS_BOILER"
is "a lone device's records are signed" \
    "$(lt --data "$L" records list --json | json '[r["status"] for r in d]')" \
    '["signed"]'

# Enrolment on the office's machine.
fails 2 "roster add without --badge is a usage error" \
    lt --data "$O" roster add "$D/keys/device.pub" --name 张伟 \
    --passphrase-file "$OFFPASS"
fails 1 "roster add with a wrong office passphrase fails" \
    lt --data "$O" roster add "$D/keys/device.pub" --name 张伟 \
    --badge XY-017 --passphrase-file "$PASSFILE"
err_has "it says so" "^lantian: .*wrong passphrase"
fails 1 "roster add on a device (no office key) fails" \
    lt --data "$D" roster add "$D/keys/device.pub" --name 张伟 \
    --badge XY-017 --passphrase-file "$PASSFILE"
err_has "it says where entries are signed" "^lantian: .*no office key here"
LANTIAN_NOW=2030-03-04T09:00:00Z
ok "roster add enrols the device key" \
    lt --data "$O" roster add "$D/keys/device.pub" --name 张伟 \
    --badge XY-017 --from 2030-03-01 --passphrase-file "$OFFPASS"
out_has "it names the key, the inspector and the times" \
    "^key $DKEY on the roster: 张伟 \(XY-017\), valid from 2030-03-01T00:00:00Z, issued 2030-03-04T09:00:00Z$"
ok "roster list" lt --data "$O" roster list
out_has "it lists the key, valid" \
    "^$DKEY +2030-03-01T00:00:00Z +- +valid +XY-017 +张伟$"
ok "roster list --json" lt --data "$O" roster list --json
is "the entry's fields" \
    "$(json '[(e["key_id"], e["name"], e["badge"], e["valid_from"], e["revoked_at"], e["valid_now"], e["pubkey"]) for e in d]' <"$T/out")" \
    "[[\"$DKEY\", \"张伟\", \"XY-017\", \"2030-03-01T00:00:00Z\", null, true, \"$(sed -n 2p "$D/keys/device.pub")\"]]"

# The entry verifies with minisign and the office's public key alone.
cd "$T" || exit 1
lt --data "$O" roster show "$DKEY" --raw >entry.json
lt --data "$O" roster show "$DKEY" --minisig >entry.json.minisig
ok "minisign -V -p office.pub -m entry.json verifies the entry" \
    minisign -V -p "$OPUB" -m entry.json
out_has "its trusted comment names the key and the issued time" \
    "^Trusted comment: lantian roster key=$DKEY issued=2030-03-04T09:00:00Z$"
is "the entry is the roster JSON" \
    "$(json '[d["type"], d["format"], d["key_id"], d["name"], d["badge"], d["valid_from"], d["revoked_at"], d["issued"]]' <entry.json)" \
    "[\"roster\", 1, \"$DKEY\", \"张伟\", \"XY-017\", \"2030-03-01T00:00:00Z\", null, \"2030-03-04T09:00:00Z\"]"
fails 1 "the device's own key does not verify it" \
    minisign -V -p "$D/keys/device.pub" -m entry.json

# Forged entries are refused by the device.
sed 's/XY-017/XY-666/' entry.json >forged.json
cp entry.json.minisig forged.json.minisig
fails 1 "minisign refuses an edited entry" minisign -V -p "$OPUB" -m forged.json
fails 1 "roster import refuses it too" lt --data "$D" roster import forged.json
err_has "it says the signature does not hold" \
    "^lantian: forged.json: roster entry: signature: does not match"
O2=$T/rogue
setup "a second office key" lt --data "$O2" office init \
    --passphrase-file "$OFFPASS"
setup "enrolled by the other office" lt --data "$O2" roster add \
    "$D/keys/device.pub" --name 张伟 --badge XY-017 --passphrase-file "$OFFPASS"
lt --data "$O2" roster show "$DKEY" --raw >rogue.json
lt --data "$O2" roster show "$DKEY" --minisig >rogue.json.minisig
fails 1 "roster import refuses an entry of another office" \
    lt --data "$D" roster import rogue.json
err_has "it names the key that signed it" "^lantian: rogue.json: roster entry: signature: made by key"
is "records are still unknown-key" \
    "$(lt --data "$D" records list --status=unknown-key --json | json 'len(d)')" 2

# The entry reaches the device: its records are verified.
ok "roster import stores the office's entry" \
    lt --data "$D" roster import entry.json
out_has "it says so, and how the key's records stand" "^key $DKEY: stored$"
out_has "both records verified" "records of this key: 2 verified, 0 unknown-key, 0 revoked"
ok "records list --status after enrolment" lt --data "$D" records list --status
out_has "the first is verified" "^2030-03-02T08:00:00Z +${ID1%"${ID1#????????????}"} .* verified$"
out_has "the second too" "^2030-03-03T08:00:00Z +${ID2%"${ID2#????????????}"} .* verified$"
is "records list --status=verified lists both" \
    "$(lt --data "$D" records list --status=verified --json | json '[r["id"] for r in d]')" \
    "[\"$ID1\", \"$ID2\"]"
is "records show says verified" \
    "$(lt --data "$D" records show "$ID1" | sed -n 's/^type .*status: //p')" verified
ok "roster import of the same entry again" lt --data "$D" roster import entry.json
out_has "changes nothing" "^key $DKEY: not newer than the stored entry, ignored$"
LANTIAN_NOW=2030-03-05T08:00:00Z lt_inspect "$D" XY-H-101 coal-ban "$COAL_BAN"
ID3=$ID
is "a record made after enrolment is verified as it is stored" \
    "$(lt --data "$D" records list --json | json '[r["status"] for r in d if r["id"] == a[0]]' "$ID3")" \
    '["verified"]'
ok "lantian verify agrees" lt --data "$D" verify

# Revocation from the 5th, noon: the record of the 5th morning stays.
LANTIAN_NOW=2030-03-06T10:00:00Z
fails 1 "roster revoke of a key not on the roster fails" \
    lt --data "$O" roster revoke 0123456789ABCDEF --passphrase-file "$OFFPASS"
err_has "it says so" "^lantian: key 0123456789ABCDEF: not on the roster"
ok "roster revoke --at" lt --data "$O" roster revoke "$DKEY" \
    --at 2030-03-05T12:00:00Z --passphrase-file "$OFFPASS"
out_has "it names the key and the time" "^key $DKEY revoked at 2030-03-05T12:00:00Z: 张伟"
ok "roster list shows it revoked" lt --data "$O" roster list
out_has "revoked" "^$DKEY +2030-03-01T00:00:00Z +2030-03-05T12:00:00Z +revoked +"
lt --data "$O" roster show "$DKEY" --raw >revoked.json
lt --data "$O" roster show "$DKEY" --minisig >revoked.json.minisig
ok "minisign verifies the revocation" minisign -V -p "$OPUB" -m revoked.json
is "it carries revoked_at" "$(json 'd["revoked_at"]' <revoked.json)" \
    2030-03-05T12:00:00Z
fails 1 "revoking again later is refused" lt --data "$O" roster revoke \
    "$DKEY" --passphrase-file "$OFFPASS"
err_has "revoked already" "revoked already at 2030-03-05T12:00:00Z"
fails 1 "a revoked key is never enrolled again" \
    lt --data "$O" roster add "$D/keys/device.pub" --name 张伟 \
    --badge XY-017 --passphrase-file "$OFFPASS"
err_has "it says why" "never enrolled again"

# A record the device signs before it learns of its revocation.
LANTIAN_NOW=2030-03-07T08:00:00Z lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER"
ID4=$ID
ok "the device imports the revocation" \
    lt --data "$D" roster import revoked.json
is "records before the revocation stay verified; after it, revoked" \
    "$(lt --data "$D" records list --json | json '[r["status"] for r in d]')" \
    '["verified", "verified", "verified", "revoked"]'
answers gas-after "$GAS_BOILER"
LANTIAN_NOW=2030-03-01T09:00:00Z fails 1 \
    "knowing its revocation, it signs nothing more (its clock set back too)" \
    lt --data "$D" inspect --site XY-E-101 --form boiler --answers "$A" \
    --ack-name 赵厂长 --ack-role 负责人 --passphrase-file "$PASSFILE"
err_has "saying so" "this device's key $DKEY was revoked by the office \(at 2030-03-05T12:00:00Z\): it signs nothing more"
ok "the older entry, imported again" lt --data "$D" roster import entry.json
out_has "is ignored" "not newer than the stored entry, ignored"
is "the revocation holds" \
    "$(lt --data "$D" records list --status=revoked --json | json '[r["id"] for r in d]')" \
    "[\"$ID4\"]"
ok "records list --status=revoked" lt --data "$D" records list --status=revoked
out_has "says why" " revoked +the key was revoked before this was made$"

# office trust: later, or again; another office only with --replace.
ok "office trust of the same key again" lt --data "$D" office trust "$OPUB"
out_has "it was trusted already" "^office key $OKEY was trusted already$"
fails 1 "office trust of another office key is refused" \
    lt --data "$D" office trust "$O2/keys/office.pub"
err_has "it names both keys" "already trusts office key $OKEY, not [0-9A-F]{16}"
check "keys/office.pub is unchanged" cmp "$OPUB" "$D/keys/office.pub"

ok "a lone device trusts an office later: office trust" \
    lt --data "$L" office trust "$OPUB"
is "its records are now of an unknown key" \
    "$(lt --data "$L" records list --json | json '[r["status"] for r in d]')" \
    '["unknown-key"]'
fails 1 "the office never replaces its own key" \
    lt --data "$O" office trust "$O2/keys/office.pub" --replace
ok "--replace on a device drops the entries of the old office" \
    lt --data "$D" office trust "$O2/keys/office.pub" --replace
is "the device's records are of an unknown key again" \
    "$(lt --data "$D" records list --json | json '[r["status"] for r in d]')" \
    '["unknown-key", "unknown-key", "unknown-key", "unknown-key"]'
ok "roster list on the device" lt --data "$D" roster list --json
is "its roster is empty" "$(json 'len(d)' <"$T/out")" 0

done_testing
