#!/bin/sh
# The office's review in the TUI, both sides, the records carried by a
# stick between them (lantian sync):
#   - the office's queue (v on home): pending records oldest first; a
#     record opened and returned with a question (R, the question, the
#     office's passphrase: a wrong one first); two marked with Space and
#     accepted at once (A, the key kept); the returned list (v);
#   - the inspector's home shows the returned record with the question;
#     the record view says the office asks; a answers it (the answer,
#     the passphrase), and the record leaves home;
#   - back at the office the record is in the queue, marked answered;
#     its view shows the exchange; A accepts it; the inspector's home
#     has nothing from the office any more.
set -u
. "$top_srcdir/tests/tui/lib.sh"

office_and_inspector

state_of() {
	lt --data "$1" review show "$2" --json 2>/dev/null | json 'd["state"]'
}

# The office.
tui_start "$O" en LANTIAN_NOW=2030-03-03T08:00:00Z TZ=UTC LANTIAN_AUTOSYNC=0
wait_for "home" 'Drafts in progress'
keys v
wait_for "v: the review queue" 'Lantian 蓝天 · Review: waiting for a decision, oldest first'
screen_has "three records" '^ 3 records +1/3$'
screen_has "the oldest first: the coal boiler" \
    '^   2030-03-02 08:00  下冶镇供热站 +张伟 +boiler'
sel_is "it is selected" '2030-03-02 08:00'
keys Enter
wait_for "Enter: the record" 'Lantian 蓝天 · Record'
screen_has "it waits for the office" '^ Office review$'
screen_has "pending" '^   pending review$'
screen_has "the office's keys" 'A accept R return X reject'
keys R
wait_for "R: the question" 'The question for the inspector:'
type_text '额定蒸发量多少？请补拍铭牌'
keys Enter
wait_for "then the office's passphrase" \
    "The office's passphrase signs the decision"
type_text 'not the passphrase'
keys Enter
wait_for "a wrong one says so" 'Wrong passphrase: nothing was decided'
is "nothing was decided" "$(state_of "$O" "$R1")" pending
type_text 'the office 办公室 key'
keys Enter
wait_for "returned" "Record ${R1%"${R1#????????????}"} returned; the decision goes out with the next sync"
screen_has "the view shows the question" '额定蒸发量多少？请补拍铭牌'
screen_has "and the state" '^   returned$'
keys Escape
wait_for "Esc: the queue, two left" '^ 2 records +1/2$'
keys Space
wait_for "Space marks one" '^ 2 records, 1 marked \(A accepts them\) +2/2$'
keys Space
wait_for "and the other" '^ 2 records, 2 marked'
keys A
# The key unlocked for R in the record view stays for the queue's
# session (tests/tui/office.sh): no passphrase again.
wait_for "both accepted" '2 records accepted; the decisions go out with the next sync'
screen_has "nothing waits" 'Nothing waits for a decision\.'
is "the second is accepted" "$(state_of "$O" "$R2")" accepted
is "the third too" "$(state_of "$O" "$R3")" accepted
keys v
wait_for "v: the returned ones" 'Review: returned to the inspector'
screen_has "with the question" '张伟 +额定蒸发量多少？请补拍铭牌'
tui_quit "the office quits"

setup "the office syncs" lt --data "$O" sync "$STICK"
setup "the inspector syncs" lt --data "$D" sync stick

# The inspector.
tui_start "$D" en LANTIAN_NOW=2030-03-04T08:00:00Z TZ=UTC LANTIAN_AUTOSYNC=0
wait_for "home" 'Drafts in progress'
screen_has "the office's words on home" \
    '^ From the office \(1\): Enter opens the record, a answers a question'
screen_has "the returned record and the question" \
    '^  returned +下冶镇供热站 +额定蒸发量多少？请补拍铭牌'
keys Enter
wait_for "Enter: the record" 'Lantian 蓝天 · Record'
screen_has "the office asks" 'returned: the office asks a question \(a answers it\)'
screen_has "the inspector's key" 'a answer the office'
keys Escape
wait_for "back home" 'From the office \(1\)'
keys a
wait_for "a: the question and the answer" 'The office asks: 额定蒸发量多少？请补拍铭牌'
type_text '4吨/小时，铭牌已补拍'
keys Enter
wait_for "a photo may go with it" 'Add a photo to your answer'
keys n
wait_for "the passphrase" 'Your passphrase signs the answer as an amendment'
type_text 'correct horse 蓝天 staple'
keys Enter
wait_for "signed" 'Your answer is signed \(amendment [0-9a-f]{12}\)'
wait_gone "the record leaves home" 'From the office'
is "it waits for the office again" "$(state_of "$D" "$R1")" pending
tui_quit "the inspector quits"

setup "the inspector syncs" lt --data "$D" sync stick
setup "the office syncs" lt --data "$O" sync "$STICK"

tui_start "$O" en LANTIAN_NOW=2030-03-05T08:00:00Z TZ=UTC LANTIAN_AUTOSYNC=0
wait_for "home" 'Drafts in progress'
keys v
wait_for "v: the queue" '^ 1 record +1/1$'
screen_has "the record is back, answered" \
    '2030-03-02 08:00  下冶镇供热站 +张伟 +boiler +answered'
keys Enter
wait_for "its view" 'answered by the inspector, waiting for the office'
screen_has "the question" '额定蒸发量多少？请补拍铭牌'
screen_has "the answer" '4吨/小时，铭牌已补拍'
keys A
wait_for "A: the passphrase" "The office's passphrase signs the decision"
type_text 'the office 办公室 key'
keys Enter
wait_for "accepted" "Record ${R1%"${R1#????????????}"} accepted"
screen_has "the view says so" '^   accepted$'
tui_quit "the office quits"

setup "the office syncs" lt --data "$O" sync "$STICK"
setup "the inspector syncs" lt --data "$D" sync stick
tui_start "$D" en LANTIAN_NOW=2030-03-06T08:00:00Z TZ=UTC LANTIAN_AUTOSYNC=0
wait_for "home" 'Drafts in progress'
screen_lacks "nothing from the office" 'From the office'
tui_quit "the inspector quits"
is "the inspector's store has it accepted" "$(state_of "$D" "$R1")" accepted

done_testing
