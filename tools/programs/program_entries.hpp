// tools/programs/program_entries.hpp — what the `ctformer` command runs for one program (program_ops'
// entries, tools/common/digits.hpp), on its model with the digit count given at run time: one
// instantiation per program, in the units tools/programs/run_add.cpp, run_sub.cpp and run_mul.cpp.
#pragma once

#include <array>
#include <span>

#include <ctformer/ctformer.hpp>

#include "../commands/export.hpp"
#include "common/digits.hpp"
#include "page/plot.hpp"
#include "page/trace.hpp"

namespace ctformer::tools {

/// The entries of model M of program P, given how it generates and traces (`Generate`, `Trace`:
/// generate<M>, trace<M> for the built-in networks; the reference pass for a network read from a
/// file, programs/file_entries.hpp): the rest — pictures, export, prompts, expected answers — is
/// the same for both.
template <program P, class M, auto Generate, auto Trace>
constexpr program_ops::entries entries_of() {
    return {
        [](std::size_t digits, std::string_view prompt, std::size_t count) {
            return Generate(digits, prompt_ids<P>(digits, prompt).view(), count);
        },
        [](std::size_t digits, std::string_view prompt, std::size_t count) {
            return Trace(digits, prompt_ids<P>(digits, prompt).view(), count);
        },
        [](std::size_t digits, std::string_view prompt) { return make_plots<M>(digits, prompt_ids<P>(digits, prompt).view()); },
        [](std::size_t digits) { return export_json<M>(digits); },
        [](std::size_t digits, std::uint64_t a, std::uint64_t b) { return prompt_ids<P>(digits, a, b).text(); },
        [](std::size_t digits, std::uint64_t a, std::uint64_t b) {
            std::string out(digits + 2, ' ');
            write_expected_answer<P>(digits, a, b, out.data());
            return out;
        }};
}

/// Program P's entries.
template <program P>
program_ops::entries const& program_entries() {
    using M = any_digits<P>;
    static constexpr program_ops::entries entries =
        entries_of<P, M, [](std::size_t digits, std::span<std::uint8_t const> prompt, std::size_t count) { return generate<M>(digits, prompt, count); },
                   [](std::size_t digits, std::span<std::uint8_t const> prompt, std::size_t count) { return trace<M>(digits, prompt, count); }>();
    return entries;
}

}  // namespace ctformer::tools
