#!/usr/bin/env bash
# The walkthrough's per-step narration says what each step did with that prompt's values: the
# carry chain of 0999+0111= (steps 9 and 17), the carry-out of 9999+0001=, and a subtraction and a
# multiplication.
#   narration.sh CTFORMER WORK_DIR
set -uo pipefail
ctformer=$1
work=$2
mkdir -p "$work"
fails=0
expect() {  # expect PAGE TEXT
    grep -qF -- "$2" "$1" || { echo "FAIL: $1 lacks: $2"; fails=$((fails + 1)); }
}
"$ctformer" explain 0999+0111= -o "$work/chain.html" >/dev/null || exit 1
"$ctformer" explain 9999+0001= -o "$work/carry_out.html" >/dev/null || exit 1
expect "$work/chain.html" "rows 9–14: 9 (row 3) + 1 (row 8) + carry 0 = 10 → out 0, carry becomes 1."
expect "$work/chain.html" "rows 9–14: 9 (row 2) + 1 (row 7) + carry 1 = 11 → out 1, carry stays 1."
expect "$work/chain.html" "rows 9–14: 9 (row 1) + 1 (row 6) + carry 1 = 11 → out 1, carry stays 1."
expect "$work/chain.html" "rows 9–14: 0 (row 0) + 0 (row 5) + carry 1 = 1 → out 1, carry becomes 0."
# the blends of the rows before '=' the tour names (cursors between two positions, half a digit)
expect "$work/chain.html" "@99.50"
expect "$work/chain.html" "@1.50"
expect "$work/chain.html" "0(0.500)"
expect "$work/chain.html" "rows 9–14: left, right and out emptied; the carry (1) is not cleared and travels on."
expect "$work/chain.html" "row 9: match flag 1: the out cursor points at this row; rows 10–14: match flag 0."
expect "$work/chain.html" "row 10: final ← 1 (out, copied: the flag is 1 here)"
expect "$work/carry_out.html" "rows 9–14: 9 (row 3) + 1 (row 8) + carry 0 = 10 → out 0, carry becomes 1."
expect "$work/carry_out.html" "rows 9–14: 9 (row 2) + 0 (row 7) + carry 1 = 10 → out 0, carry stays 1."
expect "$work/carry_out.html" "rows 9–14: 9 (row 1) + 0 (row 6) + carry 1 = 10 → out 0, carry stays 1."
expect "$work/carry_out.html" "rows 9–14: 9 (row 0) + 0 (row 5) + carry 1 = 10 → out 0, carry stays 1."
expect "$work/carry_out.html" "rows 9–14: out ← the carry as a digit, 1; out_pos @12 → @13."
expect "$work/carry_out.html" "row 13: final ← 1 (out, copied: the flag is 1 here)"
# which unit fired, in the row of '=': the add table's unit for the digits and the carry, against
# the units next below it — every one of them, where they tie — and no unit where none fired
expect "$work/chain.html" '"fired": {"fired": true, "top": ["(9, 1, no carry)"], "top_pre": 128, "next": ["(9, 1, carry in)"], "next_pre": -205'
expect "$work/chain.html" '"fired": {"fired": true, "top": ["(9, 1, carry in)"], "top_pre": 128, "next": ["(0, 1, carry in)", "(1, 1, carry in)", "(2, 1, carry in)", "(3, 1, carry in)", "(4, 1, carry in)", "(5, 1, carry in)", "(6, 1, carry in)", "(7, 1, carry in)", "(8, 1, carry in)", "(9, 0, carry in)",'
expect "$work/chain.html" '"fired": {"fired": true, "top": ["copy of 0"], "top_pre": 16, "next": ["copy of 1", "copy of 2",'
expect "$work/chain.html" '"fired": {"fired": false, "top": ["copy of \\n"], "top_pre": -84'
# every program is narrated by what its instructions say of themselves (layer_about), not by layer
# names: subtraction's borrow and multiplication's one-hot carry, with their units and grids
"$ctformer" explain 0999-0111= -o "$work/sub.html" >/dev/null || exit 1
"$ctformer" explain 0999*7= -o "$work/mul.html" >/dev/null || exit 1
expect "$work/sub.html" "rows 9–14: 9 (row 3) − 1 (row 8) − borrow 0 = 8 → out 8, borrow stays 0."
expect "$work/sub.html" "rows 9–14: 0 (row 0) − 0 (row 5) − borrow 0 = 0 → out 0, borrow stays 0."
expect "$work/sub.html" "rows 9–14: left, right and out emptied; the borrow (0) is not cleared and travels on."
expect "$work/sub.html" '"fired": {"fired": true, "top": ["(9, 1, no borrow)"], "top_pre": 128'
expect "$work/sub.html" '"caption": "units (i, j, borrow in): borrow in 1"'
expect "$work/sub.html" "The subtractor: the adder's 200 hidden units"
expect "$work/mul.html" "rows 6–11: 9 (row 3) × 7 (row 5) + carry 0 = 63 → out 3, carry becomes 6."
expect "$work/mul.html" "rows 6–11: 9 (row 2) × 7 (row 5) + carry 6 = 69 → out 9, carry stays 6."
expect "$work/mul.html" "rows 6–11: carry empty → 0."
expect "$work/mul.html" '"fired": {"fired": true, "top": ["(9, 7, carry 0)"], "top_pre": 128'
expect "$work/mul.html" '"caption": "units (i, j, carry 8): carry in 8"'
expect "$work/mul.html" "The multiplier: 900 hidden units"
expect "$work/mul.html" "every row runs the whole multiplication itself"
echo "narration: $fails failures"
[ "$fails" -eq 0 ]
