// tools/check/programs.cpp — check_ops_for: the checker's operations of a program, by name
// (check.hpp); each program's are made in a unit of its own (check/walk_*.cpp).
#include <string>

#include "check.hpp"

namespace ctformer::tools::check {

check_ops const& check_ops_for(std::string_view program, std::size_t digits) {
    if (program == addition::name) return program_check_ops<addition>(digits);
    if (program == subtraction::name) return program_check_ops<subtraction>(digits);
    if (program == multiplication::name) return program_check_ops<multiplication>(digits);
    throw std::invalid_argument("unknown program \"" + std::string(program) + "\"; ctformer-check runs add, sub, mul");
}

std::string prompts_noun(std::string_view program) { return std::string(check_ops_for(program, 1).noun) + "s"; }

}  // namespace ctformer::tools::check
