// The all-input proof at run time on the twins of longer sequences, weak choices and junk in the
// embedding: its agreement with the exhaustive enumeration (D = 1, 2), where it fails and why.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include <ctformer/ctformer.hpp>
#include <ctformer/proof/all_inputs.hpp>

#include "all_inputs_checks.hpp"
#include "run_time.hpp"
#include "twins/all_inputs_twins.hpp"

using namespace ctformer;
using namespace all_inputs_checks;

TEST_CASE("the all-input proof and the enumeration agree on the sequence, choice and junk twins (D = 1, 2)", "[all_inputs]") {
    agree<twins::long_sequence<true>, 1>("long_sequence");  // both pass: the defect needs 7 digits
    agree<twins::long_sequence<true>, 2>("long_sequence");
    agree<twins::weak_choice<true>, 1>("weak_choice");
    agree<twins::weak_choice<true>, 2>("weak_choice");
    agree<twins::junk_carry<true>, 1>("junk_carry");  // 1 + 1 gives 30: both fail
    agree<twins::junk_carry<true>, 2>("junk_carry");
    agree<twins::long_junk<true>, 1>("long_junk");  // both pass: the junk sits in rows 40 and later
    agree<twins::long_junk<true>, 2>("long_junk");
}

TEST_CASE("a defect of longer sequences: the proof holds up to 6 digits and fails from 7 on", "[all_inputs]") {
    using P = all_inputs<twins::long_sequence<true>>;
    for (std::size_t D = 1; D <= 6; ++D) {
        auto const r = P::prove(at_run_time<std::size_t>(D));
        INFO("D = " << D << ": " << failure_text(r));
        CHECK(r.holds);
    }
    auto const r = P::prove(at_run_time<std::size_t>(7));
    INFO(failure_text(r));
    REQUIRE_FALSE(r.holds);
    CHECK(r.failure.which == premise::copy);
    CHECK(r.failure.row == 21);  // position 21 pairs with the output cursor's 10: both are 15.5 ± 5.5
}

TEST_CASE("a junk value in the embedding is found where it is, and only a wrong start fails the proof", "[all_inputs]") {
    auto const carry = all_inputs<twins::junk_carry<true>>::prove(at_run_time<std::size_t>(1));
    INFO(failure_text(carry));
    REQUIRE_FALSE(carry.holds);
    CHECK(carry.failure.which == premise::start);
    CHECK(std::string(carry.failure.what).find("carry is not empty") != std::string::npos);
    // the token-dependent junk of rows 40 and later: 12 digits end at row 38, 13 reach row 41
    using P = all_inputs<twins::long_junk<true>>;
    CHECK(P::prove(at_run_time<std::size_t>(12)).holds);
    auto const r = P::prove(at_run_time<std::size_t>(13));
    INFO(failure_text(r));
    REQUIRE_FALSE(r.holds);
    CHECK(r.failure.which == premise::start);
    CHECK(r.failure.row == 40);
    // and what it breaks is real: in 7000001 + 0 with 16 digits, row 40 holds the sum's seventh
    // digit, 7, fed back, and its prediction goes wrong
    CHECK_FALSE(adds_correctly<adder<16, twins::long_junk<true>>>(at_run_time<std::uint64_t>(7000001), 0));
    CHECK(adds_correctly<adder<16, twins::long_junk<false>>>(at_run_time<std::uint64_t>(7000001), 0));
}
