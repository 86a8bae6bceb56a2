#!/bin/sh
# The office's state signed as a whole (snapshot.json, core/snapshot.h),
# and what a stick holder can no longer do with the office branch, with
# the git CLI and minisign:
#   - mix and match: an older genuine roster entry (before its key's
#     revocation) put back beside a newer state: a fresh device takes
#     none of that state, so the key is never un-revoked;
#   - rollback: the whole older state (genuine, consistent) put on top of
#     the branch: a device holding the newer state takes none of it;
#   - downgrade: snapshot.json removed: refused by a device holding one;
# and a clean stick still gives a fresh device the whole state.
. "$top_srcdir/tests/sync/lib.sh"

O=$T/office
IA=$T/inspector-a
IB=$T/inspector-b
IF=$T/fresh
IG=$T/fresh-clean
mk_office "$O"
mk_inspector "$IA" 张伟 XY-017 "$O"
mk_inspector "$IB" 李娜 XY-021 "$O"
mk_inspector "$IF" 陈静 XY-033 "$O"
mk_inspector "$IG" 王五 XY-044 "$O"
KA=$(lt_keyid "$IA")
KB=$(lt_keyid "$IB")
enrol "$O" "$IA" 张伟 XY-017
enrol "$O" "$IB" 李娜 XY-021
STICK=$T/stick.git
setup "the office's stick" lt --data "$O" remote add stick "$STICK" --create
sync_ok "the office syncs" "$O" stick

G="git --git-dir=$STICK"
ok "the branch carries snapshot.json" $G cat-file blob \
    refs/heads/office:snapshot.json
cp "$T/out" "$T/snapshot-1.json"
$G cat-file blob refs/heads/office:snapshot.json.minisig >"$T/snapshot-1.json.minisig"
ok "minisign verifies it with office.pub" minisign -V \
    -p "$O/keys/office.pub" -m "$T/snapshot-1.json"
is "it lists both roster entries with their SHA-256" \
    "$(json 'd["files"]["roster/%s.json" % a[0]] + " " + d["files"]["roster/%s.json" % a[1]]' "$KA" "$KB" <"$T/snapshot-1.json")" \
    "$($G cat-file blob "refs/heads/office:roster/$KA.json" | sha256sum | cut -c1-64) $($G cat-file blob "refs/heads/office:roster/$KB.json" | sha256sum | cut -c1-64)"
V1=$(json 'd["version"]' <"$T/snapshot-1.json")
OLD_TIP=$($G rev-parse refs/heads/office)
$G cat-file blob "refs/heads/office:roster/$KB.json" >"$T/old-b.json"
$G cat-file blob "refs/heads/office:roster/$KB.json.minisig" >"$T/old-b.json.minisig"

setup "the office revokes B" "$LANTIAN" --data "$O" roster revoke "$KB" \
    --at 2030-02-01 --passphrase-file "$OFFPASS"
sync_ok "the office syncs the revocation" "$O" stick
V2=$($G cat-file blob refs/heads/office:snapshot.json | json 'd["version"]')
check "the state's version grew" test "$V2" -gt "$V1"
setup "A takes the stick" lt --data "$IA" remote add stick "$STICK"
sync_ok "A syncs: it holds the newer state" "$IA" stick
is "(A has B revoked)" \
    "$(lt --data "$IA" roster list --json | json '[e["revoked_at"] for e in d if e["key_id"] == a[0]]' "$KB")" \
    '["2030-02-01T00:00:00Z"]'
NEW_TIP=$($G rev-parse refs/heads/office)

# commit_tree TREE MESSAGE: a stranger's commit on the stick's office
# branch, on top of its tip.
commit_tree() {
	_c=$($G commit-tree -p "$($G rev-parse refs/heads/office)" -m "$2" "$1") &&
	    $G update-ref refs/heads/office "$_c"
}
# with_files "PATH=FILE..." "PATH-to-remove...": the tip's tree so changed.
with_files() {
	(
		export GIT_DIR="$STICK" GIT_INDEX_FILE="$T/index"
		export GIT_WORK_TREE="$T/no-work-tree"
		mkdir -p "$GIT_WORK_TREE"
		rm -f "$T/index"
		git read-tree "$NEW_TIP" || exit 1
		for _pf in $1; do
			git update-index --add --cacheinfo \
			    "100644,$(git hash-object -w "${_pf#*=}"),${_pf%%=*}" ||
			    exit 1
		done
		for _p in $2; do
			git update-index --force-remove "$_p" || exit 1
		done
		git write-tree
	)
}

#### Mix and match: B's entry of before its revocation, put back

TREE=$(with_files "roster/$KB.json=$T/old-b.json roster/$KB.json.minisig=$T/old-b.json.minisig" "") &&
    commit_tree "$TREE" "B's entry, restored" ||
    fail "setup: the older entry put back"
setup "a fresh device takes the stick" lt --data "$IF" remote add stick "$STICK"
sync_ok "it syncs" "$IF" stick
err_has "the older entry is refused as not in the state" \
    "not-in-snapshot: refs/heads/office roster/$KB.json: the office's state \(snapshot version $V2\) does not list these bytes"
err_has "and the state, incomplete, is not taken" \
    "incomplete: refs/heads/office snapshot.json: the office's state of version $V2 lists roster/$KB.json, which is not here as listed: none of it is taken"
is "B's key is never un-revoked on it" \
    "$(lt --data "$IF" roster list --json | json '[e["revoked_at"] for e in d if e["key_id"] == a[0] and not e.get("revoked_at")]' "$KB")" \
    "[]"
is "the refusals are in its sync log" "$(sqlite3 "$IF/lantian.db" \
    "SELECT count(*) FROM sync_log WHERE kind IN ('not-in-snapshot', 'incomplete')")" 2

# The stick's branch set right again (the genuine state's tree on top):
# the fresh device takes it whole, although most of its files did not
# change since the state it refused (that one was never taken, so the
# next import starts from before it).
commit_tree "$($G rev-parse "$NEW_TIP^{tree}")" "set right" ||
    fail "setup: the genuine state on top again"
sync_ok "the fresh device syncs again" "$IF" stick
check "it no longer says the state is incomplete" \
    sh -c '! grep -q "incomplete:" "$1"' sh "$T/err"
is "it takes the whole state: B revoked" \
    "$(lt --data "$IF" roster list --json | json '[e["revoked_at"] for e in d if e["key_id"] == a[0]]' "$KB")" \
    '["2030-02-01T00:00:00Z"]'

#### Rollback: the whole older state on top of the branch

commit_tree "$($G rev-parse "$OLD_TIP^{tree}")" "the state of before" ||
    fail "setup: the older state on top"
sync_ok "A syncs the rolled-back branch" "$IA" stick
err_has "it is refused whole" \
    "rollback: refs/heads/office snapshot.json: the office's state of version $V1, older than the $V2 this device holds: none of it is taken"
is "A still has B revoked" \
    "$(lt --data "$IA" roster list --json | json '[e["revoked_at"] for e in d if e["key_id"] == a[0]]' "$KB")" \
    '["2030-02-01T00:00:00Z"]'

#### Downgrade: no snapshot at all

TREE=$(with_files "" "snapshot.json snapshot.json.minisig") &&
    commit_tree "$TREE" "no snapshot" || fail "setup: snapshot.json removed"
sync_ok "A syncs the branch without a snapshot" "$IA" stick
err_has "it is refused" \
    "no-snapshot: refs/heads/office snapshot.json: this device holds the office's state of version $V2, and this branch has no signed state at all"

#### A clean stick

CLEAN=$T/clean.git
setup "the office's clean stick" lt --data "$O" remote add clean "$CLEAN" \
    --create
sync_ok "the office syncs it" "$O" clean
setup "another fresh device takes it" lt --data "$IG" remote add clean "$CLEAN"
sync_ok "it syncs" "$IG" clean
is "it takes the whole state: both keys, B revoked" \
    "$(lt --data "$IG" roster list --json | json '" ".join(sorted("%s:%s" % (e["key_id"] == a[0] and "A" or e["key_id"] == a[1] and "B" or "?", e.get("revoked_at") or "-") for e in d))' "$KA" "$KB")" \
    "A:- B:2030-02-01T00:00:00Z"
is "and the state's version" \
    "$(sqlite3 "$IG/lantian.db" "SELECT json_extract(body, '\$.version') FROM office_docs WHERE path = 'snapshot.json'")" \
    "$V2"

done_testing
