// tools/check/adders.cpp — the tables of check_ops, one per program, one entry per digit count
// (check.hpp); the entries are defined in the units generated from tools/adders/check_adder.cpp.in.
#include <string>

#include "common/digits.hpp"
#include "check.hpp"

namespace ctformer::tools::check {

#define CTFORMER_DECLARE_CHECK_OPS(D) \
    check_ops const& add_check_ops_##D(); check_ops const& sub_check_ops_##D(); check_ops const& mul_check_ops_##D();
CTFORMER_EACH_DIGIT_COUNT(CTFORMER_DECLARE_CHECK_OPS)
#undef CTFORMER_DECLARE_CHECK_OPS

check_ops const& check_ops_for(std::string_view program, std::size_t digits) {
#define CTFORMER_ADD_CHECK_OPS_ENTRY(D) &add_check_ops_##D,
#define CTFORMER_SUB_CHECK_OPS_ENTRY(D) &sub_check_ops_##D,
#define CTFORMER_MUL_CHECK_OPS_ENTRY(D) &mul_check_ops_##D,
    static check_ops const& (*const add_table[])() = {CTFORMER_EACH_DIGIT_COUNT(CTFORMER_ADD_CHECK_OPS_ENTRY)};
    static check_ops const& (*const sub_table[])() = {CTFORMER_EACH_DIGIT_COUNT(CTFORMER_SUB_CHECK_OPS_ENTRY)};
    static check_ops const& (*const mul_table[])() = {CTFORMER_EACH_DIGIT_COUNT(CTFORMER_MUL_CHECK_OPS_ENTRY)};
#undef CTFORMER_ADD_CHECK_OPS_ENTRY
#undef CTFORMER_SUB_CHECK_OPS_ENTRY
#undef CTFORMER_MUL_CHECK_OPS_ENTRY
    if (program == "add") return digit_table_entry(add_table, digits);
    if (program == "sub") return digit_table_entry(sub_table, digits);
    if (program == "mul") return digit_table_entry(mul_table, digits);
    throw std::invalid_argument("unknown program \"" + std::string(program) + "\"; ctformer-check runs add, sub, mul");
}

}  // namespace ctformer::tools::check
