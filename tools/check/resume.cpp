// tools/check/resume.cpp — ctformer-check --resume FILE: the blocks done so far and what they found.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/core.h>

#include "../json.hpp"
#include "check.hpp"

namespace ctformer::tools::check {

namespace {

/// Marks the blocks the file lists as done; each must lie inside this check and appear once.
void mark_done(resume_state& rs, std::uint64_t blocks) {
    for (auto const& [first, last] : rs.earlier.done_blocks) {
        if (first > last || last >= blocks)
            throw usage_error(fmt::format("--resume: \"{}\" names a block outside this check", rs.file));
        for (std::uint64_t b = first; b <= last; ++b) {
            if (rs.done[b]) throw usage_error(fmt::format("--resume: \"{}\" names block {} twice", rs.file, b));
            rs.done[b] = true;
        }
    }
}

/// The done blocks as [first, last] ranges.
std::vector<std::pair<std::uint64_t, std::uint64_t>> done_ranges(std::vector<bool> const& done) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    for (std::uint64_t b = 0; b < done.size(); ++b) {
        if (!done[b]) continue;
        if (!out.empty() && out.back().second + 1 == b)
            out.back().second = b;
        else
            out.emplace_back(b, b);
    }
    return out;
}

/// The smaller of an earlier run's margin (if it checked anything) and this run's (if it did).
double least(bool earlier_checked, double earlier, bool any_new, fixed now, double none) {
    return std::min(earlier_checked ? earlier : none, any_new ? now.to_double() : none);
}

}  // namespace

void load_resume(resume_state& rs, report const& r, std::uint64_t block, std::uint64_t blocks) {
    std::ifstream in(rs.file);
    rs.done.assign(blocks, false);
    if (!in) return;
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        rs.earlier = read_report(ss.str());
    } catch (json_error const& e) {
        throw usage_error(fmt::format("--resume: \"{}\" is not a ctformer-check resume file: {}", rs.file, e.what()));
    }
    if (!rs.earlier.same_check(r) || rs.earlier.shard != r.shard)
        throw usage_error(
            fmt::format("--resume: \"{}\" belongs to a different check (digits, ranges, sample or shard differ)", rs.file));
    if (rs.earlier.block != block)
        throw usage_error(
            fmt::format("--resume: \"{}\" was written with blocks of {} pairs, not {}", rs.file, rs.earlier.block, block));
    mark_done(rs, blocks);
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
    out.complete = std::all_of(rs.done.begin(), rs.done.end(), [](bool d) { return d; });
    out.block = block;
    out.done_blocks = done_ranges(rs.done);
    margins const& m = rs.found.margin;
    bool const had = rs.earlier.checked > 0, any_new = rs.found.checked > rs.resumed;
    out.attention_weight = least(had, rs.earlier.attention_weight, any_new, m.attention_weight, 1.0);
    out.attention_gap = least(had, rs.earlier.attention_gap, any_new, m.attention_gap, 1e30);
    out.copy_input = least(had, rs.earlier.copy_input, any_new, m.copy_input, 1e30);
    out.logit_gap = least(had, rs.earlier.logit_gap, any_new, m.logit_gap, 1e30);
    std::string const tmp = rs.file + ".tmp";
    {
        std::ofstream f(tmp, std::ios::trunc);
        f << report_json(out);
        if (!f) throw std::runtime_error(fmt::format("--resume: cannot write \"{}\"", tmp));
    }
    if (std::rename(tmp.c_str(), rs.file.c_str()) != 0)
        throw std::runtime_error(fmt::format("--resume: cannot replace \"{}\"", rs.file));
}

}  // namespace ctformer::tools::check
