// Must not compile with CTFORMER_BREAK: the relative reads' key scale is too small to pick one row.
// With K = 2^10 instead of 2^18 the score gap between neighbouring positions is
// 2^10·(1 − cos 2π/100)/√80 ≈ 0.23, so each read blends the digits around the cursor.
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
        weaken(boost::hana::at_c<2>(w.body));  // read_relative(left_pos → left)
        weaken(boost::hana::at_c<3>(w.body));  // read_relative(right_pos → right)
#endif
        return w;
    }
};
using Net = ctformer::adder<4, weak_read_scale>;
}  // namespace

void proof_1234_4321() {
    constexpr bool ok = ctformer::adds_correctly<Net>(1234, 4321);
    static_assert(ok, "1234+4321= must give 5555");
}
