#!/bin/sh
# A damaged store is found and takes nothing more.  An index page of
# lantian.db zeroed (as a failing stick or disk leaves it): PRAGMA
# quick_check fails, so lantian verify reports the store damaged and
# exits 1, and every command that writes refuses, saying what to do,
# instead of signing into a store whose indexes lie; a store that checks
# sound again (restored) takes records again.
set -u
. "$top_srcdir/tests/cli/lib.sh"

D=$T/data
lt_init "$D"
lt_sites "$D"
lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER" --notes one
lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER" --notes two
ok "lantian verify of a sound store" lt --data "$D" verify
err_has "no problem" "2 record\(s\) checked, 0 problem\(s\)"
sqlite3 "$D/lantian.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$D/lantian.db" "$T/backup.db"

PAGE=$(sqlite3 "$D/lantian.db" "PRAGMA page_size")
ROOT=$(sqlite3 "$D/lantian.db" \
    "SELECT rootpage FROM sqlite_master WHERE name = 'records_created'")
check "(the index records_created has a page)" test "${ROOT:-0}" -gt 1
dd if=/dev/zero of="$D/lantian.db" bs="$PAGE" seek=$((ROOT - 1)) count=1 \
    conv=notrunc 2>/dev/null
run sqlite3 "$D/lantian.db" "PRAGMA quick_check"
check "(SQLite's quick_check finds the damage)" \
    sh -c '! grep -qx ok "$1"' sh "$T/out"

fails 1 "lantian verify says the store is damaged" lt --data "$D" verify
out_has "naming it" "^lantian.db: store-damaged: "
err_has "and counting it as a problem" "record\(s\) checked, [1-9][0-9]* problem\(s\)"
answers gas "$GAS_BOILER"
fails 1 "inspect refuses to sign into it" lt --data "$D" inspect \
    --ack-name 赵厂长 --ack-role 负责人 \
    --site XY-E-101 --form boiler --answers "$A" \
    --passphrase-file "$PASSFILE"
err_has "saying what to do" \
    "the store is damaged \(.*\), so nothing more is written into it: move .*lantian.db aside, make a new one \(lantian init\) and sync"
is "nothing was signed" \
    "$(sqlite3 "$D/lantian.db" "SELECT count(*) FROM records NOT INDEXED")" 2
fails 1 "nor sites import" lt --data "$D" sites import "$TESTDATA/cli/sites.csv"
err_has "for the same reason" "the store is damaged"

cp "$T/backup.db" "$D/lantian.db"
rm -f "$D/lantian.db-wal" "$D/lantian.db-shm"
ok "the store restored: lantian verify" lt --data "$D" verify
err_has "finds it sound" "2 record\(s\) checked, 0 problem\(s\)"
lt_inspect "$D" XY-E-101 boiler "$GAS_BOILER" --notes three
check "and records are signed again" test -n "$ID"
is "three of them" "$(lt_count "$D")" 3

done_testing
