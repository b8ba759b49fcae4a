// tools/programs/file_mul.cpp — what `ctformer` runs for multiplication with --weights FILE
// (programs/file_entries.hpp): a unit of its own, so that the programs build in parallel.
#include "programs/file_entries.hpp"

namespace ctformer::tools {
program_ops::entries const& multiplication_file_entries() { return file_entries<multiplication>(); }
void load_multiplication_weights(std::string const& path) { load_weights<multiplication>(path); }
}  // namespace ctformer::tools
