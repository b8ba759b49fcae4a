// Must not compile with CTFORMER_BREAK: a prompt with a '-' where '+' belongs, in a constant
// expression. The diagnostic points at the check in model/prompt.hpp that names the problem.
// expect: expected '\+' at position 4|prompt_fail
#include <ctformer/ctformer.hpp>

using A = ctformer::adder<4>;
#ifdef CTFORMER_BREAK
constexpr auto g = ctformer::add<A>("0999-0111=");
#else
constexpr auto g = ctformer::add<A>("0999+0111=");
#endif
static_assert(g.generated == 6);
