// Must not compile with CTFORMER_BREAK: the relative reads' key scale is too small to pick one row.
// With K = 2^10 instead of 2^18 the score gap between neighbouring positions is
// 2^10·(1 − cos 2π/100)/√80 ≈ 0.23, so each read blends the digits around the cursor.
// expect: wrong_answer<1234(ul|UL)?, 4321(ul|UL)?, false>
#include <ctformer/ctformer.hpp>

namespace {
struct weak_read_scale {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
#ifdef CTFORMER_BREAK
        auto const pos = ctformer::seed_layout[ctformer::reg::pos];
        auto weaken = [&](auto& read) {
            read.wk.set(pos[0], pos[0], ctformer::fixed::from_int(1 << 10));
            read.wk.set(pos[1], pos[1], ctformer::fixed::from_int(1 << 10));
        };
        weaken(ctformer::seed_body_layer<"read_relative(left_pos → left)">(w));
        weaken(ctformer::seed_body_layer<"read_relative(right_pos → right)">(w));
#endif
        return w;
    }
};
using Net = ctformer::adder<4, weak_read_scale>;
}  // namespace

static_assert(ctformer::proven_sum<Net, 1234, 4321>);
