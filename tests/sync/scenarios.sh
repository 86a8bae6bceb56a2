#!/bin/sh
# The story of issue 5, end to end over real servers: inspector A syncs to
# a USB stick (a bare repo by path); inspector B syncs with the same stick,
# then with the office server over git://, carrying A's records there
# (store-and-forward: A never talks to the office); the supervisor syncs
# over ssh:// and https:// and sees every record of A and B verified; the
# office's roster travels back the same way, so A's own records turn
# verified on A.  Syncing again changes nothing.
. "$top_srcdir/tests/sync/lib.sh"

O=$T/office
IA=$T/inspector-a
IB=$T/inspector-b
STICK=$T/usb/lantian.git
# The stick, mounted: its folder is there (remote add --create makes no
# missing parent).
mkdir -p "$T/usb"

mk_office "$O"
mk_inspector "$IA" 张伟 XY-017 "$O"
mk_inspector "$IB" 李娜 XY-021 "$O" trust
KA=$(lt_keyid "$IA")
KB=$(lt_keyid "$IB")
enrol "$O" "$IA" 张伟 XY-017
enrol "$O" "$IB" 李娜 XY-021

inspect "$IA" "A one"
A1=$ID
inspect "$IA" "A two"
inspect "$IA" "A three"
inspect "$IB" "B one"
inspect "$IB" "B two"
is "before any sync, A's records are of an unknown key on A" \
    "$(statuses "$IA" "$KA")" "1:unknown-key 2:unknown-key 3:unknown-key"

#### A and the USB stick

ok "remote add --create makes a bare repo on a fresh stick" \
    lt --data "$IA" remote add usb "$STICK" --create
out_has "it names the remote and its path" "^remote usb: $STICK$"
is "the stick holds a bare repository" \
    "$(git --git-dir="$STICK" rev-parse --is-bare-repository 2>&1)" true
sync_ok "A syncs with the stick" "$IA" usb
out_has "A sent its 3 records" "^sync with usb: 3 record\(s\) sent, 0 received"
is "the stick has A's device branch, in the layout" \
    "$(server_ls "$STICK" "refs/heads/devices/$KA")" \
    "device.pub records/0000/00000001.json records/0000/00000001.json.minisig records/0000/00000002.json records/0000/00000002.json.minisig records/0000/00000003.json records/0000/00000003.json.minisig"
is "the branch on the stick is A's own" \
    "$(git --git-dir="$STICK" rev-parse "refs/heads/devices/$KA" 2>&1)" \
    "$(git --git-dir="$IA/repo.git" rev-parse "refs/heads/devices/$KA" 2>&1)"
lt --data "$IA" records show "$A1" --raw >"$T/a1.json"
check "the record on the stick is the signed bytes" sh -c \
    "git --git-dir='$STICK' cat-file blob 'refs/heads/devices/$KA:records/0000/00000001.json' | cmp - '$T/a1.json'"
git --git-dir="$STICK" cat-file blob \
    "refs/heads/devices/$KA:records/0000/00000001.json.minisig" \
    >"$T/a1.json.minisig"
if command -v minisign >/dev/null 2>&1; then
	ok "minisign verifies the record from the stick with A's key" \
	    minisign -V -p "$IA/keys/device.pub" -m "$T/a1.json"
else
	fail "minisign is installed" "minisign not found in PATH=$PATH"
fi

#### B: the stick, then the office over git://

ok "B adds the same stick (no --create: it is there)" \
    lt --data "$IB" remote add usb "$STICK"
sync_ok "B syncs with the stick" "$IB" usb
out_has "B received A's 3 records and sent its own 2" \
    "^sync with usb: 2 record\(s\) sent, 3 received"
is "on B, A's records are of an unknown key (no roster yet)" \
    "$(statuses "$IB" "$KA")" "1:unknown-key 2:unknown-key 3:unknown-key"
check "the stick has B's branch too" \
    git --git-dir="$STICK" rev-parse -q --verify "refs/heads/devices/$KB"

OFFICE_REPO=$(srv_bare office)
if srv_git_daemon; then
	ok "B adds the office server over git://" \
	    lt --data "$IB" remote add office "$(srv_url git office)"
	sync_ok "B syncs with the office" "$IB" office
	out_has "B sent 5 records: its own 2 and A's 3 it carries" \
	    "^sync with office: 5 record\(s\) sent, 0 received"
	out_has "two branches went" "2 branch\(es\) pushed"
	is "the office server has A's branch as A made it" \
	    "$(git --git-dir="$OFFICE_REPO" rev-parse "refs/heads/devices/$KA" 2>&1)" \
	    "$(git --git-dir="$IA/repo.git" rev-parse "refs/heads/devices/$KA" 2>&1)"
	is "and B's" \
	    "$(git --git-dir="$OFFICE_REPO" rev-parse "refs/heads/devices/$KB" 2>&1)" \
	    "$(git --git-dir="$IB/repo.git" rev-parse "refs/heads/devices/$KB" 2>&1)"
	ok "remote list on A" lt --data "$IA" remote list
	is "A never had the office as a remote" "$(cut -f 1 "$T/out")" usb
else
	fail "git daemon starts" "$SRV_WHY"
fi

#### The supervisor over ssh://

srv_sshd
src=$?
if [ "$src" -eq 0 ]; then
	ssh_unwind on
	ok "the supervisor adds the office over ssh:// (key file, known_hosts)" \
	    lt --data "$O" remote add office-ssh "$(srv_url ssh office)" \
	    --ssh-key "$SRV_SSH_KEY" --known-hosts "$SRV_SSH_KNOWN_HOSTS"
	sync_ok "the supervisor syncs over ssh" "$O" office-ssh
	out_has "it received all 5 records, all verified" \
	    "^sync with office-ssh: 0 record\(s\) sent, 5 received \(5 verified\), 0 refused"
	is "A's records are verified at the office" "$(statuses "$O" "$KA")" \
	    "1:verified 2:verified 3:verified"
	is "and B's" "$(statuses "$O" "$KB")" "1:verified 2:verified"
	is "the office branch is on the server: office key, roster, its state" \
	    "$(server_ls "$OFFICE_REPO" refs/heads/office)" \
	    "$(printf '%s\n' office.pub "roster/$KA.json" \
	    "roster/$KA.json.minisig" "roster/$KB.json" \
	    "roster/$KB.json.minisig" snapshot.json snapshot.json.minisig |
	    LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
	ssh_unwind off
elif [ "$src" -eq 77 ]; then
	skip "the supervisor over ssh" "$SRV_WHY"
else
	fail "sshd starts" "$SRV_WHY"
fi

#### A fourth record of A takes the long way: stick, B, office, https

printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\2\0\0\0' >"$T/photo.png"
PNG=$(sha256sum "$T/photo.png" | cut -d' ' -f1)
PNGPATH=attachments/$(echo "$PNG" | cut -c1-2)/$PNG
lt_inspect "$IA" XY-E-102 boiler "$GAS_BOILER" --attach "$T/photo.png"
A4=$ID
sync_ok "A syncs the new record to the stick" "$IA" usb
out_has "only the new one went, and B's 2 came from the stick" \
    "^sync with usb: 1 record\(s\) sent, 2 received"
is "the photo went on A's attachments branch" \
    "$(server_ls "$STICK" "refs/heads/attachments/$KA")" \
    "blobs/$(echo "$PNG" | cut -c1-2)/$PNG"
sync_ok "B syncs with the stick" "$IB" usb
out_has "A's new record came, and its photo" \
    "^sync with usb: 0 record\(s\) sent, 1 received .*; 1 attachment\(s\) received"
check "the photo is in B's store" cmp "$T/photo.png" "$IB/$PNGPATH"
ok "B syncs with every remote (no name: the office, then the stick)" \
    lts --data "$IB" sync
out_has "to the office: A's new record, carried on" \
    "^sync with office: 1 record\(s\) sent, 0 received"
out_has "the office's roster came back from the office" \
    "^sync with office: .*; 2 roster entries taken$"
out_has "and went on to the stick" \
    "^sync with usb: 0 record\(s\) sent, 0 received .* 1 branch\(es\) pushed$"
is "on B, A's records are verified now" "$(statuses "$IB" "$KA")" \
    "1:verified 2:verified 3:verified 4:verified"
is "and B's own" "$(statuses "$IB" "$KB")" "1:verified 2:verified"
sync_ok "A syncs with the stick" "$IA" usb
out_has "A took the roster from the stick" "; 2 roster entries taken$"
is "A's own records are verified on A" "$(statuses "$IA" "$KA")" \
    "1:verified 2:verified 3:verified 4:verified"
is "and B's, which came by the stick" "$(statuses "$IA" "$KB")" \
    "1:verified 2:verified"

#### The supervisor over https://localhost

if srv_https; then
	printf '%s\n' "$SRV_HTTP_PASS" >"$T/http-password"
	ok "the supervisor adds the office over https:// (user, password file, CA)" \
	    lt --data "$O" remote add office-https "$(srv_url https office)" \
	    --user "$SRV_HTTP_USER" --password-file "$T/http-password" \
	    --ca-file "$SRV_CA_FILE"
	sync_ok "the supervisor syncs over https" "$O" office-https
	if [ "$src" -eq 0 ]; then
		out_has "it received A's fourth record, verified, and its photo" \
		    "^sync with office-https: 0 record\(s\) sent, 1 received \(1 verified\), 0 refused; 1 attachment\(s\) received"
	else
		out_has "it received all 6 records, verified" \
		    "^sync with office-https: 0 record\(s\) sent, 6 received \(6 verified\), 0 refused"
	fi
	is "every record of A is verified at the office" \
	    "$(statuses "$O" "$KA")" "1:verified 2:verified 3:verified 4:verified"
	is "and of B" "$(statuses "$O" "$KB")" "1:verified 2:verified"
	is "records list --status=verified at the office: all 6" \
	    "$(lt --data "$O" records list --status=verified --json | json 'len(d)')" 6
	ok "the fourth is there by its id" lt --data "$O" records show "$A4"
	check "the photo is in the office's store" cmp "$T/photo.png" "$O/$PNGPATH"
else
	fail "lighttpd (https) starts" "$SRV_WHY"
fi

#### Again: nothing changes

[ "$src" -eq 0 ] && ssh_unwind on

lt --data "$O" records list --json >"$T/before.json"
lt --data "$IB" records list --json >"$T/before-b.json"
for r in office-ssh office-https; do
	lt --data "$O" remote list | cut -f 1 | grep -q -x "$r" || continue
	sync_ok "the supervisor syncs over $r again" "$O" "$r"
	out_has "$r: nothing sent, received, refused or pushed" \
	    "^sync with $r: 0 record\(s\) sent, 0 received \(0 verified\), 0 refused; 0 attachment\(s\) received; 0 branch\(es\) pushed$"
done
lt --data "$O" records list --json >"$T/after.json"
check "the supervisor's records are exactly as before" \
    cmp "$T/before.json" "$T/after.json"
ok "B syncs with everything again" lts --data "$IB" sync
is "nothing sent or received" \
    "$(sed 's/ with [a-z]*//; s/;.*//' "$T/out" | sort -u)" \
    "sync: 0 record(s) sent, 0 received (0 verified), 0 refused"
lt --data "$IB" records list --json >"$T/after-b.json"
check "B's records are exactly as before" \
    cmp "$T/before-b.json" "$T/after-b.json"
is "B's sync log holds no refusal" \
    "$(sqlite3 "$IB/lantian.db" 'SELECT count(*) FROM sync_log' 2>&1)" 0

# Import from scratch: the import state forgotten, every branch is read
# again from its first commit, and nothing is stored twice.
sqlite3 "$O/lantian.db" 'DELETE FROM sync_state' 2>/dev/null ||
    fail "setup: forget the supervisor's import state"
for r in office-ssh office-https; do
	lt --data "$O" remote list | cut -f 1 | grep -q -x "$r" || continue
	sync_ok "the supervisor imports everything again ($r)" "$O" "$r"
	out_has "$r: nothing new is received" \
	    "^sync with $r: 0 record\(s\) sent, 0 received \(0 verified\), 0 refused"
	break
done
lt --data "$O" records list --json >"$T/again.json"
check "the records are exactly as before" cmp "$T/before.json" "$T/again.json"
is "each branch has its import state back" \
    "$(sqlite3 "$O/lantian.db" 'SELECT count(*) FROM sync_state' 2>&1)" 4

ssh_unwind off

ok "lantian verify at the office" lt --data "$O" verify
err_has "6 records, no problem" \
    "^lantian: 6 record\(s\) checked, 0 problem\(s\)$"
ok "lantian verify on B" lt --data "$IB" verify
ok "lantian verify on A" lt --data "$IA" verify

done_testing
