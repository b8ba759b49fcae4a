// tools/check/sweep.cpp — the sweep over a check's pairs. The pairs are numbered (row-major over
// the two ranges, or the sample's draws), a shard takes its share of the numbers, and worker
// threads take blocks of 4096 in turn, checking each with check_block (the prompt tree walk over
// one a and a run of b): the very forward pass the static_asserts evaluate, on the CPU. A monitor
// thread shows the progress and saves the --resume file every 5 s.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>

#include <unistd.h>

#include <fmt/core.h>

#include "../digits.hpp"
#include "check.hpp"

namespace ctformer::tools::check {

namespace {

std::atomic<bool> stop_requested{false};
extern "C" void on_signal(int) { stop_requested.store(true); }
bool stopping() { return stop_requested.load(std::memory_order_relaxed); }

constexpr std::uint64_t block = 4096;
using steady = std::chrono::steady_clock;

double seconds(steady::duration d) { return std::chrono::duration<double>(d).count(); }

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

template <std::size_t D>
failure failure_of(addition_result const& res) {
    failure f;
    for (auto id : make_prompt<D>(res.a, res.b).ids) f.prompt += vocabulary[id];
    for (char c : expected_answer<D>(res.a, res.b)) f.expected += c;
    for (char c : res.got) {
        if (c == 0) break;
        f.got += c;
    }
    return f;
}

/// Checks the pairs numbered [i0, i1) of the check `r` describes into `out`.
using pairs_checker = void (*)(report const& r, std::uint64_t i0, std::uint64_t i1, std::size_t max_failures, tally& out);

template <class Model>
void check_pairs(report const& r, std::uint64_t i0, std::uint64_t i1, std::size_t max_failures, tally& out) {
    auto on_result = [&](addition_result const& res, margins const& m) {
        ++out.checked;
        out.margin.merge(m);
        out.digest += pair_hash(res.a, res.b);
        if (res.right)
            ++out.right;
        else if (out.failures.size() < max_failures)
            out.failures.push_back(failure_of<Model::digits>(res));
    };
    std::uint64_t const width = r.right_hi - r.right_lo + 1;
    if (r.mode == "sample") {
        std::uint64_t const left_n = r.left_hi - r.left_lo + 1;
        for (std::uint64_t i = i0; i < i1 && !stopping(); ++i) {
            std::uint64_t const h = splitmix64(r.rng_seed * 0x100000001b3ull ^ i);
            std::uint64_t const a = r.left_lo + h % left_n, b = r.right_lo + splitmix64(h) % width;
            check_block<Model>(a, b, b + 1, on_result, stopping);
        }
        return;
    }
    // split [i0, i1) at row boundaries: each piece is one a and a run of b
    for (std::uint64_t i = i0; i < i1 && !stopping();) {
        std::uint64_t const row = i / width, col = i % width;
        std::uint64_t const len = std::min(i1 - i, width - col);
        check_block<Model>(r.left_lo + row, r.right_lo + col, r.right_lo + col + len, on_result, stopping);
        i += len;
    }
}

/// The smallest margins into the report: this run's, if it checked anything, and those of the
/// earlier runs of a --resume file, if there were any.
void set_margins(report& r, margins const& m, bool any_new, report const& earlier) {
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

/// One sweep: the shard's share of the pairs, the workers, the monitor, the result.
class sweep_run {
public:
    sweep_run(report& r, sweep_options const& o, pairs_checker check)
        : r_(r), o_(o), check_(check), resuming_(!o.resume_file.empty()) {
        std::uint64_t const width = r.right_hi - r.right_lo + 1;
        std::uint64_t const space = r.mode == "sample" ? r.sample : (r.left_hi - r.left_lo + 1) * width;
        begin_ = space / r.shards * r.shard + std::min(r.shard, space % r.shards);
        end_ = begin_ + space / r.shards + (r.shard < space % r.shards ? 1 : 0);
        r.total = end_ - begin_;
        rs_.file = o.resume_file;
        if (resuming_) load_resume(rs_, r, block, (r.total + block - 1) / block);
        done_before_ = rs_.done;
        next_ = begin_;
        progress_ = rs_.resumed;
    }

    void run() {
        t0_ = steady::now();
        std::vector<tally> states(o_.threads);
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < o_.threads; ++t) pool.emplace_back([this, &states, t] { work(states[t]); });
        std::atomic<bool> done{false};
        std::thread watcher([&] { monitor(done); });
        for (auto& t : pool) t.join();
        done.store(true);
        watcher.join();
        r_.elapsed_s = seconds(steady::now() - t0_);
        finish(states);
    }

private:
    /// A worker: takes the next block until none is left, skipping those a --resume file holds.
    void work(tally& st) {
        while (!stopping()) {
            std::uint64_t const i0 = next_.fetch_add(block);
            if (i0 >= end_) break;
            std::uint64_t const i1 = std::min(end_, i0 + block), id = (i0 - begin_) / block;
            if (resuming_ && done_before_[id]) continue;  // counted in progress_ already
            tally blk;
            check_(r_, i0, i1, o_.max_failures, blk);
            st.merge(blk, o_.max_failures);
            if (resuming_ && blk.checked == i1 - i0) {
                std::lock_guard<std::mutex> lock(resume_mutex_);
                rs_.found.merge(blk, o_.max_failures);
                rs_.done[id] = true;
            }
            progress_.fetch_add(i1 - i0, std::memory_order_relaxed);
        }
    }

    void monitor(std::atomic<bool> const& done) {
        bool const tty = isatty(STDERR_FILENO) != 0;
        auto last_line = t0_, last_save = t0_;
        while (!done.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
            auto const now = steady::now();
            if (resuming_ && seconds(now - last_save) >= 5) {
                last_save = now;
                std::lock_guard<std::mutex> lock(resume_mutex_);
                save_resume(rs_, r_, block);
            }
            if (tty)
                show_progress(now, true);
            else if (seconds(now - last_line) >= 10)
                last_line = now, show_progress(now, false);
        }
        if (tty) fmt::print(stderr, "\r{}\r", std::string(100, ' '));
    }

    /// A progress bar on a terminal, else a line.
    void show_progress(steady::time_point now, bool bar) const {
        double const secs = seconds(now - t0_);
        std::uint64_t const p = std::min(progress_.load(), r_.total);
        double const rate = secs > 0 ? static_cast<double>(p - std::min(p, rs_.resumed)) / secs : 0;
        double const eta = rate > 0 ? static_cast<double>(r_.total - p) / rate : 0;
        double const frac = r_.total ? static_cast<double>(p) / static_cast<double>(r_.total) : 1;
        if (!bar) {
            fmt::print(stderr, "ctformer-check: {}/{} ({:.1f}%), {:.0f}/s, ETA {}\n", p, r_.total, 100 * frac, rate,
                       format_duration(eta));
            return;
        }
        auto const filled = static_cast<std::size_t>(frac * 30);
        fmt::print(stderr, "\r[{}{}] {:5.1f}% {}/{} {:.0f}/s ETA {}  ", std::string(filled, '#'), std::string(30 - filled, '.'),
                   100 * frac, p, r_.total, rate, format_duration(eta));
    }

    /// What the workers found into the report; with --resume, what the file now holds (whole
    /// blocks only), saved once more.
    void finish(std::vector<tally> const& states) {
        tally all;
        if (resuming_) {
            save_resume(rs_, r_, block);
            all = rs_.found;
            r_.resumed = rs_.resumed;
        } else {
            for (auto const& st : states) all.merge(st, o_.max_failures);
        }
        r_.checked = all.checked;
        r_.right = all.right;
        r_.pairs_digest = all.digest;
        r_.failures = all.failures;
        r_.complete = r_.checked == r_.total && !interrupted();
        set_margins(r_, all.margin, all.checked > r_.resumed, rs_.earlier);
    }

    report& r_;
    sweep_options const& o_;
    pairs_checker check_;
    bool resuming_;
    std::uint64_t begin_ = 0, end_ = 0;
    resume_state rs_;
    std::vector<bool> done_before_;  ///< the blocks the --resume file held at the start (read without a lock)
    std::mutex resume_mutex_;
    std::atomic<std::uint64_t> next_{0}, progress_{0};
    steady::time_point t0_;
};

}  // namespace

void tally::merge(tally const& o, std::size_t max_failures) {
    checked += o.checked;
    right += o.right;
    digest += o.digest;
    margin.merge(o.margin);
    for (auto const& f : o.failures)
        if (failures.size() < max_failures) failures.push_back(f);
}

bool interrupted() { return stop_requested.load(); }

void sweep(report& r, sweep_options const& o) {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    auto const check = with_digits(r.digits, [](auto model) -> pairs_checker { return &check_pairs<decltype(model)>; });
    sweep_run(r, o, check).run();
}

}  // namespace ctformer::tools::check
