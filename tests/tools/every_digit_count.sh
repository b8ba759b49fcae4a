#!/usr/bin/env bash
# Every digit count the tools take, 1 to 16, through the programs as a user runs them: ctformer add
# on random operands and on the longest carry chain (answers compared with bash's arithmetic),
# ctformer-check on a random sample and on a range, and trace, bounds and export for each D; and
# subtraction's and multiplication's run, trace, export and a checked sample for each D.
#   every_digit_count.sh CTFORMER CTFORMER_CHECK
set -uo pipefail
ctformer=$1
check=$2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# The answer the network must generate for a + b with D digits: the D + 1 digits of the sum, reversed.
answer_of() { printf '%0*d' $(($3 + 1)) $(($1 + $2)) | rev; }
prompt_of() { printf '%0*d+%0*d=' "$3" "$1" "$3" "$2"; }

RANDOM=7
for d in $(seq 1 16); do
    top=$((10 ** d - 1))
    # operands: the carry chain top + 1, zeros, and three random ones (bash's $RANDOM, 15 bits a draw)
    pairs="$top:1 0:0 $top:$top"
    for _ in 1 2 3; do
        a=$(((RANDOM << 45 | RANDOM << 30 | RANDOM << 15 | RANDOM) % (top + 1)))
        b=$(((RANDOM << 45 | RANDOM << 30 | RANDOM << 15 | RANDOM) % (top + 1)))
        pairs="$pairs $a:$b"
    done
    for pair in $pairs; do
        a=${pair%:*} b=${pair#*:}
        p=$(prompt_of "$a" "$b" "$d")
        want="$p$(answer_of "$a" "$b" "$d")"
        got=$("$ctformer" add "$p" | head -1)
        [ "$got" = "$want" ] || fail "ctformer add $p: got '$got', want '$want'"
    done
    out=$("$check" --digits "$d" --sample 200 --rng-seed "$d")
    grep -q "checked 200 of 200: 200 right, 0 wrong" <<<"$out" || fail "ctformer-check --digits $d --sample 200: $out"
    lo=$((top > 99 ? top - 99 : 0))
    n=$((top - lo + 1))
    out=$("$check" --digits "$d" --left "$top..$top" --right "$lo..$top")
    grep -q "checked $n of $n: $n right, 0 wrong" <<<"$out" || fail "ctformer-check --digits $d --left $top..$top --right $lo..$top: $out"
    "$ctformer" trace "$(prompt_of 1 "$top" "$d")" --json >/dev/null || fail "ctformer trace, $d digits"
    out=$("$ctformer" bounds --digits "$d")
    grep -q "every value fits Q31.32" <<<"$out" || fail "ctformer bounds --digits $d"
    out=$("$ctformer" export --json --digits "$d")
    grep -q "\"digits\": $d," <<<"$out" || fail "ctformer export --json --digits $d"
    # subtraction (ten's complement: the D low digits of a - b + 10^D, then the borrow out) and
    # multiplication by a digit (the D low digits of a * k, then the carry out): run, trace, export
    # and a sample of ctformer-check, each taking the program from the prompt or --program
    a=$(((RANDOM << 45 | RANDOM << 30 | RANDOM << 15 | RANDOM) % (top + 1)))
    b=$(((RANDOM << 45 | RANDOM << 30 | RANDOM << 15 | RANDOM) % (top + 1)))
    k=$((RANDOM % 10))
    sub="$(printf '%0*d-%0*d=' "$d" "$a" "$d" "$b")"
    mul="$(printf '%0*d*%d=' "$d" "$a" "$k")"
    want_sub="$sub$(printf '%0*d' "$d" $(((a - b + 10 ** d) % 10 ** d)) | rev)$((a < b ? 1 : 0))"
    want_mul="$mul$(printf '%0*d' "$d" $((a * k % 10 ** d)) | rev)$((a * k / 10 ** d))"
    for pw in "$sub:$want_sub" "$mul:$want_mul"; do
        p=${pw%%:*} want=${pw#*:}
        got=$("$ctformer" run "$p" | head -1)
        [ "$got" = "$want" ] || fail "ctformer run $p: got '$got', want '$want'"
        out=$("$ctformer" trace "$p" --json) || fail "ctformer trace $p"
        grep -q "\"produced\"" <<<"$out" || fail "ctformer trace $p --json: no generated token"
    done
    for program in sub mul; do
        out=$("$ctformer" export --json --program "$program" --digits "$d")
        grep -q "\"digits\": $d," <<<"$out" || fail "ctformer export --json --program $program --digits $d"
        out=$("$check" --program "$program" --digits "$d" --sample 100 --rng-seed "$d")
        grep -q "checked 100 of 100: 100 right, 0 wrong" <<<"$out" || fail "ctformer-check --program $program --digits $d --sample 100: $out"
        out=$("$ctformer" bounds --program "$program" --digits "$d")
        grep -q "every value fits Q31.32" <<<"$out" || fail "ctformer bounds --program $program --digits $d"
        out=$("$ctformer" prove --program "$program" --digits "$d")
        grep -q "^proven: every $d-digit" <<<"$out" || fail "ctformer prove --program $program --digits $d"
    done
done
echo "16 digit counts: $fails failures"
[ "$fails" -eq 0 ]
