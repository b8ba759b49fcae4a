// tools/check/report.hpp — ctformer-check's report: counts, failures, margins, and the records of the
// blocks they come from; written and read as JSON, sealed field by field (the same document serves
// as a --resume file).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace ctformer::tools {

struct failure {
    std::string prompt, expected, got;
};

/// The smallest margins of a set of checked pairs, as a report writes them (1 and 1e30: none yet).
struct margin_values {
    double attention_weight = 1, attention_gap = 1e30, copy_input = 1e30, logit_gap = 1e30;
    void merge(margin_values const& o);
};

/// A run of whole blocks [first, last] of one shard's pairs, and what checking them found: the
/// unit a report's counts, digest, margins and failures are re-derived from when it is read back.
struct block_record {
    std::uint64_t shard = 0, first = 0, last = 0;
    std::uint64_t checked = 0, right = 0;
    std::uint64_t digest = 0;  ///< Σ pair_hash over its pairs
    margin_values margins;
    std::vector<failure> failures;  ///< its wrong pairs, the first max_failures of them
    std::uint64_t wrong() const { return checked - right; }
};

struct report {
    std::string program = "add";  ///< what was checked (the adder is the tools' one program)
    std::size_t digits = 4;
    std::string mode = "range";  ///< "range" or "sample"
    std::uint64_t left_lo = 0, left_hi = 0, right_lo = 0, right_hi = 0;  ///< inclusive ranges
    std::uint64_t sample = 0;  ///< pairs drawn in a sample
    std::uint64_t rng_seed = 0;  ///< the sample's random seed (--rng-seed; the field "seed" in JSON)
    std::uint64_t shard = 0, shards = 1;
    std::uint64_t total = 0;  ///< pairs this report was asked to check
    std::uint64_t checked = 0;  ///< pairs actually checked
    std::uint64_t right = 0;
    std::vector<failure> failures;  ///< the first max_failures of the records' failures, in order
    std::uint64_t max_failures = 20;  ///< --max-failures of the run that wrote it
    double attention_weight = 1, attention_gap = 1e30, copy_input = 1e30, logit_gap = 1e30;
    double elapsed_s = 0;
    bool complete = false;  ///< false when interrupted
    std::vector<std::uint64_t> merged_shards;  ///< for a merged report: the shards it holds
    /// Σ pair_hash(a, b) over the pairs checked, mod 2^64: the same for any order and any split
    /// into runs, different if a pair was skipped or counted twice.
    std::uint64_t pairs_digest = 0;
    std::uint64_t resumed = 0;  ///< pairs taken from a --resume file, not checked in this run
    std::uint64_t block = 0;  ///< pairs per block (the last block of a shard may hold fewer)
    /// The blocks done, by shard and in order, each run with what it found. A block cut short by an
    /// interrupt is in none, and not counted.
    std::vector<block_record> records;

    std::uint64_t wrong() const { return checked - right; }
    /// Whether `o` describes the same check: digits, ranges, sample and shard count.
    bool same_check(report const& o) const {
        return program == o.program && digits == o.digits && mode == o.mode && left_lo == o.left_lo && left_hi == o.left_hi && right_lo == o.right_lo &&
               right_hi == o.right_hi && sample == o.sample && rng_seed == o.rng_seed && shards == o.shards;
    }
};

/// Text from a file as it may be shown on one line of a message: the end token '\n' as the two
/// characters \n, any other control character (a NUL included) as \xNN, and at most `max` bytes of
/// it, then "…" and the length.
inline std::string visible(std::string const& s, std::size_t max = 80) {
    std::string out;
    for (std::size_t i = 0; i < s.size() && i < max; ++i) {
        auto const u = static_cast<unsigned char>(s[i]);
        if (s[i] == '\n')
            out += "\\n";
        else if (u < 0x20 || u == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", u);
            out += hex;
        } else
            out += s[i];
    }
    if (s.size() > max) out += "… (" + std::to_string(s.size()) + " bytes)";
    return out;
}

/// The hash each checked pair adds to report::pairs_digest.
inline std::uint64_t pair_hash(std::uint64_t a, std::uint64_t b) {
    std::uint64_t x = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/// The report as a JSON document (tools/common/json.hpp), sealed: its last member, "seal", holds for
/// every other member a hash of the member's name and value (seal_of), so that a field edited by
/// hand is named when the file is read back. The seal binds the fields together, nothing more:
/// whoever has this code can compute it, and what a report claims is checked when it is read
/// (check/verify.cpp), not believed because it is sealed.
std::string report_json(report const& r);

/// The report a JSON document holds; throws json_error (tools/common/json.hpp) when the text is not JSON,
/// lacks a field, holds one of another type, or a field whose seal does not match (naming it).
report read_report(std::string const& text);

/// The JSON document `text` with its seal recomputed: what a forger who has this code would do,
/// for the tests that show such a forgery caught (tests/tools/reseal.cpp).
std::string resealed(std::string const& text);

}  // namespace ctformer::tools
