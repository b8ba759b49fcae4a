// For the must-fail twins that break one unit of the add-with-carry table: the seed's network in
// which, when CTFORMER_BREAK is defined, unit `Unit` writes the digit `To` instead of `From`.
// Unit 2·(10·i + j) handles digits (i, j) without a carry in, unit 2·(10·i + j) + 1 with one.
#pragma once

#include <cstddef>

#include <ctformer/ctformer.hpp>

namespace must_fail {

template <std::size_t Unit, std::size_t From, std::size_t To>
struct add_unit_writes_wrong_digit {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
#ifdef CTFORMER_BREAK
        auto& table = ctformer::seed_body_layer<"add_with_carry">(w);
        auto const out = ctformer::seed_layout[ctformer::reg::out];
        table.w2.set(Unit, out[From], ctformer::fixed{});
        table.w2.set(Unit, out[To], ctformer::fixed::from_ratio(1, 128));
#endif
        return w;
    }
};

}  // namespace must_fail
