// ctformer/runtime/inspect.hpp — reading a row of generation after one step, at compile time or at
// run time: what `ctformer trace` prints, as values a static_assert can compare (docs/exercises.md).
//
//     constexpr auto r = ctformer::row_after<ctformer::adder<4>>("0457+0168=", 9, 9);
//     static_assert(r.digit("out") == 5 && r.number("carry") == 1);  // 7 + 8 = 15
//
// Row r's pass is the forward pass generation runs to predict the token after row r (rows from '='
// on: generation runs no pass for an earlier row); step 0 is its embedding, step s ≥ 1 the row
// after the s-th layer of the program (1 to prologue + D·body + epilogue, the tools' numbering).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string_view>
#include <type_traits>

#include "ctformer/model/network.hpp"
#include "ctformer/model/program.hpp"
#include "ctformer/runtime/generate.hpp"

namespace ctformer {

/// One residual row of a model, read by register name.
template <class Model>
struct inspected_row {
    static constexpr auto const& layout = model_structure<Model>().layout;
    static constexpr std::size_t width = std::remove_cvref_t<decltype(layout)>::width;
    row_vector<width> x{};

    /// The register called `name`; throws std::invalid_argument for a name the layout lacks.
    static constexpr slot at(std::string_view name) {
        for (auto const& [n, s] : layout.entries())
            if (n == name) return s;
        throw std::invalid_argument("ctformer::inspected_row: the layout has no register of that name");
    }
    /// A one-hot register's index: the entry that holds exactly 1, the others exactly 0 (−1 when
    /// every entry is 0); throws std::domain_error for anything else (a blend, a partial value).
    constexpr int digit(std::string_view name) const {
        slot const s = at(name);
        int found = -1;
        for (std::size_t i = 0; i < s.width; ++i) {
            std::int64_t const raw = x[s[i]].raw;
            if (raw == 0) continue;
            if (raw != fixed::one_raw || found != -1)
                throw std::domain_error("ctformer::inspected_row::digit: the register is not an exact one-hot");
            found = static_cast<int>(i);
        }
        return found;
    }
    /// A one-column register's value, exactly; throws std::invalid_argument for a wider register.
    constexpr fixed value(std::string_view name) const {
        slot const s = at(name);
        if (s.width != 1) throw std::invalid_argument("ctformer::inspected_row::value: the register is wider than one column");
        return x[s[0]];
    }
    /// A one-column register's value as a whole number; throws std::domain_error when it is not one.
    constexpr long long number(std::string_view name) const {
        fixed const v = value(name);
        if (v.raw % fixed::one_raw != 0) throw std::domain_error("ctformer::inspected_row::number: the value is not a whole number");
        return v.raw / fixed::one_raw;
    }
};

/// Row `row` of generation on `prompt` (text, as run() takes it) after step `step` of its pass.
/// Throws std::invalid_argument for a row generation runs no pass for, or a step past the last.
template <class Model>
constexpr inspected_row<Model> row_after(std::string_view prompt, std::size_t row, std::size_t step) {
    using P = program_of_model<Model>;
    using shape = prompt_shape<P>;
    std::size_t const digits = Model::digits;
    std::size_t const steps = network_shape<std::remove_cvref_t<decltype(model_structure<Model>())>>::steps(digits);
    if (row < shape::first_answer_row(digits) || row > shape::last_answer_row(digits))
        throw std::invalid_argument("ctformer::row_after: generation runs a pass only for the rows from '=' to the last answer row");
    if (step > steps) throw std::invalid_argument("ctformer::row_after: the step is past the program's last layer");
    std::size_t const pass = row - shape::first_answer_row(digits), wanted = pass * steps + step;  // observer calls, from 1
    inspected_row<Model> out{};
    std::size_t calls = 0;
    auto const g = generate<Model>(parse_prompt<Model::digits, P>(prompt), Model::answer_length,
                                   [&](std::string_view, auto const& x, std::uint64_t) {
                                       if (++calls == wanted) out.x = x;
                                   });
    if (pass >= g.generated) throw std::invalid_argument("ctformer::row_after: generation stopped before that row");
    if (step == 0) out.x = Model::net.embedding(P::vocabulary.find(g.text[row]), row);
    return out;
}

}  // namespace ctformer
