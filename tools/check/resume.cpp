// tools/check/resume.cpp — ctformer-check --resume FILE: the blocks done so far and what they found,
// kept as ranges of blocks, and checked against the check itself when read back.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <iterator>
#include <thread>

#include <sys/stat.h>

#include <fmt/core.h>

#include "../json.hpp"
#include "check.hpp"

namespace ctformer::tools::check {

// --- block_set -----------------------------------------------------------------------------

block_set::block_set(std::vector<range> const& ranges, std::uint64_t blocks, std::string const& where) {
    for (auto const& [first, last] : ranges) {
        if (first > last || last >= blocks)
            throw usage_error(fmt::format("{}: \"done_blocks\": [{}, {}] is not a range of blocks within this check's {}", where,
                                          first, last, blocks));
        if (!ranges_.empty() && first <= ranges_.back().second + 1)
            throw usage_error(fmt::format("{}: \"done_blocks\": [{}, {}] is not after [{}, {}]: ranges must be sorted, apart and "
                                          "name each block once",
                                          where, first, last, ranges_.back().first, ranges_.back().second));
        ranges_.emplace_back(first, last);
    }
}

void block_set::insert(std::uint64_t b) {
    // the first range that ends at or after b - 1 (a range ending at b - 1 is extended)
    auto it = std::lower_bound(ranges_.begin(), ranges_.end(), b, [](range const& r, std::uint64_t v) { return r.second + 1 < v; });
    if (it != ranges_.end() && it->first <= b && b <= it->second) return;  // held already
    if (it != ranges_.end() && it->second + 1 == b) {
        it->second = b;
        auto next = std::next(it);
        if (next != ranges_.end() && next->first == b + 1) {  // b joins two ranges
            it->second = next->second;
            ranges_.erase(next);
        }
        return;
    }
    if (it != ranges_.end() && it->first == b + 1) {
        it->first = b;
        return;
    }
    ranges_.insert(it, {b, b});
}

bool block_set::contains(std::uint64_t b) const {
    auto const it = std::lower_bound(ranges_.begin(), ranges_.end(), b, [](range const& r, std::uint64_t v) { return r.second < v; });
    return it != ranges_.end() && it->first <= b;
}

std::uint64_t block_set::size() const {
    std::uint64_t n = 0;
    for (auto const& [first, last] : ranges_) n += last - first + 1;
    return n;
}

std::vector<block_set::range> block_set::complement(std::uint64_t blocks) const {
    std::vector<range> out;
    std::uint64_t next = 0;
    for (auto const& [first, last] : ranges_) {
        if (first > next) out.emplace_back(next, first - 1);
        next = last + 1;
    }
    if (next < blocks) out.emplace_back(next, blocks - 1);
    return out;
}

// --- the file --------------------------------------------------------------------------------

namespace {

/// The smaller of an earlier run's margin (if it checked anything) and this run's (if it did).
double least(bool earlier_checked, double earlier, bool any_new, fixed now, double none) {
    return std::min(earlier_checked ? earlier : none, any_new ? now.to_double() : none);
}

/// The pairs the done blocks cover, and their digest, as this check numbers them.
std::pair<std::uint64_t, std::uint64_t> covered(report const& r, block_set const& done, std::uint64_t block, std::uint64_t begin,
                                                std::uint64_t end) {
    std::uint64_t pairs = 0, digest = 0;
    for (auto const& [first, last] : done.ranges()) {
        std::uint64_t const i0 = begin + first * block, i1 = std::min(end, begin + (last + 1) * block);
        pairs += i1 - i0;
        digest += digest_of(r, i0, i1);
    }
    return {pairs, digest};
}

}  // namespace

void load_resume(resume_state& rs, report const& r, std::uint64_t block, std::uint64_t begin, std::uint64_t end, bool wait) {
    std::string const where = fmt::format("--resume \"{}\"", rs.file);
    refuse_special_file(rs.file, "--resume");
    for (long holder = 0; !rs.lock.try_take(rs.file, "--resume", holder);) {
        if (!wait)
            throw usage_error(fmt::format("{}: in use by another run (process {}): one run at a time keeps its work in a "
                                          "resume file; give --wait to wait for it to end",
                                          where, holder ? std::to_string(holder) : "unknown"));
        if (interrupted()) throw interrupted_error(fmt::format("{}: interrupted while waiting for another run to end", where));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // A symbolic link (dangling or not, a loop), a FIFO or a device is neither read nor replaced.
    refuse_special_file(rs.file, "--resume");  // again: a run that waited, waited for something else
    struct stat st {};
    if (::lstat(rs.file.c_str(), &st) != 0 && errno == ENOENT) return;  // no file yet: a new run
    std::string const text = read_file_bounded(rs.file, "--resume");
    try {
        rs.earlier = read_report(text);
    } catch (json_error const& e) {
        throw usage_error(fmt::format("{}: not a ctformer-check resume file: {}", where, e.what()));
    }
    if (rs.earlier.block == 0) throw usage_error(fmt::format("{}: a report, not a resume file: no \"block\" field", where));
    verify_report(rs.earlier, where);
    if (!rs.earlier.same_check(r) || rs.earlier.shard != r.shard)
        throw usage_error(fmt::format("{}: belongs to a different check (digits, ranges, sample or shard differ)", where));
    if (rs.earlier.block != block)
        throw usage_error(fmt::format("{}: \"block\": written with blocks of {} pairs, not {}", where, rs.earlier.block, block));
    rs.done = block_set(rs.earlier.done_blocks, (end - begin + block - 1) / block, where);
    auto const [pairs, digest] = covered(r, rs.done, block, begin, end);
    if (rs.earlier.checked != pairs)
        throw usage_error(fmt::format("{}: \"checked\": {} pairs, but its done blocks hold {}", where, rs.earlier.checked, pairs));
    if (rs.earlier.pairs_digest != digest)
        throw usage_error(fmt::format("{}: \"pairs_digest\": {} is not the digest of the pairs its done blocks hold ({})", where,
                                      rs.earlier.pairs_digest, digest));
    for (auto const& f : rs.earlier.failures) {
        auto const [a, b] = parse_failure_pair(f, rs.earlier.digits, where);
        bool held = false;  // the failure's pair must be one of the done blocks' pairs
        for (auto const& [first, last] : rs.done.ranges())
            held = held || pair_in(r, a, b, begin + first * block, std::min(end, begin + (last + 1) * block));
        if (!held) throw usage_error(fmt::format("{}: \"failures\": {} is not a pair of its done blocks", where, f.prompt));
    }
    rs.found.checked = rs.earlier.checked;
    rs.found.right = rs.earlier.right;
    rs.found.digest = rs.earlier.pairs_digest;
    rs.found.failures = rs.earlier.failures;
    rs.resumed = rs.earlier.checked;
}

void save_resume(resume_state const& rs, report const& base, std::uint64_t block) {
    report out = base;
    out.checked = rs.found.checked;
    out.right = rs.found.right;
    out.pairs_digest = rs.found.digest;
    out.failures = rs.found.failures;
    std::uint64_t const blocks = (base.total + block - 1) / block;
    out.complete = rs.done.size() == blocks;
    out.block = block;
    out.done_blocks = rs.done.ranges();
    margins const& m = rs.found.margin;
    bool const had = rs.earlier.checked > 0, any_new = rs.found.checked > rs.resumed;
    out.attention_weight = least(had, rs.earlier.attention_weight, any_new, m.attention_weight, 1.0);
    out.attention_gap = least(had, rs.earlier.attention_gap, any_new, m.attention_gap, 1e30);
    out.copy_input = least(had, rs.earlier.copy_input, any_new, m.copy_input, 1e30);
    out.logit_gap = least(had, rs.earlier.logit_gap, any_new, m.logit_gap, 1e30);
    write_file_atomically(rs.file, report_json(out));
}

}  // namespace ctformer::tools::check
