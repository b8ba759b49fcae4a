// The unit each code mutant of tests/mutants/CMakeLists.txt is compiled as, against a copy of
// include/ with one defect planted: the all-input proof of a 2-digit addition's first answer row
// (its walk, its start and its path through generation as ctformer::add runs it). Built intact by
// the default build.
#include <ctformer/proof/all_inputs.hpp>

static_assert(ctformer::proven_rows_for_all_inputs<ctformer::seed_weights, 2, 5, 5>);
