#!/bin/sh
# The manual page (doc/lantian.1) and the program agree:
#   - it renders without a warning (man --warnings, UTF-8);
#   - every command `lantian --help` lists has its section (.SS), and
#     the options `lantian COMMAND --help` names are those the section
#     describes, no more, no fewer;
#   - every environment variable the program reads is described;
#   - every exit status the program uses is described;
#   - `lantian --version` names the versions of the libraries it runs on.
set -u
. "$top_srcdir/tests/cli/lib.sh"

MAN=$top_srcdir/doc/lantian.1

ok "the page renders without a warning" sh -c "LANG=C.UTF-8 MANWIDTH=80 \
    man --warnings -l '$MAN' 2>&1 >/dev/null | (! grep .)"
ok "it renders" sh -c "LANG=C.UTF-8 MANWIDTH=80 man -l '$MAN' >'$T/page.txt'"
check "with its sections" sh -c "grep -q '^COMMANDS' '$T/page.txt' && \
    grep -q '^ENVIRONMENT' '$T/page.txt' && grep -q '^EXIT STATUS' \
    '$T/page.txt' && grep -q '^EXAMPLES' '$T/page.txt' && grep -q '^FILES' \
    '$T/page.txt'"

# The options of a text: every --word in it, once each, sorted.
options() {
	sed 's/\\-/-/g' | grep -o -E -e '--[a-z][a-z-]*' | sed 's/-$//' |
	    sort -u | tr '\n' ' '
}

# The section of a command in the page, to the next heading.
section() {
	awk -v c="$1" '$0 == ".SS " c { on = 1; next }
	    /^\.S[SH] / { on = 0 } on' "$MAN"
}

lt --help >"$T/help.txt"
cmds=$(sed -n 's/^  lantian \([a-z-]*\).*/\1/p' "$T/help.txt" | sort -u)
check "the help lists the commands" test -n "$cmds"
for c in $cmds; do
	if [ "$c" = "--version" ]; then
		continue
	fi
	if ! grep -q "^\.SS $c\$" "$MAN"; then
		fail "lantian $c: described in the page" "no .SS $c"
		continue
	fi
	pass "lantian $c: described in the page"
	want=$(lt "$c" --help 2>/dev/null | options)
	have=$(section "$c" | options)
	is "lantian $c: the page's options are the help's" "$have" "$want"
done

# The environment the program reads (getenv in the sources), but the
# ones every program reads.
vars=$(cat "$top_srcdir"/core/*.c "$top_srcdir"/sync/*.c \
    "$top_srcdir"/tui/*.c | grep -o 'getenv("[A-Z_]*")' |
    sed 's/getenv("\(.*\)")/\1/' | sort -u | grep -v -x -E 'HOME|TERM|USER')
check "the program reads environment variables" test -n "$vars"
env_section=$(awk '/^\.SH ENVIRONMENT/ { on = 1; next } /^\.SH / { on = 0 }
    on' "$MAN")
for v in $vars; do
	if printf '%s\n' "$env_section" | grep -q -x "\.B $v"; then
		pass "\$$v: described under ENVIRONMENT"
	else
		fail "\$$v: described under ENVIRONMENT"
	fi
done

exit_section=$(awk '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH / { on = 0 }
    on' "$MAN")
for s in 0 1 2 3; do
	if printf '%s\n' "$exit_section" | grep -q -x "\.B $s"; then
		pass "exit status $s: described"
	else
		fail "exit status $s: described"
	fi
done

ok "lantian --version" lt --version
for lib in SQLite libgit2 libsodium jansson ncurses libarchive OpenSSL; do
	out_has "it names the version of $lib" "$lib [0-9]"
done

done_testing
