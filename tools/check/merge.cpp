// tools/check/merge.cpp — ctformer-check --merge: the reports of a sharded check's parts as one.
// A part is a shard's report or a merge's (merges merge, at any depth); the merge is complete when
// its parts cover every shard and each covers its own.
#include <algorithm>
#include <set>

#include <fmt/core.h>

#include "../json.hpp"
#include "check.hpp"

namespace ctformer::tools::check {

namespace {

/// The first part's description of the check, with nothing counted yet.
report empty_merge(report const& first) {
    report out = first;
    out.checked = out.right = out.total = out.pairs_digest = out.resumed = 0;
    out.block = 0;
    out.done_blocks.clear();
    out.failures.clear();
    out.merged_shards.clear();
    out.elapsed_s = 0;
    out.complete = true;
    out.attention_weight = 1;
    out.attention_gap = out.copy_input = out.logit_gap = 1e30;
    return out;
}

/// Whether a part checked every pair of its shards: a shard's report says so in "complete"; a
/// merge's "complete" is about the whole check (all shards), so for a merge it is checked == total.
bool covers_its_shards(report const& r) { return r.merged_shards.empty() ? r.complete : r.checked == r.total; }

/// Adds a part's counts, failures and margins to the merge.
void add_part(report& out, report const& r) {
    out.total += r.total;
    out.checked += r.checked;
    out.right += r.right;
    out.pairs_digest += r.pairs_digest;
    out.complete = out.complete && covers_its_shards(r);
    out.elapsed_s = std::max(out.elapsed_s, r.elapsed_s);
    out.failures.insert(out.failures.end(), r.failures.begin(), r.failures.end());
    if (r.checked == 0) return;
    out.attention_weight = std::min(out.attention_weight, r.attention_weight);
    out.attention_gap = std::min(out.attention_gap, r.attention_gap);
    out.copy_input = std::min(out.copy_input, r.copy_input);
    out.logit_gap = std::min(out.logit_gap, r.logit_gap);
}

/// A part, read (bounded) and checked against itself and the network; the digest of a part that
/// covers its shards (a merge of merges too) is recomputed from the pairs of its shards.
report read_part(std::string const& file) {
    std::string const where = fmt::format("--merge \"{}\"", file);
    report r;
    try {
        r = read_report(read_file_bounded(file, "--merge"));
    } catch (json_error const& e) {
        throw usage_error(fmt::format("{}: not a ctformer-check report: {}", where, e.what()));
    }
    verify_report(r, where);
    if (covers_its_shards(r)) {
        std::uint64_t digest = 0;
        for (auto k : r.merged_shards.empty() ? std::vector<std::uint64_t>{r.shard} : r.merged_shards) {
            auto const [begin, end] = shard_span(r, k);
            digest += digest_of(r, begin, end);
        }
        if (digest != r.pairs_digest)
            throw usage_error(fmt::format("{}: \"pairs_digest\": {} is not the digest of the pairs of its shards ({})", where,
                                          r.pairs_digest, digest));
    }
    return r;
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
        if (i == 0)
            out = empty_merge(r);
        else if (!r.same_check(out))
            throw usage_error(fmt::format(
                "--merge \"{}\": a part of a different check (digits, ranges, sample or shard count differ)", files[i]));
        for (auto s : r.merged_shards.empty() ? std::vector<std::uint64_t>{r.shard} : r.merged_shards) {
            if (!seen.insert(s).second)
                throw usage_error(
                    fmt::format("--merge \"{}\": shard {}/{} appears twice", files[i], s + 1, out.shards));
            out.merged_shards.push_back(s);
        }
        add_part(out, r);
    }
    std::sort(out.merged_shards.begin(), out.merged_shards.end());
    out.complete = out.complete && out.merged_shards.size() == out.shards;
    if (out.failures.size() > max_failures) out.failures.resize(max_failures);
    return out;
}

}  // namespace ctformer::tools::check
