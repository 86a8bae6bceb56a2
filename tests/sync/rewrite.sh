#!/bin/sh
# Branches move only forward, and only by their writers:
#   - a commit on a stick that deletes or changes a record of a device's
#     branch is a rewrite: no device fast-forwards onto it, nor relays it
#     to the next remote; the records stay;
#   - the office never adopts a commit on its own office branch that it
#     did not make (a stranger's commit on the stick), nor relays it;
#   - a device that holds its own revocation signs nothing more, whatever
#     its clock says (set back to before the revocation);
#   - a ref's .lock left on a stick by a sync that was cut off no longer
#     blocks every sync through it: under lantian's own lock on the stick
#     it is stale, removed and logged; one that is not stale (newer than
#     the sync) is named with what to do.
. "$top_srcdir/tests/sync/lib.sh"

O=$T/office
IA=$T/inspector-a
IB=$T/inspector-b
mk_office "$O"
mk_inspector "$IA" 张伟 XY-017 "$O"
mk_inspector "$IB" 李娜 XY-021 "$O"
KA=$(lt_keyid "$IA")
enrol "$O" "$IA" 张伟 XY-017
enrol "$O" "$IB" 李娜 XY-021
STICK=$T/stick.git
NEXT=$T/next.git
setup "A's stick" lt --data "$IA" remote add stick "$STICK" --create
setup "B takes it" lt --data "$IB" remote add stick "$STICK"
setup "B's next stick" lt --data "$IB" remote add next "$NEXT" --create
setup "the office takes it" lt --data "$O" remote add stick "$STICK"
setup "the office publishes its roster" lts --data "$O" sync stick
inspect "$IA" "A 1"
inspect "$IA" "A 2"
A2=$ID
setup "A syncs" lts --data "$IA" sync stick
sync_ok "B syncs A's two records" "$IB" stick
is "(B holds both)" "$(statuses "$IB" "$KA")" "1:verified 2:verified"

#### A rewrite of A's branch on the stick: record 2 deleted, a record 3

inspect "$IA" "A 3"
setup "A syncs record 3" lts --data "$IA" sync stick
(
	export GIT_DIR="$STICK" GIT_INDEX_FILE="$T/index"
	export GIT_WORK_TREE="$T/no-work-tree"
	mkdir -p "$GIT_WORK_TREE"
	tip=$(git rev-parse "refs/heads/devices/$KA")
	git read-tree "$tip" &&
	git update-index --force-remove records/0000/00000002.json \
	    records/0000/00000002.json.minisig &&
	c=$(git commit-tree -p "$tip" -m "tidy up" "$(git write-tree)") &&
	git update-ref "refs/heads/devices/$KA" "$c"
) || fail "setup: the commit deleting record 2"
BEFORE=$(git --git-dir="$IB/repo.git" rev-parse "refs/heads/devices/$KA")
sync_ok "B syncs the stick" "$IB" stick
err_has "the rewrite is reported" \
    "rewrite: refs/heads/devices/$KA: the remote's devices/$KA removes or changes records it held: a rewrite, neither taken nor relayed"
is "B's branch of A did not move onto it" \
    "$(git --git-dir="$IB/repo.git" rev-parse "refs/heads/devices/$KA")" \
    "$BEFORE"
is "B keeps record 2, and takes record 3" "$(statuses "$IB" "$KA")" \
    "1:verified 2:verified 3:verified"
sync_ok "B syncs its next stick" "$IB" next
check "the next stick has A's record 2" \
    sh -c "git --git-dir='$NEXT' ls-tree -r --name-only refs/heads/devices/$KA | grep -q 00000002.json"
check "and not the commit that deleted it" \
    sh -c "! git --git-dir='$NEXT' log --format=%s refs/heads/devices/$KA | grep -q 'tidy up'"

#### A stranger's commit on the office branch of the stick

(
	export GIT_DIR="$STICK" GIT_INDEX_FILE="$T/index2"
	export GIT_WORK_TREE="$T/no-work-tree"
	mkdir -p "$GIT_WORK_TREE"
	tip=$(git rev-parse refs/heads/office)
	git read-tree "$tip" &&
	b=$(printf 'not the office\n' | git hash-object -w --stdin) &&
	git update-index --add --cacheinfo "100644,$b,NOTICE.txt" &&
	c=$(git commit-tree -p "$tip" -m "a stranger's commit" \
	    "$(git write-tree)") &&
	git update-ref refs/heads/office "$c"
) || fail "setup: a stranger's commit on the office branch"
OB=$(git --git-dir="$O/repo.git" rev-parse refs/heads/office)
sync_ok "the office syncs the stick" "$O" stick
err_has "the foreign commit is reported" \
    "fork: refs/heads/office: the remote's office has commits this device did not make"
is "the office's own branch did not move" \
    "$(git --git-dir="$O/repo.git" rev-parse refs/heads/office)" "$OB"
setup "the office's second stick" lt --data "$O" remote add next2 \
    "$T/next2.git" --create
sync_ok "the office syncs another stick" "$O" next2
check "which gets the office's branch, not the stranger's commit" \
    sh -c "! git --git-dir='$T/next2.git' log --format=%s refs/heads/office | grep -q \"a stranger's commit\""

#### A revoked device with its clock set back

setup "the office revokes B's key" "$LANTIAN" --data "$O" roster revoke \
    "$(lt_keyid "$IB")" --at 2030-02-15 --passphrase-file "$OFFPASS"
sync_ok "the office syncs its second stick" "$O" next2
setup "B takes that stick" lt --data "$IB" remote add next2 "$T/next2.git"
sync_ok "B syncs and learns it" "$IB" next2
answers gas "$GAS_BOILER"
LANTIAN_NOW=2030-02-01T08:00:00Z fails 1 \
    "B, its clock set back before the revocation, cannot sign" \
    "$LANTIAN" --data "$IB" inspect --site XY-E-101 --form boiler \
    --ack-name 赵厂长 --ack-role 负责人 \
    --answers "$A" --passphrase-file "$PASSFILE"
err_has "saying why" \
    "this device's key $(lt_keyid "$IB") was revoked by the office \(at 2030-02-15T00:00:00Z\): it signs nothing more"

#### A stale ref lock on the stick

S3=$T/stick3.git
setup "A's third stick" lt --data "$IA" remote add stick3 "$S3" --create
setup "A syncs it" lts --data "$IA" sync stick3
inspect "$IA" "A 4"
touch -d '1 hour ago' "$S3/refs/heads/devices/$KA.lock"
sync_ok "A syncs through a stick with a ref lock left behind" "$IA" stick3
err_has "the stale lock is said, and removed" \
    "stale-lock: .*refs/heads/devices/$KA.lock: a ref lock older than this sync, left by a sync that was cut off: removed"
check "it is gone" test ! -e "$S3/refs/heads/devices/$KA.lock"
check "and record 4 is on the stick" sh -c \
    "git --git-dir='$S3' ls-tree -r --name-only refs/heads/devices/$KA | grep -q 00000004.json"
check "(lantian's own lock is on the stick)" test -f "$S3/lantian-sync.lock"
inspect "$IA" "A 5"
touch -d '1 hour' "$S3/refs/heads/devices/$KA.lock"
fails 1 "a ref lock newer than the sync (held now) is not taken away" \
    lts --data "$IA" sync stick3
err_has "it is named, with what to do" \
    "refs/heads/devices/$KA.lock: a ref lock on the stick, left by a sync that was cut off or held by a git command running now: when nothing else uses the stick, remove that file and sync again"
rm -f "$S3/refs/heads/devices/$KA.lock"
sync_ok "removed, the next sync finishes the job" "$IA" stick3
check "record 5 is on the stick" sh -c \
    "git --git-dir='$S3' ls-tree -r --name-only refs/heads/devices/$KA | grep -q 00000005.json"

done_testing
