// tools/check/merge.cpp — ctformer-check --merge: the reports of a sharded check's parts as one.
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

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

/// Adds a part's counts, failures and margins to the merge.
void add_part(report& out, report const& r) {
    out.total += r.total;
    out.checked += r.checked;
    out.right += r.right;
    out.pairs_digest += r.pairs_digest;
    out.complete = out.complete && r.complete;
    out.elapsed_s = std::max(out.elapsed_s, r.elapsed_s);
    out.failures.insert(out.failures.end(), r.failures.begin(), r.failures.end());
    if (r.checked == 0) return;
    out.attention_weight = std::min(out.attention_weight, r.attention_weight);
    out.attention_gap = std::min(out.attention_gap, r.attention_gap);
    out.copy_input = std::min(out.copy_input, r.copy_input);
    out.logit_gap = std::min(out.logit_gap, r.logit_gap);
}

report read_part(std::string const& file) {
    try {
        return read_report(read_text(file, "--merge"));
    } catch (json_error const& e) {
        throw usage_error(fmt::format("--merge: \"{}\" is not a ctformer-check report: {}", file, e.what()));
    }
}

}  // namespace

std::string read_text(std::string const& file, char const* option) {
    std::ifstream in(file);
    if (!in) throw usage_error(fmt::format("{}: cannot read \"{}\"", option, file));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

report merge_reports(std::vector<std::string> const& files) {
    report out;
    std::set<std::uint64_t> seen;
    for (std::size_t i = 0; i < files.size(); ++i) {
        report const r = read_part(files[i]);
        if (i == 0)
            out = empty_merge(r);
        else if (!r.same_check(out))
            throw usage_error(fmt::format(
                "--merge: \"{}\" is a part of a different check (digits, ranges, sample or shard count differ)", files[i]));
        for (auto s : r.merged_shards.empty() ? std::vector<std::uint64_t>{r.shard} : r.merged_shards) {
            if (!seen.insert(s).second)
                throw usage_error(
                    fmt::format("--merge: shard {}/{} appears twice (again in \"{}\")", s + 1, out.shards, files[i]));
            out.merged_shards.push_back(s);
        }
        add_part(out, r);
    }
    std::sort(out.merged_shards.begin(), out.merged_shards.end());
    out.complete = out.complete && out.merged_shards.size() == out.shards;
    return out;
}

}  // namespace ctformer::tools::check
