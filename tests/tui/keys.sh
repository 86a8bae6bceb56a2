#!/bin/sh
# Escape sequences the terminal description does not know (issue 18,
# item 6): under TERM=vt100, linux, screen and xterm-256color, the
# sequences an xterm sends for F9, shifted and controlled keys, the
# keypad and a kitty-style key are typed raw on a yes/no question, a
# choice and the review.  None of their bytes may answer a question
# ("2" ticking a choice, "n" saying No) or move the screen (a lone ESC
# going back): the draft keeps exactly the answers typed, and the screen
# stays where it was.  A real Escape still goes back, and one followed
# at once by a key still counts as both.
set -u
. "$top_srcdir/tests/tui/lib.sh"

D=$T/d
lt_init "$D"
cat >"$T/sites.csv" <<'CSV'
id,name,village,kind,address,lat,lon
XY-E-401,按键化工厂,东坡村,enterprise,东坡村4号,35.1,112.6
CSV
lt_sites "$D" "$T/sites.csv" 1
mkdir -p "$D/forms"
cp "$TESTDATA/forms/all-types.json" "$D/forms/"

# The newest draft's answers.
answers() {
	sql "$D" "SELECT answers FROM drafts ORDER BY id DESC LIMIT 1"
}

# What an xterm sends for keys a smaller terminfo entry may not know.
noise() {
	for _s in '\033[20~' '\033[20;2~' '\033[1;5A' '\033[1;2P' '\033Oq' \
	    '\033O2R' '\033[57;5u' '\033[2;5~'; do
		type_text "$(printf "$_s")"
	done
}

for term in vt100 linux screen xterm-256color; do
	tui_start "$D" en TERM=$term LANTIAN_AUTOSYNC=0 \
	    LANTIAN_NOW=2026-03-02T09:00:00Z TZ=UTC
	wait_for "$term: home" 'Drafts in progress'
	keys s
	wait_for "$term: sites" 'XY-E-401 +按键化工厂'
	keys Enter
	wait_for "$term: the site, its own form first" \
	    '^    Every question type'
	keys Enter
	wait_for "$term: the note" 'A test form: one question of each type'
	keys Enter
	wait_for "$term: the yes/no question" '^  Yes or no'
	noise
	keys y
	wait_for "$term: after the noise, y answers yes and moves on" \
	    '^  Pick one'
	is "$term: the noise answered nothing on the yes/no" "$(answers)" \
	    '{"yn":true}'
	noise
	keys 1
	wait_for "$term: after the noise, 1 picks A and moves on" \
	    '^  Pick any'
	is "$term: the noise answered nothing on the choice" "$(answers)" \
	    '{"yn":true,"pick":"a"}'
	keys r
	wait_for "$term: the review" '^ Answers'
	noise
	keys Escape
	wait_for "$term: after the noise, Escape leaves the review (it was still there)" \
	    '^  Pick any'
	is "$term: the noise answered nothing from the review" "$(answers)" \
	    '{"yn":true,"pick":"a"}'
	keys Escape Escape
	wait_for "$term: Escape Escape: the draft paused, the sites" \
	    'Sites: 1 +villages: 1'
	keys Escape h
	wait_for "$term: Escape, then h at once: home, then the history" \
	    'Lantian 蓝天 · History'
	keys Escape
	wait_for "$term: Escape: home" 'Drafts in progress \(4\)|Drafts in progress'
	tui_quit "$term: q quits"
done

done_testing
