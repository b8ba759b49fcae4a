// tools/check/resume.cpp — ctformer-check --resume FILE: the blocks done so far and what they found,
// kept as runs of blocks (records), and checked against the check, itself and the network when
// read back.
#include <cerrno>
#include <chrono>
#include <thread>

#include <sys/stat.h>

#include <fmt/core.h>

#include "common/json.hpp"
#include "check.hpp"

namespace ctformer::tools::check {

void load_resume(resume_state& rs, report const& r, std::uint64_t block, bool wait) {
    std::string const where = fmt::format("--resume \"{}\"", rs.file);
    refuse_special_file(rs.file, "--resume");
    for (long holder = 0; !rs.lock.try_take(rs.file, "--resume", holder);) {
        if (!wait)
            throw usage_error(fmt::format("{}: in use by another run (process {}): one run at a time keeps its work in a "
                                          "resume file; give --wait to wait for it to end",
                                          where, holder ? std::to_string(holder) : "unknown"));
        if (interrupted()) throw interrupted_error(fmt::format("{}: interrupted while waiting for another run to end", where));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // A symbolic link (dangling or not, a loop), a FIFO or a device is neither read nor replaced.
    refuse_special_file(rs.file, "--resume");  // again: a run that waited, waited for something else
    struct stat st {};
    if (::lstat(rs.file.c_str(), &st) != 0 && errno == ENOENT) return;  // no file yet: a new run
    std::string const text = read_file_bounded(rs.file, "--resume");
    try {
        rs.earlier = read_report(text);
    } catch (json_error const& e) {
        throw usage_error(fmt::format("{}: not a ctformer-check resume file: {}", where, e.what()));
    }
    verify_report(rs.earlier, where);
    if (!rs.earlier.same_check(r) || rs.earlier.shard != r.shard || !rs.earlier.merged_shards.empty())
        throw usage_error(fmt::format("{}: belongs to a different check (program, digits, ranges, sample or shard differ)", where));
    if (rs.earlier.block != block)
        throw usage_error(fmt::format("{}: \"block\": written with blocks of {} pairs, not {}", where, rs.earlier.block, block));
    recheck_sample(rs.earlier, where);
    for (auto const& rec : rs.earlier.records) rs.done.insert_run(rec.first, rec.last, tally_of(rec));
    rs.resumed = rs.earlier.checked;
}

void save_resume(resume_state const& rs, report const& base) {
    report out = base;
    report_records(out, rs.done);
    out.complete = out.checked == out.total;
    out.resumed = rs.resumed;
    write_file_atomically(rs.file, report_json(out));
}

}  // namespace ctformer::tools::check
