// tools/check/adders.cpp — the table of check_ops, one entry per digit count (check.hpp); the
// entries are defined in the units generated from tools/adders/check_adder.cpp.in.
#include "common/digits.hpp"
#include "check.hpp"

namespace ctformer::tools::check {

#define CTFORMER_DECLARE_CHECK_OPS(D) check_ops const& check_ops_##D();
CTFORMER_EACH_DIGIT_COUNT(CTFORMER_DECLARE_CHECK_OPS)
#undef CTFORMER_DECLARE_CHECK_OPS

check_ops const& check_ops_for(std::size_t digits) {
#define CTFORMER_CHECK_OPS_ENTRY(D) &check_ops_##D,
    static check_ops const& (*const table[])() = {CTFORMER_EACH_DIGIT_COUNT(CTFORMER_CHECK_OPS_ENTRY)};
#undef CTFORMER_CHECK_OPS_ENTRY
    return digit_table_entry(table, digits);
}

}  // namespace ctformer::tools::check
