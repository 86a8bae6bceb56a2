#!/bin/sh
# The office's day in the TUI (issue 18):
#   - the office's home screen says how many records wait for review, and
#     Enter on that line opens the queue;
#   - item 13: the office key unlocked for R in a record view opened from
#     the queue is kept for the queue's session (the next decision asks
#     no passphrase), and the idle lock (LANTIAN_IDLE_LOCK) still wipes
#     it, after which a decision asks again;
#   - rejecting a record the office accepted asks first (n decides
#     nothing; y goes on to the reason);
#   - item 11: the history's village: filter takes the start of a
#     village's name, and a filter that matches nothing says so.
set -u
. "$top_srcdir/tests/tui/lib.sh"

office_and_inspector

state_of() {
	lt --data "$1" review show "$2" --json 2>/dev/null | json 'd["state"]'
}

tui_start "$O" en LANTIAN_NOW=2030-03-03T08:00:00Z TZ=UTC LANTIAN_AUTOSYNC=0
wait_for "home" 'Drafts in progress'
screen_has "home: how many records wait for review" \
    "^ Review: 3 records wait for the office's decision \(Enter opens the queue\)$"
sel_is "that line is selected" "^Review: 3 records wait"
keys v
wait_for "v opens the queue" \
    'Lantian 蓝天 · Review: waiting for a decision, oldest first'
screen_has "three records" '^ 3 records +1/3$'

# 13: R in the record view, then a in the queue.
keys Enter
wait_for "Enter: the oldest record" 'Lantian 蓝天 · Record'
keys R
wait_for "R: the question" 'The question for the inspector:'
type_text '铭牌照片看不清'
keys Enter
wait_for "the office's passphrase" "The office's passphrase signs the decision"
type_text 'the office 办公室 key'
keys Enter
wait_for "returned" 'Record [0-9a-f]{12} returned; the decision goes out with the next sync'
keys Escape
wait_for "Esc: the queue, two left" '^ 2 records +1/2$'
keys a
wait_for "13: a accepts at once: the key from the record view is kept" \
    'Record [0-9a-f]{12} accepted; the decision goes out with the next sync'
screen_lacks "13: no passphrase asked" "The office's passphrase signs"
is "13: it is accepted" "$(state_of "$O" "$R2")" accepted
keys Escape
wait_for "home: one record waits" \
    "^ Review: 1 record waits for the office's decision \(Enter opens the queue\)$"

# Rejecting an accepted record asks first.
keys Enter
wait_for "Enter on the review line opens the queue" \
    'Lantian 蓝天 · Review: waiting for a decision'
keys v v v
wait_for "v v v: the accepted ones" 'Lantian 蓝天 · Review: accepted'
keys x
wait_for "x on an accepted record asks first" \
    'Record [0-9a-f]{12} was accepted by the office\. Reject it all the same\?'
keys n
wait_for "n: nothing decided" 'Nothing was decided\.'
is "still accepted" "$(state_of "$O" "$R2")" accepted
keys x
wait_for "x again asks" 'Reject it all the same\?'
keys y
wait_for "y: the reason" 'The reason, for the inspector:'
type_text '不是本月的检查'
keys Enter
wait_for "the office's passphrase (the queue was closed)" \
    "The office's passphrase signs the decision"
type_text 'the office 办公室 key'
keys Enter
wait_for "rejected" 'Record [0-9a-f]{12} rejected; the decision goes out with the next sync'
is "it is rejected" "$(state_of "$O" "$R2")" rejected
tui_quit "the office quits"

# 13: the idle lock still holds for a key kept from a record view.
tui_start "$O" en LANTIAN_NOW=2030-03-03T09:00:00Z TZ=UTC LANTIAN_AUTOSYNC=0 \
    LANTIAN_IDLE_LOCK=3
wait_for "home" 'Drafts in progress'
keys v
wait_for "the queue" '^ 1 records? +1/1$'
keys Enter
wait_for "the record" 'Lantian 蓝天 · Record'
keys A
wait_for "A: the passphrase" "The office's passphrase signs the decision"
type_text 'the office 办公室 key'
keys Enter
wait_for "accepted in the record view" 'Record [0-9a-f]{12} accepted'
wait_for "13: the idle lock wipes the kept key" \
    'Office key locked after 3 s idle; the next decision asks for its passphrase\.'
keys Escape
wait_for "the queue" 'Review: waiting for a decision'
keys v v
wait_for "the rejected ones" 'Lantian 蓝天 · Review: rejected'
keys a
wait_for "13: after the lock, a decision asks the passphrase again" \
    "The office's passphrase signs the decision"
keys Escape
tui_quit "the office quits"

# 11: the history's filter.
tui_start "$O" en LANTIAN_NOW=2030-03-03T10:00:00Z TZ=UTC LANTIAN_AUTOSYNC=0
wait_for "home" 'Drafts in progress'
keys h
wait_for "h: the history" 'Lantian 蓝天 · History'
keys /
wait_for "/: the filter" 'Narrow the records'
type_text 'village:下冶'
keys Enter
wait_for "11: village:下冶 (a prefix) finds the records of 下冶村" '下冶镇供热站'
screen_lacks "11: not an empty history" 'No records'
keys /
wait_for "/ again" 'Narrow the records'
keys C-u
type_text 'village:东坡'
keys Enter
wait_for "11: a filter that matches nothing says so" \
    'No records match village:东坡\.'
screen_lacks "11: not \"no records yet\"" 'No records yet'
tui_quit "the office quits"

done_testing
