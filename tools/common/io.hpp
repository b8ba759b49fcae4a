// tools/common/io.hpp — what both tools promise about their files, their output and their exit status.
//
// Exit status, the same in `ctformer` and `ctformer-check` (docs/tools.md: Exit status):
//   0    done: complete, and every answer (or proof) right
//   1    a wrong answer: a pair the network adds wrong, a bound that does not fit, a proof that fails
//   2    bad usage or a bad input file (the message names the option, the file and the field)
//   3    incomplete: a merge that lacks parts, a total short of the requested range
//   4    an output or system failure: cannot write, out of memory, cannot start work
//   130  interrupted (SIGINT or SIGTERM)
// A check that is both wrong and incomplete exits 1.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ctformer::tools {

enum exit_status : int {
    exit_ok = 0,
    exit_wrong = 1,
    exit_usage = 2,
    exit_incomplete = 3,
    exit_failure = 4,
    exit_interrupted = 130,
};

/// The user's mistake: a bad option or a bad input file (exit status 2). The message names what.
struct input_error : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

/// The system refused what the work needs: memory, a thread (exit status 4).
struct system_failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Output that cannot be written: a file, a directory, stdout (exit status 4).
struct output_error : system_failure {
    using system_failure::system_failure;
};

/// A wait that SIGINT or SIGTERM ended before the work began (exit status 130).
struct interrupted_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// An exclusive lock (flock(2)) on the lock file beside a file that one process at a time may
/// write: PATH.lock, created if needed, never removed, holding the process id of the lock's
/// holder. Released when the object is destroyed, or when the process ends, however it ends.
class file_lock {
public:
    file_lock() = default;
    file_lock(file_lock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    file_lock& operator=(file_lock&& o) noexcept;
    file_lock(file_lock const&) = delete;
    file_lock& operator=(file_lock const&) = delete;
    ~file_lock();

    /// Takes the lock of `path` if no process holds it: true. Otherwise false, and `holder` is the
    /// process id the holder wrote (0 if it could not write it). Throws input_error naming `option` when
    /// PATH.lock is not a regular file, output_error when it cannot be created.
    bool try_take(std::string const& path, std::string_view option, long& holder);
    bool held() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

/// The largest file the tools read (a report, a resume file, a merge part): 64 MiB.
inline constexpr std::uint64_t max_input_bytes = std::uint64_t{64} << 20;

/// The whole of `path`; throws input_error naming `option`, the file and why when it cannot be
/// read, is not a regular file (a FIFO is opened without waiting for a writer, then refused), or
/// holds more than `max_bytes` (read no further than that).
std::string read_file_bounded(std::string const& path, char const* option, std::uint64_t max_bytes = max_input_bytes);

/// What `path` is when it exists and is not a regular file ("a FIFO", "a symbolic link", "a
/// character device", ...; a symbolic link is not followed); empty when it is one or is absent.
std::string special_file_kind(std::string const& path);

/// Throws input_error (exit status 2), "WHAT: "PATH": is a FIFO, not a regular file …", when `path`
/// exists and is not a regular file: the tools never replace a device, a FIFO, a socket, a
/// directory or a symbolic link (nor what it points to) with a file of their own.
void refuse_special_file(std::string const& path, std::string_view what);

/// Writes `content` to `path` so that `path` holds either what it held before or all of the new
/// content (a `path` that is not a regular file is refused first: refuse_special_file): a temporary file in the same directory is written, flushed, fsync'd, closed and
/// checked, then renamed over `path`. Throws output_error naming the path and the reason; the
/// temporary file is removed and `path` is left as it was.
void write_file_atomically(std::string const& path, std::string_view content);

/// Throws input_error if `path` is not a regular file (refuse_special_file), output_error if a file
/// cannot be created next to it (its directory is missing or not writable), so that a run finds
/// out before it starts its work, not at its first save.
void check_writable(std::string const& path);

/// Writes to stdout; throws output_error when it cannot (a full disk, a closed stdout).
void print_out(std::string_view text);

/// A message on stderr, best effort: it never throws, so an error that cannot be reported still
/// ends with its own exit status, not an abort. Control characters but newline and tab are written
/// as \xNN, so no text from a file or an argument reaches the terminal as an escape sequence.
void tell(std::string_view message) noexcept;

/// Call in a catch block: tells the error in flight on stderr, prefixed with `tool`, and returns its
/// exit status: 2 for bad usage or a bad input (std::invalid_argument: input_error, a malformed
/// prompt, a digit count out of range), 4 for what the system refused (system_failure, bad_alloc,
/// std::system_error: fmt's failed writes, a thread that cannot start) and for anything else, 130
/// for interrupted_error.
int exit_status_of_error(std::string_view tool) noexcept;

/// Flushes stdout and stderr. Returns false, after telling why on stderr, when what was written
/// to stdout did not all reach it.
bool flush_outputs() noexcept;

}  // namespace ctformer::tools
