// tools/check/check.hpp — the parts of ctformer-check (tools/ctformer_check.cpp): the options' own
// syntax, the sweep over the pairs on threads, the --resume file, the merge of shards' reports,
// the report in words.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <ctformer/ctformer.hpp>

#include "../report.hpp"

namespace ctformer::tools::check {

/// Bad usage: exit status 2, with the message.
struct usage_error : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// --- options (options.cpp) -------------------------------------------------------------------

/// "A..B" (inclusive) within [0, limit); `option` names it in the error.
std::pair<std::uint64_t, std::uint64_t> parse_range(std::string const& text, std::uint64_t limit, char const* option);

/// "K/N" with 1 ≤ K ≤ N; returned 0-based.
std::pair<std::uint64_t, std::uint64_t> parse_shard(std::string const& text);

// --- the sweep (sweep.cpp) -------------------------------------------------------------------

/// What a set of checked pairs found; merged by sum (counts, digest) and min (margins).
struct tally {
    std::uint64_t checked = 0, right = 0, digest = 0;
    std::vector<failure> failures;
    margins margin{};
    void merge(tally const& o, std::size_t max_failures);
};

struct sweep_options {
    unsigned threads = 1;
    std::size_t max_failures = 20;
    std::string resume_file;  ///< empty: no --resume
};

/// Checks the pairs `r` describes (digits, ranges or sample, shard) and fills in what it found;
/// stops early, with r.complete false, on SIGINT or SIGTERM. Throws usage_error for a --resume
/// file of another check.
void sweep(report& r, sweep_options const& o);

/// Whether SIGINT or SIGTERM stopped a sweep.
bool interrupted();

// --- the --resume file (resume.cpp) -----------------------------------------------------------

/// The state a --resume file keeps: the blocks that are done and what they found. A block cut
/// short by an interrupt is not done: a resumed run checks it again from its start.
struct resume_state {
    std::string file;
    std::vector<bool> done;  ///< per block
    tally found;  ///< over the done blocks, this run's and earlier runs'
    std::uint64_t resumed = 0;  ///< pairs the file held when this run started
    report earlier;  ///< what the file held when this run started
};

/// Loads a --resume file into `rs` for the check `r` describes with `blocks` blocks of `block`
/// pairs, or leaves `rs` empty when the file does not exist yet. The file must describe the
/// same check.
void load_resume(resume_state& rs, report const& r, std::uint64_t block, std::uint64_t blocks);

/// Writes the resume file: the report of the done blocks and their list. Written to a temporary
/// file first and renamed, so an interrupt never leaves a half-written file.
void save_resume(resume_state const& rs, report const& base, std::uint64_t block);

// --- merging and printing (merge.cpp, print.cpp) ----------------------------------------------

/// The reports of a sharded check's parts as one; throws usage_error for unreadable files, parts
/// of different checks and a shard given twice.
report merge_reports(std::vector<std::string> const& files);

/// The report in words, on stdout.
void print_report(report const& r);

/// A file's whole text; throws usage_error naming `option` when it cannot be read.
std::string read_text(std::string const& file, char const* option);

}  // namespace ctformer::tools::check
