// tools/check/walk_sub.cpp — the checker's walk for subtraction (check/pairs.hpp), every digit count in
// one instantiation: a unit of its own, so that the three programs' walks build in parallel.
#include "check/pairs.hpp"

namespace ctformer::tools::check {
template check_ops const& program_check_ops<subtraction>(std::size_t);
}  // namespace ctformer::tools::check
