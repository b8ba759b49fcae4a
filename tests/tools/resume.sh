#!/usr/bin/env bash
# ctformer-check --resume loses no work: a real run over every 3-digit addition of the first
# operands 0..199 is interrupted with SIGINT, resumed from its file, and the resumed total must equal
# an uninterrupted run's — the same count and the same pairs digest (a sum of one hash per checked
# pair, which a skipped or a double-counted pair would change). The interrupt comes after a third
# of the uninterrupted run's time, so the test works at any speed (a sanitized build is 20× slower).
# Then the file's lock: one run at a time on a resume file, or a run that waits (--wait).
# usage: resume.sh path/to/ctformer-check work-directory
set -u
check=$1 work=$2
mkdir -p "$work" && cd "$work" || exit 1
rm -f state.json state.json.tmp*
field() { sed -n "s/^  \"$1\": \\([0-9a-z]*\\),\$/\\1/p" "$2"; }
fail() { echo "FAIL: $*"; exit 1; }
what=(--digits 3 --left 0..199 --threads 1 --json)
pairs=200000

start=$(date +%s.%N)
"$check" "${what[@]}" > whole.json || fail "the uninterrupted run exited $?"
third=$(echo "($(date +%s.%N) - $start) / 3" | bc -l)
whole_digest=$(field pairs_digest whole.json)
[ "$(field checked whole.json)" = $pairs ] || fail "the uninterrupted run checked $(field checked whole.json) pairs"

"$check" "${what[@]}" --resume state.json > first.json &
pid=$!
sleep "$third"
kill -INT "$pid"
wait "$pid"; rc=$?
[ "$rc" = 130 ] || fail "the interrupted run exited $rc, expected 130"
first=$(field checked first.json)
[ -f state.json ] || fail "no resume file after the interrupt"
[ "$first" -gt 0 ] && [ "$first" -lt $pairs ] || fail "the interrupted run checked $first pairs; the test needs a partial run"
[ "$(field checked state.json)" = "$first" ] || fail "the file holds $(field checked state.json) pairs, the report said $first"
[ "$(field complete state.json)" = false ] || fail "the file of an interrupted run says it is complete"

"$check" "${what[@]}" --resume state.json > second.json; rc=$?
[ "$rc" = 0 ] || fail "the resumed run exited $rc"
[ "$(field checked second.json)" = $pairs ] || fail "the resumed total is $(field checked second.json), expected $pairs"
[ "$(field correct second.json)" = $pairs ] || fail "the resumed run has $(field correct second.json) right"
[ "$(field resumed second.json)" = "$first" ] || fail "the resumed run took $(field resumed second.json) pairs from the file, expected $first"
[ "$(field pairs_digest second.json)" = "$whole_digest" ] || fail "pairs digest $(field pairs_digest second.json) differs from the uninterrupted run's $whole_digest: a pair was skipped or counted twice"
[ "$(field complete second.json)" = true ] || fail "the resumed run is not complete"

# A file from a different check is refused.
"$check" --digits 2 --resume state.json > /dev/null 2> err.txt; rc=$?
[ "$rc" = 2 ] && grep -q "belongs to a different check" err.txt || fail "a resume file of another check was not refused (exit $rc: $(cat err.txt))"
# One writer per file: a second run on a file that a run holds is refused at once, naming the
# file and the holder's process id, and the holder's work is kept; with --wait it waits for the
# holder, then resumes from what the holder saved.
# (The holder checks 5·10^6 pairs, seconds even in a fast build, so the second run finds it running.)
rm -f one.json one.json.lock
long=(--digits 4 --left 0..499 --threads 1 --json)
"$check" "${long[@]}" --resume one.json > holder.json &
holder=$!
for _ in $(seq 600); do [ -s one.json.lock ] && [ -s one.json ] && break; sleep 0.05; done
"$check" "${long[@]}" --resume one.json > /dev/null 2> err.txt; rc=$?
[ "$rc" = 2 ] && grep -q "one.json\": in use by another run (process $holder)" err.txt ||
  fail "a second run on a held resume file was not refused with the holder's pid $holder (exit $rc: $(cat err.txt))"
"$check" "${long[@]}" --resume one.json --wait > waited.json; rc=$?
wait "$holder" || fail "the holder exited $?"
[ "$rc" = 0 ] || fail "the run that waited exited $rc"
[ "$(field checked holder.json)" = 5000000 ] || fail "the holder checked $(field checked holder.json) pairs"
[ "$(field resumed waited.json)" = 5000000 ] || fail "the run that waited took $(field resumed waited.json) pairs from the file, not the holder's 5000000"
[ "$(field pairs_digest waited.json)" = "$(field pairs_digest holder.json)" ] || fail "the run that waited has another pairs digest"
"$check" --digits 3 --wait > /dev/null 2> err.txt; rc=$?
[ "$rc" = 2 ] && grep -q "give --resume FILE" err.txt || fail "--wait without --resume was taken (exit $rc)"

echo "interrupted after $first pairs, resumed to $pairs with the uninterrupted run's digest $whole_digest; a second writer refused, a waiting one resumed from the first's 5000000"
