#!/bin/sh
# Records cite the office state their device holds (office_head: the
# snapshot's version and SHA-256), and a revocation is judged by it, not
# by a clock:
#   - a record citing the office state that revokes its key was made by a
#     device that knew: revoked, however early its created says (a store
#     edited to forget the revocation, its clock set back);
#   - a later record citing an older state than the one before it (a
#     store put back) is not verified either: a device never unlearns.
. "$top_srcdir/tests/sync/lib.sh"

O=$T/office
IB=$T/inspector-b
IF=$T/fresh
mk_office "$O"
mk_inspector "$IB" 李娜 XY-021 "$O"
mk_inspector "$IF" 陈静 XY-033 "$O"
KB=$(lt_keyid "$IB")
enrol "$O" "$IB" 李娜 XY-021
enrol "$O" "$IF" 陈静 XY-033
STICK=$T/stick.git
setup "the office's stick" lt --data "$O" remote add stick "$STICK" --create
sync_ok "the office syncs" "$O" stick
setup "B takes it" lt --data "$IB" remote add stick "$STICK"
sync_ok "B syncs: it holds the office's state" "$IB" stick
G="git --git-dir=$STICK"
V1=$($G cat-file blob refs/heads/office:snapshot.json | json 'd["version"]')
S1=$($G cat-file blob refs/heads/office:snapshot.json | sha256sum | cut -c1-64)

inspect "$IB" "B 1"
R1=$ID
ok "records show --raw" lt --data "$IB" records show "$R1" --raw
is "the record cites the state B holds: its version and hash" \
    "$(json '"%d %s" % (d["office_head"]["version"], d["office_head"]["sha256"])' <"$T/out")" \
    "$V1 $S1"

setup "the office revokes B from April" "$LANTIAN" --data "$O" roster \
    revoke "$KB" --at 2030-04-01 --passphrase-file "$OFFPASS"
sync_ok "the office syncs the revocation" "$O" stick
V2=$($G cat-file blob refs/heads/office:snapshot.json | json 'd["version"]')
ok "roster show --raw" lt --data "$O" roster show "$KB" --raw
is "the revoking entry names the state it enters" \
    "$(json 'd["state"]' <"$T/out")" "$V2"
sync_ok "B syncs and holds the state that revokes it" "$IB" stick

# B's store edited to forget its revocation; its clock says March still.
sqlite3 "$IB/lantian.db" "DELETE FROM roster WHERE key_id = '$KB'"
LANTIAN_NOW=2030-03-02T08:00:00Z inspect "$IB" "B 2, after it knew"
R2=$ID
check "(it signed: the store no longer says)" test -n "$R2"
sync_ok "B syncs" "$IB" stick
sync_ok "the office syncs" "$O" stick
is "B's first record stays verified" \
    "$(sqlite3 "$O/lantian.db" "SELECT status FROM records WHERE id = '$R1'")" \
    verified
is "the one citing the revoking state is revoked, though made in March" \
    "$(sqlite3 "$O/lantian.db" "SELECT status || ': ' || status_why FROM records WHERE id = '$R2'")" \
    "revoked: made by a device that held its own revocation (it cites the office state that revokes its key), whatever its clock said"
setup "a fresh device takes the stick" lt --data "$IF" remote add stick "$STICK"
sync_ok "it syncs" "$IF" stick
is "it judges the same" "$(statuses "$IF" "$KB")" "1:verified 2:revoked"

# B's store put back before it held any office state.
sqlite3 "$IB/lantian.db" "DELETE FROM office_docs WHERE path = 'snapshot.json'"
LANTIAN_NOW=2030-03-03T08:00:00Z inspect "$IB" "B 3, forgetting"
R3=$ID
sync_ok "B syncs" "$IB" stick
sync_ok "the office syncs" "$O" stick
is "a later record citing an older state is not verified" \
    "$(sqlite3 "$O/lantian.db" "SELECT status || ': ' || status_why FROM records WHERE id = '$R3'")" \
    "fork: cites office state 0, older than the $V2 its record seq 2 cites"

done_testing
