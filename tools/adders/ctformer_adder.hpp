// tools/adders/ctformer_adder.hpp — what the `ctformer` command runs for one program (adder_ops'
// entries, tools/common/digits.hpp), on its model with the digit count given at run time: one
// instantiation per program, in the units tools/adders/run_add.cpp, run_sub.cpp and run_mul.cpp.
#pragma once

#include <array>
#include <span>

#include <ctformer/ctformer.hpp>

#include "../commands/export.hpp"
#include "common/digits.hpp"
#include "page/plot.hpp"
#include "page/trace.hpp"

namespace ctformer::tools {

/// A `digits`-digit prompt of program P as token ids (prompt_error where it is malformed).
template <program P>
struct parsed_prompt {
    std::array<std::uint8_t, max_rows> ids{};
    std::size_t length = 0;
    parsed_prompt(std::size_t digits, std::string_view text) : length(prompt_shape<P>::prompt_length(digits)) {
        read_prompt<P>(digits, text, ids.data());
    }
    std::span<std::uint8_t const> view() const { return {ids.data(), length}; }
};

/// Program P's entries.
template <program P>
adder_ops::entries const& program_entries() {
    using M = any_digits<P>;
    static constexpr adder_ops::entries entries{
        [](std::size_t digits, std::string_view prompt, std::size_t count) {
            return generate<M>(digits, parsed_prompt<P>(digits, prompt).view(), count);
        },
        [](std::size_t digits, std::string_view prompt, std::size_t count) {
            return trace<M>(digits, parsed_prompt<P>(digits, prompt).view(), count);
        },
        [](std::size_t digits, std::string_view prompt) { return make_plots<M>(digits, parsed_prompt<P>(digits, prompt).view()); },
        [](std::size_t digits) { return export_json<M>(digits); }};
    return entries;
}

}  // namespace ctformer::tools
