#!/bin/sh
# kill -9 at random moments (a dead battery, a pulled plug) of:
#   a. finishing an inspection (lantian inspect, with a photo);
#   b. answering in the TUI, where every answer is saved as it is given
#      (the draft's autosave);
#   c. lantian sync, an office importing a few hundred records of an
#      inspector from a USB stick;
#   d. lantian export of an evidence bundle (a directory, and a .tar).
# After each kill: SQLite's integrity check is ok, every record is there
# once (each device's records numbered 1..n without a gap or a double),
# lantian verify is clean, and the next run finishes the interrupted
# work: the inspection is signed once, the draft resumes with what was
# saved, the next sync brings the rest (all the records, verified), the
# next export into the same --out makes a bag verify-bundle passes; a
# killed export leaves nothing that passes for a bag.
#
# The moments come from a fixed-seed sequence (LANTIAN_KILL_SEED, 8 by
# default): a run is repeated by running it again.  A kill may land
# before the work starts, in it, or after it is done: every check holds
# wherever it lands.  LANTIAN_LONG=1 (make check-long) makes ten times
# as many kills.
set -u
if command -v tmux >/dev/null 2>&1; then
	. "$top_srcdir/tests/tui/lib.sh"
	HAVE_TMUX=1
else
	. "$top_srcdir/tests/cli/lib.sh"
	HAVE_TMUX=0
fi

if [ "${LANTIAN_LONG:-0}" = 1 ]; then
	TIMES=10
else
	TIMES=1
fi
SEED=${LANTIAN_KILL_SEED:-8}
echo "# seed $SEED, $TIMES x the kills (LANTIAN_LONG=${LANTIAN_LONG:-0})"

OFFPASS=$T/office-passphrase
printf 'the office 生态环境办公室 key\n' >"$OFFPASS"

# The pseudo-random sequence: rnd sets R to its next number in [0, 1).
awk -v s="$SEED" 'BEGIN { srand(s); for (i = 0; i < 20000; i++)
    printf "%.4f\n", rand() }' >"$T/random"
_ri=0
rnd() {
	_ri=$((_ri + 1))
	R=$(sed -n "${_ri}p" "$T/random")
}

# now_ns, secs_since NS: a clock for measuring how long the work takes.
now_ns() {
	date +%s%N
}
secs_since() {
	awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}

# delay SECS [FACTOR]: a random moment in [0, SECS * FACTOR), FACTOR 1.2
# by default (the last part lands after the work is done).
delay() {
	rnd
	D_AT=$(awk -v r="$R" -v t="$1" -v f="${2:-1.2}" \
	    'BEGIN { printf "%.3f", r * t * f }')
}

# run_killed SECS ARG...: lantian ARG... (output in $T/out, $T/err),
# killed with SIGKILL after SECS seconds unless it ended before; RC its
# exit status, KILLED 1 when the kill landed.
run_killed() {
	_rk_at=$1
	shift
	_last_cmd="lantian $* (kill -9 after $_rk_at s)"
	(exec "$LANTIAN" "$@" >"$T/out" 2>"$T/err") &
	_rk_pid=$!
	sleep "$_rk_at"
	kill -KILL "$_rk_pid" 2>/dev/null
	# (the shell's own word on a job killed is not the test's output)
	wait "$_rk_pid" 2>/dev/null
	RC=$?
	if [ "$RC" -eq 137 ]; then KILLED=1; else KILLED=0; fi
}

db() {
	sqlite3 "$1/lantian.db" "$2" 2>&1
}

# store_ok WHEN DIR [noverify]: what a user checks after a crash.
store_ok() {
	is "$1: sqlite's integrity check is ok" \
	    "$(db "$2" 'PRAGMA integrity_check')" ok
	is "$1: each device's records are numbered 1..n, each once" \
	    "$(db "$2" 'SELECT count(*) FROM (SELECT device FROM records
	        GROUP BY device HAVING count(*) != max(seq) OR
	        count(DISTINCT seq) != count(*) OR min(seq) != 1)')" 0
	is "$1: this device's chain ends at its last record" \
	    "$(db "$2" "SELECT count(*) FROM chain c WHERE c.device =
	        (SELECT value FROM settings WHERE key = 'device') AND
	        (c.seq, c.id) IS NOT (SELECT seq, id FROM records r WHERE
	        r.device = c.device ORDER BY seq DESC LIMIT 1)")" 0
	if [ "${3:-}" != noverify ]; then
		ok "$1: lantian verify finds nothing wrong" \
		    lt --data "$2" verify
	fi
}

# attachments_ok WHEN DIR: every stored file has the hash it is named by,
# and every file a record names is stored.
attachments_ok() {
	is "$1: every stored photo is whole (its bytes hash to its name)" \
	    "$(find "$2/attachments" -mindepth 2 -type f 2>/dev/null |
	    while read -r f; do
		[ "$(sha256sum "$f" | cut -c1-64)" = "${f##*/}" ] || echo "$f"
	    done)" ""
	is "$1: every photo a record names is in the store" \
	    "$(db "$2" "SELECT DISTINCT json_extract(a.value, '\$.sha256')
	        FROM records, json_each(records.body, '\$.attachments') a" |
	    while read -r h; do
		[ -f "$2/attachments/$(echo "$h" | cut -c1-2)/$h" ] || echo "$h"
	    done)" ""
}

#### a. Finishing an inspection

t_part=$(now_ns)

D=$T/inspector
lt_office_init "$D"
lt_sites "$D"
cheap_key "$D"
answers boiler "$COAL_BOILER"
BOILER=$A

visits() {
	db "$D" "SELECT count(*) FROM records WHERE
	    json_extract(body, '\$.notes') = '$1'"
}

# inspect_cmd VISIT PHOTO: lantian inspect of the coal boiler.
inspect_cmd() {
	lt --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler --answers \
	    "$BOILER" --attach "$2" --notes "$1" --passphrase-file "$PASSFILE"
}

# How long one takes, to spread the kills over it.
{ printf '\377\330\377\340'; head -c 400000 /dev/urandom; } >"$T/photo-0.jpg"
t0=$(now_ns)
ok "an inspection with a photo is signed" inspect_cmd "visit 0" \
    "$T/photo-0.jpg"
T_INSPECT=$(secs_since "$t0")
echo "# one inspection takes $T_INSPECT s"

i=1
while [ "$i" -le $((8 * TIMES)) ]; do
	W="inspect kill $i"
	{ printf '\377\330\377\340'; head -c 400000 /dev/urandom; } >"$T/photo-$i.jpg"
	n0=$(db "$D" "SELECT count(*) FROM records")
	delay "$T_INSPECT"
	run_killed "$D_AT" --data "$D" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler \
	    --answers "$BOILER" --attach "$T/photo-$i.jpg" --notes "visit $i" \
	    --passphrase-file "$PASSFILE"
	n1=$(db "$D" "SELECT count(*) FROM records")
	echo "# $W at $D_AT s: $([ "$KILLED" = 1 ] && echo killed ||
	    echo "had ended ($RC)"), $((n1 - n0)) record(s) more"
	if [ "$KILLED" = 0 ]; then
		is "$W: it ended before the kill, and well" "$RC" 0
	fi
	check "$W: the record is there once or not at all" \
	    test "$(visits "visit $i")" -le 1 -a "$n1" -eq $((n0 + \
	    $(visits "visit $i")))
	store_ok "$W" "$D"
	attachments_ok "$W" "$D"
	if [ "$(visits "visit $i")" = 0 ]; then
		ok "$W: the same inspection again is signed" inspect_cmd \
		    "visit $i" "$T/photo-$i.jpg"
	else
		pass "$W: the inspection was signed before the kill"
	fi
	is "$W: the visit is recorded exactly once" "$(visits "visit $i")" 1
	i=$((i + 1))
done
store_ok "after the inspection kills" "$D"
is "no temporary file of a killed photo copy is left" \
    "$(find "$D/attachments" -maxdepth 1 -name '.incoming.*' | wc -l |
    tr -d ' ')" 0
echo "# a took $(secs_since "$t_part") s"

#### b. The TUI's draft autosave

t_part=$(now_ns)

# The restaurant's checklist, answered with keys: the intro (Enter),
# purifier installed (y), running (n), cleaning records (y), the photo
# skipped (Tab), then the notes typed.  KEYS_AT_<n> are the keys from
# the n-th question on.
KEYS_AT_1='Enter y n y Tab'
KEYS_AT_2='y n y Tab'
KEYS_AT_3='n y Tab'
KEYS_AT_4='y Tab'
KEYS_AT_5='Tab'
KEYS_AT_6=
NOTES='灶台油污 greasy stove top'
WANT='[["cleaning_records", true], ["purifier_installed", true], ["purifier_running", false]]'

draft_answers() {
	db "$DT" "SELECT answers FROM drafts" | json \
	    'sorted((k, v) for k, v in d.items() if k != "notes")'
}
draft_notes() {
	db "$DT" "SELECT coalesce(json_extract(answers, '\$.notes'), '')
	    FROM drafts"
}

# question_now: PROGRESS, the question on the screen last grabbed (1-6).
question_now() {
	PROGRESS=0
	for _q in 'The plan \(task 7\)' 'Is a fume purifier installed' \
	    'Is the purifier running' 'Are there cleaning and maintenance' \
	    'Photo of the purifier' '^  Notes'; do
		PROGRESS=$((PROGRESS + 1))
		grep -q -E -e "$_q" "$T/screen" && return 0
	done
	PROGRESS=0
}

# resume WHEN: the TUI again, the draft opened from home; PROGRESS the
# question it resumes at.
resume() {
	tui_start "$DT" en
	wait_for "$1: home offers the draft" 'Drafts in progress \(1\)'
	keys Enter
	wait_for "$1: Enter resumes it" '^  [0-9]+/[0-9]+( |$)'
	question_now
}

if [ "$HAVE_TMUX" = 1 ]; then
	DT=$T/tui
	lt_init "$DT"
	lt_sites "$DT"
	c=1
	while [ "$c" -le "$TIMES" ]; do
		tui_start "$DT" en
		wait_for "draft $c: the TUI's home, no draft" 'Drafts in progress \(0\)'
		keys s
		wait_for "draft $c: sites" 'XY-R-101'
		type_text XY-R
		wait_for "draft $c: search by id" 'Sites: 1   villages: 1'
		keys Enter
		wait_for "draft $c: the restaurant" 'Restaurant cooking-fume inspection'
		keys Down Enter
		wait_for "draft $c: its first question" 'The plan \(task 7\)'
		PROGRESS=1
		k=1
		while [ "$k" -le 3 ] && [ "$PROGRESS" -ge 1 ] &&
		    [ "$PROGRESS" -lt 6 ]; do
			W="draft $c, TUI kill $k"
			# Some of the keys from here (one question at least is left
			# for the next round), each after a pause; then a random
			# moment more, and the kill.
			eval "set -- \$KEYS_AT_$PROGRESS"
			rnd
			m=$(awk -v r="$R" -v n="$#" 'BEGIN { n = n > 1 ? n - 1 : 1
			    print int(r * n) + 1 }')
			sent=
			while [ "$m" -gt 0 ] && [ $# -gt 0 ]; do
				keys "$1"
				sent="$sent $1"
				shift
				m=$((m - 1))
				rnd
				sleep "$(awk -v r="$R" 'BEGIN { printf "%.3f", r * 0.1 }')"
			done
			delay 0.2
			sleep "$D_AT"
			tui_kill9
			echo "# $W after the keys$sent (from question $PROGRESS), $D_AT s more"
			store_ok "$W" "$DT" noverify
			is "$W: one draft, no record more" "$(db "$DT" "SELECT
			    (SELECT count(*) FROM drafts), (SELECT count(*) FROM
			    records)")" "1|$((c - 1))"
			check "$W: every answer saved is the one given" python3 -c '
import json, sys
got, want = json.loads(sys.argv[1]), dict(json.loads(sys.argv[2]))
sys.exit(any(want.get(k) != v for k, v in got))' "$(draft_answers)" "$WANT"
			resume "$W"
			k=$((k + 1))
		done
		# The notes, typed; killed while they are typed or after.
		W="draft $c, TUI kill while typing"
		eval "set -- \$KEYS_AT_$PROGRESS"
		for key in "$@"; do
			keys "$key"
		done
		wait_for "$W: the notes question" '^  Notes'
		type_text "$NOTES"
		delay 1
		sleep "$D_AT"
		tui_kill9
		echo "# $W: killed $D_AT s after the notes were typed"
		store_ok "$W" "$DT" noverify
		is "$W: every answer is saved" "$(draft_answers)" "$WANT"
		check "$W: the notes saved are what was typed, or its beginning" \
		    python3 -c 'import sys; sys.exit(not sys.argv[2].startswith(sys.argv[1]))' \
		    "$(draft_notes)" "$NOTES"
		resume "$W"
		is "$W: it resumes at the notes" "$PROGRESS" 6
		saved=$(draft_notes)
		type_text "${NOTES#"$saved"}"
		wait_sql "$W: the rest of the notes typed, the draft has them" \
		    "$DT" "SELECT json_extract(answers, '\$.notes') FROM drafts" \
		    "$NOTES"
		keys F4
		wait_for "draft $c: F4, the review" 'Complete\. Next'
		keys k
		wait_for "draft $c: k, the acknowledgment" 'Name of the site representative'
		type_text '李四'
		keys Enter
		type_text '店长'
		keys Enter
		wait_for "draft $c: acknowledged" 'Acknowledgment: 李四, 店长'
		keys s
		wait_for "draft $c: s, the passphrase" 'Your passphrase signs this record'
		type_text 'correct horse 蓝天 staple'
		keys Enter
		wait_for "draft $c: signed" 'Signed and stored: record'
		tui_quit "draft $c: q quits"
		is "draft $c became one record, and is gone" "$(db "$DT" "SELECT
		    (SELECT count(*) FROM drafts), (SELECT count(*) FROM records)")" \
		    "0|$c"
		is "draft $c: the record has every answer given across the kills" \
		    "$(db "$DT" "SELECT body FROM records WHERE seq = $c" | json \
		    'sorted((k, v) for k, v in d["answers"].items())')" \
		    "[[\"cleaning_records\", true], [\"notes\", \"$NOTES\"], [\"purifier_installed\", true], [\"purifier_running\", false]]"
		c=$((c + 1))
	done
	store_ok "after the TUI kills" "$DT"
	echo "# b took $(secs_since "$t_part") s"
else
	skip "the TUI's draft survives kill -9" "tmux is not installed"
fi

#### c. lantian sync: the office imports from a stick

t_part=$(now_ns)

O=$T/office
IN=$T/inspector-2
STICK=$T/stick.git
NREC=300
setup "office init" lt --data "$O" office init --passphrase-file "$OFFPASS"
setup "init the inspector" lt --data "$IN" init --name 李娜 --badge XY-021 \
    --passphrase-file "$PASSFILE" --office-key "$O/keys/office.pub"
lt_sites "$IN"
cheap_key "$IN"
KIN=$(lt_keyid "$IN")
setup "enrol the inspector" lt --data "$O" roster add "$IN/keys/device.pub" \
    --name 李娜 --badge XY-021 --from 2020-01-01 --passphrase-file "$OFFPASS"
answers gas "$GAS_BOILER"
t0=$(now_ns)
i=1
while [ "$i" -le "$NREC" ]; do
	lt --data "$IN" inspect --ack-name 赵厂长 --ack-role 负责人 --site XY-E-101 --form boiler --answers "$A" \
	    --notes "record $i" --passphrase-file "$PASSFILE" >/dev/null \
	    2>"$T/err" || break
	i=$((i + 1))
done
is "the inspector signed $NREC records" "$(lt_count "$IN")" "$NREC"
echo "# $NREC records made in $(secs_since "$t0") s"
setup "the inspector's stick" lt --data "$IN" remote add stick "$STICK" \
    --create
setup "the inspector syncs with the stick" lt --data "$IN" sync stick
setup "the office adds the stick" lt --data "$O" remote add stick "$STICK"
cp -a "$O" "$T/office-before"

# How long the office's sync takes.
t0=$(now_ns)
ok "a sync of the office, undisturbed" lt --data "$O" sync stick
T_SYNC=$(secs_since "$t0")
out_has "brings the $NREC records" "^sync with stick: 0 record\(s\) sent, $NREC received"
echo "# the office's sync takes $T_SYNC s"

verified() {
	db "$1" "SELECT count(*) FROM records WHERE device = '$KIN' AND
	    status = 'verified'"
}

r=1
while [ "$r" -le $((5 * TIMES)) ]; do
	rm -rf "$O"
	cp -a "$T/office-before" "$O"
	k=1
	while [ "$k" -le 2 ]; do
		W="sync round $r, kill $k"
		delay "$T_SYNC" 1.0
		run_killed "$D_AT" --data "$O" sync stick
		echo "# $W at $D_AT s: $([ "$KILLED" = 1 ] && echo killed ||
		    echo "had ended ($RC)"), $(db "$O" "SELECT count(*) FROM
		    records") record(s) in"
		if [ "$KILLED" = 0 ]; then
			is "$W: it ended before the kill, and well" "$RC" 0
		fi
		store_ok "$W" "$O"
		n=$(db "$O" "SELECT count(*) FROM records")
		check "$W: the office holds none, some or all of the records" \
		    test "$n" -ge 0 -a "$n" -le "$NREC"
		is "$W: every record it holds is verified" "$(verified "$O")" "$n"
		k=$((k + 1))
	done
	ok "sync round $r: the next sync completes" lt --data "$O" sync stick
	is "sync round $r: the office has all $NREC records, verified" \
	    "$(verified "$O")" "$NREC"
	is "sync round $r: each once" "$(db "$O" "SELECT count(*),
	    count(DISTINCT id), count(DISTINCT seq) FROM records")" \
	    "$NREC|$NREC|$NREC"
	is "sync round $r: no half-received pack of a killed sync is left" \
	    "$(find "$O/repo.git/objects/pack" -name 'pack_git2_*' | wc -l |
	    tr -d ' ')" 0
	r=$((r + 1))
done
check "the office's repository is sound (git fsck)" \
    git --git-dir="$O/repo.git" fsck --no-dangling
echo "# c took $(secs_since "$t_part") s"

#### d. lantian export of a bundle

t_part=$(now_ns)

BAGS=$T/bags
mkdir -p "$BAGS"
OUT=$BAGS/case-017
export_cmd() {
	# $1 the case, $2 --tar or nothing
	lt --data "$D" export --site XY-E-101 --case "$1" --out "$OUT" \
	    ${2:+"$2"} --passphrase-file "$PASSFILE"
}
ok "an export, undisturbed" export_cmd "2030-执-000" --tar
ok "verify-bundle passes it" lt verify-bundle "$OUT"
rm -rf "$OUT" "$OUT.tar"
# (the second one, as fast as the ones after it)
t0=$(now_ns)
ok "another export, undisturbed" export_cmd "2030-执-000"
T_EXPORT=$(secs_since "$t0")
echo "# an export takes $T_EXPORT s"
rm -rf "$OUT"

i=1
while [ "$i" -le $((8 * TIMES)) ]; do
	W="export kill $i"
	if [ $((i % 2)) = 0 ]; then TAR=--tar; else TAR=; fi
	delay "$T_EXPORT" 1.0
	run_killed "$D_AT" --data "$D" export --site XY-E-101 --case \
	    "2030-执-$i" --out "$OUT" $TAR --passphrase-file "$PASSFILE"
	echo "# $W${TAR:+ (--tar)} at $D_AT s: $([ "$KILLED" = 1 ] &&
	    echo killed || echo "had ended ($RC)")"
	if [ "$KILLED" = 0 ]; then
		is "$W: it ended before the kill, and well" "$RC" 0
	fi
	is "$W: sqlite's integrity check is ok" \
	    "$(db "$D" 'PRAGMA integrity_check')" ok
	is "$W: nothing but the bag${TAR:+ and its .tar} is seen in the folder" \
	    "$(ls "$BAGS" | grep -v -x -e case-017 -e case-017.tar)" ""
	if [ -e "$OUT" ]; then
		ok "$W: --out is there only as a whole bag: verify-bundle passes it" \
		    lt verify-bundle "$OUT"
	else
		pass "$W: --out is not there: no half bag"
	fi
	if [ -e "$OUT.tar" ]; then
		ok "$W: the .tar is there only whole: verify-bundle passes it" \
		    lt verify-bundle "$OUT.tar"
	fi
	if [ ! -e "$OUT" ]; then
		ok "$W: the same export again completes" export_cmd \
		    "2030-执-$i" $TAR
		ok "$W: verify-bundle passes its bag" lt verify-bundle "$OUT"
		if [ -n "$TAR" ]; then
			ok "$W: and its .tar" lt verify-bundle "$OUT.tar"
		fi
	fi
	is "$W: no partial bag is left beside it" \
	    "$(ls -A "$BAGS" | grep -c partial)" 0
	rm -rf "$OUT" "$OUT.tar"
	i=$((i + 1))
done
store_ok "after the export kills" "$D"
echo "# d took $(secs_since "$t_part") s"

done_testing
