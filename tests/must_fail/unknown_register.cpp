// Must not compile with CTFORMER_BREAK: the layout has no register called "carry_out".
#include <ctformer/model/registers.hpp>

#ifdef CTFORMER_BREAK
constexpr auto missing = ctformer::seed_layout[BOOST_HANA_STRING("carry_out")];
#else
constexpr auto missing = ctformer::seed_layout[ctformer::reg::carry];
#endif
static_assert(missing.width == 1);
