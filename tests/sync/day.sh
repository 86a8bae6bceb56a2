#!/bin/sh
# The inspector's day with a USB stick and the office (issue 18, sync):
#   - one photo in two records (two sites, twice at one site, twice in one
#     record) before the first sync: the sync works, the attachments branch
#     holds the photo once, the office gets every record verified with its
#     photo; a device left by an earlier failed sync (records branch
#     written, no attachments branch, export state not advanced) syncs by
#     itself;
#   - lantian sync over all remotes: exit 1 naming a remote that failed,
#     0 when every reachable one synced (a stick that is not plugged in is
#     said to be skipped), 1 when none was in reach, and "no remotes" when
#     there are none; --auto, the systemd unit's command, fails naming the
#     remote too, and the unit does not take that for a success;
#   - remote add --create refuses to make missing parent directories;
#   - the progress of fetch and push: real counts and sizes (a photo of
#     300,000 random bytes: about 293 KiB), never garbage; the TUI says
#     "counting" while a fetch has no count yet, never 0/0;
#   - a stick pulled out during a push (held at the pack, or at the push):
#     said so, no raw libgit2 message, and the next sync finishes the job
#     (and removes the half-written pack a cut push leaves);
#   - a record signed in the TUI with a stick present and a 10-minute
#     interval reaches the stick without waiting; an answer to the office
#     (lantian amend) wakes sync --watch the same way;
#   - the sync screen: each remote with what waits for it (records and
#     attachments, a record not exported yet included) and its next
#     automatic try (at the next record, not plugged in, in how long after
#     a failure, off), in English and Chinese.
# The TUI's helpers first (they source tests/cli/lib.sh, which the sync
# library sources again: its temporary directory is the one kept).
. "$top_srcdir/tests/tui/lib.sh"
rm -rf "$T"
. "$top_srcdir/tests/sync/lib.sh"
trap 'tui_cleanup; srv_stop_all; rm -rf "$T"' EXIT

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

#### lantian sync over all remotes: the exit status says how it went

IC=$T/inspector-c
mk_inspector "$IC" 王芳 XY-033 "$O"
inspect "$IC" "C 1"
fails 1 "sync with no remote at all fails" lts --data "$IC" sync
err_has "it says to add one" \
    "^lantian: sync: no remotes: add one with lantian remote add"
fails 1 "sync --auto (the systemd unit's) with no remote fails too" \
    lts --data "$IC" sync --auto
err_has "it says the same" "^lantian: sync: no remotes: add one"

# remote add --create makes no missing parent directory.
fails 1 "remote add --create under a folder that is not there fails" \
    lt --data "$IC" remote add usb "$T/media/inspector/STICK/lantian.git" \
    --create
err_has "it names the missing parent" \
    "^lantian: remote add: $T/media/inspector/STICK/lantian.git: parent directory $T/media/inspector/STICK does not exist"
check "nothing was created" test ! -e "$T/media"
run lt --data "$IC" remote list
is "no remote was added" "$(cat "$T/out")" ""

setup "C: remote add usb (the stick)" lt --data "$IC" remote add usb "$STICK"
mkdir "$T/stick2"
setup "C: remote add usb2 --create (a second stick)" lt --data "$IC" \
    remote add usb2 "$T/stick2/lantian.git" --create
mv "$T/stick2" "$T/stick2-away"
ok "sync: one stick synced, the other not plugged in: exit 0" \
    lts --data "$IC" sync
out_has "the stick there synced" "^sync with usb: 1 record\(s\) sent"
err_has "the other said to be skipped" \
    "^lantian: sync: usb2: not in reach, skipped: .*stick2/lantian.git is not there"
check "C's record is on the stick" has_branch "$STICK" \
    "refs/heads/devices/$(lt_keyid "$IC")"
mv "$T/stick2-away" "$T/stick2"
# A repository that is there but broken: reachable, and its sync fails.
mkdir "$T/broken.git"
printf 'ref: refs/heads/master\n' >"$T/broken.git/HEAD"
setup "C: remote add broken" lt --data "$IC" remote add broken \
    "$T/broken.git"
fails 1 "sync: one remote failed: exit 1" lts --data "$IC" sync
out_has "the others still synced" "^sync with usb2: [0-9]+ record\(s\) sent"
err_has "it names the remote that failed" \
    "^lantian: sync: failed with broken \(1 of 3 remotes\)$"
fails 1 "sync --auto, the systemd unit's command, fails too" \
    lts --data "$IC" sync --auto
err_has "naming it" "^lantian: sync --auto: failed with broken \(1 of 3 remotes\)"
out_has "after syncing the others" " usb: synced: "
UNIT_CMD=$(sed -n 's|^ExecStart=@bindir@/lantian ||p' \
    "$top_srcdir/data/lantian-sync.service.in")
is "the unit runs sync --auto" "$UNIT_CMD" "sync --auto"
OKST=$(sed -n 's/^SuccessExitStatus=//p' \
    "$top_srcdir/data/lantian-sync.service.in")
check "the unit does not take exit status 1 as a success" \
    sh -c "! echo ' $OKST ' | grep -q ' 1 '"
LANTIAN_HOME=$IC lts $UNIT_CMD >/dev/null 2>&1
is "the unit's command, run as the unit runs it, exits 1" "$?" 1
setup "C: remote remove broken" lt --data "$IC" remote remove broken
ok "every remote synced again: exit 0" lts --data "$IC" sync
mv "$T/stick" "$T/stick-away"
mv "$T/stick2" "$T/stick2-away"
fails 1 "sync with no stick plugged in: nothing synced, exit 1" \
    lts --data "$IC" sync
err_has "it says no remote was in reach" \
    "^lantian: sync: no remote in reach \(2 skipped\): nothing synced$"
mv "$T/stick-away" "$T/stick"
mv "$T/stick2-away" "$T/stick2"


#### The progress of a sync: real counts and sizes, never garbage

# A photo of 300,000 random bytes: its pack is about 293 KiB.
{ printf '\211PNG\r\n\032\n'; head -c 300000 /dev/urandom; } >"$T/big.png"
lt_inspect "$IA" XY-E-101 boiler "$GAS_BOILER" --attach "$T/big.png"
sync_ok "A syncs a record with a big photo to the stick" "$IA" usb
err_has "the records' push says its objects and bytes" \
    "^lantian: sync: push: ([0-9]+)/[0-9]+ objects?, [0-9.]+ (B|KiB)$"
err_has "the photo's push: its objects and about 293 KiB" \
    "^lantian: sync: push: [0-9]+/[0-9]+ objects?, 29[3-5]\.[0-9] KiB$"
check "every count said is complete (n/n)" sh -c "! grep -E \
    '^lantian: sync: (push|fetch): ' '$T/err' | \
    grep -v -E ': ([0-9]+)/\\1 objects?, '"
check "no size of MiB or more (garbage) anywhere" \
    sh -c "! grep -E 'MiB|GiB|[0-9]{7,}' '$T/err'"
sync_ok "the office syncs with the stick" "$O" usb
err_has "the office's fetch says its objects and about 293 KiB" \
    "^lantian: sync: fetch: [0-9]+/[0-9]+ objects?, 29[3-6]\.[0-9] KiB$"
check "no garbage size in the office's fetch" \
    sh -c "! grep -E 'MiB|GiB|[0-9]{7,}' '$T/err'"

#### A stick pulled out during a push

inspect "$IA" "A: the stick pulled out"
NA=$(statuses "$IA" "$KA" | wc -w)
# Held where the stick's repository is open and the pack about to be
# written: the stick goes away there, as in the field.
LANTIAN_TEST_SYNC_HOLD=pack:$T/hold lts --data "$IA" sync usb \
    >"$T/gone.out" 2>"$T/gone.err" &
GPID=$!
poll "the sync reaches its pack for the stick" 60 test -e "$T/hold"
mv "$T/stick" "$T/stick-away"
rm -f "$T/hold"
wait "$GPID"
is "the sync fails: exit 1" "$?" 1
check "it says the stick went away and the next sync finishes the job" \
    grep -q -E "^lantian: $STICK: the USB stick went away during the sync .*the next sync with it finishes the job" \
    "$T/gone.err"
check "no raw libgit2 message (temporary file, pack_git2_)" \
    sh -c "! grep -q -E 'temporary file|pack_git2_|could not find' \
    '$T/gone.err'"
mv "$T/stick-away" "$T/stick"
check "the stick does not have A's new record yet" \
    sh -c "! git --git-dir='$STICK' ls-tree -r --name-only \
    refs/heads/devices/$KA | grep -q '$(printf '%08d' "$NA").json\$'"
# What a push cut short while writing its pack would leave on the stick.
: >"$STICK/objects/pack/pack_git2_left"
touch -d '2 hours ago' "$STICK/objects/pack/pack_git2_left"
sync_ok "put back: the next sync finishes the job" "$IA" usb
check "the half-written pack a cut push left on the stick is removed" \
    test ! -e "$STICK/objects/pack/pack_git2_left"
check "the stick has A's new record" sh -c "git --git-dir='$STICK' \
    ls-tree -r --name-only refs/heads/devices/$KA | \
    grep -q '$(printf '%08d' "$NA").json\$'"
ok "git fsck of the stick" git --git-dir="$STICK" fsck --no-progress
# Pulled out as a push of branches begins: the same words.
inspect "$IB" "B: the stick pulled out"
LANTIAN_TEST_SYNC_HOLD=push:$T/hold lts --data "$IB" sync usb \
    >"$T/gone.out" 2>"$T/gone.err" &
GPID=$!
poll "B's sync reaches its push" 60 test -e "$T/hold"
mv "$T/stick" "$T/stick-away"
rm -f "$T/hold"
wait "$GPID"
is "B's sync fails: exit 1" "$?" 1
check "it says the stick went away" grep -q -E \
    "^lantian: $STICK: the USB stick went away during the sync" "$T/gone.err"
mv "$T/stick-away" "$T/stick"


#### The TUI: a record signed with the stick there goes at once

NA=$(statuses "$IA" "$KA" | wc -w)
NEXT=$(printf '%08d' $((NA + 1)))
# A long interval: only the new record can make the sync start now.
tui_start "$IA" en LANTIAN_SYNC_INTERVAL=600 LANTIAN_NOW=2030-03-01T09:00:00Z \
    TZ=UTC
wait_for "home" 'Drafts in progress'
wait_for "the stick is synced at the start" \
    'synced at [0-9]{2}:[0-9]{2} with usb: 0 sent'
keys s
wait_for "sites" 'Search:'
type_text XY-H-101
wait_for "the household" 'Sites: 1'
keys Enter
wait_for "its forms" 'Loose coal and clean heating inspection'
keys Enter
wait_for "the form's first page" 'coal'
keys Enter
wait_for "the first question" 'Is the site in the coal-ban zone'
keys y
wait_for "the loose coal" 'Loose coal \(briquettes included\) found'
keys 1 Enter
keys y
wait_for "heating" 'Main heating in use now'
keys 2
wait_for "notes" '^  Notes'
keys Enter
wait_for "review" 'None: nothing to rectify\.'
keys k
wait_for "acknowledgment" 'Name of the site representative'
type_text 李秀英
keys Enter
type_text 户主
keys Enter
wait_for "acknowledged" 'Complete and acknowledged'
keys s
wait_for "sign" 'Your passphrase signs this record'
type_text "$(cat "$PASSFILE")"
keys Enter
wait_for "signed" 'Signed and stored: record'
poll "the new record reaches the stick without waiting for the interval" 60 \
    sh -c "git --git-dir='$STICK' ls-tree -r --name-only \
    refs/heads/devices/$KA | grep -q '$NEXT.json\$'"
wait_for "the status line says it went" \
    'synced at [0-9]{2}:[0-9]{2} with usb: 1 sent'
tui_quit "q quits"


#### The sync screen: each remote's next try, and what waits for it

mkdir "$T/spare"
setup "A: remote add spare --create (a second stick)" lt --data "$IA" \
    remote add spare "$T/spare/lantian.git" --create
mv "$T/spare" "$T/spare-away"
NREC=$(lt_count "$IA")
tui_start "$IA" en LANTIAN_SYNC_INTERVAL=600 LANTIAN_SYNC_BACKOFF=600,600 \
    LANTIAN_NOW=2030-03-01T09:30:00Z TZ=UTC
wait_for "home" 'Drafts in progress'
wait_for "the stick is synced at the start" \
    'synced at [0-9]{2}:[0-9]{2} with usb'
keys y
wait_for "y: the sync screen" '^ *Remotes'
screen_has "the stick there: nothing waits, the next try at the next record" \
    'nothing waits · next try: when a record is signed'
screen_has "the spare stick: everything waits for it, 2 photos" \
    "waiting: $NREC records, 2 attachments · not plugged in \\(syncs when it is\\)"
mv "$T/spare-away" "$T/spare"
wait_for "plugged in: synced by itself, nothing waits for it either" \
    'spare +.*spare/lantian.git *$'
wait_gone "no remote waits for anything" 'waiting: '
check "the spare stick has A's photos" has_branch "$T/spare/lantian.git" \
    "refs/heads/attachments/$KA"
# A remote that fails: its next try, in how long.
mv "$T/spare" "$T/spare-away"
mkdir -p "$T/spare/lantian.git/objects"
printf 'ref: refs/heads/master\n' >"$T/spare/lantian.git/HEAD"
keys S
wait_for "a failed try: the next one in how long" \
    'next try in [0-9]+ (s|min)'
keys L
wait_for "L: the sync screen in Chinese, what waits too" \
    "$(zh 'nothing waits') · $(zh 'next try: when a record is signed')"
keys L
wait_for "L: English again" 'nothing waits'
tui_quit "q quits"


#### An answer to the office (lantian amend) wakes sync --watch at once

NA=$(statuses "$IA" "$KA" | wc -w)
NEXT=$(printf '%08d' $((NA + 1)))
LANTIAN_SYNC_INTERVAL=600 LANTIAN_SYNC_BACKOFF=600,600 \
    "$LANTIAN" --data "$IA" sync --watch >"$T/watch.log" 2>&1 &
WPID=$!
poll "the watcher syncs the stick when it starts" 60 \
    grep -q ' usb: synced: ' "$T/watch.log"
ok "A answers the office (lantian amend)" lt --data "$IA" amend "$R1" \
    --reply "照片已补拍" --passphrase-file "$PASSFILE"
poll "the answer reaches the stick without waiting for the interval" 60 \
    sh -c "git --git-dir='$STICK' ls-tree -r --name-only \
    refs/heads/devices/$KA | grep -q '$NEXT.json\$'"
kill -TERM "$WPID" 2>/dev/null
wait "$WPID"
is "SIGTERM stops the watcher, exit status 0" "$?" 0


#### The TUI's progress while the objects are counted: "counting", not 0/0

inspect "$IA" "A: counted"
setup "A: remote remove spare" lt --data "$IA" remote remove spare
tui_start "$IA" en LANTIAN_SYNC_INTERVAL=600 TZ=UTC \
    "LANTIAN_TEST_SYNC_HOLD=fetch:$T/hold-tui"
wait_for "home" 'Drafts in progress'
wait_for "held at its fetch: the status line says it is counting" \
    'syncing usb: fetch: counting… *$'
screen_lacks "never a count of nothing" '0/0'
rm -f "$T/hold-tui"
wait_for "then synced" 'synced at [0-9]{2}:[0-9]{2} with usb: 1 sent'
tui_quit "q quits"


#### The sync screen counts a record not exported yet, and its photo

{ printf '\211PNG\r\n\032\n'; echo 'a third photo'; } >"$T/third.png"
lt_inspect "$IA" XY-E-102 boiler "$GAS_BOILER" --attach "$T/third.png"
tui_start "$IA" en LANTIAN_AUTOSYNC=0 TZ=UTC
wait_for "home" 'Drafts in progress'
keys y
wait_for "y: the sync screen" '^ *Remotes'
screen_has "the new record and its photo wait for the stick" \
    'waiting: 1 record, 1 attachment · automatic sync off'
tui_quit "q quits"

done_testing
