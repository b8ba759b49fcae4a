// tools/adders/bounds_add.cpp — `ctformer bounds` for the adder: the bounds analysis
// (proof/bounds.hpp) on the adder's model of run-time digit count, one instantiation for every D.
#include <cstddef>

#include <ctformer/ctformer.hpp>

#include "commands/bounds.hpp"

namespace ctformer::tools {

bool print_adder_bounds(std::size_t digits) { return print_bounds<any_digits<addition>>(digits); }

}  // namespace ctformer::tools
