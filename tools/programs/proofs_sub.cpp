// tools/programs/proofs_sub.cpp — `ctformer bounds` and `ctformer prove` for subtraction: the bounds analysis
// (proof/bounds.hpp) and the all-input proof (proof/all_inputs.hpp) at run time, on the program's
// model of run-time digit count, one instantiation for every D; a unit of its own, so that the
// programs build in parallel.
#include <cstddef>

#include <ctformer/ctformer.hpp>

#include "commands/bounds.hpp"
#include "commands/prove.hpp"
#include "common/digits.hpp"

namespace ctformer::tools {

program_proofs const& subtraction_proofs() {
    static constexpr program_proofs proofs{[](std::size_t digits) { return print_bounds<any_digits<subtraction>>(digits); },
                                           [](std::size_t digits, bool json) { return prove_program<subtraction>(digits, json); }};
    return proofs;
}

}  // namespace ctformer::tools
