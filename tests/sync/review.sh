#!/bin/sh
# The office's review travels through sync (core/review.h):
#   - a record goes inspector -> USB stick -> office, waits in the queue,
#     is returned with a question (reviews/<id>.json signed by the office
#     key, checked here by minisign -V), travels back, is answered with an
#     amendment (with a corrected answer), travels again, comes back into
#     the queue as answered, and is accepted; each side sees each step;
#   - a rejection with its reason reaches the inspector;
#   - the monthly report counts the month's records by review state;
#   - what the office cannot do elsewhere: decide without the office key,
#     decide on an amendment, answer another device's record, an answer
#     without words or with an answer the form refuses;
#   - a review signed by another office's key, put on the stick with the
#     git CLI, is ignored and logged, the record's state unchanged.
. "$top_srcdir/tests/sync/lib.sh"

O=$T/office
OX=$T/other-office
D=$T/device
D2=$T/device-2
STICK=$T/stick.git

state_of() {	# DIR ID: the record's review state there
	"$LANTIAN" --data "$1" review show "$2" --json 2>/dev/null |
	    json 'd["state"] + ("+amended" if d.get("amendment") else "")'
}

steps_of() {	# DIR ID: the exchange, "state:text" oldest first
	"$LANTIAN" --data "$1" review show "$2" --json 2>/dev/null |
	    json '" | ".join("%s:%s" % (s["state"], s["text"] or "") for s in d["history"])'
}

mk_office "$O"
mk_office "$OX"
lt_sites "$O"
mk_inspector "$D" 张伟 XY-017 "$O"
mk_inspector "$D2" 李娜 XY-021 "$O"
enrol "$O" "$D" 张伟 XY-017
enrol "$O" "$D2" 李娜 XY-021

# The inspector's two records of 1 March; the stick carries them.
inspect "$D" "the gas boiler"
R1=$ID
lt_inspect "$D" XY-E-101 boiler "$COAL_BOILER"
R2=$ID
setup "remote add --create the stick" "$LANTIAN" --data "$D" remote add \
    stick "$STICK" --create
sync_ok "the inspector syncs with the stick" "$D" stick
is "a new record is pending on the device" "$(state_of "$D" "$R1")" pending
sync_ok "the office syncs with the stick" "$O" "$STICK"

ok "the office lists its queue" "$LANTIAN" --data "$O" review list
out_has "the first record waits, oldest first" "^${R1%"${R1#????????????}"}  pending   2030-03-01T08:00  XY-E-101  张伟$"
is "both records wait" "$(grep -c pending "$T/out")" 2

# Returned with a question.
LANTIAN_NOW=2030-03-02T09:00:00Z
export LANTIAN_NOW
ok "the office returns the record with a question" "$LANTIAN" --data "$O" \
    review "$R1" --return "铭牌上的额定蒸发量是多少？请补拍铭牌。" \
    --passphrase-file "$OFFPASS"
err_has "it says the review goes out with the next sync" "^lantian: record ${R1%"${R1#????????????????}"}: returned; the review goes out with the next sync$"
is "the office sees it returned" "$(state_of "$O" "$R1")" returned
ok "the returned list" "$LANTIAN" --data "$O" review list --state returned
out_has "shows the question" "^    铭牌上的额定蒸发量是多少？请补拍铭牌。$"
ok "the office rejects the second record with the reason" "$LANTIAN" \
    --data "$O" review "$R2" --reject "现场照片与站点不符" \
    --passphrase-file "$OFFPASS"
sync_ok "the office syncs the reviews" "$O" "$STICK"
is "the stick holds both reviews, signed" "$(git --git-dir="$STICK" \
    ls-tree -r --name-only office | grep -c '^reviews/[0-9a-f]\{64\}\.json\(\.minisig\)\?$')" 4

if command -v minisign >/dev/null 2>&1; then
	git --git-dir="$STICK" show "office:reviews/$R1.json" >"$T/r1.json"
	git --git-dir="$STICK" show "office:reviews/$R1.json.minisig" \
	    >"$T/r1.json.minisig"
	ok "minisign -V checks the review with office.pub" minisign -V \
	    -p "$O/keys/office.pub" -m "$T/r1.json"
	out_has "its trusted comment names the review's path" "^Trusted comment: lantian office path=reviews/$R1\.json sha256=[0-9a-f]{64} issued="
else
	skip "minisign -V checks the review with office.pub" "no minisign"
	skip "its trusted comment names the review's path" "no minisign"
fi
is "the review names the record, the decision and the office key" \
    "$(json '"%s %s %s" % (d["record"] == a[0], d["state"], d["office"])' \
    "$R1" <"$T/r1.json")" "True returned $(sed -n '1s/^untrusted comment: minisign public key //p' "$O/keys/office.pub")"

# Back on the inspector's device.
LANTIAN_NOW=2030-03-03T08:00:00Z
sync_ok "the inspector syncs" "$D" stick
out_has "the sync takes the two reviews" "; 2 review\(s\) taken$"
is "the record is returned on the device" "$(state_of "$D" "$R1")" returned
is "the other is rejected" "$(state_of "$D" "$R2")" rejected
ok "the inspector's returned records" "$LANTIAN" --data "$D" review list \
    --mine --state returned
out_has "with the office's question" "^    铭牌上的额定蒸发量是多少？请补拍铭牌。$"
ok "the inspector's rejected records" "$LANTIAN" --data "$D" review list \
    --mine --state rejected
out_has "with the reason" "^    现场照片与站点不符$"

# What does not work.
fails 1 "no review without the office key" "$LANTIAN" --data "$D" review \
    "$R1" --accept --passphrase-file "$PASSFILE"
err_has "it says the office decides on its machine" "no office key here"
fails 2 "a return needs its question" "$LANTIAN" --data "$O" review "$R1" \
    --return
fails 1 "an empty question" "$LANTIAN" --data "$O" review "$R1" \
    --return "  " --passphrase-file "$OFFPASS"
err_has "says the question is missing" "^lantian: review: needs the question$"
fails 2 "two decisions at once" "$LANTIAN" --data "$O" review "$R1" \
    --accept --reject x
fails 1 "an answer with no words" "$LANTIAN" --data "$D" amend "$R1" \
    --reply "" --passphrase-file "$PASSFILE"
err_has "says the reply is needed" "^lantian: amend: needs the reply to the office$"
answers bad-fix '{"capacity_tph": "many"}'
fails 1 "a corrected answer the form refuses" "$LANTIAN" --data "$D" amend \
    "$R1" --reply "更正" --answers "$A" --passphrase-file "$PASSFILE"
err_has "names the answer" "capacity_tph"
fails 1 "another inspector cannot answer for the record" "$LANTIAN" \
    --data "$D2" amend "$R1" --reply "不是我的" --passphrase-file "$PASSFILE"
is "nothing was signed by the refusals" "$(nrecords "$D")" 2

# The inspector answers, correcting the capacity.
answers fix '{"capacity_tph": 14}'
LANTIAN_NOW=2030-03-03T10:00:00Z
ok "the inspector answers with an amendment" "$LANTIAN" --data "$D" amend \
    "${R1%"${R1#????????????}"}" --reply "额定蒸发量14吨/小时，铭牌已补拍。" \
    --answers "$A" --passphrase-file "$PASSFILE"
AM=$(head -n 1 "$T/out")
is "the record waits for the office again, answered" \
    "$(state_of "$D" "$R1")" pending+amended
"$LANTIAN" --data "$D" records show "$AM" --raw >"$T/am.json"
is "the amendment names the record, the return, the reply, the correction" \
    "$(json '"%s %s %s %s" % (d["type"], d["amends"] == a[0], d["review"], d["answers"])' "$R1" <"$T/am.json")" \
    "amendment True 2030-03-02T09:00:00Z {'capacity_tph': 14.0}"
ok "records show of the amendment" "$LANTIAN" --data "$D" records show "$AM"
out_has "names the record it amends" "^amends +$R1$"
out_has "and the inspector's reply" "^reply +额定蒸发量14吨/小时，铭牌已补拍。$"
is "the record itself is unchanged" "$("$LANTIAN" --data "$D" records show \
    "$R1" --raw | json 'd["answers"]["capacity_tph"]')" 12.0
ok "the store verifies" "$LANTIAN" --data "$D" verify
fails 1 "an amendment is not reviewed itself" "$LANTIAN" --data "$O" review \
    "$AM" --accept --passphrase-file "$OFFPASS"

sync_ok "the inspector sends the answer" "$D" stick
LANTIAN_NOW=2030-03-04T08:00:00Z
sync_ok "the office takes it" "$O" "$STICK"
out_has "the amendment arrives verified" " 1 received \(1 verified\)"
is "the office sees the record back in the queue, answered" \
    "$(state_of "$O" "$R1")" pending+amended
ok "the queue" "$LANTIAN" --data "$O" review list
out_has "marks the answer" "  \(amended by ${AM%"${AM#????????????}"}\)$"
is "the office sees the exchange" "$(steps_of "$O" "$R1")" \
    "returned:铭牌上的额定蒸发量是多少？请补拍铭牌。 | amended:额定蒸发量14吨/小时，铭牌已补拍。"

ok "the office accepts it" "$LANTIAN" --data "$O" review "$R1" --accept \
    --passphrase-file "$OFFPASS"
ok "the queue is empty" "$LANTIAN" --data "$O" review list
is "nothing is listed" "$(wc -l <"$T/out")" 0
sync_ok "the office syncs the acceptance" "$O" "$STICK"
LANTIAN_NOW=2030-03-05T08:00:00Z
sync_ok "the inspector syncs" "$D" stick
is "the inspector sees it accepted" "$(state_of "$D" "$R1")" accepted
is "and the whole exchange, in order" "$(steps_of "$D" "$R1")" \
    "returned:铭牌上的额定蒸发量是多少？请补拍铭牌。 | amended:额定蒸发量14吨/小时，铭牌已补拍。 | accepted:"
ok "nothing is returned to the inspector any more" "$LANTIAN" --data "$D" \
    review list --mine --state returned
is "the returned list is empty" "$(wc -l <"$T/out")" 0

# A device that missed the steps has them all from the last review.
sync_ok "a second device syncs once" "$D2" "$STICK"
is "it sees the record accepted" "$(state_of "$D2" "$R1")" accepted
is "with the whole exchange" "$(steps_of "$D2" "$R1")" \
    "returned:铭牌上的额定蒸发量是多少？请补拍铭牌。 | amended:额定蒸发量14吨/小时，铭牌已补拍。 | accepted:"

ok "the monthly report" "$LANTIAN" --data "$O" report monthly --month \
    2030-03 --json
is "counts the month's records by review" \
    "$(json '" ".join("%s=%d" % (k, d["reviews"][k]) for k in ("pending", "accepted", "returned", "rejected"))' <"$T/out")" \
    "pending=0 accepted=1 returned=0 rejected=1"
ok "the report as text" "$LANTIAN" --data "$O" report monthly --month 2030-03
out_has "says it" "^Reviewed by the office: 1 accepted, 0 returned, 1 rejected, 0 pending$"

# Another office signs a review of the record (it has the record from a
# copy of the stick without the office branch); the file and its
# signature are put on the stick's office branch with the git CLI.
setup "copy the stick" git clone -q --bare "$STICK" "$T/copy.git"
setup "without its office branch" git --git-dir="$T/copy.git" branch -q -D \
    office
sync_ok "the other office takes the records" "$OX" "$T/copy.git"
ok "the other office rejects the record" "$LANTIAN" --data "$OX" review \
    "$R1" --reject "伪造的决定" --passphrase-file "$OFFPASS"
sync_ok "the other office publishes it" "$OX" "$T/copy.git"
W=$T/work
setup "clone the stick's office branch" git clone -q -b office "$STICK" "$W"
git --git-dir="$T/copy.git" show "office:reviews/$R1.json" \
    >"$W/reviews/$R1.json"
git --git-dir="$T/copy.git" show "office:reviews/$R1.json.minisig" \
    >"$W/reviews/$R1.json.minisig"
setup "commit the forged review" git -C "$W" -c user.name=x \
    -c user.email=x@example.org commit -q -a -m "not the office"
setup "push it to the stick" git -C "$W" push -q origin office
sync_ok "the inspector syncs with the forged review on the stick" "$D" stick
err_has "the forged review is refused and logged" "^lantian: sync: bad-office-file: refs/heads/office reviews/$R1\.json: signature: made by key $(sed -n '1s/^untrusted comment: minisign public key //p' "$OX/keys/office.pub"), not $(sed -n '1s/^untrusted comment: minisign public key //p' "$O/keys/office.pub")$"
is "the record stays accepted" "$(state_of "$D" "$R1")" accepted
is "the refusal is in the sync log" "$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM sync_log "
    "WHERE kind = ? AND path LIKE ?", ("bad-office-file",
    "%reviews/%")).fetchone()[0])' "$D/lantian.db")" 1

done_testing
