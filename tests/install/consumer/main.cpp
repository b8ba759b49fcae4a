#include <cstdio>

#include <ctformer/core.hpp>

using Adder = ctformer::adder<2>;
static_assert(ctformer::adds_correctly<Adder>(47, 38));  // proven by the consumer's compiler

int main() {
    auto const g = ctformer::add<Adder>("47+38=");
    std::printf("%.*s", static_cast<int>(g.view().size()), g.view().data());  // ends with the end token '\n'
    return g.answer() == "580\n" ? 0 : 1;
}
