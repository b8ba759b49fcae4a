#!/usr/bin/env bash
# ctformer-check --resume loses no work: a real run over every 3-digit addition is interrupted
# with SIGINT, resumed from its file, and the resumed total must equal an uninterrupted run's —
# the same count and the same pairs digest (a sum of one hash per checked pair, which a skipped
# or a double-counted pair would change).
# usage: resume.sh path/to/ctformer-check work-directory
set -u
check=$1 work=$2
mkdir -p "$work" && cd "$work" || exit 1
rm -f state.json state.json.tmp
field() { sed -n "s/^  \"$1\": \\([0-9a-z]*\\),\$/\\1/p" "$2"; }
fail() { echo "FAIL: $*"; exit 1; }

"$check" --digits 3 --json > whole.json || fail "the uninterrupted run exited $?"
whole_digest=$(field pairs_digest whole.json)
[ "$(field checked whole.json)" = 1000000 ] || fail "the uninterrupted run checked $(field checked whole.json) pairs"

"$check" --digits 3 --json --resume state.json > first.json &
pid=$!
sleep 2.5
kill -INT "$pid"
wait "$pid"; rc=$?
[ "$rc" = 130 ] || fail "the interrupted run exited $rc, expected 130"
first=$(field checked first.json)
[ -f state.json ] || fail "no resume file after the interrupt"
[ "$first" -gt 0 ] && [ "$first" -lt 1000000 ] || fail "the interrupted run checked $first pairs; the test needs a partial run"
[ "$(field checked state.json)" = "$first" ] || fail "the file holds $(field checked state.json) pairs, the report said $first"
[ "$(field complete state.json)" = false ] || fail "the file of an interrupted run says it is complete"

"$check" --digits 3 --json --resume state.json > second.json; rc=$?
[ "$rc" = 0 ] || fail "the resumed run exited $rc"
[ "$(field checked second.json)" = 1000000 ] || fail "the resumed total is $(field checked second.json), expected 1000000"
[ "$(field correct second.json)" = 1000000 ] || fail "the resumed run has $(field correct second.json) right"
[ "$(field resumed second.json)" = "$first" ] || fail "the resumed run took $(field resumed second.json) pairs from the file, expected $first"
[ "$(field pairs_digest second.json)" = "$whole_digest" ] || fail "pairs digest $(field pairs_digest second.json) differs from the uninterrupted run's $whole_digest: a pair was skipped or counted twice"
[ "$(field complete second.json)" = true ] || fail "the resumed run is not complete"

# A file from a different check is refused.
"$check" --digits 2 --resume state.json > /dev/null 2> err.txt; rc=$?
[ "$rc" = 2 ] && grep -q "belongs to a different check" err.txt || fail "a resume file of another check was not refused (exit $rc: $(cat err.txt))"
echo "interrupted after $first pairs, resumed to 1000000 with the uninterrupted run's digest $whole_digest"
