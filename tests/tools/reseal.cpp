// tests/tools/reseal.cpp — reseal FILE: rewrites a ctformer-check report with its seal recomputed,
// as a forger who has this code would after editing it. The tests use it to show that what the
// seal cannot stop, a forgery sealed again, is caught by what verify_report re-derives and by the
// sample of blocks checked again (tests/tools/hostile.sh).
#include <cstdio>
#include <exception>

#include "common/io.hpp"
#include "check/report.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fputs("usage: reseal FILE\n", stderr);
        return 2;
    }
    try {
        ctformer::tools::write_file_atomically(argv[1], ctformer::tools::resealed(ctformer::tools::read_file_bounded(argv[1], "reseal")));
    } catch (std::exception const& e) {
        std::fprintf(stderr, "reseal: %s\n", e.what());
        return 2;
    }
    return 0;
}
