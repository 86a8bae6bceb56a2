#!/bin/sh
# Bash completion (data/bash-completion/lantian), run in a real bash as
# the shell would: commands, subcommands and options from the program's
# own --help; remote names, site ids and form ids from the data directory
# given with --data; values of the options that take one of a few.
set -u
. "$top_srcdir/tests/cli/lib.sh"

COMPLETION=$top_srcdir/data/bash-completion/lantian
PATH=$(dirname "$LANTIAN"):$PATH
export PATH

# comp WORD...: what completes the last word of "WORD...", one a line.
comp() {
	bash -c '. "$1" || exit 1; shift; COMP_WORDS=("$@");
	    COMP_CWORD=$(($# - 1)); _lantian;
	    [ ${#COMPREPLY[@]} -gt 0 ] &&
	    printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ \
	    "$COMPLETION" "$@"
}

D=$T/data
lt_init "$D"
lt_sites "$D"
setup "a remote" lt --data "$D" remote add stick "$T/stick.git" --create
setup "another" lt --data "$D" remote add office "ssh://example.org/x.git"

ok "bash reads the completion" bash -n "$COMPLETION"
is "every command of lantian --help" "$(comp lantian '')" \
    "$(lt --help | sed -n 's/^  lantian \([a-z][a-z-]*\).*/\1/p' | sort -u | tr '\n' ' ')"
is "commands by their start" "$(comp lantian re)" "records remote report review "
is "the global options" "$(comp lantian --)" "--data --help --version "
is "subcommands" "$(comp lantian records '')" "list show "
is "subcommands of review" "$(comp lantian review '')" "list show "
is "a command's options" "$(comp lantian export --i)" "--include-unverified "
is "more of them" "$(comp lantian remote add stick /x --r)" "--records-only "
is "remote names for sync" "$(comp lantian --data "$D" sync '')" "office stick "
is "remote names for remote remove" \
    "$(comp lantian --data "$D" remote remove s)" "stick "
is "site ids" "$(comp lantian --data "$D" inspect --site XY-E)" \
    "XY-E-101 XY-E-102 "
is "form ids" "$(comp lantian --data "$D" inspect --site XY-E-101 --form co)" \
    "coal-ban construction-dust "
is "review states" "$(comp lantian review list --state re)" \
    "rejected returned "
is "report languages" "$(comp lantian export --lang '')" "en zh "
mkdir -p "$T/files/sub"
: >"$T/files/answers.json"
is "files for --answers" "$(comp lantian inspect --answers "$T/files/an")" \
    "$T/files/answers.json "
is "directories for --out" "$(comp lantian export --out "$T/files/s")" \
    "$T/files/sub "
is "files for attachments extract --out" \
    "$(comp lantian attachments extract ab --out "$T/files/an")" \
    "$T/files/answers.json "
is "subcommands of attachments" "$(comp lantian attachments '')" \
    "extract show "
is "files for amend --attach" "$(comp lantian amend x --attach "$T/files/an")" \
    "$T/files/answers.json "
is "nothing offered for free text" "$(comp lantian amend x --reply '')" ""

done_testing
