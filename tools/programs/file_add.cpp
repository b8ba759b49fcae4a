// tools/programs/file_add.cpp — what `ctformer` runs for addition with --weights FILE
// (programs/file_entries.hpp): a unit of its own, so that the programs build in parallel.
#include "programs/file_entries.hpp"

namespace ctformer::tools {
program_ops::entries const& addition_file_entries() { return file_entries<addition>(); }
void load_addition_weights(std::string const& path) { load_weights<addition>(path); }
}  // namespace ctformer::tools
