// Must not compile with CTFORMER_BREAK: the add-with-carry table forgets one carry.
// The unit for digits (5, 5) without carry writes digit 0 but no longer sets the carry, so
// 0005+0005 gives 0000 instead of 0100 (reversed 0010), and the proof below fails.
// expect: wrong_answer<5(ul|UL)?, 5(ul|UL)?, false>
#include <ctformer/ctformer.hpp>

namespace {
struct carry_table_missing_one_entry {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
#ifdef CTFORMER_BREAK
        auto& table = ctformer::seed_body_layer<"add_with_carry">(w);
        constexpr std::size_t unit = 2 * (5 * 10 + 5);  // digits (5, 5), no carry in
        table.w2.set(unit, ctformer::seed_layout[ctformer::reg::carry][0], ctformer::fixed{});
#endif
        return w;
    }
};
using Net = ctformer::adder<4, carry_table_missing_one_entry>;
}  // namespace

static_assert(ctformer::proven_sum<Net, 5, 5>);
