// ctformer-check — run the proven network over every input (or a range, a sample, a shard).
//
// The very forward pass the static_asserts evaluate runs here on the CPU: no second model. Speed
// comes from doing less of the same arithmetic: the compiled sparse layers, the cached-embedding
// rows, the prompt tree walk (check_block), and threads.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "digits.hpp"
#include "report.hpp"

namespace {

using ctformer::tools::report;

std::atomic<bool> interrupted{false};
extern "C" void on_sigint(int) { interrupted.store(true); }

struct usage_error : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

/// "A..B" (inclusive) within [0, limit).
std::pair<std::uint64_t, std::uint64_t> parse_range(std::string const& text, std::uint64_t limit, char const* option) {
    auto const dots = text.find("..");
    auto number = [&](std::string const& s) {
        if (s.empty() || s.size() > 12 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
            throw usage_error(fmt::format("{} \"{}\": expected A..B with non-negative integers A ≤ B", option, text));
        return std::stoull(s);
    };
    if (dots == std::string::npos) throw usage_error(fmt::format("{} \"{}\": expected A..B (for example 0..999)", option, text));
    auto const lo = number(text.substr(0, dots)), hi = number(text.substr(dots + 2));
    if (lo > hi) throw usage_error(fmt::format("{} \"{}\": the range is empty (A > B)", option, text));
    if (hi >= limit) throw usage_error(fmt::format("{} \"{}\": {} has more digits than --digits allows (at most {})", option, text, hi, limit - 1));
    return {lo, hi};
}

/// "K/N" with 1 ≤ K ≤ N; returned 0-based.
std::pair<std::uint64_t, std::uint64_t> parse_shard(std::string const& text) {
    auto const slash = text.find('/');
    auto fail = [&] { return usage_error(fmt::format("--shard \"{}\": expected K/N with 1 ≤ K ≤ N (for example 3/8)", text)); };
    if (slash == std::string::npos) throw fail();
    std::string const k = text.substr(0, slash), n = text.substr(slash + 1);
    auto digits_only = [](std::string const& s) { return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); };
    if (!digits_only(k) || !digits_only(n)) throw fail();
    auto const kk = std::stoull(k), nn = std::stoull(n);
    if (kk < 1 || kk > nn) throw fail();
    return {kk - 1, nn};
}

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}


std::string format_duration(double s) {
    auto const t = static_cast<std::uint64_t>(s);
    return fmt::format("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
}

/// What a set of checked pairs found; merged by sum (counts, digest) and min (margins).
struct tally {
    std::uint64_t checked = 0, right = 0, digest = 0;
    std::vector<ctformer::tools::failure> failures;
    ctformer::margins margin{};
    void merge(tally const& o, std::size_t max_failures) {
        checked += o.checked;
        right += o.right;
        digest += o.digest;
        margin.merge(o.margin);
        for (auto const& f : o.failures)
            if (failures.size() < max_failures) failures.push_back(f);
    }
};

/// The state a --resume file keeps: the blocks that are done and what they found. A block cut
/// short by an interrupt is not done: a resumed run checks it again from its start.
struct resume_state {
    std::string file;
    std::vector<bool> done;  ///< per block
    tally found;             ///< over the done blocks, this run's and earlier runs'
    std::uint64_t resumed = 0;  ///< pairs the file held when this run started
};

/// Loads a --resume file into `rs` for the check `r` describes, or leaves `rs` empty when the file
/// does not exist yet. The file must describe the same check.
void load_resume(resume_state& rs, report const& r, std::uint64_t block, std::uint64_t blocks, report& earlier) {
    std::ifstream in(rs.file);
    rs.done.assign(blocks, false);
    if (!in) return;
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        earlier = ctformer::tools::from_json(ss.str());
    } catch (ctformer::tools::json_error const& e) {
        throw usage_error(fmt::format("--resume: \"{}\" is not a ctformer-check resume file: {}", rs.file, e.what()));
    }
    if (earlier.digits != r.digits || earlier.mode != r.mode || earlier.left_lo != r.left_lo || earlier.left_hi != r.left_hi ||
        earlier.right_lo != r.right_lo || earlier.right_hi != r.right_hi || earlier.sample != r.sample || earlier.seed != r.seed ||
        earlier.shard != r.shard || earlier.shards != r.shards)
        throw usage_error(fmt::format("--resume: \"{}\" belongs to a different check (digits, ranges, sample or shard differ)", rs.file));
    if (earlier.block != block) throw usage_error(fmt::format("--resume: \"{}\" was written with blocks of {} pairs, not {}", rs.file, earlier.block, block));
    for (auto const& [first, last] : earlier.done_blocks) {
        if (first > last || last >= blocks) throw usage_error(fmt::format("--resume: \"{}\" names a block outside this check", rs.file));
        for (std::uint64_t b = first; b <= last; ++b) {
            if (rs.done[b]) throw usage_error(fmt::format("--resume: \"{}\" names block {} twice", rs.file, b));
            rs.done[b] = true;
        }
    }
    rs.found.checked = earlier.checked;
    rs.found.right = earlier.right;
    rs.found.digest = earlier.pairs_digest;
    for (auto const& f : earlier.failures) rs.found.failures.push_back(f);
    rs.resumed = earlier.checked;
}

/// Writes the resume file: the report of the done blocks and their list. Written to a temporary
/// file first and renamed, so an interrupt never leaves a half-written file.
void save_resume(resume_state const& rs, report const& base, std::uint64_t block, report const& earlier) {
    report out = base;
    out.checked = rs.found.checked;
    out.right = rs.found.right;
    out.pairs_digest = rs.found.digest;
    out.failures = rs.found.failures;
    out.complete = std::all_of(rs.done.begin(), rs.done.end(), [](bool d) { return d; });
    out.block = block;
    out.done_blocks.clear();
    for (std::uint64_t b = 0; b < rs.done.size(); ++b) {
        if (!rs.done[b]) continue;
        if (!out.done_blocks.empty() && out.done_blocks.back().second + 1 == b) out.done_blocks.back().second = b;
        else out.done_blocks.emplace_back(b, b);
    }
    ctformer::margins const& m = rs.found.margin;
    bool const any_new = rs.found.checked > rs.resumed;
    out.attention_weight = std::min(earlier.checked ? earlier.attention_weight : 1.0, any_new ? m.attention_weight.to_double() : 1.0);
    out.attention_gap = std::min(earlier.checked ? earlier.attention_gap : 1e30, any_new ? m.attention_gap.to_double() : 1e30);
    out.copy_input = std::min(earlier.checked ? earlier.copy_input : 1e30, any_new ? m.copy_input.to_double() : 1e30);
    out.logit_gap = std::min(earlier.checked ? earlier.logit_gap : 1e30, any_new ? m.logit_gap.to_double() : 1e30);
    std::string const tmp = rs.file + ".tmp";
    {
        std::ofstream f(tmp, std::ios::trunc);
        f << ctformer::tools::to_json(out);
        if (!f) throw std::runtime_error(fmt::format("--resume: cannot write \"{}\"", tmp));
    }
    if (std::rename(tmp.c_str(), rs.file.c_str()) != 0) throw std::runtime_error(fmt::format("--resume: cannot replace \"{}\"", rs.file));
}

template <class Model>
void run(report& r, unsigned threads, std::size_t max_failures, std::string const& resume_file) {
    constexpr std::size_t D = Model::digits;
    std::uint64_t const width = r.right_hi - r.right_lo + 1;
    std::uint64_t const space = r.mode == "sample" ? r.sample : (r.left_hi - r.left_lo + 1) * width;
    std::uint64_t const begin = space / r.shards * r.shard + std::min(r.shard, space % r.shards);
    std::uint64_t const end = begin + space / r.shards + (r.shard < space % r.shards ? 1 : 0);
    r.total = end - begin;

    constexpr std::uint64_t block = 4096;
    std::uint64_t const blocks = (r.total + block - 1) / block;
    bool const resuming = !resume_file.empty();
    resume_state rs{resume_file, {}, {}, 0};
    report earlier;
    if (resuming) load_resume(rs, r, block, blocks, earlier);
    std::mutex resume_mutex;

    std::atomic<std::uint64_t> next{begin}, progress{rs.resumed};
    std::vector<tally> states(threads);
    auto const stop = [] { return interrupted.load(std::memory_order_relaxed); };

    auto worker = [&](tally& st) {
        tally blk;
        auto on_result = [&](ctformer::addition_result const& res, ctformer::margins const& m) {
            ++blk.checked;
            blk.margin.merge(m);
            blk.digest += ctformer::tools::pair_hash(res.a, res.b);
            if (res.right) {
                ++blk.right;
            } else if (blk.failures.size() < max_failures) {
                auto const p = ctformer::make_prompt<D>(res.a, res.b);
                std::string prompt, expected, got;
                for (auto id : p.ids) prompt += ctformer::vocabulary[id];
                for (char c : ctformer::expected_answer<D>(res.a, res.b)) expected += c;
                for (char c : res.got) {
                    if (c == 0) break;
                    got += c;
                }
                blk.failures.push_back({prompt, expected, got});
            }
        };
        while (!stop()) {
            std::uint64_t const i0 = next.fetch_add(block);
            if (i0 >= end) break;
            std::uint64_t const i1 = std::min(end, i0 + block);
            std::uint64_t const id = (i0 - begin) / block;
            if (resuming && rs.done[id]) continue;  // done in an earlier run (counted in `progress` already)
            blk = tally{};
            if (r.mode == "sample") {
                std::uint64_t const left_n = r.left_hi - r.left_lo + 1;
                for (std::uint64_t i = i0; i < i1 && !stop(); ++i) {
                    std::uint64_t const h = splitmix64(r.seed * 0x100000001b3ull ^ i);
                    std::uint64_t const a = r.left_lo + h % left_n, b = r.right_lo + splitmix64(h) % width;
                    ctformer::check_block<Model>(a, b, b + 1, on_result, stop);
                }
            } else {
                // split [i0, i1) at row boundaries: each piece is one a and a run of b
                for (std::uint64_t i = i0; i < i1 && !stop();) {
                    std::uint64_t const row = i / width, col = i % width;
                    std::uint64_t const len = std::min(i1 - i, width - col);
                    ctformer::check_block<Model>(r.left_lo + row, r.right_lo + col, r.right_lo + col + len, on_result, stop);
                    i += len;
                }
            }
            st.merge(blk, max_failures);
            if (resuming && blk.checked == i1 - i0) {
                std::lock_guard<std::mutex> lock(resume_mutex);
                rs.found.merge(blk, max_failures);
                rs.done[id] = true;
            }
            progress.fetch_add(i1 - i0, std::memory_order_relaxed);
        }
    };

    auto const t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker, std::ref(states[t]));

    bool const tty = isatty(STDERR_FILENO) != 0;
    auto last_line = t0, last_save = t0;
    std::atomic<bool> done{false};
    std::thread monitor([&] {
        while (!done.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
            auto const now = std::chrono::steady_clock::now();
            if (resuming && std::chrono::duration<double>(now - last_save).count() >= 5) {
                last_save = now;
                std::lock_guard<std::mutex> lock(resume_mutex);
                save_resume(rs, r, block, earlier);
            }
            double const secs = std::chrono::duration<double>(now - t0).count();
            std::uint64_t const p = std::min(progress.load(), r.total);
            double const rate = secs > 0 ? static_cast<double>(p - std::min(p, rs.resumed)) / secs : 0;
            double const eta = rate > 0 ? static_cast<double>(r.total - p) / rate : 0;
            double const frac = r.total ? static_cast<double>(p) / static_cast<double>(r.total) : 1;
            if (tty) {
                int const filled = static_cast<int>(frac * 30);
                fmt::print(stderr, "\r[{}{}] {:5.1f}% {}/{} {:.0f}/s ETA {}  ", std::string(static_cast<std::size_t>(filled), '#'),
                           std::string(static_cast<std::size_t>(30 - filled), '.'), 100 * frac, p, r.total, rate, format_duration(eta));
            } else if (std::chrono::duration<double>(now - last_line).count() >= 10) {
                last_line = now;
                fmt::print(stderr, "ctformer-check: {}/{} ({:.1f}%), {:.0f}/s, ETA {}\n", p, r.total, 100 * frac, rate, format_duration(eta));
            }
        }
        if (tty) fmt::print(stderr, "\r{}\r", std::string(100, ' '));
    });
    for (auto& t : pool) t.join();
    done.store(true);
    monitor.join();
    r.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    tally all;
    if (resuming) {
        // Only whole blocks count: what the file now holds.
        save_resume(rs, r, block, earlier);
        all = rs.found;
        r.resumed = rs.resumed;
    } else {
        for (auto const& st : states) all.merge(st, max_failures);
    }
    r.checked = all.checked;
    r.right = all.right;
    r.pairs_digest = all.digest;
    r.failures = all.failures;
    r.complete = r.checked == r.total && !interrupted.load();
    ctformer::margins const& m = all.margin;
    bool const any_new = all.checked > r.resumed;
    if (any_new) {
        r.attention_weight = m.attention_weight.to_double();
        r.attention_gap = m.attention_gap.to_double();
        r.copy_input = m.copy_input.to_double();
        r.logit_gap = m.logit_gap.to_double();
    }
    if (r.resumed > 0) {
        r.attention_weight = std::min(r.attention_weight, earlier.attention_weight);
        r.attention_gap = std::min(r.attention_gap, earlier.attention_gap);
        r.copy_input = std::min(r.copy_input, earlier.copy_input);
        r.logit_gap = std::min(r.logit_gap, earlier.logit_gap);
    }
}

void print_human(report const& r) {
    std::string what = r.mode == "sample"
                           ? fmt::format("a sample of {} pairs (seed {}) from {}..{} + {}..{}", r.sample, r.seed, r.left_lo, r.left_hi, r.right_lo, r.right_hi)
                           : fmt::format("{}..{} + {}..{}", r.left_lo, r.left_hi, r.right_lo, r.right_hi);
    fmt::print("ctformer-check: {}-digit additions, {}", r.digits, what);
    if (!r.merged_shards.empty()) fmt::print(", merged from {} of {} shards", r.merged_shards.size(), r.shards);
    else if (r.shards > 1) fmt::print(", shard {}/{}", r.shard + 1, r.shards);
    fmt::print("\n");
    fmt::print("checked {} of {}{}: {} right, {} wrong\n", r.checked, r.total, r.complete ? "" : " (INCOMPLETE)", r.right, r.wrong());
    for (auto const& f : r.failures)
        fmt::print("  FAIL {}  expected {}  got {}\n", f.prompt, ctformer::tools::visible(f.expected), ctformer::tools::visible(f.got));
    if (r.wrong() > r.failures.size()) fmt::print("  ... and {} more failures (raise --max-failures to list them)\n", r.wrong() - r.failures.size());
    if (r.resumed > 0) fmt::print("resumed: {} of these pairs were checked by earlier runs (--resume)\n", r.resumed);
    if (r.elapsed_s > 0) {
        double const rate = static_cast<double>(r.checked - std::min(r.checked, r.resumed)) / r.elapsed_s;
        fmt::print("elapsed {:.2f} s, {:.0f} additions/s ({:.0f}x the seed notebook's 114/s)\n", r.elapsed_s, rate, rate / 114.0);
    }
    if (r.checked > 0)
        fmt::print("smallest margins: attention top weight {:.6f}, attention score gap {:.3f}, copy-step input |pre| {:.3f}, output logit gap {:.6f}\n",
                   r.attention_weight, r.attention_gap, r.copy_input, r.logit_gap);
}

report merge_reports(std::vector<std::string> const& files) {
    report out;
    std::set<std::uint64_t> seen;
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::ifstream in(files[i]);
        if (!in) throw usage_error(fmt::format("--merge: cannot read \"{}\"", files[i]));
        std::stringstream ss;
        ss << in.rdbuf();
        report r;
        try {
            r = ctformer::tools::from_json(ss.str());
        } catch (ctformer::tools::json_error const& e) {
            throw usage_error(fmt::format("--merge: \"{}\" is not a ctformer-check report: {}", files[i], e.what()));
        }
        std::vector<std::uint64_t> shards = r.merged_shards.empty() ? std::vector<std::uint64_t>{r.shard} : r.merged_shards;
        if (i == 0) {
            out = r;
            out.checked = out.right = out.total = out.pairs_digest = out.resumed = 0;
            out.block = 0;
            out.done_blocks.clear();
            out.failures.clear();
            out.merged_shards.clear();
            out.elapsed_s = 0;
            out.complete = true;
            out.attention_weight = 1;
            out.attention_gap = out.copy_input = out.logit_gap = 1e30;
        } else if (r.digits != out.digits || r.mode != out.mode || r.left_lo != out.left_lo || r.left_hi != out.left_hi ||
                   r.right_lo != out.right_lo || r.right_hi != out.right_hi || r.sample != out.sample || r.seed != out.seed ||
                   r.shards != out.shards) {
            throw usage_error(fmt::format("--merge: \"{}\" is a part of a different check (digits, ranges, sample or shard count differ)", files[i]));
        }
        for (auto s : shards) {
            if (!seen.insert(s).second) throw usage_error(fmt::format("--merge: shard {}/{} appears twice (again in \"{}\")", s + 1, out.shards, files[i]));
            out.merged_shards.push_back(s);
        }
        out.total += r.total;
        out.checked += r.checked;
        out.right += r.right;
        out.pairs_digest += r.pairs_digest;
        out.complete = out.complete && r.complete;
        out.elapsed_s = std::max(out.elapsed_s, r.elapsed_s);
        for (auto const& f : r.failures) out.failures.push_back(f);
        if (r.checked > 0) {
            out.attention_weight = std::min(out.attention_weight, r.attention_weight);
            out.attention_gap = std::min(out.attention_gap, r.attention_gap);
            out.copy_input = std::min(out.copy_input, r.copy_input);
            out.logit_gap = std::min(out.logit_gap, r.logit_gap);
        }
    }
    std::sort(out.merged_shards.begin(), out.merged_shards.end());
    out.complete = out.complete && out.merged_shards.size() == out.shards;
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"ctformer-check: check the constexpr adder on every input with the same forward pass the proofs use.\n"
                 "Exit status: 0 all checked pairs right, 1 a pair is wrong, 2 bad usage, 130 interrupted."};
    std::size_t digits = 4, max_failures = 20;
    std::string left, right, shard, resume;
    bool seed_set = false, json = false;
    std::uint64_t sample = 0, seed = 1;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::string> merge;
    app.add_option("--digits,-d", digits, "operand digit count D (1-8)")->check(CLI::Range(1, 8));
    app.add_option("--left", left, "first operands, inclusive range A..B (default 0..10^D-1)");
    app.add_option("--right", right, "second operands, inclusive range C..D (default 0..10^D-1)");
    app.add_flag("--seed-set", seed_set, "the seed notebook's own set: both operands 0..999 (4 digits)");
    auto* sample_opt = app.add_option("--sample", sample, "check N random pairs from the ranges instead of all")->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    app.add_option("--seed", seed, "random seed for --sample")->needs(sample_opt);
    app.add_option("--threads,-j", threads, "worker threads (default: all cores)")->check(CLI::Range(1, 1024));
    app.add_option("--shard", shard, "check part K of N disjoint parts (K/N, 1 ≤ K ≤ N)");
    app.add_option("--merge", merge, "combine the JSON reports of a sharded check into one")->expected(1, -1);
    app.add_flag("--json", json, "print the report as JSON on stdout");
    app.add_option("--resume", resume,
                   "keep the finished work in FILE (written every 5 s and at the end); if FILE exists, skip what it holds");
    app.add_option("--max-failures", max_failures, "list at most this many failures")->check(CLI::Range(0, 1000000));
    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        int const code = app.exit(e);
        return code == 0 ? 0 : 2;
    }

    report r;
    try {
        if (!merge.empty()) {
            if (!left.empty() || !right.empty() || seed_set || sample || !shard.empty() || !resume.empty())
                throw usage_error("--merge combines finished reports; it takes no --left, --right, --seed-set, --sample, --shard or --resume");
            r = merge_reports(merge);
        } else {
            r.digits = digits;
            std::uint64_t const limit = ctformer::power_of_ten(digits);
            r.left_lo = r.right_lo = 0;
            r.left_hi = r.right_hi = limit - 1;
            if (seed_set) {
                if (digits != 4 || !left.empty() || !right.empty())
                    throw usage_error("--seed-set is the seed's 4-digit set 0..999 + 0..999; it takes no --digits, --left or --right");
                r.left_hi = r.right_hi = 999;
            }
            if (!left.empty()) std::tie(r.left_lo, r.left_hi) = parse_range(left, limit, "--left");
            if (!right.empty()) std::tie(r.right_lo, r.right_hi) = parse_range(right, limit, "--right");
            if (sample) {
                r.mode = "sample";
                r.sample = sample;
                r.seed = seed;
            }
            if (!shard.empty()) std::tie(r.shard, r.shards) = parse_shard(shard);
            std::signal(SIGINT, on_sigint);
            std::signal(SIGTERM, on_sigint);
            ctformer::tools::with_digits(digits, [&](auto model) { run<decltype(model)>(r, threads, max_failures, resume); });
        }
    } catch (usage_error const& e) {
        fmt::print(stderr, "ctformer-check: {}\n", e.what());
        return 2;
    } catch (std::invalid_argument const& e) {
        fmt::print(stderr, "ctformer-check: {}\n", e.what());
        return 2;
    } catch (std::exception const& e) {
        fmt::print(stderr, "ctformer-check: internal error: {}\n", e.what());
        return 1;
    }
    if (json) fmt::print("{}", ctformer::tools::to_json(r));
    else print_human(r);
    if (r.wrong() > 0) return 1;
    if (interrupted.load()) return 130;
    return 0;
}
