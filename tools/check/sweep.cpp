// tools/check/sweep.cpp — the sweep over a check's pairs. The pairs are numbered (row-major over
// the two ranges, or the sample's draws), a shard takes its share of the numbers, and worker
// threads take blocks of 4096, each a run of neighbouring blocks (block_queue), checking each
// with check_block (the prompt tree walk over one a and a run of b): the very forward pass the
// static_asserts evaluate, on the CPU. Other processes (ctformer-check-mpi's ranks) may take
// blocks from the same queue through a block_server's thread. A monitor thread shows the progress
// and saves the --resume file every 5 s. No exception leaves a thread: the first one stops the
// sweep and sweep() rethrows it.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <cstdio>
#include <mutex>
#include <system_error>
#include <thread>
#include <tuple>

#include <unistd.h>

#include <fmt/core.h>

#include "blocks.hpp"
#include "check.hpp"

namespace ctformer::tools::check {

namespace {

std::atomic<bool> stop_requested{false};  // SIGINT or SIGTERM
std::atomic<bool> abort_requested{false};  // a worker or a save failed: the others stop too
extern "C" void on_signal(int) { stop_requested.store(true); }

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

/// One sweep: the shard's share of the pairs, the workers, the monitor, the result.
class sweep_run final : public block_source {
public:
    sweep_run(report& r, sweep_options const& o, pairs_checker check)
        : r_(r), o_(o), check_(check), resuming_(!o.resume_file.empty()) {
        std::tie(begin_, end_) = shard_span(r, r.shard);
        r.total = end_ - begin_;
        r.block = block;
        r.max_failures = o.max_failures;
        blocks_ = (r.total + block - 1) / block;
        rs_.file = o.resume_file;
        rs_.done = record_set(o.max_failures);
        if (resuming_) {
            load_resume(rs_, r, block, o.wait);
            check_writable(rs_.file);  // before any work: a run must be able to keep what it does
            save_resume(rs_, r_);
        }
        todo_ = rs_.done.complement(blocks_);
        for (auto const& [first, last] : todo_) todo_end_.push_back((todo_end_.empty() ? 0 : todo_end_.back()) + last - first + 1);
        queue_.emplace(todo_end_.empty() ? 0 : todo_end_.back());
        progress_ = rs_.resumed;
    }

    void run() {
        t0_ = steady::now();
        std::vector<std::thread> pool;
        pool.reserve(o_.threads);
        for (unsigned t = 0; t < o_.threads && !stopping(); ++t)
            start([&] { pool.emplace_back([this, t] { work(t); }); }, t);
        {
            std::lock_guard<std::mutex> lock(gate_mutex_);
            gate_open_ = true;  // every worker started, or one could not start (which stops them)
        }
        gate_.notify_all();
        std::thread watcher;
        start([&] { watcher = std::thread([&] { monitor(); }); }, o_.threads);
        std::thread server;
        if (o_.server) start([&] { server = std::thread([this] { serve(); }); }, o_.threads + 1);
        for (auto& t : pool) t.join();
        if (server.joinable()) server.join();
        r_.elapsed_s = seconds(steady::now() - t0_);  // the work's time, not the monitor's wake-up
        {
            std::lock_guard<std::mutex> lock(monitor_mutex_);
            done_ = true;
        }
        wake_monitor_.notify_one();
        if (watcher.joinable()) watcher.join();
        if (error_) std::rethrow_exception(error_);
        finish();
    }

private:
    /// Block id of the k-th block still to do.
    std::uint64_t todo_block(std::uint64_t k) const {
        auto const it = std::upper_bound(todo_end_.begin(), todo_end_.end(), k);
        std::size_t const r = static_cast<std::size_t>(it - todo_end_.begin());
        std::uint64_t const before = r == 0 ? 0 : todo_end_[r - 1];
        return todo_[r].first + (k - before);
    }

public:
    std::optional<block_job> next_block(std::uint64_t worker) override {
        if (stopping()) return std::nullopt;
        auto const k = queue_->next(worker);
        if (!k) return std::nullopt;
        std::uint64_t const id = todo_block(*k);
        std::uint64_t const i0 = begin_ + id * block;
        return block_job{id, i0, std::min(end_, i0 + block)};
    }

    void block_done(block_job const& job, tally const& found, bool whole) override { record(job, found, whole); }

    void remote_failure(std::exception_ptr e) override { fail(e); }

private:
    /// A finished block into the records (whole blocks only: a block cut short is not counted) and
    /// the progress.
    void record(block_job const& job, tally const& found, bool whole) {
        if (whole) {
            std::lock_guard<std::mutex> lock(resume_mutex_);
            rs_.done.insert(job.id, found);
        }
        progress_.fetch_add(job.i1 - job.i0, std::memory_order_relaxed);
    }

    /// Worker `t`: once every worker has been started, takes its next block still to do until
    /// none is left. (A thread that cannot start is then reported before any worker fills its
    /// memo, which would otherwise race it for the memory.)
    void work(unsigned t) noexcept {
        try {
            {
                std::unique_lock<std::mutex> lock(gate_mutex_);
                gate_.wait(lock, [this] { return gate_open_; });
            }
            while (auto const job = next_block(t)) {
                tally blk;
                check_(r_, job->i0, job->i1, o_.max_failures, blk);
                record(*job, blk, blk.checked == job->i1 - job->i0);
            }
        } catch (...) {
            fail(std::current_exception());
        }
    }

    /// The thread that serves blocks to other processes.
    void serve() noexcept {
        try {
            o_.server->serve(*this);
        } catch (...) {
            fail(std::current_exception());
        }
    }

    /// Starts thread `t` (the workers, then the monitor); one that cannot start stops the others.
    template <class Start>
    void start(Start&& go, unsigned t) noexcept {
        try {
            go();
        } catch (std::exception const& e) {
            try {
                fail(std::make_exception_ptr(system_failure(
                    t < o_.threads    ? fmt::format("cannot start worker thread {} of {}: {}", t + 1, o_.threads, e.what())
                    : t == o_.threads ? fmt::format("cannot start the progress thread: {}", e.what())
                                      : fmt::format("cannot start the thread that serves other processes: {}", e.what()))));
            } catch (...) {
                fail(std::current_exception());
            }
        }
    }

    /// The first failure stops every worker; run() rethrows it.
    void fail(std::exception_ptr e) noexcept {
        std::lock_guard<std::mutex> lock(error_mutex_);
        if (!error_) error_ = e;
        abort_requested.store(true);
    }

    /// Every 250 ms until the work is done (and at once then): the progress, the periodic save.
    void monitor() noexcept {
        bool const tty = isatty(STDERR_FILENO) != 0;
        auto last_line = t0_, last_save = t0_;
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(monitor_mutex_);
                if (wake_monitor_.wait_for(lock, std::chrono::milliseconds(250), [this] { return done_; })) break;
            }
            auto const now = steady::now();
            if (resuming_ && seconds(now - last_save) >= 5) {
                last_save = now;
                try {
                    std::lock_guard<std::mutex> lock(resume_mutex_);
                    save_resume(rs_, r_);
                } catch (...) {
                    fail(std::current_exception());
                }
            }
            if (tty)
                show_progress(now, true);
            else if (seconds(now - last_line) >= 10)
                last_line = now, show_progress(now, false);
        }
        if (tty) tell("\r" + std::string(100, ' ') + "\r");
    }

    /// A progress bar on a terminal, else a line; a line that cannot be written is dropped.
    void show_progress(steady::time_point now, bool bar) const noexcept {
        try {
            double const secs = seconds(now - t0_);
            std::uint64_t const p = std::min(progress_.load(), r_.total);
            double const rate = secs > 0 ? static_cast<double>(p - std::min(p, rs_.resumed)) / secs : 0;
            double const eta = rate > 0 ? static_cast<double>(r_.total - p) / rate : 0;
            double const frac = r_.total ? static_cast<double>(p) / static_cast<double>(r_.total) : 1;
            if (!bar) {
                tell(fmt::format("ctformer-check: {}/{} ({:.1f}%), {:.0f}/s, ETA {}\n", p, r_.total, 100 * frac, rate,
                                 format_duration(eta)));
                return;
            }
            auto const filled = static_cast<std::size_t>(frac * 30);
            tell(fmt::format("\r[{}{}] {:5.1f}% {}/{} {:.0f}/s ETA {}  ", std::string(filled, '#'), std::string(30 - filled, '.'),
                             100 * frac, p, r_.total, rate, format_duration(eta)));
        } catch (...) {  // out of memory for a line: no line
        }
    }

    /// What the workers found into the report, from the records of the blocks done (with
    /// --resume, the earlier runs' too; what the file now holds, saved once more).
    void finish() {
        if (resuming_) save_resume(rs_, r_);
        report_records(r_, rs_.done);
        r_.resumed = rs_.resumed;
        r_.complete = r_.checked == r_.total && !interrupted();
    }

    report& r_;
    sweep_options const& o_;
    pairs_checker check_;
    bool resuming_;
    std::uint64_t begin_ = 0, end_ = 0, blocks_ = 0;
    resume_state rs_;  ///< the blocks done (under resume_mutex_), with or without a --resume file
    std::vector<record_set::range> todo_;  ///< the blocks to do: all, or those the --resume file does not hold
    std::vector<std::uint64_t> todo_end_;  ///< blocks to do up to and including each range of todo_
    std::mutex resume_mutex_, error_mutex_, monitor_mutex_;
    std::condition_variable wake_monitor_;
    bool done_ = false;  ///< the workers have finished (under monitor_mutex_)
    std::mutex gate_mutex_;
    std::condition_variable gate_;
    bool gate_open_ = false;  ///< the workers may begin (under gate_mutex_)
    std::exception_ptr error_;
    std::optional<block_queue> queue_;  ///< hands out the k of todo_block(k)
    std::atomic<std::uint64_t> progress_{0};
    steady::time_point t0_;
};

}  // namespace

std::uint64_t pair_count(report const& r) {
    return r.mode == "sample" ? r.sample : (r.left_hi - r.left_lo + 1) * (r.right_hi - r.right_lo + 1);
}

bool pair_count_fits(report const& r) {
    std::uint64_t n = 0;
    return r.mode == "sample" || !__builtin_mul_overflow(r.left_hi - r.left_lo + 1, r.right_hi - r.right_lo + 1, &n);
}

std::pair<std::uint64_t, std::uint64_t> pair_at(report const& r, std::uint64_t i) {
    std::uint64_t const width = r.right_hi - r.right_lo + 1;
    if (r.mode == "sample") {
        std::uint64_t const h = splitmix64(r.rng_seed * 0x100000001b3ull ^ i);
        return {r.left_lo + h % (r.left_hi - r.left_lo + 1), r.right_lo + splitmix64(h) % width};
    }
    return {r.left_lo + i / width, r.right_lo + i % width};
}

std::pair<std::uint64_t, std::uint64_t> shard_span(report const& r, std::uint64_t k) {
    std::uint64_t const space = pair_count(r);
    std::uint64_t const begin = space / r.shards * k + std::min(k, space % r.shards);
    return {begin, begin + space / r.shards + (k < space % r.shards ? 1 : 0)};
}

std::uint64_t digest_of(report const& r, std::uint64_t i0, std::uint64_t i1) {
    std::uint64_t digest = 0;
    constexpr std::uint64_t chunk = std::uint64_t{1} << 20;  // SIGINT and SIGTERM are looked at between chunks
    auto stop_if_asked = [] {
        if (interrupted()) throw interrupted_error("interrupted while recomputing the pairs digest of a file's work");
    };
    if (r.mode == "sample") {
        for (std::uint64_t i = i0; i < i1; ++i) {
            if ((i - i0) % chunk == chunk - 1) stop_if_asked();
            auto const [a, b] = pair_at(r, i);
            digest += pair_hash(a, b);
        }
        return digest;
    }
    std::uint64_t const width = r.right_hi - r.right_lo + 1;
    for (std::uint64_t i = i0; i < i1;) {  // row by row, a chunk at most at a time
        std::uint64_t const a = r.left_lo + i / width, col = i % width;
        std::uint64_t const len = std::min({i1 - i, width - col, chunk});
        for (std::uint64_t b = r.right_lo + col; b < r.right_lo + col + len; ++b) digest += pair_hash(a, b);
        i += len;
        stop_if_asked();
    }
    return digest;
}

std::pair<failure, bool> recheck(report const& r, std::uint64_t a, std::uint64_t b) {
    return check_ops_for(r.program, r.digits).recheck(r.digits, a, b);
}

void tally::merge(tally const& o, std::size_t max_failures) {
    checked += o.checked;
    right += o.right;
    digest += o.digest;
    margin.merge(o.margin);
    for (auto const& f : o.failures)
        if (failures.size() < max_failures) failures.push_back(f);
}

bool interrupted() { return stop_requested.load(); }

bool stopping() { return stop_requested.load(std::memory_order_relaxed) || abort_requested.load(std::memory_order_relaxed); }

void catch_stop_signals() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}

void sweep(report& r, sweep_options const& o) {
    catch_stop_signals();
    sweep_run(r, o, check_ops_for(r.program, r.digits).check_pairs).run();
}

}  // namespace ctformer::tools::check
