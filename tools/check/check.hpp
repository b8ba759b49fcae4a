// tools/check/check.hpp — the parts of ctformer-check (tools/check/ctformer_check.cpp): the options' own
// syntax, the sweep over the pairs on threads, the --resume file, the merge of shards' reports,
// the report in words.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <ctformer/check/check.hpp>
#include <ctformer/ctformer.hpp>

#include "common/io.hpp"
#include "report.hpp"

namespace ctformer::tools::check {

/// Bad usage or a bad input file: exit status 2, with the message.
using usage_error = input_error;

// --- options (options.cpp) -------------------------------------------------------------------

/// "A..B" (inclusive) within [0, limit); `option` names it in the error.
std::pair<std::uint64_t, std::uint64_t> parse_range(std::string const& text, std::uint64_t limit, char const* option);

/// "K/N" with 1 ≤ K ≤ N; returned 0-based.
std::pair<std::uint64_t, std::uint64_t> parse_shard(std::string const& text);

// --- the pairs of a check (sweep.cpp) --------------------------------------------------------

/// The pairs of a check are numbered: row-major over the two ranges, or the sample's draws.
/// The number of pairs in the whole check (every shard); only for a check whose count fits.
std::uint64_t pair_count(report const& r);

/// The shards a merge lacks, as "K/N, …" (empty for a report that is not a merge or lacks none).
std::string missing_shards(report const& r);

/// Whether the number of pairs fits the 64 bits the checker counts in (a range check of more than
/// 9-digit operands may not: every pair of 10-digit operands is 10^20).
bool pair_count_fits(report const& r);

/// Pair number i of the check.
std::pair<std::uint64_t, std::uint64_t> pair_at(report const& r, std::uint64_t i);

/// The numbers [begin, end) of the pairs shard k of the check holds.
std::pair<std::uint64_t, std::uint64_t> shard_span(report const& r, std::uint64_t k);

/// Σ pair_hash over the pairs numbered [i0, i1), as report::pairs_digest counts them. Once
/// catch_stop_signals() has run, SIGINT or SIGTERM ends it within about 2^20 pairs: it throws
/// interrupted_error (a file that claims 10^16 pairs would otherwise keep it busy for days).
std::uint64_t digest_of(report const& r, std::uint64_t i0, std::uint64_t i1);

/// What the report's program generates for a and b, as the checker records a failure; and
/// whether that is the right answer.
std::pair<failure, bool> recheck(report const& r, std::uint64_t a, std::uint64_t b);

/// The pair (a, b) of a failure's prompt; throws usage_error naming `where` unless it is a
/// prompt of the report's program for its digit count.
std::pair<std::uint64_t, std::uint64_t> parse_failure_pair(failure const& f, report const& r, std::string const& where);

/// Whether (a, b) is one of the pairs numbered [i0, i1) (a sample: one of the ranges' pairs).
bool pair_in(report const& r, std::uint64_t a, std::uint64_t b, std::uint64_t i0, std::uint64_t i1);

// --- the sweep (sweep.cpp) -------------------------------------------------------------------

/// What a set of checked pairs found; merged by sum (counts, digest) and min (margins).
struct tally {
    std::uint64_t checked = 0, right = 0, digest = 0;
    std::vector<failure> failures;
    margins margin{};
    std::uint64_t wrong() const { return checked - right; }
    void merge(tally const& o, std::size_t max_failures);
};

/// A tally's margins as a report writes them, and back (a margin not measured yet is 1e30).
margin_values values_of(margins const& m);
margins margins_of(margin_values const& v);

// --- the blocks done (records.cpp) -------------------------------------------------------------

/// The whole blocks of one shard that are done, as sorted, disjoint, non-adjacent runs [first,
/// last], each with what its pairs found: the finished work of a check, in proportion to how
/// scattered it is, not to the size of the check. A report's records are these runs.
class record_set {
public:
    using range = std::pair<std::uint64_t, std::uint64_t>;
    struct run {
        std::uint64_t first = 0, last = 0;
        tally found;
    };
    explicit record_set(std::size_t max_failures = 20) : max_failures_(max_failures) {}
    /// Block b, done, with what it found; it joins the runs beside it.
    void insert(std::uint64_t b, tally const& found);
    /// A run read from a file (after verify_report): its blocks are none of those held yet.
    void insert_run(std::uint64_t first, std::uint64_t last, tally const& found);
    bool contains(std::uint64_t b) const;
    std::uint64_t size() const;  ///< blocks held
    std::vector<run> const& runs() const { return runs_; }
    /// The blocks of [0, blocks) not held, as ranges.
    std::vector<range> complement(std::uint64_t blocks) const;
    /// What every run found, merged in order.
    tally total() const;
    /// The runs as a report's records of shard `shard`.
    std::vector<block_record> records(std::uint64_t shard) const;

private:
    std::size_t max_failures_;
    std::vector<run> runs_;
};

/// A report's record as a run's tally.
tally tally_of(block_record const& b);

/// A report's counts, digest, margins and failures: what `all` found.
void report_totals(report& r, tally const& all);

/// Fills in a report's counts, digest, margins, failures and records from what its shard's done
/// blocks found (the report's own shard, blocks of r.block pairs, r.max_failures).
void report_records(report& r, record_set const& done);

/// How many blocks a resume or a merge checks again, drawn at random from those a file claims.
inline constexpr std::uint64_t sampled_blocks = 16;

/// Checks `sampled_blocks` blocks drawn at random (without replacement, from an unpredictable
/// seed) from those the report's records claim: the network is run on each block's pairs, and
/// what it finds must agree with the block's record — no more wrong answers than the record
/// counts, each one listed where the record lists them all, margins no smaller than the record's;
/// and a record whose blocks were all drawn must be exactly what they found (counts, digest,
/// margins). Throws usage_error naming `where`, the shard and the block. A report whose records
/// overstate a fraction f of their blocks (fewer wrong answers, or larger margins, than the
/// network gives there) passes with probability at most (1 − f)^16; one of 16 blocks or fewer is
/// checked again whole.
void recheck_sample(report const& r, std::string const& where);

/// Checks the pairs numbered [i0, i1) of the check `r` describes into `out`.
using pairs_checker = void (*)(report const& r, std::uint64_t i0, std::uint64_t i1, std::size_t max_failures, tally& out);

/// What the checker runs for a D-digit program, compiled once per program (check/pairs.hpp: the
/// digit count is the report's, given at run time).
struct check_ops {
    pairs_checker check_pairs = nullptr;
    std::pair<failure, bool> (*recheck)(std::size_t digits, std::uint64_t a, std::uint64_t b) = nullptr;
    char operation = '+';  ///< the program's operation, as its prompts write it
    std::size_t second_digits = 0;  ///< the second operand's digits: D, or 1 (multiplication by a digit)
    std::string_view noun = "addition";  ///< what one of its prompts is called (the program's noun)
};

/// What a program's prompts are called in messages: "additions", "subtractions", "multiplications".
std::string prompts_noun(std::string_view program);

/// The operations of `program` ("add", "sub", "mul") for `digits` digits (check/walk_*.cpp); throws
/// std::invalid_argument for another program or outside [1, 16].
check_ops const& check_ops_for(std::string_view program, std::size_t digits);
/// Program P's (check/pairs.hpp, instantiated in check/walk_add.cpp, walk_sub.cpp, walk_mul.cpp).
template <program P>
check_ops const& program_check_ops(std::size_t digits);
extern template check_ops const& program_check_ops<addition>(std::size_t);
extern template check_ops const& program_check_ops<subtraction>(std::size_t);
extern template check_ops const& program_check_ops<multiplication>(std::size_t);

/// A run of a check's pairs handed out as one unit of work: block `id`, pairs numbered [i0, i1).
struct block_job {
    std::uint64_t id = 0, i0 = 0, i1 = 0;
};

/// A sweep as other processes see it (ctformer-check-mpi's worker ranks): they take blocks from
/// the same queue as the sweep's own threads, and hand back what they found.
class block_source {
public:
    /// The next block still to do for `worker` (a number that stands for one thread: the sweep's
    /// own threads are 0..threads-1, thread j of rank k is k·2^32 + j), the next of the run of
    /// neighbouring blocks it is given (block_queue); none when every block is handed out or the
    /// sweep is stopping.
    virtual std::optional<block_job> next_block(std::uint64_t worker) = 0;
    /// What another process found in a block it was handed: all of its pairs when `whole`, else
    /// the first `found.checked` (it was interrupted). A --resume file keeps whole blocks only.
    virtual void block_done(block_job const& job, tally const& found, bool whole) = 0;
    /// Another process failed: the sweep stops, and sweep() throws `e`.
    virtual void remote_failure(std::exception_ptr e) = 0;

protected:
    ~block_source() = default;
};

/// Serves a sweep's blocks to other processes. sweep() runs serve() on a thread of its own beside
/// its workers and joins it before it reports: serve() returns when every other process has
/// finished (or, once the sweep stops, when it gives up waiting for those that do not).
class block_server {
public:
    virtual void serve(block_source& source) = 0;

protected:
    ~block_server() = default;
};

struct sweep_options {
    unsigned threads = 1;
    std::size_t max_failures = 20;
    std::string resume_file;  ///< empty: no --resume
    bool wait = false;  ///< --wait: wait for a run that holds the --resume file, instead of refusing
    block_server* server = nullptr;  ///< other processes that share the work, if any
};

/// Checks the pairs `r` describes (digits, ranges or sample, shard) and fills in what it found;
/// stops early, with r.complete false, on SIGINT or SIGTERM. Throws usage_error for a bad --resume
/// file, output_error when it cannot be written (before any work starts, or at a save: the work
/// stops and the file keeps its last good state), and rethrows what stopped a worker.
void sweep(report& r, sweep_options const& o);

/// From now on SIGINT and SIGTERM stop the work (stopping(), interrupted()) instead of the
/// process; sweep() calls it, and so does a process that works for another's sweep.
void catch_stop_signals();

/// Whether SIGINT or SIGTERM stopped a sweep.
bool interrupted();

/// Whether the workers are to stop: SIGINT, SIGTERM, or a worker or a save that failed.
bool stopping();

// --- the --resume file (resume.cpp) -----------------------------------------------------------

/// The state a --resume file keeps: the blocks that are done and what they found. A block cut
/// short by an interrupt is not done: a resumed run checks it again from its start.
struct resume_state {
    std::string file;
    file_lock lock;  ///< held from before the file is read until the run ends: one writer per file
    record_set done;  ///< the done blocks and what they found, this run's and earlier runs'
    std::uint64_t resumed = 0;  ///< pairs the file held when this run started
    report earlier;  ///< what the file held when this run started
};

/// Loads a --resume file into `rs` (its runs into rs.done) for the check `r` describes, in blocks
/// of `block` pairs, or leaves `rs` empty when the file does not exist yet. Throws usage_error, naming the
/// file and the field, unless the file describes the same check, agrees with itself
/// (verify_report: its seal, its totals re-derived from its records, each failure run again) and
/// with the network on a sample of its blocks (recheck_sample). Its time is bounded by the file's
/// size and the sample, not by the work the file claims.
///
/// First it takes the file's lock (file_lock: FILE.lock), which the run then holds to its end, so
/// no second run reads or saves the file meanwhile: when another process holds it, throws
/// usage_error naming the file and that process, or with `wait` waits for it (an interrupt while
/// waiting throws interrupted_error).
void load_resume(resume_state& rs, report const& r, std::uint64_t block, bool wait);

/// Writes the resume file (write_file_atomically): the report of the done blocks and their
/// records. Throws output_error when it cannot; the file then keeps what it held.
void save_resume(resume_state const& rs, report const& base);

// --- merging and printing (merge.cpp, print.cpp) ----------------------------------------------

/// The reports of a sharded check's parts as one; throws usage_error for unreadable files, parts
/// of different checks, a shard given twice or out of range, and a part that does not agree with
/// itself (as load_resume). The result is incomplete when a part is, or a shard is missing.
report merge_reports(std::vector<std::string> const& files, std::size_t max_failures);

/// The report in words, on stdout.
void print_report(report const& r);

/// Checks what a report says against itself and the network: the description of the check
/// (the program, digits the tools take, a known mode, ranges within them, the shard), its records
/// (blocks of its shards, in order, each counting the pairs its blocks hold, each failure run
/// again and found to be one), and its totals re-derived from the records: checked, correct,
/// pairs_digest, the margins (the smallest of the records') and the failures (the first
/// max_failures of the records'). Reads no pair but the failures'. Throws usage_error naming
/// `where` (the option and the file) and the field.
void verify_report(report const& r, std::string const& where);

}  // namespace ctformer::tools::check
