#!/usr/bin/env bash
# ctformer-check-mpi over 3 ranks (mpirun --oversubscribe -np 3: more ranks than this machine's 2
# cores, so ranks are slow and fast by turns) against the single-process ctformer-check:
#   1. every 3-digit addition: the same report, field for field (but the time and the rate), with
#      one thread a rank and with two;
#   2. a sample of 8-digit additions: the same;
#   3. an interrupt (SIGINT to every rank) of a --resume run: exit status 130, an incomplete report
#      that agrees with its file; the resumed run then equals the uninterrupted single-process one;
#   4. a worker rank killed (SIGKILL) after the file's first periodic save: mpirun ends the job and
#      names the rank; the resumed run equals the single-process one (nothing lost, nothing twice);
#   5. bad usage: exit status 2 and the message, from rank 0 alone.
# usage: mpi.sh path/to/ctformer-check path/to/ctformer-check-mpi path/to/mpiexec work-directory
set -u
check=$1 mpi=$2 mpiexec=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
# Open MPI refuses root unless told (CI runs as root in a container); no CMA between ranks there.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
# Under AddressSanitizer LeakSanitizer finds Open MPI's own allocations that it
# never frees (hwloc, the MCA components it unloads), so the ranks run without leak detection; the
# sweep they share with ctformer-check is leak-checked in that program's tests.
ranks=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$mpiexec" --oversubscribe -np 3 "$mpi")
# (an array, not a function, and env execs mpirun: $! is then mpirun's PID)
# same A B: the two reports agree on every field but elapsed_s, rate_per_s and the seal over them (and, with a third
# argument, resumed: a resumed run took some pairs from its file).
same() {
  python3 - "$@" <<'EOF' || exit 1
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
skip = {"elapsed_s", "rate_per_s", "seal"} | ({"resumed"} if len(sys.argv) > 3 else set())
diff = [k for k in sorted(set(a) | set(b)) if k not in skip and a.get(k) != b.get(k)]
if diff:
    sys.exit("FAIL: %s and %s differ in %s: %s" % (sys.argv[1], sys.argv[2], diff, [(a.get(k), b.get(k)) for k in diff]))
EOF
}
# field NAME FILE
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[2]))[sys.argv[1]])" "$1" "$2"; }
# saved FILE: the --resume file exists and holds finished work
saved() { [ -f "$1" ] && [ "$(field checked "$1" 2> /dev/null)" != 0 ]; }
# rank_pid MPIRUN-PID K: the process of rank K
rank_pid() {
  local p
  for p in $(pgrep -P "$1"); do
    tr '\0' '\n' < /proc/"$p"/environ 2> /dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2" && { echo "$p"; return; }
  done
}

echo "1. every 3-digit addition"
"$check" --digits 3 --json > single3.json || fail "ctformer-check --digits 3 exited $?"
"${ranks[@]}" --digits 3 --json > mpi3.json || fail "ctformer-check-mpi --digits 3 exited $?"
same single3.json mpi3.json
[ "$(field checked mpi3.json)" = 1000000 ] || fail "the 3-ranks run checked $(field checked mpi3.json) pairs"
# two threads a rank: each thread of a worker rank has its own run of blocks and its own replies
"${ranks[@]}" --digits 3 --threads 2 --json > mpi3j2.json || fail "ctformer-check-mpi --digits 3 --threads 2 exited $?"
same single3.json mpi3j2.json

echo "2. a sample of 8-digit additions"
"$check" --digits 8 --sample 30000 --rng-seed 5 --json > single8.json || fail "ctformer-check --sample exited $?"
"${ranks[@]}" --digits 8 --sample 30000 --rng-seed 5 --json > mpi8.json || fail "ctformer-check-mpi --sample exited $?"
same single8.json mpi8.json

echo "3. SIGINT to every rank of a --resume run, then the resumed run"
what=(--digits 4 --left 0..2999 --json)  # 3·10^7 pairs: about 12 s on 2 cores, so that the interrupt finds the run going
"$check" "${what[@]}" > single4.json || fail "ctformer-check ${what[*]} exited $?"
"${ranks[@]}" "${what[@]}" --resume int.state > int1.json 2> int1.err &
run=$!
for _ in $(seq 1 600); do saved int.state && break; sleep 0.05; kill -0 $run 2> /dev/null || break; done
sleep 0.5
kill -INT $(pgrep -P $run) 2> /dev/null
wait $run; rc=$?
[ "$rc" = 130 ] || fail "the interrupted run exited $rc, expected 130: $(cat int1.err)"
[ "$(field complete int1.json)" = False ] || fail "the interrupted run's report says it is complete"
n=$(field checked int1.json)
[ "$n" -gt 0 ] && [ "$n" -lt 30000000 ] || fail "the interrupted run checked $n pairs; the test needs a partial run"
[ "$(field checked int.state)" = "$n" ] || fail "the file holds $(field checked int.state) pairs, the report said $n"
"${ranks[@]}" "${what[@]}" --resume int.state > int2.json || fail "the resumed run exited $?"
same single4.json int2.json resumed
[ "$(field resumed int2.json)" = "$n" ] || fail "the resumed run took $(field resumed int2.json) pairs from the file, expected $n"

echo "4. SIGKILL to rank 1 after the first periodic save, then the resumed run"
"${ranks[@]}" "${what[@]}" --resume kill.state > kill1.json 2> kill1.err &
run=$!
for _ in $(seq 1 600); do saved kill.state && break; sleep 0.05; done
saved kill.state || fail "no periodic save within 30 s"
victim=$(rank_pid $run 1)
[ -n "$victim" ] || fail "rank 1 not found among mpirun's children"
kill -KILL "$victim"
wait $run; rc=$?
[ "$rc" != 0 ] || fail "the job with a killed rank exited 0"
grep -q "rank 1" kill1.err || fail "mpirun does not name the killed rank: $(cat kill1.err)"
"${ranks[@]}" "${what[@]}" --resume kill.state > kill2.json || fail "the run resumed after the kill exited $?"
same single4.json kill2.json resumed

echo "5. bad usage"
"${ranks[@]}" --digits 3 --left 5 > usage.out 2> usage.err; rc=$?
[ "$rc" = 2 ] || fail "--left 5 exited $rc, expected 2"
[ "$(grep -c -- '--left "5"' usage.err)" = 1 ] || fail "the message of --left 5 is not there once: $(cat usage.err)"
echo '{' > broken.state
"${ranks[@]}" --digits 3 --resume broken.state > /dev/null 2> broken.err; rc=$?
[ "$rc" = 2 ] || fail "a broken --resume file exited $rc, expected 2"
grep -q 'broken.state' broken.err || fail "the message does not name the file: $(cat broken.err)"
echo "all MPI cases passed"
