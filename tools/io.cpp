// tools/io.cpp — bounded reads, checked and atomic writes, checked stdout (tools/io.hpp).
#include "io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <system_error>

#include <fcntl.h>
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

}  // namespace

std::string read_file_bounded(std::string const& path, char const* option, std::uint64_t max_bytes) {
    std::string const what = std::string(option) + ": \"" + path + "\"";
    int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw input_error(what + ": cannot read it: " + reason(errno));
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw input_error(what + ": is a directory, not a file");
    }
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
    std::string tmp;
    int const fd = make_temporary(path, tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw output_error("cannot write \"" + path + "\": it is a directory");
}

void print_out(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size())
        throw output_error("cannot write to stdout: " + reason(errno));
}

void tell(std::string_view message) noexcept {
    std::fwrite(message.data(), 1, message.size(), stderr);
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
