// tools/check/verify.cpp — a report read back (a --resume file, a --merge part) is checked against
// itself and the network before anything it says is used (check.hpp: verify_report).
#include <algorithm>
#include <cmath>

#include <fmt/core.h>

#include "common/digits.hpp"
#include "check.hpp"

namespace ctformer::tools::check {

namespace {

[[noreturn]] void bad(std::string const& where, char const* field, std::string const& why) {
    throw usage_error(fmt::format("{}: \"{}\": {}", where, field, why));
}

void check_description(report const& r, std::string const& where) {
    if (r.program != "add" && r.program != "sub" && r.program != "mul")
        bad(where, "program", fmt::format("\"{}\" is not a program ctformer-check runs (add, sub, mul)", visible(r.program)));
    if (r.digits < min_digits || r.digits > max_digits)
        bad(where, "digits", fmt::format("{} is not a digit count the tools take (1 to {})", r.digits, max_digits));
    if (r.mode != "range" && r.mode != "sample")
        bad(where, "mode", fmt::format("\"{}\" is neither \"range\" nor \"sample\"", visible(r.mode)));
    std::uint64_t const limit = power_of_ten(r.digits);
    if (r.left_lo > r.left_hi || r.left_hi >= limit)
        bad(where, "left", fmt::format("[{}, {}] is not a range of {}-digit operands", r.left_lo, r.left_hi, r.digits));
    std::size_t const second = check_ops_for(r.program, r.digits).second_digits;
    if (r.right_lo > r.right_hi || r.right_hi >= power_of_ten(second))
        bad(where, "right", fmt::format("[{}, {}] is not a range of {}-digit operands", r.right_lo, r.right_hi, second));
    if (r.mode == "range" && r.sample != 0) bad(where, "sample", "a range check draws no sample");
    if (!pair_count_fits(r)) bad(where, "left", "the ranges hold more than 2^64 pairs, more than a check counts");
    if (r.mode == "sample" && (r.sample < 1 || r.sample > (std::uint64_t{1} << 40)))
        bad(where, "sample", fmt::format("{} is not a sample size (1 to 2^40)", r.sample));
    if (r.shards < 1 || r.shard >= r.shards) bad(where, "shard", fmt::format("[{}, {}] is not a shard K of N parts", r.shard, r.shards));
    for (std::size_t i = 0; i < r.merged_shards.size(); ++i)
        if (r.merged_shards[i] >= r.shards || (i > 0 && r.merged_shards[i] <= r.merged_shards[i - 1]))
            bad(where, "merged_shards", "expected distinct shard numbers below the shard count, in order");
}

void check_counts(report const& r, std::string const& where) {
    std::uint64_t total = 0;
    if (r.merged_shards.empty()) {
        auto const [begin, end] = shard_span(r, r.shard);
        total = end - begin;
    } else {
        for (auto k : r.merged_shards) {
            auto const [begin, end] = shard_span(r, k);
            total += end - begin;
        }
    }
    if (r.total != total) bad(where, "total", fmt::format("{} pairs, but this check's share is {}", r.total, total));
    if (r.checked > r.total) bad(where, "checked", fmt::format("{} pairs of {}", r.checked, r.total));
    if (r.right > r.checked) bad(where, "correct", fmt::format("{} right of {} checked", r.right, r.checked));
    if (r.resumed > r.checked) bad(where, "resumed", fmt::format("{} resumed of {} checked", r.resumed, r.checked));
    if (r.complete && r.checked != r.total) bad(where, "complete", "a report that checked fewer pairs than its total is not complete");
    auto finite = [&](char const* field, double v, double hi) {
        if (!std::isfinite(v) || v < 0 || v > hi) bad(where, field, fmt::format("{} is not a margin", v));
    };
    finite("attention_weight", r.attention_weight, 1);
    finite("attention_gap", r.attention_gap, 1e30);
    finite("copy_input", r.copy_input, 1e30);
    finite("logit_gap", r.logit_gap, 1e30);
    if (!std::isfinite(r.elapsed_s) || r.elapsed_s < 0) bad(where, "elapsed_s", fmt::format("{} is not a duration", r.elapsed_s));
}

/// The shards a report holds: its own, or a merge's.
std::vector<std::uint64_t> shards_of(report const& r) {
    return r.merged_shards.empty() ? std::vector<std::uint64_t>{r.shard} : r.merged_shards;
}

/// One record: blocks of one of the report's shards, after the one before it, counting the pairs
/// its blocks hold; each failure it lists a pair of its blocks, and one the network gets wrong.
void check_record(report const& r, block_record const& rec, block_record const* before, std::string const& where) {
    std::string const name = fmt::format("blocks [{}, {}] of shard {}", rec.first, rec.last, rec.shard + 1);
    auto const shards = shards_of(r);
    if (std::find(shards.begin(), shards.end(), rec.shard) == shards.end())
        bad(where, "records", fmt::format("shard {} is not one this report holds", rec.shard + 1));
    auto const [begin, end] = shard_span(r, rec.shard);
    std::uint64_t const blocks = (end - begin + r.block - 1) / r.block;
    if (rec.first > rec.last || rec.last >= blocks)
        bad(where, "records", fmt::format("[{}, {}] is not a range of the {} blocks of shard {}", rec.first, rec.last, blocks, rec.shard + 1));
    if (before && (before->shard > rec.shard || (before->shard == rec.shard && rec.first <= before->last + 1)))
        bad(where, "records",
            fmt::format("blocks [{}, {}] of shard {} are not after [{}, {}] of shard {}: records are sorted, apart and name each "
                        "block once",
                        rec.first, rec.last, rec.shard + 1, before->first, before->last, before->shard + 1));
    std::uint64_t const i0 = begin + rec.first * r.block, i1 = std::min(end, begin + (rec.last + 1) * r.block);
    if (rec.checked != i1 - i0) bad(where, "records", fmt::format("{}: {} pairs checked, but its blocks hold {}", name, rec.checked, i1 - i0));
    if (rec.right > rec.checked) bad(where, "records", fmt::format("{}: {} right of {} checked", name, rec.right, rec.checked));
    if (rec.failures.size() > std::min<std::uint64_t>(rec.wrong(), r.max_failures))
        bad(where, "records", fmt::format("{}: {} failures listed, {} wrong (at most {} listed)", name, rec.failures.size(), rec.wrong(),
                                          r.max_failures));
    if (rec.wrong() > 0 && rec.failures.empty() && r.max_failures > 0)
        bad(where, "records", fmt::format("{}: {} wrong, but none listed", name, rec.wrong()));
    for (auto const& f : rec.failures) {
        auto const [a, b] = parse_failure_pair(f, r, where);
        if (!pair_in(r, a, b, i0, i1)) bad(where, "records", fmt::format("{}: {} is not one of its pairs", name, f.prompt));
        auto const [now, right] = recheck(r, a, b);
        if (right || now.expected != f.expected || now.got != f.got)
            bad(where, "records",
                fmt::format("{}: {} expected {} got {}: the network generates {} for it", name, f.prompt, visible(f.expected),
                            visible(f.got), visible(now.got)));
    }
    auto margin = [&](char const* field, double v, double hi) {
        if (!std::isfinite(v) || v < 0 || v > hi) bad(where, "records", fmt::format("{}: {} {} is not a margin", name, field, v));
    };
    margin("attention_weight", rec.margins.attention_weight, 1);
    margin("attention_gap", rec.margins.attention_gap, 1e30);
    margin("copy_input", rec.margins.copy_input, 1e30);
    margin("logit_gap", rec.margins.logit_gap, 1e30);
}

/// The totals, re-derived from the records: nothing a report counts is believed.
void check_totals(report const& r, std::string const& where) {
    std::uint64_t checked = 0, right = 0, digest = 0;
    margin_values least;
    std::vector<failure> listed;
    for (auto const& rec : r.records) {
        checked += rec.checked, right += rec.right, digest += rec.digest;
        least.merge(rec.margins);
        for (auto const& f : rec.failures)
            if (listed.size() < r.max_failures) listed.push_back(f);
    }
    if (r.checked != checked) bad(where, "checked", fmt::format("{} pairs, but its records hold {}", r.checked, checked));
    if (r.right != right) bad(where, "correct", fmt::format("{} pairs, but its records count {} right", r.right, right));
    if (r.pairs_digest != digest)
        bad(where, "pairs_digest", fmt::format("{} is not the sum of its records' digests ({})", r.pairs_digest, digest));
    if (r.attention_weight != least.attention_weight || r.attention_gap != least.attention_gap ||
        r.copy_input != least.copy_input || r.logit_gap != least.logit_gap)
        bad(where, "margins",
            fmt::format("{}, {}, {}, {} are not the smallest of its records' ({}, {}, {}, {})", r.attention_weight, r.attention_gap,
                        r.copy_input, r.logit_gap, least.attention_weight, least.attention_gap, least.copy_input, least.logit_gap));
    bool same = r.failures.size() == listed.size();
    for (std::size_t i = 0; same && i < listed.size(); ++i)
        same = r.failures[i].prompt == listed[i].prompt && r.failures[i].expected == listed[i].expected && r.failures[i].got == listed[i].got;
    if (!same)
        bad(where, "failures",
            fmt::format("{} listed, which are not the first {} of its records' failures ({} of them)", r.failures.size(), r.max_failures,
                        listed.size()));
}

}  // namespace

std::pair<std::uint64_t, std::uint64_t> parse_failure_pair(failure const& f, report const& r, std::string const& where) {
    std::size_t const digits = r.digits;
    check_ops const& ops = check_ops_for(r.program, digits);
    std::string const& p = f.prompt;
    auto digits_at = [&](std::size_t from) {
        std::uint64_t v = 0;
        for (std::size_t i = from; i < from + digits; ++i) {
            if (p[i] < '0' || p[i] > '9') bad(where, "failures", fmt::format("\"{}\" is not a {}-digit prompt", visible(p), digits));
            v = v * 10 + static_cast<std::uint64_t>(p[i] - '0');
        }
        return v;
    };
    if (p.size() != digits + ops.second_digits + 2 || p[digits] != ops.operation || p.back() != '=')
        bad(where, "failures", fmt::format("\"{}\" is not a {}-digit prompt", visible(p), digits));
    std::uint64_t const a = digits_at(0);
    std::uint64_t b = 0;
    for (std::size_t i = digits + 1; i < digits + 1 + ops.second_digits; ++i) {
        if (p[i] < '0' || p[i] > '9') bad(where, "failures", fmt::format("\"{}\" is not a {}-digit prompt", visible(p), digits));
        b = b * 10 + static_cast<std::uint64_t>(p[i] - '0');
    }
    return {a, b};
}

bool pair_in(report const& r, std::uint64_t a, std::uint64_t b, std::uint64_t i0, std::uint64_t i1) {
    if (a < r.left_lo || a > r.left_hi || b < r.right_lo || b > r.right_hi) return false;
    if (r.mode == "sample") return true;  // drawn pairs are not numbered by value; the ranges hold it
    std::uint64_t const i = (a - r.left_lo) * (r.right_hi - r.right_lo + 1) + (b - r.right_lo);
    return i0 <= i && i < i1;
}

void verify_report(report const& r, std::string const& where) {
    check_description(r, where);
    check_counts(r, where);
    if (r.block < 1 || r.block > (std::uint64_t{1} << 32)) bad(where, "block", fmt::format("{} is not a block size", r.block));
    if (r.max_failures > 100000) bad(where, "max_failures", fmt::format("{} is more than --max-failures takes (100000)", r.max_failures));
    for (std::size_t i = 0; i < r.records.size(); ++i) {
        // a file of 64 MiB may list some 300,000 failures to run again: SIGINT and SIGTERM end it
        if (interrupted()) throw interrupted_error(fmt::format("{}: interrupted while checking its records", where));
        check_record(r, r.records[i], i ? &r.records[i - 1] : nullptr, where);
    }
    check_totals(r, where);
}

}  // namespace ctformer::tools::check
