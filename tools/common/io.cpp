// tools/common/io.cpp — bounded reads, checked and atomic writes, checked stdout (tools/common/io.hpp).
#include "io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ctformer::tools {

namespace {

std::string reason(int err) { return std::strerror(err); }

/// The directory a path's file lives in ("." for a bare name).
std::string directory_of(std::string const& path) {
    auto const slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

/// A new, empty temporary file next to `path`; returns its descriptor and fills `name`.
int make_temporary(std::string const& path, std::string& name) {
    name = path + ".tmp.XXXXXX";
    int const fd = ::mkstemp(name.data());
    if (fd < 0) throw output_error("cannot write \"" + path + "\": cannot create a file in " + directory_of(path) + ": " + reason(errno));
    return fd;
}

/// write(2) until all of `data` is written; false with errno set otherwise.
bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t const n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

/// What a file's mode makes it, in words, for one that is not a regular file.
char const* kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

}  // namespace

std::string special_file_kind(std::string const& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return {};
    return kind_of(st.st_mode);
}

void refuse_special_file(std::string const& path, std::string_view what) {
    if (auto const kind = special_file_kind(path); !kind.empty())
        throw input_error(std::string(what) + ": \"" + path + "\": is " + kind +
                          ", not a regular file (the tools write and replace regular files only)");
}

std::string read_file_bounded(std::string const& path, char const* option, std::uint64_t max_bytes) {
    std::string const what = std::string(option) + ": \"" + path + "\"";
    // O_NONBLOCK: opening a FIFO does not wait for a writer (it is refused below, as is anything
    // but a regular file: a device has no end, a FIFO can block a read for ever).
    int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw input_error(what + ": cannot read it: " + reason(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int const err = errno;
        ::close(fd);
        throw input_error(what + ": cannot read it: " + reason(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw input_error(what + ": is " + kind_of(st.st_mode) + ", not a regular file");
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    std::string text;
    char buffer[1 << 16];
    for (;;) {
        ssize_t const n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            int const err = errno;
            ::close(fd);
            throw input_error(what + ": cannot read it: " + reason(err));
        }
        if (n == 0) break;
        if (text.size() + static_cast<std::size_t>(n) > max_bytes) {
            ::close(fd);
            throw input_error(what + ": larger than " + std::to_string(max_bytes >> 20) +
                              " MiB, the most a report or resume file may hold");
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
}

void write_file_atomically(std::string const& path, std::string_view content) {
    refuse_special_file(path, "cannot write");
    std::string tmp;
    int const fd = make_temporary(path, tmp);
    auto fail = [&](char const* step, int err) {
        ::unlink(tmp.c_str());
        throw output_error("cannot write \"" + path + "\" (" + step + "): " + reason(err) + "; the file is left as it was");
    };
    if (!write_all(fd, content)) {
        int const err = errno;
        ::close(fd);
        fail("write", err);
    }
    if (::fsync(fd) != 0) {
        int const err = errno;
        ::close(fd);
        fail("fsync", err);
    }
    if (::close(fd) != 0) fail("close", errno);
    // mkstemp makes the file 0600; a written file gets the mode any new file would (0666 & ~umask).
    mode_t const mask = ::umask(0);
    ::umask(mask);
    ::chmod(tmp.c_str(), 0666 & ~mask);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) fail("rename", errno);
}

void check_writable(std::string const& path) {
    refuse_special_file(path, "cannot write");
    std::string tmp;
    int const fd = make_temporary(path, tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
}

file_lock& file_lock::operator=(file_lock&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

file_lock::~file_lock() {
    if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the lock
}

bool file_lock::try_take(std::string const& path, std::string_view option, long& holder) {
    std::string const name = path + ".lock";
    refuse_special_file(name, option);
    int const fd = ::open(name.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0666);
    if (fd < 0) {
        if (errno == ELOOP) refuse_special_file(name, option);  // it became a link meanwhile
        throw output_error("cannot write \"" + name + "\" (the lock file beside \"" + path + "\"): " + reason(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw input_error(std::string(option) + ": \"" + name + "\": is not a regular file");
    }
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        int const err = errno;
        if (err != EWOULDBLOCK) {
            ::close(fd);
            throw output_error("cannot lock \"" + name + "\": " + reason(err));
        }
        char text[32] = {};
        ssize_t const n = ::pread(fd, text, sizeof text - 1, 0);
        holder = n > 0 ? std::strtol(text, nullptr, 10) : 0;
        ::close(fd);
        return false;
    }
    // The holder's process id, for the message of a run that finds the lock taken: best effort (on
    // a full disk the lock holds all the same, and the run's first save says what is wrong).
    std::string const pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) < 0) (void)::ftruncate(fd, 0);
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
    return true;
}

void print_out(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size())
        throw output_error("cannot write to stdout: " + reason(errno));
}

void tell(std::string_view message) noexcept {
    // Control characters (but newline and tab) are shown as \xNN: text from a file or an argument
    // never reaches the terminal as an escape sequence. No allocation: this runs out of memory too.
    for (char const c : message) {
        auto const u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f)
            std::fprintf(stderr, "\\x%02x", u);
        else
            std::fputc(c, stderr);
    }
    std::fflush(stderr);
    std::clearerr(stderr);
}

int exit_status_of_error(std::string_view tool) noexcept {
    auto say = [&](char const* what, char const* detail) {
        tell(tool);
        tell(": ");
        tell(what);
        tell(detail);
        tell("\n");
    };
    try {
        throw;
    } catch (interrupted_error const& e) {
        say("", e.what());
        return exit_interrupted;
    } catch (std::invalid_argument const& e) {
        say("", e.what());
        return exit_usage;
    } catch (std::bad_alloc const&) {
        say("out of memory", "");
        return exit_failure;
    } catch (system_failure const& e) {
        say("", e.what());
        return exit_failure;
    } catch (std::system_error const& e) {
        say("", e.what());
        return exit_failure;
    } catch (std::exception const& e) {
        say("internal error: ", e.what());
        return exit_failure;
    } catch (...) {
        say("internal error", "");
        return exit_failure;
    }
}

bool flush_outputs() noexcept {
    errno = 0;
    bool const ok = std::fflush(stdout) == 0 && !std::ferror(stdout);
    if (!ok) {  // no allocation here: this also runs when memory has run out
        int const err = errno;
        tell("cannot write the output to stdout: ");
        tell(err != 0 ? std::strerror(err) : "a write failed");
        tell("\n");
    }
    std::fflush(stderr);
    return ok;
}

}  // namespace ctformer::tools
