// ctformer-check-mpi — ctformer-check over the ranks of an Open MPI job:
//     mpirun -np N ctformer-check-mpi [ctformer-check's options]
//
// Every rank parses the same options and works out the same check (plan). Rank 0 runs the sweep
// exactly as ctformer-check does — its own --threads workers (default 1: MPI runs one rank per
// core), the --resume file, the progress line, the report — and serves the sweep's blocks to the
// other ranks from a thread of its own (rank_server). A worker rank asks for a block, checks it
// with the same forward pass (check_ops_for(D).check_pairs), and hands back what it found with
// its next request, so a fast rank simply asks more often and all ranks finish together; each of
// its threads asks one block ahead, so that the reply comes while it checks. The
// report is rank 0's: the same fields, counts and pairs_digest as ctformer-check's for the same
// check, since the blocks, and the tally of each, are the same.
//
// A stop (SIGINT or SIGTERM to mpirun, which passes it on to every rank): each rank ends its block
// early and hands back what it checked; rank 0 hands out no more, waits for every rank to say it
// has finished (at most grace_period), saves the --resume file and reports, exit status 130. A
// --resume file keeps whole blocks only, whichever rank checked them, so a block cut short or lost
// with a rank that died is checked again on resume and nothing is counted twice. A rank that is
// killed ends the whole job (mpirun says which rank); the --resume file keeps its last save.
//
// Exit status: as ctformer-check's (tools/common/io.hpp), from rank 0, which mpirun passes on: 0 complete
// and every pair right, 1 a pair is wrong, 2 bad usage or a bad --resume file, 3 incomplete (a rank
// did not finish), 4 an output or system failure (on any rank: its message names the rank),
// 130 interrupted. The other ranks exit 0 and leave the status to rank 0 (mpirun ends the whole
// job, rank 0 too, as soon as one rank exits with another status), except the ones an MPI failure
// or a signal kills. mpirun itself, when it is signalled, ends the job after 1 s
// (odls_base_sigkill_timeout) and exits 1 whatever the ranks did.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <mpi.h>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "check/check.hpp"
#include "check/cli.hpp"
#include "common/json.hpp"

namespace {

using namespace ctformer::tools;
using namespace ctformer::tools::check;
using namespace ctformer::tools::check::cli;
using steady = std::chrono::steady_clock;

constexpr char const* tool = "ctformer-check-mpi";

/// How long rank 0 waits, once the sweep stops, for the other ranks to finish.
constexpr std::chrono::seconds grace_period{10};

// The messages, each a JSON document (tools/common/json.hpp):
//   tag_request  rank k → 0: {"thread": j, "done": block or null, "more": bool}; block = {"id",
//                "i0", "i1", "whole", "tally"}. Thread j of rank k asks for another block (more)
//                and hands back the one it finished; rank 0 gives each thread a run of
//                neighbouring blocks (block_queue), as it does its own threads.
//   reply_tag(j) 0 → rank k, one per request, in order: {"id", "i0", "i1"}, or null: no block
//                (none left, or the sweep stops). A thread keeps one request ahead of its work:
//                it asks for its next block as it starts one, so the reply (rank 0 looks for
//                requests every millisecond) arrives while it checks.
//   tag_bye      rank k → 0: {"error": message or null}: every thread of rank k has finished.
constexpr int tag_request = 1, tag_bye = 3;
constexpr int reply_tag(std::uint64_t thread) { return 16 + static_cast<int>(thread); }  // --threads ≤ 1024 < MPI_TAG_UB − 16

json tally_json(tally const& t) {
    json failures = json::array();
    for (auto const& f : t.failures) failures.push_back({f.prompt, f.expected, f.got});
    return {{"checked", t.checked},
            {"right", t.right},
            {"digest", t.digest},
            {"margins",
             {t.margin.attention_weight.raw, t.margin.attention_gap.raw, t.margin.copy_input.raw, t.margin.logit_gap.raw}},
            {"failures", failures}};
}

tally tally_of(json const& j) {
    tally t;
    t.checked = j.at("checked").get<std::uint64_t>();
    t.right = j.at("right").get<std::uint64_t>();
    t.digest = j.at("digest").get<std::uint64_t>();
    auto const& m = j.at("margins");
    t.margin.attention_weight = ctformer::fixed::from_raw(m.at(0).get<std::int64_t>());
    t.margin.attention_gap = ctformer::fixed::from_raw(m.at(1).get<std::int64_t>());
    t.margin.copy_input = ctformer::fixed::from_raw(m.at(2).get<std::int64_t>());
    t.margin.logit_gap = ctformer::fixed::from_raw(m.at(3).get<std::int64_t>());
    for (auto const& f : j.at("failures")) t.failures.push_back({f.at(0).get<std::string>(), f.at(1).get<std::string>(), f.at(2).get<std::string>()});
    return t;
}

json job_json(block_job const& b) { return {{"id", b.id}, {"i0", b.i0}, {"i1", b.i1}}; }

block_job job_of(json const& j) { return {j.at("id").get<std::uint64_t>(), j.at("i0").get<std::uint64_t>(), j.at("i1").get<std::uint64_t>()}; }

void send(json const& message, int to, int tag) {
    std::string const text = message.dump();
    MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

/// The message `status` announced (MPI_Probe or MPI_Iprobe), received.
json receive(MPI_Status const& status) {
    int length = 0;
    MPI_Get_count(&status, MPI_CHAR, &length);
    std::string text(static_cast<std::size_t>(length), '\0');
    MPI_Recv(text.data(), length, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return json::parse(text);
}

/// Rank 0's side: hands out the sweep's blocks to ranks 1..N-1 as they ask, takes back what they
/// found, and counts the ranks that have finished.
class rank_server final : public block_server {
public:
    explicit rank_server(int ranks) : finished_(static_cast<std::size_t>(ranks), false) { finished_[0] = true; }

    void serve(block_source& source) override { serve(source, false); }

    /// Answers every request with "no block" until each rank has finished, unless serving has
    /// already given up on them: after a check that never started its workers (bad usage, a bad
    /// --resume file) or that ended in an error.
    void refuse() {
        if (gave_up_) return;
        struct no_blocks final : block_source {
            std::optional<block_job> next_block(std::uint64_t) override { return std::nullopt; }
            void block_done(block_job const&, tally const&, bool) override {}
            void remote_failure(std::exception_ptr) override {}
        } none;
        serve(none, true);
    }

    /// The ranks that have not said they finished.
    std::vector<int> unfinished() const {
        std::vector<int> out;
        for (std::size_t k = 0; k < finished_.size(); ++k)
            if (!finished_[k]) out.push_back(static_cast<int>(k));
        return out;
    }

private:
    void serve(block_source& source, bool stopped) {
        std::optional<steady::time_point> stop_seen;
        if (stopped) stop_seen = steady::now();
        while (!unfinished().empty()) {
            int flag = 0;
            MPI_Status status;
            MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
            if (!flag) {
                if (!stop_seen && stopping()) stop_seen = steady::now();
                if (stop_seen && steady::now() - *stop_seen > grace_period) {
                    gave_up_ = true;
                    return;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                continue;
            }
            json const message = receive(status);
            int const from = status.MPI_SOURCE;
            if (status.MPI_TAG == tag_bye) {
                finished_[static_cast<std::size_t>(from)] = true;
                if (auto const& e = message.at("error"); !e.is_null())
                    source.remote_failure(
                        std::make_exception_ptr(system_failure(fmt::format("rank {}: {}", from, e.get<std::string>()))));
                continue;
            }
            if (auto const& done = message.at("done"); !done.is_null())
                source.block_done(job_of(done), tally_of(done.at("tally")), done.at("whole").get<bool>());
            std::optional<block_job> next;
            auto const thread = message.at("thread").get<std::uint32_t>();
            if (message.at("more").get<bool>()) next = source.next_block(static_cast<std::uint64_t>(from) << 32 | thread);
            send(next ? job_json(*next) : json(nullptr), from, reply_tag(thread));
        }
    }

    std::vector<bool> finished_;
    bool gave_up_ = false;
};

/// A finished block as a request hands it back.
json done_json(block_job const& job, tally const& found) {
    json done = job_json(job);
    done["whole"] = found.checked == job.i1 - job.i0;
    done["tally"] = tally_json(found);
    return done;
}

/// A worker rank: its threads ask rank 0 for blocks and check them until rank 0 has none left or
/// the rank is stopped; then it says it has finished (with the error that stopped it, if any:
/// rank 0 reports it and exits 4). Each thread keeps one request ahead of its work (reply_tag).
class rank_worker {
public:
    rank_worker(report const& r, check_options const& o) : r_(r), o_(o), check_pairs_(check_ops_for(r.program, r.digits).check_pairs) {}

    void run() {
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < o_.threads && !failed_.load(); ++t) {
            try {
                pool.emplace_back([this, t] { work(t); });
            } catch (std::exception const& e) {
                fail(fmt::format("cannot start worker thread {} of {}: {}", t + 1, o_.threads, e.what()));
            }
        }
        for (auto& t : pool) t.join();
        send({{"error", failed_.load() ? json(error_) : json(nullptr)}}, 0, tag_bye);
    }

private:
    void fail(std::string const& what) {
        std::lock_guard<std::mutex> lock(error_mutex_);
        if (!failed_.exchange(true)) error_ = what;
    }
    /// The exception being handled, as the rank's error.
    void fail_with_current() {
        try {
            throw;
        } catch (std::exception const& e) {
            fail(e.what());
        } catch (...) {
            fail("an unknown error");
        }
    }

    /// A request of `thread`: `done` back (or null), and another block unless the rank stops.
    void ask(unsigned thread, json done) {
        std::lock_guard<std::mutex> lock(mpi_);
        send({{"thread", thread}, {"done", std::move(done)}, {"more", !stopping() && !failed_.load()}}, 0, tag_request);
    }

    /// The reply to the thread's oldest request still out; the lock is let go between looks, so
    /// that the rank's other threads can send meanwhile.
    std::optional<block_job> answer(unsigned thread) {
        for (;;) {
            {
                std::lock_guard<std::mutex> lock(mpi_);
                int flag = 0;
                MPI_Status status;
                MPI_Iprobe(0, reply_tag(thread), MPI_COMM_WORLD, &flag, &status);
                if (flag) {
                    json const reply = receive(status);
                    if (reply.is_null()) return std::nullopt;
                    return job_of(reply);
                }
            }
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    }

    /// Worker thread `thread`: its blocks, one request ahead, then the replies still out.
    void work(unsigned thread) {
        std::size_t out = 0;  // requests whose reply has not been taken
        try {
            ask(thread, nullptr), ++out;  // the first block
            ask(thread, nullptr), ++out;  // the one ahead
            std::optional<block_job> job = answer(thread);
            --out;
            while (job) {
                tally found;
                check_pairs_(r_, job->i0, job->i1, o_.max_failures, found);
                ask(thread, done_json(*job, found)), ++out;  // this block back, one more ahead
                job = answer(thread);
                --out;
            }
        } catch (...) {
            fail_with_current();
        }
        // Once a reply is null, so are the later ones (no block is left, or the sweep stops); a
        // block that comes all the same, or after a failure, goes back unchecked (a --resume run
        // checks it).
        try {
            while (out > 0) {
                --out;
                if (auto const late = answer(thread)) ask(thread, done_json(*late, tally{})), ++out;
            }
        } catch (...) {
            fail_with_current();
        }
    }

    report const& r_;
    check_options const& o_;
    pairs_checker const check_pairs_;
    std::mutex mpi_;  ///< one MPI call at a time (MPI_THREAD_SERIALIZED)
    std::atomic<bool> failed_{false};
    std::string error_;
    std::mutex error_mutex_;
};

/// Rank 0: the sweep with the other ranks as extra workers, and its report. Returns the exit
/// status, and whether every rank finished (MPI_Finalize would wait for one that did not).
std::pair<int, bool> run_rank_0(CLI::App const& app, check_options const& o, rank_server& server) {
    int status = exit_ok;
    try {
        check_given(app, o);
        if (!o.merge.empty()) throw usage_error("--merge: merge finished reports with ctformer-check --merge, not over MPI");
        report r = plan(o);
        sweep(r, {o.threads, o.max_failures, o.resume, o.wait, &server});
        if (auto const missing = server.unfinished(); !missing.empty()) {
            std::string ranks;
            for (int k : missing) ranks += fmt::format("{}{}", ranks.empty() ? "" : ", ", k);
            tell(fmt::format("{}: rank(s) {} did not finish within {} s of the stop; what they were checking is not counted "
                             "(--resume checks it again)\n",
                             tool, ranks, grace_period.count()));
            r.complete = false;
        }
        if (o.json)
            print_out(report_json(r));
        else
            print_report(r);
        status = status_of(r, tool);
    } catch (...) {
        status = exit_status_of_error(tool);
    }
    try {
        server.refuse();  // returns at once when every rank has finished
    } catch (...) {
        status = exit_status_of_error(tool);
    }
    return {status, server.unfinished().empty()};
}

int run(int argc, char** argv, int rank, int ranks) {
    CLI::App app{fmt::format(
        "{}: ctformer-check over the ranks of an Open MPI job (mpirun -np N {} ...): rank 0 hands out the blocks\n"
        "and reports. Exit status: 0 complete and every pair right, 1 a pair is wrong, 2 bad usage or a bad\n"
        "input file, 3 incomplete, 4 an output or system failure (on any rank), 130 interrupted.",
        tool, tool)};
    check_options o;
    o.threads = 1;
    add_options(app, o, "1 per rank");
    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {  // every rank parses the same options: none starts work
        if (rank != 0) return exit_ok;
        return app.exit(e) == 0 ? exit_ok : exit_usage;
    }
    if (rank == 0) {
        rank_server server(ranks);
        auto const [status, all_finished] = run_rank_0(app, o, server);
        if (!flush_outputs()) return exit_failure;
        if (!all_finished) MPI_Abort(MPI_COMM_WORLD, status == exit_ok ? exit_incomplete : status);
        return status;
    }
    catch_stop_signals();
    report r;
    try {
        check_given(app, o);
        r = plan(o);
    } catch (usage_error const&) {  // rank 0 finds the same mistake and says it
        send({{"error", nullptr}}, 0, tag_bye);
        return exit_ok;
    }
    rank_worker(r, o).run();
    return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGXFSZ, SIG_IGN);  // as ctformer-check: a write past `ulimit -f` is an error, not a kill
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
    int rank = 0, ranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    int status = exit_ok;
    if (provided < MPI_THREAD_SERIALIZED) {
        if (rank == 0) tell(fmt::format("{}: this MPI library does not allow threads to take turns (MPI_THREAD_SERIALIZED)\n", tool));
        status = exit_failure;
    } else {
        try {
            status = run(argc, argv, rank, ranks);
        } catch (...) {
            status = exit_status_of_error(tool);
        }
    }
    MPI_Finalize();
    return status;
}
