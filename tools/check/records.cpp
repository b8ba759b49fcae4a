// tools/check/records.cpp — the blocks a check has done, each run of them with what it found: kept
// by the sweep, written as a report's records, and checked again, a sample of them, when a report
// is read back.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include <fmt/core.h>

#include "check.hpp"

namespace ctformer::tools::check {

// --- margins as a report writes them -----------------------------------------------------------

namespace {

constexpr double none = 1e30;  // a margin not measured yet, as a report writes it

double value_of(fixed m) { return m == no_margin_yet ? none : m.to_double(); }

fixed margin_of(double v) { return v >= no_margin_yet.to_double() ? no_margin_yet : fixed::from_double(v); }

}  // namespace

margin_values values_of(margins const& m) {
    return {value_of(m.attention_weight), value_of(m.attention_gap), value_of(m.copy_input), value_of(m.logit_gap)};
}

margins margins_of(margin_values const& v) {
    margins m;
    m.attention_weight = margin_of(v.attention_weight);
    m.attention_gap = margin_of(v.attention_gap);
    m.copy_input = margin_of(v.copy_input);
    m.logit_gap = margin_of(v.logit_gap);
    return m;
}

tally tally_of(block_record const& b) {
    tally t;
    t.checked = b.checked;
    t.right = b.right;
    t.digest = b.digest;
    t.failures = b.failures;
    t.margin = margins_of(b.margins);
    return t;
}

// --- record_set ----------------------------------------------------------------------------------

void record_set::insert(std::uint64_t b, tally const& found) {
    // the first run that ends at or after b - 1 (a run ending at b - 1 is extended)
    auto it = std::lower_bound(runs_.begin(), runs_.end(), b, [](run const& r, std::uint64_t v) { return r.last + 1 < v; });
    if (it != runs_.end() && it->first <= b && b <= it->last) return;  // held already
    if (it != runs_.end() && it->last + 1 == b) {
        it->last = b;
        it->found.merge(found, max_failures_);
        auto next = std::next(it);
        if (next != runs_.end() && next->first == b + 1) {  // b joins two runs
            it->last = next->last;
            it->found.merge(next->found, max_failures_);
            runs_.erase(next);
        }
        return;
    }
    if (it != runs_.end() && it->first == b + 1) {  // b goes before a run: its pairs come first
        tally joined = found;
        joined.merge(it->found, max_failures_);
        it->found = std::move(joined);
        it->first = b;
        return;
    }
    runs_.insert(it, run{b, b, found});
}

void record_set::insert_run(std::uint64_t first, std::uint64_t last, tally const& found) {
    auto it = std::lower_bound(runs_.begin(), runs_.end(), first, [](run const& r, std::uint64_t v) { return r.first < v; });
    tally kept;  // its failures cut to this run's --max-failures
    kept.merge(found, max_failures_);
    runs_.insert(it, run{first, last, std::move(kept)});
}

bool record_set::contains(std::uint64_t b) const {
    auto const it = std::lower_bound(runs_.begin(), runs_.end(), b, [](run const& r, std::uint64_t v) { return r.last < v; });
    return it != runs_.end() && it->first <= b;
}

std::uint64_t record_set::size() const {
    std::uint64_t n = 0;
    for (auto const& r : runs_) n += r.last - r.first + 1;
    return n;
}

std::vector<record_set::range> record_set::complement(std::uint64_t blocks) const {
    std::vector<range> out;
    std::uint64_t next = 0;
    for (auto const& r : runs_) {
        if (r.first > next) out.emplace_back(next, r.first - 1);
        next = r.last + 1;
    }
    if (next < blocks) out.emplace_back(next, blocks - 1);
    return out;
}

tally record_set::total() const {
    tally all;
    for (auto const& r : runs_) all.merge(r.found, max_failures_);
    return all;
}

std::vector<block_record> record_set::records(std::uint64_t shard) const {
    std::vector<block_record> out;
    out.reserve(runs_.size());
    for (auto const& r : runs_)
        out.push_back({shard, r.first, r.last, r.found.checked, r.found.right, r.found.digest, values_of(r.found.margin),
                       r.found.failures});
    return out;
}

void report_totals(report& r, tally const& all) {
    r.checked = all.checked;
    r.right = all.right;
    r.pairs_digest = all.digest;
    r.failures = all.failures;
    margin_values const m = values_of(all.margin);
    r.attention_weight = m.attention_weight;
    r.attention_gap = m.attention_gap;
    r.copy_input = m.copy_input;
    r.logit_gap = m.logit_gap;
}

void report_records(report& r, record_set const& done) {
    report_totals(r, done.total());
    r.records = done.records(r.shard);
}

// --- the sample ----------------------------------------------------------------------------------

namespace {

[[noreturn]] void bad_block(std::string const& where, std::string const& block, std::string const& why) {
    throw usage_error(fmt::format("{}: \"records\": {}: {}", where, block, why));
}

/// Block `n` (of those the records claim, in order) as its record and its number in its shard.
std::pair<block_record const*, std::uint64_t> claimed_block(report const& r, std::uint64_t n) {
    for (auto const& rec : r.records) {
        std::uint64_t const blocks = rec.last - rec.first + 1;
        if (n < blocks) return {&rec, rec.first + n};
        n -= blocks;
    }
    throw std::logic_error("claimed_block: past the records' blocks");
}

/// The block run again against its record; what it found.
tally recheck_block(report const& r, block_record const& rec, std::uint64_t b, std::string const& where) {
    auto const [begin, end] = shard_span(r, rec.shard);
    std::uint64_t const i0 = begin + b * r.block, i1 = std::min(end, i0 + r.block);
    std::string const name = fmt::format("block {} of shard {}/{} (checked again)", b, rec.shard + 1, r.shards);
    tally now;
    check_ops_for(r.program, r.digits).check_pairs(r, i0, i1, static_cast<std::size_t>(i1 - i0), now);
    // the walk stops early on SIGINT or SIGTERM: that is an interrupt, not a short walk
    if (interrupted()) throw interrupted_error(fmt::format("interrupted while checking {}", name));
    if (now.checked != i1 - i0 || now.digest != digest_of(r, i0, i1))
        throw std::logic_error(fmt::format("{}: the walk did not check each of its {} pairs once", name, i1 - i0));
    if (now.wrong() > rec.wrong())
        bad_block(where, name,
                  fmt::format("the network gets {} of its pairs wrong, where its record of blocks [{}, {}] counts {}", now.wrong(),
                              rec.first, rec.last, rec.wrong()));
    if (rec.failures.size() == rec.wrong())  // the record lists every failure: each found must be one of them
        for (auto const& f : now.failures)
            if (std::none_of(rec.failures.begin(), rec.failures.end(), [&](failure const& g) { return g.prompt == f.prompt; }))
                bad_block(where, name, fmt::format("{} is wrong (the network generates {}) and its record does not list it", f.prompt,
                                                   visible(f.got)));
    margin_values const m = values_of(now.margin);
    auto at_least = [&](char const* field, double found, double claimed) {
        if (found < claimed)
            bad_block(where, name, fmt::format("its smallest {} is {}, but its record claims at least {}", field, found, claimed));
    };
    at_least("attention_weight", m.attention_weight, rec.margins.attention_weight);
    at_least("attention_gap", m.attention_gap, rec.margins.attention_gap);
    at_least("copy_input", m.copy_input, rec.margins.copy_input);
    at_least("logit_gap", m.logit_gap, rec.margins.logit_gap);
    return now;
}

/// A record every block of which was checked again: what they found, merged, must be the record.
void compare_whole(report const& r, block_record const& rec, tally const& found, std::string const& where) {
    std::string const name = fmt::format("blocks [{}, {}] of shard {}/{} (all checked again)", rec.first, rec.last, rec.shard + 1, r.shards);
    if (rec.checked != found.checked || rec.right != found.right || rec.digest != found.digest)
        bad_block(where, name,
                  fmt::format("its record says {} right of {} with digest {}; checked again: {} of {}, digest {}", rec.right,
                              rec.checked, rec.digest, found.right, found.checked, found.digest));
    margin_values const m = values_of(found.margin);
    if (m.attention_weight != rec.margins.attention_weight || m.attention_gap != rec.margins.attention_gap ||
        m.copy_input != rec.margins.copy_input || m.logit_gap != rec.margins.logit_gap)
        bad_block(where, name,
                  fmt::format("its record's margins are {}, {}, {}, {}; checked again: {}, {}, {}, {}", rec.margins.attention_weight,
                              rec.margins.attention_gap, rec.margins.copy_input, rec.margins.logit_gap, m.attention_weight,
                              m.attention_gap, m.copy_input, m.logit_gap));
}

}  // namespace

void recheck_sample(report const& r, std::string const& where) {
    std::uint64_t claimed = 0;
    for (auto const& rec : r.records) claimed += rec.last - rec.first + 1;
    std::random_device entropy;  // a seed nobody who writes a file can know
    std::mt19937_64 rng((std::uint64_t{entropy()} << 32) ^ entropy());
    std::uniform_int_distribution<std::uint64_t> any(0, claimed == 0 ? 0 : claimed - 1);
    std::set<std::uint64_t> drawn;
    for (std::uint64_t const k = std::min(sampled_blocks, claimed); drawn.size() < k;) drawn.insert(any(rng));
    std::map<block_record const*, std::pair<std::uint64_t, tally>> per_record;  // blocks checked again, what they found
    for (std::uint64_t n : drawn) {  // in order: a record's blocks come in order
        if (interrupted()) throw interrupted_error("interrupted while checking a sample of a file's blocks again");
        auto const [rec, b] = claimed_block(r, n);
        auto& [blocks, found] = per_record[rec];
        ++blocks;
        found.merge(recheck_block(r, *rec, b, where), r.max_failures);
    }
    for (auto const& [rec, seen] : per_record)
        if (seen.first == rec->last - rec->first + 1) compare_whole(r, *rec, seen.second, where);
}

}  // namespace ctformer::tools::check
