// tools/adders/adders.cpp — the table of adder_ops, one entry per digit count (tools/common/digits.hpp); the
// entries are defined in the units generated from tools/adders/ctformer_adder.cpp.in.
#include "common/digits.hpp"

namespace ctformer::tools {

#define CTFORMER_DECLARE_ADDER_OPS(D) adder_ops const& adder_ops_##D();
CTFORMER_EACH_DIGIT_COUNT(CTFORMER_DECLARE_ADDER_OPS)
#undef CTFORMER_DECLARE_ADDER_OPS

adder_ops const& adder_for(std::size_t d) {
#define CTFORMER_ADDER_OPS_ENTRY(D) &adder_ops_##D,
    static adder_ops const& (*const table[])() = {CTFORMER_EACH_DIGIT_COUNT(CTFORMER_ADDER_OPS_ENTRY)};
#undef CTFORMER_ADDER_OPS_ENTRY
    return digit_table_entry(table, d);
}

}  // namespace ctformer::tools
