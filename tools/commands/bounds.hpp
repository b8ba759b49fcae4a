// tools/commands/bounds.hpp — the table of `ctformer bounds`, for one program: instantiated once,
// on its model of run-time digit count (tools/programs/proofs_*.cpp), called through
// program_proofs::bounds (tools/common/digits.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/core.h>

#include <ctformer/ctformer.hpp>

namespace ctformer::tools {

/// A Q31.32 raw value (or a wider sum of them) as a real number.
inline double as_real_bounds(i128 raw) { return static_cast<double>(raw) / 4294967296.0; }

/// Prints the table; returns whether every value fits Q31.32.
template <class Model>
bool print_bounds(std::size_t digits) {
    // At run time: the same function the proofs evaluate at compile time. Not const: clang++ would
    // try a const local's constant initializer at compile time as soon as it is read (its
    // integer-overflow check), and with the proof budget that is the whole analysis, minutes per D.
    auto r = analyze_bounds<Model>(digits);
    double const capacity = std::ldexp(1.0, 31);
    fmt::print(
        "Bounds of every value of {}'s network over all valid {}-digit prompts (proof/bounds.hpp): rows {}..{} (from '=' on)\n"
        "through {} layers; rows before '=' enter attention through their embedding. Capacity of Q31.32: 2^31 = {:.0f}.\n"
        "stream: the largest |entry| of any row after the layer; inner: the largest |hidden pre-activation| (MLP) or\n"
        "|query|, |key|, |value|, |score| (attention); headroom: log2(capacity / the larger of the two).\n\n",
        program_of_model<Model>::name, digits, r.first_row, r.rows - 1, r.layers, capacity);
    std::size_t name_w = 5;
    for (std::size_t l = 0; l < r.layers; ++l) name_w = std::max(name_w, r.layer[l].name.size());
    // numbered by step, as the page, the trace and the pictures are: step k runs the k-th layer
    fmt::print("{:>5}  {:<{}}  {:<9}  {:>12}  {:>12}  {:>8}  {}\n", "step", "name", name_w, "kind", "stream", "inner",
               "headroom", "rows bounded by intervals");
    for (std::size_t l = 0; l < r.layers; ++l) {
        auto const& b = r.layer[l];
        double const top = std::max(as_real_bounds(b.stream), as_real_bounds(b.inner));
        fmt::print("{:>5}  {:<{}}  {:<9}  {:>12.4f}  {:>12.4f}  {:>8.1f}  {}\n", l + 1, b.name,
                   name_w + (b.name.size() - std::string_view(b.name).size()), b.attention ? "attention" : "mlp",
                   as_real_bounds(b.stream), as_real_bounds(b.inner), top > 0 ? std::log2(capacity / top) : 63.0,
                   b.fallback_rows == 0 ? std::string("none (value sets)") : fmt::format("{}", b.fallback_rows));
    }
    bool const ok = r.fits(31);
    fmt::print("\nlargest value: {:.4f} (step {}, {}); capacity / largest = 2^{:.1f}: {}\n", as_real_bounds(r.largest()), r.worst_layer + 1,
               r.layer[r.worst_layer].name, std::log2(capacity / as_real_bounds(r.largest())),
               ok ? "every value fits Q31.32" : "DOES NOT FIT");
    fmt::print("answer rows: {}\n",
               r.answers_are_digits
                   ? "every value their final register can hold unembeds to a digit (the analysis's assumption holds)"
                   : "NOT shown to predict digits only");
    return ok && r.answers_are_digits;
}


}  // namespace ctformer::tools
