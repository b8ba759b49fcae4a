// tests/all_inputs_checks.hpp — what the all-input proof's run-time tests share: a failure as
// text, the enumeration of every D-digit addition, and the agreement of the two on one network.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include <ctformer/ctformer.hpp>
#include <ctformer/proof/all_inputs.hpp>

#include "run_time.hpp"

namespace all_inputs_checks {

using namespace ctformer;

inline std::string failure_text(all_inputs_report const& r) {
    if (r.holds) return "holds";
    return std::string(premise_name(r.failure.which)) + " row " + std::to_string(r.failure.row) + " pass " +
           std::to_string(r.failure.pass) + " " + r.failure.layer + ": " + r.failure.what;
}

/// Does the network answer every D-digit addition right? Generation as users run it
/// (adds_correctly), over all pairs, stopping at the first wrong one.
template <class Build, std::size_t D>
bool every_addition_right() {
    for (std::uint64_t a = 0; a < power_of_ten(D); ++a)
        for (std::uint64_t b = 0; b < power_of_ten(D); ++b)
            if (!adds_correctly<adder<D, Build>>(a, b)) return false;
    return true;
}

template <class Build, std::size_t D>
void agree(char const* name) {
    auto const proof = all_inputs<Build>::prove(at_run_time<std::size_t>(D));
    bool const enumerated = every_addition_right<Build, D>();
    INFO(name << ", D = " << D << ": proof " << failure_text(proof) << "; enumeration "
              << (enumerated ? "all right" : "a wrong answer"));
    CHECK(proof.holds == enumerated);
}

}  // namespace all_inputs_checks
