// tools/check/print.cpp — ctformer-check's report in words.
#include <algorithm>

#include <fmt/core.h>

#include "check.hpp"

namespace ctformer::tools::check {

namespace {

/// What was checked: the ranges or the sample, and the shard or the merged shards.
void print_what(report const& r) {
    char const op = check_ops_for(r.program, r.digits).operation;
    std::string const what = r.mode == "sample" ? fmt::format("a sample of {} pairs (random seed {}) from {}..{} {} {}..{}", r.sample,
                                                              r.rng_seed, r.left_lo, r.left_hi, op, r.right_lo, r.right_hi)
                                                : fmt::format("{}..{} {} {}..{}", r.left_lo, r.left_hi, op, r.right_lo, r.right_hi);
    fmt::print("ctformer-check: {}-digit {}, {}", r.digits, prompts_noun(r.program), what);
    if (!r.merged_shards.empty()) {
        fmt::print(", merged from {} of {} shards", r.merged_shards.size(), r.shards);
        if (auto const missing = missing_shards(r); !missing.empty()) fmt::print(" (missing {})", missing);
    }
    else if (r.shards > 1)
        fmt::print(", shard {}/{}", r.shard + 1, r.shards);
    fmt::print("\n");
}

}  // namespace

void print_report(report const& r) {
    print_what(r);
    fmt::print("checked {} of {}{}: {} right, {} wrong\n", r.checked, r.total, r.complete ? "" : " (INCOMPLETE)", r.right,
               r.wrong());
    for (auto const& f : r.failures)
        fmt::print("  FAIL {}  expected {}  got {}\n", f.prompt, visible(f.expected), visible(f.got));
    if (r.wrong() > r.failures.size())
        fmt::print("  ... and {} more failures (raise --max-failures to list them)\n", r.wrong() - r.failures.size());
    if (r.resumed > 0) fmt::print("resumed: {} of these pairs were checked by earlier runs (--resume)\n", r.resumed);
    if (r.elapsed_s > 0) {
        double const rate = static_cast<double>(r.checked - std::min(r.checked, r.resumed)) / r.elapsed_s;
        // The seed notebook's own log: 10^6 additions in 3:33:21, 78.12 it/s (its last cell's progress bar).
        fmt::print("elapsed {:.2f} s, {:.0f} {}/s ({:.0f}x the seed notebook's 78/s)\n", r.elapsed_s, rate, prompts_noun(r.program),
                   rate / 78.12);
    }
    if (r.checked > 0)
        fmt::print(
            "smallest margins: attention top weight {:.6f}, attention score gap {:.3f}, copy-step input |pre| {:.3f}, output "
            "logit gap {:.6f}\n",
            r.attention_weight, r.attention_gap, r.copy_input, r.logit_gap);
}

}  // namespace ctformer::tools::check
