// tools/check/merge.cpp — ctformer-check --merge: the reports of a sharded check's parts as one.
// A part is a shard's report or a merge's (merges merge, at any depth); the merge is complete when
// its parts cover every shard and each checked every pair of its own (its records hold them all).
#include <algorithm>
#include <set>

#include <fmt/core.h>

#include "common/json.hpp"
#include "check.hpp"

namespace ctformer::tools::check {

namespace {

/// A part, read (bounded) and checked against itself (verify_report: its seal, its totals
/// re-derived from its records) and against the network on a sample of its blocks.
report read_part(std::string const& file) {
    std::string const where = fmt::format("--merge \"{}\"", file);
    report r;
    try {
        r = read_report(read_file_bounded(file, "--merge"));
    } catch (json_error const& e) {
        throw usage_error(fmt::format("{}: not a ctformer-check report: {}", where, e.what()));
    }
    verify_report(r, where);
    recheck_sample(r, where);
    return r;
}

/// The merge's counts, digest, margins and failures, from its parts' records (by shard, in order)
/// as verify_report re-derives them.
void total_of_records(report& out) {
    std::sort(out.records.begin(), out.records.end(),
              [](block_record const& a, block_record const& b) { return std::pair(a.shard, a.first) < std::pair(b.shard, b.first); });
    tally all;
    for (auto& rec : out.records) {
        if (rec.failures.size() > out.max_failures) rec.failures.resize(out.max_failures);
        all.merge(tally_of(rec), out.max_failures);
    }
    report_totals(out, all);
}

}  // namespace

std::string missing_shards(report const& r) {
    if (r.merged_shards.empty()) return {};
    std::string out;
    std::set<std::uint64_t> const have(r.merged_shards.begin(), r.merged_shards.end());
    for (std::uint64_t k = 0; k < r.shards; ++k)
        if (!have.contains(k)) out += fmt::format("{}{}/{}", out.empty() ? "" : ", ", k + 1, r.shards);
    return out;
}

report merge_reports(std::vector<std::string> const& files, std::size_t max_failures) {
    report out;
    std::set<std::uint64_t> seen;
    for (std::size_t i = 0; i < files.size(); ++i) {
        report const r = read_part(files[i]);
        if (i > 0 && !r.same_check(out))
            throw usage_error(fmt::format(
                "--merge \"{}\": a part of a different check (program, digits, ranges, sample or shard count differ)", files[i]));
        if (i > 0 && r.block != out.block)
            throw usage_error(fmt::format("--merge \"{}\": \"block\": blocks of {} pairs, where the first part's hold {}", files[i],
                                          r.block, out.block));
        if (i == 0) {
            out = r;  // the description of the check; what was found is summed below
            out.records.clear(), out.merged_shards.clear();
            out.total = out.resumed = 0, out.elapsed_s = 0;
        }
        for (auto s : r.merged_shards.empty() ? std::vector<std::uint64_t>{r.shard} : r.merged_shards) {
            if (!seen.insert(s).second)
                throw usage_error(
                    fmt::format("--merge \"{}\": shard {}/{} appears twice", files[i], s + 1, out.shards));
            out.merged_shards.push_back(s);
        }
        out.total += r.total;
        out.elapsed_s = std::max(out.elapsed_s, r.elapsed_s);
        out.records.insert(out.records.end(), r.records.begin(), r.records.end());
    }
    std::sort(out.merged_shards.begin(), out.merged_shards.end());
    out.shard = out.merged_shards.front();
    out.max_failures = max_failures;
    total_of_records(out);
    out.complete = out.checked == out.total && out.merged_shards.size() == out.shards;
    return out;
}

}  // namespace ctformer::tools::check
