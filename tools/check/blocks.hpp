// tools/check/blocks.hpp — the order in which a sweep hands out its blocks to the workers.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

namespace ctformer::tools::check {

/// Hands out the numbers 0..n-1 (the k-th block still to do), each exactly once, so that every
/// worker checks a run of consecutive blocks. A worker's memo (exact_walker) keeps the states of
/// the operands it checked: neighbouring blocks share most of them, so a worker taking blocks
/// k, k+1, k+2, ... finds them known, where workers taking turns (k, k+2, k+4, ...) would each
/// meet, and compute, nearly every state of the whole check (the seed set took as long on two
/// threads as on one). The first worker to ask takes the whole run; a worker whose run is spent
/// takes the back half of the longest run left (work stealing by halves), so workers of any speed
/// finish together. Thread-safe; a worker is any number the caller chooses, one per thread.
class block_queue {
public:
    explicit block_queue(std::uint64_t n) : unclaimed_{run{0, n}} {}

    /// The next number for `worker`; none when every number has been handed out.
    std::optional<std::uint64_t> next(std::uint64_t worker) {
        std::lock_guard<std::mutex> lock(mutex_);
        run& mine = runs_[worker];
        if (mine.first == mine.last && !refill(mine)) return std::nullopt;
        return mine.first++;
    }

private:
    struct run {
        std::uint64_t first = 0, last = 0;  ///< [first, last)
        std::uint64_t size() const { return last - first; }
    };

    /// An empty run refilled: with the numbers nobody has taken yet, else with the back half
    /// (rounded up) of the longest run. False when nothing is left.
    bool refill(run& mine) {
        if (unclaimed_) {
            mine = *unclaimed_;
            unclaimed_.reset();
            return mine.size() > 0;
        }
        run* longest = nullptr;
        for (auto& [worker, r] : runs_)
            if (!longest || r.size() > longest->size()) longest = &r;
        if (longest->size() == 0) return false;
        std::uint64_t const middle = longest->first + longest->size() / 2;
        mine = run{middle, longest->last};
        longest->last = middle;
        return true;
    }

    std::mutex mutex_;
    std::optional<run> unclaimed_;
    std::map<std::uint64_t, run> runs_;
};

}  // namespace ctformer::tools::check
