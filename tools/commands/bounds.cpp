// tools/commands/bounds.cpp — `ctformer bounds --digits 4`: the bounds analysis's table
// (proof/bounds.hpp), per layer the largest magnitude any value can reach over every valid prompt,
// against Q31.32's capacity. Exit status 1 when a value might not fit.
#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/core.h>

#include <ctformer/ctformer.hpp>

#include "../digits.hpp"
#include "commands.hpp"

namespace ctformer::tools {

namespace {

double as_real(i128 raw) { return static_cast<double>(raw) / 4294967296.0; }

/// Prints the table; returns whether every value fits Q31.32.
template <class Model>
bool print_bounds() {
    auto const r = analyze_bounds<Model>();  // at run time: the same function the proofs evaluate at compile time
    double const capacity = std::ldexp(1.0, 31);
    fmt::print(
        "Bounds of every value of the {}-digit adder over all valid prompts (proof/bounds.hpp): rows {}..{} (from '=' on)\n"
        "through {} layers; rows before '=' enter attention through their embedding. Capacity of Q31.32: 2^31 = {:.0f}.\n"
        "stream: the largest |entry| of any row after the layer; inner: the largest |hidden pre-activation| (MLP) or\n"
        "|query|, |key|, |value|, |score| (attention); headroom: log2(capacity / the larger of the two).\n\n",
        Model::digits, r.first_row, r.rows - 1, r.layers, capacity);
    std::size_t name_w = 5;
    for (std::size_t l = 0; l < r.layers; ++l) name_w = std::max(name_w, r.layer[l].name.size());
    fmt::print("{:>5}  {:<{}}  {:<9}  {:>12}  {:>12}  {:>8}  {}\n", "layer", "name", name_w, "kind", "stream", "inner",
               "headroom", "rows bounded by intervals");
    for (std::size_t l = 0; l < r.layers; ++l) {
        auto const& b = r.layer[l];
        double const top = std::max(as_real(b.stream), as_real(b.inner));
        fmt::print("{:>5}  {:<{}}  {:<9}  {:>12.4f}  {:>12.4f}  {:>8.1f}  {}\n", l, b.name,
                   name_w + (b.name.size() - std::string_view(b.name).size()), b.attention ? "attention" : "mlp",
                   as_real(b.stream), as_real(b.inner), top > 0 ? std::log2(capacity / top) : 63.0,
                   b.fallback_rows == 0 ? std::string("none (value sets)") : fmt::format("{}", b.fallback_rows));
    }
    bool const ok = r.fits(31);
    fmt::print("\nlargest value: {:.4f} (layer {}, {}); capacity / largest = 2^{:.1f}: {}\n", as_real(r.largest()), r.worst_layer,
               r.layer[r.worst_layer].name, std::log2(capacity / as_real(r.largest())),
               ok ? "every value fits Q31.32" : "DOES NOT FIT");
    fmt::print("answer rows: {}\n",
               r.answers_are_digits
                   ? "every value their final register can hold unembeds to a digit (the analysis's assumption holds)"
                   : "NOT shown to predict digits only");
    return ok && r.answers_are_digits;
}

}  // namespace

int run_bounds(bounds_options const& o) {
    return with_digits(o.digits, [&](auto model) { return print_bounds<decltype(model)>() ? 0 : 1; });
}

command bounds_command(CLI::App& ctformer) {
    auto o = std::make_shared<bounds_options>();
    auto* app = ctformer.add_subcommand(
        "bounds", "print the largest value of every layer over all valid prompts, against Q31.32's capacity");
    app->add_option("--digits,-d", o->digits, "operand digit count D (1-8; default 4)")->check(CLI::Range(1, 8));
    return {app, [o] { return run_bounds(*o); }};
}

}  // namespace ctformer::tools
