// tools/check/verify.cpp — a report read back (a --resume file, a --merge part) is checked against
// itself and the network before anything it says is used (check.hpp: verify_report).
#include <algorithm>
#include <cmath>

#include <fmt/core.h>

#include "../digits.hpp"
#include "check.hpp"

namespace ctformer::tools::check {

namespace {

[[noreturn]] void bad(std::string const& where, char const* field, std::string const& why) {
    throw usage_error(fmt::format("{}: \"{}\": {}", where, field, why));
}

void check_description(report const& r, std::string const& where) {
    if (r.digits < min_digits || r.digits > max_digits)
        bad(where, "digits", fmt::format("{} is not a digit count the tools take (1 to {})", r.digits, max_digits));
    if (r.mode != "range" && r.mode != "sample")
        bad(where, "mode", fmt::format("\"{}\" is neither \"range\" nor \"sample\"", visible(r.mode)));
    std::uint64_t const limit = power_of_ten(r.digits);
    if (r.left_lo > r.left_hi || r.left_hi >= limit)
        bad(where, "left", fmt::format("[{}, {}] is not a range of {}-digit operands", r.left_lo, r.left_hi, r.digits));
    if (r.right_lo > r.right_hi || r.right_hi >= limit)
        bad(where, "right", fmt::format("[{}, {}] is not a range of {}-digit operands", r.right_lo, r.right_hi, r.digits));
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
    if (r.failures.size() > r.wrong()) bad(where, "failures", fmt::format("{} listed, {} wrong", r.failures.size(), r.wrong()));
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

}  // namespace

std::pair<std::uint64_t, std::uint64_t> parse_failure_pair(failure const& f, std::size_t digits, std::string const& where) {
    std::string const& p = f.prompt;
    auto digits_at = [&](std::size_t from) {
        std::uint64_t v = 0;
        for (std::size_t i = from; i < from + digits; ++i) {
            if (p[i] < '0' || p[i] > '9') bad(where, "failures", fmt::format("\"{}\" is not a {}-digit prompt", visible(p), digits));
            v = v * 10 + static_cast<std::uint64_t>(p[i] - '0');
        }
        return v;
    };
    if (p.size() != 2 * digits + 2 || p[digits] != '+' || p.back() != '=')
        bad(where, "failures", fmt::format("\"{}\" is not a {}-digit prompt", visible(p), digits));
    return {digits_at(0), digits_at(digits + 1)};
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
    for (auto const& f : r.failures) {
        auto const [a, b] = parse_failure_pair(f, r.digits, where);
        if (!pair_in(r, a, b, 0, pair_count(r))) bad(where, "failures", fmt::format("{} is not a pair of this check", f.prompt));
        auto const [now, right] = recheck(r.digits, a, b);
        if (right || now.expected != f.expected || now.got != f.got)
            bad(where, "failures",
                fmt::format("{} expected {} got {}: the network generates {} for it", f.prompt, visible(f.expected), visible(f.got),
                            visible(now.got)));
    }
}

}  // namespace ctformer::tools::check
