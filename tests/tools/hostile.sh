#!/usr/bin/env bash
# The tools against a hostile user: write failures, edited and forged files, unbounded inputs,
# special files (devices, FIFOs, links) as inputs and outputs, numbers that are not whole numbers.
# Each case names the exit status it must end with (tools/common/io.hpp: 0 done, 1 wrong, 2 bad usage or
# a bad input file, 3 incomplete, 4 an output or system failure) and a pattern its message (stderr,
# then stdout) must match; some also check that a file was left as it was.
# usage: hostile.sh path/to/ctformer path/to/ctformer-check work-directory path/to/reseal
set -u
ctformer=$1 check=$2 work=$3 reseal=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
fails=0 count=0
table=()

# run CODE REGEX COMMAND...: COMMAND runs in bash (so it may redirect or set limits).
run() {
  local code=$1 regex=$2 cmd=$3 out rc
  out=$(timeout 900 bash -c "$cmd" 2>&1); rc=$?
  count=$((count + 1))
  table+=("$rc  $cmd")
  if [ "$rc" -ne "$code" ]; then
    echo "FAIL: [$cmd] exited $rc, expected $code: $out"; fails=$((fails + 1))
  elif [ -n "$regex" ] && ! grep -Eq -- "$regex" <<< "$out"; then
    echo "FAIL: [$cmd]: the message does not match /$regex/: $out"; fails=$((fails + 1))
  fi
}
# same FILE SUM: the file still has the checksum SUM.
same() {
  if [ "$(cksum < "$1")" != "$2" ]; then echo "FAIL: $1 was changed"; fails=$((fails + 1)); fi
}
# edit FROM TO PYTHON-EXPRESSION: TO is FROM's JSON with the expression applied to it as `j`.
edit() {
  python3 -c "import json,sys; j=json.load(open(sys.argv[1])); $3; json.dump(j, open(sys.argv[2],'w'))" "$1" "$2"
}
# forge FROM TO PYTHON-EXPRESSION: as edit, then the seal recomputed (tests/tools/reseal.cpp), as a
# forger who has the code would: what the seal cannot stop, the checks behind it must
forge() { edit "$1" "$2" "$3" && "$reseal" "$2"; }
C="'$check'" T="'$ctformer'"
# AddressSanitizer (linked either way) reserves terabytes of address space: no ulimit -v under it
sanitized=0
grep -qa __asan_init "$check" && sanitized=1

# --- the files the cases start from ----------------------------------------------------------
"$check" --digits 2 --json > whole2.json || exit 1
"$check" --digits 2 --json --shard 1/3 > part1.json && "$check" --digits 2 --json --shard 2/3 > part2.json &&
  "$check" --digits 2 --json --shard 3/3 > part3.json || exit 1
"$check" --digits 1 --json --shard 1/3 > d1part1.json || exit 1
# a resume file of a partial run of every 3-digit addition, written by the checker itself (an
# interrupted run); the cases below edit copies of it
# (interrupted a moment after its first save, which comes before any work; the interrupt's save
# keeps the blocks done by then. The moment doubles until that holds some work, so a fast build
# cannot finish first and a slow one, a sanitized one included, gets the time it needs.)
for delay in 0.2 0.4 0.8 1.6 3.2 6.4 12.8; do
  rm -f partial.json
  "$check" --digits 3 --threads 1 --json --resume partial.json > /dev/null &
  pid=$!
  for _ in $(seq 600); do [ -s partial.json ] && break; sleep 0.1; done
  sleep "$delay"
  kill -INT $pid 2> /dev/null; wait $pid
  python3 -c "import json,sys; sys.exit(0 if json.load(open('partial.json'))['checked'] > 0 else 1)" 2> /dev/null && break
done
[ -f partial.json ] || { echo "FAIL: no resume file to start from"; exit 1; }
python3 -c "import json; j=json.load(open('partial.json')); assert 0 < j['checked'] < 10**6, j['checked']" || exit 1

# --- 1. write failures -----------------------------------------------------------------------
run 4 "cannot write the output to stdout: No space left" "$T add 0999+0111= > /dev/full"
run 4 "cannot write.*No space left" "$T trace 0999+0111= > /dev/full"
run 4 "cannot write.*No space left" "$T export --json > /dev/full"
run 4 "cannot write the output to stdout: Bad file descriptor" "$T add 0999+0111= >&-"
run 4 "cannot write.*No space left" "$T prove --digits 3 > /dev/full"
run 2 "" "$T add 0999-0111= 2>&-"            # the message cannot be written; the status stays 2
run 4 "cannot write the output to stdout: No space left" "$C --digits 1 > /dev/full"
run 4 "cannot write.*No space left" "$C --digits 1 --json > /dev/full"
run 4 "cannot write the output to stdout: Bad file descriptor" "$C --digits 1 >&-"
run 0 "" "$C --digits 2 2>&-"                # a progress line that cannot be written stops nothing
run 2 "" "$C --digits 17 2>&-"
run 4 "cannot write .*/no/such/dir/state.json.*No such file" "$C --digits 3 --resume $work/no/such/dir/state.json"
run 2 "--resume: \".*\": is a directory, not a regular file" "$C --digits 1 --resume $work"
run 4 "cannot create the directory /dev/null/x" "$T plot 0999+0111= -o /dev/null/x"
run 4 "cannot (create the directory|write) .*/dev/null/walk" "$T explain 0999+0111= -o /dev/null/walk/w.html"
# a file size limit (ulimit -f) stands in for a full disk: writes fail with EFBIG
cp partial.json limited.json; sum=$(cksum < limited.json)
run 4 "cannot write .*limited.json.*File too large; the file is left as it was" "ulimit -f 0; $C --digits 3 --resume limited.json"
same limited.json "$sum"
echo old > page.html; sum=$(cksum < page.html)
run 4 "cannot write .*page.html.*File too large" "ulimit -f 0; $T explain 0999+0111= -o page.html"
same page.html "$sum"
run 4 "cannot write .*File too large" "ulimit -f 0; $T plot 0999+0111= -o pictures"
run 4 "cannot write the output to stdout: File too large" "ulimit -f 0; $C --digits 1 --json > report.json"
# a real full disk, where this machine lets the test mount a small tmpfs
mkdir -p small
if mount -t tmpfs -o size=16k tmpfs small 2> /dev/null; then
  cp partial.json small/state.json && sum=$(cksum < small/state.json)
  head -c 12000 /dev/zero > small/filler 2> /dev/null  # the disk is nearly full: the next save cannot fit
  run 4 "cannot write .*state.json.*No space left on device; the file is left as it was" "$C --digits 3 --resume small/state.json"
  same small/state.json "$sum"
  run 4 "cannot write the output to stdout: No space left" "$C --digits 2 --json > small/report.json"
  umount small
else
  echo "note: cannot mount a tmpfs here; the full-disk cases ran under ulimit -f only"
fi

# --- 2. files that are not trusted -----------------------------------------------------------
# every field is sealed: an edit that does not recompute the seal is refused, naming the field
edit partial.json s1.json "j['records'][-1]['blocks'][1] += 1"
run 2 "\"records\": edited after the file was written" "$C --digits 3 --resume s1.json"
edit partial.json s2.json "j['digits'] = 4"
run 2 "\"digits\": edited after the file was written" "$C --digits 4 --resume s2.json"
edit partial.json s3.json "j['margins']['logit_gap'] = 0.001"
run 2 "\"margins\": edited after the file was written" "$C --digits 3 --resume s3.json"
edit partial.json s4.json "del j['seal']['failures']"
run 2 "\"failures\": not in the file's seal" "$C --digits 3 --resume s4.json"
edit partial.json s5.json "del j['max_failures']"
run 2 "\"max_failures\": sealed but missing" "$C --digits 3 --resume s5.json"
sum=$(cksum < s2.json); same s2.json "$sum"
# sealed again, a forgery meets the checks behind the seal: counts re-derived from the records…
forge partial.json r1.json "j['records'][-1]['blocks'][1] += 1"
run 2 "\"records\": blocks .* pairs checked, but its blocks hold" "$C --digits 3 --resume r1.json"
forge partial.json r2.json "j['records'] = [dict(j['records'][0], blocks=[0, 300])]"
run 2 "\"records\": \[0, 300\] is not a range of the 245 blocks" "$C --digits 3 --resume r2.json"
forge partial.json r3.json "j['records'] = [j['records'][0], j['records'][0]]"
run 2 "are not after .*: records are sorted, apart" "$C --digits 3 --resume r3.json"
forge partial.json r4.json "j['pairs_digest'] = (j['pairs_digest'] + 1) % 2**64"
run 2 "\"pairs_digest\": .* is not the sum of its records' digests" "$C --digits 3 --resume r4.json"
forge partial.json r5.json "rec = j['records'][0]; rec['correct'] -= 1; j['correct'] -= 1; j['wrong'] += 1; rec['failures'] = [{'prompt': '000+002=', 'expected': '2000\\n', 'got': '4000\\n'}]; j['failures'] = rec['failures']"
run 2 "000\+002= expected 2000.*the network generates 2000" "$C --digits 3 --resume r5.json"
forge partial.json r5b.json "rec = j['records'][0]; rec['correct'] -= 7; j['correct'] -= 7; j['wrong'] += 7"
run 2 "7 wrong, but none listed" "$C --digits 3 --resume r5b.json"
forge partial.json r5c.json "j['margins']['logit_gap'] = 0.001"
run 2 "\"margins\": .* are not the smallest of its records'" "$C --digits 3 --resume r5c.json"
head -c 200 partial.json > r6.json
run 2 "not a ctformer-check resume file" "$C --digits 3 --resume r6.json"
: > r7.json
run 2 "not a ctformer-check resume file" "$C --digits 3 --resume r7.json"
forge partial.json r9.json "j['digits'] = 17"
run 2 "\"digits\": 17 is not a digit count the tools take" "$C --digits 3 --resume r9.json"
forge partial.json r10.json "j['wrong'] = 5"
run 2 "\"wrong\": 5, but checked − correct is 0" "$C --digits 3 --resume r10.json"
forge partial.json r11.json "j['block'] = 100"
run 2 "pairs checked, but its blocks hold" "$C --digits 3 --resume r11.json"
forge partial.json r12.json "j['program'] = 'subtract'"
run 2 "\"program\": \"subtract\" is not a program" "$C --digits 3 --resume r12.json"
# D relabelled (3 to 4) and sealed again: the 4-digit check is another check
forge partial.json r13.json "j['digits'] = 4"
run 2 "belongs to a different check" "$C --digits 4 --resume r13.json"
run 2 "belongs to a different check" "$C --digits 3 --left 0..5 --resume partial.json"
# …and a sample of the blocks the file claims, checked again: margins larger than the network's
forge partial.json r14.json "[r['margins'].update(logit_gap=1e6) for r in j['records']]; j['margins']['logit_gap'] = 1e6"
run 2 "\"records\": block .* \(checked again\): its smallest logit_gap is .*, but its record claims at least 1000000" "$C --digits 3 --resume r14.json"
# a complete report resumes as what it is (nothing left to do); a merge is no one shard's file
cp whole2.json r8.json
run 0 "checked 10000 of 10000: 10000 right" "$C --digits 2 --resume r8.json"
forge part3.json m1.json "j['shard'] = [5, 3]"
run 2 "\"shard\": \[5, 3\] is not a shard" "$C --merge part1.json part2.json m1.json"
forge part3.json m2.json "j['mode'] = 'everything'"
run 2 "\"mode\": \"everything\" is neither" "$C --merge part1.json part2.json m2.json"
edit part3.json m3s.json "j['digits'] = 17"
run 2 "--merge \"m3s.json\": not a ctformer-check report: \"digits\": edited after" "$C --merge part1.json part2.json m3s.json"
forge part3.json m3.json "j['digits'] = 17"
run 2 "\"digits\": 17 is not a digit count" "$C --merge part1.json part2.json m3.json"
run 3 "merged from 2 of 3 shards|INCOMPLETE" "$C --merge part1.json part2.json"
run 2 "shard 2/3 appears twice" "$C --merge part1.json part2.json part2.json"
run 2 "a part of a different check" "$C --merge part1.json d1part1.json"
forge part3.json m4.json "j['pairs_digest'] = 12345"
run 2 "\"pairs_digest\": 12345 is not the sum of its records' digests" "$C --merge part1.json part2.json m4.json"
forge part3.json m4b.json "j['records'][0]['pairs_digest'] = 12345; j['pairs_digest'] = 12345"
run 2 "\"records\": blocks .* \(all checked again\): its record says .* with digest 12345" "$C --merge part1.json part2.json m4b.json"
forge part3.json m5.json "j['total'] += 10; j['checked'] += 10; j['correct'] += 10"
run 2 "\"total\": .* but this check's share is" "$C --merge part1.json part2.json m5.json"
forge part3.json m6.json "rec = j['records'][0]; rec['correct'] -= 1; j['correct'] -= 1; j['wrong'] += 1; rec['failures'] = [{'prompt': '99+99=', 'expected': '891\\n', 'got': '881\\n'}]; j['failures'] = rec['failures']"
run 2 "\"records\": .*99\+99= .*the network generates 891" "$C --merge part1.json part2.json m6.json"
# margins smaller than the network's, in every record, sealed again: a part of 16 blocks or fewer
# is checked again whole, and its records must be exactly what the network gives
forge part3.json m8.json "[r['margins'].update(logit_gap=0.001) for r in j['records']]; j['margins']['logit_gap'] = 0.001"
run 2 "\"records\": blocks .* \(all checked again\): its record's margins are" "$C --merge part1.json part2.json m8.json"
sed 's/"mode": "range"/"mode": "r\\u00zz"/' part3.json > m7.json
run 2 "not a ctformer-check report: .*(escape|\\\\u)" "$C --merge part1.json part2.json m7.json"
run 0 "checked 10000 of 10000: 10000 right" "$C --merge part1.json part2.json part3.json"
# merges merge: parts that are merges themselves, complete when they cover every shard
for k in 1 2 3 4; do "$check" --digits 2 --shard $k/4 --json > q$k.json || exit 1; done
"$check" --merge q1.json q2.json --json > q12.json 2> /dev/null; "$check" --merge q3.json q4.json --json > q34.json 2> /dev/null
run 0 "checked 10000 of 10000: 10000 right" "$C --merge q12.json q34.json"
run 3 "merged from 3 of 4 shards \(missing 4/4\)" "$C --merge q12.json q3.json"
run 3 "incomplete: checked 7500 of 10000 pairs; missing shards 4/4" "$C --merge q12.json q3.json 2>&1 > /dev/null"
run 2 "shard 2/4 appears twice" "$C --merge q12.json q2.json q34.json"
forge q12.json q12f.json "j['pairs_digest'] = 12345"
run 2 "\"pairs_digest\": 12345 is not the sum of its records' digests" "$C --merge q12f.json q34.json"
cp q12.json q12r.json
run 2 "belongs to a different check" "$C --digits 2 --shard 1/4 --resume q12r.json"

# --- 3. resources: inputs are bounded, every digit count can be resumed ----------------------
run 2 "--merge: \"/dev/zero\": is a character device, not a regular file" "$C --merge /dev/zero"
run 2 "--resume: \"/dev/zero\": is a character device, not a regular file" "$C --digits 2 --resume /dev/zero"
run 2 "is a directory, not a regular file" "$C --merge $work"
head -c $((65 << 20)) /dev/zero | tr '\0' ' ' > big.json
run 2 "larger than 64 MiB" "$C --merge big.json"
rm -f big.json
if [ "$sanitized" = 1 ]; then
  echo "note: a sanitized build; the ulimit -v cases are left out"
else
  run 4 "cannot start worker thread" "ulimit -v 400000; $C --digits 2 --threads 1000"
  python3 -c "print('[' + '1,' * 30000000 + '1]')" > numbers.json   # 60 MB: under the cap, over the memory limit
  run 4 "out of memory" "ulimit -v 150000; $C --merge numbers.json"
  rm -f numbers.json
fi
# a check of 10^16 pairs starts, saves a resume file of a few hundred bytes and resumes
"$check" --digits 8 --resume d8.json > /dev/null 2>&1 &
pid=$!; sleep 2; kill -INT $pid; wait $pid; rc=$?
count=$((count + 1)); table+=("$rc  ctformer-check --digits 8 --resume d8.json (SIGINT after 2 s)")
size=$(stat -c %s d8.json 2> /dev/null || echo 0)
if [ "$rc" -ne 130 ] || [ "$size" -eq 0 ] || [ "$size" -gt 4000 ]; then
  echo "FAIL: the 8-digit check with --resume exited $rc and left a file of $size bytes"; fails=$((fails + 1))
fi
run 130 "" "timeout --preserve-status -s INT 2 $C --digits 8 --resume d8.json"
python3 -c "import json; j=json.load(open('d8.json')); assert j['checked'] > 0 and j['complete'] is False" ||
  { echo "FAIL: the resumed 8-digit file holds no work"; fails=$((fails + 1)); }
# a forged file that claims 2^52 pairs done: recomputing their digest would take days; SIGTERM ends it
# a forged file that claims 2^52 pairs done (sealed again, its counts made to agree, margins of 0
# that no block can undercut): reading it costs its size and a sample of 16 blocks, not the work it
# claims, and the run goes on from there
forge d8.json forged8.json "r = j['records'][0]; r['blocks'] = [0, 2**40 - 1]; r['checked'] = r['correct'] = 2**52; r['margins'] = dict.fromkeys(r['margins'], 0); j['records'] = [r]; j['checked'] = j['correct'] = 2**52; j['pairs_digest'] = r['pairs_digest']; j['margins'] = r['margins']"
# (the run saves the file once it has read it, before any work, with "resumed" the pairs it read:
# watched for, up to 60 s)
"$check" --digits 8 --resume forged8.json > /dev/null 2>&1 &
pid=$! t0=$SECONDS
for _ in $(seq 300); do
  python3 -c "import json,sys; sys.exit(0 if json.load(open('forged8.json'))['resumed'] == 2**52 else 1)" 2> /dev/null && break
  sleep 0.2
done
read_s=$((SECONDS - t0))
kill -INT $pid; wait $pid; rc=$?
count=$((count + 1)); table+=("$rc  ctformer-check --digits 8 --resume forged8.json (2^52 pairs claimed: read in ${read_s} s)")
if [ "$rc" -ne 130 ] || [ "$read_s" -ge 60 ]; then
  echo "FAIL: the forged 8-digit file: exit $rc, read in $read_s s"; fails=$((fails + 1))
fi

# --- 4. nothing accepted silently ------------------------------------------------------------
run 2 "--left: the value is empty" "$C --left ''"
run 2 "--resume: the value is empty" "$C --digits 1 --resume ''"
run 2 "--shard: the value is empty" "$C --shard ''"
run 2 "--merge: a file name is empty" "$C --merge ''"
run 2 "takes no --digits" "$C --merge part1.json part2.json part3.json --digits 2"
run 2 "takes no --threads" "$C --merge part1.json part2.json part3.json --threads 2"
run 2 "operands have 17 digits; the tools take 1 to 16" "$T add 12345678901234567+12345678901234567="

# --- 5. special files: nothing but a regular file is read as a report or replaced --------------
mkfifo fifo
ln -s /proc/self/fd/1 to_stdout
ln -s no_such_target dangling
ln -s loop loop
# kind NAME TEST: the special file NAME is still what `test TEST NAME` says
kind() { if ! test "$2" "$1"; then echo "FAIL: $1 was replaced"; fails=$((fails + 1)); fi; }
if mknod chardev c 1 3 2> /dev/null; then  # a device of our own (as /dev/null): root only
  run 2 "--output: \"chardev\": is a character device, not a regular file" "$T explain 0999+0111= -o chardev"
  kind chardev -c
  run 2 "--resume: \"chardev\": is a character device" "$C --digits 1 --resume chardev"
  kind chardev -c
else
  echo "note: cannot make a device node here; the device cases ran with /dev/zero only"
fi
run 2 "--output: \"fifo\": is a FIFO, not a regular file" "$T explain 0999+0111= -o fifo"
kind fifo -p
run 2 "--output: \"to_stdout\": is a symbolic link, not a regular file" "$T explain 0999+0111= -o to_stdout"
kind to_stdout -L
# a FIFO is refused at once, not waited on (timeout: a hang exits 124)
run 2 "--resume: \"fifo\": is a FIFO, not a regular file" "timeout 20 $C --digits 1 --resume fifo"
run 2 "--merge: \"fifo\": is a FIFO, not a regular file" "timeout 20 $C --merge fifo"
kind fifo -p
run 2 "--resume: \"dangling\": is a symbolic link" "$C --digits 1 --resume dangling"
kind dangling -L
run 2 "--resume: \"loop\": is a symbolic link" "$C --digits 1 --resume loop"
kind loop -L
run 2 "--output: the value is empty" "$T plot 0999+0111= -o ''"
run 2 "--output: the value is empty" "$T explain 0999+0111= -o ''"

# --- 6. numbers are whole numbers; a message shows what it quotes, briefly --------------------
run 2 "--digits: \"-18446744073709551612\" is not a whole number" "$C --digits -18446744073709551612"
run 2 "--sample: \"-18446744073709551615\" is not a whole number" "$C --digits 2 --sample -18446744073709551615"
run 2 "--rng-seed: \"18446744073709551616\" is larger than 18446744073709551615" "$C --digits 2 --sample 5 --rng-seed 18446744073709551616"
run 2 "--rng-seed: \"-1\" is not a whole number" "$C --digits 2 --sample 5 --rng-seed -1"
run 2 "--rng-seed: \"1e26\" is not a whole number" "$C --digits 2 --sample 5 --rng-seed 1e26"
run 2 "--threads: \"-2\" is not a whole number" "$C --digits 2 --threads -2"
run 2 "--tokens: \"-1\" is not a whole number" "$T add 0999+0111= --tokens -1"
run 2 "--digits: \"\+4\" is not a whole number" "$T bounds --digits +4"
sed 's/"checked": [0-9]*/"checked": 1e309/' part3.json > n1.json
run 2 "n1.json\": not a ctformer-check report: number overflow parsing '1e309'" "$C --merge part1.json part2.json n1.json"
printf '{"digits": 2}\0{"garbage": 1}' > n2.json
run 2 "n2.json\": not a ctformer-check report: byte 14 is a NUL byte" "$C --merge n2.json"
python3 -c "print('[' * 1000000 + ']' * 1000000)" > n3.json
# (under a memory limit where one can be set: the depth is refused before the nesting costs memory)
limit="ulimit -v 400000;"
[ "$sanitized" = 1 ] && limit=""
run 2 "n3.json\": not a ctformer-check report: nested more than 64 levels deep" "$limit $C --merge n3.json"
forge part3.json n4.json "j['mode'] = 'r\x00\x1b[31m'"
run 2 '"mode": "r\\x00\\x1b\[31m" is neither' "$C --merge part1.json part2.json n4.json"
python3 -c "print('{\"a\": ' + '1' * (60 << 20) + 'x}')" > n5.json  # one token of 60 MB
run 2 "n5.json\": not a ctformer-check report: .*characters in all" "$C --merge n5.json"
size=$("$check" --merge n5.json 2>&1 | wc -c)
count=$((count + 1)); table+=("2  ctformer-check --merge n5.json (a 60 MB token: the message is $size bytes)")
[ "$size" -lt 1000 ] || { echo "FAIL: a 60 MB token gives a message of $size bytes"; fails=$((fails + 1)); }
rm -f n3.json n5.json
# an incomplete or interrupted check says so on stderr, not only in its report
run 3 "ctformer-check: incomplete: checked 6667 of 10000 pairs" "$C --merge part1.json part2.json 2>&1 > /dev/null"
run 130 "ctformer-check: interrupted: checked [0-9]+ of" "timeout --preserve-status -s INT 2 $C --digits 8 2>&1 > /dev/null"
# resumed, the run first checks a sample of the file's blocks again: an interrupt there says which
# block it stopped in (a sanitized build on a busy machine can take the 2 s on the sample alone)
run 130 "ctformer-check: interrupted(: checked [0-9]+ of| while checking block [0-9]+ of shard 1/1 \\(checked again\\))" \
  "timeout --preserve-status -s INT 2 $C --digits 8 --resume d8.json 2>&1 > /dev/null"

echo "exit status and command of each case:"
printf '  %s\n' "${table[@]}"
echo "$count hostile cases, $((count - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
