// Must not compile with CTFORMER_BREAK: one entry of the add-with-carry table is wrong. The unit
// for digits (3, 4) without carry writes 8 instead of 7, so 3+4= gives 81 instead of 70 (the sum
// 07, reversed) — one addition in a hundred. The exhaustive proof walks all hundred and stops the
// build at the first wrong one, naming it.
// expect: wrong_answer<3(ul|UL)?, 4(ul|UL)?, false>
#include <ctformer/ctformer.hpp>

namespace {
struct add_table_one_wrong_digit {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
#ifdef CTFORMER_BREAK
        auto& table = boost::hana::at_c<4>(w.body);  // add_with_carry
        constexpr std::size_t unit = 2 * (3 * 10 + 4);  // digits (3, 4), no carry in
        auto const out = ctformer::seed_layout[ctformer::reg::out];
        table.w2.set(unit, out[7], ctformer::fixed{});
        table.w2.set(unit, out[8], ctformer::fixed::from_ratio(1, 128));
#endif
        return w;
    }
};
using Net = ctformer::adder<1, add_table_one_wrong_digit>;
}  // namespace

constexpr auto range = ctformer::check_range<Net>(0, 10);
static_assert(ctformer::proven<range>, "all 100 one-digit additions must be right");
