#!/bin/sh
# A remote crafted to attack the import (issue 8, "Hostile input"), beyond
# what tamper.sh covers (../x, absolute names, a symlink, a 1.1 MB blob,
# extra files, a fake attachment), synced by a device that trusts the
# office:
#   - submodule entries (gitlinks, mode 160000, naming commits that are
#     nowhere) at a record's path, at device.pub, as a whole shard, in the
#     attachments branch, and as a form and a form's signature on the
#     office branch: each not-a-file, the sync goes on;
#   - a name with terminal escapes, C1 and bytes that are not UTF-8, and a
#     tree 1000 levels deep (refused at the layout's depth, unread);
#   - records signed by an enrolled inspector's key (a minisign key the
#     office enrolled: the signature holds, the records are stored
#     verified) with ESC [ 2J, OSC 0 (window title) with BEL, SGR, CR, BS,
#     DEL, C1 (CSI U+009B, NEL) and bidi overrides (U+202E, U+2066) in
#     every text field: records show, records list, findings list, verify,
#     review show and list, report, roster list and the TUI (history,
#     record, exact bytes) never put them on the terminal raw: they show
#     as '?', the screen is not cleared, the window title not changed;
#   - deeply nested JSON (100000 levels of [) as a signed record, inside
#     one, and as a form and a site register signed by the office key;
#     invalid UTF-8, a NUL and a lone surrogate in signed records: each
#     refused with its reason, no stack overflow (run it under ASan too);
#   - a form on the office branch signed by an inspector's key, one
#     without a signature, and an office branch all of whose documents
#     (roster, sites) are signed by another office's key;
#   - 20,000 tiny files (a million with LANTIAN_LONG=1, whose shard of
#     half a million names is refused unread by its size), and with
#     LANTIAN_LONG=1 a 2 GiB blob at a record's path, fetched by git://
#     and from a path;
# each refused with "lantian: sync: <kind>: ..." on stderr and a row of
# sync_log: past the first 100 of a kind on a branch, one line and one
# row count the rest (a million lines help nobody); the good records of
# the same remote still imported; the peak RSS of lantian sync measured
# (GNU time) for a normal remote and for the hostile ones, and held under
# 200 MiB (1 GiB under ASan).
# The TUI's helpers first (they source tests/cli/lib.sh, which the sync
# library sources again: its temporary directory is the one kept).
HAVE_TMUX=0
if command -v tmux >/dev/null 2>&1; then
	. "$top_srcdir/tests/tui/lib.sh"
	rm -rf "$T"
	HAVE_TMUX=1
fi
. "$top_srcdir/tests/sync/lib.sh"
[ "$HAVE_TMUX" = 1 ] && trap 'tui_cleanup; srv_stop_all; rm -rf "$T"' EXIT

LONG=${LANTIAN_LONG:-0}
# The tiny files of the short run, and of the long one.
if [ "$LONG" = 1 ]; then NTINY=1000000; else NTINY=20000; fi
# Peak RSS allowed to lantian sync (KiB): generous, and more under ASan,
# whose shadow memory and quarantine count.
RSS_MAX=$((200 * 1024))
if grep -q -a -m 1 __asan_init "$LANTIAN" 2>/dev/null; then
	RSS_MAX=$((1024 * 1024))
fi

# The key id of a public key file, as lantian prints it (minisign's own
# comment drops leading zeros).
lt_keyid_of() {
	sed -n 2p "$1" | base64 -d 2>/dev/null | od -An -tx1 -j2 -N8 |
	    tr -d ' \n' | python3 -c 'import sys
print(bytes.fromhex(sys.stdin.read())[::-1].hex().upper())'
}

# raw_bytes FILE: what in FILE would reach a terminal raw: C0 controls
# but LF and TAB, DEL, C1 (as UTF-8 or as lone bytes), bidi controls,
# invalid UTF-8.  Prints them (empty when there is none).
raw_bytes() {
	python3 - "$1" <<'EOF'
import sys
b = open(sys.argv[1], "rb").read()
bad = []
s = b.decode("utf-8", errors="surrogateescape")
for i, ch in enumerate(s):
    o = ord(ch)
    if 0xdc80 <= o <= 0xdcff:
        bad.append("byte 0x%02x" % (o - 0xdc00))
    elif (o < 0x20 and ch not in "\n\t") or 0x7f <= o < 0xa0:
        bad.append("U+%04X" % o)
    elif o in (0x061c, 0x200e, 0x200f) or 0x202a <= o <= 0x202e or \
            0x2066 <= o <= 0x2069:
        bad.append("U+%04X" % o)
    if len(bad) >= 8:
        break
print(" ".join(bad))
EOF
}

# clean DESC FILE: a check: nothing raw in FILE.
clean() {
	_raw=$(raw_bytes "$2")
	if [ -z "$_raw" ]; then
		pass "$1"
	else
		fail "$1" "raw: $_raw"
		_diag_last
	fi
}

# peak_rss VAR DATA REMOTE: lantian sync, its peak RSS (KiB) into VAR;
# stdout and stderr as run's.  GNU time (tools/deps.sh --tests installs
# it), else VmHWM read from /proc while it runs.
peak_rss() {
	_v=$1
	shift
	if [ -x /usr/bin/time ]; then
		run /usr/bin/time -f '%M' -o "$T/rss" timeout 600 "$LANTIAN" \
		    --data "$1" sync "$2"
		eval "$_v=\$(tail -n 1 \"\$T/rss\")"
		return 0
	fi
	_last_cmd="lantian --data $1 sync $2 (VmHWM polled)"
	"$LANTIAN" --data "$1" sync "$2" >"$T/out" 2>"$T/err" &
	_pid=$!
	_hwm=0
	while kill -0 "$_pid" 2>/dev/null; do
		_h=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' \
		    "/proc/$_pid/status" 2>/dev/null)
		[ -n "$_h" ] && [ "$_h" -gt "$_hwm" ] && _hwm=$_h
		sleep 0.05
	done
	wait "$_pid"
	RC=$?
	eval "$_v=$_hwm"
}

O=$T/office
IA=$T/inspector-a
R=$T/reader
mk_office "$O"
mk_inspector "$IA" 张伟 XY-017 "$O"
mk_inspector "$R" 李娜 XY-021 "$O"
KA=$(lt_keyid "$IA")
enrol "$O" "$IA" 张伟 XY-017
KO=$(lt_keyid_of "$O/keys/office.pub")

# An inspector whose key is a minisign key, enrolled by the office: what
# it signs verifies, whatever it says.
minisign -G -W -p "$T/m.pub" -s "$T/m.key" >/dev/null 2>&1 </dev/null ||
    fail "setup: minisign -G"
KM=$(lt_keyid_of "$T/m.pub")
setup "roster add the minisign key" lt --data "$O" roster add "$T/m.pub" \
    --name 王五 --badge XY-055 --from 2020-01-01 --passphrase-file "$OFFPASS"

inspect "$IA" "A 1"
inspect "$IA" "A 2"
inspect "$IA" "A 3"

#### The normal remote, and the peak memory of a sync with it

NORMAL=$T/normal.git
setup "the office adds a repo" lt --data "$O" remote add normal "$NORMAL" \
    --create
setup "the office syncs with it" lts --data "$O" sync normal
setup "A adds it" lt --data "$IA" remote add normal "$NORMAL"
setup "A syncs with it" lts --data "$IA" sync normal
RN=$T/reader-normal
cp -a "$R" "$RN"
peak_rss RSS_NORMAL "$RN" "$NORMAL"
is "a sync with a normal remote" "$RC" 0
out_has "takes A's 3 records" "3 received \(3 verified\), 0 refused"
echo "# peak RSS of lantian sync, normal remote: $RSS_NORMAL KiB"

#### The hostile remote

HOSTILE=$T/hostile.git
git clone -q --bare "$NORMAL" "$HOSTILE" || fail "setup: the hostile repo"
export GIT_DIR="$HOSTILE"

# A commit that is nowhere: what a gitlink names.
NOWHERE=1234567890abcdef1234567890abcdef12345678
PUB_M=$(git hash-object -w "$T/m.pub")

# The text every field of the crafted records holds, after a tag saying
# which field it is: ESC [ 2J (clear), OSC 0 (window title) with BEL, an
# SGR (blink, colour 201), CR, BS, DEL, C1 CSI (U+009B) and NEL, bidi
# overrides (U+202E, U+2066).
cat >"$T/craft.py" <<'EOF'
import hashlib, json, os, subprocess, sys
out, key, km, fsha, now = sys.argv[1:6]
E = ("\x1b[2J\x1b]0;PWNED-TITLE\x07\x1b[5;38;5;201mBLINK\r\x08\x7f"
     "\x9b2J\x85\u202eevil\u2066")
def t(tag):
    return "F-" + tag + E
def sign(n, body, kind="inspection"):
    p = os.path.join(out, "%08d.json" % n)
    with open(p, "wb") as f:
        f.write(body)
    rid = hashlib.sha256(body).hexdigest()
    subprocess.run(["minisign", "-S", "-s", key, "-m", p, "-x", p + ".minisig",
        "-t", "lantian %s id=%s device=%s seq=%d" % (kind, rid, km, n)],
        check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    return rid
def dump(d):
    return (json.dumps(d, ensure_ascii=False, separators=(",", ":")) +
        "\n").encode()
def head(n, prev, kind="inspection"):
    return {"type": kind, "format": 1, "device": km, "seq": n, "prev": prev,
        "created": now, "inspector": {"name": t("inspector-name"),
        "badge": t("inspector-badge")},
        "office_head": {"version": 1, "sha256": "0" * 64}}
# 1: the boiler form (its labels shown), every text field hostile.
r = head(1, None)
r.update({"site": "XY-E-101", "form": {"id": "boiler", "version": 1,
    "sha256": fsha}, "started": now, "finished": now,
    "answers": {"boiler_no": t("answer-boiler_no"), "fuel": "coal",
        "use": "production", "capacity_tph": 4, "status": "running",
        "notes": t("answer-notes"), "x" + E: t("answer-unknown")},
    "findings": [{"rule": "coal-le35" + E, "task": 11,
        "severity": "violation" + E,
        "text": {"zh": t("finding-text-zh"), "en": t("finding-text-en")},
        "action": {"zh": t("finding-action-zh"),
        "en": t("finding-action-en")}, "deadline": "2030-03-31" + E}],
    "attachments": [{"sha256": "ab" + E, "name": t("attachment-name"),
        "bytes": 3, "mime": t("attachment-mime"),
        "caption": t("attachment-caption")}],
    "notes": t("notes"),
    "acknowledged": {"name": t("ack-name"), "role": t("ack-role"),
        "refused": True, "witness": t("ack-witness")},
    "location": {"lat": 35.5, "lon": 112.0, "text": t("location")},
    "follows": t("follows")})
ids = [sign(1, dump(r))]
# 2: a site and a form of hostile names.
r = head(2, ids[0])
r.update({"site": t("site"), "form": {"id": t("form-id"), "version": 1,
    "sha256": t("form-sha256")}, "started": now, "finished": now,
    "answers": {"q" + E: t("answer-q")}, "findings": [], "attachments": [],
    "notes": t("notes2")})
ids.append(sign(2, dump(r)))
# 3: an amendment of record 1.
r = head(3, ids[1], "amendment")
r.update({"amends": ids[0], "reply": t("reply"),
    "answers": {"boiler_no": t("amend-answer")}})
ids.append(sign(3, dump(r), "amendment"))
# 4: 100000 levels of [ as a record; 5: as a value inside one.
ids.append(sign(4, b"[" * 100000 + b"]" * 100000 + b"\n"))
r = head(5, ids[2])
s = dump(r).decode()
ids.append(sign(5, (s[:-2] + ',"notes":' + "[" * 100000 + "]" * 100000 +
    "}\n").encode()))
# 6: invalid UTF-8 (a lone C1 byte, 0xff) in a string; 7: a NUL; 8: a lone
# surrogate.
r = head(6, ids[2])
r.update({"notes": "NOTES6"})
ids.append(sign(6, dump(r).replace(b"NOTES6", b"\x9b2J\xff\xfe")))
r = head(7, ids[2])
r.update({"notes": "NOTES7"})
ids.append(sign(7, dump(r).replace(b"NOTES7", b"a\\u0000b")))
r = head(8, ids[2])
r.update({"notes": "NOTES8"})
ids.append(sign(8, dump(r).replace(b"NOTES8", b"\\ud800")))
print(" ".join(ids))
EOF
mkdir -p "$T/crafted"
FSHA=$(sha256sum "$LANTIAN_FORMS_DIR/boiler.json" | cut -d' ' -f1)
IDS=$(python3 "$T/craft.py" "$T/crafted" "$T/m.key" "$KM" "$FSHA" \
    2030-03-01T09:00:00Z) || fail "setup: the crafted records"
# shellcheck disable=SC2086
set -- $IDS
R1=$1 R2=$2 R3=$3

# Tiny files: half of them records by their names (seq 10001 on), each a
# 2-byte blob without a signature that holds, half other names in one
# shard; one blob for all.  Their trees are written as loose objects
# here (git fast-import takes hours over a directory of half a million
# names); and a tree 1000 levels deep.
TINY=$(printf 'x\n' | git hash-object -w --stdin)
cat >"$T/trees.py" <<'EOF'
import hashlib, os, sys, zlib
gitdir, n, blob = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
def write(data):
    raw = b"tree %d\0" % len(data) + data
    oid = hashlib.sha1(raw).hexdigest()
    d = os.path.join(gitdir, "objects", oid[:2])
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, oid[2:])
    if not os.path.exists(p):
        with open(p + ".tmp", "wb") as f:
            f.write(zlib.compress(raw, 1))
        os.rename(p + ".tmp", p)
    return oid
shards = {}
for i in range(n // 2):
    seq = 10001 + i // 2
    shards.setdefault("%04d" % (seq // 1000), []).append("%08d.json%s" %
        (seq, ".minisig" if i % 2 else ""))
shards["0009"] = ["tiny-%07d" % i for i in range(n - n // 2)]
for sh, names in sorted(shards.items()):
    print("40000 %s %s" % (sh, write(b"".join(b"100644 " + nm.encode() +
        b"\0" + blob for nm in sorted(names)))))
deep = write(b"100644 x\0" + blob)
for i in range(1000):
    deep = write(b"40000 d\0" + bytes.fromhex(deep))
print("DEEP " + deep)
EOF
python3 "$T/trees.py" "$HOSTILE" "$NTINY" "$TINY" >"$T/tiny-trees" ||
    fail "setup: the tiny files"
DEEP=$(sed -n 's/^DEEP //p' "$T/tiny-trees")

# The records tree: the crafted records in records/0000, gitlinks at a
# record's path and as a whole shard, names with escapes, and the tiny
# files' shards.
set --
for n in 1 2 3 4 5 6 7 8; do
	f=$T/crafted/$(printf %08d $n).json
	set -- "$@" "100644 $(basename "$f") $(git hash-object -w "$f")" \
	    "100644 $(basename "$f").minisig $(git hash-object -w "$f.minisig")"
done
BADNAME=$(printf 'x\033]0;PWNED-TITLE\007\033[2J\233\377\r\nname')
set -- "$@" "160000 00000009.json $NOWHERE" \
    "100644 00000009.json.minisig $PUB_M" "100644 $BADNAME $TINY" \
    "40000 d $DEEP"
SHARD0=$(literal_tree "$HOSTILE" "$@")
set -- "40000 0000 $SHARD0" "160000 0005 $NOWHERE"
while read -r e; do
	case $e in 40000*) set -- "$@" "$e" ;; esac
done <"$T/tiny-trees"
RECORDS=$(literal_tree "$HOSTILE" "$@")
ROOT=$(literal_tree "$HOSTILE" "100644 device.pub $PUB_M" \
    "40000 records $RECORDS")
git update-ref "refs/heads/devices/$KM" \
    "$(git commit-tree -m crafted "$ROOT")" ||
    fail "setup: the crafted device branch"

# A device branch whose device.pub is a gitlink.
KG=0123456789ABCDEF
ROOT=$(literal_tree "$HOSTILE" "160000 device.pub $NOWHERE")
git update-ref "refs/heads/devices/$KG" \
    "$(git commit-tree -m gitlink "$ROOT")" ||
    fail "setup: the branch with a gitlink device.pub"

# Attachments: a gitlink at a blob's path, and a whole gitlink shard.
ASHA=$(printf 'photo\n' | sha256sum | cut -d' ' -f1)
AA=$(echo "$ASHA" | cut -c1-2)
ROOT=$(literal_tree "$HOSTILE" "40000 blobs $(literal_tree "$HOSTILE" \
    "40000 $AA $(literal_tree "$HOSTILE" "160000 $ASHA $NOWHERE")" \
    "160000 ff $NOWHERE")")
git update-ref "refs/heads/attachments/$KM" \
    "$(git commit-tree -m gitlink "$ROOT")" ||
    fail "setup: the attachments branch with gitlinks"

# The office branch: the office's own, with a form signed by the
# inspector's minisign key, a form with no signature, a gitlink form with
# a signature, and a gitlink at a signature's path.
OTIP=$(git rev-parse refs/heads/office 2>/dev/null)
if [ -z "$OTIP" ]; then
	fail "setup: the office branch on the hostile repo"
	OTIP=$(git commit-tree -m empty "$(literal_tree "$HOSTILE")")
fi
sed 's/"id": "boiler"/"id": "evil"/' "$LANTIAN_FORMS_DIR/boiler.json" \
    >"$T/evil.json"
minisign -S -s "$T/m.key" -m "$T/evil.json" -x "$T/evil.json.minisig" -t \
    "lantian office path=forms/evil.json sha256=$(sha256sum "$T/evil.json" |
    cut -d' ' -f1) issued=2030-03-01T09:00:00Z" >/dev/null 2>&1 </dev/null ||
    fail "setup: sign the evil form"
EVIL=$(git hash-object -w "$T/evil.json")
EVILSIG=$(git hash-object -w "$T/evil.json.minisig")
GIT_INDEX_FILE=$T/index GIT_WORK_TREE=$T/no-work-tree
export GIT_INDEX_FILE GIT_WORK_TREE
mkdir -p "$GIT_WORK_TREE"
git read-tree "$OTIP" &&
    git update-index --add --cacheinfo "100644,$EVIL,forms/evil.json" \
    --cacheinfo "100644,$EVILSIG,forms/evil.json.minisig" \
    --cacheinfo "100644,$EVIL,forms/nosig.json" \
    --cacheinfo "160000,$NOWHERE,forms/sub.json" \
    --cacheinfo "100644,$EVILSIG,forms/sub.json.minisig" \
    --cacheinfo "100644,$EVIL,forms/sub2.json" \
    --cacheinfo "160000,$NOWHERE,forms/sub2.json.minisig" &&
    git update-ref refs/heads/office "$(git commit-tree -p "$OTIP" \
    -m "office, crafted" "$(git write-tree)")" ||
    fail "setup: the crafted office branch"
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
rm -f "$T/index"

#### A device trusting the office syncs with it

peak_rss RSS_HOSTILE "$R" "$HOSTILE"
echo "# peak RSS of lantian sync, hostile remote ($NTINY tiny files): $RSS_HOSTILE KiB"
is "a sync with the hostile remote works (exit 0)" "$RC" 0
check "no sanitizer report" sh -c "! grep -q -E 'Sanitizer|runtime error' '$T/err'"
cp "$T/err" "$T/sync.err"
cp "$T/out" "$T/sync.out"
out_has "A's 3 records and the 3 good crafted ones come in, verified" \
    "6 received \(6 verified\)"
clean "nothing raw on stdout" "$T/out"
clean "nothing raw on stderr" "$T/err"
is "the 3 good crafted records are stored, verified" "$(statuses "$R" "$KM")" \
    "1:verified 2:verified 3:verified"
is "A's records are stored, verified" "$(statuses "$R" "$KA")" \
    "1:verified 2:verified 3:verified"

# Gitlinks.
err_has "a gitlink at a record's path: not-a-file" \
    "^lantian: sync: not-a-file: refs/heads/devices/$KM records/0000/00000009\.json: mode 160000"
err_has "its signature then has no record" \
    "^lantian: sync: incomplete: refs/heads/devices/$KM records/0000/00000009\.json\.minisig: "
err_has "a gitlink as a shard: not-a-file" \
    "^lantian: sync: not-a-file: refs/heads/devices/$KM records/0005: mode 160000"
err_has "a gitlink at device.pub: the branch is refused, the sync goes on" \
    "^lantian: sync: not-a-file: refs/heads/devices/$KG device\.pub: mode 160000"
err_has "a gitlink at an attachment's path" \
    "^lantian: sync: not-a-file: refs/heads/attachments/$KM blobs/$AA/$ASHA: mode 160000"
err_has "a gitlink as an attachment shard" \
    "^lantian: sync: not-a-file: refs/heads/attachments/$KM blobs/ff: mode 160000"
err_has "a gitlink form on the office branch" \
    "^lantian: sync: not-a-file: refs/heads/office forms/sub\.json: mode 160000"
err_has "a gitlink at a form's signature" \
    "^lantian: sync: not-a-file: refs/heads/office forms/sub2\.json\.minisig: mode 160000"
err_has "its form then has no signature" \
    "^lantian: sync: incomplete: refs/heads/office forms/sub2\.json: its signature is not a plain file \(mode 160000\)"

# Names with escapes.
err_has "a name with escapes is skipped, shown neutralised" \
    "^lantian: sync: skipped-path: refs/heads/devices/$KM records/0000/x\?\]0;PWNED-TITLE\?\?\[2J\?\?\? name: not a path of the records layout$"

# JSON that is not a record.
err_has "100000 levels of [: refused, no stack overflow" \
    "^lantian: sync: bad-record: refs/heads/devices/$KM records/0000/00000004\.json: .*depth"
err_has "100000 levels inside a record: refused" \
    "^lantian: sync: bad-record: refs/heads/devices/$KM records/0000/00000005\.json: .*depth"
err_has "invalid UTF-8: refused" \
    "^lantian: sync: bad-record: refs/heads/devices/$KM records/0000/00000006\.json: .*(UTF-8|decode)"
err_has "a NUL in a string: refused" \
    "^lantian: sync: bad-record: refs/heads/devices/$KM records/0000/00000007\.json: .*0000"
err_has "a lone surrogate: refused" \
    "^lantian: sync: bad-record: refs/heads/devices/$KM records/0000/00000008\.json: .*(nicode|surrogate)"

# The office branch.
err_has "a form signed by an inspector's key, not the office's" \
    "^lantian: sync: bad-office-file: refs/heads/office forms/evil\.json: signature: made by key $KM, not $KO$"
err_has "a form without a signature" \
    "^lantian: sync: incomplete: refs/heads/office forms/nosig\.json: a file without its signature$"
check "neither form is taken" sh -c "! lt --data '$R' forms list | grep -q -E 'evil|nosig'"

# Trees too deep or too big for the layout, and the tiny files.
err_has "a tree 1000 levels deep: refused at the layout's depth, unread" \
    "^lantian: sync: skipped-path: refs/heads/devices/$KM records/0000/d/d: a tree deeper than the records layout: not read$"
if [ "$LONG" = 1 ]; then
	err_has "a shard of half a million names: refused unread by its size" \
	    "^lantian: sync: too-big: refs/heads/devices/$KM records/0009: a tree of [0-9]+ bytes, more than the 1048576 a device branch needs: not read$"
else
	err_has "past 100 of a kind on a branch, one line says how many more" \
	    "^lantian: sync: skipped-path: refs/heads/devices/$KM: [0-9]+ more like these on this branch, not listed one by one$"
fi
err_has "for each kind" \
    "^lantian: sync: bad-record: refs/heads/devices/$KM: [0-9]+ more like these on this branch, not listed one by one$"
check "stderr stays short" test "$(wc -l <"$T/sync.err")" -lt 400
REFUSED=$(sed -n 's/.* \([0-9]*\) refused.*/\1/p' "$T/sync.out")
echo "# $REFUSED refused in all"
if [ "$LONG" = 1 ]; then
	check "the summary counts every refusal (a record's two files: one)" \
	    test "${REFUSED:-0}" -gt $((NTINY / 4))
	is "the sync log: 100 rows of a kind, and one that counts the rest" \
	    "$(sqlite3 "$R/lantian.db" "SELECT kind, count(*), sum(path IS NULL) FROM sync_log WHERE ref = 'refs/heads/devices/$KM' AND kind = 'bad-record' GROUP BY kind" 2>&1)" \
	    "bad-record|101|1"
else
	check "the summary counts every refusal (a record's two files: one)" \
	    test "${REFUSED:-0}" -gt $((NTINY * 3 / 4))
	is "the sync log: 100 rows of a kind, and one that counts the rest" \
	    "$(sqlite3 "$R/lantian.db" "SELECT kind, count(*), sum(path IS NULL) FROM sync_log WHERE ref = 'refs/heads/devices/$KM' AND kind IN ('skipped-path', 'bad-record') GROUP BY kind" 2>&1 | tr '\n' ' ')" \
	    "bad-record|101|1 skipped-path|101|1 "
fi
is "the rows and the lines say the same" \
    "$(sqlite3 "$R/lantian.db" "SELECT count(*) FROM sync_log WHERE ref = 'refs/heads/devices/$KM'" 2>&1)" \
    "$(grep -c "^lantian: sync: [a-z-]*: refs/heads/devices/${KM}[ :]" "$T/sync.err")"
is "every other refusal has its row" \
    "$(sqlite3 "$R/lantian.db" "SELECT kind || ' ' || path FROM sync_log WHERE ref <> 'refs/heads/devices/$KM' ORDER BY ref, path" 2>&1 | tr '\n' ';')" \
    "not-a-file blobs/$AA/$ASHA;not-a-file blobs/ff;not-a-file device.pub;bad-office-file forms/evil.json;incomplete forms/nosig.json;not-a-file forms/sub.json;incomplete forms/sub2.json;not-a-file forms/sub2.json.minisig;"

check "peak RSS under $((RSS_MAX / 1024)) MiB (hostile: $RSS_HOSTILE KiB)" \
    test "${RSS_HOSTILE:-999999999}" -lt "$RSS_MAX"
sync_ok "syncing with it again" "$R" "$HOSTILE"
out_has "reads nothing new" "0 received \(0 verified\), 0 refused"

#### What the supervisor reads: never a raw byte of the records

for r in "$R1" "$R2" "$R3"; do
	ok "records show ${r%"${r#????????}"}" lt --data "$R" records show "$r"
	clean "records show ${r%"${r#????????}"}: nothing raw" "$T/out"
done
ok "records show of record 1" lt --data "$R" records show "$R1"
for f in inspector-name inspector-badge answer-boiler_no answer-notes \
    answer-unknown finding-text-en finding-action-en attachment-name \
    attachment-mime ack-name ack-role ack-witness notes follows; do
	out_has "shows $f, neutralised" "F-$f\?\[2J\?\]0;PWNED-TITLE\?\?\[5;38;5;201mBLINK"
done
ok "records show of the amendment" lt --data "$R" records show "$R3"
out_has "shows its answers, neutralised" "F-amend-answer\?\[2J"
ok "records list" lt --data "$R" records list
clean "records list: nothing raw" "$T/out"
ok "records list --status" lt --data "$R" records list --status
clean "records list --status: nothing raw" "$T/out"
ok "records list --inspector (the hostile one)" lt --data "$R" records list \
    --inspector XY-055
clean "records list --inspector: nothing raw" "$T/out"
ok "findings list" lt --data "$R" findings list
clean "findings list: nothing raw" "$T/out"
ok "verify" lt --data "$R" verify
clean "verify: nothing raw on stdout" "$T/out"
clean "verify: nothing raw on stderr" "$T/err"
ok "review show" lt --data "$R" review show "$R1"
clean "review show: nothing raw" "$T/out"
fails 1 "review show of the amendment: it has no review of its own" \
    lt --data "$R" review show "$R3"
clean "review show of the amendment: nothing raw on stderr" "$T/err"
ok "review list" lt --data "$R" review list
clean "review list: nothing raw" "$T/out"
ok "report monthly" lt --data "$R" report monthly --month 2030-03
clean "report monthly: nothing raw" "$T/out"
ok "report monthly --csv" lt --data "$R" report monthly --month 2030-03 --csv
clean "report monthly --csv: nothing raw" "$T/out"
ok "roster list" lt --data "$R" roster list
clean "roster list: nothing raw" "$T/out"

#### The TUI

# The pane without the attributes tmux itself writes (SGR): what is left
# of ESC, C1 or bidi came from the program.
pane_clean() {
	sed 's/\x1b\[[0-9;]*m//g' "$T/screen-e" >"$T/screen-t"
	clean "$1" "$T/screen-t"
}

# tui_page DESC: a check that the pane holds nothing raw from a record,
# and no attribute the record asked for (blink, colour 201).
tui_page() {
	grab_e
	pane_clean "$1: nothing raw in the pane"
	is "$1: no blink nor colour 201 from the record" \
	    "$(injected_sgr "$T/screen-e")" ""
}

# injected_sgr FILE: the SGR sequences in FILE that set blink or colour
# 201 (what the records ask for; the theme uses neither).
injected_sgr() {
	python3 - "$1" <<'EOF'
import re, sys
out = []
for m in re.finditer(r"\x1b\[([0-9;]*)m", open(sys.argv[1],
        encoding="utf-8", errors="replace").read()):
    p = m.group(1).split(";")
    i = 0
    while i < len(p):
        if p[i] in ("38", "48") and i + 1 < len(p) and p[i + 1] == "5":
            if i + 2 < len(p) and p[i + 2] == "201":
                out.append(m.group(1))
            i += 3
            continue
        if p[i] in ("5", "6"):
            out.append(m.group(1))
        i += 1
print(" ".join(out))
EOF
}

if [ "$HAVE_TMUX" = 1 ]; then
	tui_start "$R" en TZ=UTC
	wait_for "the TUI: home" 'Lantian 蓝天 · Home'
	TITLE0=$(tmux -L "$TUI_SOCK" display-message -p '#{pane_title}')
	keys h
	wait_for "h: the history" 'F-site'
	tui_page "the history"
	keys Down
	sel_is "record 2 selected" 'F-site'
	keys Enter
	wait_for "Enter: record 2" 'Record [0-9a-f]{8}'
	screen_has "its site, neutralised" 'F-site\?\[2J'
	tui_page "record 2"
	keys r
	wait_for "r: its exact bytes" '"type":"inspection"'
	tui_page "record 2's exact bytes"
	keys NPage
	tui_page "record 2's exact bytes, PgDn"
	keys Escape
	wait_for "Esc: the history" 'When +Site'
	keys Down
	sel_is "record 1 selected" '1 \(open 1\)'
	keys Enter
	wait_for "Enter: record 1" 'F-inspector-name\?\[2J'
	tui_page "record 1"
	for pg in 2 3 4; do
		keys NPage
		tui_page "record 1, page $pg"
	done
	keys r
	wait_for "r: its exact bytes" '"type":"inspection"'
	tui_page "record 1's exact bytes"
	keys NPage
	tui_page "record 1's exact bytes, PgDn"
	keys r
	screen_has "the screen was not cleared: the title bar is there" \
	    '^ ?Lantian 蓝天 · '
	is "the window title is not the record's" \
	    "$(tmux -L "$TUI_SOCK" display-message -p '#{pane_title}')" \
	    "$TITLE0"
	keys Escape
	wait_for "Esc: the history" 'When +Site'
	keys Escape
	wait_for "Esc: home" 'Lantian 蓝天 · Home'
	tui_quit "q: the TUI ends, no sanitizer report"
	tui_stop
else
	skip "the TUI" "tmux is not installed"
fi

#### Office branches signed by another office key

OX=$T/office-x
mk_office "$OX"
lt_sites "$OX"
setup "the other office enrols A" lt --data "$OX" roster add \
    "$IA/keys/device.pub" --name 张伟 --badge XY-017 --from 2020-01-01 \
    --passphrase-file "$OFFPASS"
setup "the other office publishes" lt --data "$OX" office publish \
    --passphrase-file "$OFFPASS"
XREPO=$T/other-office.git
setup "the other office syncs with a repo" lt --data "$OX" remote add x \
    "$XREPO" --create
setup "it syncs" lts --data "$OX" sync x
IX=$T/inspector-x
mk_inspector "$IX" 赵六 XY-066 "$O"
sync_ok "a device trusting our office syncs with the other's branch" "$IX" \
    "$XREPO"
err_has "the other office's state is refused whole, by its signature" \
    "^lantian: sync: bad-snapshot: refs/heads/office snapshot\.json: signature: made by key $(lt_keyid_of "$OX/keys/office.pub"), not $KO: none of the branch is taken$"
is "nothing of it is taken, and the refusal is logged" "$(sqlite3 "$IX/lantian.db" \
    "SELECT (SELECT count(*) FROM roster) || ' ' || (SELECT count(*) FROM office_docs) || ' ' || (SELECT count(*) FROM sync_log WHERE kind = 'bad-snapshot')" 2>&1)" \
    "0 0 1"
clean "nothing raw on stderr" "$T/err"

#### Deeply nested JSON signed by the office key (a minisign office key)

minisign -G -W -p "$T/mo.pub" -s "$T/mo.key" >/dev/null 2>&1 </dev/null ||
    fail "setup: minisign -G (office)"
ID_=$T/inspector-d
setup "init a device trusting the minisign office key" lt --data "$ID_" \
    init --name 陈静 --badge XY-033 --passphrase-file "$PASSFILE" \
    --office-key "$T/mo.pub"
DEEPREPO=$T/deep.git
git init -q --bare "$DEEPREPO"
python3 -c 'import sys; sys.stdout.write("[" * 100000 + "]" * 100000)' \
    >"$T/deep.json"
printf '{"type":"sites","format":1,"sites":%s}' "$(cat "$T/deep.json")" \
    >"$T/sites.json"
for f in deep sites; do
	p=forms/deep.json
	[ "$f" = sites ] && p=sites.json
	minisign -S -s "$T/mo.key" -m "$T/$f.json" -x "$T/$f.json.minisig" -t \
	    "lantian office path=$p sha256=$(sha256sum "$T/$f.json" |
	    cut -d' ' -f1) issued=2030-03-01T09:00:00Z" >/dev/null 2>&1 \
	    </dev/null || fail "setup: sign $f"
done
export GIT_DIR="$DEEPREPO"
FORMS=$(literal_tree "$DEEPREPO" \
    "100644 deep.json $(git hash-object -w "$T/deep.json")" \
    "100644 deep.json.minisig $(git hash-object -w "$T/deep.json.minisig")")
ROOT=$(literal_tree "$DEEPREPO" "40000 forms $FORMS" \
    "100644 office.pub $(git hash-object -w "$T/mo.pub")" \
    "100644 sites.json $(git hash-object -w "$T/sites.json")" \
    "100644 sites.json.minisig $(git hash-object -w "$T/sites.json.minisig")")
git update-ref refs/heads/office "$(git commit-tree -m office "$ROOT")" ||
    fail "setup: the deep office branch"
unset GIT_DIR
sync_ok "a sync with deeply nested office documents works" "$ID_" "$DEEPREPO"
err_has "a form of 100000 levels: refused" \
    "^lantian: sync: bad-office-file: refs/heads/office forms/deep\.json: .*depth"
err_has "a site register of 100000 levels: refused" \
    "^lantian: sync: bad-office-file: refs/heads/office sites\.json: .*depth"

#### The long variant: a 2 GiB blob at a record's path


if [ "$LONG" = 1 ] && srv_git_daemon; then
	BIGREPO=$(srv_bare big)
	export GIT_DIR="$BIGREPO"
	# fast-import streams a blob this big (hash-object would hold it all
	# in memory).
	{
		printf 'blob\nmark :1\ndata 2147483648\n'
		head -c 2147483648 /dev/zero
		printf '\ncommit refs/tmp/big\ncommitter T <t@t> 0 +0000\n'
		printf 'data 4\nbig\nM 100644 :1 big\n\n'
	} | git -c core.bigFileThreshold=1m fast-import --quiet ||
	    fail "setup: the 2 GiB blob (fast-import)"
	BIG=$(git rev-parse refs/tmp/big:big)
	git update-ref -d refs/tmp/big
	ROOT=$(literal_tree "$BIGREPO" "100644 device.pub $(git hash-object -w "$T/m.pub")" \
	    "40000 records $(literal_tree "$BIGREPO" "40000 0000 $(literal_tree "$BIGREPO" \
	    "100644 00000001.json $BIG" "100644 00000001.json.minisig $(git hash-object -w "$T/crafted/00000001.json.minisig")")")")
	git update-ref "refs/heads/devices/$KM" \
	    "$(git commit-tree -m big "$ROOT")" || fail "setup: the 2 GiB blob"
	unset GIT_DIR
	for how in git path; do
		rm -rf "$T/reader-big"
		cp -a "$RN" "$T/reader-big"
		if [ "$how" = git ]; then
			peak_rss RSS_BIG "$T/reader-big" "$(srv_url git big)"
		else
			peak_rss RSS_BIG "$T/reader-big" "$BIGREPO"
		fi
		echo "# peak RSS of lantian sync, a 2 GiB blob ($how): $RSS_BIG KiB"
		is "a sync with a 2 GiB blob ($how) works" "$RC" 0
		err_has "the blob is refused unread, by its size ($how)" \
		    "^lantian: sync: too-big: refs/heads/devices/$KM records/0000/00000001\.json: 2147483648 bytes"
		if [ "${RSS_BIG:-999999999}" -lt "$RSS_MAX" ]; then
			pass "peak RSS under $((RSS_MAX / 1024)) MiB ($how: $RSS_BIG KiB)"
		else
			fail "peak RSS under $((RSS_MAX / 1024)) MiB ($how: $RSS_BIG KiB)"
		fi
		# From a path, libgit2's local transport would read the
		# blob whole to pack it: the branch is screened first.
		[ "$how" = path ] && err_has "from a path, the branch is not fetched" \
		    "too-big: refs/heads/devices/$KM records/0000/00000001\.json: 2147483648 bytes; the branch is not fetched from this path$"
	done
elif [ "$LONG" = 1 ]; then
	fail "git daemon starts" "$SRV_WHY"
else
	skip "a 2 GiB blob" "LANTIAN_LONG=1 (make check-long) runs it"
fi

done_testing
