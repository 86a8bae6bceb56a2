#!/bin/sh
# The office branch carries the site register and the forms, signed by the
# office key, to every device (lantian office publish, then sync):
#   - a device that trusts the office key takes sites.json and each form
#     from a USB stick: the same register as the office's, the office's
#     version of a form in its form list, and an inspection with it;
#   - publishing again signs nothing that did not change; a changed site
#     is signed again and reaches the device at the next sync;
#   - `minisign -V` checks the published files with office.pub;
#   - sites.json altered on the stick (the git CLI, a new commit keeping
#     the old signature), a signed form copied to another path, and
#     the genuine branch read by a device that trusts another office key:
#     each refused and logged ("lantian: sync: bad-office-file: ..."),
#     nothing of it applied, the rest of the branch still taken.
. "$top_srcdir/tests/sync/lib.sh"

# The forms each store finds are its own forms/ and lantian's: not an
# override from the environment, which would hide the published ones.
unset LANTIAN_FORMS_DIR

lantian_pub() {
	"$LANTIAN" --data "$1" office publish --passphrase-file "$OFFPASS"
}

lt_keyid_of() {
	sed -n '1s/^untrusted comment: minisign public key //p' "$1"
}

nsites() {
	"$LANTIAN" --data "$1" sites list --json 2>/dev/null | json 'len(d)'
}

out_lacks() {
	if grep -q -E -e "$2" "$T/out"; then
		fail "$1" "stdout matches /$2/"
		_diag_last
	else
		pass "$1"
	fi
}

O=$T/office
D=$T/device
D2=$T/device-2
DX=$T/device-other-office
OX=$T/other-office
STICK=$T/stick.git
mk_office "$O"
mk_office "$OX"
lt_sites "$O"

# The office's own version of the boiler form: version 2, a new title.
mkdir -p "$O/forms"
python3 - "$top_srcdir/forms/boiler.json" "$O/forms/boiler.json" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))
f["version"] = 2
f["title"]["en"] = "Boiler inspection, 2030 edition"
json.dump(f, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False,
    indent=2)
EOF
NFORMS=$(ls "$top_srcdir/forms"/*.json | wc -l)

ok "office publish signs the register and every form" lantian_pub "$O"
out_has "it names what it signed" "^signed the site register and $NFORMS form\(s\); they are published on the office branch at the next sync$"
ok "office publish again" lantian_pub "$O"
out_has "nothing is signed again" "^nothing new to publish"
fails 1 "office publish where there is no office key" \
    "$LANTIAN" --data "$OX-none" office publish --passphrase-file "$OFFPASS"

setup "remote add --create the stick" "$LANTIAN" --data "$O" remote add \
    stick "$STICK" --create
sync_ok "the office syncs with the stick" "$O" stick
is "the office branch holds sites.json and the forms, each signed" \
    "$(git --git-dir="$STICK" ls-tree -r --name-only office |
    grep -c -E '^(sites\.json|forms/[a-z-]+\.json)(\.minisig)?$')" \
    "$((2 * (NFORMS + 1)))"

if command -v minisign >/dev/null 2>&1; then
	git --git-dir="$STICK" show office:sites.json >"$T/sites.json"
	git --git-dir="$STICK" show office:sites.json.minisig \
	    >"$T/sites.json.minisig"
	ok "minisign -V checks sites.json with office.pub" minisign -V \
	    -p "$O/keys/office.pub" -m "$T/sites.json"
	out_has "its trusted comment names the path, hash and time" "^Trusted comment: lantian office path=sites.json sha256=[0-9a-f]{64} issued="
else
	skip "minisign -V checks sites.json with office.pub" "no minisign"
	skip "its trusted comment names the path" "no minisign"
fi

# A device that has no sites of its own: everything comes from the stick.
setup "init the device" "$LANTIAN" --data "$D" init --name 张伟 \
    --badge XY-017 --passphrase-file "$PASSFILE" \
    --office-key "$O/keys/office.pub"
is "the device has no sites before its sync" "$(nsites "$D")" 0
sync_ok "the device syncs with the stick" "$D" "$STICK"
out_has "the sync says what it took from the office" "; $((NFORMS + 1)) office file\(s\) taken \(sites, forms\)$"
is "the device has the office's 6 sites" "$(nsites "$D")" 6
"$LANTIAN" --data "$O" sites list --json >"$T/office-sites.json"
"$LANTIAN" --data "$D" sites list --json >"$T/device-sites.json"
ok "the device's register is the office's, field for field" \
    cmp "$T/office-sites.json" "$T/device-sites.json"
ok "the device lists its forms" "$LANTIAN" --data "$D" forms list
out_has "the office's version of the boiler form is listed" "^boiler +v2 +tasks 11 +Boiler inspection, 2030 edition$"
ok "an inspection with the office's form at the office's site" \
    lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER"
is "the record cites version 2 of the form" "$("$LANTIAN" --data "$D" \
    records show "$ID" --raw | json 'd["form"]["version"]')" 2
sync_ok "the device syncs again" "$D" "$STICK"
out_lacks "nothing is taken twice" "office file"

# A changed site: signed again, taken at the next sync.
sed 's/下冶镇供热站/下冶镇供热中心/' "$SITES_CSV" >"$T/sites-renamed.csv"
setup "the office renames a site" "$LANTIAN" --data "$O" sites import \
    "$T/sites-renamed.csv"
ok "office publish after the change" lantian_pub "$O"
out_has "only the register is signed again" "^signed the site register and 0 form\(s\)"
sync_ok "the office syncs the new register" "$O" stick
sync_ok "the device syncs" "$D" "$STICK"
out_has "the sync takes the new register" "; 1 office file\(s\) taken"
ok "the device has the new name" "$LANTIAN" --data "$D" sites list
out_has "the new name is listed" "下冶镇供热中心"
out_lacks "the old name is gone" "下冶镇供热站"

# Someone with the stick alters sites.json, keeping the old signature,
# and copies a signed form and its signature to a path of their own.
W=$T/work
setup "clone the stick's office branch" git clone -q -b office "$STICK" "$W"
sed 's/下冶镇供热中心/假的工厂/' "$W/sites.json" >"$W/sites.json.new"
mv "$W/sites.json.new" "$W/sites.json"
cp "$W/forms/voc.json" "$W/forms/fake.json"
cp "$W/forms/voc.json.minisig" "$W/forms/fake.json.minisig"
setup "commit the alteration" git -C "$W" -c user.name=x \
    -c user.email=x@example.org commit -q -a -m "not the office" --
setup "add the fake form" git -C "$W" add forms/fake.json \
    forms/fake.json.minisig
setup "commit the fake form" git -C "$W" -c user.name=x \
    -c user.email=x@example.org commit -q -m "not the office either"
setup "push it to the stick" git -C "$W" push -q origin office

setup "init a second device" "$LANTIAN" --data "$D2" init --name 李娜 \
    --badge XY-021 --passphrase-file "$PASSFILE" \
    --office-key "$O/keys/office.pub"
sync_ok "the second device syncs with the altered stick" "$D2" "$STICK"
err_has "the altered register is refused and logged" "^lantian: sync: bad-office-file: refs/heads/office sites\.json: signature: does not match the data$"
err_has "the moved signature is refused and logged" "^lantian: sync: bad-office-file: refs/heads/office forms/fake\.json: the trusted comment does not name this file$"
is "none of the altered register is taken" "$(nsites "$D2")" 0
ok "the second device lists its forms" "$LANTIAN" --data "$D2" forms list
out_has "the genuine form was still taken" "^boiler +v2 "
out_lacks "the copied form is not listed" "^fake "
is "the refusals are in the sync log" "$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM sync_log "
    "WHERE kind = ?", ("bad-office-file",)).fetchone()[0])' "$D2/lantian.db")" 2

# A device that trusts another office: nothing of this office is taken.
setup "init a device of another office" "$LANTIAN" --data "$DX" init \
    --name 王五 --badge XY-099 --passphrase-file "$PASSFILE" \
    --office-key "$OX/keys/office.pub"
sync_ok "it syncs with the stick" "$DX" "$STICK"
err_has "the other office's state is refused whole" "^lantian: sync: bad-snapshot: refs/heads/office snapshot\.json: signature: made by key $(lt_keyid_of "$O/keys/office.pub"), not $(lt_keyid_of "$OX/keys/office.pub"): none of the branch is taken$"
is "it takes no site" "$(nsites "$DX")" 0
ok "its forms are lantian's own" "$LANTIAN" --data "$DX" forms list
out_has "not the office's version" "^boiler +v1 "

done_testing
