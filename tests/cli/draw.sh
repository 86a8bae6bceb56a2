#!/bin/sh
# lantian draw, the "双随机" of task 20: a draw signed by the office key,
# published on the office branch, taken by the inspectors at their sync;
# reproducible: the same draw again (--dry-run, in the office and on an
# inspector's device that synced), and the same draw computed by an
# independent script that follows the method lantian documents
# (core/assign.h); minisign checks its signature with office.pub.
. "$top_srcdir/tests/cli/lib.sh"

O=$T/office
IA=$T/inspector-a
IB=$T/inspector-b
IC=$T/inspector-c
STICK=$T/stick.git
LANTIAN_NOW=2029-12-20T08:00:00Z
export LANTIAN_NOW

cat >"$T/sites.csv" <<'EOF'
id,name,kind,village
R1,饭店一,restaurant,下冶村
R2,饭店二,restaurant,下冶村
R3,饭店三,restaurant,南岭村
R4,饭店四,restaurant,南岭村
R5,饭店五,restaurant,石门村
H1,王家,household,下冶村
EOF

setup "office: init" "$LANTIAN" --data "$O" init --name 王主任 \
    --badge OF-001 --passphrase-file "$PASSFILE"
setup "office: office init" "$LANTIAN" --data "$O" office init \
    --passphrase-file "$PASSFILE"
lt_sites "$O" "$T/sites.csv" 6
n=0
for d in "$IA" "$IB" "$IC"; do
	n=$((n + 1))
	setup "init $d" "$LANTIAN" --data "$d" init --name "检查员$n" \
	    --badge "XY-00$n" --passphrase-file "$PASSFILE" \
	    --office-key "$O/keys/office.pub"
	setup "enrol $d" "$LANTIAN" --data "$O" roster add "$d/keys/device.pub" \
	    --name "检查员$n" --badge "XY-00$n" --from 2020-01-01 \
	    --passphrase-file "$PASSFILE"
done
KA=$(lt_keyid "$IA")

SEED='2030年1月 双随机 第1次'
draw() {
	_dd=$1
	shift
	"$LANTIAN" --data "$_dd" draw --month 2030-01 --kind restaurant \
	    --sites 2 --inspectors-per-site 2 --seed "$SEED" "$@"
}

ok "draw, signed by the office key" draw "$O" --passphrase-file "$PASSFILE"
out_has "it says what it drew" \
    '^draw of 2030-01, restaurant: 2 of 5 site\(s\), 2 inspector\(s\) each, from 3 on the roster$'
out_has "and where it is published" \
    '^signed by the office key as assignments/2030-01-restaurant\.json; published on the office branch at the next sync$'
ok "the same draw again, --dry-run --json" draw "$O" --dry-run --json
cp "$T/out" "$T/again.json"
python3 -c 'import sqlite3, sys
sys.stdout.buffer.write(sqlite3.connect(sys.argv[1]).execute(
    "SELECT body FROM office_docs WHERE path = ?",
    ("assignments/2030-01-restaurant.json",)).fetchone()[0])' \
    "$O/lantian.db" >"$T/signed.json"
ok "the dry run gives the signed bytes exactly" cmp "$T/signed.json" \
    "$T/again.json"

# The method, followed by a script of its own (core/assign.h).
python3 - "$T/sites.csv" "$IA" "$IB" "$IC" >"$T/script.json" <<'EOF'
import csv, hashlib, json, sys
month, kind, seed = "2030-01", "restaurant", "2030年1月 双随机 第1次"
sites = sorted((r["id"], r["name"], r["village"]) for r in
    csv.DictReader(open(sys.argv[1], encoding="utf-8")) if r["kind"] == kind)
people = []
for i, d in enumerate(sys.argv[2:], 1):
    kid = open(d + "/keys/device.pub").readline().split()[-1]
    people.append((kid, "检查员%d" % i, "XY-00%d" % i))
people.sort()
prefix = b"\0".join(s.encode() for s in ("lantian-draw-1", month, kind, seed)) + b"\0"
counter = 0
def nxt():
    global counter
    h = hashlib.sha256(prefix + counter.to_bytes(4, "big")).digest()
    counter += 1
    return int.from_bytes(h[:8], "big")
def below(n):
    limit = (2**64 - 1) // n * n
    while True:
        v = nxt()
        if v < limit:
            return v % n
def first(pool, k):
    idx = list(range(len(pool)))
    for i in range(k):
        j = i + below(len(pool) - i)
        idx[i], idx[j] = idx[j], idx[i]
    return [pool[i] for i in idx[:k]]
def pool_sha(pool):
    return hashlib.sha256("".join(p[0] + "\n" for p in pool).encode()).hexdigest()
out = {"type": "assignments", "format": 1, "month": month, "kind": kind,
    "seed": seed, "method": "lantian-draw-1", "sites_pool": len(sites),
    "sites_pool_sha256": pool_sha(sites), "inspectors_pool": len(people),
    "inspectors_pool_sha256": pool_sha(people), "assignments": []}
for s in first(sites, 2):
    who = first(people, 2)
    out["assignments"].append({"site": s[0], "name": s[1], "village": s[2],
        "inspectors": [{"key_id": k, "name": n, "badge": b} for k, n, b in who]})
sys.stdout.write(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n")
EOF
ok "a script following the documented method draws the same bytes" \
    cmp "$T/script.json" "$T/signed.json"
is "two distinct sites, each with two distinct inspectors" \
    "$(json '"%d %d %s" % (len(d["assignments"]), len(set(a["site"] for a in d["assignments"])), all(len(set(p["key_id"] for p in a["inspectors"])) == 2 for a in d["assignments"]))' <"$T/signed.json")" \
    "2 2 True"
SEED='2030年1月 双随机 第2次'
ok "another seed" draw "$O" --dry-run --json
cp "$T/out" "$T/other.json"
check "draws otherwise" sh -c "! cmp -s '$T/other.json' '$T/signed.json'"

# Published, checked with minisign, taken by the inspectors.
setup "the stick" "$LANTIAN" --data "$O" remote add usb "$STICK" --create
setup "the office syncs" "$LANTIAN" --data "$O" sync usb
if command -v minisign >/dev/null 2>&1; then
	git --git-dir="$STICK" show \
	    office:assignments/2030-01-restaurant.json.minisig \
	    >"$T/signed.json.minisig"
	ok "minisign -V checks the draw with office.pub" minisign -V \
	    -p "$O/keys/office.pub" -m "$T/signed.json"
else
	skip "minisign -V checks the draw with office.pub" "no minisign"
fi
ok "inspector A syncs" "$LANTIAN" --data "$IA" sync "$STICK"
out_has "it takes the draw with the register and forms" \
    "office file\(s\) taken"
lt_sites "$IA" "$T/sites.csv" 6
SEED='2030年1月 双随机 第1次'
ok "A draws again, --dry-run, from what it synced" draw "$IA" --dry-run \
    --json
cp "$T/out" "$T/a.json"
ok "and gets the published bytes" cmp "$T/a.json" "$T/signed.json"
is "A keeps its own assignments" \
    "$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM "
    "assignments WHERE key_id = ? AND month = ?", (sys.argv[2],
    "2030-01")).fetchone()[0])' "$IA/lantian.db" "$KA")" \
    "$(json 'sum(1 for x in d["assignments"] for p in x["inspectors"] if p["key_id"] == a[0])' "$KA" <"$T/signed.json")"

fails 1 "more sites than the register has" "$LANTIAN" --data "$O" draw \
    --month 2030-01 --kind restaurant --sites 6 --inspectors-per-site 1 \
    --seed s --dry-run
err_has "says so" '^lantian: draw: 6 site\(s\) asked, the register has 5 of kind restaurant$'
fails 1 "more inspectors than the roster has" "$LANTIAN" --data "$O" draw \
    --month 2030-01 --kind restaurant --sites 1 --inspectors-per-site 4 \
    --seed s --dry-run
err_has "says so" '^lantian: draw: 4 inspector\(s\) per site asked, the roster has 3 valid in 2030-01$'
fails 1 "not a kind" "$LANTIAN" --data "$O" draw --month 2030-01 \
    --kind palace --sites 1 --inspectors-per-site 1 --seed s --dry-run
fails 2 "no seed" "$LANTIAN" --data "$O" draw --month 2030-01 \
    --kind restaurant --sites 1 --inspectors-per-site 1
fails 2 "no month" "$LANTIAN" --data "$O" draw --kind restaurant \
    --sites 1 --inspectors-per-site 1 --seed s
fails 1 "signing needs the office key" "$LANTIAN" --data "$IA" draw \
    --month 2030-01 --kind restaurant --sites 1 --inspectors-per-site 1 \
    --seed s --passphrase-file "$PASSFILE"
err_has "says where it is" 'no office key here'

done_testing
