#!/bin/sh
# A full disk while lantian writes: the draft's autosave in the TUI,
# finishing an inspection, sync (the import into the store, and the
# export to a bare repository on a stick) and the export of a bundle.
# Each says what failed and why (`lantian: <what>: <why>`, exit 1; in
# the TUI a message line), loses nothing (the records before, the draft,
# SQLite's integrity check), and once there is room again the same
# command succeeds.
#
# The full disk is made two ways: a file size limit (ulimit -f, with
# SIGXFSZ ignored, so that a write fails with EFBIG), always; and a small
# tmpfs filled to the last byte (ENOSPC), when this machine lets the test
# mount one (as root, outside a container that forbids it).
set -u
if command -v tmux >/dev/null 2>&1; then
	. "$top_srcdir/tests/tui/lib.sh"
	HAVE_TMUX=1
	EXIT_TRAP='tui_cleanup'
else
	. "$top_srcdir/tests/cli/lib.sh"
	HAVE_TMUX=0
	EXIT_TRAP=:
fi
MNT=$T/disk
MOUNTED=0
trap '[ "$MOUNTED" = 1 ] && umount "$MNT"; '"$EXIT_TRAP"'; rm -rf "$T"' EXIT

OFFPASS=$T/office-passphrase
printf 'the office 生态环境办公室 key\n' >"$OFFPASS"
# What lantian says when a write fails for want of room.
FULL='(File too large|No space left on device|disk is full|is it full\?)'

db() {
	sqlite3 "$1/lantian.db" "$2" 2>&1
}

# The unit of this shell's ulimit -f (512 bytes in dash, 1024 in bash).
UNIT=$( (trap '' XFSZ; ulimit -f 2; head -c 4000 /dev/zero >"$T/unit") \
    2>/dev/null; wc -c <"$T/unit")
UNIT=$((UNIT / 2))
echo "# ulimit -f counts blocks of $UNIT bytes here"

# limited KIB ARG...: lantian ARG... with files limited to KIB KiB.
limited() {
	_kib=$1
	shift
	run sh -c 'trap "" XFSZ; ulimit -f "$1"; shift; exec "$@"' sh \
	    $((_kib * 1024 / UNIT)) "$LANTIAN" "$@"
	_last_cmd="(ulimit -f: ${_kib} KiB) lantian $*"
}

# said: the error the last run printed, as a diagnostic (the stages a
# sync names on the way left out).
said() {
	grep -v '^lantian: sync: [a-z]*$' "$T/err" | head -n 3 |
	    sed 's/^/#   it said: /'
}

# store_ok WHEN DIR: nothing lost, nothing broken.
store_ok() {
	is "$1: sqlite's integrity check is ok" \
	    "$(db "$2" 'PRAGMA integrity_check')" ok
	ok "$1: lantian verify finds nothing wrong" lt --data "$2" verify
}

# make_records DIR FROM TO: gas boiler inspections, notes "record N".
make_records() {
	answers gas "$GAS_BOILER"
	_i=$2
	while [ "$_i" -le "$3" ]; do
		lt --data "$1" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler \
		    --answers "$A" --notes "record $_i" \
		    --passphrase-file "$PASSFILE" >/dev/null 2>"$T/err" ||
		    break
		_i=$((_i + 1))
	done
}

# A tmpfs of its own, when mounting works.
mkdir -p "$MNT"
if mount -t tmpfs -o size=24m,mode=0755 tmpfs "$MNT" 2>"$T/mount.err"; then
	MOUNTED=1
else
	echo "# no tmpfs could be mounted ($(head -n 1 "$T/mount.err")):"
	echo "# the full disk is made with ulimit -f alone"
fi

# fill / unfill: the tmpfs full to the last byte, and room again.
fill() {
	dd if=/dev/zero of="$MNT/filler" bs=64k 2>/dev/null
	dd if=/dev/zero of="$MNT/filler-tail" bs=512 2>/dev/null
	dd if=/dev/zero of="$MNT/filler-last" bs=1 2>/dev/null
}
unfill() {
	rm -f "$MNT/filler" "$MNT/filler-tail" "$MNT/filler-last"
}

#### The store: an inspector who is their own office, some records.

D=$T/inspector
lt_office_init "$D"
lt_sites "$D"
cheap_key "$D"
make_records "$D" 1 5
is "the inspector has 5 records" "$(lt_count "$D")" 5
{ printf '\377\330\377\340'; head -c 300000 /dev/urandom; } >"$T/photo.jpg"

#### Finishing an inspection

limited 100 --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler --answers \
    "$A" --attach "$T/photo.jpg" --notes "with a photo" \
    --passphrase-file "$PASSFILE"
is "inspect, the photo larger than the room left: it fails (exit 1)" "$RC" 1
err_has "saying which file and why" "^lantian: [^:]+: .*$FULL"
said
is "no record was made" "$(lt_count "$D")" 5
is "no half-copied photo is left" \
    "$(find "$D/attachments" -type f 2>/dev/null | wc -l | tr -d ' ')" 0
store_ok "after the failed inspection" "$D"
ok "once there is room, the same inspection is signed" lt --data "$D" \
    inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler --answers "$A" --attach \
    "$T/photo.jpg" --notes "with a photo" --passphrase-file "$PASSFILE"
is "6 records" "$(lt_count "$D")" 6

# The record itself not written: room for the database's shared memory
# (32 KiB), not for the transaction in the write-ahead log.
limited 40 --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler --answers \
    "$A" --notes "no room" --passphrase-file "$PASSFILE"
is "inspect, no room for the record: it fails (exit 1)" "$RC" 1
err_has "saying why" "^lantian: [^:]+: .*$FULL"
said
is "nothing of it is stored" "$(lt_count "$D")" 6
store_ok "after the inspection with no room" "$D"
ok "once there is room, it is signed" lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site \
    XY-E-101 --form boiler --answers "$A" --notes "no room" \
    --passphrase-file "$PASSFILE"
is "7 records" "$(lt_count "$D")" 7
is "each once" "$(db "$D" "SELECT count(*), count(DISTINCT seq), max(seq)
    FROM records")" "7|7|7"

if [ "$MOUNTED" = 1 ]; then
	DM=$MNT/inspector
	cp -a "$D" "$DM"
	fill
	run lt --data "$DM" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler --answers \
	    "$A" --notes "full tmpfs" --passphrase-file "$PASSFILE"
	is "inspect on a full disk fails (exit 1)" "$RC" 1
	err_has "saying the disk is full" "^lantian: [^:]+: .*$FULL"
	said
	unfill
	is "on the full disk, nothing was stored" "$(lt_count "$DM")" 7
	store_ok "after the inspection on the full disk" "$DM"
	ok "once there is room, it is signed" lt --data "$DM" inspect --ack-name 赵厂长 --ack-role 负责人 --site \
	    XY-E-101 --form boiler --answers "$A" --notes "full tmpfs" \
	    --passphrase-file "$PASSFILE"
	is "8 records there" "$(lt_count "$DM")" 8
	rm -rf "$DM"
fi

#### The export of a bundle

OUT=$T/bags/case-9
mkdir -p "$T/bags"
limited 100 --data "$D" export --site XY-E-101 --case 2030-执-9 --out \
    "$OUT" --tar --passphrase-file "$PASSFILE"
is "export, the photo larger than the room left: it fails (exit 1)" "$RC" 1
err_has "saying which file and why" "^lantian: [^:]+: .*$FULL"
said
is "nothing is left in the folder, not even hidden" "$(ls -A "$T/bags")" ""
ok "once there is room, the same export succeeds" lt --data "$D" export \
    --site XY-E-101 --case 2030-执-9 --out "$OUT" --tar \
    --passphrase-file "$PASSFILE"
ok "verify-bundle passes the bag" lt verify-bundle "$OUT"
ok "and the .tar" lt verify-bundle "$OUT.tar"
rm -rf "$OUT" "$OUT.tar"

if [ "$MOUNTED" = 1 ]; then
	OUTM=$MNT/case-9
	fill
	run lt --data "$D" export --site XY-E-101 --case 2030-执-9 --out \
	    "$OUTM" --tar --passphrase-file "$PASSFILE"
	is "export onto a full disk fails (exit 1)" "$RC" 1
	err_has "saying the disk is full" "^lantian: [^:]+: $FULL"
	said
	unfill
	is "nothing is left on it, not even hidden" "$(ls -A "$MNT")" ""
	ok "once there is room, the same export succeeds" lt --data "$D" \
	    export --site XY-E-101 --case 2030-执-9 --out "$OUTM" --tar \
	    --passphrase-file "$PASSFILE"
	ok "verify-bundle passes the bag" lt verify-bundle "$OUTM"
	rm -rf "$OUTM" "$OUTM.tar"
fi

#### Sync: the office imports, the inspector exports to a stick

O=$T/office
IN=$T/inspector-2
STICK=$T/stick.git
setup "office init" lt --data "$O" office init --passphrase-file "$OFFPASS"
setup "init the inspector" lt --data "$IN" init --name 李娜 --badge XY-021 \
    --passphrase-file "$PASSFILE" --office-key "$O/keys/office.pub"
lt_sites "$IN"
cheap_key "$IN"
KIN=$(lt_keyid "$IN")
setup "enrol the inspector" lt --data "$O" roster add "$IN/keys/device.pub" \
    --name 李娜 --badge XY-021 --from 2020-01-01 --passphrase-file "$OFFPASS"
make_records "$IN" 1 50
setup "the inspector's stick" lt --data "$IN" remote add stick "$STICK" \
    --create
setup "the inspector syncs" lt --data "$IN" sync stick
setup "the office adds the stick" lt --data "$O" remote add stick "$STICK"
setup "the office syncs" lt --data "$O" sync stick
is "the office has the first 50 records" "$(lt_count "$O")" 50
setup "the inspector syncs: the office's roster comes" lt --data "$IN" sync \
    stick
make_records "$IN" 51 300
is "the inspector has 300 records" "$(lt_count "$IN")" 300

# The export to the stick: the stick has no room (the pack is larger).
cp -a "$STICK" "$T/stick-before"
limited 64 --data "$IN" sync stick
is "sync, no room on the stick: it fails (exit 1)" "$RC" 1
err_has "saying where, what and why" "^lantian: $STICK: push: .*$FULL"
said
is "the stick's branch is as it was" \
    "$(git --git-dir="$STICK" rev-parse "refs/heads/devices/$KIN")" \
    "$(git --git-dir="$T/stick-before" rev-parse "refs/heads/devices/$KIN")"
is "no half-written pack is left on the stick" \
    "$(find "$STICK/objects" -name '*git2*' | wc -l | tr -d ' ')" 0
is "the inspector's 300 records stay" "$(lt_count "$IN")" 300
store_ok "the inspector, after the failed sync" "$IN"
ok "once there is room, the same sync succeeds" lt --data "$IN" sync stick
out_has "the 250 new records go" "^sync with stick: 250 record\(s\) sent"
PACK=$(du -k -c "$STICK"/objects/pack/*.pack | tail -n 1 | cut -f1)
echo "# the stick's packs: $PACK KiB"

# The fetch into the office's repository: no room for the pack.
cp -a "$O" "$T/office-before"
limited 64 --data "$O" sync stick
is "the office's sync, no room for what it fetches: it fails (exit 1)" \
    "$RC" 1
err_has "saying where, what and why" "^lantian: $STICK: fetch: .*$FULL"
said
is "no half-written pack is left" \
    "$(find "$O/repo.git/objects" -name '*git2*' | wc -l | tr -d ' ')" 0
is "the office keeps its 50 records" "$(lt_count "$O")" 50
store_ok "the office, after the failed fetch" "$O"

# The import into the store: room for the pack, not for 250 records in
# the database's log.
limited $((PACK * 2)) --data "$O" sync stick
is "the office's sync, no room for the records: it fails (exit 1)" "$RC" 1
err_has "saying why" "^lantian: [^:]+: .*$FULL"
said
is "the office keeps its 50 records, and has no other" \
    "$(lt_count "$O")" 50
store_ok "the office, after the failed import" "$O"
ok "once there is room, the same sync succeeds" lt --data "$O" sync stick
out_has "bringing the 250 records" "^sync with stick: 0 record\(s\) sent, 250 received \(250 verified\)"
is "the office has all 300, each once" "$(db "$O" "SELECT count(*),
    count(DISTINCT seq), max(seq) FROM records WHERE device = '$KIN'")" \
    "300|300|300"

if [ "$MOUNTED" = 1 ]; then
	OM=$MNT/office
	rm -rf "$O"
	cp -a "$T/office-before" "$OM"
	fill
	run lt --data "$OM" sync stick
	is "the office's sync onto a full disk fails (exit 1)" "$RC" 1
	err_has "saying the disk is full" "^lantian: .+: .*$FULL"
	said
	unfill
	is "the office keeps its 50 records" "$(lt_count "$OM")" 50
	store_ok "the office, after the sync on the full disk" "$OM"
	ok "once there is room, the same sync succeeds" lt --data "$OM" \
	    sync stick
	is "the office has all 300" "$(lt_count "$OM")" 300
	rm -rf "$OM"

	# The stick full.
	SM=$MNT/stick.git
	git init -q --bare "$SM"
	fill
	run lt --data "$IN" sync "$SM"
	is "sync with a full stick fails (exit 1)" "$RC" 1
	err_has "saying where, what and why" "^lantian: $SM: push: .*$FULL"
	said
	unfill
	is "the inspector's records stay" "$(lt_count "$IN")" 300
	store_ok "the inspector, after the full stick" "$IN"
	ok "once there is room, the same sync succeeds" lt --data "$IN" \
	    sync "$SM"
	is "the stick has the inspector's branch" \
	    "$(git --git-dir="$SM" rev-parse "refs/heads/devices/$KIN")" \
	    "$(git --git-dir="$IN/repo.git" rev-parse "refs/heads/devices/$KIN")"
	rm -rf "$SM"
fi

#### The draft's autosave in the TUI

if [ "$HAVE_TMUX" = 1 ]; then
	DT=$T/tui
	REAL=$LANTIAN
	# tui_start runs $LANTIAN: with a limit, a script that sets it.
	limited_tui() {
		printf '#!/bin/sh\ntrap "" XFSZ\nulimit -f %s\nexec %s "$@"\n' \
		    $(($2 * 1024 / UNIT)) "$REAL" >"$T/limited-lantian"
		chmod +x "$T/limited-lantian"
		LANTIAN=$T/limited-lantian
		tui_start "$1" en
		LANTIAN=$REAL
	}
	answered() {
		db "$DT" "SELECT json_extract(answers, '\$.$1') FROM drafts"
	}
	lt_init "$DT"
	lt_sites "$DT"
	tui_start "$DT" en
	wait_for "autosave: the TUI's home" 'Drafts in progress \(0\)'
	keys s
	wait_for "autosave: sites" 'XY-R-101'
	type_text XY-R
	wait_for "autosave: search by id" 'Sites: 1   villages: 1'
	keys Enter
	wait_for "autosave: the restaurant" 'Restaurant cooking-fume inspection'
	keys Down Enter
	wait_for "autosave: its first question" 'The plan \(task 7\)'
	keys Enter y
	wait_for "autosave: installed, yes: the next question" 'Is the purifier running'
	wait_sql "autosave: the answer is in the draft" "$DT" \
	    "SELECT json_extract(answers, '\$.purifier_installed') FROM drafts" 1
	tui_kill9

	# Room for the database's shared memory and a few answers: the
	# answers, given and taken back, until one cannot be saved.
	limited_tui "$DT" 40
	wait_for "autosave with little room: home offers the draft" 'Drafts in progress \(1\)'
	keys Enter
	wait_for "autosave with little room: the draft resumes" 'Is the purifier running'
	i=0
	while [ "$i" -lt 40 ]; do
		keys n
		sleep 0.1
		keys p
		sleep 0.1
		grab
		grep -q 'could not be saved' "$T/screen" && break
		i=$((i + 1))
	done
	wait_for "autosave with little room: an answer that cannot be saved says so" \
	    'The draft could not be saved'
	grep 'could not be saved' "$T/screen" | sed 's/^ */#   it said: /'
	grep -q -E 'runtime error|Sanitizer' "$T/tui.err" &&
	    fail "autosave: no sanitizer report" || pass "autosave: no sanitizer report"
	tui_kill9
	is "autosave: nothing saved is lost, the draft and its first answer" \
	    "$(db "$DT" "SELECT count(*) FROM drafts"):$(answered purifier_installed)" \
	    "1:1"
	is "autosave: sqlite's integrity check is ok" \
	    "$(db "$DT" 'PRAGMA integrity_check')" ok
	tui_start "$DT" en
	wait_for "autosave with room again: home offers the draft" 'Drafts in progress \(1\)'
	keys Enter
	wait_for "autosave with room again: it resumes" 'Is the purifier running|Are there cleaning'
	grep -q 'Are there cleaning' "$T/screen" && keys p
	wait_for "autosave with room again: at the question" 'Is the purifier running'
	keys y
	wait_for "autosave with room again: answered" 'Are there cleaning and maintenance'
	wait_sql "autosave with room again: the answer is saved" "$DT" \
	    "SELECT json_extract(answers, '\$.purifier_running') FROM drafts" 1
	tui_kill9

	if [ "$MOUNTED" = 1 ]; then
		DTM=$MNT/tui
		cp -a "$DT" "$DTM"
		tui_start "$DTM" en
		wait_for "autosave on the tmpfs: home offers the draft" 'Drafts in progress \(1\)'
		keys Enter
		wait_for "autosave on the tmpfs: it resumes" 'Are there cleaning and maintenance'
		fill
		keys y
		wait_for "autosave on the full tmpfs: the answer cannot be saved, it says so" \
		    'The draft could not be saved'
		grep 'could not be saved' "$T/screen" | sed 's/^ */#   it said: /'
		unfill
		is "autosave on the full tmpfs: what was saved before is there" \
		    "$(sqlite3 "$DTM/lantian.db" "SELECT json_extract(answers,
		    '\$.purifier_running') FROM drafts")" 1
		keys p
		wait_for "autosave with room again: back to the question" 'Are there cleaning and maintenance'
		keys y
		wait_sql "autosave with room again: the same answer is saved now" "$DTM" \
		    "SELECT json_extract(answers, '\$.cleaning_records') FROM drafts" 1
		tui_kill9
		is "autosave on the tmpfs: sqlite's integrity check is ok" \
		    "$(sqlite3 "$DTM/lantian.db" 'PRAGMA integrity_check')" ok
		rm -rf "$DTM"
	fi
else
	skip "the TUI's autosave on a full disk" "tmux is not installed"
fi

if [ "$MOUNTED" = 1 ]; then
	umount "$MNT" && MOUNTED=0
fi
done_testing
