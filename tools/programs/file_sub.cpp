// tools/programs/file_sub.cpp — what `ctformer` runs for subtraction with --weights FILE
// (programs/file_entries.hpp): a unit of its own, so that the programs build in parallel.
#include "programs/file_entries.hpp"

namespace ctformer::tools {
program_ops::entries const& subtraction_file_entries() { return file_entries<subtraction>(); }
void load_subtraction_weights(std::string const& path) { load_weights<subtraction>(path); }
}  // namespace ctformer::tools
