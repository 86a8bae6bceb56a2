#!/bin/sh
# Every command's --help lists every option the command takes, and no
# other: the options of a command are read from its source (the long
# options of each getopt_long table in tui/cmd_*.c, the "--x" words it
# compares argv with, and --raw/--minisig of the show subcommands that
# cli_show_args parses), each table taken as its command's by the
# function it stands in (cmd_review, review_list ... are review's), and
# compared with the --words of `lantian CMD --help`.  --help itself and
# the global --data are everyone's.  Then: --passphrase-file is listed
# by every command whose source asks for a passphrase (cli_unlock,
# cli_office, cli_passphrase).
set -u
. "$top_srcdir/tests/cli/lib.sh"

python3 - "$top_srcdir/tui" "$T/signs" >"$T/parsed" <<'PY'
import glob, os, re, sys
# The command each function's options belong to: cmd_<x> is x; the
# helpers of a command's file are its command's (cmd_office.c:
# office_init ...); the one file of two commands names its functions.
FILE_CMD = {"oversight": None, "export": None}
out = {}
signs = set()
for path in sorted(glob.glob(os.path.join(sys.argv[1], "cmd_*.c"))):
    base = os.path.basename(path)[4:-2]
    src = open(path, encoding="utf-8").read()
    funcs = [(m.start(), m.group(1)) for m in
        re.finditer(r"^([a-z_]+)\(", src, re.M)]
    def owner(pos):
        names = [n for p, n in funcs if p < pos]
        if not names:
            return None
        fn = names[-1]
        if fn.startswith("cmd_"):
            return fn[4:].replace("_", "-")
        return base if FILE_CMD.get(base, base) is not None else None
    for m in re.finditer(r"struct option [a-z_]+\[\] = \{(.*?)\n\t\};",
            src, re.S):
        c = owner(m.start())
        if c is None:
            sys.exit("%s: a table outside a command's function" % path)
        out.setdefault(c, set()).update(re.findall(r'\{ "([a-z-]+)"',
            m.group(1)))
    for m in re.finditer(r'strcmp\(argv\[[0-9a-z+ ]+\], "--([a-z-]+)"\)',
            src):
        out.setdefault(owner(m.start()), set()).add(m.group(1))
    for m in re.finditer(r"cli_show_args\(", src):
        out.setdefault(owner(m.start()), set()).update(("raw", "minisig"))
    # A command that asks for a passphrase (to unlock a key or make one).
    for m in re.finditer(r"\b(cli_unlock|cli_office|cli_passphrase)\(", src):
        if m.start() > 0 and src[m.start() - 1] not in " \t(!=":
            continue
        signs.add(owner(m.start()))
for c in sorted(out):
    opts = sorted(o for o in out[c] if o not in ("help", "data"))
    print(c, " ".join("--" + o for o in opts))
open(sys.argv[2], "w").write("\n".join(sorted(signs)) + "\n")
PY
check "the sources' option tables are read" test -s "$T/parsed"

lt --help >"$T/help.txt"
cmds=$(sed -n 's/^  lantian \([a-z-]*\).*/\1/p' "$T/help.txt" | sort -u)
for c in $cmds; do
	[ "$c" = "--version" ] && continue
	want=$(sed -n "s/^$c //p; s/^$c\$//p" "$T/parsed")
	have=$(lt "$c" --help 2>/dev/null | sed 's/^usage: lantian //' |
	    grep -o -E -e '--[a-z][a-z-]*' | sed 's/-$//' |
	    grep -v -x -e --help -e --data | sort -u | tr '\n' ' ' |
	    sed 's/ $//')
	is "lantian $c --help lists the options it parses" "$have" "$want"
done
printf '%s\n' $cmds >"$T/cmds"
is "every command whose source parses options is in lantian --help" \
    "$(cut -d' ' -f1 "$T/parsed" | sort -u | grep -v -x -F -f "$T/cmds" |
    tr '\n' ' ')" ""

# A command that asks for a passphrase (its source unlocks or makes a
# key) takes --passphrase-file, and its help says so.
check "the commands that ask for a passphrase are found" \
    grep -q -x inspect "$T/signs"
for c in $(cat "$T/signs"); do
	check "lantian $c --help names --passphrase-file" \
	    sh -c "'$LANTIAN' $c --help | grep -q -e '--passphrase-file F|-'"
done

done_testing
